import writeFileAtomic from 'write-file-atomic';

/** The encodings the engine's readSourceFile decodes (UTF-16 only with a byte-order mark). */
export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be';

export interface FixTarget {
  filePath: string;
  /** Text the engine linted (without BOM). */
  source: string;
  /** Fixed text, when fixing changed anything. */
  output?: string;
  /** The file started with a byte-order mark, which the engine does not see and the write restores. */
  bom: boolean;
  encoding?: TextEncoding;
}

export interface FixWriteFailure {
  filePath: string;
  message: string;
}

/** Bytes of `text` in the file's original encoding, byte-order mark included when it had one. */
export function encodeText(text: string, encoding: TextEncoding = 'utf-8', bom = false): Buffer {
  const withBom = bom || encoding !== 'utf-8' ? `\uFEFF${text}` : text;
  if (encoding === 'utf-8') return Buffer.from(withBom, 'utf8');
  const bytes = Buffer.from(withBom, 'utf16le');
  return encoding === 'utf-16be' ? bytes.swap16() : bytes;
}

/**
 * Writes fixed files atomically (temp file + rename, keeping mode and owner), only those whose
 * text changed, so a second --fix run touches nothing.
 */
export async function writeFixes(targets: readonly FixTarget[]): Promise<{ written: string[]; failures: FixWriteFailure[] }> {
  const written: string[] = [];
  const failures: FixWriteFailure[] = [];
  for (const target of targets) {
    if (target.output === undefined || target.output === target.source) continue;
    try {
      await writeFileAtomic(target.filePath, encodeText(target.output, target.encoding, target.bom));
      written.push(target.filePath);
    } catch (error) {
      failures.push({ filePath: target.filePath, message: (error as Error).message });
    }
  }
  return { written, failures };
}
