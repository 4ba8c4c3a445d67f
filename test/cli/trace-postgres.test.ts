import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFixture, ensureBuilt, removeTempDirs, repoRoot, runCli } from './helpers.ts';
import { startPostgresForTests, type PostgresServer } from './postgres-server.ts';

/**
 * `sqlwarden trace --database-url` against a real PostgreSQL server that the test starts on a
 * unix socket. Outside CI a machine without Debian's postgresql package skips it (saying why);
 * in CI (CI=true) a missing or failing server fails the suite.
 */
let server: PostgresServer | undefined;
let unavailable: string | undefined;

beforeAll(() => {
  ensureBuilt();
  ({ server, unavailable } = startPostgresForTests('trace --database-url tests'));
}, 180_000);
afterAll(() => {
  server?.stop();
  removeTempDirs();
});

function traceFixture(name: string): string {
  const dir = copyFixture();
  cpSync(path.join(repoRoot, 'fixtures/trace', name), dir, { recursive: true });
  return dir;
}

function needServer(skip: (note?: string) => void): PostgresServer {
  if (!server) skip(unavailable);
  return server!;
}

describe('trace --database-url against a PostgreSQL server', () => {
  it('reports the locks pg_locks shows, on the named database only', ({ skip }) => {
    const pg = needServer(skip);
    pg.createDatabase('trace_test_locks');
    const dir = traceFixture('locks');
    const run = runCli(['trace', '--format', 'json', '--database-url', pg.url('trace_test_locks'), 'migrations'], { cwd: dir });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.target.kind).toBe('postgres');
    expect(report.target.description).toBe(`PostgreSQL ${pg.version.split(' ')[0]} at postgresql://postgres@/trace_test_locks?host=${pg.socketDir}`);
    expect(report.warnings).toEqual([]);
    const [index, add] = report.files[1].statements;
    const own = (s: { index: number; locks: Array<{ acquiredBy: number; relation: string; mode: string }> }) =>
      s.locks.filter((l) => l.acquiredBy === s.index).map((l) => `${l.relation} ${l.mode}`);
    expect(own(index)).toEqual(expect.arrayContaining(['users ShareLock', 'users_email_idx AccessExclusiveLock']));
    expect(own(add)).toEqual(['users AccessExclusiveLock']);
    // The migrations really ran there.
    expect(pg.psql("SELECT string_agg(column_name, ',' ORDER BY ordinal_position) FROM information_schema.columns WHERE table_name = 'users'", 'trace_test_locks')).toBe('id,email,nickname');

    // A second run on the same database: told it is not empty, and the CREATE TABLE fails.
    const again = runCli(['trace', '--database-url', pg.url('trace_test_locks'), 'migrations'], { cwd: dir });
    expect(again.status).toBe(1);
    expect(again.stdout).toMatch(/! The database already has \d+ relations \(/);
    expect(again.stdout).toContain('ERROR 42P07: relation "users" already exists');
  }, 180_000);

  it('a failing migration: error, rollback on the server, exit 1', ({ skip }) => {
    const pg = needServer(skip);
    pg.createDatabase('trace_test_failing');
    const dir = traceFixture('failing');
    const run = runCli(['trace', '--format', 'json', '--database-url', pg.url('trace_test_failing'), 'migrations'], { cwd: dir });
    expect(run.status).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report.failure).toMatchObject({ file: 'migrations/002_add_age.sql', line: 2, error: { code: '23502' }, notRun: { laterFiles: ['migrations/003_add_plan.sql'] } });
    expect(pg.psql("SELECT string_agg(column_name, ',' ORDER BY ordinal_position) FROM information_schema.columns WHERE table_name = 'users'", 'trace_test_failing')).toBe('id,email');
  }, 180_000);

  it('feeds COPY ... FROM stdin data to the server, and reports a COPY that fails', ({ skip }) => {
    const pg = needServer(skip);
    pg.createDatabase('trace_test_copy');
    const dir = copyFixture();
    mkdirSync(path.join(dir, 'migrations'));
    writeFileSync(path.join(dir, 'sqlwarden.config.json'), JSON.stringify({ migrations: { transaction: 'wrapped' } }));
    writeFileSync(path.join(dir, 'migrations/001_seed.sql'), 'CREATE TABLE t (id int PRIMARY KEY, name text);\nCOPY t (id, name) FROM stdin;\n1\tada\n2\tgrace\n\\.\n');
    writeFileSync(path.join(dir, 'migrations/002_more.sql'), 'COPY t (id, name) FROM stdin;\n3\tedsger\nfour\tbarbara\n\\.\n');
    const run = runCli(['trace', '--format', 'json', '--database-url', pg.url('trace_test_copy'), 'migrations'], { cwd: dir });
    expect(run.status).toBe(1);
    const report = JSON.parse(run.stdout);
    const copy = report.files[0].statements[1];
    expect(copy.status).toBe('ok');
    expect(copy.locks).toContainEqual(expect.objectContaining({ relation: 't', mode: 'RowExclusiveLock', acquiredBy: copy.index }));
    expect(report.failure).toMatchObject({ file: 'migrations/002_more.sql', error: { code: '22P02' } });
    expect(report.failure.error.message).toMatch(/invalid input syntax for type integer: "four"/);
    // 001 committed with its two rows; 002's transaction rolled back.
    expect(pg.psql('SELECT string_agg(name, \',\' ORDER BY id) FROM t', 'trace_test_copy')).toBe('ada,grace');
  }, 180_000);

  it('samples the locks of a statement that runs outside a transaction from a second connection', ({ skip }) => {
    const pg = needServer(skip);
    pg.createDatabase('trace_test_concurrently');
    const dir = copyFixture();
    mkdirSync(path.join(dir, 'migrations'));
    writeFileSync(path.join(dir, 'sqlwarden.config.json'), JSON.stringify({ migrations: { transaction: 'none' } }));
    // An index expression that sleeps makes the build last long enough to be watched.
    writeFileSync(
      path.join(dir, 'migrations/001_users.sql'),
      "CREATE TABLE users (id int PRIMARY KEY);\nINSERT INTO users SELECT generate_series(1, 20);\nCREATE FUNCTION slow(i int) RETURNS int LANGUAGE sql IMMUTABLE AS $$ SELECT i FROM (SELECT pg_sleep(0.01)) s $$;\n",
    );
    writeFileSync(path.join(dir, 'migrations/002_index.sql'), 'CREATE INDEX CONCURRENTLY users_slow_idx ON users (slow(id));\n');
    const run = runCli(['trace', '--format', 'json', '--database-url', pg.url('trace_test_concurrently'), 'migrations'], { cwd: dir });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const build = JSON.parse(run.stdout).files[1].statements[0];
    expect(build).toMatchObject({ status: 'ok', transaction: null, observation: 'sampled' });
    expect(build.observationNote).toMatch(/second connection sampled its pg_locks rows \(\d+ samples?\)/);
    expect(build.locks).toContainEqual(expect.objectContaining({ relation: 'users', mode: 'ShareUpdateExclusiveLock', granted: true }));
    expect(build.locks.filter((l: { relation: string }) => l.relation === 'users').map((l: { mode: string }) => l.mode)).not.toContain('ShareLock');
  }, 180_000);
});
