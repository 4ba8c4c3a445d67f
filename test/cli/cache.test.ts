import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { globalKey } from '../../packages/cli/src/cache/keys.ts';
import { binary, ensureBuilt, runCli } from './helpers.ts';

beforeAll(ensureBuilt, 180_000);

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/**
 * Five migrations with cross-file catalog dependencies: 001 creates the table, 003 and 005 change
 * it (findings that exist only because the table already exists), 002 and 004 are independent.
 */
const MIGRATIONS: Record<string, string> = {
  'migrations/001_accounts.sql': 'CREATE TABLE accounts (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text);\n',
  'migrations/002_notes.sql': 'CREATE TABLE notes (id bigint PRIMARY KEY, body text);\n',
  'migrations/003_index.sql': 'CREATE INDEX accounts_email ON accounts (email);\n',
  'migrations/004_select.sql': 'SELECT * FROM notes;\n',
  'migrations/005_not_null.sql': 'ALTER TABLE accounts ADD COLUMN region text NOT NULL;\n',
};

function project(files: Record<string, string> = MIGRATIONS): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'sqlwarden-cache-'));
  dirs.push(dir);
  for (const [file, text] of Object.entries(files)) write(dir, file, text);
  return dir;
}

function write(dir: string, file: string, text: string): void {
  mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
  writeFileSync(path.join(dir, file), text);
}

const CACHE_FILE = 'node_modules/.cache/sqlwarden/lint-cache.json';

interface CachedRun {
  status: number | null;
  stdout: string;
  /** File (relative) -> hit / miss / relint, from DEBUG=sqlwarden:cache. */
  decisions: Record<string, string>;
  log: string[];
}

function cached(dir: string, extra: string[] = [], bin?: string): CachedRun {
  const run = runCli(['-f', 'json', '--cache', ...extra], { cwd: dir, env: { DEBUG: 'sqlwarden:cache' }, ...(bin !== undefined ? { bin } : {}) });
  const log = run.stderr.split('\n').filter((line) => line.startsWith('sqlwarden:cache '));
  const decisions: Record<string, string> = {};
  for (const line of log) {
    const match = /^sqlwarden:cache (hit|miss|relint) (.*)$/.exec(line);
    if (match) decisions[path.relative(dir, match[2]!).split(path.sep).join('/')] = match[1]!;
  }
  return { status: run.status, stdout: run.stdout, decisions, log };
}

function uncached(dir: string, extra: string[] = []): string {
  return runCli(['-f', 'json', ...extra], { cwd: dir }).stdout;
}

function all(decision: string, files: string[] = Object.keys(MIGRATIONS)): Record<string, string> {
  return Object.fromEntries(files.map((file) => [file, decision]));
}

