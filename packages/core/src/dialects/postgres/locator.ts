import type { Range } from '../../model/nodes.ts';
import { ByteOffsetMap } from '../../source/line-index.ts';

/** A lexical token of the statement, in UTF-16 offsets of the whole file. */
export interface Token {
  start: number;
  end: number;
  text: string;
  /** libpg-query's token name (`IDENT`, `SCONST`, `ASCII_40` for `(`...) or keyword kind. */
  kind: string;
  keyword: boolean;
}

export interface RawToken {
  start: number;
  end: number;
  text: string;
  tokenName: string;
  keywordKind: number;
}

/**
 * libpg-query gives each node only a start `location`, as a UTF-8 byte offset into the statement
 * text. The locator turns those into file-level UTF-16 ranges: a node spans from its smallest to
 * its largest descendant location, widened to the end of that token and to balanced parentheses.
 */
export class Locator {
  readonly tokens: Token[];
  private readonly tokenByByteStart = new Map<number, number>();
  private readonly byteStarts: number[] = [];
  private readonly extentCache = new WeakMap<object, [number, number] | null>();

  constructor(
    private readonly statementText: string,
    private readonly base: number,
    rawTokens: RawToken[],
    private readonly bytes = new ByteOffsetMap(statementText),
  ) {
    this.tokens = rawTokens.map((t, i) => {
      this.tokenByByteStart.set(t.start, i);
      this.byteStarts.push(t.start);
      const start = base + bytes.toUtf16(t.start);
      const end = base + bytes.toUtf16(t.end);
      return {
        start,
        end,
        text: statementText.slice(start - base, end - base),
        kind: t.tokenName,
        keyword: t.keywordKind !== 0,
      };
    });
  }

  /** File offset of a byte location inside the statement. */
  offset(byteLocation: number): number {
    return this.base + this.bytes.toUtf16(byteLocation);
  }

  get statementRange(): Range {
    return { start: this.base, end: this.base + this.statementText.length };
  }

  /** Range of a raw parser node; `fallback` when it has no locations at all. */
  rangeOf(raw: unknown, fallback: Range, options: { trailingKeywords?: string[] } = {}): Range {
    const extent = this.extent(raw);
    if (!extent) return fallback;
    const [minLoc, maxLoc] = extent;
    let first = this.tokenIndexAt(minLoc);
    let last = this.tokenIndexAt(maxLoc);
    if (first < 0 || last < 0) {
      return { start: this.offset(minLoc), end: Math.max(this.offset(maxLoc) + 1, this.offset(minLoc)) };
    }
    if (options.trailingKeywords) {
      const wanted = new Set(options.trailingKeywords);
      while (last + 1 < this.tokens.length && wanted.has(this.tokens[last + 1]!.text.toLowerCase())) last++;
    }
    [first, last] = this.balance(first, last);
    return { start: this.tokens[first]!.start, end: this.tokens[last]!.end };
  }

  /** Tokens whose start lies within the range. */
  tokensIn(range: Range): Token[] {
    return this.tokens.filter((t) => t.start >= range.start && t.end <= range.end);
  }

  private tokenIndexAt(byteLocation: number): number {
    const exact = this.tokenByByteStart.get(byteLocation);
    if (exact !== undefined) return exact;
    // A location inside a token (rare: e.g. a multi-word operator) -> the token that contains it.
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

  private balance(first: number, last: number): [number, number] {
    let depth = 0;
    let minDepth = 0;
    for (let i = first; i <= last; i++) {
      const text = this.tokens[i]!.text;
      if (text === '(' || text === '[') depth++;
      else if (text === ')' || text === ']') {
        depth--;
        if (depth < minDepth) minDepth = depth;
      }
    }
    // Unclosed openers: extend forward to their closers.
    let open = depth - minDepth;
    while (open > 0 && last + 1 < this.tokens.length) {
      last++;
      const text = this.tokens[last]!.text;
      if (text === '(' || text === '[') open++;
      else if (text === ')' || text === ']') open--;
    }
    // Closers without openers: extend backward to their openers.
    let close = -minDepth;
    while (close > 0 && first > 0) {
      first--;
      const text = this.tokens[first]!.text;
      if (text === ')' || text === ']') close++;
      else if (text === '(' || text === '[') close--;
    }
    return [first, last];
  }

  /** Smallest and largest `location` in a subtree; iterative (generated SQL nests deeply). */
  private extent(raw: unknown): [number, number] | null {
    if (raw === null || typeof raw !== 'object') return null;
    const cached = this.extentCache.get(raw);
    if (cached !== undefined) return cached;
    const stack: Array<{ obj: object; expanded: boolean }> = [{ obj: raw, expanded: false }];
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      if (this.extentCache.has(top.obj)) {
        stack.pop();
        continue;
      }
      const values: unknown[] = Array.isArray(top.obj) ? top.obj : Object.values(top.obj);
      if (!top.expanded) {
        top.expanded = true;
        for (const v of values) if (v !== null && typeof v === 'object' && !this.extentCache.has(v)) stack.push({ obj: v, expanded: false });
        continue;
      }
      stack.pop();
      let min = Infinity;
      let max = -Infinity;
      if (!Array.isArray(top.obj)) {
        for (const k of ['location', 'stmt_location']) {
          const loc = (top.obj as Record<string, unknown>)[k];
          if (typeof loc === 'number' && loc >= 0) {
            if (loc < min) min = loc;
            if (loc > max) max = loc;
          }
        }
      }
      for (const v of values) {
        if (v === null || typeof v !== 'object') continue;
        const sub = this.extentCache.get(v);
        if (!sub) continue;
        if (sub[0] < min) min = sub[0];
        if (sub[1] > max) max = sub[1];
      }
      this.extentCache.set(top.obj, min === Infinity ? null : [min, max]);
    }
    return this.extentCache.get(raw) ?? null;
  }
}
