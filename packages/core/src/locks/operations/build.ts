import type { LockMode } from '../modes.ts';
import type { LockFact, LockTarget, Versioned } from '../types.ts';

export const AS: LockMode = 'AccessShare';
export const RS: LockMode = 'RowShare';
export const RE: LockMode = 'RowExclusive';
export const SUE: LockMode = 'ShareUpdateExclusive';
export const S: LockMode = 'Share';
export const SRE: LockMode = 'ShareRowExclusive';
export const E: LockMode = 'Exclusive';
export const AE: LockMode = 'AccessExclusive';

export function lock(on: LockTarget, mode: Versioned<LockMode | null>, note?: string): LockFact {
  return note ? { on, mode, note } : { on, mode };
}
