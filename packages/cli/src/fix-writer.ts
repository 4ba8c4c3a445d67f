import writeFileAtomic from 'write-file-atomic';

export interface FixTarget {
  filePath: string;
  /** Text the engine linted (without BOM). */
  source: string;
  /** Fixed text, when fixing changed anything. */
  output?: string;
  /** The file started with a UTF-8 BOM, which the engine does not see and the write restores. */
  bom: boolean;
}

export interface FixWriteFailure {
  filePath: string;
  message: string;
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
      await writeFileAtomic(target.filePath, (target.bom ? '\uFEFF' : '') + target.output, { encoding: 'utf8' });
      written.push(target.filePath);
    } catch (error) {
      failures.push({ filePath: target.filePath, message: (error as Error).message });
    }
  }
  return { written, failures };
}
