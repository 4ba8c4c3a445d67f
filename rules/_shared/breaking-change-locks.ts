/**
 * The lock sentence of the backward-incompatibility rules (no-drop-column, no-drop-table,
 * no-rename-column, no-rename-table, no-drop-not-null, no-truncate-cascade, no-drop-schema):
 * what the statement locks according to the lock model, what that blocks, and why a brief lock
 * still matters.
 */
import { blockedPhrase, describeStatementLocks, displayRelation, lockModeSql, strongerLock, strongestLocks } from '@sqlwarden/core';
import type { AlterTableAction, LockMode, ResolvedLock, RuleContext, Statement } from '@sqlwarden/core';

export interface LockFacts {
  /** Strongest lock per relation over the effects of the statement (or of one subcommand). */
  locks: ResolvedLock[];
  /** Catalog-only work: the locks are held only briefly once granted. */
  brief: boolean;
}

/** What the lock model says `stmt` (or its subcommand `action`) locks, for the configured version and the catalog before it. */
export function relationLocks(context: RuleContext<any>, stmt: Statement, action?: AlterTableAction): LockFacts | undefined {
  const described = describeStatementLocks(stmt, { postgresVersion: context.settings.postgresVersion, catalog: context.catalog });
  const effects = action ? described.effects.filter((e) => e.action === action) : described.effects;
  if (effects.length === 0) return undefined;
  return { locks: strongestLocks(effects), brief: effects.every((e) => e.brief) };
}

function isUnresolved(lock: ResolvedLock): boolean {
  return 'unresolved' in lock.relation && lock.relation.unresolved === true;
}

/** Tables the lock model resolved for a foreign-key target, shown as `name`; empty when it could not tell which. */
export function linkedTables(facts: LockFacts | undefined, on: 'referenced_table' | 'referencing_tables'): string[] {
  return (facts?.locks ?? []).filter((l) => l.on === on && !isUnresolved(l)).map((l) => `\`${displayRelation(l.relation)}\``);
}

export function joinAnd(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function shown(lock: ResolvedLock): string {
  return isUnresolved(lock) ? displayRelation(lock.relation) : `\`${displayRelation(lock.relation)}\``;
}

/**
 * " It takes an ACCESS EXCLUSIVE lock on `users`, which blocks reads and writes; the change itself
 * is quick, but while the lock waits for transactions already using the table, every later
 * query on it queues behind it." With a leading space, to follow a sentence; empty when the lock
 * model has no row for the statement.
 */
export function lockSentence(context: RuleContext<any>, stmt: Statement, action?: AlterTableAction): string {
  const facts = relationLocks(context, stmt, action);
  if (!facts || facts.locks.length === 0) return '';
  const byMode = new Map<LockMode, ResolvedLock[]>();
  for (const lock of facts.locks) byMode.set(lock.mode, [...(byMode.get(lock.mode) ?? []), lock]);
  const modes = [...byMode.keys()].sort((a, b) => (strongerLock(a, b) === a ? -1 : 1));
  const parts = modes.map((mode) => {
    const locks = byMode.get(mode)!;
    const plural = locks.length > 1 || locks.some(isUnresolved);
    const article = /^[AEIOU]/.test(lockModeSql(mode)) ? 'an' : 'a';
    const blocks = blockedPhrase(mode);
    // Named relations first, then the model's descriptions of sets it could not resolve.
    const named = joinAnd(locks.filter((l) => !isUnresolved(l)).map(shown));
    const described = joinAnd(locks.filter(isUnresolved).map(shown));
    const on = named && described ? `${named}, and on ${described}` : named || described;
    return `${plural ? `${lockModeSql(mode)} locks` : `${article} ${lockModeSql(mode)} lock`} on ${on}, which ${plural ? blocks.replace(/^blocks/, 'block') : blocks}`;
  });
  const several = facts.locks.length > 1 || facts.locks.some(isUnresolved);
  const tables = several ? 'those tables' : 'the table';
  const tail = facts.brief ? `; the change itself is quick, but while the lock waits for transactions already using ${tables}, every later query on ${tables} queues behind it` : ' until the transaction ends';
  return ` It takes ${parts.join('; and ')}${tail}.`;
}
