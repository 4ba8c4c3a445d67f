import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgliteSession, serverVersion, type Session } from './support/engines.ts';
import { disagreements, initParser, modelExpectation } from './support/expect.ts';
import { observeInTransaction, refusedInTransaction } from './support/observe.ts';
import { Tally, verifyCases, versionSkip } from './support/cases.ts';

/*
 * Every verify case of the lock table on PGlite (PostgreSQL 17/18 compiled to WASM, one
 * session): the statement runs inside BEGIN, and pg_locks, relfilenode and the scan counters
 * of that transaction are compared with describeStatementLocks. Statements that cannot run in a
 * transaction block can only be checked for that refusal here; their locks are observed on the
 * PostgreSQL server (server.test.ts), which has the second session this needs.
 */

let db: PGlite;
let session: Session;
let version: number;
const tally = new Tally('PGlite');
let counter = 0;

beforeAll(async () => {
  await initParser();
  db = new PGlite();
  session = pgliteSession(db);
  version = await serverVersion(session);
});

afterAll(async () => {
  tally.print(version);
  await db?.close();
});

describe('lock model on PGlite', () => {
  for (const { op, v, title } of verifyCases()) {
    it(title, async (ctx) => {
      const skip = versionSkip(v, version) ?? (v.serverOnly ? `server only: ${v.serverOnly}` : undefined);
      if (skip) {
        tally.skipped.push(`${title} (${skip})`);
        ctx.skip();
        return;
      }
      const schema = `lk_${++counter}`;
      const model = modelExpectation(op, v, version, schema);
      if (v.outsideTransaction) {
        expect(model.effect.forbiddenInTransaction, 'model: forbidden in a transaction block').toBe(true);
        const refusal = await refusedInTransaction(session, schema, v);
        expect(refusal, 'PostgreSQL should refuse the statement inside BEGIN').toMatch(/cannot (run|be executed) inside a transaction block/);
        tally.refusedInTransaction++;
        return;
      }
      expect(model.effect.forbiddenInTransaction, 'the statement ran inside BEGIN, so the model must allow it there').toBe(false);
      const seen = await observeInTransaction(session, schema, v);
      expect(disagreements(op, v, model, seen, { scans: true })).toEqual([]);
      tally.checked++;
    });
  }
});
