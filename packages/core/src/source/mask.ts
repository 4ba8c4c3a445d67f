/**
 * Hide what is not SQL — psql meta-commands, COPY data, template placeholders — without moving any
 * character, so every offset, line and column computed on the masked text is valid in the file.
 *
 * The masker runs the same lexer as the splitter over the whole file, so a backslash, `{{` or
 * `\.` is only taken for what it looks like when it is outside strings, quoted identifiers, dollar
 * quotes and comments.
 *
 * It also plays psql's part (see psql.ts): text psql never sends is blanked — branches of `\if`
 * that do not run, a query buffer thrown away by `\r` — and `:{?name}` becomes the TRUE or FALSE
 * psql would put there. And it follows standard_conforming_strings (see session.ts): after it is
 * turned off, the `\'` escapes in plain literals are rewritten to `''`, which the parser (always
 * run with the setting on) reads as the same string with the same boundaries.
 */
import { Conditionals, PsqlVariables, SENDS_BUFFER, evaluateCondition, scanMetaCommand, variableReference, type MetaCommand } from './psql.ts';
import { STATEMENTS_THAT_MATTER, StringSettings } from './session.ts';
import { SqlLexer, lineEnd, startsLine, wordIs, type SplitDialect, type TokenKind } from './split.ts';

export interface MaskedRegion {
  start: number;
  end: number;
  /**
   * - `psql-meta`: a backslash meta-command and its arguments;
   * - `psql-unsent`: SQL text psql does not send: a branch of `\if` that does not run, or a query
   *   buffer discarded by `\r` / `\reset`;
   * - `psql-variable`: `:{?name}`, replaced by `TRUE` or `FALSE` (padded with blanks);
   * - `string-escape`: the backslash of a `\'` escape in a plain literal while
   *   standard_conforming_strings is off, replaced by a quote (`''`);
   * - `copy-data`, `template`, `tool-annotation`: as their names say.
   */
  kind: 'psql-meta' | 'psql-unsent' | 'psql-variable' | 'string-escape' | 'copy-data' | 'template' | 'tool-annotation';
}

export interface ToolDirectives {
  /** goose `-- +goose NO TRANSACTION`, atlas `-- atlas:txmode none`, dbmate `-- migrate:up transaction:false` */
  noTransaction: boolean;
  /** UTF-16 ranges of "down" sections: from a `-- +goose Down` / `-- migrate:down` line to the next up marker or EOF */
  downSections: Array<{ start: number; end: number }>;
}

export interface MaskResult {
  text: string;
  regions: MaskedRegion[];
  directives: ToolDirectives;
}

/** How a masked region's characters are replaced (line breaks always stay). */
const enum Fill {
  /** Not replaced at all (tool annotations are comments already). */
  Keep,
  Spaces,
  /** `x___...`: a placeholder that stands for a name or value must still parse as one. */
  Identifier,
  /** `;` then spaces: psql's `\g` family sends the query buffer, i.e. ends the statement. */
  Terminator,
  /** The region's `replacement`, of the same length and without line breaks. */
  Text,
}

interface Pending extends MaskedRegion {
  fill: Fill;
  replacement?: string;
}

const LF = 0x0a;
const CR = 0x0d;
const TAB = 0x09;
const SPACE = 0x20;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const DOLLAR = 0x24;
const PERCENT = 0x25;
const HASH = 0x23;
const MINUS = 0x2d;
const DOT = 0x2e;
const BACKSLASH = 0x5c;
const SEMI = 0x3b;
const COLON = 0x3a;
const QUOTE = 0x27;
const LPAREN = 0x28;
const RPAREN = 0x29;

/** Longest template placeholder we accept; an unmatched `{{` must not reach across the file. */
const MAX_TEMPLATE = 4096;

/** Tokens of a statement's head kept for session settings (`set local standard_conforming_strings to off`). */
const HEAD_TOKENS = 6;

/** Go template actions that print nothing, so they become blanks rather than a name. */
const GO_CONTROL = new Set(['if', 'else', 'end', 'range', 'with', 'define', 'block', 'template', 'break', 'continue']);

