import { type LockMode, lockModeFromPgLocks, strongerLock, type Verification } from '../../../src/index.ts';
import type { Session } from './engines.ts';

/** What PostgreSQL did for one verify case. */
export interface Observation {
  /** Strongest relation lock the statement's session held (or waited for) per named relation. */
  locks: Map<string, LockMode>;
  /** Tables of the case's schema that were locked but are not named in the case. */
  unnamedTables: Map<string, LockMode>;
  /** relfilenode of the subject table changed. */
  tableRewritten?: boolean;
  /** Indexes of the subject table that existed before, by whether their relfilenode changed. */
  indexesRebuilt: string[];
  indexesKept: string[];
  /** Sequential scans per named relation (only for statements run inside a transaction). */
  scanned?: Map<string, boolean>;
  /** Names of relations that did not exist before the statement. */
  created: Set<string>;
  /** Names of relations gone after the statement. */
  dropped: Set<string>;
}

export function relationNames(v: Verification): string[] {
  return [...new Set(Object.values(v.relations).flatMap((r) => (Array.isArray(r) ? r : r ? [r] : [])))];
}

/** The table whose relfilenode and indexes tell whether the statement rewrote anything. */
export function subjectName(v: Verification): string | undefined {
  const first = (r: string | string[] | undefined): string | undefined => (Array.isArray(r) ? r[0] : r);
  return first(v.relations.target) ?? first(v.relations.index_table) ?? first(v.relations.each_table);
}

export function substitute(sql: string, schema: string): string {
  return sql.replaceAll('{schema}', schema).replaceAll('{tablespace}', 'sw_ts');
}

