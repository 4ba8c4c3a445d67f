import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinRules } from '@sqlwarden/rules';
import { copyFixture, ensureBuilt, removeTempDirs, repoRoot, runCli } from './helpers.ts';

beforeAll(ensureBuilt, 180_000);
afterAll(removeTempDirs);

const traceFixtures = path.join(repoRoot, 'fixtures/trace');
const ESC = '\u001b[';

/** A copy of fixtures/trace/<name> in a temporary directory (no config above it applies). */
function traceFixture(name: string): string {
  const dir = copyFixture();
  cpSync(path.join(traceFixtures, name), dir, { recursive: true });
  return dir;
}

describe('sqlwarden rules', () => {
  it('--format json lists every built-in rule with its metadata', () => {
    const dir = copyFixture();
    const run = runCli(['rules', '--format', 'json'], { cwd: dir });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const listing = JSON.parse(run.stdout) as { rules: Array<Record<string, any>>; engine: Array<{ id: string }> };
    expect(listing.rules.map((r) => r.id).sort()).toEqual(builtinRules.map((r) => r.meta.id).sort());
    for (const rule of builtinRules) {
      const meta = rule.meta;
      const { options, ...listed } = listing.rules.find((r) => r.id === meta.id)!;
      // No config here: the effective options are the rule's defaults.
      expect(options).toEqual(meta.defaultOptions && Object.keys(meta.defaultOptions).length > 0 ? meta.defaultOptions : undefined);
      expect(listed).toEqual({
        id: meta.id,
        description: meta.description,
        category: meta.category,
        defaultSeverity: meta.defaultSeverity,
        severity: meta.defaultSeverity,
        fixable: meta.fixable ?? null,
        hasSuggestions: meta.hasSuggestions ?? false,
        recommended: meta.docs?.recommended ?? false,
        docsUrl: meta.docs?.url ?? null,
        schema: meta.schema ?? null,
        defaultOptions: meta.defaultOptions ?? null,
        groupRepeats: meta.groupRepeats ?? null,
        dialects: meta.dialects ?? null,
        sources: meta.sources ?? [],
        origin: 'builtin',
      });
    }
    expect(listing.engine.map((e) => e.id)).toEqual(['syntax-error', 'internal-error', 'unused-suppression', 'not-analysed']);
  }, 180_000);

  it('includes the rules of configured plugins and the configured severities', () => {
    const dir = copyFixture('with-plugin');
    const run = runCli(['rules', '-f', 'json'], { cwd: dir });
    expect(run.status).toBe(0);
    const listing = JSON.parse(run.stdout) as { rules: Array<Record<string, any>> };
    expect(listing.rules.at(-1)).toMatchObject({ id: 'acme/no-drop-table', origin: 'plugin', defaultSeverity: 'warn', severity: 'error', category: 'migration-safety' });

    const text = runCli(['rules'], { cwd: dir });
    expect(text.status).toBe(0);
    expect(text.stdout).not.toContain(ESC);
    expect(text.stdout).toMatch(/acme\/no-drop-table {2}error \(default warn\) {2}\[plugin\]/);
    for (const rule of builtinRules) expect(text.stdout).toContain(`  ${rule.meta.id}  `);
    expect(text.stdout).toContain('repeated findings: one per file (groupRepeats: false reports each)');
  }, 180_000);
});

