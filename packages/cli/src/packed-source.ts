import type { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { CliResult } from './types.ts';

/** node:zlib's two functions this needs; the caller loads zlib (not at start-up: --help never packs). */
export interface Zlib {
  deflateRawSync: typeof deflateRawSync;
  inflateRawSync: typeof inflateRawSync;
}

/** Shorter texts are kept as they are: deflating them saves too little to pay for itself. */
const MIN_PACKED_LENGTH = 1024;

/**
 * Gives `result` its `source`, kept deflated and inflated again each time it is read. A run keeps
 * every linted file's result until the report is written (the report shows sources, and which
 * files were linted), and deflated SQL takes about a sixth of its text: the 16 MB history of the
 * pg-migrations corpus is 3 MB deflated. Text that UTF-8 cannot carry as it is (a lone
 * surrogate) is kept as it is. Assigning `source` replaces the packed text with the value.
 */
export function setPackedSource(result: CliResult, text: string, zlib: Zlib): void {
  if (text.length < MIN_PACKED_LENGTH || !text.isWellFormed()) {
    result.source = text;
    return;
  }
  // Level 1: the fastest; higher levels shrink SQL a little more for much more time. Copied:
  // zlib's result is a view of a buffer of at least 16 KB, which would stay allocated behind it.
  const packed = new Uint8Array(zlib.deflateRawSync(text, { level: 1 }));
  Object.defineProperty(result, 'source', {
    enumerable: true,
    configurable: true,
    get: () => zlib.inflateRawSync(packed).toString('utf8'),
    set(this: CliResult, value: string | undefined) {
      Object.defineProperty(this, 'source', { value, enumerable: true, configurable: true, writable: true });
    },
  });
}

/** Whether the result has a source (the file was linted), without inflating a packed one. */
export function hasSource(result: CliResult): boolean {
  const own = Object.getOwnPropertyDescriptor(result, 'source');
  return own !== undefined && (own.get !== undefined || own.value !== undefined);
}
