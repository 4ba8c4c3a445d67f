import type { Range } from '../../model/nodes.ts';
import type { ByteOffsetMap } from '../../source/line-index.ts';
import type { LexedToken, Token } from './lexer.ts';

export type { Token } from './lexer.ts';

/** First and last token index of a node, inclusive. */
type Span = [number, number];

type Raw = Record<string, any>;

/**
 * Node kinds of parser structs that appear without their `{ Kind: ... }` wrapper, by the field
 * that holds them.
 */
const BARE_KINDS: Record<string, string> = {
  typeName: 'TypeName',
  relation: 'RangeVar',
  rel: 'RangeVar',
  pktable: 'RangeVar',
  view: 'RangeVar',
  sequence: 'RangeVar',
  larg: 'SelectStmt',
  rarg: 'SelectStmt',
  collClause: 'CollateClause',
  over: 'WindowDef',
};

const INTERVAL_FIELDS = new Set(['year', 'month', 'day', 'hour', 'minute', 'second']);
const SET_OPERATIONS = new Set(['union', 'intersect', 'except']);
const LOCK_STRENGTH = new Set(['update', 'share', 'no', 'key']);

/**
 * libpg-query gives each node only a start `location`, as a UTF-8 byte offset into the statement
 * text. The locator turns those into file-level UTF-16 ranges: a node spans from its smallest to
 * its largest descendant location, widened to balanced parentheses and, per node kind, over the
 * tokens the parser gives no position for (the `.name` parts of a qualified name, the `()` of a
 * call, the words and `[]` of a type, `IS NOT NULL`, `COLLATE "C"`...). Parents take the widened
 * spans of their children, so an expression ending in `t.col` ends after `col`.
 */
export class Locator {
  /** Every token of the segment, comments included. */
  readonly tokens: LexedToken[];
  /**
   * The tokens without comments. Token indices taken or returned by the methods below
   * (`tokenIndexAtOrAfter`, `listParts`, `isWord`...) are indices into this list.
   */
  readonly code: LexedToken[];
  /** Lower-cased token texts, for keyword tests. */
  private readonly words: string[];
  /** Index of the matching bracket of each `(`, `)`, `[`, `]`; -1 elsewhere. */
  private readonly match: Int32Array;
  /** Byte offset of the start of each code token, ascending. */
  private readonly byteStarts: Int32Array;
  /** Span of each raw node seen, null for nodes without locations (the locator lives as long as one segment's conversion). */
  private readonly spanCache = new Map<object, Span | null>();

  /**
   * `tokens` are the statement's tokens in file offsets; `bytes` maps the statement text's byte
   * offsets, and is left out when the text is ASCII (its byte offsets are its UTF-16 offsets).
   */
  constructor(
    private readonly statementText: string,
    private readonly base: number,
    tokens: LexedToken[],
    private readonly bytes: ByteOffsetMap | undefined,
  ) {
    this.tokens = tokens;
    // Comments are tokens of PostgreSQL's scanner; node extents step over them.
    const code: LexedToken[] = [];
    for (const t of tokens) if (t.kind !== 'SQL_COMMENT' && t.kind !== 'C_COMMENT') code.push(t);
    this.code = code;
    const byteStarts = new Int32Array(code.length);
    const words = new Array<string>(code.length);
    const match = new Int32Array(code.length).fill(-1);
    const open: number[] = [];
    for (let i = 0; i < code.length; i++) {
      const t = code[i]!;
      const w = t.text.toLowerCase();
      byteStarts[i] = t.byteStart;
      words[i] = w;
      if (w === '(' || w === '[') open.push(i);
      else if ((w === ')' || w === ']') && open.length > 0) {
        const j = open.pop()!;
        match[i] = j;
        match[j] = i;
      }
    }
    this.byteStarts = byteStarts;
    this.words = words;
    this.match = match;
  }

  /** File offset of a byte location inside the statement. */
  offset(byteLocation: number): number {
    if (this.bytes) return this.base + this.bytes.toUtf16(byteLocation);
    // What ByteOffsetMap gives for ASCII text: the same offset, kept within the text.
    const b = Math.trunc(byteLocation) || 0;
    return this.base + Math.min(Math.max(b, 0), this.statementText.length);
  }

