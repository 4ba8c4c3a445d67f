import type { CatalogReader, CatalogTable } from '../catalog/types.ts';
import type { AlterTableAction, QualifiedName } from '../model/nodes.ts';
import type { LockMode } from './modes.ts';
import { strongerLock } from './modes.ts';
import { lockOperation } from './operations.ts';
import type { LockedRelation, LockTarget, ResolvedLock, StatementEffect } from './types.ts';
import { atVersion } from './versioned.ts';

export interface DescribeOptions {
  /** Major version of the target server, e.g. 15 or 9.6. */
  postgresVersion: number;
  /** The schema as far as the migrations seen so far show it. */
  catalog?: CatalogReader;
}

/**
 * Relations per lock target for one effect. A target that is absent gets one unresolved
 * relation (named by `unresolvedName`); an empty list means "known: none" (a table without
 * indexes or foreign keys).
 */
export type TargetRelations = Partial<Record<LockTarget, LockedRelation[]>>;

export interface EffectRequest {
  operation: string;
  relations: TargetRelations;
  /** What to call a target nobody could resolve, e.g. "every partition of pt". */
  unresolvedName?: Partial<Record<LockTarget, string>>;
  /** LOCK TABLE: the mode the statement names replaces the row's mode for these targets. */
  modeOverride?: Partial<Record<LockTarget, LockMode>>;
  action?: AlterTableAction;
  uncertain?: string;
  notes?: string[];
  /** Adds the target's lock to every partition (ALTER TABLE without ONLY on a partitioned table). */
  partitionsOf?: QualifiedName;
}

export function relationOf(name: { schema?: string; name: string }): LockedRelation {
  return name.schema ? { schema: name.schema, name: name.name } : { name: name.name };
}

export function unresolved(name: string): LockedRelation {
  return { name, unresolved: true };
}

export function displayRelation(rel: LockedRelation): string {
  if ('unresolved' in rel && rel.unresolved) return rel.name;
  return rel.schema && rel.schema !== 'public' ? `${rel.schema}.${rel.name}` : rel.name;
}

const DEFAULT_UNRESOLVED: Partial<Record<LockTarget, string>> = {
  target: 'the target relation',
  referenced_table: 'the referenced table',
  index_table: "the index's table",
  index: 'its indexes',
  partition: 'the partition',
  parent: 'the partitioned table',
  default_partition: 'the DEFAULT partition, if there is one',
  referencing_tables: 'every table that references it by foreign key',
  partitions: 'every partition',
  read_tables: 'the tables the query reads',
  each_table: 'each table in turn',
};

export class EffectBuilder {
  readonly version: number;
  readonly catalog: CatalogReader | undefined;

  constructor(options: DescribeOptions) {
    this.version = options.postgresVersion;
    this.catalog = options.catalog;
  }

  table(name: { schema?: string; name: string } | undefined): CatalogTable | undefined {
    return name ? this.catalog?.getTable(name) : undefined;
  }

  /** Known partitioned table that a statement without ONLY recurses into. */
  partitioned(name: { schema?: string; name: string }): boolean {
    return this.table(name)?.partitioned === true;
  }

  build(req: EffectRequest): StatementEffect {
    const op = lockOperation(req.operation);
    const v = this.version;
    const locks: ResolvedLock[] = [];
    for (const fact of op.locks) {
      const mode = req.modeOverride?.[fact.on] ?? atVersion(fact.mode, v);
      if (mode === null) continue;
      const known = req.relations[fact.on];
      const relations = known ?? [unresolved(req.unresolvedName?.[fact.on] ?? DEFAULT_UNRESOLVED[fact.on] ?? fact.on)];
      for (const relation of relations) locks.push(fact.note ? { relation, on: fact.on, mode, note: fact.note } : { relation, on: fact.on, mode });
    }
    if (req.partitionsOf && op.recursesToPartitions && this.partitioned(req.partitionsOf)) {
      const targetMode = locks.filter((l) => l.on === 'target').reduce<LockMode | undefined>((m, l) => (m ? strongerLock(m, l.mode) : l.mode), undefined);
      if (targetMode) locks.push({ relation: unresolved(`every partition of ${displayRelation(relationOf(req.partitionsOf))}`), on: 'partitions', mode: targetMode });
    }
    const subjectTarget = op.scanOn?.[0] ?? (req.relations.target ? 'target' : req.relations.index_table ? 'index_table' : 'target');
    const subject = req.relations[subjectTarget]?.[0] ?? locks.find((l) => l.on === subjectTarget)?.relation;
    const effect: StatementEffect = {
      operation: op,
      locks,
      rewrite: atVersion(op.rewrite, v),
      scan: atVersion(op.scan, v),
      brief: atVersion(op.brief, v),
      forbiddenInTransaction: op.forbiddenInTransaction === undefined ? false : atVersion(op.forbiddenInTransaction, v),
      notes: req.notes ?? [],
    };
    if (req.action) effect.action = req.action;
    if (subject) effect.subject = subject;
    if (req.uncertain) effect.uncertain = req.uncertain;
    return effect;
  }
}

/** Strongest lock per relation; unresolved relations stay separate by their description. */
export function strongestLocks(effects: StatementEffect[]): ResolvedLock[] {
  const byKey = new Map<string, ResolvedLock>();
  for (const effect of effects) {
    for (const lock of effect.locks) {
      const rel = lock.relation;
      const key = 'unresolved' in rel && rel.unresolved ? `?${lock.on}:${rel.name}` : `${(rel.schema ?? '').toLowerCase()}.${rel.name.toLowerCase()}`;
      const seen = byKey.get(key);
      if (!seen || strongerLock(seen.mode, lock.mode) !== seen.mode) byKey.set(key, lock);
    }
  }
  return [...byKey.values()];
}
