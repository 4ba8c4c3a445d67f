/**
 * A piece of SQL found in a JS/TS file, and the map between offsets in its SQL text and offsets in
 * the host file. Everything here is plain data and pure functions, so any host (ESLint plugin,
 * language server, CLI) can map positions without parsing anything itself.
 */
import type { Range } from '../model/nodes.ts';
import type { Fix } from '../types.ts';
import type { PositionSegment } from './decode.ts';

export type { PositionSegment };

/**
 * What marked the literal as SQL: a tag (`sql`, `Prisma.sql`), a Prisma raw method (`$queryRaw`,
 * `$executeRawUnsafe`), a `/* sql *\/` comment, or a `.query(` / `.raw(` / `.execute(` /
 * `.unsafe(` call whose string starts with a SQL keyword.
 */
export type FragmentOrigin = 'tag' | 'prisma' | 'comment' | 'call';

export interface SqlPlaceholder {
  /** 1-based parameter number: the SQL says `$index`. */
  index: number;
  /** `$n` in the SQL text. */
  sql: Range;
  /** `${...}` in the host file, from the dollar sign to just past the closing brace. */
  host: Range;
}

export interface SqlFragment {
  /**
   * The SQL the program sends: the literal's cooked value, with each `${expr}` replaced by a
   * PostgreSQL parameter `$1`, `$2`, ... in order, so that it parses.
   */
  text: string;
  origin: FragmentOrigin;
  /** How the origin was written: `sql`, `prisma.$queryRaw`, `/* sql *\/`, `db.query`. */
  via: string;
  /** A template literal or a quoted string. */
  literal: 'template' | 'string';
  /** The opening (and closing) quote character in the host. */
  quote: '`' | "'" | '"';
  /** The whole literal in the host, quotes included. */
  literalRange: Range;
  /** The literal's content in the host: after the opening quote, before the closing one. */
  contentRange: Range;
  /** Contiguous, ordered pieces covering `text` and `contentRange`. */
  segments: PositionSegment[];
  placeholders: SqlPlaceholder[];
  /**
   * `cooked`: escapes were decoded (and checked against the parser's cooked value); `raw`: an escape
   * could not be decoded (`\u` without hex digits in a tagged template...), so `text` is the host
   * spelling as written.
   */
  decoding: 'cooked' | 'raw';
  /**
   * Whether the text begins, after whitespace, comments and opening parentheses, with a keyword
   * that starts a statement (SELECT, INSERT, WITH, CREATE, ...). Pieces of queries such as
   * sql`AND id = ${id}` are not statements: linting them would report syntax errors that are not there.
   */
  isStatement: boolean;
  /** The line break written in the host content (templates keep it; fix text uses it). */
  eol: '\n' | '\r\n';
}

export type Bias = 'start' | 'end';

/**
 * The segment an SQL offset falls in: for `start`, the one that begins at or before it and ends
 * after it; for `end`, the one that begins before it and ends at or after it. Empty SQL segments
 * (line continuations) are never chosen.
 */