  get statementRange(): Range {
    return { start: this.base, end: this.base + this.statementText.length };
  }

  /** Range of a raw parser node; `fallback` when it has no locations at all. */
  rangeOf(raw: unknown, fallback: Range): Range {
    const span = this.spanOf(raw);
    return span ? this.rangeOfSpan(span) : fallback;
  }

  /**
   * Range of a statement nested in another (CTE, subquery, view or INSERT source): when the
   * statement alone fills a pair of parentheses it is everything inside them, else its own span.
   */
  queryRangeOf(raw: unknown, fallback: Range): Range {
    const span = this.spanOf(raw);
    if (!span) return fallback;
    let [first, last] = span;
    // `(select 1 union select 2)`: the arms share the parentheses with the set operation.
    const open = this.enclosingOpen(first, last);
    if (open >= 0 && open + 1 === first) {
      const close = this.match[open]!;
      if (!this.hasSetOperation(last + 1, close - 1)) last = close - 1;
    }
    return this.rangeOfSpan([first, last]);
  }

  /** Tokens other than comments that lie within the range. */
  tokensIn(range: Range): Token[] {
    return this.code.filter((t) => t.start >= range.start && t.end <= range.end);
  }

  /** Index of the first code token starting at or after a file offset (`code.length` when none). */
  tokenIndexAtOrAfter(offset: number): number {
    let lo = 0;
    let hi = this.code.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.code[mid]!.start < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The token, comments included, that starts at a file offset. */
  tokenStartingAt(offset: number): Token | undefined {
    let lo = 0;
    let hi = this.tokens.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.tokens[mid]!.start < offset) lo = mid + 1;
      else hi = mid;
    }
    const token = this.tokens[lo];
    return token?.start === offset ? token : undefined;
  }

  /** End of the last non-comment token that starts before a file offset. */
  endOfTokenBefore(offset: number): number | undefined {
    return this.code[this.tokenIndexAtOrAfter(offset) - 1]?.end;
  }

  /**
   * The comma-separated parts of a list from token `from` on, up to the first unmatched `)`, a
   * `;` or the end of `within`: one range per element, in order.
   */
  listParts(from: number, within: Range): Range[] {
    const parts: Range[] = [];
    const limit = this.lastTokenIn(within);
    let start = from;
    let i = from;
    for (; i <= limit; i++) {
      const w = this.words[i]!;
      if (w === ';' || w === ')' || w === ']') break;
      if (w === ',') {
        if (i > start) parts.push(this.rangeOfSpan([start, i - 1]));
        start = i + 1;
        continue;
      }
      const m = this.match[i]!;
      if (m > i) i = Math.min(m, limit);
    }
    if (i > start) parts.push(this.rangeOfSpan([start, i - 1]));
    return parts;
  }

  /** Whether token `i` is the given (lower-case) word or punctuation. */
  isWord(i: number, ...words: string[]): boolean {
    const w = this.words[i];
    return w !== undefined && words.includes(w);
  }

  /** Index of the token that closes the bracket opened at `i`, or -1. */
  closerOf(i: number): number {
    const m = this.match[i] ?? -1;
    return m > i ? m : -1;
  }

  rangeOfSpan([first, last]: Span): Range {
    return { start: this.code[first]!.start, end: this.code[Math.max(first, last)]!.end };
  }

  /** Balanced token span of a raw node, widened over the tokens that belong to it. */
  spanOf(raw: unknown): Span | null {
    if (raw === null || typeof raw !== 'object' || this.code.length === 0) return null;
    const cache = this.spanCache;
    const cached = cache.get(raw);
    if (cached !== undefined) return cached;
    // Post-order over the nodes not yet known, on an explicit stack (trees run thousands deep):
    // each node's kind comes from the key its parent holds it under.
    const nodes: object[] = [raw];
    const kinds: Array<string | undefined> = [undefined];
    const expanded: boolean[] = [false];
    while (nodes.length > 0) {
      const top = nodes.length - 1;
      const obj = nodes[top]!;
      if (cache.has(obj)) {
        nodes.pop();
        kinds.pop();
        expanded.pop();
        continue;
      }
      if (!expanded[top]) {
        expanded[top] = true;
        if (Array.isArray(obj)) {
          for (const v of obj) {
            if (v === null || typeof v !== 'object' || cache.has(v)) continue;
            nodes.push(v);
            kinds.push(undefined);
            expanded.push(false);
          }
        } else {
          for (const key in obj) {
            const v = (obj as Raw)[key];
            if (v === null || typeof v !== 'object' || cache.has(v)) continue;
            nodes.push(v);
            kinds.push(childKind(key, v));
            expanded.push(false);
          }
        }
        continue;
      }
      const kind = kinds[top];
      nodes.pop();
      kinds.pop();
      expanded.pop();
      cache.set(obj, this.computeSpan(obj, kind));
    }
    return cache.get(raw) ?? null;
  }

  // -------------------------------------------------------------------------------------------

  private computeSpan(obj: object, kind: string | undefined): Span | null {
    let first = Infinity;
    let last = -Infinity;
    let at = -1;
    const isArray = Array.isArray(obj);
    if (!isArray) {
      for (const k of ['location', 'stmt_location']) {
        const loc = (obj as Raw)[k];
        if (typeof loc === 'number' && loc >= 0) {
          const i = this.tokenIndexAt(loc);
          if (i < 0) continue;
          if (k === 'location') at = i;
          if (i < first) first = i;
          if (i > last) last = i;
        }
      }
    }
    const widen = (v: unknown): void => {
      if (v === null || typeof v !== 'object') return;
      const sub = this.spanCache.get(v);
      if (!sub) return;
      if (sub[0] < first) first = sub[0];
      if (sub[1] > last) last = sub[1];
    };
    if (isArray) for (const v of obj) widen(v);
    else for (const key in obj) widen((obj as Raw)[key]);
    if (first === Infinity) return null;
    let span = this.balance(first, last);
    if (kind) span = this.widen(kind, obj as Raw, span, at);
    return span;
  }

  /** Node-kind specific widening over tokens the parser records no location for. */
  private widen(kind: string, body: Raw, span: Span, at: number): Span {
    let [first, last] = span;
    const w = (i: number): string => this.words[i] ?? '';
    switch (kind) {
      case 'ColumnRef': {
        if (at >= 0) last = Math.max(last, this.dotted(at, (body.fields ?? []).length));
        break;
      }
      case 'RangeVar': {
        if (at < 0) break;
        const parts = (body.catalogname ? 1 : 0) + (body.schemaname ? 1 : 0) + 1;
        last = Math.max(last, this.dotted(at, parts));
        last = this.alias(last, body.alias);
        break;
      }
      case 'FuncCall': {
        if (at < 0) break;
        let i = this.dotted(at, (body.funcname ?? []).length);
        last = Math.max(last, this.group(i + 1, '(') ?? i);
        break;
      }
      case 'A_Const':
        // `-5`: the parser folds the sign into the constant and points at the sign.
        if (at >= 0 && (w(at) === '-' || w(at) === '+') && at + 1 < this.code.length) last = Math.max(last, at + 1);
        break;
      case 'TypeName':
        if (at >= 0) last = Math.max(last, this.typeEnd(at));
        break;
      case 'CollateClause': {
        if (at >= 0 && w(at) === 'collate' && at + 1 < this.code.length) last = Math.max(last, this.dotted(at + 1, (body.collname ?? []).length));
        break;
      }
      case 'A_Indirection':
        [first, last] = this.indirection(body, first, last);
        break;
      case 'NullTest': {
        if (at < 0 || w(at) !== 'is') break;
        let i = at + 1;
        if (w(i) === 'not') i++;
        if (w(i) === 'null') last = Math.max(last, i);
        break;
      }
      case 'BooleanTest': {
        if (at < 0 || w(at) !== 'is') break;
        let i = at + 1;
        if (w(i) === 'not') i++;
        if (w(i) === 'true' || w(i) === 'false' || w(i) === 'unknown') last = Math.max(last, i);
        break;
      }
      case 'CaseExpr':
        if (w(last + 1) === 'end') last++;
        break;
      case 'A_ArrayExpr': {
        const end = typeof body.list_end === 'number' ? this.tokenIndexAt(body.list_end) : -1;
        if (end > last) last = end;
        else if (at >= 0 && w(at) === 'array') last = Math.max(last, this.group(at + 1, '[') ?? at);
        break;
      }
      case 'RowExpr':
        if (at >= 0 && w(at) === 'row') last = Math.max(last, this.group(at + 1, '(') ?? at);
        break;
      case 'SQLValueFunction':
        if (at >= 0 && String(body.op).endsWith('_N')) last = Math.max(last, this.group(at + 1, '(') ?? at);
        break;
      case 'ResTarget':
        if (body.name !== undefined && body.val) last = this.aliasName(last, body.name);
        break;
      case 'SortBy':
        last = this.sortTail(last, body.sortby_dir, body.sortby_nulls);
        break;
      case 'JoinExpr':
        if (Array.isArray(body.usingClause) && w(last + 1) === 'using' && this.group(last + 2, '(') !== undefined) {
          last = this.group(last + 2, '(')!;
          if (body.join_using_alias) last = this.alias(last, body.join_using_alias);
        }
        if (body.alias) last = this.alias(last, body.alias);
        break;
      case 'RangeSubselect':
      case 'RangeFunction': {
        // The parentheses of `(SELECT ...) AS s` belong to the FROM item.
        if (kind === 'RangeSubselect' && w(first - 1) === '(' && this.match[first - 1]! > last) {
          first--;
          last = this.match[first]!;
          while (w(first - 1) === '(' && this.match[first - 1] === last + 1) {
            first--;
            last++;
          }
        }
        if (body.lateral && w(first - 1) === 'lateral') first--;
        if (body.ordinality && w(last + 1) === 'with' && w(last + 2) === 'ordinality') last += 2;
        last = this.alias(last, body.alias);
        break;
      }
      case 'SelectStmt':
      case 'InsertStmt':
      case 'UpdateStmt':
      case 'DeleteStmt':
        first = this.statementLead(kind, body, first);
        if (kind === 'SelectStmt') last = this.selectTail(body, last);
        break;
    }
    return [first, last];
  }

  /** When token `i` opens a bracket group (`(` or `[`), the index of its closer. */
  private group(i: number, opener: '(' | '['): number | undefined {
    const m = this.match[i] ?? -1;
    return this.words[i] === opener && m > i ? m : undefined;
  }

  /** Last token of a dotted name of `parts` parts starting at token `i`. */
  private dotted(i: number, parts: number): number {
    for (let k = 1; k < parts && this.words[i + 1] === '.' && i + 2 < this.code.length; k++) i += 2;
    return i;
  }

  /** Last token of a type name starting at token `at`: extra words, modifiers, array bounds. */
  private typeEnd(at: number): number {
    const w = (i: number): string => this.words[i] ?? '';
    let i = at;
    if (w(i) === 'setof') i++;
    while (w(i + 1) === '.' && i + 2 < this.code.length) i += 2;
    const head = w(i);
    if (head === 'double' && w(i + 1) === 'precision') i++;
    if (head === 'national' && (w(i + 1) === 'character' || w(i + 1) === 'char')) i++;
    if (['character', 'char', 'nchar', 'bit', 'national'].includes(head) && w(i + 1) === 'varying') i++;
    i = this.group(i + 1, '(') ?? i;
    if ((head === 'timestamp' || head === 'time') && (w(i + 1) === 'with' || w(i + 1) === 'without') && w(i + 2) === 'time' && w(i + 3) === 'zone') i += 3;
    if (head === 'interval') {
      if (INTERVAL_FIELDS.has(w(i + 1))) {
        i++;
        if (w(i + 1) === 'to' && INTERVAL_FIELDS.has(w(i + 2))) i += 2;
        i = this.group(i + 1, '(') ?? i;
      }
    }
    for (let end = this.group(i + 1, '['); end !== undefined; end = this.group(i + 1, '[')) i = end;
    if (w(i + 1) === 'array') {
      i++;
      i = this.group(i + 1, '[') ?? i;
    }
    return i;
  }

  /** `(rec).field`, `arr[1]`, `(x).*`: the parentheses around the argument and each selector. */
  private indirection(body: Raw, first: number, last: number): Span {
    const argSpan = this.spanCache.get(body.arg);
    if (!argSpan) return [first, last];
    let [start, end] = argSpan;
    for (const element of body.indirection ?? []) {
      const subscript = element && typeof element === 'object' && 'A_Indices' in element;
      const fits = (): boolean => (subscript ? this.words[end + 1] === '[' : this.words[end + 1] === '.');
      while (!fits() && this.words[end + 1] === ')' && this.match[end + 1]! >= 0 && this.match[end + 1]! < start) {
        start = this.match[end + 1]!;
        end++;
      }
      if (!fits()) break;
      end = subscript ? (this.group(end + 1, '[') ?? end + 1) : Math.min(end + 2, this.code.length - 1);
    }
    return [Math.min(first, start), Math.max(last, end)];
  }

  /** `[AS] alias [(columns)]` after token `last`, when the next tokens spell that alias. */
  private alias(last: number, alias: Raw | undefined): number {
    if (!alias?.aliasname) return last;
    let i = this.aliasName(last, alias.aliasname);
    if (i > last && Array.isArray(alias.colnames)) i = this.group(i + 1, '(') ?? i;
    return i;
  }

  private aliasName(last: number, name: string): number {
    let i = last + 1;
    if (this.words[i] === 'as') i++;
    return this.identifierIs(i, name) ? i : last;
  }

  private identifierIs(i: number, name: string): boolean {
    const token = this.code[i];
    if (!token) return false;
    if (token.text.startsWith('"')) return token.text.slice(1, -1).replace(/""/g, '"') === name;
    return (token.kind === 'IDENT' || token.keyword) && token.text.toLowerCase() === name.toLowerCase();
  }

  private sortTail(last: number, dir: unknown, nulls: unknown): number {
    const w = (i: number): string => this.words[i] ?? '';
    if (dir === 'SORTBY_ASC' && w(last + 1) === 'asc') last++;
    else if (dir === 'SORTBY_DESC' && w(last + 1) === 'desc') last++;
    else if (dir === 'SORTBY_USING' && w(last + 1) === 'using') {
      last += 2;
      if (w(last) === 'operator') last = this.group(last + 1, '(') ?? last;
    }
    if ((nulls === 'SORTBY_NULLS_FIRST' || nulls === 'SORTBY_NULLS_LAST') && w(last + 1) === 'nulls' && (w(last + 2) === 'first' || w(last + 2) === 'last')) last += 2;
    return Math.min(last, this.code.length - 1);
  }

  /** Walks back from a statement's first located token over its leading keywords. */
  private statementLead(kind: string, body: Raw, first: number): number {
    const w = (i: number): string => this.words[i] ?? '';
    let i = first;
    if (body.withClause) {
      if (w(i - 1) === 'recursive') i--;
      if (w(i - 1) === 'with') return i - 1;
    }
    switch (kind) {
      case 'SelectStmt':
        // The first located token may be inside the first row of VALUES or `DISTINCT ON (...)`,
        // or be that parenthesis itself when the span was balanced over it.
        if (w(i) !== '(' && w(i - 1) === '(') i--;
        if (w(i) === '(') {
          if (Array.isArray(body.valuesLists) && w(i - 1) === 'values') return i - 1;
          if (w(i - 1) === 'on' && w(i - 2) === 'distinct' && w(i - 3) === 'select') return i - 3;
          i = first;
        }
        if ((w(i - 1) === 'all' || w(i - 1) === 'distinct') && w(i - 2) === 'select') return i - 2;
        if (w(i - 1) === 'from' && w(i - 2) === 'select') return i - 2;
        if (w(i - 1) === 'select' || w(i - 1) === 'table') return i - 1;
        return i;
      case 'InsertStmt':
        return w(i - 1) === 'into' && w(i - 2) === 'insert' ? i - 2 : i;
      case 'UpdateStmt':
        if (w(i - 1) === 'only') i--;
        return w(i - 1) === 'update' ? i - 1 : first;
      case 'DeleteStmt':
        if (w(i - 1) === 'only') i--;
        return w(i - 1) === 'from' && w(i - 2) === 'delete' ? i - 2 : first;
    }
    return i;
  }

  /** Trailing `ROWS ONLY` / `WITH TIES` of FETCH and `FOR UPDATE [OF t] [NOWAIT | SKIP LOCKED]`. */
  private selectTail(body: Raw, last: number): number {
    const w = (i: number): string => this.words[i] ?? '';
    const hasLimit = body.limitCount || body.limitOffset;
    const fetchTail = (): boolean => {
      if (!hasLimit) return false;
      let i = last;
      if (w(i + 1) === 'row' || w(i + 1) === 'rows') i++;
      if (w(i + 1) === 'only') i++;
      else if (w(i + 1) === 'with' && w(i + 2) === 'ties') i += 2;
      const moved = i > last;
      last = i;
      return moved;
    };
    const lockTail = (): boolean => {
      if (!Array.isArray(body.lockingClause) || w(last + 1) !== 'for' || !LOCK_STRENGTH.has(w(last + 2))) return false;
      let i = last + 1;
      while (LOCK_STRENGTH.has(w(i + 1))) i++;
      if (w(i + 1) === 'of' && i + 2 < this.code.length) {
        i = this.dotted(i + 2, 3);
        while (w(i + 1) === ',' && this.code[i + 2]?.kind === 'IDENT') i = this.dotted(i + 2, 3);
      }
      if (w(i + 1) === 'nowait') i++;
      else if (w(i + 1) === 'skip' && w(i + 2) === 'locked') i += 2;
      last = i;
      return true;
    };
    while (fetchTail() || lockTail());
    return last;
  }

  /** The nearest `(` before `first` whose `)` comes after `last`, or -1. */
  private enclosingOpen(first: number, last: number): number {
    for (let i = first - 1; i >= 0; i--) {
      const m = this.match[i]!;
      if (m < 0) {
        if (this.words[i] === ';') return -1;
        continue;
      }
      if (m < i) {
        i = m;
        continue;
      }
      if (m > last) return i;
    }
    return -1;
  }

  /** Whether a set operation keyword lies between tokens `from` and `to` outside brackets. */
  private hasSetOperation(from: number, to: number): boolean {
    for (let i = from; i <= to; i++) {
      if (SET_OPERATIONS.has(this.words[i]!)) return true;
      const m = this.match[i]!;
      if (m > i) i = m;
    }
    return false;
  }

  private lastTokenIn(range: Range): number {
    return this.tokenIndexAtOrAfter(range.end) - 1;
  }

  /** The code token that starts at a byte location or, inside a token (rare: a multi-word operator), contains it. */
  private tokenIndexAt(byteLocation: number): number {
    let lo = 0;
    let hi = this.byteStarts.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.byteStarts[mid]! <= byteLocation) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  /** Widens a span to balanced brackets: unclosed openers to their closers, stray closers to their openers. */
  private balance(first: number, last: number): Span {
    for (let i = first; i <= last; i++) {
      const m = this.match[i]!;
      if (m < 0) continue;
      if (m > i) {
        if (m > last) last = m;
        i = m;
      } else if (m < first) first = m;
    }
    return [first, last];
  }
}

function childKind(key: string, value: object): string | undefined {
  if (Array.isArray(value)) return undefined;
  const first = key.charCodeAt(0);
  if (first >= 65 && first <= 90) return key;
  const bare = BARE_KINDS[key];
  if (bare) return bare;
  if ('relname' in value) return 'RangeVar';
  if ('names' in value && 'typemod' in value) return 'TypeName';
  return undefined;
}
