/**
 * `sqlwarden explain`: per statement, what the lock model says it does (locks, what they block,
 * rewrite and scan, whether it may run in a transaction block), the transaction it runs in and
 * how long its locks are therefore held, and the lint findings on it. The shape below is
 * `explain --format json` (documented in packages/cli/README.md).
 */
import {
  blockedPhrase,
  blockedWork,
  describeEffect,
  describeStatement,
  displayRelation,
  lockModePgLocks,
  lockModeSql,
  type Diagnostic,
  type LintFileResult,
  type ResolvedLock,
  type RewriteKind,
  type ScanKind,
  type SourceRef,
  type StatementEffect,
  type StatementInfo,
  type StatementLocks,
} from '@sqlwarden/core';

export interface ExplainReport {
  schemaVersion: 1;
  /** The PostgreSQL version the explanation is for (config `postgresVersion` or --pg-version). */
  postgresVersion: number;
  files: ExplainFile[];
}

export interface ExplainFile {
  path: string;
  isMigration: boolean;
  /** How the file's statements are grouped into transactions (see `trace`). */
  transactionMode: 'wrapped' | 'implicit' | 'none';
  statements: ExplainStatement[];
  /** Findings outside every statement (e.g. unused suppressions in a trailing comment). */
  otherFindings: ExplainFinding[];
}

export interface ExplainLock {
  /** Schema-qualified unless in `public`; a description such as "every partition of t" when no name is known. */
  relation: string;
  /** True when the relation could not be named from the statement and the catalog. */
  unresolved: boolean;
  /** Which relation of the statement it falls on: `target`, `referenced_table`, `index_table`... */
  on: string;
  /** As LOCK TABLE spells it, e.g. `ACCESS EXCLUSIVE`. */
  mode: string;
  /** As pg_locks spells it, e.g. `AccessExclusiveLock` (compare with `trace`). */
  pgLocksMode: string;
  blocks: { reads: boolean; writes: boolean; ddl: boolean };
  /** "blocks reads and writes", ... */
  blocksText: string;
  note?: string;
}

export interface ExplainEffect {
  /** The lock-table row, e.g. `alter_table.add_column.volatile_default`. */
  operation: string;
  /** How users write it, e.g. `ALTER TABLE ... ADD COLUMN ... DEFAULT <volatile>`. */
  sql: string;
  /** One sentence: "takes ACCESS EXCLUSIVE on users (blocks reads and writes) and rewrites the table". */
  summary: string;
  locks: ExplainLock[];
  rewrite: RewriteKind;
  scan: ScanKind;
  /** Catalog-only: the lock is held only briefly (but still queues behind running queries). */
  brief: boolean;
  forbiddenInTransaction: boolean;
  /** What the answer depends on when the model cannot tell (e.g. an unknown old column type). */
  uncertain?: string;
  notes: string[];
  versionNotes: string[];
  saferAlternative?: string;
  sources: SourceRef[];
}

