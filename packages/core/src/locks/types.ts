import type { AlterTableAction, QualifiedName, Statement } from '../model/nodes.ts';
import type { LockMode } from './modes.ts';

/**
 * A fact that may change with the server version: either one value for every version or
 * a list of `[from, until)` ranges (major versions, 9.6 style fractions allowed).
 */
export type Versioned<T> = T | Array<{ from?: number; until?: number; value: T }>;

/** Which relation of a statement a lock falls on. */
export type LockTarget =
  /** The table (or index, view, sequence...) the statement names. */
  | 'target'
  /** The table a FOREIGN KEY references. */
  | 'referenced_table'
  /** The table that owns the index a statement names (DROP INDEX, REINDEX INDEX). */
  | 'index_table'
  /** The index a statement rebuilds or renames. */
  | 'index'
  /** ATTACH/DETACH PARTITION: the partition being attached or detached. */
  | 'partition'
  /** CREATE TABLE ... PARTITION OF: the partitioned table. */
  | 'parent'
  /** ATTACH PARTITION: the parent's DEFAULT partition, when it has one. */
  | 'default_partition'
  /** Tables that reference the target by foreign key (TRUNCATE CASCADE, DETACH PARTITION). */
  | 'referencing_tables'
  /** Every partition of a partitioned target (CREATE INDEX on a partitioned table). */
  | 'partitions'
  /** Tables a query inside the statement reads (CREATE VIEW, INSERT ... SELECT, REFRESH). */
  | 'read_tables'
  /**
   * REINDEX SCHEMA/DATABASE, VACUUM or CLUSTER without a table: every table in scope, one
   * after the other, each in its own transaction.
   */
  | 'each_table';

export interface LockFact {
  on: LockTarget;
  mode: Versioned<LockMode | null>;
  /** Why, when it is not obvious, e.g. "RI triggers are dropped on the referenced table". */
  note?: string;
}

/** Work the statement does while it holds its locks. */
/**
 * `table_and_indexes`: every row is rewritten into new files and every index rebuilt.
 * `table`: the table's files are written anew but its indexes are untouched (SET TABLESPACE
 * copies them block by block). `index`: only indexes are rebuilt, which reads the table.
 */
export type RewriteKind = 'none' | 'table' | 'table_and_indexes' | 'index';
export type ScanKind = 'none' | 'table' | 'two_table_scans';

export interface SourceRef {
  title: string;
  url: string;
}

/** Which relation a scan or rewrite reads: the target, or (for statements that name an index) its table. */
export type WorkTarget = Extract<LockTarget, 'target' | 'index_table' | 'partition' | 'default_partition' | 'partitions' | 'each_table'>;

/**
 * How to reproduce the statement on a real PostgreSQL so the verification suite can compare
 * pg_locks and relfilenode with the model. Relation names in `setup` and `statement` are the
 * ones the model's targets resolve to (`target`, `referenced_table`...).
 */
export interface Verification {
  setup: string[];
  statement: string;
  /** Relations the case names per target; a list where a target covers several (partitions). */
  relations: Partial<Record<LockTarget, string | string[]>>;
  /** Statements run after the case (objects outside the case's schema, e.g. an access method). */
  cleanup?: string[];
  /** Statements that cannot run in a transaction block are observed from a second session. */
  outsideTransaction?: boolean;
  /** Minimum server version the statement needs. */
  minVersion?: number;
  /** Last server version (exclusive) the statement runs on. */
  untilVersion?: number;
  /**
   * Session B's SQL that makes an out-of-transaction statement wait so its locks can be read
   * from session C. Default: a REPEATABLE READ transaction that reads every named table.
   */
  blocker?: string[];
  /**
   * A second blocker, started once the statement waits on the first: it makes a later phase of
   * the statement wait (DETACH ... CONCURRENTLY's second transaction) so that phase's locks show.
   */
  lateBlocker?: string[];
  /**
   * The statement gives the relation new, empty storage without rewriting rows (TRUNCATE,
   * ALTER SEQUENCE RESTART): relfilenode changes although the model says no rewrite.
   */
  newStorage?: boolean;
  /** Why the case runs only on a PostgreSQL server, not on PGlite (e.g. needs a tablespace). */
  serverOnly?: string;
  /** What the case shows, when the statement alone does not say. */
  note?: string;
}

/** One row of the lock table: a DDL/DML form and everything the rules need to know about it. */
export interface LockOperation {
  /** Stable id, e.g. `create_index`, `alter_table.add_column.volatile_default`. */
  id: string;
  /** How users write it, e.g. `CREATE INDEX`, `ALTER TABLE ... ADD COLUMN ... DEFAULT <volatile>`. */
  sql: string;
  locks: LockFact[];
  rewrite: Versioned<RewriteKind>;
  scan: Versioned<ScanKind>;
  /**
   * The relations the scan reads (default: the target, or the index's table for statements
   * that name an index). ATTACH PARTITION scans the partition and the DEFAULT partition.
   */
  scanOn?: WorkTarget[];
  /** True when the statement cannot run inside a transaction block (for that version). */
  forbiddenInTransaction?: Versioned<boolean>;
  /** Work done only briefly under the lock (catalog-only): short, but still queues behind others. */
  brief: Versioned<boolean>;
  /** Version changes worth telling the user, e.g. "PG 11+: no rewrite for non-volatile defaults". */
  versionNotes?: string[];
  /** The safer way to get the same result, in one or two sentences. */
  saferAlternative?: string;
  /**
   * Without ONLY on a partitioned table the statement recurses: every partition gets the same
   * lock as the target (ALTER TABLE column and constraint forms, TRUNCATE).
   */
  recursesToPartitions?: boolean;
  sources: SourceRef[];
  verify?: Verification[];
}

/** A relation as the statement or the catalog names it; `unresolved` when neither can tell which. */
export type LockedRelation = QualifiedName | { schema?: string; name: string; unresolved?: true };

/** A lock one statement takes, resolved for the configured version and the actual relation names. */
export interface ResolvedLock {
  relation: LockedRelation;
  on: LockTarget;
  mode: LockMode;
  note?: string;
}

/** What one statement (or one ALTER TABLE subcommand) does to the database. */
export interface StatementEffect {
  operation: LockOperation;
  /** The ALTER TABLE subcommand this effect comes from, if any. */
  action?: AlterTableAction;
  locks: ResolvedLock[];
  rewrite: RewriteKind;
  scan: ScanKind;
  brief: boolean;
  forbiddenInTransaction: boolean;
  /** The relation the rewrite or scan applies to (the target, or an index's table). */
  subject?: LockedRelation;
  /**
   * Set when the model cannot decide from the statement and the catalog, e.g. an
   * ALTER COLUMN TYPE whose old type is unknown. Says what the answer depends on.
   */
  uncertain?: string;
  /** Facts specific to this statement, e.g. "PostgreSQL 11+: the default is stored, no rewrite". */
  notes: string[];
}

export interface StatementLocks {
  statement: Statement;
  effects: StatementEffect[];
  /** Strongest lock per relation over all effects (ALTER TABLE takes the strictest of its subcommands). */
  strongest: ResolvedLock[];
}
