import type { Range } from './model/nodes.ts';
import type { MigrationToolId } from './migration-tools/tools.ts';

export type Dialect = 'postgresql' | 'mysql';
export type SeverityName = 'off' | 'warn' | 'error';
/** ESLint's numeric severities: 1 warning, 2 error. */
export type Severity = 1 | 2;

/** A text edit in UTF-16 offsets of the file, ESLint's fix shape. */
export interface Fix {
  range: [number, number];
  text: string;
  /** What the fix does, as a title ("Use CREATE INDEX CONCURRENTLY"); set by rules that give one. */
  desc?: string;
}

export interface Suggestion {
  desc: string;
  fix: Fix;
}

export interface Diagnostic {
  ruleId: string;
  severity: Severity;
  /** The headline: one line, the problem and the remedy (see `ReportDescriptor.message`). */
  message: string;
  /** The explanation behind the headline, when the rule gives one (see `ReportDescriptor.detail`). */
  detail?: string;
  /** 1-based line, 1-based column in UTF-16 code units (ESLint and LSP conventions). */
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** UTF-16 offsets into the file. */
  range: Range;
  fix?: Fix;
  suggestions?: Suggestion[];
  /**
   * Set on a grouped finding (see `RuleMeta.groupRepeats`): every finding it stands for, this
   * one first, in file order, each with its own message, position, fix and suggestions. The
   * diagnostic itself is the first occurrence, its message followed by the count and lines of
   * the others.
   */
  occurrences?: Occurrence[];
}

/**
 * One finding of a grouped diagnostic, as it would have been reported alone. Its `fix` and
 * `suggestions` read the finding itself, so a fix a later statement turns into a suggestion (see
 * `ReportDescriptor.fixGuard`) is gone here too.
 */
export type Occurrence = Pick<Diagnostic, 'message' | 'detail' | 'line' | 'column' | 'endLine' | 'endColumn' | 'range' | 'fix' | 'suggestions'>;

/** How the migration tool runs a file, which decides whether statements share a transaction. */
export type MigrationTransactionMode =
  /** The file is sent as one multi-statement query: more than one statement means one implicit transaction. */
  | 'implicit'
  /** The tool wraps every migration file in BEGIN/COMMIT (Rails, Flyway, goose, diesel...). */
  | 'wrapped'
  /** Every statement autocommits unless the file says BEGIN (psql -f). */
  | 'none';

export interface Settings {
  dialect: Dialect;
  /** Major version of the target server, e.g. 15. Fractional versions such as 9.6 are allowed. */
  postgresVersion: number;
  /**
   * `migrations.transaction`: how the migration tool runs a file, set explicitly. It replaces what
   * the detected tool does; absent, the tool decides, and files of no known tool are `implicit`.
   */
  migrationTransaction?: MigrationTransactionMode;
  /** `migrations.tool`: detect the tool from the layout (`auto`, the default), name one, or `none`. */
  migrationTool?: MigrationToolSetting;
  /**
   * `migrations.rollbacks`: what is reported in down files and down sections. `failures` (the
   * default): only findings whose statement fails as written (`ReportDescriptor.fails`); `all`:
   * every finding, as in up migrations.
   */
  rollbacks?: RollbacksSetting;
}

export type MigrationToolSetting = 'auto' | 'none' | MigrationToolId;

/** `migrations.rollbacks`: `failures` (the default) or `all`; see `Settings.rollbacks`. */
export type RollbacksSetting = 'failures' | 'all';

export const DEFAULT_SETTINGS: Settings = {
  dialect: 'postgresql',
  postgresVersion: 15,
};