/**
 * The returned text has the input's length and line breaks; only masked regions differ:
 * - `psql-meta`: blanks, except that a meta-command which sends the query buffer (`\g`, `\gset`,
 *   `\gexec`, `\watch` ...) starts with `;`, because for psql it ends the statement. A
 *   meta-command may follow SQL on a line, and SQL may follow it after `\\`;
 * - `psql-unsent`: blanks over `\if` branches that do not run and over text discarded by `\r`;
 * - `psql-variable`: `:{?name}` becomes `TRUE` / `FALSE` (TRUE when only the run can tell);
 * - `string-escape`: `\'` becomes `''` in plain literals while standard_conforming_strings is off;
 * - `copy-data`: blanks, from the line after `COPY ... FROM stdin` through the `\.` line;
 * - `template`: `x___` (a valid identifier) where a placeholder stands for a name or value, blanks
 *   for control tags and comments (`{% if %}`, `{# #}`, `{{ end }}`) and inside string literals;
 * - `tool-annotation`: unchanged (goose/dbmate/atlas comments), recorded with their directives.
 * MySQL mode (`dialect: 'mysql'`) lexes MySQL strings and comments and has no psql or COPY handling.
 */
export function maskNonSql(text: string, options?: { dialect?: SplitDialect }): MaskResult {
  const dialect: SplitDialect = options?.dialect === 'mysql' ? 'mysql' : 'postgresql';
  const pg = dialect === 'postgresql';
  const n = text.length;
  const lexer = new SqlLexer(text, dialect);
  const pending: Pending[] = [];
  const markers: Array<{ at: number; up: boolean }> = [];
  let noTransaction = false;

  // psql's side: variables, \if branches, text it never sends.
  const variables = new PsqlVariables();
  const branches = new Conditionals();
  const unsent: Array<{ start: number; end: number }> = [];
  let inactiveFrom = -1;
  /** `branches.active`, which only meta-commands change: read once per token, it showed in profiles. */
  let sending = true;
  const settings = new StringSettings();
  /** Where the statement in psql's query buffer starts (its first token), or -1 when the buffer is empty. */
  let bufferStart = -1;
  // The first HEAD_TOKENS tokens of the statement, in arrays reused for every statement: an object
  // per token (or emptying the arrays, which frees their storage) showed in profiles.
  const headKinds: TokenKind[] = [];
  const headStarts: number[] = [];
  const headEnds: number[] = [];
  let headCount = 0;
  /** Heads of statements ended by `\;`, whose SETs apply once the buffer is sent. */
  const joinedHeads: string[][] = [];
  let joined = false;

  // COPY ... FROM stdin tracking for the current statement.
  /** `copy-start`: just after the COPY keyword; `COPY (query)` can only go TO, so `(` there rules it out. */
  let firstWord: 'none' | 'copy-start' | 'copy' | 'other' = 'none';
  let previousWasFrom = false;
  let fromStdin = false;
  let parenDepth = 0;
  /**
   * Data blocks of COPY statements that have ended, skipped once the scan reaches them. Usually one;
   * psql's `copy a from stdin \; copy b from stdin;` reads two blocks in turn after the line.
   */
  const dataBlocks: Array<{ start: number; end: number }> = [];
  const copyData = new CopyDataFinder(text);

  // Many statements can end on one long line (`copy a from stdin; copy b from stdin; ...`): find
  // that line's end once, not once per statement.
  let lineFrom = -1;
  let lineTo = -1;
  const endOfLine = (at: number): number => {
    if (at < lineFrom || at > lineTo) {
      lineFrom = at;
      lineTo = lineEnd(text, at);
    }
    return lineTo;
  };

  const queueCopyData = (at: number): void => {
    const last = dataBlocks[dataBlocks.length - 1];
    const block = copyData.find(last !== undefined ? last.end : endOfLine(at));
    if (block !== null) dataBlocks.push(block);
  };
  const forgetStatement = (): void => {
    firstWord = 'none';
    previousWasFrom = false;
    fromStdin = false;
    parenDepth = 0;
    bufferStart = -1;
    headCount = 0;
  };
  /** The statement ends (`;`, or a `\g`-like command that sends it): its COPY data follows, its SET takes effect once sent. */
  const endStatement = (at: number): void => {
    if (fromStdin) queueCopyData(at);
    // Only a few statements change string settings: skip building the others' head words.
    if (pg && headCount > 0 && STATEMENTS_THAT_MATTER.has(headWord(text, headKinds[0]!, headStarts[0]!, headEnds[0]!))) {
      const words: string[] = [];
      for (let k = 0; k < headCount; k++) words.push(headWord(text, headKinds[k]!, headStarts[k]!, headEnds[k]!));
      joinedHeads.push(words);
    }
    // After `\;` the buffer is not sent yet: the server parses all of it with the settings in force
    // before its first statement runs, and `\r` would still discard all of it.
    const keep = joined ? bufferStart : -1;
    if (!joined && joinedHeads.length > 0) {
      for (const words of joinedHeads) settings.statement(words);
      joinedHeads.length = 0;
      lexer.standardStrings = settings.standardConformingStrings;
    }
    joined = false;
    forgetStatement();
    bufferStart = keep;
  };
  const sawToken = (): void => {
    if (firstWord === 'none') firstWord = 'other';
    else if (firstWord === 'copy-start') firstWord = 'copy';
    previousWasFrom = false;
  };
  const sawSql = (start: number, end: number, kind: TokenKind): void => {
    if (bufferStart < 0) bufferStart = start;
    if (headCount < HEAD_TOKENS) {
      headKinds[headCount] = kind;
      headStarts[headCount] = start;
      headEnds[headCount] = end;
      headCount++;
    }
  };

  /** A meta-command: run what psql would run, record what it hides. Returns where SQL resumes. */
  const metaCommand = (at: number): number => {
    const wasActive = branches.active;
    const command = scanMetaCommand(text, at, variables, endOfLine(at));
    let fill = Fill.Spaces;
    switch (command.name) {
      case 'if':
        branches.if(branches.evaluates('if') ? evaluateCondition(command.args) : null);
        break;
      case 'elif':
        branches.elif(branches.evaluates('elif') ? evaluateCondition(command.args) : null);
        break;
      case 'else':
        branches.else();
        break;
      case 'endif':
        branches.endif();
        break;
      default:
        if (wasActive && !command.unknown) fill = runMetaCommand(command);
    }
    pending.push({ start: command.start, end: command.end, kind: 'psql-meta', fill });
    const nowActive = branches.active;
    sending = nowActive;
    if (wasActive && !nowActive) inactiveFrom = command.end;
    else if (!wasActive && nowActive) unsent.push({ start: inactiveFrom, end: command.start });
    return command.end;
  };

  const runMetaCommand = (command: MetaCommand): Fill => {
    const arg = (k: number): string | null | undefined => command.args[k]?.value;
    switch (command.name) {
      case 'set': {
        const name = arg(0);
        if (name) {
          const values = command.args.slice(1).map((a) => a.value);
          variables.set(name, values.includes(null) ? null : values.join(''));
        }
        break;
      }
      case 'unset': {
        const name = arg(0);
        if (name) variables.unset(name);
        break;
      }
      case 'gset':
        // The prefix (when given) limits which variables the query may have set.
        variables.gset(command.args.length === 0 ? null : (arg(0) ?? null));
        break;
      case 'getenv':
      case 'prompt': {
        const name = command.name === 'getenv' ? arg(0) : arg(command.args.length - 1);
        if (name) variables.set(name, null);
        break;
      }
      case 'r':
      case 'reset':
        // The query buffer is discarded: none of it is ever sent.
        if (bufferStart >= 0) unsent.push({ start: bufferStart, end: command.start });
        joinedHeads.length = 0;
        forgetStatement();
        break;
      case 'copy':
        if (/\sfrom\s+(?:stdin|stdout)\b/i.test(text.slice(command.start, command.end))) queueCopyData(command.end);
        break;
      default:
        break;
    }
    if (SENDS_BUFFER.has(command.name)) {
      endStatement(command.end);
      return Fill.Terminator;
    }
    return Fill.Spaces;
  };

  let i = 0;
  while (i < n) {
    const data = dataBlocks[0];
    if (data !== undefined && i >= data.start) {
      for (const block of dataBlocks) pending.push({ start: block.start, end: block.end, kind: 'copy-data', fill: Fill.Spaces });
      i = Math.max(i, dataBlocks[dataBlocks.length - 1]!.end);
      dataBlocks.length = 0;
      continue;
    }
    const c = text.charCodeAt(i);
    const active = sending;

    if (active && (c === LBRACE || (c === DOLLAR && i + 1 < n && text.charCodeAt(i + 1) === LBRACE))) {
      const t = matchTemplate(text, i, n, false);
      if (t !== null) {
        pending.push({ start: i, end: t.end, kind: 'template', fill: t.control ? Fill.Spaces : Fill.Identifier });
        sawToken();
        sawSql(i, t.end, 'word');
        i = t.end;
        continue;
      }
    }

    if (pg && c === BACKSLASH) {
      const next = i + 1 < n ? text.charCodeAt(i + 1) : -1;
      if (next === SEMI || next === COLON) {
        // `\;` puts a `;` in the query buffer without sending it (still a statement boundary for
        // us), `\:` a colon that is not a variable. Only the backslash goes.
        if (active) {
          pending.push({ start: i, end: i + 1, kind: 'psql-meta', fill: Fill.Spaces });
          if (next === SEMI) joined = true;
        }
        i++;
        continue;
      }
      i = metaCommand(i);
      continue;
    }

    let end = lexer.scan(i);
    const kind = lexer.kind;
    // COPY data begins on the line after the statement; nothing lexed on that line may run into it.
    if (data !== undefined && end > data.start) end = data.start;
    if (!active) {
      // psql lexes a skipped branch like any SQL (a quote there still hides a backslash) and drops it.
      i = end;
      continue;
    }

    switch (kind) {
      case 'space':
      case 'block-comment':
        break;
      case 'line-comment': {
        if (startsLine(text, i)) {
          const note = toolAnnotation(text, i, end);
          if (note !== null) {
            pending.push({ start: i, end, kind: 'tool-annotation', fill: Fill.Keep });
            if (note.noTransaction) noTransaction = true;
            if (note.section !== null) markers.push({ at: i, up: note.section === 'up' });
          }
        }
        break;
      }
      case 'string':
        sawToken();
        sawSql(i, end, kind);
        templatesInside(text, i, end, true, Fill.Spaces, pending);
        if (!lexer.standardStrings && text.charCodeAt(i) === QUOTE) escapedQuotes(text, i, end, pending);
        break;
      case 'dollar-string':
        sawToken();
        sawSql(i, end, kind);
        templatesInside(text, i, end, true, Fill.Identifier, pending);
        break;
      case 'quoted-ident':
        sawToken();
        sawSql(i, end, kind);
        templatesInside(text, i, end, true, Fill.Identifier, pending);
        break;
      case 'word': {
        // `name${var}`: `$` continues an identifier, but here it opens a placeholder.
        if (end - i > 1 && text.charCodeAt(end - 1) === DOLLAR && end < n && text.charCodeAt(end) === LBRACE) end--;
        sawSql(i, end, kind);
        if (firstWord === 'copy-start') firstWord = 'copy';
        if (firstWord === 'none') {
          firstWord = wordIs(text, i, end, 'copy') ? 'copy-start' : 'other';
          previousWasFrom = false;
        } else if (firstWord === 'copy' && parenDepth === 0) {
          // PostgreSQL accepts STDOUT as a synonym of STDIN here.
          if (previousWasFrom && (wordIs(text, i, end, 'stdin') || wordIs(text, i, end, 'stdout'))) fromStdin = true;
          previousWasFrom = wordIs(text, i, end, 'from');
        } else {
          previousWasFrom = false;
        }
        break;
      }
      case 'punct':
        if (c === SEMI) {
          endStatement(end);
          break;
        }
        if (pg && c === COLON && (i === 0 || (text.charCodeAt(i - 1) !== COLON && text.charCodeAt(i - 1) !== BACKSLASH))) {
          const ref = variableReference(text, i);
          if (ref !== null && ref.style === 'defined') {
            // psql replaces `:{?name}` with TRUE or FALSE; unknown here, either parses the same.
            const defined = variables.get(ref.name).defined !== false;
            const word = defined ? 'TRUE' : 'FALSE';
            pending.push({ start: i, end: ref.end, kind: 'psql-variable', fill: Fill.Text, replacement: word.padEnd(ref.end - i) });
            sawToken();
            sawSql(i, ref.end, 'word');
            end = ref.end;
            break;
          }
        }
        if (c === LPAREN && firstWord === 'copy-start') firstWord = 'other';
        sawToken();
        sawSql(i, end, kind);
        if (c === LPAREN) parenDepth++;
        else if (c === RPAREN && parenDepth > 0) parenDepth--;
        break;
      default:
        sawToken();
        sawSql(i, end, kind);
    }
    i = end;
  }
  for (const block of dataBlocks) pending.push({ start: block.start, end: block.end, kind: 'copy-data', fill: Fill.Spaces });
  if (!branches.active) unsent.push({ start: inactiveFrom, end: n });

  const regions = withUnsent(pending, unsent);
  return {
    text: applyFills(text, regions),
    regions: regions.map(({ start, end, kind }) => ({ start, end, kind })),
    directives: { noTransaction, downSections: downSections(markers, n) },
  };
}

