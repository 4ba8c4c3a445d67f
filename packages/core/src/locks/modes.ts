/**
 * PostgreSQL's table-level lock modes and their conflict matrix, from "Explicit Locking",
 * Table 13.2 "Conflicting Lock Modes" (https://www.postgresql.org/docs/current/explicit-locking.html).
 */

/** Weakest first; the order is also the strength order used to pick the strictest lock. */
export const LOCK_MODES = [
  'AccessShare',
  'RowShare',
  'RowExclusive',
  'ShareUpdateExclusive',
  'Share',
  'ShareRowExclusive',
  'Exclusive',
  'AccessExclusive',
] as const;

export type LockMode = (typeof LOCK_MODES)[number];

const CONFLICTS: Record<LockMode, readonly LockMode[]> = {
  AccessShare: ['AccessExclusive'],
  RowShare: ['Exclusive', 'AccessExclusive'],
  RowExclusive: ['Share', 'ShareRowExclusive', 'Exclusive', 'AccessExclusive'],
  ShareUpdateExclusive: ['ShareUpdateExclusive', 'Share', 'ShareRowExclusive', 'Exclusive', 'AccessExclusive'],
  Share: ['RowExclusive', 'ShareUpdateExclusive', 'ShareRowExclusive', 'Exclusive', 'AccessExclusive'],
  ShareRowExclusive: ['RowExclusive', 'ShareUpdateExclusive', 'Share', 'ShareRowExclusive', 'Exclusive', 'AccessExclusive'],
  Exclusive: ['RowShare', 'RowExclusive', 'ShareUpdateExclusive', 'Share', 'ShareRowExclusive', 'Exclusive', 'AccessExclusive'],
  AccessExclusive: [...LOCK_MODES],
};

export function conflicts(requested: LockMode, held: LockMode): boolean {
  return CONFLICTS[requested].includes(held);
}

/**
 * Whether a transaction that already holds `held` on a relation is granted `requested` on it
 * without waiting: every mode `requested` conflicts with conflicts with a held mode too, so no
 * other transaction can hold one (a lock it holds was granted alongside ours). Strength order is
 * not enough: holding SHARE does not cover SHARE UPDATE EXCLUSIVE, which another SHARE blocks.
 * Checked on PostgreSQL 15 (VERIFICATION.md, "Locks a transaction already holds").
 */
export function coveredByHeld(requested: LockMode, held: readonly LockMode[]): boolean {
  return CONFLICTS[requested].every((mode) => held.some((h) => CONFLICTS[h].includes(mode)));
}

export function strongerLock(a: LockMode, b: LockMode): LockMode {
  return LOCK_MODES.indexOf(a) >= LOCK_MODES.indexOf(b) ? a : b;
}

export function isAtLeast(mode: LockMode, floor: LockMode): boolean {
  return LOCK_MODES.indexOf(mode) >= LOCK_MODES.indexOf(floor);
}

/** What a held lock stops other sessions from doing on that relation. */
export interface BlockedWork {
  /** Plain SELECT (ACCESS SHARE). */
  reads: boolean;
  /** INSERT / UPDATE / DELETE / MERGE (ROW EXCLUSIVE). */
  writes: boolean;
  /** Other DDL, VACUUM and ANALYZE (SHARE UPDATE EXCLUSIVE). */
  ddl: boolean;
}

export function blockedWork(mode: LockMode): BlockedWork {
  return BLOCKED_WORK.get(mode)!;
}

/** Worked out once per mode: rules ask for every lock of every statement. */
const BLOCKED_WORK = new Map<LockMode, BlockedWork>(
  LOCK_MODES.map((mode) => [mode, Object.freeze({ reads: conflicts('AccessShare', mode), writes: conflicts('RowExclusive', mode), ddl: conflicts('ShareUpdateExclusive', mode) })]),
);

/** `ACCESS EXCLUSIVE`, as the documentation and `LOCK TABLE` spell it. */
export function lockModeSql(mode: LockMode): string {
  return mode.replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase();
}

/** `AccessExclusiveLock`, as `pg_locks.mode` spells it. */
export function lockModePgLocks(mode: LockMode): string {
  return `${mode}Lock`;
}

export function lockModeFromPgLocks(text: string): LockMode | undefined {
  const name = text.replace(/Lock$/, '');
  return (LOCK_MODES as readonly string[]).includes(name) ? (name as LockMode) : undefined;
}

/** "blocks reads and writes", "blocks writes", "blocks only other DDL and VACUUM". */
export function describeBlocked(mode: LockMode): string {
  const b = blockedWork(mode);
  if (b.reads) return 'blocks reads and writes';
  if (b.writes) return 'blocks writes (reads continue)';
  if (b.ddl) return 'blocks only other DDL, VACUUM and ANALYZE (reads and writes continue)';
  return 'blocks only ACCESS EXCLUSIVE requests';
}