describe('--cache', () => {
  it('misses, then hits with the same report, stored under node_modules/.cache/sqlwarden', () => {
    const dir = project();
    const first = cached(dir);
    expect(first.decisions).toEqual(all('miss'));
    expect(existsSync(path.join(dir, CACHE_FILE))).toBe(true);
    const second = cached(dir);
    expect(second.decisions).toEqual(all('hit'));
    expect(second.stdout).toBe(first.stdout);
    expect(second.status).toBe(first.status);
    expect(first.stdout).toBe(uncached(dir));
    // The dependent findings are there (and so come from the cache the second time).
    const results = JSON.parse(second.stdout) as Array<{ filePath: string; messages: Array<{ ruleId: string }> }>;
    const rules = (file: string) => results.find((r) => r.filePath.endsWith(file))!.messages.map((m) => m.ruleId);
    expect(rules('003_index.sql')).toContain('no-blocking-index-build');
    expect(rules('005_not_null.sql')).toContain('no-unsafe-not-null');
  });

  it('re-lints a file whose content changed', () => {
    const dir = project();
    cached(dir);
    write(dir, 'migrations/005_not_null.sql', 'ALTER TABLE accounts ADD COLUMN region text;\n');
    const run = cached(dir);
    expect(run.decisions).toEqual({ ...all('hit'), 'migrations/005_not_null.sql': 'miss' });
    expect(run.stdout).toBe(uncached(dir));
  });

  it('invalidates every later migration when an earlier one changes', () => {
    const dir = project();
    cached(dir);
    // Without the table, 003 and 005 no longer warn about an existing table.
    write(dir, 'migrations/001_accounts.sql', 'CREATE TABLE other (id bigint PRIMARY KEY);\n');
    const run = cached(dir);
    expect(run.decisions).toEqual(all('miss'));
    expect(run.stdout).toBe(uncached(dir));
    write(dir, 'migrations/002_notes.sql', 'CREATE TABLE notes (id bigint PRIMARY KEY, body text, extra text);\n');
    expect(cached(dir).decisions).toEqual({ ...all('miss'), 'migrations/001_accounts.sql': 'hit' });
  });

  it('keeps earlier entries when a migration is appended', () => {
    const dir = project();
    cached(dir);
    write(dir, 'migrations/006_more.sql', 'ALTER TABLE accounts DROP COLUMN email;\n');
    const run = cached(dir);
    expect(run.decisions).toEqual({ ...all('hit'), 'migrations/006_more.sql': 'miss' });
    expect(run.stdout).toBe(uncached(dir));
  });

  it('invalidates when the config changes', () => {
    const dir = project();
    cached(dir);
    write(dir, 'sqlwarden.config.json', JSON.stringify({ rules: { 'no-select-star': 'error' } }));
    const run = cached(dir);
    expect(run.decisions).toEqual(all('miss'));
    expect(run.stdout).toBe(uncached(dir));
    // Rule options too.
    write(dir, 'sqlwarden.config.json', JSON.stringify({ rules: { 'no-select-star': 'off' } }));
    expect(cached(dir).decisions).toEqual(all('miss'));
    expect(cached(dir).decisions).toEqual(all('hit'));
  });

  it('invalidates on --rule and --pg-version, and keeps their entries apart', () => {
    const dir = project();
    cached(dir);
    const withRule = cached(dir, ['--rule', 'no-select-star:off']);
    expect(withRule.decisions).toEqual(all('miss'));
    expect(withRule.stdout).toBe(uncached(dir, ['--rule', 'no-select-star:off']));
    expect(cached(dir, ['--pg-version', '11']).decisions).toEqual(all('miss'));
  });

  it('invalidates when the sqlwarden version changes', () => {
    const dir = project();
    cached(dir);
    const file = path.join(dir, CACHE_FILE);
    const document = JSON.parse(readFileSync(file, 'utf8')) as { version: string };
    document.version = '0.0.0-older';
    writeFileSync(file, JSON.stringify(document));
    const run = cached(dir);
    expect(run.log.some((line) => line.includes('written by another version'))).toBe(true);
    expect(run.decisions).toEqual(all('miss'));
    // And the version is part of every key.
    expect(globalKey({ version: '1.0.0', cwd: dir, rules: {} })).not.toBe(globalKey({ version: '1.0.1', cwd: dir, rules: {} }));
  });

  it('ignores and rewrites a corrupt cache file', () => {
    const dir = project();
    const first = cached(dir);
    const file = path.join(dir, CACHE_FILE);
    writeFileSync(file, '{"format": 1, "entr');
    const run = cached(dir);
    expect(run.status).toBe(first.status);
    expect(run.stdout).toBe(first.stdout);
    expect(run.log.some((line) => line.includes('not valid JSON'))).toBe(true);
    expect(run.decisions).toEqual(all('miss'));
    expect(() => JSON.parse(readFileSync(file, 'utf8'))).not.toThrow();
    expect(cached(dir).decisions).toEqual(all('hit'));
  });

  it('honours --cache-location (a file, or a directory) and does not cache fix runs', () => {
    const dir = project();
    cached(dir, ['--cache-location', 'my-cache.json']);
    expect(existsSync(path.join(dir, 'my-cache.json'))).toBe(true);
    expect(cached(dir, ['--cache-location', 'my-cache.json']).decisions).toEqual(all('hit'));
    cached(dir, ['--cache-location', 'cache-dir/']);
    expect(existsSync(path.join(dir, 'cache-dir/lint-cache.json'))).toBe(true);
    expect(existsSync(path.join(dir, CACHE_FILE))).toBe(false);
    const dryRun = cached(dir, ['--cache-location', 'my-cache.json', '--fix-dry-run']);
    expect(dryRun.decisions).toEqual({});
  });

  it('warns on stderr when the cache cannot be written, with the same results and exit code', () => {
    const dir = project();
    // A cache path under a regular file cannot be created, even by root.
    write(dir, 'not-a-dir.txt', 'x');
    const expected = runCli(['-f', 'json'], { cwd: dir });
    for (const location of ['not-a-dir.txt/cache.json', 'not-a-dir.txt/sub/']) {
      const run = runCli(['-f', 'json', '--cache', '--cache-location', location], { cwd: dir });
      expect(run.stdout).toBe(expected.stdout);
      expect(run.status).toBe(expected.status);
      const lines = run.stderr.trimEnd().split('\n');
      const file = path.join(dir, location.endsWith('/') ? `${location}lint-cache.json` : location);
      expect(lines[0]).toMatch(new RegExp(`^sqlwarden: Warning: Could not write the cache file ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: a parent is not a directory \\((ENOTDIR|EEXIST)\\)$`));
      expect(lines[1]).toBe('  The results are complete; the next --cache run lints every file again. Check --cache-location.');
      expect(lines).toHaveLength(2);
    }
  });

  it('keeps the statement ranges --baseline fingerprints: a warm run writes the baseline a cold one does', () => {
    const dir = project({ ...MIGRATIONS, 'migrations/006_two.sql': 'SELECT * FROM notes;\n\nDELETE FROM notes;\n' });
    const cold = cached(dir, ['--write-baseline', 'cold.json']);
    expect(Object.values(cold.decisions)).not.toContain('hit');
    const warm = cached(dir, ['--write-baseline', 'warm.json']);
    expect(Object.values(warm.decisions).every((decision) => decision === 'hit')).toBe(true);
    const baseline = readFileSync(path.join(dir, 'cold.json'), 'utf8');
    expect(baseline).toContain('"fingerprint"');
    expect(readFileSync(path.join(dir, 'warm.json'), 'utf8')).toBe(baseline);
    const hidden = JSON.parse(cached(dir, ['--baseline', 'cold.json']).stdout) as Array<{ messages: unknown[] }>;
    expect(hidden.flatMap((result) => result.messages)).toEqual([]);
  });

  it('answers a run whose every file hits without loading the parser', () => {
    // A copy of the CLI whose parser WASM is gone can only answer when it parses nothing.
    const cli = mkdtempSync(path.join(tmpdir(), 'sqlwarden-cli-copy-'));
    dirs.push(cli);
    for (const name of ['sqlwarden.mjs', 'sqlwarden-main.cjs', 'libpg-query.wasm']) copyFileSync(path.join(path.dirname(binary), name), path.join(cli, name));
    const bin = path.join(cli, 'sqlwarden.mjs');
    const dir = project();
    const first = cached(dir, [], bin);
    expect(first.decisions).toEqual(all('miss'));
    rmSync(path.join(cli, 'libpg-query.wasm'));
    const second = cached(dir, [], bin);
    expect(second.decisions).toEqual(all('hit'));
    expect(second.stdout).toBe(first.stdout);
    expect(second.status).toBe(first.status);
  });

  it('prints no cache lines without DEBUG', () => {
    const dir = project();
    runCli(['-f', 'json', '--cache'], { cwd: dir });
    const run = runCli(['-f', 'json', '--cache'], { cwd: dir });
    expect(run.stderr).toBe('');
  });
});
