import type { LockMode } from './modes.ts';

/**
 * Table storage parameters that `ALTER TABLE ... SET/RESET ( ... )` changes under SHARE UPDATE
 * EXCLUSIVE, and the first version where that holds. Every other parameter (user_catalog_table,
 * view options, unknown names) takes ACCESS EXCLUSIVE. The lock of each parameter is the
 * `lockmode` field of its entry in reloptions.c; the versions come from the commits that lowered
 * them: autovacuum parameters 9.5 (47167b7907), fillfactor 9.6 (fcb4bfddb6), planner parameters
 * such as parallel_workers 10 (21009e4a2a); toast_tuple_target (11) and vacuum_index_cleanup /
 * vacuum_truncate (12) were added with SHARE UPDATE EXCLUSIVE.
 */
const SHARE_UPDATE_EXCLUSIVE_SINCE: ReadonlyArray<[RegExp, number]> = [
  [/^(toast\.)?autovacuum_/, 9.5],
  [/^(toast\.)?log_autovacuum_min_duration$/, 9.5],
  [/^fillfactor$/, 9.6],
  [/^parallel_workers$/, 10],
  [/^toast_tuple_target$/, 11],
  [/^(toast\.)?vacuum_index_cleanup$/, 12],
  [/^(toast\.)?vacuum_truncate$/, 12],
  [/^(toast\.)?vacuum_max_eager_freeze_failure_rate$/, 18],
];

/** Lock `SET (name = ...)` needs for one table storage parameter on a given server version. */
export function reloptionLock(name: string, version: number): LockMode {
  const hit = SHARE_UPDATE_EXCLUSIVE_SINCE.find(([pattern]) => pattern.test(name.toLowerCase()));
  return hit && version >= hit[1] ? 'ShareUpdateExclusive' : 'AccessExclusive';
}
