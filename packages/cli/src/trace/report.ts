/**
 * The shape of `sqlwarden trace --format json` (documented in packages/cli/README.md). Times are
 * milliseconds measured by the client around each statement; lock facts come from pg_locks.
 */
import type { ServerNotice } from './session.ts';

export interface TraceReport {
  /** Bumped when a field changes meaning. */
  schemaVersion: 1;
  target: {
    kind: 'pglite' | 'postgres';
    description: string;
    /** The server's major version (PGlite: the PostgreSQL it embeds). */
    serverVersion: number;
  };
  /** `postgresVersion` from the config or --pg-version: the version the lint rules assume. */
  configuredVersion: number;
  files: TraceFile[];
  /** The first error PostgreSQL raised; the replay stopped there. */
  failure?: TraceFailure;
  /** Set when a statement could not be replayed at all (psql variables, COPY data the target cannot take). */
  stoppedBecause?: string;
  warnings: string[];
  summary: {
    files: number;
    statements: number;
    statementsRun: number;
    statementsNotRun: number;
    /** In skipped files (down migrations, non-migrations) or skipped on their own (COPY data that cannot be fed). */
    statementsSkipped: number;
    failed: boolean;
  };
}

/** How the file's statements are grouped into transactions, as the engine decided from the config, the migration tool and the file's annotations. */
export type FileTransactionMode =
  /** The migration tool wraps the file in BEGIN/COMMIT. */
  | 'wrapped'
  /** The file is sent as one query string: PostgreSQL runs it as one implicit transaction. */
  | 'implicit'
  /** Each statement autocommits unless the file says BEGIN (psql -f, NO TRANSACTION annotations). */
  | 'none';

export interface TraceFile {
  /** As given on the command line or found in a directory, relative to the working directory. */
  path: string;
  transactionMode: FileTransactionMode;
  status: 'ok' | 'failed' | 'not-run' | 'skipped';
  /** Why a file was skipped (a down migration, not a migration). */
  reason?: string;
  statements: TraceStatement[];
  transactions: TraceTransaction[];
  /** Statements of down sections (`-- +goose Down`, `-- migrate:down`), never run. */
  downStatements: number;
}

export interface TraceTransaction {
  id: number;
  /** Who opened it: the migration tool, PostgreSQL's implicit block for a multi-statement query, or the file's own BEGIN. */
  openedBy: 'migration-tool' | 'implicit' | 'file';
  /** `index` of the first and last statement that ran in it. */
  firstStatement: number;
  lastStatement: number;
  outcome: 'committed' | 'rolled-back' | 'open';
  /** From the first statement's start to the end of COMMIT/ROLLBACK: how long its locks were held at most. */
  durationMs?: number;
}

export type ObservationMethod =
  /** Ran inside the file's transaction; pg_locks was read in that transaction right after it. */
  | 'in-transaction'
  /** Autocommit statement: trace ran it in BEGIN ... COMMIT of its own to read pg_locks before the commit released them. */
  | 'own-transaction'
  /** Cannot run in a transaction block: run as-is while a second connection sampled pg_locks. */
  | 'sampled'
  /** Cannot run in a transaction block, and the target has a single connection (PGlite). */
  | 'not-observable'
  /** Transaction control and statements whose meaning a wrapping transaction would change (LOCK, DECLARE). */
  | 'unobserved';

export interface TraceLock {
  /** `relation::regclass`; a relation dropped before its locks could be read shows as `oid 16384`. */
  relation: string;
  oid: number;
  /** As pg_locks spells it, e.g. `AccessExclusiveLock`. */
  mode: string;
  granted: boolean;
  /** `index` of the statement that acquired it; an earlier one when it was already held. */
  acquiredBy: number;
  /** From the acquiring statement's start until the lock was released (end of the transaction). */
  heldMs?: number;
}

export interface TraceStatement {
  /** Position among the file's statements (0-based), as in `lint` and `explain`. */
  index: number;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  text: string;
  status: 'ok' | 'error' | 'not-run' | 'skipped';
  /** Why it was skipped or could not be replayed. */
  reason?: string;
  /** The transaction it ran in (see `transactions`), or null for none (autocommit or outside any block). */
  transaction: number | null;
  /** The engine's view: `explicit` (the file's BEGIN), `implicit`, `wrapped` (the tool), or none. */
  engineTransaction?: 'explicit' | 'implicit' | 'wrapped';
  durationMs?: number;
  /** How long locks it takes stay held: its own duration in autocommit, until COMMIT/ROLLBACK inside a transaction. */
  lockHoldMs?: number;
  /** Relation locks held right after it ran: its own (acquiredBy = index) and older ones of the same transaction. */
  locks: TraceLock[];
  observation: ObservationMethod;
  /** How the locks were (or could not be) observed, when it is not the plain case. */
  observationNote?: string;
  /**
   * For statements whose locks could not be observed: what sqlwarden's lock model expects
   * (relation and pg_locks mode), so the report still says something. Not an observation.
   */
  expectedLocks?: Array<{ relation: string; mode: string }>;
  notices: ServerNotice[];
  error?: TraceError;
}

export interface TraceError {
  message: string;
  /** SQLSTATE, e.g. `23502`. */
  code?: string;
  detail?: string;
  hint?: string;
  where?: string;
  /** Where in the file PostgreSQL pointed (1-based), when it gave a position. */
  line?: number;
  column?: number;
  /** The error was raised by the COMMIT that ends the file's transaction (deferred constraints). */
  atCommit?: boolean;
}

export interface TraceFailure {
  file: string;
  /** The failed statement's `index`, or -1 when the COMMIT that ends the file's transaction failed. */
  statement: number;
  line: number;
  column: number;
  error: TraceError;
  /** What happened to the file's earlier statements. */
  rolledBack: string;
  notRun: { statementsInFile: number; laterFiles: string[]; laterStatements: number };
}
