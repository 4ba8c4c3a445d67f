import type { CatalogTable } from '../catalog/types.ts';
import type { Cte, Node, QualifiedName, Statement, TableRef } from '../model/nodes.ts';
import { findAll } from '../model/walk.ts';
import { alterTableEffects } from './describe-alter.ts';
import { type DescribeOptions, displayRelation, EffectBuilder, relationOf, strongestLocks, unresolved } from './effects.ts';
import type { LockedRelation, StatementEffect, StatementLocks } from './types.ts';

export type { DescribeOptions };

/**
 * What one statement locks, rewrites and scans on the configured server version: the rows of
 * the lock table (LOCK_OPERATIONS) that apply to it, with relation names resolved from the
 * statement and the catalog, and the strongest lock per relation.
 */
export function describeStatementLocks(statement: Statement, options: DescribeOptions): StatementLocks {
  const state = options.catalog ? options.catalog.state : WITHOUT_CATALOG;
  if (!state) return describeUncached(statement, options);
  // Only frozen statements (the engine's cached parses) outlive a run, so only they are worth keeping answers for.
  if (!Object.isFrozen(statement)) return recentAnswer(statement, state, options);
  let known = answers.get(statement);
  if (!known) answers.set(statement, (known = []));
  for (let i = 0; i < known.length; i++) {
    const answer = known[i]!;
    if (answer.state === state && answer.version === options.postgresVersion) return answer.locks;
  }
  const locks = freezeLocks(describeUncached(statement, options));
  known.unshift({ state, version: options.postgresVersion, locks });
  if (known.length > ANSWERS_PER_STATEMENT) known.length = ANSWERS_PER_STATEMENT;
  return locks;
}

/**
 * The answers for frozen statements by catalog state and version: the language server asks
 * about every statement of a file on each keystroke, and an edit leaves most statements and the
 * catalog before them as they were. Answers are frozen, since every later caller shares them.
 */
const answers = new WeakMap<Statement, Array<{ state: object; version: number; locks: StatementLocks }>>();
const ANSWERS_PER_STATEMENT = 4;
const WITHOUT_CATALOG = {};

/**
 * The last answers for statements that are not frozen (a one-shot lint parses without the cache):
 * several rules ask about the statement they visit, against the same catalog. A few entries
 * only, so that at most that many statements stay alive after a run because of them.
 */
const recent: Array<{ statement: Statement; state: object; version: number; locks: StatementLocks }> = [];
const RECENT_ANSWERS = 8;
let nextRecent = 0;

function recentAnswer(statement: Statement, state: object, options: DescribeOptions): StatementLocks {
  for (let i = 0; i < recent.length; i++) {
    const answer = recent[i]!;
    if (answer.statement === statement && answer.state === state && answer.version === options.postgresVersion) return answer.locks;
  }
  const locks = freezeLocks(describeUncached(statement, options));
  recent[nextRecent] = { statement, state, version: options.postgresVersion, locks };
  nextRecent = (nextRecent + 1) % RECENT_ANSWERS;
  return locks;
}

function describeUncached(statement: Statement, options: DescribeOptions): StatementLocks {
  const b = new EffectBuilder(options);
  const effects = statementEffects(b, statement);
  return { statement, effects, strongest: strongestLocks(effects) };
}

/** Freezes what a caller could change by mistake: the answer, its lists, effects and locks (the statement is frozen already). */
function freezeLocks(locks: StatementLocks): StatementLocks {
  for (const effect of locks.effects) {
    for (const lock of effect.locks) Object.freeze(lock);
    Object.freeze(effect.locks);
    Object.freeze(effect.notes);
    Object.freeze(effect);
  }
  for (const lock of locks.strongest) Object.freeze(lock);
  Object.freeze(locks.effects);
  Object.freeze(locks.strongest);
  return Object.freeze(locks);
}