export interface ExplainFinding {
  ruleId: string;
  severity: 'error' | 'warning';
  /** The headline: the problem and the remedy, one line. */
  message: string;
  /** The explanation behind the headline, when the rule gives one. */
  detail?: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export interface ExplainStatement {
  /** Position among the file's statements (0-based), as in `trace`. */
  index: number;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  text: string;
  /** `down` for rollback sections (`-- +goose Down`, `-- migrate:down`). */
  section: 'up' | 'down';
  /** The model's statement type (`AlterTable`, `CreateIndex`...), or `unparsed`. */
  kind: string;
  /** False when the lock model has no entry for this kind of statement (its locks are unknown). */
  modelled: boolean;
  /** One sentence for the whole statement, or why nothing is known. */
  summary: string;
  /** Strongest lock per relation over the statement's parts. */
  locks: ExplainLock[];
  rewrite: RewriteKind;
  scan: ScanKind;
  canRunInTransaction: boolean;
  transaction: {
    /** `wrapped` (the migration tool's), `implicit` (one query string), `explicit` (the file's BEGIN), or null (autocommit). */
    kind: 'wrapped' | 'implicit' | 'explicit' | null;
    /** Statements with the same id share the transaction. */
    id: number | null;
    /** Why the statement fails there, when it cannot run in a transaction block but is in one. */
    conflict?: string;
  };
  /** Until when the locks it takes are held. */
  locksHeldUntil: {
    kind: 'statement-end' | 'transaction-end' | 'end-of-file';
    /** The statement that ends the transaction (COMMIT/ROLLBACK, or the last statement of the tool's transaction). */
    statement?: number;
    line?: number;
    description: string;
  };
  effects: ExplainEffect[];
  findings: ExplainFinding[];
}

const REWRITE_ORDER: RewriteKind[] = ['none', 'index', 'table', 'table_and_indexes'];
const SCAN_ORDER: ScanKind[] = ['none', 'table', 'two_table_scans'];
const LOCKLESS_KINDS = new Set(['Transaction', 'Set']);

function lockOf(lock: ResolvedLock): ExplainLock {
  const out: ExplainLock = {
    relation: displayRelation(lock.relation),
    unresolved: 'unresolved' in lock.relation && lock.relation.unresolved === true,
    on: lock.on,
    mode: lockModeSql(lock.mode),
    pgLocksMode: lockModePgLocks(lock.mode),
    blocks: blockedWork(lock.mode),
    blocksText: blockedPhrase(lock.mode),
  };
  if (lock.note) out.note = lock.note;
  return out;
}

function effectOf(effect: StatementEffect): ExplainEffect {
  const out: ExplainEffect = {
    operation: effect.operation.id,
    sql: effect.operation.sql,
    summary: describeEffect(effect),
    locks: effect.locks.map(lockOf),
    rewrite: effect.rewrite,
    scan: effect.scan,
    brief: effect.brief,
    forbiddenInTransaction: effect.forbiddenInTransaction,
    notes: effect.notes,
    versionNotes: effect.operation.versionNotes ?? [],
    sources: effect.operation.sources,
  };
  if (effect.uncertain) out.uncertain = effect.uncertain;
  if (effect.operation.saferAlternative) out.saferAlternative = effect.operation.saferAlternative;
  return out;
}

export function findingOf(d: Diagnostic): ExplainFinding {
  return {
    ruleId: d.ruleId,
    severity: d.severity === 2 ? 'error' : 'warning',
    message: d.message,
    ...(d.detail ? { detail: d.detail } : {}),
    line: d.line,
    column: d.column,
    endLine: d.endLine,
    endColumn: d.endColumn,
  };
}

const TRANSACTION_NAME: Record<'wrapped' | 'implicit' | 'explicit', string> = {
  wrapped: "the migration tool's transaction",
  implicit: 'the implicit transaction of the query string',
  explicit: "the file's own transaction",
};

/** Until when the statement's locks are held, from the engine's transaction assignment. */
function heldUntil(stmt: StatementInfo, all: readonly StatementInfo[], lineOf: (offset: number) => number): ExplainStatement['locksHeldUntil'] {
  if (!stmt.transaction || stmt.transactionId === undefined) {
    return { kind: 'statement-end', description: 'until the statement ends (it commits on its own)' };
  }
  const same = all.filter((s) => s.section === stmt.section && s.transactionId === stmt.transactionId && s.index >= stmt.index);
  const ender = same.find((s) => s.node?.type === 'Transaction' && (s.node.kind === 'commit' || s.node.kind === 'rollback' || s.node.kind === 'prepare'));
  if (ender) {
    const word = ender.node?.type === 'Transaction' ? ender.node.kind.toUpperCase() : 'COMMIT';
    const line = lineOf(ender.range.start);
    return { kind: 'transaction-end', statement: ender.index, line, description: `until the ${word} at line ${line}` };
  }
  const last = same[same.length - 1] ?? stmt;
  const line = lineOf(last.range.end);
  if (stmt.transaction === 'explicit') {
    return { kind: 'end-of-file', statement: last.index, line, description: 'until the connection closes: nothing in the file commits this transaction' };
  }
  const who = stmt.transaction === 'wrapped' ? "the migration tool's COMMIT" : 'the end of the query string';
  return { kind: 'transaction-end', statement: last.index, line, description: `until ${who} after line ${line}` };
}

export interface DescribedStatement {
  info: StatementInfo;
  /** Undefined for statements that did not parse. */
  locks?: StatementLocks;
}

/** Builds one file's explanation from the engine's statements, the model's descriptions and the lint result. */
export function explainFile(options: {
  path: string;
  isMigration: boolean;
  result: LintFileResult;
  described: readonly DescribedStatement[];
  lineOf: (offset: number) => { line: number; column: number };
}): ExplainFile {
  const statements = options.described.map((d) => d.info);
  const used = new Set<Diagnostic>();
  const explained = options.described.map(({ info, locks }): ExplainStatement => {
    const start = options.lineOf(info.range.start);
    const end = options.lineOf(info.range.end);
    const findings = options.result.messages.filter((m) => m.range.start >= info.range.start && m.range.start <= info.range.end && !used.has(m));
    for (const f of findings) used.add(f);
    const effects = locks?.effects ?? [];
    const kind = info.node?.type ?? 'unparsed';
    const modelled = effects.length > 0 || LOCKLESS_KINDS.has(kind);
    const forbidden = effects.filter((e) => e.forbiddenInTransaction);
    const transaction: ExplainStatement['transaction'] = { kind: info.transaction ?? null, id: info.transactionId ?? null };
    if (forbidden.length > 0 && info.transaction) {
      transaction.conflict = `${forbidden[0]!.operation.sql} cannot run inside a transaction block, but this statement runs inside ${TRANSACTION_NAME[info.transaction]}: PostgreSQL rejects it.`;
    }
    let summary: string;
    if (!info.node) summary = 'Did not parse: nothing is known about it.';
    else if (LOCKLESS_KINDS.has(kind)) summary = kind === 'Set' ? 'changes a setting; takes no table locks' : 'transaction control; takes no table locks';
    else if (!modelled) summary = `${kind === 'OtherStatement' ? 'This kind of statement' : kind} is not in the lock model: its locks are unknown.`;
    else summary = describeStatement(locks!);
    return {
      index: info.index,
      line: start.line,
      column: start.column,
      endLine: end.line,
      endColumn: end.column,
      text: info.text,
      section: info.section,
      kind: kind === 'OtherStatement' && info.node?.type === 'OtherStatement' ? info.node.kind : kind,
      modelled,
      summary,
      locks: (locks?.strongest ?? []).map(lockOf),
      rewrite: effects.reduce<RewriteKind>((m, e) => (REWRITE_ORDER.indexOf(e.rewrite) > REWRITE_ORDER.indexOf(m) ? e.rewrite : m), 'none'),
      scan: effects.reduce<ScanKind>((m, e) => (SCAN_ORDER.indexOf(e.scan) > SCAN_ORDER.indexOf(m) ? e.scan : m), 'none'),
      canRunInTransaction: forbidden.length === 0,
      transaction,
      locksHeldUntil: heldUntil(info, statements, (offset) => options.lineOf(offset).line),
      effects: effects.map(effectOf),
      findings: findings.map(findingOf),
    };
  });
  const up = statements.filter((s) => s.section === 'up');
  const transactionMode = up.some((s) => s.transaction === 'wrapped') ? 'wrapped' : up.some((s) => s.transaction === 'implicit') ? 'implicit' : 'none';
  return {
    path: options.path,
    isMigration: options.isMigration,
    transactionMode,
    statements: explained,
    otherFindings: options.result.messages.filter((m) => !used.has(m)).map(findingOf),
  };
}

