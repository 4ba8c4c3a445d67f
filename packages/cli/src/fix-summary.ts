import path from 'node:path';
import type { CliResult } from './types.ts';

/**
 * What `--fix --verbose` prints on stderr after the report: per file, the titles of the fixes
 * applied (with --fix-dry-run, that would be applied), each with its rule id. With --fix, only
 * the files actually written (`written`) count.
 */
export function fixSummary(results: readonly CliResult[], options: { cwd: string; dryRun: boolean; written?: ReadonlySet<string> }): string {
  const files = results.filter((result) => result.appliedFixes?.length && (options.written === undefined || options.written.has(result.filePath)));
  const count = files.reduce((n, result) => n + result.appliedFixes!.length, 0);
  if (count === 0) return options.dryRun ? 'sqlwarden: --fix-dry-run found nothing to fix.\n' : 'sqlwarden: no fixes applied.\n';
  const what = `${count} fix${count === 1 ? '' : 'es'} in ${files.length} file${files.length === 1 ? '' : 's'}`;
  let text = options.dryRun ? `sqlwarden: --fix-dry-run would apply ${what} (no file written):\n` : `sqlwarden: applied ${what}:\n`;
  for (const result of files) {
    text += `  ${displayPath(result.filePath, options.cwd)}\n`;
    // Identical titles of one rule are counted; a fix without a title is named by its rule.
    const counted = new Map<string, number>();
    for (const fix of result.appliedFixes!) {
      const line = fix.desc !== undefined ? `${fix.desc}  (${fix.ruleId})` : `fix of ${fix.ruleId}`;
      counted.set(line, (counted.get(line) ?? 0) + 1);
    }
    for (const [line, n] of counted) text += `    ${n > 1 ? `${n} × ` : ''}${line}\n`;
  }
  return text;
}

/** A path as a terminal user types it: relative to the working directory when under it. */
function displayPath(filePath: string, cwd: string): string {
  if (!path.isAbsolute(filePath)) return filePath;
  const relative = path.relative(cwd, filePath);
  return relative === '' || relative.startsWith('..') || path.isAbsolute(relative) ? filePath : relative;
}
