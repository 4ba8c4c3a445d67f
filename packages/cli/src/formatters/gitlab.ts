import { stringifyWellFormed } from '@sqlwarden/core';
import type { CliMessage, Formatter, FormatterContext } from '../types.ts';
import { fingerprints, isFinding, reportPath } from './shared.ts';

/**
 * GitLab Code Quality report (`artifacts: reports: codequality:`): a JSON array of issues with
 * `description`, `check_name`, `fingerprint`, `severity` and `location.path` /
 * `location.lines.begin` (the fields GitLab requires), plus `type`, `categories` and
 * `location.lines.end` from the Code Climate issue format.
 *
 * - `check_name` is the rule id; problems that are not a rule's (unreadable files) are
 *   `sqlwarden/fatal` (or `sqlwarden/ignored-file`).
 * - `fingerprint` is what GitLab compares between the source and target branch: SHA-256 of the
 *   rule id, the path and the normalized text of the flagged source, not line numbers, so a
 *   finding keeps its fingerprint when lines above it are added or removed; identical findings
 *   in a file are told apart by their order (see `fingerprints`).
 * - `severity`: rule errors are `major`, warnings `minor`, files that could not be linted
 *   `critical`.
 * - `location.path` is relative to the working directory (run from the repository root).
 */
export const gitlab = ((results, context) => {
  const issues: unknown[] = [];
  for (const result of results) {
    const path = reportPath(result.filePath, context.cwd);
    const hashes = fingerprints(result, context.cwd);
    result.messages.forEach((message, i) => {
      const lines: Record<string, number> = { begin: Math.max(1, message.line) };
      if (message.endLine !== undefined && message.endLine > message.line) lines.end = message.endLine;
      issues.push({
        type: 'issue',
        description: message.message,
        check_name: checkName(message),
        fingerprint: hashes[i],
        severity: message.fatal ? 'critical' : message.severity === 2 ? 'major' : 'minor',
        categories: [category(message, context)],
        location: { path, lines },
      });
    });
  }
  return `${stringifyWellFormed(issues, 2)}\n`;
}) satisfies Formatter;

function checkName(message: CliMessage): string {
  if (isFinding(message)) return message.ruleId;
  return message.fatal ? 'sqlwarden/fatal' : 'sqlwarden/ignored-file';
}

/** Code Climate's categories: correctness and migration safety are bug risks. */
function category(message: CliMessage, context: FormatterContext): string {
  if (!isFinding(message)) return 'Bug Risk';
  switch (context.rulesMeta[message.ruleId]?.category) {
    case 'performance':
      return 'Performance';
    case 'style':
      return 'Style';
    default:
      return 'Bug Risk';
  }
}
