import {
  Catalog,
  describeStatementLocks,
  initPostgres,
  type LockMode,
  type LockOperation,
  lockModeSql,
  postgresAdapter,
  type Statement,
  type StatementEffect,
  strongerLock,
  type Verification,
} from '../../../src/index.ts';
import { type Observation, relationNames, substitute } from './observe.ts';

export async function initParser(): Promise<void> {
  await initPostgres();
}

function parse(sql: string): Statement[] {
  const parsed = postgresAdapter.parseSegment(sql, { start: 0, end: sql.length });
  if (parsed.error) throw new Error(`does not parse: ${sql}: ${parsed.error.message}`);
  return parsed.statements;
}

/** The model's answer for a verify case: describeStatementLocks over the parsed statement, with a catalog built from the setup. */
export interface ModelExpectation {
  effect: StatementEffect;
  /** Strongest modelled lock per relation the case names (absent: no lock). */
  locks: Map<string, LockMode>;
}

/** Relation statement and setup are parsed by sqlwarden's own parser; the catalog replays the setup. */
export function modelExpectation(op: LockOperation, v: Verification, version: number, schema: string): ModelExpectation {
  const catalog = new Catalog();
  v.setup.forEach((sql, i) => {
    for (const stmt of parse(substitute(sql, schema))) catalog.apply(stmt, { file: 'setup.sql', statement: i });
  });
  const statements = parse(substitute(v.statement, schema));
  if (statements.length !== 1) throw new Error(`expected one statement in ${v.statement}`);
  const described = describeStatementLocks(statements[0]!, { postgresVersion: version, catalog });
  const effect = described.effects.find((e) => e.operation.id === op.id);
  if (!effect) {
    throw new Error(`describeStatementLocks maps "${v.statement}" to [${described.effects.map((e) => e.operation.id).join(', ')}], not to ${op.id}`);
  }
  const named = new Set(relationNames(v));
  const locks = new Map<string, LockMode>();
  for (const e of described.effects) {
    for (const lock of e.locks) {
      const rel = lock.relation;
      const fromCase = v.relations[lock.on];
      const names = 'unresolved' in rel && rel.unresolved ? (Array.isArray(fromCase) ? fromCase : fromCase ? [fromCase] : []) : [rel.name];
      for (const name of names) {
        if (!named.has(name)) continue;
        const seen = locks.get(name);
        locks.set(name, seen ? strongerLock(seen, lock.mode) : lock.mode);
      }
    }
  }
  return { effect, locks };
}

/** Statements whose table scans depend on the query plan, not on the DDL: their scan is not compared. */
const PLAN_DEPENDENT_SCANS = new Set(['insert', 'update', 'delete', 'select', 'select.for_update']);

const show = (m: LockMode | undefined): string => (m ? lockModeSql(m) : 'no lock');

/** Every way PostgreSQL disagreed with the model, as readable lines (empty: they agree). */
export function disagreements(op: LockOperation, v: Verification, model: ModelExpectation, seen: Observation, options: { scans: boolean }): string[] {
  const out: string[] = [];
  for (const name of relationNames(v)) {
    const expected = model.locks.get(name);
    const actual = seen.locks.get(name);
    if (expected !== actual) out.push(`${name}: model says ${show(expected)}, PostgreSQL took ${show(actual)}`);
  }
  for (const [table, mode] of seen.unnamedTables) out.push(`${table}: PostgreSQL took ${show(mode)} on a table the case does not name`);
  const { rewrite, scan } = model.effect;
  if (!v.newStorage && seen.tableRewritten !== undefined) {
    const tableExpected = rewrite === 'table' || rewrite === 'table_and_indexes';
    if (seen.tableRewritten !== tableExpected) out.push(`rewrite: model says ${rewrite}, but the table's relfilenode ${seen.tableRewritten ? 'changed' : 'did not change'}`);
    const indexesExpected = rewrite === 'table_and_indexes' || rewrite === 'index';
    if (!indexesExpected && seen.indexesRebuilt.length > 0) out.push(`rewrite: model says ${rewrite}, but indexes were rebuilt: ${seen.indexesRebuilt.join(', ')}`);
    if (indexesExpected && seen.indexesRebuilt.length === 0 && seen.indexesKept.length > 0) out.push(`rewrite: model says ${rewrite}, but no index was rebuilt (${seen.indexesKept.join(', ')} kept)`);
    if (rewrite === 'table_and_indexes' && seen.indexesKept.length > 0) out.push(`rewrite: model says table_and_indexes, but ${seen.indexesKept.join(', ')} kept its storage`);
  }
  if (options.scans && seen.scanned && !v.newStorage && !PLAN_DEPENDENT_SCANS.has(op.id)) {
    const first = (r: string | string[] | undefined): string[] => (Array.isArray(r) ? r : r ? [r] : []);
    const targets = op.scanOn ?? [v.relations.target ? 'target' : 'index_table'];
    // A 'table' rewrite copies the files block by block (SET TABLESPACE): no row scan shows.
    const reads = scan !== 'none' || rewrite === 'table_and_indexes' || rewrite === 'index';
    for (const target of targets) {
      for (const name of first(v.relations[target])) {
        if (seen.created.has(name) || seen.dropped.has(name) || !seen.scanned.has(name)) continue;
        const scanned = seen.scanned.get(name)!;
        if (scanned !== reads) out.push(`scan of ${name}: model says ${reads ? 'it reads the table' : 'no scan'} (scan=${scan}, rewrite=${rewrite}), PostgreSQL ${scanned ? 'scanned it' : 'did not scan it'}`);
      }
    }
  }
  return out;
}
