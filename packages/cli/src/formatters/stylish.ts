import { createColors } from 'picocolors';
import type { CliMessage, CliResult, Formatter } from '../types.ts';
import { sumTotals } from '../types.ts';

function pluralize(word: string, count: number): string {
  return count === 1 ? word : `${word}s`;
}

/** ESLint drops a final period so the rule id reads as the sentence's tail. */
function displayMessage(message: CliMessage): string {
  return message.message.replace(/\s*\r?\n\s*/g, ' ').replace(/([^ ])\.$/u, '$1');
}

interface Row {
  line: string;
  column: string;
  kind: 'error' | 'warning';
  message: string;
  ruleId: string;
}

/**
 * ESLint's default output: one block per file with problems, columns aligned on their plain
 * text (colour codes are added after padding), then a summary of counts and fixable counts.
 */
export const stylish = ((results, { color }) => {
  const c = createColors(color);
  const totals = sumTotals(results);
  const problemCount = totals.errorCount + totals.warningCount;
  if (problemCount === 0) return '';

  let output = '\n';
  for (const result of results) {
    if (result.messages.length === 0) continue;
    output += `${c.underline(result.filePath)}\n`;
    output += formatRows(result, c);
    output += '\n';
  }

  const summaryColor = totals.errorCount > 0 ? c.red : c.yellow;
  output += summaryColor(
    c.bold(
      `\u2716 ${problemCount} ${pluralize('problem', problemCount)} ` +
        `(${totals.errorCount} ${pluralize('error', totals.errorCount)}, ` +
        `${totals.warningCount} ${pluralize('warning', totals.warningCount)})`,
    ),
  );
  output += '\n';
  if (totals.fixableErrorCount > 0 || totals.fixableWarningCount > 0) {
    output += summaryColor(
      c.bold(
        `  ${totals.fixableErrorCount} ${pluralize('error', totals.fixableErrorCount)} and ` +
          `${totals.fixableWarningCount} ${pluralize('warning', totals.fixableWarningCount)} ` +
          'potentially fixable with the --fix option.',
      ),
    );
    output += '\n';
  }
  return output;
}) satisfies Formatter;

function formatRows(result: CliResult, c: ReturnType<typeof createColors>): string {
  const rows: Row[] = result.messages.map((message) => ({
    line: String(message.line || 0),
    column: String(message.column || 0),
    kind: message.fatal || message.severity === 2 ? 'error' : 'warning',
    message: displayMessage(message),
    ruleId: message.ruleId ?? '',
  }));
  const lineWidth = Math.max(...rows.map((row) => row.line.length));
  const columnWidth = Math.max(...rows.map((row) => row.column.length));
  const kindWidth = Math.max(...rows.map((row) => row.kind.length));
  const messageWidth = Math.max(...rows.map((row) => row.message.length));
  const anyRuleId = rows.some((row) => row.ruleId !== '');

  let text = '';
  for (const row of rows) {
    const position = `${row.line.padStart(lineWidth)}:${row.column.padEnd(columnWidth)}`;
    const kind = row.kind.padEnd(kindWidth);
    let line = `  ${c.dim(position)}  ${row.kind === 'error' ? c.red(kind) : c.yellow(kind)}  `;
    if (anyRuleId) {
      line += `${row.message.padEnd(messageWidth)}  ${c.dim(row.ruleId)}`;
    } else {
      line += row.message;
    }
    text += `${line.trimEnd()}\n`;
  }
  return text;
}