function literal(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

interface RelationState {
  oid: string;
  relfilenode: string;
  relkind: string;
}

async function relationState(session: Session, schema: string, name: string): Promise<RelationState | undefined> {
  const rows = await session.query<RelationState>(
    `SELECT c.oid::text AS oid, c.relfilenode::text AS relfilenode, c.relkind::text AS relkind FROM pg_class c WHERE c.oid = to_regclass(${literal(`${schema}.${name}`)})`,
  );
  return rows[0];
}

async function stateByOid(session: Session, oid: string): Promise<RelationState | undefined> {
  const rows = await session.query<RelationState>(`SELECT c.oid::text AS oid, c.relfilenode::text AS relfilenode, c.relkind::text AS relkind FROM pg_class c WHERE c.oid = ${oid}`);
  return rows[0];
}

async function indexFilenodes(session: Session, tableOid: string): Promise<Map<string, string>> {
  const rows = await session.query<{ name: string; relfilenode: string }>(
    `SELECT c.relname AS name, c.relfilenode::text AS relfilenode FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = ${tableOid}`,
  );
  return new Map(rows.map((r) => [r.name, r.relfilenode]));
}

async function numscans(session: Session, oids: string[]): Promise<Map<string, number>> {
  if (oids.length === 0) return new Map();
  const rows = await session.query<{ oid: string; n: string }>(
    `SELECT o::text AS oid, pg_stat_get_xact_numscans(o)::text AS n FROM unnest(ARRAY[${oids.join(',')}]::oid[]) AS o`,
  );
  return new Map(rows.map((r) => [r.oid, Number(r.n)]));
}

async function locksOf(session: Session, pidSql: string, grantedOnly: boolean): Promise<Array<{ oid: string; mode: LockMode }>> {
  const rows = await session.query<{ oid: string; mode: string }>(
    `SELECT l.relation::text AS oid, l.mode FROM pg_locks l WHERE l.locktype = 'relation' AND l.pid = ${pidSql} ` +
      `AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())${grantedOnly ? ' AND l.granted' : ''}`,
  );
  return rows.flatMap((r) => {
    const mode = lockModeFromPgLocks(r.mode);
    return mode ? [{ oid: r.oid, mode }] : [];
  });
}

async function schemaTables(session: Session, schema: string): Promise<Map<string, string>> {
  const rows = await session.query<{ oid: string; name: string }>(
    `SELECT c.oid::text AS oid, c.relname AS name FROM pg_class c WHERE c.relnamespace = to_regnamespace(${literal(schema)}) AND c.relkind IN ('r', 'p', 'm', 'v', 'f')`,
  );
  return new Map(rows.map((r) => [r.oid, r.name]));
}

export async function prepareSchema(session: Session, schema: string, v: Verification): Promise<void> {
  await session.exec(`CREATE SCHEMA ${schema}`);
  await session.exec(`SET search_path = ${schema}, public`);
  for (const sql of v.setup) await session.exec(substitute(sql, schema));
}

export async function dropSchema(session: Session, schema: string, v: Verification): Promise<void> {
  await session.exec('RESET ALL');
  await session.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await session.exec(`DROP SCHEMA IF EXISTS ${schema}_moved CASCADE`);
  for (const sql of v.cleanup ?? []) await session.exec(substitute(sql, schema));
}

interface Before {
  states: Map<string, RelationState>;
  tables: Map<string, string>;
  subject?: RelationState;
  indexes: Map<string, string>;
}

async function snapshotBefore(session: Session, schema: string, v: Verification): Promise<Before> {
  const states = new Map<string, RelationState>();
  for (const name of relationNames(v)) {
    const state = await relationState(session, schema, name);
    if (state) states.set(name, state);
  }
  const subjectKey = subjectName(v);
  const subject = subjectKey ? states.get(subjectKey) : undefined;
  return { states, tables: await schemaTables(session, schema), ...(subject ? { subject } : {}), indexes: subject ? await indexFilenodes(session, subject.oid) : new Map() };
}

async function finish(session: Session, schema: string, v: Verification, before: Before, held: Array<{ oid: string; mode: LockMode }>, observation: Observation): Promise<void> {
  const oidToName = new Map<string, string>();
  for (const [name, state] of before.states) oidToName.set(state.oid, name);
  for (const name of relationNames(v)) {
    if (before.states.has(name)) continue;
    observation.created.add(name);
    const state = await relationState(session, schema, name);
    if (state) oidToName.set(state.oid, name);
  }
  const tables = new Map([...before.tables, ...(await schemaTables(session, schema))]);
  for (const { oid, mode } of held) {
    const name = oidToName.get(oid);
    if (name) {
      const seen = observation.locks.get(name);
      observation.locks.set(name, seen ? strongerLock(seen, mode) : mode);
    } else if (tables.has(oid)) {
      const table = tables.get(oid)!;
      const seen = observation.unnamedTables.get(table);
      observation.unnamedTables.set(table, seen ? strongerLock(seen, mode) : mode);
    }
  }
  for (const [name, state] of before.states) if (!(await stateByOid(session, state.oid))) observation.dropped.add(name);
  if (before.subject) {
    const after = await stateByOid(session, before.subject.oid);
    if (after) observation.tableRewritten = after.relfilenode !== before.subject.relfilenode;
    for (const [index, filenode] of before.indexes) {
      const now = await relationState(session, schema, index);
      if (!now) continue;
      (now.relfilenode === filenode ? observation.indexesKept : observation.indexesRebuilt).push(index);
    }
  }
}

function emptyObservation(): Observation {
  return { locks: new Map(), unnamedTables: new Map(), indexesRebuilt: [], indexesKept: [], created: new Set(), dropped: new Set() };
}

/**
 * Runs `BEGIN; <statement>` on a session whose search_path points at a fresh schema, reads the
 * session's own relation locks from pg_locks, relfilenodes and scan counters, and rolls back.
 */
export async function observeInTransaction(session: Session, schema: string, v: Verification): Promise<Observation> {
  await prepareSchema(session, schema, v);
  try {
    const before = await snapshotBefore(session, schema, v);
    const observation = emptyObservation();
    await session.exec('BEGIN');
    try {
      const scanOids = [...before.states.values()].map((s) => s.oid);
      const scans0 = await numscans(session, scanOids);
      await session.exec(substitute(v.statement, schema));
      const held = await locksOf(session, 'pg_backend_pid()', true);
      const scans1 = await numscans(session, scanOids);
      observation.scanned = new Map();
      for (const [name, state] of before.states) observation.scanned.set(name, (scans1.get(state.oid) ?? 0) > (scans0.get(state.oid) ?? 0));
      await finish(session, schema, v, before, held, observation);
    } finally {
      await session.exec('ROLLBACK');
    }
    return observation;
  } finally {
    await dropSchema(session, schema, v);
  }
}

/** `BEGIN; <statement>` must fail with PostgreSQL's "cannot run inside a transaction block". */
export async function refusedInTransaction(session: Session, schema: string, v: Verification): Promise<string | undefined> {
  await prepareSchema(session, schema, v);
  try {
    await session.exec('BEGIN');
    try {
      await session.exec(substitute(v.statement, schema));
      return undefined;
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    } finally {
      await session.exec('ROLLBACK');
    }
  } finally {
    await dropSchema(session, schema, v);
  }
}

export interface ConcurrentSessions {
  runner: Session;
  blocker: Session;
  lateBlocker: Session;
  observer: Session;
}

/**
 * For statements that cannot run in a transaction block: session `blocker` holds a transaction
 * that makes the statement wait (by default a REPEATABLE READ snapshot that has read every named
 * table), the `runner` session runs the statement, and the `observer` samples pg_locks for the
 * runner's pid until it waits on a lock. Locks the runner still waits for count too: they are
 * the mode it asks for.
 */
export async function observeConcurrently(s: ConcurrentSessions, schema: string, v: Verification): Promise<Observation> {
  await prepareSchema(s.observer, schema, v);
  try {
    await s.runner.exec(`SET search_path = ${schema}, public`);
    const before = await snapshotBefore(s.observer, schema, v);
    const blocker = v.blocker ?? [
      'BEGIN ISOLATION LEVEL REPEATABLE READ',
      ...[...before.states.entries()].filter(([, st]) => ['r', 'p', 'm'].includes(st.relkind)).map(([name]) => `SELECT count(*) FROM ${schema}.${name}`),
    ];
    await s.blocker.exec(`SET search_path = ${schema}, public`);
    for (const sql of blocker) await s.blocker.exec(substitute(sql, schema));
    const [{ pid }] = (await s.runner.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')) as [{ pid: number }];
    let settled = false;
    let failure: unknown;
    const run = s.runner.exec(substitute(v.statement, schema)).then(
      () => (settled = true),
      (error) => {
        settled = true;
        failure = error;
      },
    );
    const held = new Map<string, LockMode>();
    const sample = async (): Promise<boolean> => {
      for (const { oid, mode } of await locksOf(s.observer, String(pid), false)) {
        const seen = held.get(oid);
        held.set(oid, seen ? strongerLock(seen, mode) : mode);
      }
      const [activity] = await s.observer.query<{ wait: string | null }>(`SELECT wait_event_type AS wait FROM pg_stat_activity WHERE pid = ${pid}`);
      return activity?.wait === 'Lock';
    };
    // Sample until the statement has been seen waiting a few times in a row.
    const watch = async (): Promise<void> => {
      let waits = 0;
      const deadline = Date.now() + 20_000;
      while (!settled && Date.now() < deadline) {
        waits = (await sample()) ? waits + 1 : 0;
        if (waits >= 3) return;
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    await watch();
    if (v.lateBlocker) {
      await s.lateBlocker.exec(`SET search_path = ${schema}, public`);
      for (const sql of v.lateBlocker) await s.lateBlocker.exec(substitute(sql, schema));
      await s.blocker.exec('ROLLBACK');
      // Wait until the statement waits on a relation lock of the later phase.
      const deadline = Date.now() + 20_000;
      while (!settled && Date.now() < deadline) {
        await sample();
        const waiting = await s.observer.query(`SELECT 1 FROM pg_locks WHERE pid = ${pid} AND locktype = 'relation' AND NOT granted`);
        if (waiting.length > 0) {
          await sample();
          break;
        }
        await new Promise((r) => setTimeout(r, 20));
      }
      await s.lateBlocker.exec('ROLLBACK');
    } else {
      await s.blocker.exec('ROLLBACK');
    }
    await run;
    if (failure) throw failure;
    if (held.size === 0) throw new Error('the statement finished before its locks could be observed');
    const observation = emptyObservation();
    await finish(
      s.observer,
      schema,
      v,
      before,
      [...held.entries()].map(([oid, mode]) => ({ oid, mode })),
      observation,
    );
    return observation;
  } finally {
    await s.runner.exec('RESET ALL');
    await dropSchema(s.observer, schema, v);
  }
}
