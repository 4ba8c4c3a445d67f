/**
 * Lock facts for rule messages, read from the lock model in `@sqlwarden/core` (never written
 * into a rule): which lock each relation gets, and what that lock blocks.
 */
import { blockedWork, describeStatementLocks, displayRelation, LOCK_MODES, lockModeSql } from '@sqlwarden/core';
import type { AlterTable, AlterTableAction, BlockedWork, LockMode, ResolvedLock, RuleContext, Statement, StatementEffect, StatementInfo } from '@sqlwarden/core';
import { sameTable } from './transactions.ts';

/**
 * What the lock model says `stmt` does, for the configured version and the catalog before it.
 * Several rules ask about the same statement; the lock model keeps its answers for the engine's
 * cached statements per catalog state, so asking again costs a lookup.
 */
export function statementEffects(context: RuleContext<any>, stmt: Statement): StatementEffect[] {
  return describeStatementLocks(stmt, { postgresVersion: context.settings.postgresVersion, catalog: context.catalog }).effects;
}

/** The effects of one ALTER TABLE subcommand. */
export function effectsOfAction(context: RuleContext<any>, stmt: AlterTable, action: AlterTableAction): StatementEffect[] {
  return statementEffects(context, stmt).filter((e) => e.action === action);
}

/** One lock per relation: the strongest the effects take on it. */
export function lockedRelations(effects: ReadonlyArray<{ locks: readonly ResolvedLock[] }>): ResolvedLock[] {
  const out: ResolvedLock[] = [];
  for (const lock of effects.flatMap((e) => e.locks)) {
    const same = out.findIndex((l) => relationKey(l) === relationKey(lock));
    if (same < 0) out.push(lock);
    else if (strength(lock.mode) > strength(out[same]!.mode)) out[same] = lock;
  }
  return out;
}

function strength(mode: LockMode): number {
  return LOCK_MODES.indexOf(mode);
}

/** `users` and `public.users` are one relation; the model's descriptions of unnamed ones stay apart. */
function relationKey(lock: ResolvedLock): string {
  return 'unresolved' in lock.relation && lock.relation.unresolved ? `?${lock.relation.name}` : displayRelation(lock.relation);
}

/** `users`, or the model's description of a relation it could not name ("every partition of events"). */
function relationName(lock: ResolvedLock): string {
  if ('unresolved' in lock.relation && lock.relation.unresolved) return lock.relation.name;
  return `\`${displayRelation(lock.relation)}\``;
}

/** The same, once the locks have been named: "each table in turn" instead of repeating the description. */
function blockedName(lock: ResolvedLock): string {
  if (lock.on === 'each_table') return 'each table in turn';
  if (lock.on === 'partitions') return 'every partition';
  return relationName(lock);
}

/** Locks that stand for several relations: "every partition of t", "each table", "every index of t". */
function manyRelations(lock: ResolvedLock): boolean {
  return lock.on === 'each_table' || lock.on === 'partitions' || lock.on === 'referencing_tables' || ('unresolved' in lock.relation && lock.relation.unresolved === true && /^(every|each|the tables)\b/.test(lock.relation.name));
}

/** "a, b and c"; long lists end with "and N more". */
function joinAnd(items: string[]): string {
  const unique = [...new Set(items)];
  const shown = unique.length > 4 ? [...unique.slice(0, 3), `${unique.length - 3} more`] : unique;
  if (shown.length <= 1) return shown[0] ?? '';
  return `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`;
}

/**
 * "an ACCESS EXCLUSIVE lock on `users`", "SHARE ROW EXCLUSIVE locks on `orders` and `users`",
 * "a SHARE UPDATE EXCLUSIVE lock on `orders` and a ROW SHARE lock on `users`".
 */
export function describeLocks(locks: readonly ResolvedLock[]): string {
  if (locks.length === 0) return 'no table lock';
  const byMode = new Map<LockMode, ResolvedLock[]>();
  for (const l of locks) byMode.set(l.mode, [...(byMode.get(l.mode) ?? []), l]);
  const parts = [...byMode.entries()]
    .sort((a, b) => strength(b[0]) - strength(a[0]))
    .map(([mode, ls]) => {
      const plural = ls.length > 1 || ls.some(manyRelations);
      const article = /^[AEIOU]/.test(lockModeSql(mode)) ? 'an' : 'a';
      return `${plural ? '' : `${article} `}${lockModeSql(mode)} lock${plural ? 's' : ''} on ${joinAnd(ls.map(relationName))}`;
    });
  return joinAnd(parts);
}

