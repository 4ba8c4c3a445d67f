/**
 * The CLI's view of lint results: ESLint's result shape. It is structural on purpose so the
 * formatters and tests do not need the engine; core's LintFileResult converts into it in run.ts.
 */

export interface CliFix {
  range: [number, number];
  text: string;
  /** What the fix does, as a title ("Use CREATE INDEX CONCURRENTLY"); absent when the rule gives none. */
  desc?: string;
}

export interface CliSuggestion {
  desc: string;
  fix: CliFix;
}

export interface CliMessage {
  /** Null for problems that are not a rule's (unreadable file, ignored file), as in ESLint. */
  ruleId: string | null;
  severity: 1 | 2;
  /** The headline: one line stating the problem and the remedy. */
  message: string;
  /** The explanation behind the headline, when the rule gives one (why, what it blocks, the safe recipe). */
  detail?: string;
  /** 1-based. */
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
  /** Set only when the file could not be linted at all. */
  fatal?: boolean;
  fix?: CliFix;
  suggestions?: CliSuggestion[];
  /**
   * A grouped finding (a rule whose findings repeat one cause, see the rule's `groupRepeats`
   * option): every occurrence it stands for, this one first, each with its own message.
   */
  occurrences?: CliOccurrence[];
}

export interface CliOccurrence {
  message: string;
  detail?: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** This occurrence's fix (`--fix` applies every occurrence's). */
  fix?: CliMessage['fix'];
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
  /** With --fix/--fix-dry-run: the fixes that made `output`, each with its rule and title. */
  appliedFixes?: Array<{ ruleId: string; desc?: string }>;
}

/** What a formatter knows about a rule: core's RuleMeta, structurally (plugin rules included). */
export interface FormatterRuleMeta {
  id: string;
  description: string;
  /** `migration-safety`, `performance`, `correctness`, `style`; absent for the engine's own ids. */
  category?: string;
  /** `error`, `warn` or `off`: the rule's default, not the configured severity. */
  defaultSeverity?: string;
  fixable?: 'code';
  hasSuggestions?: boolean;
  docs?: { url?: string; recommended?: boolean };
}

/**
 * The second argument of every formatter, built-in or custom (`-f ./my-formatter.mjs`). Stable:
 * custom formatters may rely on every field.
 */
export interface FormatterContext {
  /** Whether the report may use ANSI colours (a terminal, or --color; false when writing --output-file). */
  color: boolean;
  /** Absolute working directory of the run; reports make file paths relative to it. */
  cwd: string;
  /** sqlwarden's version, e.g. `0.1.0`. */
  version: string;
  /**
   * Metadata of every rule the run could report, by id: the built-in rules, the rules of the
   * plugins the linted files' configs load, and the engine's own ids (`syntax-error`,
   * `internal-error`, `unused-suppression`).
   */
  rulesMeta: Readonly<Record<string, FormatterRuleMeta>>;
  /** --verbose: print each finding's detail (the explanation behind its headline) where the format has room. */
  verbose?: boolean;
  /**
   * Columns to wrap text at: the terminal's width when the report goes to one (or `COLUMNS`),
   * else 80.
   */
  width?: number;
}

/**
 * Turns lint results into the report text. Results come in path order, file paths absolute
 * (or `<text>` for --stdin without --stdin-filename). May be async (custom formatters).
 */
export type Formatter = (results: readonly CliResult[], context: FormatterContext) => string | Promise<string>;

export interface Totals {
  errorCount: number;
  warningCount: number;
  fixableErrorCount: number;
  fixableWarningCount: number;
  fatalErrorCount: number;
}

export function sumTotals(results: Iterable<Totals>): Totals {
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
    // A grouped finding counts once, and as fixable when any of its occurrences has a fix.
    const fixable = message.occurrences ? message.occurrences.some((o) => o.fix) : message.fix !== undefined;
    if (message.severity === 2) {
      errorCount++;
      if (fixable) fixableErrorCount++;
      if (message.fatal) fatalErrorCount++;
    } else {
      warningCount++;
      if (fixable) fixableWarningCount++;
    }
  }
  // Copied by descriptor, so a packed source (packed-result.ts) stays packed rather than inflated into the copy.
  const copy = Object.defineProperties({}, Object.getOwnPropertyDescriptors(result)) as CliResult;
  return Object.assign(copy, { messages, errorCount, warningCount, fixableErrorCount, fixableWarningCount, fatalErrorCount });
}
