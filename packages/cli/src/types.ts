/**
 * The CLI's view of lint results: ESLint's result shape. It is structural on purpose so the
 * formatters and tests do not need the engine; core's LintFileResult converts into it in run.ts.
 */

export interface CliFix {
  range: [number, number];
  text: string;
}

export interface CliSuggestion {
  desc: string;
  fix: CliFix;
}

export interface CliMessage {
  /** Null for problems that are not a rule's (unreadable file, ignored file), as in ESLint. */
  ruleId: string | null;
  severity: 1 | 2;
  message: string;
  /** 1-based. */
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
  /** Set only when the file could not be linted at all. */
  fatal?: boolean;
  fix?: CliFix;
  suggestions?: CliSuggestion[];
}

export interface CliResult {
  filePath: string;
  messages: CliMessage[];
  errorCount: number;
  warningCount: number;
  fixableErrorCount: number;
  fixableWarningCount: number;
  fatalErrorCount: number;
  source?: string;
  /** The fixed text, when fixing changed it. */
  output?: string;
}

export interface FormatterContext {
  color: boolean;
  cwd: string;
}

export type Formatter = (results: readonly CliResult[], context: FormatterContext) => string;

export interface Totals {
  errorCount: number;
  warningCount: number;
  fixableErrorCount: number;
  fixableWarningCount: number;
  fatalErrorCount: number;
}

export function sumTotals(results: readonly CliResult[]): Totals {
  const totals: Totals = { errorCount: 0, warningCount: 0, fixableErrorCount: 0, fixableWarningCount: 0, fatalErrorCount: 0 };
  for (const result of results) {
    totals.errorCount += result.errorCount;
    totals.warningCount += result.warningCount;
    totals.fixableErrorCount += result.fixableErrorCount;
    totals.fixableWarningCount += result.fixableWarningCount;
    totals.fatalErrorCount += result.fatalErrorCount;
  }
  return totals;
}

/** Recomputes the counters from the messages, after filtering them (e.g. --quiet). */
export function withMessages(result: CliResult, messages: CliMessage[]): CliResult {
  let errorCount = 0;
  let warningCount = 0;
  let fixableErrorCount = 0;
  let fixableWarningCount = 0;
  let fatalErrorCount = 0;
  for (const message of messages) {
    if (message.severity === 2) {
      errorCount++;
      if (message.fix) fixableErrorCount++;
      if (message.fatal) fatalErrorCount++;
    } else {
      warningCount++;
      if (message.fix) fixableWarningCount++;
    }
  }
  return { ...result, messages, errorCount, warningCount, fixableErrorCount, fixableWarningCount, fatalErrorCount };
}
