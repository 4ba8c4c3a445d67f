import type { Dialect } from '../types.ts';
import { maskNonSql } from './mask.ts';
import { splitStatements } from './split.ts';

/**
 * Where each statement of a file starts and ends (UTF-16 offsets, from its first token to its
 * last, the `;` excluded), as the engine splits the file: psql meta-commands, COPY data and
 * template placeholders are not statements, and `;` inside strings, comments and dollar quotes
 * ends nothing. For reports that show a finding's statement; no parser runs.
 */
export function statementSpans(text: string, dialect: Dialect = 'postgresql'): Array<{ start: number; end: number }> {
  const masked = maskNonSql(text, { dialect });
  return splitStatements(masked.text, { dialect }).map((segment) => ({ start: segment.start, end: segment.end }));
}
