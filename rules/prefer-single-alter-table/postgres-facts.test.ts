import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPostgresBin, startPostgresForTests, type PostgresServer } from '../../test/cli/postgres-server.ts';

/**
 * The PostgreSQL facts prefer-single-alter-table (and no-unsafe-not-null's recipe) rest on,
 * checked on Debian's PostgreSQL server started by the test: which subcommands share the single
 * pass of one ALTER TABLE (sequential scans of the table counted by
 * pg_stat_get_xact_numscans inside the transaction), what the NOT NULL recipe scans, and which
 * combinations PostgreSQL rejects. Outside CI a machine without the server skips it (saying why).
 */
const bin = findPostgresBin();
let server: PostgresServer | undefined;
let unavailable: string | undefined;

beforeAll(() => {
  ({ server, unavailable } = startPostgresForTests('prefer-single-alter-table PostgreSQL facts'));
}, 180_000);
afterAll(() => server?.stop());

const SETUP = `
DROP SCHEMA IF EXISTS f CASCADE;
CREATE SCHEMA f;
SET search_path = f;
CREATE TABLE r (id int PRIMARY KEY);
INSERT INTO r SELECT generate_series(1, 200);
CREATE TABLE t (id int, a int, b int, email text);
INSERT INTO t SELECT g, g, g, 'x' FROM generate_series(1, 200) g;
ALTER TABLE t ADD CONSTRAINT t_email_nn CHECK (email IS NOT NULL) NOT VALID;
`;

