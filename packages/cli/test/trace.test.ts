import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { traceCommand } from '../src/commands/trace.ts';
import type { TraceReport, TraceStatement } from '../src/trace/report.ts';
import { pgliteSession } from '../src/trace/pglite-session.ts';
import type { SqlSession } from '../src/trace/session.ts';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../fixtures/trace');

/**
 * One real PGlite for the whole file (starting one takes seconds); every trace gets it with an
 * empty public schema, as a fresh database would be.
 */
let db: PGlite;
beforeAll(async () => {
  db = new PGlite();
  await db.waitReady;
}, 300_000);
afterAll(async () => {
  await db?.close();
});

async function freshDatabase(extensions: string[]): Promise<SqlSession> {
  if (extensions.length > 0) {
    // Contrib extensions must be loaded when PGlite starts: this case gets its own instance.
    const { openPGlite } = await import('../src/trace/pglite-session.ts');
    return openPGlite(extensions);
  }
  await db.exec('DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
  const session = await pgliteSession(db);
  return { ...session, close: async () => {} };
}

const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** A project in a temporary directory: files relative to it, with `migrations.transaction`. */
function project(files: Record<string, string>, transaction?: 'wrapped' | 'implicit' | 'none'): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'sqlwarden-trace-'));
  tempDirs.push(dir);
  if (transaction) writeFileSync(path.join(dir, 'sqlwarden.config.json'), JSON.stringify({ migrations: { transaction } }));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

async function trace(cwd: string, args: string[]): Promise<{ code: number; report: TraceReport; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await traceCommand(
    ['--format', 'json', ...args],
    { stdout: { write: (t) => (stdout += String(t)) }, stderr: { write: (t) => (stderr += String(t)) }, cwd, env: {} },
    { openPGlite: freshDatabase },
  );
  if (stdout === '') throw new Error(`trace printed nothing (exit ${code}): ${stderr}`);
  return { code, report: JSON.parse(stdout) as TraceReport, stderr };
}

function statement(report: TraceReport, file: string, startsWith: string): TraceStatement {
  const f = report.files.find((x) => x.path === file);
  const s = f?.statements.find((x) => x.text.startsWith(startsWith));
  if (!s) throw new Error(`no statement "${startsWith}" in ${file}: ${JSON.stringify(report.files.map((x) => x.path))}`);
  return s;
}

function ownLocks(stmt: TraceStatement): Array<{ relation: string; mode: string }> {
  return stmt.locks.filter((l) => l.acquiredBy === stmt.index).map(({ relation, mode }) => ({ relation, mode }));
}

