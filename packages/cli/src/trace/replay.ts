import { LineIndex, type Range, type StatementInfo, type TransactionKind } from '@sqlwarden/core';
import type { FileTransactionMode, ObservationMethod, TraceError, TraceFile, TraceLock, TraceReport, TraceStatement, TraceTransaction } from './report.ts';
import { StatementFailed, type RelationLock, type ServerError, type ServerNotice, type SqlSession } from './session.ts';

/** One file as the engine split it: what the replay runs, in this order. */
export interface ReplayFile {
  /** Shown in the report (relative to the working directory). */
  path: string;
  text: string;
  /** The engine's statements, with their ranges, parse trees and transaction kinds. */
  statements: readonly StatementInfo[];
  /** Ranges of the engine's syntax-error diagnostics: such statements are sent as-is (the server rejects them too). */
  syntaxErrors: readonly Range[];
  /** Files that are not replayed at all, with the reason (down migrations, non-migrations found in a directory). */
  skip?: string;
  /** The lock model's strongest locks per statement index, shown for statements whose locks cannot be observed. */
  expectedLocks?: ReadonlyMap<number, Array<{ relation: string; mode: string }>>;
}

export interface ReplayOptions {
  session: SqlSession;
  files: readonly ReplayFile[];
  configuredVersion: number;
  /** Warnings found before the replay (shown first). */
  warnings?: string[];
  /** Measures time; replaced in tests that need deterministic numbers. */
  now?: () => number;
}

interface HeldLock {
  lock: TraceLock;
  acquiredAt: number;
}

interface OpenTransaction {
  record: TraceTransaction;
  /** Time spent in this transaction so far, counting only the file's statements and BEGIN/COMMIT (never trace's own pg_locks reads). */
  elapsed: number;
  held: Map<string, HeldLock>;
  /** The engine's `transactionId` for a transaction trace opened on behalf of the tool or the query string. */
  engineId?: number;
}

const FORBIDDEN_IN_BLOCK = /cannot run inside a transaction block|cannot be executed (?:inside|within) a (?:transaction block|pipeline)/i;
/** Statements whose behaviour a surrounding transaction would change, so trace never wraps them. */
const NEVER_WRAP = /^(?:lock|declare)\b/i;

