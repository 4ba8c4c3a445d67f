/**
 * Reading SQL files without surprises: every failure is a one-line message that says what is wrong
 * and what to do, never an exception or a stack trace.
 *
 * A UTF-8 byte-order mark is kept out of `text` (so offsets start at the first real character) and
 * reported as `bom: true`; whoever writes a fixed file back prepends it again. UTF-16 files with a
 * byte-order mark are decoded too (`encoding` says which), since editors on Windows still produce them.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

export type SourceEncoding = 'utf-8' | 'utf-16le' | 'utf-16be';

export type ReadResult =
  | { ok: true; text: string; bom: boolean; encoding: SourceEncoding }
  | { ok: false; reason: 'unreadable' | 'binary' | 'not-utf8' | 'too-large' | 'is-directory'; message: string };

export const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;
const BINARY_SNIFF_BYTES = 8 * 1024;

export function readSourceFile(path: string, options?: { maxBytes?: number }): ReadResult {
  const maxBytes = options?.maxBytes ?? DEFAULT_MAX_BYTES;
  let fd: number | undefined;
  let bytes: Uint8Array;
  try {
    fd = openSync(path, 'r');
    const stat = fstatSync(fd);
    if (stat.isDirectory()) return isDirectory();
    // Refuse before reading: a 2 GB dump should not be loaded just to be rejected.
    if (stat.isFile() && stat.size > maxBytes) return tooLarge(stat.size, maxBytes);
    // Pipes and devices (`<(gen-sql)`, /dev/zero) have no size up front: read at most one byte too many.
    bytes = readAtMost(fd, maxBytes + 1, stat.isFile() ? stat.size : 64 * 1024);
    if (bytes.length > maxBytes) return tooLarge(undefined, maxBytes);
  } catch (error) {
    return unreadable(error);
  } finally {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        // nothing useful to report: the contents, if any, were read
      }
    }
  }
  return decodeSource(bytes, path, options);
}

function readAtMost(fd: number, limit: number, sizeHint: number): Uint8Array {
  let buffer = new Uint8Array(Math.max(1, Math.min(limit, sizeHint + 1)));
  let length = 0;
  while (length < limit) {
    if (length === buffer.length) {
      const grown = new Uint8Array(Math.min(limit, buffer.length * 2));
      grown.set(buffer);
      buffer = grown;
    }
    const read = readSync(fd, buffer, length, buffer.length - length, null);
    if (read === 0) break;
    length += read;
  }
  return buffer.subarray(0, length);
}

/** Decode file contents already in memory (editor buffers arrive as text; this is for bytes from disk or a cache). */
export function decodeSource(bytes: Uint8Array, path: string, options?: { maxBytes?: number }): ReadResult {
  void path; // part of the signature so messages can name it one day; callers print the path themselves
  const maxBytes = options?.maxBytes ?? DEFAULT_MAX_BYTES;
  if (bytes.length > maxBytes) return tooLarge(bytes.length, maxBytes);

  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return decodeUtf8(bytes.subarray(3), true, 3);
  }
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return decodeUtf16(bytes, 'utf-16le');
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return decodeUtf16(bytes, 'utf-16be');

  const sniff = Math.min(bytes.length, BINARY_SNIFF_BYTES);
  for (let i = 0; i < sniff; i++) {
    if (bytes[i] === 0) {
      return {
        ok: false,
        reason: 'binary',
        message: `File looks binary (NUL byte at offset ${i}); exclude it from linting, or if it is UTF-16 text without a byte-order mark, re-save it as UTF-8`,
      };
    }
  }
  return decodeUtf8(bytes, false, 0);
}

