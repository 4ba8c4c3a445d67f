// Issue 12, item 1: without a config, whether a file is a migration must not depend on the
// directory the CLI runs from: the default globs are relative to the file's project (its nearest
// package.json or repository root), not to the working directory.
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runCli } from './helpers.ts';

beforeAll(() => ensureBuilt());

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function app(marker: '.git' | 'package.json'): string {
  const root = realpathSync(mkdtempSync(path.join(tmpdir(), 'sqlwarden-cwd-')));
  dirs.push(root);
  if (marker === '.git') mkdirSync(path.join(root, '.git'));
  else writeFileSync(path.join(root, 'package.json'), '{"name":"app"}');
  mkdirSync(path.join(root, 'db/migrations'), { recursive: true });
  writeFileSync(path.join(root, 'db/migrations/001_add_index.sql'), 'CREATE INDEX users_email ON users (email);\n');
  return root;
}

const rulesOf = (stdout: string): string[] => (JSON.parse(stdout) as Array<{ messages: Array<{ ruleId: string }> }>).flatMap((r) => r.messages.map((m) => m.ruleId));

describe('a migration is a migration from any working directory', () => {
  for (const marker of ['.git', 'package.json'] as const) {
    it(`from the migrations folder of a project marked by ${marker}`, () => {
      const root = app(marker);
      const fromRoot = runCli(['--format', 'json', 'db/migrations/001_add_index.sql'], { cwd: root });
      const fromFolder = runCli(['--format', 'json', '001_add_index.sql'], { cwd: path.join(root, 'db/migrations') });
      expect(rulesOf(fromRoot.stdout)).toContain('no-blocking-index-build');
      expect(rulesOf(fromFolder.stdout)).toEqual(rulesOf(fromRoot.stdout));
      expect(fromFolder.status).toBe(fromRoot.status);
      expect(fromFolder.status).toBe(1);
    });
  }
});

describe('a migration tool directive makes a file a migration wherever it lives', () => {
  for (const [tool, head] of [
    ['goose', '-- +goose Up\n'],
    ['dbmate', '-- migrate:up\n'],
    ['Liquibase', '--liquibase formatted sql\n--changeset app:1\n'],
  ] as const) {
    it(`${tool}: ${JSON.stringify(head.split('\n')[0])} outside a migrations folder`, () => {
      const root = app('.git');
      mkdirSync(path.join(root, 'sql'));
      writeFileSync(path.join(root, 'sql/add_index.sql'), `${head}CREATE INDEX users_email ON users (email);\n`);
      writeFileSync(path.join(root, 'sql/plain.sql'), 'CREATE INDEX users_email ON users (email);\n');
      const run = runCli(['--format', 'json', 'sql'], { cwd: root });
      const results = JSON.parse(run.stdout) as Array<{ filePath: string; messages: Array<{ ruleId: string }> }>;
      const rules = (name: string) => results.find((r) => r.filePath.endsWith(name))!.messages.map((m) => m.ruleId);
      expect(rules('add_index.sql')).toContain('no-blocking-index-build');
      // Without the directive, a file outside the migration folders is not a migration.
      expect(rules('plain.sql')).not.toContain('no-blocking-index-build');
    });
  }
});

describe("Flyway's script names make a file a migration wherever it lives", () => {
  for (const name of ['V2__add_index.sql', 'V1_2__add_index.sql', 'V2024.01.15__add_index.sql', 'R__add_index.sql']) {
    it(`${name} outside a migrations folder, from the root and from its folder`, () => {
      const root = app('.git');
      mkdirSync(path.join(root, 'sql'));
      writeFileSync(path.join(root, 'sql', name), 'CREATE INDEX users_email ON users (email);\n');
      const fromRoot = runCli(['--format', 'json', `sql/${name}`], { cwd: root });
      const fromFolder = runCli(['--format', 'json', name], { cwd: path.join(root, 'sql') });
      expect(rulesOf(fromRoot.stdout)).toContain('no-blocking-index-build');
      expect(rulesOf(fromFolder.stdout)).toEqual(rulesOf(fromRoot.stdout));
    });
  }

  it('names that only look like Flyway\'s are not migrations', () => {
    const root = app('.git');
    mkdirSync(path.join(root, 'sql'));
    for (const name of ['Views__x.sql', 'V__x.sql', 'v1__x.sql', 'V1a__x.sql']) writeFileSync(path.join(root, 'sql', name), 'CREATE INDEX users_email ON users (email);\n');
    const run = runCli(['--format', 'json', 'sql'], { cwd: root });
    expect(rulesOf(run.stdout)).not.toContain('no-blocking-index-build');
  });
});

/** The notice lines of a run's stderr. */
const notices = (stderr: string): string[] => stderr.split('\n').filter((line) => line.includes('not a migration') || line.includes('not migrations'));