function lockKey(lock: { oid: number; mode: string }): string {
  return `${lock.oid}/${lock.mode}`;
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

/** PostgreSQL's error cursor counts characters (code points); the file is addressed in UTF-16 units. */
function codePointsToUtf16(text: string, position1: number): number {
  let i = 0;
  for (let cp = 1; cp < position1 && i < text.length; cp++) {
    const c = text.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff && i + 1 < text.length ? 2 : 1;
  }
  return i;
}

export function fileTransactionMode(statements: readonly StatementInfo[]): FileTransactionMode {
  const up = statements.filter((s) => s.section === 'up');
  if (up.some((s) => s.transaction === 'wrapped')) return 'wrapped';
  if (up.some((s) => s.transaction === 'implicit')) return 'implicit';
  return 'none';
}

function isCopyFromStdin(stmt: StatementInfo): boolean {
  const node = stmt.node;
  if (node?.type !== 'OtherStatement' || node.kind !== 'CopyStmt') return false;
  const copy = (node.raw as { CopyStmt?: { is_from?: boolean; filename?: string; is_program?: boolean } } | undefined)?.CopyStmt;
  return copy?.is_from === true && !copy.filename && !copy.is_program;
}

/**
 * Replays files in order on one session and records, per statement, the locks PostgreSQL took,
 * how long they were held and any error. Stops at the first error: later migrations depend on
 * the ones before.
 */
export async function replay(options: ReplayOptions): Promise<TraceReport> {
  const { session } = options;
  const now = options.now ?? (() => performance.now());
  const report: TraceReport = {
    schemaVersion: 1,
    target: { kind: session.kind, description: session.description, serverVersion: session.serverVersion },
    configuredVersion: options.configuredVersion,
    files: [],
    warnings: [...(options.warnings ?? [])],
    summary: { files: 0, statements: 0, statementsRun: 0, statementsNotRun: 0, statementsSkipped: 0, failed: false },
  };
  if (Number.isFinite(session.serverVersion) && Math.floor(session.serverVersion) !== Math.floor(options.configuredVersion)) {
    report.warnings.push(
      `The target runs PostgreSQL ${session.serverVersion} but the configuration targets ${options.configuredVersion} (postgresVersion / --pg-version): locks and rewrites can differ between versions.`,
    );
  }
  const state: ReplayState = { session, now, report, names: new Map(), stopped: false };
  for (const file of options.files) await replayFile(state, file);

  for (const f of report.files) {
    for (const s of f.statements) {
      if (s.status === 'ok' && s.durationMs === undefined && f.status !== 'skipped') s.status = 'not-run';
      delete (s as TimedRecord).startedAt;
    }
    if (f.status === 'not-run' && report.failure) {
      report.failure.notRun.laterFiles.push(f.path);
      report.failure.notRun.laterStatements += f.statements.length;
    }
  }
  if (report.failure) {
    const failedFile = report.files.find((f) => f.path === report.failure!.file);
    report.failure.notRun.statementsInFile = failedFile?.statements.filter((s) => s.status === 'not-run').length ?? 0;
  }
  report.summary.files = report.files.length;
  report.summary.statements = report.files.reduce((n, f) => n + f.statements.length, 0);
  report.summary.statementsNotRun = report.files.reduce((n, f) => n + f.statements.filter((s) => s.status === 'not-run').length, 0);
  report.summary.statementsSkipped = report.files.reduce((n, f) => n + f.statements.filter((s) => s.status === 'skipped').length, 0);
  return report;
}

interface ReplayState {
  session: SqlSession;
  now: () => number;
  report: TraceReport;
  /** Relation names by OID, so locks on a relation the statement dropped still get a name. */
  names: Map<number, string>;
  stopped: boolean;
}

async function replayFile(state: ReplayState, file: ReplayFile): Promise<void> {
  const { session, now, report, names } = state;
  const lines = new LineIndex(file.text);
  const up = file.statements.filter((s) => s.section === 'up');
  const traceFile: TraceFile = {
    path: file.path,
    transactionMode: fileTransactionMode(file.statements),
    status: 'ok',
    statements: up.map((stmt) => statementRecord(stmt, lines)),
    transactions: [],
    downStatements: file.statements.length - up.length,
  };
  report.files.push(traceFile);
  if (file.skip !== undefined) {
    traceFile.status = 'skipped';
    traceFile.reason = file.skip;
    for (const s of traceFile.statements) s.status = 'skipped';
    return;
  }
  if (state.stopped) {
    traceFile.status = 'not-run';
    return;
  }

  let tx: OpenTransaction | undefined;
  const open = (openedBy: TraceTransaction['openedBy'], first: number): OpenTransaction => {
    const record: TraceTransaction = { id: traceFile.transactions.length + 1, openedBy, firstStatement: first, lastStatement: first, outcome: 'open' };
    traceFile.transactions.push(record);
    return { record, elapsed: 0, held: new Map() };
  };
  const close = (t: OpenTransaction, outcome: 'committed' | 'rolled-back'): void => {
    t.record.outcome = outcome;
    t.record.durationMs = round(t.elapsed);
    for (const held of t.held.values()) held.lock.heldMs = round(t.elapsed - held.acquiredAt);
    for (const rec of traceFile.statements as TimedRecord[]) {
      if (rec.transaction === t.record.id && rec.startedAt !== undefined) rec.lockHoldMs = round(t.elapsed - rec.startedAt);
    }
    if (tx === t) tx = undefined;
  };
  /** BEGIN/COMMIT/ROLLBACK that trace sends on behalf of the migration tool or PostgreSQL's implicit block. */
  const control = async (sql: 'BEGIN' | 'COMMIT' | 'ROLLBACK', t: OpenTransaction): Promise<ServerError | undefined> => {
    const started = now();
    try {
      await session.run(sql);
    } catch (error) {
      if (!(error instanceof StatementFailed)) throw error;
      return error.error;
    } finally {
      t.elapsed += now() - started;
    }
    return undefined;
  };
  const committedSummary = (before: number): string => {
    const committed = traceFile.statements.filter((s) => s.index < before && s.status === 'ok' && s.durationMs !== undefined).length;
    return committed > 0
      ? `its ${committed} earlier statement${committed === 1 ? ' was' : 's were'} committed and stay${committed === 1 ? 's' : ''} applied: the database is left half-migrated.`
      : 'nothing before it in this file had run.';
  };
  /** Records the error; psql variables and templates the server cannot read stop the replay without counting as a failed migration. */
  const failed = (position: number, rec: TraceStatement | undefined, error: ServerError | TraceError, stmt: StatementInfo | undefined, rolledBack: string): void => {
    state.stopped = true;
    const traceErr = stmt ? traceError(error as ServerError, stmt, lines) : (error as TraceError);
    if (rec) {
      rec.status = 'error';
      rec.error = traceErr;
      const limitation = stmt ? replayLimitation(error as ServerError, stmt.text, session.kind) : undefined;
      if (limitation) {
        rec.reason = limitation;
        report.stoppedBecause = `${file.path}:${traceErr.line ?? rec.line}:${traceErr.column ?? rec.column}: ${rec.reason}. The replay stopped here.`;
        traceFile.status = 'failed';
        return;
      }
    }
    traceFile.status = 'failed';
    report.summary.failed = true;
    report.failure = {
      file: file.path,
      statement: position,
      line: traceErr.line ?? rec?.line ?? lines.lineCount,
      column: traceErr.column ?? rec?.column ?? 1,
      error: traceErr,
      rolledBack,
      notRun: { statementsInFile: 0, laterFiles: [], laterStatements: 0 },
    };
  };

  /** Engine transactions that ended (a file's COMMIT inside the tool's transaction): never reopened. */
  const ended = new Set<number>();
  /** The COMMIT with which the tool ends its transaction (a unit, or the whole file); false when it failed. */
  const commitOwned = async (t: OpenTransaction): Promise<boolean> => {
    const error = await control('COMMIT', t);
    if (t.engineId !== undefined) ended.add(t.engineId);
    if (!error) {
      close(t, 'committed');
      return true;
    }
    await session.run('ROLLBACK').catch(() => {});
    close(t, 'rolled-back');
    const traceErr: TraceError = { message: error.message, atCommit: true };
    if (error.code) traceErr.code = error.code;
    if (error.detail) traceErr.detail = error.detail;
    if (error.hint) traceErr.hint = error.hint;
    failed(-1, undefined, traceErr, undefined, `The COMMIT that ends ${t.record.openedBy === 'migration-tool' ? "the migration tool's" : 'the implicit'} transaction failed, so the whole transaction was rolled back.`);
    return false;
  };

  for (let i = 0; i < up.length && !state.stopped; i++) {
    const stmt = up[i]!;
    const rec = traceFile.statements[i]! as TimedRecord;
    const index = stmt.index;
    const node = stmt.node;
    const kind = node?.type === 'Transaction' ? node.kind : undefined;

    if (!node && !file.syntaxErrors.some((r) => r.start < stmt.range.end && r.end > stmt.range.start)) {
      // The parser skipped it (psql variables standing for SQL text) rather than reject it.
      rec.status = 'skipped';
      rec.reason = 'psql fills variables into this statement before the server sees it; trace cannot know their values';
      report.stoppedBecause = `${file.path}:${rec.line}:${rec.column}: ${rec.reason}. The replay stopped here (later statements may depend on it).`;
      state.stopped = true;
      break;
    }
    // What is sent: the statement's text, or for COPY ... FROM stdin the data rows that follow it.
    let sql: Sendable = stmt.text;
    if (isCopyFromStdin(stmt)) {
      const data = session.copyFromStdin ? copyDataAfter(file.text, stmt.range.end) : undefined;
      if (data === undefined) {
        rec.status = 'skipped';
        rec.reason = `COPY ... FROM stdin: ${session.copyFromStdin ? 'its data rows were not found' : 'this target takes no COPY data'}, so the rows are not loaded`;
        report.warnings.push(`${file.path}:${rec.line}:${rec.column}: ${rec.reason}; later statements that depend on them (NOT NULL, unique and check constraints) may behave differently.`);
        continue;
      }
      sql = { sql: stmt.text, data };
    }
    // Transaction boundaries of the tool and of multi-statement query strings, as the engine
    // assigned them (`transactionId`): a unit, a standalone statement or a new implicit block
    // ends the transaction trace opened for the previous one.
    // (-1 stands for "the file's one transaction" should an engine not number them.)
    const engineId = stmt.transaction ? (stmt.transactionId ?? -1) : undefined;
    if (tx && tx.engineId !== undefined && kind !== 'begin' && engineId !== tx.engineId) {
      if (!(await commitOwned(tx))) break;
    }
    const owned = stmt.transaction === 'wrapped' ? 'migration-tool' : stmt.transaction === 'implicit' ? 'implicit' : undefined;
    if (!tx && owned && engineId !== undefined && !ended.has(engineId) && (kind !== 'begin' || owned === 'migration-tool')) {
      tx = open(owned, index);
      tx.engineId = engineId;
      const error = await control('BEGIN', tx);
      if (error) throw new Error(`BEGIN failed: ${error.message}`);
    }
    if (node && /\bdrop\b/i.test(stmt.text)) {
      for (const r of await session.relationNames()) names.set(r.oid, r.relation);
    }

    if (tx) {
      // Inside a transaction block: locks stay until COMMIT, so pg_locks shows them after the statement.
      const t = tx;
      rec.transaction = t.record.id;
      t.record.lastStatement = index;
      rec.observation = kind ? 'unobserved' : 'in-transaction';
      rec.startedAt = t.elapsed;
      const outcome = await runTimed(session, sql, now);
      t.elapsed += outcome.took;
      rec.durationMs = round(outcome.took);
      rec.notices = outcome.notices;
      report.summary.statementsRun++;
      if (outcome.error) {
        await control('ROLLBACK', t);
        close(t, 'rolled-back');
        const earlier = traceFile.statements.filter((s) => s.transaction === t.record.id && s.index < index).length;
        failed(
          index,
          rec,
          outcome.error,
          stmt,
          `${t.record.openedBy === 'migration-tool' ? "The migration tool's transaction" : t.record.openedBy === 'implicit' ? 'The implicit transaction' : 'The transaction'} was rolled back${
            earlier > 0 ? ` with the ${earlier} statement${earlier === 1 ? '' : 's'} before it` : ''
          }: none of them took effect.${committedBefore(traceFile, t.record.firstStatement)}`,
        );
        break;
      }
      if (kind === 'commit' || kind === 'rollback' || kind === 'prepare') {
        // The file's COMMIT (or ROLLBACK) ends whichever block is open, the tool's included.
        if (t.engineId !== undefined) ended.add(t.engineId);
        close(t, kind === 'commit' ? 'committed' : 'rolled-back');
        continue;
      }
      if (!kind || kind === 'rollback_to') await observeInTransaction(session, t, rec, index, names);
      continue;
    }

    // Autocommit.
    rec.transaction = null;
    if (kind || !node || NEVER_WRAP.test(stmt.text)) {
      rec.observation = 'unobserved';
      if (!kind && node) rec.observationNote = "Run as-is: inside a transaction of trace's own it would behave differently, so its locks were not read.";
      const outcome = await runTimed(session, sql, now);
      rec.durationMs = round(outcome.took);
      rec.lockHoldMs = rec.durationMs;
      rec.notices = outcome.notices;
      report.summary.statementsRun++;
      if (outcome.error) {
        failed(index, rec, outcome.error, stmt, `The file runs without a transaction: ${committedSummary(index)}`);
        break;
      }
      if (kind === 'begin') {
        tx = open('file', index);
        rec.transaction = tx.record.id;
        rec.startedAt = 0;
        tx.elapsed = outcome.took;
      }
      continue;
    }

    // A statement of its own: trace wraps it in BEGIN ... COMMIT to read pg_locks before the
    // commit releases them. The locks are the ones autocommit takes; the commit counts in its time.
    rec.observation = 'own-transaction';
    await session.run('BEGIN');
    const outcome = await runTimed(session, sql, now);
    report.summary.statementsRun++;
    if (outcome.error && (FORBIDDEN_IN_BLOCK.test(outcome.error.message) || outcome.error.code === '2D000')) {
      // CONCURRENTLY, VACUUM, procedures that COMMIT...: PostgreSQL refuses them in a block, so
      // they run exactly as written, and their locks are gone by the time they return.
      await session.run('ROLLBACK');
      const outside = await runOutsideTransaction(session, sql, now);
      rec.observation = outside.observation;
      rec.observationNote = outside.note;
      const expected = file.expectedLocks?.get(index);
      if (outside.observation === 'not-observable' && expected) rec.expectedLocks = expected;
      rec.durationMs = round(outside.outcome.took);
      rec.lockHoldMs = rec.durationMs;
      rec.notices = outside.outcome.notices;
      for (const lock of outside.locks) rec.locks.push(traceLock(lock, index, names, rec.durationMs));
      if (outside.outcome.error) {
        failed(index, rec, outside.outcome.error, stmt, `The statement ran outside any transaction: ${committedSummary(index)}`);
        break;
      }
      continue;
    }
    rec.notices = outcome.notices;
    if (outcome.error) {
      await session.run('ROLLBACK');
      rec.durationMs = round(outcome.took);
      rec.lockHoldMs = rec.durationMs;
      failed(index, rec, outcome.error, stmt, `The file runs without a transaction: ${committedSummary(index)}`);
      break;
    }
    const locks = await session.ownLocks();
    const commit = await runTimed(session, 'COMMIT', now);
    rec.notices.push(...commit.notices);
    rec.durationMs = round(outcome.took + commit.took);
    rec.lockHoldMs = rec.durationMs;
    for (const lock of locks) rec.locks.push(traceLock(lock, index, names, rec.durationMs));
    if (commit.error) {
      const { position: _position, ...withoutPosition } = commit.error;
      failed(index, rec, withoutPosition, stmt, `Its own commit failed: ${committedSummary(index)}`);
      rec.error!.atCommit = true;
      break;
    }
  }

  if (state.stopped) {
    if (tx) {
      await control('ROLLBACK', tx);
      close(tx, 'rolled-back');
    }
    return;
  }
  if (tx) {
    const t = tx;
    if (t.record.openedBy === 'file') {
      // psql and migration tools roll back a transaction that the file leaves open when they disconnect.
      await control('ROLLBACK', t);
      close(t, 'rolled-back');
      const first = traceFile.statements.find((s) => s.index === t.record.firstStatement)!;
      failed(
        t.record.firstStatement,
        undefined,
        { message: `The file ends inside the transaction its BEGIN at line ${first.line} opened: nothing commits it, so its changes are rolled back when the connection closes.`, line: first.line, column: first.column },
        undefined,
        'The open transaction was rolled back.',
      );
      return;
    }
    await commitOwned(t);
  }
}

/** A statement record plus the clock reading at its start, used while its transaction is open. */
type TimedRecord = TraceStatement & { startedAt?: number };

function statementRecord(stmt: StatementInfo, lines: LineIndex): TraceStatement {
  const start = lines.positionAt(stmt.range.start);
  const end = lines.positionAt(stmt.range.end);
  const rec: TraceStatement = {
    index: stmt.index,
    line: start.line,
    column: start.column,
    endLine: end.line,
    endColumn: end.column,
    text: stmt.text,
    status: 'ok',
    transaction: null,
    locks: [],
    observation: 'unobserved',
    notices: [],
  };
  if (stmt.transaction) rec.engineTransaction = stmt.transaction as TransactionKind;
  return rec;
}

function committedBefore(file: TraceFile, firstOfTransaction: number): string {
  const committed = file.statements.filter((s) => s.index < firstOfTransaction && s.durationMs !== undefined && s.status === 'ok').length;
  return committed > 0 ? ` The file's ${committed} statement${committed === 1 ? '' : 's'} before that transaction ${committed === 1 ? 'was' : 'were'} committed and stay${committed === 1 ? 's' : ''} applied: the database is left half-migrated.` : '';
}

/** A statement's text, or a COPY with the data it reads. */
type Sendable = string | { sql: string; data: string };

async function runTimed(session: SqlSession, sql: Sendable, now: () => number): Promise<{ took: number; notices: ServerNotice[]; error?: ServerError }> {
  const started = now();
  try {
    const { notices } = typeof sql === 'string' ? await session.run(sql) : await session.copyFromStdin!(sql.sql, sql.data);
    return { took: now() - started, notices };
  } catch (error) {
    if (!(error instanceof StatementFailed)) throw error;
    return { took: now() - started, notices: [], error: error.error };
  }
}

async function runOutsideTransaction(
  session: SqlSession,
  sql: Sendable,
  now: () => number,
): Promise<{ outcome: Awaited<ReturnType<typeof runTimed>>; observation: ObservationMethod; note: string; locks: RelationLock[] }> {
  if (!session.observer) {
    const outcome = await runTimed(session, sql, now);
    return {
      outcome,
      observation: 'not-observable',
      note: 'PostgreSQL refuses this statement inside a transaction block, so it ran on its own and released its locks before returning; PGlite has a single connection, so no second session could watch them. Use --database-url to sample them, or see `sqlwarden explain`.',
      locks: [],
    };
  }
  const observer = await session.observer();
  try {
    const running = runTimed(session, sql, now);
    const { locks, samples } = await observer.sampleWhile(running);
    const outcome = await running;
    return {
      outcome,
      observation: 'sampled',
      note: `PostgreSQL refuses this statement inside a transaction block, so it ran on its own while a second connection sampled its pg_locks rows (${samples} sample${samples === 1 ? '' : 's'}); locks held only between samples can be missed.`,
      locks,
    };
  } finally {
    await observer.close();
  }
}

async function observeInTransaction(session: SqlSession, tx: OpenTransaction, rec: TimedRecord, index: number, names: Map<number, string>): Promise<void> {
  const current = await session.ownLocks();
  const seen = new Set<string>();
  for (const lock of current) {
    const key = lockKey(lock);
    seen.add(key);
    let held = tx.held.get(key);
    if (!held) {
      held = { lock: traceLock(lock, index, names), acquiredAt: rec.startedAt ?? tx.elapsed };
      tx.held.set(key, held);
    }
    rec.locks.push(held.lock);
  }
  // ROLLBACK TO SAVEPOINT releases the locks taken after the savepoint.
  for (const [key, held] of tx.held) {
    if (!seen.has(key)) {
      held.lock.heldMs = round(tx.elapsed - held.acquiredAt);
      tx.held.delete(key);
    }
  }
}

function traceLock(lock: RelationLock, index: number, names: Map<number, string>, heldMs?: number): TraceLock {
  const numeric = /^\d+$/.test(lock.relation);
  if (!numeric) names.set(lock.oid, lock.relation);
  const relation = numeric ? (names.get(lock.oid) ?? `oid ${lock.oid}`) : lock.relation;
  const out: TraceLock = { relation, oid: lock.oid, mode: lock.mode, granted: lock.granted, acquiredBy: index };
  if (heldMs !== undefined) out.heldMs = heldMs;
  return out;
}

function traceError(error: ServerError, stmt: StatementInfo, lines: LineIndex): TraceError {
  const out: TraceError = { message: error.message };
  if (error.code) out.code = error.code;
  if (error.detail) out.detail = error.detail;
  if (error.hint) out.hint = error.hint;
  if (error.where) out.where = error.where;
  if (error.position !== undefined) {
    const at = lines.positionAt(stmt.range.start + codePointsToUtf16(stmt.text, error.position));
    out.line = at.line;
    out.column = at.column;
  }
  return out;
}

/**
 * psql's COPY ... FROM stdin data: the lines after the statement's line, up to a line `\.`
 * (or the end of the file). Undefined when the statement has no terminating `;`.
 */
export function copyDataAfter(text: string, statementEnd: number): string | undefined {
  let i = statementEnd;
  while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
  if (text[i] !== ';') return undefined;
  const lineEnd = text.indexOf('\n', i);
  if (lineEnd < 0) return '';
  const start = lineEnd + 1;
  const end = /^\\\.\r?$/m.exec(text.slice(start));
  return end ? text.slice(start, start + end.index) : text.slice(start);
}

/** Errors that say more about the replay than about the migration: trace stops (exit 2) without blaming the file. */
function replayLimitation(error: ServerError, text: string, target: SqlSession['kind']): string | undefined {
  if (isInterpolationError(error, text)) {
    return 'the statement holds a psql variable or template placeholder that is filled in before the server sees it; trace cannot know its value';
  }
  const extension = /^extension "([^"]+)" is not available/.exec(error.message);
  if (target === 'pglite' && error.code === '0A000' && extension) {
    return `PGlite does not ship the extension "${extension[1]}"; trace these migrations with --database-url against a server that has it`;
  }
  return undefined;
}

/** A syntax error at a psql variable (`:name`, `:'name'`) or a template placeholder (`{{`, `{%`, `${`). */
function isInterpolationError(error: ServerError, text: string): boolean {
  if (error.code !== '42601' || error.position === undefined) return false;
  const at = codePointsToUtf16(text, error.position);
  return /^:['"]?[A-Za-z_]/.test(text.slice(at, at + 3)) || /^(?:\{\{|\{%|\$\{)/.test(text.slice(at, at + 2)) || /^\{\{|^\{%/.test(text.slice(Math.max(0, at - 1), at + 1));
}