/**
 * What the locks block, per relation: "blocking reads and writes on `users`",
 * "blocking writes to `orders` and `users` (reads continue)", or, for locks that block neither,
 * "blocking neither reads nor writes (only other DDL and VACUUM)". An index's ACCESS EXCLUSIVE
 * lock stops the queries that would use the index.
 */
export function whatItBlocks(locks: readonly ResolvedLock[], options: { verb?: string; readsAlreadyBlocked?: ReadonlyMap<ResolvedLock, string> } = {}): string {
  const verb = options.verb ?? 'blocks';
  const groups = new Map<string, ResolvedLock[]>();
  const already: string[] = [];
  for (const l of locks) {
    const since = options.readsAlreadyBlocked?.get(l);
    if (since) already.push(since);
    // A lock the transaction already holds keeps blocking reads whatever this statement asks for.
    const b = since ? { reads: true, writes: true } : blockedWork(l.mode);
    const phrase = l.on === 'index' ? (b.reads ? 'queries that use' : b.writes ? 'writes to' : undefined) : b.reads ? 'reads and writes on' : b.writes ? 'writes to' : undefined;
    if (!phrase) continue;
    groups.set(phrase, [...(groups.get(phrase) ?? []), l]);
  }
  if (groups.size === 0) return `${verb} neither reads nor writes (only other DDL and VACUUM)`;
  // Queries that use an index are a subset of the reads an ACCESS EXCLUSIVE lock on its table stops.
  if (groups.has('reads and writes on')) groups.delete('queries that use');
  const order = ['reads and writes on', 'writes to', 'queries that use'];
  const parts = [...groups.entries()].sort((a, b) => order.indexOf(a[0]) - order.indexOf(b[0])).map(([phrase, ls]) => `${phrase} ${joinAnd(ls.map(blockedName))}`);
  const readsContinue = !groups.has('reads and writes on') && !groups.has('queries that use');
  const note = already.length ? ` (${joinAnd(already)})` : readsContinue ? ' (reads continue)' : '';
  return `${verb} ${joinAnd(parts)}${note}`;
}

/** A lock an earlier statement of the same transaction (or another subcommand of this statement) still holds. */
export interface HeldLock {
  /** The earlier statement; undefined for another subcommand of the current statement. */
  info?: StatementInfo;
  /** The ALTER TABLE subcommand that took it, if any. */
  action?: AlterTableAction;
  /** What took it, e.g. `ALTER TABLE ... ADD COLUMN` or `CREATE INDEX`. */
  what: string;
  lock: ResolvedLock;
  blocks: BlockedWork;
}

/**
 * Locks on `relations` that are already held when `action` of `stmt` runs: taken by the other
 * subcommands of `stmt`, or by the `earlier` statements of the same transaction (nearest first).
 */
export function heldLocksBefore(
  context: RuleContext<any>,
  stmt: AlterTable,
  action: AlterTableAction,
  earlier: readonly StatementInfo[],
  relations: ReadonlyArray<{ schema?: string; name: string }>,
): HeldLock[] {
  const out: HeldLock[] = [];
  const onRelations = (lock: ResolvedLock): boolean => !('unresolved' in lock.relation && lock.relation.unresolved) && relations.some((r) => sameTable(context, r, lock.relation));
  for (const effect of statementEffects(context, stmt)) {
    if (effect.action === action) continue;
    for (const lock of effect.locks) if (onRelations(lock)) out.push({ ...(effect.action ? { action: effect.action } : {}), what: `\`${effect.operation.sql}\``, lock, blocks: blockedWork(lock.mode) });
  }
  for (const info of earlier) {
    if (!info.node) continue;
    for (const effect of statementEffects(context, info.node)) {
      for (const lock of effect.locks) if (onRelations(lock)) out.push({ info, ...(effect.action ? { action: effect.action } : {}), what: `\`${effect.operation.sql}\``, lock, blocks: blockedWork(lock.mode) });
    }
  }
  return out;
}

/**
 * What the locks block, in two words for a headline: "reads and writes" when one of them blocks
 * plain reads, "writes" when they block only writes, undefined when they block neither.
 */
/** "reads and writes on" or "writes to": what the strongest of the locks blocks, for a headline ("blocks ... `t`"). */
export function blockedOn(locks: readonly ResolvedLock[]): 'reads and writes on' | 'writes to' {
  return blockedTraffic(locks) === 'reads and writes' ? 'reads and writes on' : 'writes to';
}

export function blockedTraffic(locks: readonly ResolvedLock[]): 'reads and writes' | 'writes' | undefined {
  let writes = false;
  for (const l of locks) {
    const b = blockedWork(l.mode);
    if (b.reads) return 'reads and writes';
    if (b.writes) writes = true;
  }
  return writes ? 'writes' : undefined;
}