/** A head token as session settings read it: lower-case word, literal or identifier without quotes. */
function headWord(text: string, kind: TokenKind, start: number, end: number): string {
  const token = text.slice(start, end);
  if (kind === 'word') return token.toLowerCase();
  if (kind === 'quoted-ident') return token.slice(1, -1).replace(/""/g, '"');
  if (kind === 'string') return token.replace(/^[EeNn]?'|'$/g, '').replace(/''/g, "'").toLowerCase();
  return token;
}

/**
 * The `\'` escapes of the plain literal [start, end) lexed with standard_conforming_strings off:
 * each backslash becomes a quote, so `'it\'s'` reads `'it''s'` with the setting on.
 */
function escapedQuotes(text: string, start: number, end: number, out: Pending[]): void {
  let k = start + 1;
  while (k < end - 1) {
    const c = text.charCodeAt(k);
    if (c === BACKSLASH) {
      if (text.charCodeAt(k + 1) === QUOTE) out.push({ start: k, end: k + 1, kind: 'string-escape', fill: Fill.Text, replacement: "'" });
      k += 2;
    } else {
      k += c === QUOTE ? 2 : 1; // inside the token a quote is always the first of a doubled pair
    }
  }
}

/**
 * Blank what psql never sends, over whatever else was found there (meta-commands inside a
 * skipped branch, for one). Regions come back sorted and disjoint.
 */