/** Runs `statements` in a transaction that is rolled back; psql's stdout and stderr (DEBUG1 lines included). */
function run(statements: string): { out: string; err: string; status: number | null } {
  const sql = `${SETUP}
SET client_min_messages = debug1;
BEGIN;
SELECT 'scans before', pg_stat_get_xact_numscans('t'::regclass);
${statements}
SELECT 'scans after', pg_stat_get_xact_numscans('t'::regclass);
SELECT 'lock', mode FROM pg_locks WHERE relation = 't'::regclass AND pid = pg_backend_pid() ORDER BY mode;
ROLLBACK;`;
  const r = spawnSync(path.join(bin!, 'psql'), ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-h', server!.socketDir, '-U', 'postgres', '-d', 'postgres'], { input: sql, encoding: 'utf8', timeout: 60_000 });
  return { out: r.stdout, err: r.stderr, status: r.status };
}

function scans(statements: string): number {
  const r = run(statements);
  if (r.status !== 0) throw new Error(`psql failed: ${r.err}`);
  const at = (label: string): number => Number(/^(?:scans (?:before|after))\|(\d+)$/m.exec(r.out.split('\n').filter((l) => l.startsWith(label)).join('\n'))?.[1]);
  return at('scans after') - at('scans before');
}

function locks(statements: string): string[] {
  return run(statements)
    .out.split('\n')
    .filter((l) => l.startsWith('lock|'))
    .map((l) => l.slice('lock|'.length));
}

function error(statements: string): string | undefined {
  const r = run(statements);
  return r.status === 0 ? undefined : /ERROR:\s+(.*)/.exec(r.err)?.[1];
}

describe('prefer-single-alter-table: PostgreSQL facts', () => {
  it('CHECK constraints share one pass over the table when merged; foreign keys, UNIQUE, PRIMARY KEY and EXCLUDE do not', (ctx) => {
    if (!server) return ctx.skip(unavailable);
    expect(scans('ALTER TABLE t ADD CHECK (a > 0), ADD CHECK (b > 0);')).toBe(1);
    expect(scans('ALTER TABLE t ADD CHECK (a > 0);\nALTER TABLE t ADD CHECK (b > 0);')).toBe(2);
    const pairs: Array<[string, string]> = [
      ['ADD FOREIGN KEY (a) REFERENCES r', 'ADD FOREIGN KEY (b) REFERENCES r'],
      ['ADD UNIQUE (a)', 'ADD UNIQUE (b)'],
      ['ADD PRIMARY KEY (a)', 'ADD UNIQUE (b)'],
      ['ADD EXCLUDE USING btree (a WITH =)', 'ADD EXCLUDE USING btree (b WITH =)'],
      ['ADD UNIQUE (a)', 'ALTER COLUMN b SET NOT NULL'],
      ['ADD FOREIGN KEY (a) REFERENCES r', 'ALTER COLUMN b SET NOT NULL'],
    ];
    for (const [x, y] of pairs) {
      const merged = scans(`ALTER TABLE t ${x}, ${y};`);
      expect(merged, `${x}, ${y}`).toBeGreaterThan(1);
      expect(scans(`ALTER TABLE t ${x};\nALTER TABLE t ${y};`), `${x}; ${y}`).toBe(merged);
    }
  });

  it('the NOT NULL recipe: SET NOT NULL after VALIDATE (same transaction) scans nothing; merged into one statement it does not see the proof and all runs under ACCESS EXCLUSIVE', (ctx) => {
    if (!server) return ctx.skip(unavailable);
    const separate = run('ALTER TABLE t VALIDATE CONSTRAINT t_email_nn;\nALTER TABLE t ALTER COLUMN email SET NOT NULL;');
    expect(separate.err).toMatch(/existing constraints on column "t\.email" are sufficient to prove that it does not contain nulls/);
    expect(scans('ALTER TABLE t VALIDATE CONSTRAINT t_email_nn;')).toBe(1);
    expect(scans('ALTER TABLE t VALIDATE CONSTRAINT t_email_nn;\nALTER TABLE t ALTER COLUMN email SET NOT NULL;')).toBe(1);
    expect(locks('ALTER TABLE t VALIDATE CONSTRAINT t_email_nn;')).toEqual(['ShareUpdateExclusiveLock']);

    const merged = run('ALTER TABLE t VALIDATE CONSTRAINT t_email_nn, ALTER COLUMN email SET NOT NULL;');
    expect(merged.status).toBe(0);
    expect(merged.err).not.toMatch(/sufficient to prove/);
    expect(scans('ALTER TABLE t VALIDATE CONSTRAINT t_email_nn, ALTER COLUMN email SET NOT NULL;')).toBe(1);
    expect(locks('ALTER TABLE t VALIDATE CONSTRAINT t_email_nn, ALTER COLUMN email SET NOT NULL;')).toEqual(['AccessExclusiveLock']);
  });

  it('combinations PostgreSQL rejects in one ALTER TABLE, and SET UNLOGGED with a foreign key, which it accepts', (ctx) => {
    if (!server) return ctx.skip(unavailable);
    expect(error('ALTER TABLE t SET UNLOGGED, SET LOGGED;')).toBe('cannot change persistence setting twice');
    expect(error('ALTER TABLE t SET UNLOGGED;\nALTER TABLE t SET LOGGED;')).toBeUndefined();
    expect(error('ALTER TABLE t SET TABLESPACE pg_default, SET TABLESPACE pg_default;')).toBe('cannot have multiple SET TABLESPACE subcommands');
    expect(error('CREATE ACCESS METHOD f_heap TYPE TABLE HANDLER heap_tableam_handler;\nALTER TABLE t SET ACCESS METHOD f_heap, SET ACCESS METHOD heap;')).toBe('cannot have multiple SET ACCESS METHOD subcommands');
    expect(error('ALTER TABLE t SET UNLOGGED, ADD FOREIGN KEY (a) REFERENCES r;')).toBeUndefined();
    expect(error('ALTER TABLE t ADD FOREIGN KEY (a) REFERENCES r, SET UNLOGGED;')).toBeUndefined();
    expect(error('ALTER TABLE t SET UNLOGGED, ALTER COLUMN a TYPE bigint;')).toBeUndefined();
  });
});