describe('sqlwarden explain', () => {
  it('explains locks, blocking, work, transaction and findings per statement (text)', () => {
    const dir = traceFixture('explain');
    const run = runCli(['explain', 'migrations/002_change_users.sql', 'migrations/001_create_users.sql'], { cwd: dir });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const out = run.stdout;
    expect(out).not.toContain(ESC);
    expect(out).toContain('migrations/002_change_users.sql  (migration; the migration tool wraps it in one transaction; PostgreSQL 15)');
    // The ALTER: ACCESS EXCLUSIVE, a scan, held until the tool commits, and the finding.
    expect(out).toMatch(/1:1 {2}ALTER TABLE users ADD COLUMN plan text NOT NULL\n {7}takes ACCESS EXCLUSIVE on users \(blocks reads and writes\) and scans the whole table\n {7}locks {8}users {2}ACCESS EXCLUSIVE {2}blocks reads and writes/);
    expect(out).toContain("held         until the migration tool's COMMIT after line 3");
    expect(out).toMatch(/✖ error {2}ADD COLUMN `plan` NOT NULL without a DEFAULT fails on a table with rows; add it nullable and backfill, or add a DEFAULT {2}no-unsafe-not-null 1:19/);
    expect(out).toMatch(/2:1 {2}CREATE INDEX users_email_idx ON users \(email\)\n {7}takes SHARE on users \(blocks writes\)/);
    expect(out).toContain('transaction  CREATE INDEX CONCURRENTLY cannot run inside a transaction block, but this statement runs inside the migration tool\'s transaction: PostgreSQL rejects it.');
    // The catalog is the run's: 002 is explained knowing the table 001 created (files in path order).
    expect(out.indexOf('migrations/001_create_users.sql')).toBeLessThan(out.indexOf('migrations/002_change_users.sql'));
  }, 180_000);

  it('--format json documents every statement for tools', () => {
    const dir = traceFixture('explain');
    const run = runCli(['explain', '--format', 'json', 'migrations'], { cwd: dir });
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({ schemaVersion: 1, postgresVersion: 15 });
    expect(report.files.map((f: { path: string }) => f.path)).toEqual(['migrations/001_create_users.sql', 'migrations/002_change_users.sql']);
    const [alter, index, concurrently] = report.files[1].statements;
    expect(alter).toMatchObject({
      index: 0,
      line: 1,
      column: 1,
      kind: 'AlterTable',
      modelled: true,
      rewrite: 'none',
      scan: 'table',
      canRunInTransaction: true,
      transaction: { kind: 'wrapped', id: expect.any(Number) },
      locksHeldUntil: { kind: 'transaction-end', statement: 2, line: 3 },
      locks: [{ relation: 'users', unresolved: false, on: 'target', mode: 'ACCESS EXCLUSIVE', pgLocksMode: 'AccessExclusiveLock', blocks: { reads: true, writes: true, ddl: true } }],
    });
    expect(alter.findings).toContainEqual(expect.objectContaining({ ruleId: 'no-unsafe-not-null', severity: 'error', line: 1, column: 19 }));
    expect(alter.effects[0]).toMatchObject({ operation: expect.stringMatching(/^alter_table\.add_column/), scan: 'table', forbiddenInTransaction: false });
    expect(index.locks).toEqual([expect.objectContaining({ relation: 'users', mode: 'SHARE', pgLocksMode: 'ShareLock', blocks: { reads: false, writes: true, ddl: true } })]);
    expect(concurrently).toMatchObject({
      canRunInTransaction: false,
      transaction: { kind: 'wrapped', conflict: expect.stringContaining('PostgreSQL rejects it') },
      locks: [expect.objectContaining({ mode: 'SHARE UPDATE EXCLUSIVE', blocks: { reads: false, writes: false, ddl: true } })],
    });
    expect(concurrently.findings.map((f: { ruleId: string }) => f.ruleId)).toContain('no-blocking-index-build');
    // Same transaction id for the file's statements: the tool wraps them together.
    expect(new Set(report.files[1].statements.map((s: { transaction: { id: number } }) => s.transaction.id)).size).toBe(1);
  }, 180_000);

  it('is version-aware: a constant DEFAULT rewrites the table before PostgreSQL 11 only', () => {
    const dir = copyFixture();
    mkdirSync(path.join(dir, 'migrations'));
    writeFileSync(path.join(dir, 'migrations/001.sql'), 'CREATE TABLE t (id int);\n');
    writeFileSync(path.join(dir, 'migrations/002.sql'), 'ALTER TABLE t ADD COLUMN c int NOT NULL DEFAULT 0;\n');
    const rewrite = (version: string): string => JSON.parse(runCli(['explain', '-f', 'json', '--pg-version', version, 'migrations'], { cwd: dir }).stdout).files[1].statements[0].rewrite;
    expect(rewrite('10')).toMatch(/^table/);
    expect(rewrite('11')).toBe('none');
  }, 180_000);

  it("describes each statement with the run's catalog: the tables and indexes earlier files created", () => {
    const dir = copyFixture();
    mkdirSync(path.join(dir, 'migrations'));
    writeFileSync(path.join(dir, 'migrations/001.sql'), 'CREATE TABLE users (id int, email text);\nCREATE INDEX users_email_idx ON users (email);\n');
    writeFileSync(path.join(dir, 'migrations/002.sql'), 'DROP INDEX users_email_idx;\n');
    const dropLocks = (args: string[]): Array<Record<string, unknown>> =>
      JSON.parse(runCli(['explain', '-f', 'json', ...args], { cwd: dir }).stdout).files.at(-1).statements[0].locks;
    // With 001 in the run, the index's table is known and locked by name...
    expect(dropLocks(['migrations'])).toContainEqual(expect.objectContaining({ relation: 'users', on: 'index_table', unresolved: false, mode: 'ACCESS EXCLUSIVE' }));
    // ...explained alone, it is not.
    expect(dropLocks(['migrations/002.sql'])).toContainEqual(expect.objectContaining({ on: 'index_table', unresolved: true }));
  }, 180_000);

  it('colours only when asked or on a terminal', () => {
    const dir = traceFixture('explain');
    expect(runCli(['explain', '--color', 'migrations'], { cwd: dir }).stdout).toContain(ESC);
    expect(runCli(['explain', 'migrations'], { cwd: dir, env: { FORCE_COLOR: '1' } }).stdout).toContain(ESC);
    expect(runCli(['explain', '--no-color', 'migrations'], { cwd: dir, env: { FORCE_COLOR: '1' } }).stdout).not.toContain(ESC);
  }, 180_000);

  it('usage errors exit 2', () => {
    const dir = copyFixture();
    expect(runCli(['explain'], { cwd: dir })).toMatchObject({ status: 2, stderr: expect.stringContaining("sqlwarden explain: missing required argument 'paths'") });
    expect(runCli(['explain', 'nope.sql'], { cwd: dir })).toMatchObject({ status: 2, stderr: 'sqlwarden explain: No files matching the pattern "nope.sql" were found.\n' });
    expect(runCli(['trace', '--format', 'xml', 'x'], { cwd: dir }).status).toBe(2);
    expect(runCli(['trace', '--help'], { cwd: dir })).toMatchObject({ status: 0, stdout: expect.stringContaining('--database-url <url>') });
  }, 180_000);
});