function statementEffects(b: EffectBuilder, stmt: Statement): StatementEffect[] {
  switch (stmt.type) {
    case 'CreateIndex': {
      const target = relationOf(stmt.table);
      if (stmt.concurrently) {
        const notes = b.partitioned(stmt.table) ? ['CREATE INDEX CONCURRENTLY is not supported on partitioned tables: the statement fails.'] : [];
        return [b.build({ operation: 'create_index.concurrently', relations: { target: [target] }, notes })];
      }
      if (b.partitioned(stmt.table)) {
        return [
          b.build({
            operation: stmt.only ? 'create_index.only' : 'create_index.partitioned',
            relations: { target: [target] },
            unresolvedName: { partitions: `every partition of ${displayRelation(target)}` },
          }),
        ];
      }
      return [b.build({ operation: 'create_index', relations: { target: [target] } })];
    }
    case 'Drop':
      return dropEffects(b, stmt);
    case 'Truncate':
      return stmt.tables.map((t) =>
        b.build({
          operation: stmt.cascade ? 'truncate.cascade' : 'truncate',
          relations: { target: [relationOf(t)] },
          unresolvedName: { referencing_tables: `every table that references ${displayRelation(relationOf(t))} by foreign key` },
          partitionsOf: t,
          notes: stmt.restartIdentity ? ['RESTART IDENTITY also resets the sequences the table owns.'] : [],
        }),
      );
    case 'Reindex':
      return reindexEffects(b, stmt);
    case 'AlterTable':
      return alterTableEffects(b, stmt);
    case 'CreateTable':
      return createTableEffects(b, stmt);
    case 'CreateView': {
      const notes = stmt.materialized ? ['CREATE MATERIALIZED VIEW runs its query and stores the result.'] : [];
      return [b.build({ operation: 'create_view', relations: { target: [relationOf(stmt.name)], read_tables: readTables(stmt.query) }, notes })];
    }
    case 'Vacuum': {
      const operation = !stmt.vacuum ? 'analyze' : stmt.full ? 'vacuum.full' : 'vacuum';
      if (stmt.tables.length === 0) {
        return [b.build({ operation, relations: {}, unresolvedName: { target: 'every table in the database, one at a time' } })];
      }
      return stmt.tables.map((t) => b.build({ operation, relations: { target: [relationOf(t)] } }));
    }
    case 'Cluster':
      if (!stmt.table) return [b.build({ operation: 'cluster.all', relations: {}, unresolvedName: { each_table: 'every table clustered before, one at a time' } })];
      return [b.build({ operation: 'cluster', relations: { target: [relationOf(stmt.table)] } })];
    case 'Repack':
      return [repackEffect(b, stmt)];
    case 'RefreshMaterializedView':
      return [
        b.build({
          operation: stmt.concurrently ? 'refresh_materialized_view.concurrently' : 'refresh_materialized_view',
          relations: { target: [relationOf(stmt.name)] },
          unresolvedName: { read_tables: `the tables ${displayRelation(relationOf(stmt.name))} reads` },
        }),
      ];
    case 'AlterEnum':
      return [b.build({ operation: stmt.action === 'add_value' ? 'alter_type.add_value' : 'alter_type.rename_value', relations: {} })];
    case 'AlterSequence':
      return [b.build({ operation: 'alter_sequence', relations: { target: [relationOf(stmt.name)] } })];
    case 'CreateTrigger':
      return [b.build({ operation: 'create_trigger', relations: { target: [relationOf(stmt.table)] } })];
    case 'LockTable':
      return stmt.tables.map((t) => b.build({ operation: 'lock_table', relations: { target: [relationOf(t)] }, modeOverride: { target: stmt.mode } }));
    case 'Insert': {
      const target = relationOf(stmt.table);
      return [
        b.build({
          operation: 'insert',
          relations: { target: [target], referenced_table: referencedByForeignKeys(b.table(stmt.table), displayRelation(target)), read_tables: readTables(stmt, stmt.table) },
        }),
      ];
    }
    case 'Update': {
      const target = relationOf(stmt.table);
      const columns = new Set(stmt.set.map((a) => a.column));
      return [
        b.build({
          operation: 'update',
          relations: {
            target: [target],
            referenced_table: referencedByForeignKeys(b.table(stmt.table), displayRelation(target), columns),
            read_tables: readTables(stmt, stmt.table),
          },
        }),
      ];
    }
    case 'Delete':
      return [b.build({ operation: 'delete', relations: { target: [relationOf(stmt.table)], read_tables: readTables(stmt, stmt.table) } })];
    case 'Select':
      return [b.build({ operation: stmt.locking.length > 0 ? 'select.for_update' : 'select', relations: { read_tables: readTables(stmt) } })];
  }
  return [];
}

