/**
 * The locks the current statement's transaction already holds: PostgreSQL keeps table locks until
 * the transaction ends, and a lock the transaction holds is not requested again (a weaker or equal
 * mode is granted at once; only a stronger one queues). Rules use this before claiming a wait or a
 * lock upgrade.
 */
import { strongerLock } from '@sqlwarden/core';
import type { LockMode, RuleContext } from '@sqlwarden/core';
import { effectsOf, isUnresolved, sameName } from './lock-hygiene.ts';
import { earlierInSameTransaction } from './transactions.ts';

/**
 * The strongest lock that statements of the current transaction before the current statement took
 * on `relation`, according to the lock model (ALTER TABLE, LOCK TABLE, DML...); undefined when
 * none did or the statement runs on its own. Locks on relations the model could not name are left
 * out. The lock model judges the earlier statements against the catalog as it is now.
 */
export function heldLockOn(context: RuleContext<any>, relation: { schema?: string; name: string }): LockMode | undefined {
  let held: LockMode | undefined;
  for (const info of earlierInSameTransaction(context)) {
    if (!info.node) continue;
    for (const effect of effectsOf(context, info.node)) {
      for (const lock of effect.locks) {
        if (isUnresolved(lock.relation) || !sameName(lock.relation, relation)) continue;
        held = held ? strongerLock(held, lock.mode) : lock.mode;
      }
    }
  }
  return held;
}