describe('sqlwarden trace (the bundle, with its external PGlite)', () => {
  it('reports a migration that fails on PostgreSQL prominently and exits 1', () => {
    const dir = traceFixture('failing');
    const run = runCli(['trace', 'migrations'], { cwd: dir });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(1);
    const out = run.stdout;
    expect(out).not.toContain(ESC);
    expect(out).toMatch(/^sqlwarden trace on PGlite \d+\.\d+\.\d+ \(PostgreSQL \d+\.\d+, in memory\)\n/);
    expect(out).toContain('✖ migrations/002_add_age.sql:2:1  PostgreSQL rejected this statement: the migration fails on a real database.');
    expect(out).toContain('    ERROR 23502: column "age" of relation "users" contains null values');
    expect(out).toContain("    The migration tool's transaction was rolled back with the 1 statement before it: none of them took effect.");
    expect(out).toContain('    Not run: 1 more statement in this file; 1 later file (migrations/003_add_plan.sql; 1 statement).');
    expect(out).toContain('migrations/003_add_plan.sql  not run (1 statement): an earlier migration failed');
    expect(out.trimEnd().split('\n').at(-1)).toBe('3 files, 4 of 6 statements run, 2 not run. 1 migration failed.');
  }, 300_000);

  it('--format json: the locks each statement took, from pg_locks', () => {
    const dir = traceFixture('locks');
    const run = runCli(['trace', '--format', 'json', 'migrations'], { cwd: dir });
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.summary).toEqual({ files: 2, statements: 4, statementsRun: 4, statementsNotRun: 0, statementsSkipped: 0, failed: false });
    const [index, add] = report.files[1].statements;
    const own = (s: { index: number; locks: Array<{ acquiredBy: number; relation: string; mode: string }> }) =>
      s.locks.filter((l) => l.acquiredBy === s.index).map((l) => `${l.relation} ${l.mode}`);
    expect(own(index)).toEqual(expect.arrayContaining(['users ShareLock', 'users_email_idx AccessExclusiveLock']));
    expect(own(add)).toEqual(['users AccessExclusiveLock']);
  }, 300_000);

  it('refuses a --database-url that does not look disposable, before connecting, unless --yes', () => {
    const dir = traceFixture('locks');
    const refused = runCli(['trace', '--database-url', 'postgresql://localhost:1/production', 'migrations'], { cwd: dir });
    expect(refused.status).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain('sqlwarden trace: refusing to replay migrations into postgresql://localhost:1/production: the database name "production" does not say it is disposable');
    expect(refused.stderr).toContain('Nothing was connected to.');

    // With --yes the check is skipped and the connection is tried (nothing listens on port 1).
    const forced = runCli(['trace', '--yes', '--database-url', 'postgresql://localhost:1/production', 'migrations'], { cwd: dir });
    expect(forced.status).toBe(2);
    expect(forced.stderr).toMatch(/^sqlwarden trace: could not connect to postgresql:\/\/localhost:1\/production: /);
  }, 180_000);
});

