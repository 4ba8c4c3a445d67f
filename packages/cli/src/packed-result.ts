/**
 * Linted files' results as a run keeps them until the report is written. Every result stays
 * until then (the report is in path order, files are linted in replay order, and --baseline,
 * --changed-since and the totals look at all of them), so each is kept packed: its messages
 * serialised and deflated, its source deflated. The 16 MB pg-migrations history's results are
 * 4 MB packed instead of 25 MB of objects and strings; the report unpacks one file at a time.
 */
import type { deserialize, serialize } from 'node:v8';
import type { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { CliResult, Totals } from './types.ts';

/** What packing needs from node:zlib and node:v8; the caller loads them (not at start-up: --help never packs). */
export interface Packing {
  deflateRawSync: typeof deflateRawSync;
  inflateRawSync: typeof inflateRawSync;
  serialize: typeof serialize;
  deserialize: typeof deserialize;
}

/** Shorter texts are kept as they are: deflating them saves too little to pay for itself. */
const MIN_PACKED_LENGTH = 1024;

/** Deflated UTF-8, or the text itself (short, or not well-formed: UTF-8 cannot carry a lone surrogate). */
type PackedText = Uint8Array | string;

function packText(text: string, packing: Packing): PackedText {
  if (text.length < MIN_PACKED_LENGTH || !text.isWellFormed()) return text;
  return deflate(packing, text);
}

/**
 * Level 1: the fastest; higher levels shrink SQL a little more for much more time. Copied: zlib's
 * result is a view of a buffer of at least 16 KB, which would stay allocated behind it.
 */
function deflate(packing: Packing, data: string | Uint8Array): Uint8Array {
  return new Uint8Array(packing.deflateRawSync(data, { level: 1 }));
}

/**
 * Gives `result` its `source` from packed text: inflated each time it is read, so a report that
 * reads sources one file at a time never holds them all. Assigning `source` replaces it with the value.
 */
function defineSource(result: CliResult, text: PackedText, packing: Packing): void {
  if (typeof text === 'string') {
    result.source = text;
    return;
  }
  Object.defineProperty(result, 'source', {
    enumerable: true,
    configurable: true,
    get: () => packing.inflateRawSync(text).toString('utf8'),
    set(this: CliResult, value: string | undefined) {
      Object.defineProperty(this, 'source', { value, enumerable: true, configurable: true, writable: true });
    },
  });
}

/** Whether the result has a source (the file was linted), without inflating a packed one. */
export function hasSource(result: CliResult | PackedResult): boolean {
  if (result instanceof PackedResult) return true;
  const own = Object.getOwnPropertyDescriptor(result, 'source');
  return own !== undefined && (own.get !== undefined || own.value !== undefined);
}

/** A linted file's CliResult, packed: its path and counts as they are, the rest unpacked on demand. */
export class PackedResult implements Totals {
  readonly filePath: string;
  readonly errorCount: number;
  readonly warningCount: number;
  readonly fixableErrorCount: number;
  readonly fixableWarningCount: number;
  readonly fatalErrorCount: number;
  /** Everything but the source, serialised (as a worker posts results) and deflated; undefined for a file without messages. */
  private readonly rest: Uint8Array | undefined;
  private readonly source: PackedText;

  constructor(
    result: CliResult,
    source: string,
    private readonly packing: Packing,
  ) {
    this.filePath = result.filePath;
    this.errorCount = result.errorCount;
    this.warningCount = result.warningCount;
    this.fixableErrorCount = result.fixableErrorCount;
    this.fixableWarningCount = result.fixableWarningCount;
    this.fatalErrorCount = result.fatalErrorCount;
    const { source: _source, ...rest } = result;
    const bare = result.messages.length === 0 && result.output === undefined && result.appliedFixes === undefined;
    this.rest = bare ? undefined : deflate(packing, packing.serialize(rest));
    this.source = packText(source, packing);
  }

  /** The result as a CliResult, its fields in the order the run made them, its source inflated when read. */
  unpack(): CliResult {
    if (this.rest === undefined) {
      const result = this.bare();
      defineSource(result, this.source, this.packing);
      return result;
    }
    const { output, appliedFixes, ...head } = this.packing.deserialize(this.packing.inflateRawSync(this.rest)) as CliResult;
    const result = head as CliResult;
    defineSource(result, this.source, this.packing);
    if (output !== undefined) result.output = output;
    if (appliedFixes !== undefined) result.appliedFixes = appliedFixes;
    return result;
  }

  private bare(): CliResult {
    return {
      filePath: this.filePath,
      messages: [],
      errorCount: this.errorCount,
      warningCount: this.warningCount,
      fixableErrorCount: this.fixableErrorCount,
      fixableWarningCount: this.fixableWarningCount,
      fatalErrorCount: this.fatalErrorCount,
    };
  }
}

/** A result as the run keeps it: packed when linted without --fix/--cache, else as it is. */
export type KeptResult = CliResult | PackedResult;

export function unpack(result: KeptResult): CliResult {
  return result instanceof PackedResult ? result.unpack() : result;
}
