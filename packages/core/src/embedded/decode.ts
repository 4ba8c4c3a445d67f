/**
 * Turns the host spelling of a string or template chunk into the text the program sends to the
 * database (the cooked value), recording where every piece of it is written in the host file.
 */
import type { Range } from '../model/nodes.ts';

/**
 * One piece of a fragment: `sql` in the fragment's SQL text, `host` in the host file (UTF-16,
 * half-open). Segments are contiguous and in order on both sides.
 *
 * - `text`: the same characters on both sides, mapped one to one.
 * - `escape`: an escape sequence (`\n`, `\u{1F600}`, `\``), a CRLF line break in a template (cooked
 *   to LF) or a line continuation (cooked to nothing): one unit of SQL stands for a host spelling of
 *   another length, so offsets strictly inside map to its start or end.
 * - `placeholder`: `$n` in the SQL stands for the interpolation `${...}` in the host.
 */
export interface PositionSegment {
  kind: 'text' | 'escape' | 'placeholder';
  sql: Range;
  host: Range;
}

export class SegmentBuilder {
  text = '';
  readonly segments: PositionSegment[] = [];

  /** Host characters `[hostStart, hostEnd)` copied as they are. */
  copy(source: string, hostStart: number, hostEnd: number): void {
    if (hostEnd <= hostStart) return;
    const start = this.text.length;
    this.text += source.slice(hostStart, hostEnd);
    const last = this.segments[this.segments.length - 1];
    if (last && last.kind === 'text' && last.sql.end === start && last.host.end === hostStart) {
      last.sql.end = this.text.length;
      last.host.end = hostEnd;
      return;
    }
    this.segments.push({ kind: 'text', sql: { start, end: this.text.length }, host: { start: hostStart, end: hostEnd } });
  }

  /** `sql` stands for the host characters `[hostStart, hostEnd)` as a whole. */
  atomic(kind: 'escape' | 'placeholder', sql: string, hostStart: number, hostEnd: number): void {
    const start = this.text.length;
    this.text += sql;
    this.segments.push({ kind, sql: { start, end: this.text.length }, host: { start: hostStart, end: hostEnd } });
  }

  /** Drops everything from SQL offset `sqlLength` on (to redo a chunk another way). */
  truncate(sqlLength: number, segmentCount: number): void {
    this.text = this.text.slice(0, sqlLength);
    this.segments.length = segmentCount;
    const last = this.segments[this.segments.length - 1];
    if (last && last.sql.end > sqlLength) {
      // Only a merged text segment can straddle the cut: shorten it.
      const cut = last.sql.end - sqlLength;
      last.sql.end -= cut;
      last.host.end -= cut;
    }
  }
}

const HEX = /^[0-9a-fA-F]+$/;

/**
 * Decodes one escape sequence starting at the backslash `source[i]`. Returns the cooked text and
 * the offset just past the sequence, or undefined when the sequence is invalid in this context.
 */
function decodeEscape(source: string, i: number, end: number, template: boolean): { cooked: string; next: number } | undefined {
  const c = source[i + 1];
  if (c === undefined || i + 1 >= end) return undefined;
  switch (c) {
    case 'b':
      return { cooked: '\b', next: i + 2 };
    case 't':
      return { cooked: '\t', next: i + 2 };
    case 'n':
      return { cooked: '\n', next: i + 2 };
    case 'v':
      return { cooked: '\v', next: i + 2 };
    case 'f':
      return { cooked: '\f', next: i + 2 };
    case 'r':
      return { cooked: '\r', next: i + 2 };
    case '\r':
      // Line continuation: the backslash and the line break vanish.
      return { cooked: '', next: source[i + 2] === '\n' && i + 2 < end ? i + 3 : i + 2 };
    case '\n':
    case '\u2028':
    case '\u2029':
      return { cooked: '', next: i + 2 };
    case 'x': {
      const hex = source.slice(i + 2, i + 4);
      if (i + 4 > end || hex.length !== 2 || !HEX.test(hex)) return undefined;
      return { cooked: String.fromCharCode(parseInt(hex, 16)), next: i + 4 };
    }
    case 'u': {
      if (source[i + 2] === '{') {
        const close = source.indexOf('}', i + 3);
        if (close < 0 || close >= end) return undefined;
        const hex = source.slice(i + 3, close);
        if (!HEX.test(hex)) return undefined;
        const code = parseInt(hex, 16);
        if (code > 0x10ffff) return undefined;
        return { cooked: String.fromCodePoint(code), next: close + 1 };
      }
      const hex = source.slice(i + 2, i + 6);
      if (i + 6 > end || hex.length !== 4 || !HEX.test(hex)) return undefined;
      return { cooked: String.fromCharCode(parseInt(hex, 16)), next: i + 6 };
    }
    default:
      break;
  }
  if (c >= '0' && c <= '9') {
    const following = source[i + 2];
    const digitFollows = i + 2 < end && following !== undefined && following >= '0' && following <= '9';
    if (c === '0' && !digitFollows) return { cooked: '\0', next: i + 2 };
    // Templates allow no other digit escape; sloppy-mode strings have legacy octal and \8 \9.
    if (template) return undefined;
    if (c === '8' || c === '9') return { cooked: c, next: i + 2 };
    let j = i + 1;
    let value = 0;
    const maxDigits = c <= '3' ? 3 : 2;
    while (j < end && j < i + 1 + maxDigits && source[j]! >= '0' && source[j]! <= '7') {
      value = value * 8 + (source.charCodeAt(j) - 48);
      j++;
    }
    return { cooked: String.fromCharCode(value), next: j };
  }
  // Any other character stands for itself (`\``, `\$`, `\'`, `\\`, `\é`); a surrogate pair is one character.
  const code = source.codePointAt(i + 1)!;
  const width = code > 0xffff ? 2 : 1;
  return { cooked: String.fromCodePoint(code), next: i + 1 + width };
}

/**
 * Appends the cooked text of host characters `[start, end)` of a template chunk (`template`) or a
 * quoted string's content. Returns false, leaving the builder as it was, when an escape is invalid.
 */
export function decodeChunk(builder: SegmentBuilder, source: string, start: number, end: number, template: boolean): boolean {
  const sqlLength = builder.text.length;
  const segmentCount = builder.segments.length;
  let copyFrom = start;
  let i = start;
  while (i < end) {
    const c = source[i]!;
    if (c === '\\') {
      const escape = decodeEscape(source, i, end, template);
      if (!escape) {
        builder.truncate(sqlLength, segmentCount);
        return false;
      }
      builder.copy(source, copyFrom, i);
      builder.atomic('escape', escape.cooked, i, escape.next);
      i = escape.next;
      copyFrom = i;
    } else if (c === '\r' && template) {
      // A CR or CRLF line break in a template cooks to LF.
      const next = source[i + 1] === '\n' && i + 1 < end ? i + 2 : i + 1;
      builder.copy(source, copyFrom, i);
      builder.atomic('escape', '\n', i, next);
      i = next;
      copyFrom = i;
    } else {
      i++;
    }
  }
  builder.copy(source, copyFrom, end);
  return true;
}

/** The template `raw` value of host characters `[start, end)`: CRLF and CR normalised to LF. */
export function templateRaw(source: string, start: number, end: number): string {
  return source.slice(start, end).replace(/\r\n?/g, '\n');
}
