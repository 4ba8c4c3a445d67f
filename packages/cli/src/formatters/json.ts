import { stringifyWellFormed } from '@sqlwarden/core';
import type { CliFix, CliMessage, CliResult, CliSuggestion, Formatter } from '../types.ts';

/**
 * ESLint's `json` formatter shape. Messages carry no `range` (ESLint's do not); `source` is
 * present when the file has messages and was not fixed, `output` when fixing changed the text
 * (ESLint's documented rule for both). A grouped finding adds `occurrences`: every finding it
 * stands for (itself first), each with its message, position and suggestions.
 *
 * Two fields ESLint does not have, both optional: `detail`, the explanation behind the headline
 * in `message`, and `fixDesc`, the title of `fix`. The title sits beside `fix` rather than in it:
 * ESLint's `fix` is exactly `{ range, text }`, and tools that apply, compare or convert it keep
 * working, while extra message fields are what every ESLint release has added (`messageId`,
 * `suggestions`...) and consumers already pass over.
 */
export function toEslintResult(result: CliResult): Record<string, unknown> {
  const out: Record<string, unknown> = {
    filePath: result.filePath,
    messages: result.messages.map(toEslintMessage),
    suppressedMessages: [],
    errorCount: result.errorCount,
    fatalErrorCount: result.fatalErrorCount,
    warningCount: result.warningCount,
    fixableErrorCount: result.fixableErrorCount,
    fixableWarningCount: result.fixableWarningCount,
  };
  if (result.output !== undefined) {
    out.output = result.output;
  } else if (result.messages.length > 0) {
    // Read once: a run's sources may be kept packed (packed-result.ts), inflated on each read.
    const source = result.source;
    if (source !== undefined) out.source = source;
  }
  out.usedDeprecatedRules = [];
  return out;
}

function toEslintMessage(message: CliMessage): Record<string, unknown> {
  const out: Record<string, unknown> = {
    ruleId: message.ruleId,
    severity: message.severity,
    message: message.message,
    line: message.line,
    column: message.column,
  };
  if (message.detail) out.detail = message.detail;
  if (message.fatal) out.fatal = true;
  if (message.endLine !== undefined) out.endLine = message.endLine;
  if (message.endColumn !== undefined) out.endColumn = message.endColumn;
  if (message.fix) Object.assign(out, fixFields(message.fix));
  if (message.suggestions && message.suggestions.length > 0) {
    out.suggestions = message.suggestions.map(toEslintSuggestion);
  }
  if (message.occurrences) {
    out.occurrences = message.occurrences.map((o) => ({
      message: o.message,
      ...(o.detail ? { detail: o.detail } : {}),
      line: o.line,
      column: o.column,
      endLine: o.endLine,
      endColumn: o.endColumn,
      ...(o.fix ? fixFields(o.fix) : {}),
      ...(o.suggestions?.length ? { suggestions: o.suggestions.map(toEslintSuggestion) } : {}),
    }));
  }
  return out;
}

/** `fix` as ESLint has it, and its title as `fixDesc` when the rule gave one. */
function fixFields(fix: CliFix): Record<string, unknown> {
  return { fix: { range: [...fix.range], text: fix.text }, ...(fix.desc ? { fixDesc: fix.desc } : {}) };
}

function toEslintSuggestion(s: CliSuggestion): Record<string, unknown> {
  return { desc: s.desc, fix: { range: [...s.fix.range], text: s.fix.text } };
}

/**
 * The `json` report a file at a time, for a run to write as it goes instead of building the whole
 * text (and every file's converted result) first. Joined, the same text as `json`: compact JSON
 * of an array is its elements' JSON joined with commas.
 */
export function* jsonChunks(results: Iterable<CliResult>): Generator<string> {
  let separator = '';
  yield '[';
  for (const result of results) {
    yield `${separator}${stringifyWellFormed(toEslintResult(result))}`;
    separator = ',';
  }
  yield ']\n';
}

export const json = ((results, _context) => [...jsonChunks(results)].join('')) satisfies Formatter;