function withUnsent(pending: Pending[], unsent: Array<{ start: number; end: number }>): Pending[] {
  pending.sort((a, b) => a.start - b.start);
  if (unsent.length === 0) return pending;
  const spans: Array<{ start: number; end: number }> = [];
  for (const s of unsent.filter((u) => u.end > u.start).sort((a, b) => a.start - b.start)) {
    const last = spans[spans.length - 1];
    if (last !== undefined && s.start <= last.end) last.end = Math.max(last.end, s.end);
    else spans.push({ start: s.start, end: s.end });
  }
  const out: Pending[] = spans.map((s) => ({ start: s.start, end: s.end, kind: 'psql-unsent', fill: Fill.Spaces }));
  let k = 0;
  for (const r of pending) {
    while (k < spans.length && spans[k]!.end <= r.start) k++;
    const span = spans[k];
    if (span === undefined || r.end <= span.start) out.push(r);
    else if (r.start < span.start && (r.fill === Fill.Spaces || r.fill === Fill.Terminator)) out.push({ ...r, end: span.start });
    // anything else overlaps text that is not sent: the unsent blank covers it
  }
  return out.sort((a, b) => a.start - b.start);
}

/**
 * COPY ... FROM stdin data: from the line after the statement to the `\.` line, inclusive. No `\.`
 * before the end of the file, or another `COPY ... FROM stdin` before it (the COPY failed, as in
 * PostgreSQL's own regression scripts, and psql read no data), means no data block: guessing wrong
 * that way leaves the lines visible to the parser instead of silently hiding SQL.
 */
