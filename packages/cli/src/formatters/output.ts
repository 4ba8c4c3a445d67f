import { mkdir, open } from 'node:fs/promises';
import path from 'node:path';

/**
 * --output-file: writes the report (even an empty one, so CI steps that upload it find a file),
 * creating missing directories; the report may come in pieces (see chunkedFormatter). Failures
 * are thrown with the path, and the run exits 2.
 */
export async function writeReport(file: string, report: string | Iterable<string>): Promise<void> {
  try {
    await mkdir(path.dirname(file), { recursive: true });
    const handle = await open(file, 'w');
    try {
      for (const piece of batched(typeof report === 'string' ? [report] : report)) await handle.writeFile(piece);
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw new Error(`Could not write the report to ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Pieces joined up to about `size` characters each, so a report of many small pieces is not as many writes. */
export function* batched(pieces: Iterable<string>, size = 1 << 16): Generator<string> {
  let pending: string[] = [];
  let length = 0;
  for (const piece of pieces) {
    pending.push(piece);
    length += piece.length;
    if (length >= size) {
      yield pending.join('');
      pending = [];
      length = 0;
    }
  }
  if (length > 0) yield pending.join('');
}
