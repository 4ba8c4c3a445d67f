import { COLUMN_OPERATIONS } from './operations/columns.ts';
import { CONSTRAINT_OPERATIONS } from './operations/constraints.ts';
import { INDEX_OPERATIONS } from './operations/indexes.ts';
import { OTHER_OPERATIONS } from './operations/other.ts';
import { PARTITION_OPERATIONS } from './operations/partitions.ts';
import { TABLE_OPERATIONS } from './operations/tables.ts';
import type { LockOperation } from './types.ts';

/**
 * The lock table: every DDL/DML form the rules, hover text and `explain` talk about, with the
 * locks it takes per relation, the work it does under them, and the versions where that changes.
 * Each row's `verify` cases run on PGlite and on a PostgreSQL server in packages/core/test/locks.
 */
export const LOCK_OPERATIONS: readonly LockOperation[] = [
  ...INDEX_OPERATIONS,
  ...COLUMN_OPERATIONS,
  ...CONSTRAINT_OPERATIONS,
  ...TABLE_OPERATIONS,
  ...PARTITION_OPERATIONS,
  ...OTHER_OPERATIONS,
];

const BY_ID = new Map(LOCK_OPERATIONS.map((op) => [op.id, op]));

export function lockOperation(id: string): LockOperation {
  const op = BY_ID.get(id);
  if (!op) throw new Error(`Unknown lock operation ${id}`);
  return op;
}
