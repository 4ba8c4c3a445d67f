import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientSession, serverVersion, ThrowawayServer } from './support/engines.ts';
import { disagreements, initParser, modelExpectation } from './support/expect.ts';
import { type ConcurrentSessions, observeConcurrently, observeInTransaction, refusedInTransaction } from './support/observe.ts';
import { Tally, verifyCases, versionSkip } from './support/cases.ts';

/*
 * Every verify case of the lock table on a real PostgreSQL server (Debian's package, started in
 * a temporary directory on a unix socket). Statements that cannot run in a transaction block
 * (CREATE INDEX CONCURRENTLY, VACUUM, ...) are observed from a second session while a third
 * session makes them wait. In CI a missing server fails the run; elsewhere the suite is skipped
 * with the reason printed.
 */

let server: ThrowawayServer | undefined;
let unavailable: string | undefined;
const clients: pg.Client[] = [];
let sessions: ConcurrentSessions;
let version: number;
const tally = new Tally('PostgreSQL server');
let counter = 0;

beforeAll(async () => {
  await initParser();
  const started = await ThrowawayServer.start();
  if ('unavailable' in started) {
    unavailable = started.unavailable;
    if (process.env.CI === 'true') throw new Error(`CI needs a PostgreSQL server for the lock model verification: ${unavailable}`);
    console.warn(`[lock model] skipping the PostgreSQL server verification: ${unavailable}`);
    return;
  }
  server = started;
  for (let i = 0; i < 4; i++) clients.push(await server.connect());
  sessions = { runner: clientSession(clients[0]!), blocker: clientSession(clients[1]!), lateBlocker: clientSession(clients[3]!), observer: clientSession(clients[2]!) };
  version = await serverVersion(sessions.runner);
  await sessions.observer.exec(`CREATE TABLESPACE sw_ts LOCATION '${server.tablespaceDir}'`);
});

afterAll(async () => {
  if (server) tally.print(version);
  for (const client of clients) await client.end().catch(() => undefined);
  await server?.stop();
});

describe('lock model on a PostgreSQL server', () => {
  for (const { op, v, title } of verifyCases()) {
    it(title, async (ctx) => {
      if (!server) {
        ctx.skip();
        return;
      }
      const skip = versionSkip(v, version);
      if (skip) {
        tally.skipped.push(`${title} (${skip})`);
        ctx.skip();
        return;
      }
      const schema = `lk_${++counter}`;
      const model = modelExpectation(op, v, version, schema);
      if (v.outsideTransaction) {
        expect(model.effect.forbiddenInTransaction, 'model: forbidden in a transaction block').toBe(true);
        const refusal = await refusedInTransaction(sessions.runner, schema, v);
        expect(refusal, 'PostgreSQL should refuse the statement inside BEGIN').toMatch(/cannot (run|be executed) inside a transaction block/);
        tally.refusedInTransaction++;
        const seen = await observeConcurrently(sessions, `${schema}_c`, v);
        expect(disagreements(op, v, model, seen, { scans: false })).toEqual([]);
        tally.concurrent++;
        return;
      }
      expect(model.effect.forbiddenInTransaction, 'the statement ran inside BEGIN, so the model must allow it there').toBe(false);
      const seen = await observeInTransaction(sessions.runner, schema, v);
      expect(disagreements(op, v, model, seen, { scans: true })).toEqual([]);
      tally.checked++;
    });
  }
});
