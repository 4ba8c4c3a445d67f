/**
 * The most of one statement the engine analyses. The parser and the model take about a second
 * per megabyte of statement text, so a 10 MB seed-data INSERT or a list of 400,000 values would
 * hold a language server for many seconds on every keystroke; PostgreSQL itself parses those in
 * milliseconds. Bigger statements are reported as not analysed instead, and the rest of the file
 * is linted as usual.
 */
import type { DialectAdapter, ParsedSegment } from '../dialects/adapter.ts';
import type { Range } from '../model/nodes.ts';

export const MAX_STATEMENT_LENGTH = 1_000_000;

/**
 * Parsers read C strings (libpg-query), so a NUL byte would end the statement there and the rest
 * would be parsed as if it were not written. PostgreSQL never runs such text either: the server
 * rejects a query text holding one ("invalid message format") and psql drops the rest of the line.
 */
export const NUL_BYTE_MESSAGE = 'NUL byte (0x00): PostgreSQL rejects a query text holding one ("invalid message format") and psql cuts the line there';

export function parseWithinBudget(adapter: DialectAdapter, maskedText: string, range: Range): ParsedSegment {
  const nul = nulWithin(maskedText, range);
  if (nul !== -1) return { statements: [], error: { message: `${NUL_BYTE_MESSAGE}; not analysed`, range: { start: nul, end: nul + 1 } }, tokens: [] };
  const length = range.end - range.start;
  if (length <= MAX_STATEMENT_LENGTH) return adapter.parseSegment(maskedText, range);
  const size = `${(length / 1_000_000).toFixed(1)} million characters`;
  return {
    statements: [],
    notAnalysed: {
      message: `Not analysed: this statement is ${size} long, over the ${MAX_STATEMENT_LENGTH / 1_000_000} million-character limit; no rule checked it and the schema skips it`,
      range: { start: range.start, end: Math.min(range.end, range.start + 1) },
    },
    tokens: [],
  };
}

/** The NUL bytes of the text the last caller asked about: its statements come one after another. */
let lastNuls: { text: string; offsets: number[] } | undefined;

/**
 * The offset of the first NUL byte in the range, or -1. Searching the text from the range's start
 * would read to the end of the file for every statement of a file without one.
 */
function nulWithin(text: string, range: Range): number {
  if (lastNuls?.text !== text) {
    const offsets: number[] = [];
    for (let nul = text.indexOf('\0'); nul !== -1; nul = text.indexOf('\0', nul + 1)) offsets.push(nul);
    lastNuls = { text, offsets };
  }
  const offsets = lastNuls.offsets;
  // The first NUL at or after the range's start (a binary search: a file may hold many).
  let low = 0;
  let high = offsets.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (offsets[mid]! < range.start) low = mid + 1;
    else high = mid;
  }
  return low < offsets.length && offsets[low]! < range.end ? offsets[low]! : -1;
}
