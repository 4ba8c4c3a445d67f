/**
 * Parsed statements by their exact text, so that re-linting an edited file re-parses only the
 * statements the edit touched (the language server lints the whole file on every keystroke).
 */
import type { DialectAdapter } from '../dialects/adapter.ts';
import type { Range, Statement } from '../model/nodes.ts';

/** What lintSource needs from a parse (the segment's tokens are not kept). */
export interface SegmentParse {
  readonly statements: readonly Statement[];
  readonly error?: { readonly message: string; readonly range: Range };
  readonly skipped?: string;
}

interface Entry {
  /** The file offset the segment started at when `parse` was made; its ranges are relative to it. */
  start: number;
  parse: SegmentParse;
  textLength: number;
  /** When it was last used, on the cache's own clock. */
  lastUse: number;
}

/**
 * A bounded LRU of segment parses, keyed by the adapter and the segment's masked text, which is
 * all `parseSegment` reads: settings such as the PostgreSQL version only matter to rules, so no
 * config change invalidates an entry.
 *
 * Cached statements are shared between lint runs, so they are deep-frozen: a rule or host that
 * tried to change one would get a TypeError instead of corrupting later runs. A hit at another
 * offset (text inserted or deleted before the statement) returns a copy with moved ranges and
 * keeps the copy, so the next run at the same offset gets it for free; earlier results, which
 * may still be held, keep their own ranges.
 */
export class SegmentParseCache {
  private readonly byAdapter = new Map<DialectAdapter, Map<string, Entry>>();
  private size = 0;
  private clock = 0;

  /**
   * `maxTextLength`: the total length of the cached statement texts. Parsed statements (parser
   * output included) take about 75 bytes per character, so the default holds about 37 MB: a few
   * files the size of a 2,000-line migration.
   */
  constructor(private readonly maxTextLength = 500_000) {}

  parse(adapter: DialectAdapter, maskedText: string, range: Range): SegmentParse {
    let entries = this.byAdapter.get(adapter);
    if (!entries) this.byAdapter.set(adapter, (entries = new Map()));
    const key = maskedText.slice(range.start, range.end);
    const entry = entries.get(key);
    if (entry) {
      entry.lastUse = ++this.clock;
      if (entry.start !== range.start) {
        entry.parse = moved(entry.parse, range.start - entry.start) ?? parseAndFreeze(adapter, maskedText, range);
        entry.start = range.start;
      }
      return entry.parse;
    }
    const parse = parseAndFreeze(adapter, maskedText, range);
    entries.set(key, { start: range.start, parse, textLength: key.length, lastUse: ++this.clock });
    this.size += key.length;
    if (this.size > this.maxTextLength) this.evict();
    return parse;
  }

  clear(): void {
    this.byAdapter.clear();
    this.size = 0;
  }

  /** Drops the least recently used entries down to 3/4 of the limit, so that eviction is rare. */
  private evict(): void {
    const all = [...this.byAdapter.values()].flatMap((entries) => [...entries].map(([key, entry]) => ({ entries, key, entry })));
    all.sort((a, b) => a.entry.lastUse - b.entry.lastUse);
    for (const { entries, key, entry } of all) {
      if (this.size <= (this.maxTextLength * 3) / 4) break;
      entries.delete(key);
      this.size -= entry.textLength;
    }
  }
}

function parseAndFreeze(adapter: DialectAdapter, maskedText: string, range: Range): SegmentParse {
  const { statements, error, skipped } = adapter.parseSegment(maskedText, { start: range.start, end: range.end });
  return deepFreeze({ statements, ...(error ? { error } : {}), ...(skipped !== undefined ? { skipped } : {}) });
}

/** The parse with its ranges moved, or undefined when it nests too deeply to copy (it is parsed again then). */
function moved(parse: SegmentParse, delta: number): SegmentParse | undefined {
  try {
    return moveRanges(parse, delta);
  } catch (error) {
    if (error instanceof RangeError) return undefined;
    throw error;
  }
}

/**
 * A frozen copy of the parse with every `range` moved by `delta` (the model keeps positions in
 * `range` fields only). Objects reached twice stay shared in the copy (rules compare nodes by
 * identity); `raw` parser output holds statement-relative positions only, so it is shared as it
 * is (and is frozen already).
 */
function moveRanges<T>(value: T, delta: number): T {
  const copies = new Map<object, object>();
  const copy = (v: unknown): unknown => {
    if (typeof v !== 'object' || v === null) return v;
    const done = copies.get(v);
    if (done) return done;
    if (Array.isArray(v)) {
      const out: unknown[] = [];
      copies.set(v, out);
      for (const item of v) out.push(copy(item));
      return Object.freeze(out);
    }
    const out: Record<string, unknown> = {};
    copies.set(v, out);
    for (const key in v) {
      const field = (v as Record<string, unknown>)[key];
      if (key === 'raw') out[key] = field;
      else if (key === 'range' && typeof field === 'object' && field !== null) out[key] = copies.get(field) ?? movedRange(field as Range, delta, copies);
      else out[key] = copy(field);
    }
    return Object.freeze(out);
  };
  return copy(value) as T;
}

function movedRange(range: Range, delta: number, copies: Map<object, object>): Range {
  const moved = Object.freeze({ start: range.start + delta, end: range.end + delta });
  copies.set(range, moved);
  return moved;
}

/** Freezes everything reachable; iterative, since parser output can nest thousands deep. */
function deepFreeze<T>(value: T): T {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const v = pending.pop();
    if (typeof v !== 'object' || v === null || Object.isFrozen(v)) continue;
    Object.freeze(v);
    if (Array.isArray(v)) {
      for (const item of v) if (typeof item === 'object' && item !== null) pending.push(item);
    } else {
      for (const key in v) {
        const field = (v as Record<string, unknown>)[key];
        if (typeof field === 'object' && field !== null) pending.push(field);
      }
    }
  }
  return value;
}
