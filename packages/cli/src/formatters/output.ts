import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * --output-file: writes the report (even an empty one, so CI steps that upload it find a file),
 * creating missing directories. Failures are thrown with the path, and the run exits 2.
 */
export async function writeReport(file: string, text: string): Promise<void> {
  try {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, text);
  } catch (error) {
    throw new Error(`Could not write the report to ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
