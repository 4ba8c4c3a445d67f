/**
 * Offset <-> position conversions.
 *
 * Everything in sqlwarden is addressed by UTF-16 offsets into the file text (what JavaScript strings
 * index by); users see 1-based lines and 1-based UTF-16 columns (ESLint and LSP both count columns
 * in UTF-16 code units). libpg-query, being C, reports UTF-8 byte offsets, so `ByteOffsetMap`
 * converts between the two.
 */

const LF = 0x0a;
const CR = 0x0d;

let lastIndexed: { text: string; index: LineIndex } | undefined;

export class LineIndex {
  readonly lineCount: number;
  readonly #length: number;
  /** Offset of the first character of each line. */
  readonly #starts: Uint32Array;
  /** Offset just past the last content character of each line (where its line break begins). */
  readonly #contentEnds: Uint32Array;

  /**
   * The index of `text`, shared with the previous caller that asked for the same text: the engine
   * and the rules that name lines in their messages all index the file being linted.
   */
  static of(text: string): LineIndex {
    if (lastIndexed?.text !== text) lastIndexed = { text, index: new LineIndex(text) };
    return lastIndexed.index;
  }

  constructor(text: string) {
    const n = text.length;
    if (text.indexOf('\r') === -1) {
      // Only \n breaks (most files): indexOf finds them faster than a look at every character.
      let breaks = 0;
      for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) breaks++;
      const starts = new Uint32Array(breaks + 1);
      const contentEnds = new Uint32Array(breaks + 1);
      let line = 0;
      for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) {
        contentEnds[line] = i;
        starts[++line] = i + 1;
      }
      contentEnds[line] = n;
      this.#starts = starts;
      this.#contentEnds = contentEnds;
    } else {
      const starts: number[] = [0];
      const contentEnds: number[] = [];
      for (let i = 0; i < n; i++) {
        const c = text.charCodeAt(i);
        if (c === LF) {
          contentEnds.push(i);
          starts.push(i + 1);
        } else if (c === CR) {
          contentEnds.push(i);
          // \r\n is one break; a lone \r is a break of its own (old Mac files).
          if (i + 1 < n && text.charCodeAt(i + 1) === LF) i++;
          starts.push(i + 1);
        }
      }
      contentEnds.push(n);
      this.#starts = Uint32Array.from(starts);
      this.#contentEnds = Uint32Array.from(contentEnds);
    }
    this.#length = n;
    this.lineCount = this.#starts.length;
  }

  /** UTF-16 offset -> 1-based line and 1-based UTF-16 column. Offsets outside the text are clamped. */
  positionAt(offset: number): { line: number; column: number } {
    const o = clamp(Math.trunc(offset) || 0, 0, this.#length);
    // Last line whose start is <= o.
    let lo = 0;
    let hi = this.lineCount - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.#starts[mid]! <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: o - this.#starts[lo]! + 1 };
  }

  /**
   * 1-based line and column -> UTF-16 offset. The line is clamped to the file, the column to the
   * line's content (one past its last character at most, never into its line break).
   */
  offsetAt(line: number, column: number): number {
    const l = clamp(Math.trunc(line) || 1, 1, this.lineCount) - 1;
    const start = this.#starts[l]!;
    const contentEnd = this.#contentEnds[l]!;
    const c = clamp(Math.trunc(column) || 1, 1, contentEnd - start + 1);
    return start + c - 1;
  }

  /** UTF-16 offset of the first character of a 1-based line (clamped). */
  lineStart(line: number): number {
    return this.#starts[clamp(Math.trunc(line) || 1, 1, this.lineCount) - 1]!;
  }
}

/**
 * UTF-8 byte offsets <-> UTF-16 offsets within one string.
 *
 * Only non-ASCII characters break the identity between the two, so the map stores one checkpoint
 * per non-ASCII character and interpolates in between; an all-ASCII text costs nothing. Lookups are
 * a binary search over the checkpoints.
 *
 * Lone surrogates count as 3 bytes, as TextEncoder replaces them by U+FFFD.
 */