describe('subcommand names', () => {
  it('a directory named like a command is linted as ./name', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sqlwarden-cli-rules-dir-'));
    mkdirSync(path.join(dir, 'rules'));
    writeFileSync(path.join(dir, 'rules/q.sql'), 'SELECT * FROM t;\n');
    const run = runCli(['./rules'], { cwd: dir });
    expect(run.stdout).toContain('no-select-star');
  }, 180_000);
});

describe('command words that are not files', () => {
  const usage = "(run 'sqlwarden --help' for usage)";

  it('a near miss of a command is a usage error with did-you-mean, not a file pattern', () => {
    const dir = copyFixture();
    expect(runCli(['explian', 'migrations'], { cwd: dir })).toEqual({
      status: 2,
      stdout: '',
      stderr: `sqlwarden: Unknown command \`explian\`; did you mean \`explain\`?\n${usage}\n`,
    });
    expect(runCli(['rule'], { cwd: dir })).toMatchObject({ status: 2, stderr: expect.stringContaining('did you mean `rules`?') });
    expect(runCli(['helo'], { cwd: dir })).toMatchObject({ status: 2, stderr: expect.stringContaining('did you mean `help`?') });
    // Not close to any command, or not shaped like one: still a missing file.
    expect(runCli(['reports'], { cwd: dir })).toMatchObject({ status: 2, stderr: 'sqlwarden: No files matching the pattern "reports" were found.\n' });
    expect(runCli(['explain.sql'], { cwd: dir })).toMatchObject({ status: 2, stderr: 'sqlwarden: No files matching the pattern "explain.sql" were found.\n' });
  });

  it('a file or directory named like a command (or a near miss) is linted', () => {
    const dir = copyFixture();
    writeFileSync(path.join(dir, 'explian'), 'SELECT * FROM t;\n');
    mkdirSync(path.join(dir, 'help'));
    writeFileSync(path.join(dir, 'help/q.sql'), 'DELETE FROM t;\n');
    const typo = runCli(['explian'], { cwd: dir });
    expect(typo.stderr).toBe('');
    expect(typo.stdout).toContain('no-select-star');
    const help = runCli(['help'], { cwd: dir });
    expect(help.stderr).toBe('');
    expect(help.stdout).toContain('require-where');
  });

  it('help prints the help; help <command> the command\'s help', () => {
    const dir = copyFixture();
    const main = runCli(['--help'], { cwd: dir });
    expect(main.status).toBe(0);
    expect(main.stdout).toContain('help [command]');
    expect(runCli(['help'], { cwd: dir })).toEqual(main);
    expect(runCli(['help', 'help'], { cwd: dir })).toEqual(main);
    expect(runCli(['help', 'trace'], { cwd: dir })).toEqual(runCli(['trace', '--help'], { cwd: dir }));
    expect(runCli(['help', 'explan'], { cwd: dir })).toEqual({
      status: 2,
      stdout: '',
      stderr: `sqlwarden: Unknown command \`explan\`; did you mean \`explain\`?\n${usage}\n`,
    });
    expect(runCli(['help', 'nothing'], { cwd: dir })).toEqual({ status: 2, stdout: '', stderr: `sqlwarden: Unknown command \`nothing\`\n${usage}\n` });
  });

  it('-V prints the version like --version and -v', () => {
    const dir = copyFixture();
    const version = runCli(['--version'], { cwd: dir });
    expect(version).toMatchObject({ status: 0, stdout: expect.stringMatching(/^\d+\.\d+\.\d+\S*\n$/), stderr: '' });
    expect(runCli(['-V'], { cwd: dir })).toEqual(version);
    expect(runCli(['-v'], { cwd: dir })).toEqual(version);
    expect(runCli(['--help'], { cwd: dir }).stdout).not.toMatch(/^\s*-V\b/m);
  });
});