class CopyDataFinder {
  readonly #text: string;
  /** Start of the last `\.` line in the file, computed on first use; -1 when there is none. */
  #lastTerminator: number | undefined;
  /** Several COPYs ending on one line search from the same place; answer them once. */
  readonly #memo = new Map<number, { start: number; end: number } | null>();

  constructor(text: string) {
    this.#text = text;
  }

  find(statementLineEnd: number): { start: number; end: number } | null {
    if (this.#lastTerminator === undefined) {
      let last = -1;
      for (const m of this.#text.matchAll(/^[ \t]*\\\.[ \t]*$/gm)) last = m.index;
      this.#lastTerminator = last;
    }
    if (this.#lastTerminator < statementLineEnd) return null;
    let found = this.#memo.get(statementLineEnd);
    if (found === undefined) {
      found = findCopyData(this.#text, statementLineEnd);
      this.#memo.set(statementLineEnd, found);
    }
    return found;
  }
}

function findCopyData(text: string, statementLineEnd: number): { start: number; end: number } | null {
  const n = text.length;
  let start = statementLineEnd;
  if (start < n && text.charCodeAt(start) === CR) start++;
  if (start < n && text.charCodeAt(start) === LF) start++;
  if (start >= n) return null;
  let line = start;
  while (line < n) {
    const eol = lineEnd(text, line);
    if (isCopyTerminator(text, line, eol)) return { start, end: eol };
    if (looksLikeCopyFromStdin(text, line, eol)) return null;
    line = eol;
    if (line < n && text.charCodeAt(line) === CR) line++;
    if (line < n && text.charCodeAt(line) === LF) line++;
  }
  return null;
}

const COPY_FROM_STDIN = /^\s*copy\s[^]*\bfrom\s+std(?:in|out)\b/i;

function looksLikeCopyFromStdin(text: string, start: number, end: number): boolean {
  let i = start;
  while (i < end && (text.charCodeAt(i) === SPACE || text.charCodeAt(i) === TAB)) i++;
  const c = text.charCodeAt(i) | 0x20;
  if (c !== 0x63 /* c */) return false;
  return COPY_FROM_STDIN.test(text.slice(i, Math.min(end, i + 2000)));
}

function isCopyTerminator(text: string, start: number, end: number): boolean {
  let i = start;
  while (i < end && (text.charCodeAt(i) === SPACE || text.charCodeAt(i) === TAB)) i++;
  if (i + 1 >= end || text.charCodeAt(i) !== BACKSLASH || text.charCodeAt(i + 1) !== DOT) return false;
  i += 2;
  while (i < end && (text.charCodeAt(i) === SPACE || text.charCodeAt(i) === TAB)) i++;
  return i === end;
}

/**
 * A template placeholder starting at `i`: `{{ }}`, `{% %}`, `{# #}` or `${ }`. Inside a literal
 * (`strict`) only unmistakable ones count — `'{{1,2},{3,4}}'` is an array and `'${0,number}'` a
 * message format — so the placeholder must be on one line, hold no braces, and open with a blank,
 * `-` or `.` (`{{ .Schema }}`, `{{- x }}`, `{{.Schema}}`); `${...}` is left alone in literals.
 */
function matchTemplate(text: string, i: number, limit: number, strict: boolean): { end: number; control: boolean } | null {
  const open = text.charCodeAt(i);
  const second = i + 1 < limit ? text.charCodeAt(i + 1) : -1;
  let close: string;
  if (open === DOLLAR) {
    if (strict) return null;
    close = '}';
  } else if (second === LBRACE) close = '}}';
  else if (second === PERCENT) close = '%}';
  else if (second === HASH) close = '#}';
  else return null;

  const bodyStart = i + 2;
  if (strict) {
    const first = bodyStart < limit ? text.charCodeAt(bodyStart) : -1;
    const ok = first === SPACE || first === TAB || first === MINUS || (second === LBRACE && first === DOT);
    if (!ok) return null;
  }
  const oneLine = strict || open === DOLLAR;
  const at = indexBounded(text, close, bodyStart, Math.min(limit, bodyStart + MAX_TEMPLATE), oneLine);
  if (at < 0) return null;
  if (at === bodyStart && open === DOLLAR) return null;
  const end = at + close.length;

  if (oneLine) {
    for (let k = bodyStart; k < at; k++) {
      const c = text.charCodeAt(k);
      if (c === LBRACE || c === RBRACE) return null;
    }
  }

  let control = second === PERCENT || second === HASH;
  if (second === LBRACE) {
    const inner = text.slice(bodyStart, at).replace(/^-?\s*/, '');
    const firstWord = /^[A-Za-z_]+/.exec(inner)?.[0] ?? '';
    control = inner.startsWith('/*') || GO_CONTROL.has(firstWord) || /^\$\w*\s*:?=/.test(inner);
  }
  return { end, control };
}

/** Placeholders inside a string, quoted identifier or dollar quote token [start, end); `${}` is never one there. */
function templatesInside(text: string, start: number, end: number, strict: boolean, fill: Fill, out: Pending[]): void {
  let k = start;
  while (k < end) {
    if (text.charCodeAt(k) !== LBRACE) {
      k++;
      continue;
    }
    const t = matchTemplate(text, k, end, strict);
    if (t !== null) {
      out.push({ start: k, end: t.end, kind: 'template', fill: t.control ? Fill.Spaces : fill });
      k = t.end;
    } else {
      k++;
    }
  }
}

/** `text.indexOf(needle, from)` that gives up at `to` (the match must end by `to`) or, if asked, at a line break. */
function indexBounded(text: string, needle: string, from: number, to: number, oneLine: boolean): number {
  const first = needle.charCodeAt(0);
  const last = to - needle.length;
  for (let k = from; k <= last; k++) {
    const c = text.charCodeAt(k);
    if (c === first && text.startsWith(needle, k)) return k;
    if (oneLine && (c === LF || c === CR)) return -1;
  }
  return -1;
}

interface Annotation {
  noTransaction: boolean;
  section: 'up' | 'down' | null;
}

/** goose, dbmate and atlas directives, which live in `--` comments at the start of a line. */
function toolAnnotation(text: string, start: number, end: number): Annotation | null {
  const comment = text.slice(start, Math.min(end, start + 500));
  let m = /^--\s*\+goose\s+(.*?)\s*$/i.exec(comment);
  if (m !== null) {
    const words = m[1]!.toLowerCase().split(/\s+/);
    return {
      noTransaction: words[0] === 'no' && words[1] === 'transaction',
      section: words[0] === 'up' ? 'up' : words[0] === 'down' ? 'down' : null,
    };
  }
  m = /^--\s*migrate:(up|down)(?:\s+(.*?))?\s*$/i.exec(comment);
  if (m !== null) {
    const up = m[1]!.toLowerCase() === 'up';
    const opts = (m[2] ?? '').toLowerCase().split(/\s+/);
    return { noTransaction: up && opts.includes('transaction:false'), section: up ? 'up' : 'down' };
  }
  m = /^--\s*atlas:(\w+)(?:\s+(.*?))?\s*$/i.exec(comment);
  if (m !== null) {
    const directive = m[1]!.toLowerCase();
    const arg = (m[2] ?? '').trim().toLowerCase();
    return { noTransaction: directive === 'txmode' && arg === 'none', section: null };
  }
  return null;
}

function downSections(markers: Array<{ at: number; up: boolean }>, length: number): Array<{ start: number; end: number }> {
  const sections: Array<{ start: number; end: number }> = [];
  let open = -1;
  for (const marker of markers) {
    if (!marker.up && open < 0) open = marker.at;
    else if (marker.up && open >= 0) {
      sections.push({ start: open, end: marker.at });
      open = -1;
    }
  }
  if (open >= 0) sections.push({ start: open, end: length });
  return sections;
}

function applyFills(text: string, regions: Pending[]): string {
  const parts: string[] = [];
  let at = 0;
  for (const r of regions) {
    if (r.fill === Fill.Keep) continue;
    if (r.start < at) continue; // never overlaps by construction; stay safe if it ever does
    parts.push(text.slice(at, r.start));
    parts.push(r.fill === Fill.Text && r.replacement !== undefined ? r.replacement : fillRegion(text, r.start, r.end, r.fill));
    at = r.end;
  }
  if (at === 0) return text;
  parts.push(text.slice(at));
  return parts.join('');
}

function fillRegion(text: string, start: number, end: number, fill: Fill): string {
  let out = '';
  let first = true;
  // Build runs, not single characters: COPY data blocks can be megabytes.
  let runStart = start;
  const flush = (to: number): void => {
    if (to <= runStart) return;
    let len = to - runStart;
    if (first) {
      out += fill === Fill.Identifier ? 'x' : fill === Fill.Terminator ? ';' : ' ';
      len--;
      first = false;
    }
    out += (fill === Fill.Identifier ? '_' : ' ').repeat(len);
  };
  for (let k = start; k < end; k++) {
    const c = text.charCodeAt(k);
    if (c === LF || c === CR) {
      flush(k);
      out += text.charAt(k);
      runStart = k + 1;
    }
  }
  flush(end);
  return out;
}