export class ByteOffsetMap {
  readonly #text: string;
  readonly #byteLength: number;
  /** UTF-16 offset of each non-ASCII character. */
  readonly #u16: Uint32Array;
  /** UTF-8 offset of the same characters. */
  readonly #u8: Uint32Array;

  constructor(text: string) {
    this.#text = text;
    const n = text.length;
    // The regular expression finds the first non-ASCII character faster than a loop, and most
    // statements have none.
    const first = text.search(NON_ASCII);
    let count = 0;
    for (let i = first === -1 ? n : first; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c >= 0x80) {
        count++;
        if (isHighSurrogate(c) && i + 1 < n && isLowSurrogate(text.charCodeAt(i + 1))) i++;
      }
    }
    const u16 = new Uint32Array(count);
    const u8 = new Uint32Array(count);
    let k = 0;
    let bytes = first === -1 ? n : first;
    for (let i = bytes; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c < 0x80) {
        bytes++;
        continue;
      }
      u16[k] = i;
      u8[k] = bytes;
      k++;
      const width = charWidths(text, i);
      bytes += width.bytes;
      i += width.units - 1;
    }
    this.#u16 = u16;
    this.#u8 = u8;
    this.#byteLength = bytes;
  }

  /** Length of the text in UTF-8 bytes. */
  get byteLength(): number {
    return this.#byteLength;
  }

  /**
   * UTF-8 byte offset -> UTF-16 offset. An offset inside a multi-byte character maps to that
   * character's start; offsets past the end map to the text length.
   */
  toUtf16(byteOffset: number): number {
    const b = Math.trunc(byteOffset) || 0;
    if (b <= 0) return 0;
    if (b >= this.#byteLength) return this.#text.length;
    const k = lastAtOrBefore(this.#u8, b);
    if (k < 0) return b; // only ASCII before it
    const charU16 = this.#u16[k]!;
    const charU8 = this.#u8[k]!;
    const width = charWidths(this.#text, charU16);
    if (b < charU8 + width.bytes) return charU16;
    return charU16 + width.units + (b - charU8 - width.bytes);
  }

  /**
   * UTF-16 offset -> UTF-8 byte offset. An offset between the two halves of a surrogate pair maps to
   * the pair's start; offsets past the end map to the byte length.
   */
  toByte(utf16Offset: number): number {
    const u = Math.trunc(utf16Offset) || 0;
    if (u <= 0) return 0;
    if (u >= this.#text.length) return this.#byteLength;
    const k = lastAtOrBefore(this.#u16, u);
    if (k < 0) return u;
    const charU16 = this.#u16[k]!;
    const charU8 = this.#u8[k]!;
    const width = charWidths(this.#text, charU16);
    if (u < charU16 + width.units) return charU8;
    return charU8 + width.bytes + (u - charU16 - width.units);
  }
}

function charWidths(text: string, i: number): { units: number; bytes: number } {
  const c = text.charCodeAt(i);
  if (c < 0x80) return ONE_BYTE;
  if (c < 0x800) return TWO_BYTES;
  if (isHighSurrogate(c) && i + 1 < text.length && isLowSurrogate(text.charCodeAt(i + 1))) return PAIR;
  return THREE_BYTES;
}

const NON_ASCII = /[^\x00-\x7f]/;

const ONE_BYTE = { units: 1, bytes: 1 } as const;
const TWO_BYTES = { units: 1, bytes: 2 } as const;
const THREE_BYTES = { units: 1, bytes: 3 } as const;
const PAIR = { units: 2, bytes: 4 } as const;

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/** Index of the last element <= value in an ascending array, or -1. */
function lastAtOrBefore(sorted: Uint32Array, value: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= value) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}

function clamp(value: number, min: number, max: number): number {
  return value < min ? min : value > max ? max : value;
}