function segmentAt(segments: readonly PositionSegment[], offset: number, bias: Bias): PositionSegment | undefined {
  // The last segment starting at (for `end`: before) the offset.
  let lo = 0;
  let hi = segments.length - 1;
  let index = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const start = segments[mid]!.sql.start;
    if (bias === 'start' ? start <= offset : start < offset) {
      index = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  while (index >= 0 && segments[index]!.sql.start === segments[index]!.sql.end) index--;
  const s = index >= 0 ? segments[index]! : undefined;
  if (!s) return undefined;
  return (bias === 'start' ? offset < s.sql.end : offset <= s.sql.end) ? s : undefined;
}

/**
 * SQL offset -> host offset. Inside an escape or placeholder, `start` maps to the beginning of its
 * host spelling and `end` to its end, so a range over `$1` covers all of `${expr}`.
 */
export function toHostOffset(fragment: SqlFragment, sqlOffset: number, bias: Bias = 'start'): number {
  const o = Math.max(0, Math.min(Math.trunc(sqlOffset) || 0, fragment.text.length));
  const s = segmentAt(fragment.segments, o, bias);
  if (!s) return o === 0 ? fragment.contentRange.start : fragment.contentRange.end;
  if (s.kind === 'text') return s.host.start + (o - s.sql.start);
  if (o === s.sql.start) return s.host.start;
  if (o === s.sql.end) return s.host.end;
  return bias === 'start' ? s.host.start : s.host.end;
}

/** SQL range -> host range (the start biased to the start, the end to the end). */
export function toHostRange(fragment: SqlFragment, range: Range): Range {
  const start = toHostOffset(fragment, range.start, 'start');
  const end = range.end === range.start ? start : toHostOffset(fragment, range.end, 'end');
  return { start, end: Math.max(start, end) };
}

/**
 * Host offset -> SQL offset, or undefined outside the literal's content. Inside an escape or a
 * placeholder it is the SQL offset of its start.
 */
export function toSqlOffset(fragment: SqlFragment, hostOffset: number): number | undefined {
  if (hostOffset < fragment.contentRange.start || hostOffset > fragment.contentRange.end) return undefined;
  for (const s of fragment.segments) {
    if (hostOffset < s.host.start || hostOffset >= s.host.end) continue;
    return s.kind === 'text' ? s.sql.start + (hostOffset - s.host.start) : s.sql.start;
  }
  return fragment.text.length;
}

/** Whether SQL offset `offset` lies strictly inside a segment that is not mapped one to one. */
function insideAtomic(fragment: SqlFragment, offset: number): boolean {
  return fragment.segments.some((s) => s.kind !== 'text' && s.sql.start < offset && offset < s.sql.end);
}

/** Whether the SQL edit range `[start, end)` overlaps a placeholder (or, empty, sits strictly inside one). */
export function touchesPlaceholder(fragment: SqlFragment, start: number, end: number): boolean {
  return fragment.placeholders.some((p) => (start < end ? start < p.sql.end && end > p.sql.start : p.sql.start < start && start < p.sql.end));
}

/**
 * The host spelling of `text` inside this fragment's literal, so that the literal's cooked value
 * gets exactly `text`: backslashes, the quote and (in templates) `${` are escaped; in templates a
 * line break is written with the content's own line break style, in strings as `\n`.
 */
export function escapeForHost(fragment: SqlFragment, text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\') out += '\\\\';
    else if (c === fragment.quote) out += '\\' + c;
    else if (c === '\r') out += '\\r';
    else if (c === '\n') out += fragment.literal === 'template' ? fragment.eol : '\\n';
    else if (c === '\u2028' || c === '\u2029') out += c === '\u2028' ? '\\u2028' : '\\u2029';
    else if (fragment.literal === 'template' && c === '$' && text[i + 1] === '{') out += '\\$';
    else out += c;
  }
  return out;
}

/**
 * An edit of the SQL text as an edit of the host file, or undefined when it cannot be expressed
 * there: it touches a placeholder (the edit would rewrite program code), or it starts or ends
 * inside an escape sequence.
 */
export function toHostFix(fragment: SqlFragment, fix: Fix): Fix | undefined {
  const [start, end] = fix.range;
  if (start < 0 || end < start || end > fragment.text.length) return undefined;
  if (touchesPlaceholder(fragment, start, end)) return undefined;
  if (insideAtomic(fragment, start) || insideAtomic(fragment, end)) return undefined;
  const hostStart = toHostOffset(fragment, start, 'start');
  const hostEnd = start === end ? hostStart : toHostOffset(fragment, end, 'end');
  return { range: [hostStart, Math.max(hostStart, hostEnd)], text: escapeForHost(fragment, fix.text), ...(fix.desc !== undefined ? { desc: fix.desc } : {}) };
}

/** The fragment whose literal content contains the host offset (ends included), innermost first. */
export function fragmentAt<F extends SqlFragment>(fragments: readonly F[], hostOffset: number): F | undefined {
  let best: F | undefined;
  for (const f of fragments) {
    if (hostOffset < f.contentRange.start || hostOffset > f.contentRange.end) continue;
    if (!best || f.contentRange.end - f.contentRange.start < best.contentRange.end - best.contentRange.start) best = f;
  }
  return best;
}
