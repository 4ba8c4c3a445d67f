import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { atVersion, LOCK_OPERATIONS, type LockTarget, NON_VOLATILE_FUNCTIONS, VOLATILE_FUNCTIONS } from '../../src/index.ts';

/** Operations that have no verify case, and why (reported in VERIFICATION.md). */
const UNVERIFIED: Record<string, string> = {
  'reindex.system': 'rebuilds the catalogs of the whole server; blocking it for observation would block the observer too',
};

describe('the lock table', () => {
  it('has unique ids, sources and a verify case for every row but the documented exceptions', () => {
    const ids = LOCK_OPERATIONS.map((op) => op.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const op of LOCK_OPERATIONS) {
      expect(op.sources.length, op.id).toBeGreaterThan(0);
      for (const s of op.sources) expect(s.url, op.id).toMatch(/^https:\/\//);
      if (!op.verify?.length) expect(UNVERIFIED[op.id], `${op.id} has no verify case`).toBeDefined();
    }
  });

  it('names a relation for every lock target in at least one verify case', () => {
    const missing: string[] = [];
    for (const op of LOCK_OPERATIONS) {
      if (!op.verify?.length) continue;
      const named = new Set<LockTarget>(op.verify.flatMap((v) => Object.keys(v.relations) as LockTarget[]));
      for (const fact of op.locks) {
        if ([15, 18].every((version) => atVersion(fact.mode, version) === null)) continue;
        if (!named.has(fact.on)) missing.push(`${op.id}: ${fact.on}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('tells forbidden-in-transaction rows apart from the rest in its verify cases', () => {
    for (const op of LOCK_OPERATIONS) {
      for (const v of op.verify ?? []) {
        const forbidden = op.forbiddenInTransaction !== undefined && atVersion(op.forbiddenInTransaction, 15);
        expect(!!v.outsideTransaction, `${op.id}: ${v.statement}`).toBe(forbidden);
      }
    }
  });
});

describe('volatility lists against pg_proc', () => {
  let db: PGlite;
  beforeAll(async () => {
    db = new PGlite();
  });
  afterAll(async () => db?.close());

  it('marks every listed function that PostgreSQL has with the right provolatile', async () => {
    const names = [...VOLATILE_FUNCTIONS, ...NON_VOLATILE_FUNCTIONS];
    const list = names.map((n) => `'${n}'`).join(', ');
    const { rows } = await db.query<{ proname: string; kinds: string }>(
      `SELECT proname, string_agg(DISTINCT provolatile::text, '') AS kinds FROM pg_proc WHERE pronamespace = 'pg_catalog'::regnamespace AND proname IN (${list}) GROUP BY proname`,
    );
    expect(rows.length).toBeGreaterThan(20);
    const wrong = rows.filter(({ proname, kinds }) => (VOLATILE_FUNCTIONS.has(proname) ? kinds !== 'v' : kinds.includes('v')));
    expect(wrong).toEqual([]);
  });
});