describe('trace in PGlite: the locks each statement takes', () => {
  it('CREATE INDEX takes SHARE on the table; ADD COLUMN takes ACCESS EXCLUSIVE', async () => {
    const { code, report } = await trace(path.join(fixtures, 'locks'), ['migrations']);
    expect(code).toBe(0);
    expect(report.target).toMatchObject({ kind: 'pglite' });
    expect(report.failure).toBeUndefined();
    expect(report.files.map((f) => [f.path, f.transactionMode, f.status])).toEqual([
      ['migrations/001_create_users.sql', 'none', 'ok'],
      ['migrations/002_index_and_column.sql', 'none', 'ok'],
    ]);

    const index = statement(report, 'migrations/002_index_and_column.sql', 'CREATE INDEX');
    expect(index).toMatchObject({ status: 'ok', transaction: null, observation: 'own-transaction', line: 1, column: 1 });
    expect(ownLocks(index)).toEqual(expect.arrayContaining([{ relation: 'users', mode: 'ShareLock' }]));
    expect(ownLocks(index)).toContainEqual({ relation: 'users_email_idx', mode: 'AccessExclusiveLock' });
    expect(ownLocks(index).filter((l) => l.relation === 'users').map((l) => l.mode)).not.toContain('AccessExclusiveLock');

    const add = statement(report, 'migrations/002_index_and_column.sql', 'ALTER TABLE users ADD COLUMN');
    expect(ownLocks(add)).toEqual([{ relation: 'users', mode: 'AccessExclusiveLock' }]);
    // Autocommit: the locks last as long as the statement itself.
    expect(add.lockHoldMs).toBe(add.durationMs);
    expect(add.locks[0]!.heldMs).toBe(add.durationMs);
  });

  it('a failing migration: the error, the rollback of its transaction, and what did not run', async () => {
    const { code, report } = await trace(path.join(fixtures, 'failing'), ['migrations']);
    expect(code).toBe(1);
    expect(report.summary.failed).toBe(true);
    expect(report.failure).toMatchObject({
      file: 'migrations/002_add_age.sql',
      statement: 1,
      line: 2,
      column: 1,
      error: { code: '23502', message: 'column "age" of relation "users" contains null values' },
      notRun: { statementsInFile: 1, laterFiles: ['migrations/003_add_plan.sql'], laterStatements: 1 },
    });
    expect(report.failure!.rolledBack).toMatch(/migration tool's transaction was rolled back/);
    const failedFile = report.files[1]!;
    expect(failedFile.status).toBe('failed');
    expect(failedFile.statements.map((s) => s.status)).toEqual(['ok', 'error', 'not-run']);
    expect(failedFile.transactions).toEqual([expect.objectContaining({ openedBy: 'migration-tool', outcome: 'rolled-back' })]);
    expect(report.files[2]).toMatchObject({ status: 'not-run', statements: [{ status: 'not-run' }] });
    // The rollback is real: the column the file's first statement added is gone.
    const columns = await db.query<{ column_name: string }>("SELECT column_name FROM information_schema.columns WHERE table_name = 'users' ORDER BY ordinal_position");
    expect(columns.rows.map((r) => r.column_name)).toEqual(['id', 'email']);
  });

  it('reports the position PostgreSQL gives, in file lines and columns', async () => {
    const dir = project({ 'migrations/001_x.sql': 'CREATE TABLE t (id int);\n\n  INSERT INTO missing_table VALUES (1);\n' }, 'none');
    const { code, report } = await trace(dir, ['migrations']);
    expect(code).toBe(1);
    expect(report.failure).toMatchObject({ line: 3, column: 15, error: { code: '42P01', line: 3, column: 15 } });
    expect(report.failure!.rolledBack).toMatch(/1 earlier statement was committed/);
  });

  it('holds locks until COMMIT in a wrapped file, only for the statement in autocommit', async () => {
    const wrapped = (await trace(path.join(fixtures, 'hold'), ['-c', 'wrapped.config.json', 'migrations'])).report;
    const autocommit = (await trace(path.join(fixtures, 'hold'), ['-c', 'autocommit.config.json', 'migrations'])).report;
    const file = 'migrations/002_add_note.sql';
    const wAlter = statement(wrapped, file, 'ALTER TABLE');
    const wSleep = statement(wrapped, file, 'SELECT pg_sleep');
    const aAlter = statement(autocommit, file, 'ALTER TABLE');
    const aSleep = statement(autocommit, file, 'SELECT pg_sleep');
    expect(wAlter.observation).toBe('in-transaction');
    expect(aAlter.observation).toBe('own-transaction');
    expect(ownLocks(wAlter)).toEqual([{ relation: 'accounts', mode: 'AccessExclusiveLock' }]);
    expect(ownLocks(aAlter)).toEqual([{ relation: 'accounts', mode: 'AccessExclusiveLock' }]);
    // Wrapped: held through the sleep that follows, until the tool's COMMIT.
    expect(wAlter.lockHoldMs!).toBeGreaterThanOrEqual(wAlter.durationMs! + wSleep.durationMs!);
    expect(wAlter.locks[0]!.heldMs).toBe(wAlter.lockHoldMs);
    expect(wSleep.durationMs!).toBeGreaterThanOrEqual(200);
    // The sleep still holds the ALTER's lock (taken by an earlier statement of the transaction).
    expect(wSleep.locks).toContainEqual(expect.objectContaining({ relation: 'accounts', mode: 'AccessExclusiveLock', acquiredBy: wAlter.index }));
    // Autocommit: only as long as the ALTER itself, so shorter than the sleep after it.
    expect(aAlter.lockHoldMs).toBe(aAlter.durationMs);
    expect(aAlter.lockHoldMs!).toBeLessThan(aSleep.durationMs!);
    expect(aSleep.locks).toEqual([]);
    expect(wAlter.lockHoldMs!).toBeGreaterThan(aAlter.lockHoldMs!);

    // The file's own BEGIN ... COMMIT holds the lock until its COMMIT, in either mode.
    const explicit = statement(autocommit, 'migrations/003_explicit_transaction.sql', 'ALTER TABLE');
    const explicitSleep = statement(autocommit, 'migrations/003_explicit_transaction.sql', 'SELECT pg_sleep');
    expect(explicit.lockHoldMs!).toBeGreaterThanOrEqual(explicit.durationMs! + explicitSleep.durationMs!);
    expect(autocommit.files[2]!.transactions).toEqual([expect.objectContaining({ openedBy: 'file', outcome: 'committed' })]);
  });

  it('runs CREATE INDEX CONCURRENTLY on its own, outside a transaction, and says its locks were not observable', async () => {
    const { code, report } = await trace(path.join(fixtures, 'concurrently'), ['migrations']);
    expect(code).toBe(0);
    const build = statement(report, 'migrations/002_index_concurrently.sql', 'CREATE INDEX CONCURRENTLY');
    expect(build).toMatchObject({ status: 'ok', transaction: null, observation: 'not-observable', locks: [] });
    expect(build.observationNote).toMatch(/cannot run inside a transaction block|refuses this statement inside a transaction block/);
    expect(build.observationNote).toMatch(/single connection/);
    // Labelled as the model's expectation, not an observation.
    expect(build.expectedLocks).toEqual([{ relation: 'users', mode: 'ShareUpdateExclusiveLock' }]);
    // The index exists afterwards: the next statement renames it.
    const rename = statement(report, 'migrations/002_index_concurrently.sql', 'ALTER INDEX');
    expect(rename.status).toBe('ok');
    expect(ownLocks(rename)).toEqual([{ relation: 'users_email_key', mode: expect.stringMatching(/Lock$/) }]);
  });

  it('fails CONCURRENTLY inside the migration tool\'s transaction, as PostgreSQL does', async () => {
    const { code, report } = await trace(path.join(fixtures, 'concurrently'), ['-c', 'wrapped.config.json', 'migrations']);
    expect(code).toBe(1);
    expect(report.failure).toMatchObject({
      file: 'migrations/002_index_concurrently.sql',
      error: { code: '25001', message: 'CREATE INDEX CONCURRENTLY cannot run inside a transaction block' },
    });
  });

  it('honours tool annotations: goose NO TRANSACTION runs the file statement by statement', async () => {
    const dir = project({
      'migrations/00001_users.sql': '-- +goose Up\nCREATE TABLE users (id bigint PRIMARY KEY, email text);\n-- +goose Down\nDROP TABLE users;\n',
      'migrations/00002_index.sql': '-- +goose NO TRANSACTION\n-- +goose Up\nCREATE INDEX CONCURRENTLY users_email_idx ON users (email);\n-- +goose Down\nDROP INDEX CONCURRENTLY users_email_idx;\n',
    });
    const { code, report } = await trace(dir, ['migrations']);
    expect(code).toBe(0);
    expect(report.files.map((f) => [f.transactionMode, f.downStatements])).toEqual([
      ['wrapped', 1],
      ['none', 1],
    ]);
    expect(statement(report, 'migrations/00002_index.sql', 'CREATE INDEX CONCURRENTLY')).toMatchObject({ status: 'ok', transaction: null });
    // Down sections never run.
    expect(report.summary.statementsRun).toBe(2);
  });

  it('follows the units the engine found: Liquibase changesets each in their own transaction', async () => {
    const dir = project({
      'migrations/001.sql': [
        '--liquibase formatted sql',
        '--changeset alice:1',
        'CREATE TABLE t (id int);',
        '--changeset alice:2 runInTransaction:false',
        'CREATE INDEX CONCURRENTLY t_id_idx ON t (id);',
        '--changeset alice:3',
        'ALTER TABLE t ADD COLUMN b int;',
        '',
      ].join('\n'),
    });
    const { code, report } = await trace(dir, ['migrations']);
    expect(code).toBe(0);
    const file = report.files[0]!;
    expect(file.transactions.map((t) => [t.openedBy, t.outcome])).toEqual([
      ['migration-tool', 'committed'],
      ['migration-tool', 'committed'],
    ]);
    expect(file.statements.map((s) => s.transaction)).toEqual([1, null, 2]);
  });

  it('an implicit transaction (the file sent as one query string) holds locks to the end of the file', async () => {
    const dir = project({ 'migrations/001.sql': 'CREATE TABLE t (id int);\nALTER TABLE t ADD COLUMN x int;\nSELECT pg_sleep(0.05);\n' }, 'implicit');
    const { code, report } = await trace(dir, ['migrations']);
    expect(code).toBe(0);
    const file = report.files[0]!;
    expect(file.transactionMode).toBe('implicit');
    expect(file.transactions).toEqual([expect.objectContaining({ openedBy: 'implicit', outcome: 'committed' })]);
    const alter = statement(report, 'migrations/001.sql', 'ALTER TABLE');
    expect(alter.lockHoldMs!).toBeGreaterThanOrEqual(50);
  });

  it('loads COPY ... FROM stdin data, so later statements meet the rows', async () => {
    const dir = project({ 'migrations/001.sql': 'CREATE TABLE t (id int, name text);\nCOPY t (id, name) FROM stdin;\n1\tada\n2\tgrace\n\\.\nALTER TABLE t ADD COLUMN c int NOT NULL;\n' }, 'none');
    const { code, report } = await trace(dir, ['migrations']);
    const copy = statement(report, 'migrations/001.sql', 'COPY');
    expect(copy).toMatchObject({ status: 'ok', observation: 'own-transaction' });
    expect(ownLocks(copy)).toEqual([{ relation: 't', mode: 'RowExclusiveLock' }]);
    expect(code).toBe(1);
    expect(report.failure).toMatchObject({ line: 6, error: { code: '23502' } });
  });

  it('loads the contrib extensions PGlite ships, and stops (not fails) on ones it does not', async () => {
    const dir = project(
      {
        'migrations/001_crypto.sql': 'CREATE EXTENSION IF NOT EXISTS "uuid-ossp";\nCREATE EXTENSION IF NOT EXISTS pgcrypto;\nCREATE TABLE t (id uuid DEFAULT uuid_generate_v4(), secret text DEFAULT crypt(\'x\', gen_salt(\'bf\')));\n',
        'migrations/002_gis.sql': 'CREATE EXTENSION postgis;\n',
      },
      'none',
    );
    const { code, report } = await trace(dir, ['migrations']);
    expect(report.files[0]!.statements.map((s) => s.status)).toEqual(['ok', 'ok', 'ok']);
    expect(code).toBe(2);
    expect(report.failure).toBeUndefined();
    expect(report.stoppedBecause).toMatch(/PGlite does not ship the extension "postgis"; trace these migrations with --database-url/);
  }, 300_000);

  it('rolls back and reports a file that leaves its own transaction open', async () => {
    const dir = project({ 'migrations/001.sql': 'BEGIN;\nCREATE TABLE t (id int);\n', 'migrations/002.sql': 'CREATE TABLE u (id int);\n' }, 'none');
    const { code, report } = await trace(dir, ['migrations']);
    expect(code).toBe(1);
    expect(report.failure).toMatchObject({ file: 'migrations/001.sql', line: 1, notRun: { laterFiles: ['migrations/002.sql'] } });
    expect(report.failure!.error.message).toMatch(/ends inside the transaction/);
    const tables = await db.query("SELECT 1 FROM pg_class WHERE relname = 't'");
    expect(tables.rows).toEqual([]);
  });

  it('stops without blaming the migration when psql variables hide SQL it cannot know', async () => {
    const dir = project({ 'migrations/001.sql': "CREATE TABLE t (id int);\nINSERT INTO t VALUES (:'id');\nCREATE TABLE u (id int);\n" }, 'none');
    const { code, report } = await trace(dir, ['migrations']);
    expect(code).toBe(2);
    expect(report.failure).toBeUndefined();
    expect(report.stoppedBecause).toMatch(/psql variable/);
    expect(report.files[0]!.statements.map((s) => s.status)).toEqual(['ok', 'error', 'not-run']);
  });

  it('skips down migrations and files found in a directory that are not migrations', async () => {
    const dir = project({
      'db/migrations/001_t.up.sql': 'CREATE TABLE t (id int);\n',
      'db/migrations/001_t.down.sql': 'DROP TABLE t;\n',
      'db/queries/find.sql': 'SELECT * FROM t WHERE id = $1;\n',
    });
    const { code, report } = await trace(dir, ['db']);
    expect(code).toBe(0);
    const byPath = Object.fromEntries(report.files.map((f) => [f.path, [f.status, f.reason]]));
    expect(byPath).toEqual({
      'db/migrations/001_t.up.sql': ['ok', undefined],
      'db/migrations/001_t.down.sql': ['skipped', 'down migration'],
      'db/queries/find.sql': ['skipped', expect.stringMatching(/not a migration/)],
    });
  });
});

describe('trace --database-url safety', () => {
  it('refuses a database that does not look disposable before opening any connection', async () => {
    const connect = vi.spyOn(net.Socket.prototype, 'connect').mockImplementation(() => {
      throw new Error('trace tried to connect');
    });
    try {
      for (const url of ['postgresql://app:secret@db.prod.example.com/app', 'postgresql://localhost/production', 'postgres://10.0.0.5/app_test']) {
        let stderr = '';
        let stdout = '';
        const code = await traceCommand(['--database-url', url, path.join(fixtures, 'locks/migrations')], {
          stdout: { write: (t) => (stdout += String(t)) },
          stderr: { write: (t) => (stderr += String(t)) },
          cwd: fixtures,
          env: {},
        });
        expect(code, url).toBe(2);
        expect(stdout).toBe('');
        expect(stderr).toMatch(/^sqlwarden trace: refusing to replay migrations into postgresql:\/\//);
        expect(stderr).toMatch(/Nothing was connected to\./);
        expect(stderr).not.toContain('secret');
      }
      expect(connect).not.toHaveBeenCalled();
    } finally {
      connect.mockRestore();
    }
  });
});