function repackEffect(b: EffectBuilder, stmt: Extract<Statement, { type: 'Repack' }>): StatementEffect {
  if (!stmt.table) {
    const scope = stmt.usingIndex ? 'every table with a clustering index, one at a time' : 'every table in the database, one at a time';
    const notes = stmt.concurrently ? ['REPACK (CONCURRENTLY) needs a table name: PostgreSQL rejects it without one.'] : [];
    return b.build({ operation: 'repack.all', relations: {}, unresolvedName: { each_table: scope }, notes });
  }
  const target = relationOf(stmt.table);
  const partitioned = b.partitioned(stmt.table);
  if (stmt.concurrently) {
    const notes = partitioned ? ['REPACK (CONCURRENTLY) is not supported on partitioned tables: the statement fails; repack each partition.'] : [];
    return b.build({ operation: 'repack.concurrently', relations: { target: [target] }, notes });
  }
  const effect = b.build({ operation: 'repack', relations: { target: [target] } });
  // A partitioned table is repacked one partition per transaction, which a transaction block forbids.
  if (partitioned) return { ...effect, forbiddenInTransaction: true, notes: ['REPACK of a partitioned table repacks each partition in its own transaction: it cannot run inside a transaction block.'] };
  return effect;
}

function dropEffects(b: EffectBuilder, stmt: Extract<Statement, { type: 'Drop' }>): StatementEffect[] {
  switch (stmt.objectKind) {
    case 'index':
      return stmt.names.map((name) => {
        const owner = b.catalog?.tableOfIndex(name);
        return b.build({
          operation: stmt.concurrently ? 'drop_index.concurrently' : 'drop_index',
          relations: { index: [relationOf(name)], ...(owner ? { index_table: [relationOf(owner)] } : {}) },
          unresolvedName: { index_table: indexTableUnknown(name) },
        });
      });
    case 'table':
      return stmt.names.map((name) => {
        const rel = relationOf(name);
        return b.build({
          operation: stmt.cascade ? 'drop_table.cascade' : 'drop_table',
          relations: { target: [rel], referenced_table: referencedByForeignKeys(b.table(name), displayRelation(rel)) },
          unresolvedName: { referencing_tables: `every table that references ${displayRelation(rel)} by foreign key` },
        });
      });
    case 'view':
    case 'materialized_view':
      return stmt.names.map((name) => b.build({ operation: 'drop_view', relations: { target: [relationOf(name)] } }));
    case 'trigger':
      if (!stmt.table) return [];
      return [b.build({ operation: 'drop_trigger', relations: { target: [relationOf(stmt.table)] } })];
  }
  return [];
}

/** The table of an index no migration seen creates: named as unknown, with the index that leads to it. */
function indexTableUnknown(index: { schema?: string; name: string }): string {
  return `its table (unknown: no migration creates ${displayRelation(relationOf(index))})`;
}

function reindexEffects(b: EffectBuilder, stmt: Extract<Statement, { type: 'Reindex' }>): StatementEffect[] {
  const conc = stmt.concurrently ? '.concurrently' : '';
  if (stmt.target === 'index' && stmt.name) {
    const owner = b.catalog?.tableOfIndex(stmt.name);
    return [
      b.build({
        operation: `reindex.index${conc}`,
        relations: { index: [relationOf(stmt.name)], ...(owner ? { index_table: [relationOf(owner)] } : {}) },
        unresolvedName: { index_table: indexTableUnknown(stmt.name) },
      }),
    ];
  }
  if (stmt.target === 'table' && stmt.name) {
    const table = b.table(stmt.name);
    const indexes = table ? indexNames(table) : undefined;
    return [
      b.build({
        operation: `reindex.table${conc}`,
        relations: { target: [relationOf(stmt.name)], ...(indexes ? { index: indexes.map((name) => relationOf({ ...(stmt.name!.schema ? { schema: stmt.name!.schema } : {}), name })) } : {}) },
        unresolvedName: { index: `every index of ${displayRelation(relationOf(stmt.name))}` },
      }),
    ];
  }
  if (stmt.target === 'system') return [b.build({ operation: 'reindex.system', relations: {}, unresolvedName: { each_table: 'every system catalog, one at a time' } })];
  const scope = stmt.target === 'schema' ? `every table in schema ${stmt.name?.name ?? ''}` : 'every table in the database';
  return [b.build({ operation: `reindex.schema${conc}`, relations: {}, unresolvedName: { each_table: `${scope}, one at a time` } })];
}

