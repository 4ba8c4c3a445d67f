import { describe, expect, it } from 'vitest';
import { coveredByHeld, LOCK_MODES } from '../../src/locks/modes.ts';

// Facts checked on PostgreSQL 15 (VERIFICATION.md, "Locks a transaction already holds").
describe('coveredByHeld', () => {
  it('ACCESS EXCLUSIVE covers every mode: CREATE TRIGGER after DROP FUNCTION ... CASCADE does not wait', () => {
    for (const mode of LOCK_MODES) expect(coveredByHeld(mode, ['AccessExclusive'])).toBe(true);
  });
  it('a held SHARE lock does not cover SHARE UPDATE EXCLUSIVE (another SHARE blocks it)', () => {
    expect(coveredByHeld('ShareUpdateExclusive', ['Share'])).toBe(false);
    expect(coveredByHeld('AccessExclusive', ['Share'])).toBe(false);
  });
  it('held modes combine: SHARE and SHARE UPDATE EXCLUSIVE together cover SHARE ROW EXCLUSIVE', () => {
    expect(coveredByHeld('ShareRowExclusive', ['Share'])).toBe(false);
    expect(coveredByHeld('ShareRowExclusive', ['Share', 'ShareUpdateExclusive'])).toBe(true);
  });
  it('nothing held covers nothing', () => {
    expect(coveredByHeld('AccessShare', [])).toBe(false);
  });
});
