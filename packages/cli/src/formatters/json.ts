import { stringifyWellFormed } from '@sqlwarden/core';
import type { CliMessage, CliResult, CliSuggestion, Formatter } from '../types.ts';

/**
 * ESLint's `json` formatter shape. Messages carry no `range` (ESLint's do not); `source` is
 * present when the file has messages and was not fixed, `output` when fixing changed the text
 * (ESLint's documented rule for both). A grouped finding adds `occurrences`: every finding it
 * stands for (itself first), each with its message, position and suggestions.
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
  } else if (result.messages.length > 0 && result.source !== undefined) {
    out.source = result.source;
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
  if (message.fatal) out.fatal = true;
  if (message.endLine !== undefined) out.endLine = message.endLine;
  if (message.endColumn !== undefined) out.endColumn = message.endColumn;
  if (message.fix) out.fix = { range: [...message.fix.range], text: message.fix.text };
  if (message.suggestions && message.suggestions.length > 0) {
    out.suggestions = message.suggestions.map(toEslintSuggestion);
  }
  if (message.occurrences) {
    out.occurrences = message.occurrences.map((o) => ({
      message: o.message,
      line: o.line,
      column: o.column,
      endLine: o.endLine,
      endColumn: o.endColumn,
      ...(o.fix ? { fix: { range: [...o.fix.range], text: o.fix.text } } : {}),
      ...(o.suggestions?.length ? { suggestions: o.suggestions.map(toEslintSuggestion) } : {}),
    }));
  }
  return out;
}

function toEslintSuggestion(s: CliSuggestion): Record<string, unknown> {
  return { desc: s.desc, fix: { range: [...s.fix.range], text: s.fix.text } };
}

export const json = ((results, _context) => `${stringifyWellFormed(results.map(toEslintResult))}\n`) satisfies Formatter;