function createTableEffects(b: EffectBuilder, stmt: Extract<Statement, { type: 'CreateTable' }>): StatementEffect[] {
  const target = relationOf(stmt.table);
  const effects: StatementEffect[] = [];
  const referenced = new Map<string, LockedRelation>();
  for (const c of [...stmt.constraints, ...stmt.columns.flatMap((col) => col.constraints)]) {
    if (c.kind !== 'foreign_key' || !c.references) continue;
    const rel = relationOf(c.references.table);
    // A foreign key to the table itself needs no lock on another table.
    if (rel.name === target.name && (rel.schema ?? '') === (target.schema ?? '')) continue;
    referenced.set(`${rel.schema ?? ''}.${rel.name}`, rel);
  }
  const readFromQuery = stmt.asQuery ? readTables(stmt.asQuery) : [];
  const notes = stmt.asQuery ? ['CREATE TABLE ... AS runs its query and takes ACCESS SHARE on the tables it reads.'] : [];
  if (stmt.partitionOf) {
    effects.push(
      b.build({
        operation: 'create_table.partition_of',
        relations: { target: [target], parent: [relationOf(stmt.partitionOf)] },
        unresolvedName: { default_partition: `the DEFAULT partition of ${displayRelation(relationOf(stmt.partitionOf))}, if there is one` },
      }),
    );
  }
  if (referenced.size > 0) effects.push(b.build({ operation: 'create_table.references', relations: { target: [target], referenced_table: [...referenced.values()] }, notes }));
  else if (!stmt.partitionOf) effects.push(b.build({ operation: 'create_table', relations: { target: [target] }, notes }));
  if (readFromQuery.length > 0) effects.push(b.build({ operation: 'select', relations: { read_tables: readFromQuery } }));
  return effects;
}

/**
 * Tables a foreign key of `table` references. The catalog records that a table has foreign
 * keys but not what they reference, so the relation stays unresolved; known tables without
 * foreign keys give none, unknown tables an unresolved "if any".
 */
function referencedByForeignKeys(table: CatalogTable | undefined, display: string, columns?: Set<string>): LockedRelation[] {
  if (!table) return [unresolved(`the tables ${display} references by foreign key, if any`)];
  const fks = table.constraints.filter((c) => c.kind === 'foreign_key' && (!columns || c.columns.some((col) => columns.has(col))));
  if (fks.length === 0) return [];
  return [unresolved(`the tables ${display} references by foreign key (${fks.map((c) => c.name ?? c.columns.join(', ')).join('; ')})`)];
}

/** PostgreSQL's names for indexes of constraints declared without a name. */
function indexNames(table: CatalogTable): string[] {
  return table.indexes.map((index) => {
    if (index.name) return index.name;
    const columns = index.elements.map((e) => e.column ?? 'expr');
    const pk = table.constraints.find((c) => c.kind === 'primary_key' && c.columns.join(',') === columns.join(','));
    return pk ? `${table.name}_pkey` : `${table.name}_${columns.join('_')}_key`;
  });
}

/** Tables a statement reads (FROM, JOIN, subqueries, CTEs), without the DML target and CTE names. */
function readTables(root: Node, exclude?: TableRef): LockedRelation[] {
  // One walk for both: seed-data INSERTs make trees of many thousand nodes.
  const found = findAll(root, (n): n is Cte | TableRef => n.type === 'Cte' || n.type === 'TableRef');
  const ctes = new Set<string>();
  for (const node of found) if (node.type === 'Cte') ctes.add(node.name);
  const seen = new Map<string, LockedRelation>();
  for (const ref of found) {
    if (ref.type !== 'TableRef') continue;
    if (ref === exclude) continue;
    if (!ref.schema && ctes.has(ref.name)) continue;
    const rel = relationOf(ref as { schema?: string; name: string } as QualifiedName);
    seen.set(`${rel.schema ?? ''}.${rel.name}`, rel);
  }
  return [...seen.values()];
}
