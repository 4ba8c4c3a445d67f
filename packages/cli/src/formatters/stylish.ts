import { createColors } from 'picocolors';
import type { CliMessage, CliResult, Formatter } from '../types.ts';
import { type Colors, problemSummary, wrapText, wrapWidth } from './terminal.ts';

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
  detail?: string;
}

/**
 * ESLint's default output: one block per file with problems, columns aligned on their plain
 * text (colour codes are added after padding), then a summary of counts and fixable counts.
 * Each row shows the finding's headline; with --verbose (`context.verbose`) its detail follows,
 * wrapped under the message column.
 */
export const stylish = ((results, { color, verbose, width }) => {
  const c = createColors(color);
  const summary = problemSummary(results, c);
  if (summary === '') return '';

  let output = '\n';
  for (const result of results) {
    if (result.messages.length === 0) continue;
    output += `${c.underline(result.filePath)}\n`;
    output += formatRows(result, c, verbose === true ? wrapWidth(width) : undefined);
    output += '\n';
  }
  return output + summary;
}) satisfies Formatter;

/** The rows of one file; `detailWidth` (the terminal's) when details are shown. */
function formatRows(result: CliResult, c: Colors, detailWidth: number | undefined): string {
  const rows: Row[] = result.messages.map((message) => ({
    line: String(message.line || 0),
    column: String(message.column || 0),
    kind: message.fatal || message.severity === 2 ? 'error' : 'warning',
    message: displayMessage(message),
    ruleId: message.ruleId ?? '',
    ...(message.detail ? { detail: message.detail } : {}),
  }));
  const lineWidth = Math.max(...rows.map((row) => row.line.length));
  const columnWidth = Math.max(...rows.map((row) => row.column.length));
  const kindWidth = Math.max(...rows.map((row) => row.kind.length));
  const messageWidth = Math.max(...rows.map((row) => row.message.length));
  const anyRuleId = rows.some((row) => row.ruleId !== '');
  // The detail starts under the message: 2 + position + 2 + kind + 2.
  const detailIndent = ' '.repeat(2 + lineWidth + 1 + columnWidth + 2 + kindWidth + 2);

  let text = '';
  rows.forEach((row, index) => {
    const position = `${row.line.padStart(lineWidth)}:${row.column.padEnd(columnWidth)}`;
    const kind = row.kind.padEnd(kindWidth);
    let line = `  ${c.dim(position)}  ${row.kind === 'error' ? c.red(kind) : c.yellow(kind)}  `;
    if (anyRuleId) {
      line += `${row.message.padEnd(messageWidth)}  ${c.dim(row.ruleId)}`;
    } else {
      line += row.message;
    }
    text += `${line.trimEnd()}\n`;
    if (detailWidth !== undefined && row.detail) {
      for (const detailLine of wrapText(row.detail, Math.max(20, detailWidth - detailIndent.length))) {
        text += detailLine === '' ? '\n' : `${detailIndent}${detailLine}\n`;
      }
      // A blank line keeps one finding's explanation apart from the next row.
      if (index < rows.length - 1) text += '\n';
    }
  });
  return text;
}