function decodeUtf8(bytes: Uint8Array, bom: boolean, bomLength: number): ReadResult {
  try {
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
    return { ok: true, text, bom, encoding: 'utf-8' };
  } catch {
    const at = firstInvalidUtf8(bytes);
    const where = at < 0 ? '' : ` (invalid byte 0x${hex(bytes[at]!)} at offset ${at + bomLength}, line ${lineOf(bytes, at)})`;
    return {
      ok: false,
      reason: 'not-utf8',
      message: `File is not valid UTF-8${where}; sqlwarden reads SQL as UTF-8 — re-save the file as UTF-8 (it may be Latin-1 or Windows-1252)`,
    };
  }
}

function decodeUtf16(bytes: Uint8Array, encoding: 'utf-16le' | 'utf-16be'): ReadResult {
  const label = encoding === 'utf-16le' ? 'UTF-16 LE' : 'UTF-16 BE';
  if ((bytes.length - 2) % 2 !== 0) {
    return {
      ok: false,
      reason: 'not-utf8',
      message: `File starts with a ${label} byte-order mark but has an odd number of bytes; re-save it as UTF-8`,
    };
  }
  try {
    const text = new TextDecoder(encoding, { fatal: true, ignoreBOM: true }).decode(bytes.subarray(2));
    return { ok: true, text, bom: true, encoding };
  } catch {
    return {
      ok: false,
      reason: 'not-utf8',
      message: `File starts with a ${label} byte-order mark but is not valid ${label}; re-save it as UTF-8`,
    };
  }
}

/** Offset of the first byte that breaks UTF-8 (overlongs, surrogates and > U+10FFFF included), or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    let max = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      min = b === 0xe0 ? 0xa0 : 0x80;
      if (b === 0xed) max = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = b === 0xf0 ? 0x90 : 0x80;
      if (b === 0xf4) max = 0x8f;
    } else {
      return i;
    }
    for (let k = 1; k <= need; k++) {
      if (i + k >= n) return i;
      const cont = bytes[i + k]!;
      const lo = k === 1 ? min : 0x80;
      const hi = k === 1 ? max : 0xbf;
      if (cont < lo || cont > hi) return i;
    }
    i += need + 1;
  }
  return -1;
}

function lineOf(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 0x0a) line++;
    else if (bytes[i] === 0x0d && bytes[i + 1] !== 0x0a) line++;
  }
  return line;
}

function hex(b: number): string {
  return b.toString(16).toUpperCase().padStart(2, '0');
}

function isDirectory(): ReadResult {
  return { ok: false, reason: 'is-directory', message: 'Path is a directory, not a file; pass the SQL files in it (or a glob) instead' };
}

function tooLarge(size: number | undefined, maxBytes: number): ReadResult {
  const what = size === undefined ? 'File is' : `File is ${formatBytes(size)},`;
  return {
    ok: false,
    reason: 'too-large',
    message: `${what} over the ${formatBytes(maxBytes)} limit; exclude it from linting or raise the limit (CLI: --max-file-size <MiB>)`,
  };
}

function unreadable(error: unknown): ReadResult {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : '';
  if (code === 'EISDIR') return isDirectory();
  const reason = OS_REASONS[code];
  const detail = reason !== undefined ? `${reason} (${code})` : code !== '' ? code : firstLine(error);
  const advice = code === 'EACCES' || code === 'EPERM' ? 'check the file permissions' : code === 'ENOENT' ? 'check the path' : 'check the file and try again';
  return { ok: false, reason: 'unreadable', message: `Cannot read file: ${detail}; ${advice}` };
}

const OS_REASONS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOTDIR: 'a parent of the path is not a directory',
  ELOOP: 'too many levels of symbolic links',
  ENAMETOOLONG: 'file name too long',
  EMFILE: 'too many open files',
  EIO: 'input/output error',
  EBUSY: 'resource busy',
};

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split(/\r?\n/, 1)[0] ?? 'unknown error';
}

function formatBytes(size: number): string {
  if (size < 1024) return `${size} bytes`;
  if (size < 1024 * 1024) return `${trim(size / 1024)} KiB`;
  return `${trim(size / (1024 * 1024))} MiB`;
}

function trim(value: number): string {
  return value.toFixed(1).replace(/\.0$/, '');
}
