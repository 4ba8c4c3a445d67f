import type { CliMessage, Formatter } from '../types.ts';
import { reportPath } from './shared.ts';

/**
 * GitHub Actions workflow commands: one `::error` or `::warning` line per problem, which the
 * runner turns into annotations on the pull request's diff:
 *
 *   ::error file=db/migrate/002.sql,line=3,endLine=3,col=1,endColumn=13,title=sqlwarden%3A no-blocking-index-build::CREATE INDEX ...
 *
 * `file` is relative to the working directory (run from the repository root). Columns are
 * 1-based UTF-16 columns, end exclusive as in the engine; they are given only when the problem
 * starts and ends on the same line, as GitHub's annotations support columns on one line only.
 * Escaping follows the runner's command parser: in the message `%`, CR and LF become `%25`,
 * `%0D`, `%0A`; in property values `:` and `,` also become `%3A` and `%2C`. Problems that are not
 * a rule's (unreadable files) are `::error` annotations of the file without a position.
 */
export const github = ((results, { cwd }) => {
  let output = '';
  for (const result of results) {
    const file = result.filePath === '<text>' ? undefined : reportPath(result.filePath, cwd);
    for (const message of result.messages) output += `${command(message, file)}\n`;
  }
  return output;
}) satisfies Formatter;

function command(message: CliMessage, file: string | undefined): string {
  const kind = message.fatal || message.severity === 2 ? 'error' : 'warning';
  const properties: Array<[string, string | number]> = [];
  if (file !== undefined) properties.push(['file', file]);
  if (message.ruleId !== null) {
    properties.push(['line', message.line]);
    const sameLine = message.endLine === undefined || message.endLine === message.line;
    if (message.endLine !== undefined) properties.push(['endLine', message.endLine]);
    if (sameLine) {
      properties.push(['col', message.column]);
      if (message.endColumn !== undefined) properties.push(['endColumn', message.endColumn]);
    }
  }
  properties.push(['title', message.ruleId !== null ? `sqlwarden: ${message.ruleId}` : 'sqlwarden']);
  const props = properties.map(([key, value]) => `${key}=${escapeProperty(String(value))}`).join(',');
  return `::${kind} ${props}::${escapeData(message.message)}`;
}

/** The runner's escaping of a command's message. */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** The runner's escaping of a command property's value. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