describe('a run that finds schema changes only outside migrations says so once (no config)', () => {
  /** A project without a config whose migrations live in `sql/`, a folder no default glob names. */
  function unconventional(): string {
    const root = realpathSync(mkdtempSync(path.join(tmpdir(), 'sqlwarden-notice-')));
    dirs.push(root);
    mkdirSync(path.join(root, '.git'));
    mkdirSync(path.join(root, 'sql'));
    writeFileSync(path.join(root, 'sql/001_users.sql'), 'CREATE TABLE users (id bigint PRIMARY KEY, email text);\nCREATE INDEX users_email ON users (email);\n');
    writeFileSync(path.join(root, 'sql/002_add_index.sql'), 'CREATE INDEX users_id_email ON users (id, email);\n');
    writeFileSync(path.join(root, 'sql/003_add_column.sql'), 'ALTER TABLE users ADD COLUMN name text;\n');
    mkdirSync(path.join(root, 'queries'));
    writeFileSync(path.join(root, 'queries/users.sql'), 'SELECT id FROM users WHERE email = $1;\n');
    return root;
  }

  it('one line on stderr naming the files and the config that fixes it; the JSON on stdout still parses', () => {
    const root = unconventional();
    const run = runCli(['--format', 'json', '.'], { cwd: root });
    expect(() => JSON.parse(run.stdout)).not.toThrow();
    expect(rulesOf(run.stdout)).not.toContain('no-blocking-index-build');
    // 001 only creates a new table (and indexes it): migration rules would find nothing there.
    expect(notices(run.stderr)).toEqual([
      'sqlwarden: 2 files change existing tables (ALTER, CREATE INDEX, DROP...) but are not migrations, so migration rules did not check them (e.g. sql/002_add_index.sql); to lint them as migrations, add "migrations": { "include": ["sql/**/*.sql"] } to sqlwarden.config.json',
    ]);
  });

  it('the same notice from another directory, with the paths shown from there; following it makes them migrations', () => {
    const root = unconventional();
    const run = runCli(['--format', 'sarif', '003_add_column.sql'], { cwd: path.join(root, 'sql') });
    expect(() => JSON.parse(run.stdout)).not.toThrow();
    expect(notices(run.stderr)).toEqual([
      `sqlwarden: 003_add_column.sql changes existing tables (ALTER, CREATE INDEX, DROP...) but is not a migration, so migration rules did not check it; to lint it as one, add "migrations": { "include": ["sql/**/*.sql"] } to ${path.join(root, 'sqlwarden.config.json')}`,
    ]);
    writeFileSync(path.join(root, 'sqlwarden.config.json'), '{ "migrations": { "include": ["sql/**/*.sql"] } }\n');
    const after = runCli(['--format', 'json', '.'], { cwd: root });
    expect(rulesOf(after.stdout)).toContain('no-blocking-index-build');
    expect(notices(after.stderr)).toEqual([]);
  });

  it('also for --stdin with --stdin-filename, and from the --cache and from worker threads', () => {
    const root = unconventional();
    const stdin = runCli(['--stdin', '--stdin-filename', 'sql/004_drop.sql', '--format', 'json'], { cwd: root, input: 'DROP INDEX users_email;\n' });
    expect(notices(stdin.stderr)).toHaveLength(1);
    expect(notices(stdin.stderr)[0]).toContain('sql/004_drop.sql changes existing tables');
    for (let pass = 0; pass < 2; pass++) {
      const cached = runCli(['--cache', '--format', 'json', 'sql'], { cwd: root, env: { DEBUG: 'sqlwarden:cache' } });
      expect(cached.stderr).toContain(pass === 0 ? 'miss ' : 'hit ');
      expect(notices(cached.stderr), `pass ${pass}`).toHaveLength(1);
    }
    const parallel = runCli(['--concurrency', '2', '--format', 'json', 'sql'], { cwd: root });
    expect(notices(parallel.stderr)).toHaveLength(1);
  });

  it('not printed with a config, when a migration was linted, for query-only runs, for schema snapshots, or with --quiet', () => {
    const root = unconventional();
    expect(notices(runCli(['--quiet', 'sql'], { cwd: root }).stderr)).toEqual([]);
    expect(notices(runCli(['queries'], { cwd: root }).stderr)).toEqual([]);
    expect(notices(runCli(['sql/001_users.sql'], { cwd: root }).stderr)).toEqual([]);
    mkdirSync(path.join(root, 'db'));
    writeFileSync(path.join(root, 'db/structure.sql'), 'ALTER TABLE users ADD COLUMN name text;\n');
    expect(notices(runCli(['db/structure.sql'], { cwd: root }).stderr)).toEqual([]);
    mkdirSync(path.join(root, 'db/migrations'));
    writeFileSync(path.join(root, 'db/migrations/001_x.sql'), 'SELECT 1;\n');
    expect(notices(runCli(['.'], { cwd: root }).stderr)).toEqual([]);
    expect(notices(runCli(['sql'], { cwd: root }).stderr)).toHaveLength(1);
    writeFileSync(path.join(root, 'sqlwarden.config.json'), '{}\n');
    expect(notices(runCli(['sql'], { cwd: root }).stderr)).toEqual([]);
  });
});
