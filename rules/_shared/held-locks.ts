/**
 * The locks the current statement's transaction already holds: PostgreSQL keeps table locks until
 * the transaction ends, and a lock the transaction holds is not requested again (a weaker or equal
 * mode is granted at once; only a stronger one queues). Rules use this before claiming a wait or a
 * lock upgrade.
 */
import { strongerLock } from '@sqlwarden/core';
import type { LockMode, ResolvedLock, RuleContext, StatementInfo } from '@sqlwarden/core';
import { effectsOf, isUnresolved, sameName } from './lock-hygiene.ts';
import { perFile } from './per-file.ts';

/** The locks each statement takes, by statement index, filled on first use during one lint of a file. */
function lockCache(): Map<number, readonly ResolvedLock[]> {
  return new Map();
}

function locksOf(context: RuleContext<any>, info: StatementInfo): readonly ResolvedLock[] {
  const cache = perFile(context, lockCache, lockCache);
  let locks = cache.get(info.index);
  if (!locks) cache.set(info.index, (locks = info.node ? effectsOf(context, info.node).flatMap((e) => e.locks) : []));
  return locks;
}

/**
 * The strongest lock that statements of the current transaction before the current statement took
 * on `relation`, according to the lock model (ALTER TABLE, LOCK TABLE, DML...); undefined when
 * none did or the statement runs on its own. Locks on relations the model could not name are left
 * out. Each statement's locks are judged once per lint, against the catalog of the statement that
 * first asked (lock modes seldom depend on the catalog).
 */
export function heldLockOn(context: RuleContext<any>, relation: { schema?: string; name: string }): LockMode | undefined {
  const current = context.statement;
  if (!current.transaction || current.transactionId === undefined) return undefined;
  const statements = context.file.statements;
  let held: LockMode | undefined;
  // Nearest first; the statements of one transaction are contiguous but for those a migration tool
  // runs on their own (no transaction id), so the walk ends at the previous transaction.
  for (let i = current.index - 1; i >= 0; i--) {
    const info = statements[i]!;
    if (info.section !== current.section) break;
    if (info.transactionId === undefined) continue;
    if (info.transactionId !== current.transactionId) break;
    if (info.node?.type === 'Transaction') continue;
    for (const lock of locksOf(context, info)) {
      if (isUnresolved(lock.relation) || !sameName(lock.relation, relation)) continue;
      held = held ? strongerLock(held, lock.mode) : lock.mode;
    }
    if (held === 'AccessExclusive') break;
  }
  return held;
}
