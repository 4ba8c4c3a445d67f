import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splitShares, threadCount } from '../../packages/cli/src/workers/pool.ts';
import { binary, ensureBuilt, repoRoot, runCli } from './helpers.ts';

beforeAll(ensureBuilt, 180_000);

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A table created in 001 and changed in 005-008: those findings need the catalog 001 built. */
const MIGRATIONS: Record<string, string> = {
  'db/migrations/001_accounts.sql': 'CREATE TABLE accounts (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text, name text);\n',
  'db/migrations/002_notes.sql': 'CREATE TABLE notes (id serial PRIMARY KEY, body char(10));\n',
  'db/migrations/003_fill.sql': "INSERT INTO notes (body) VALUES ('a');\nUPDATE notes SET body = 'b';\n",
  'db/migrations/004_select.sql': 'SELECT * FROM notes WHERE lower(body) = $1;\n',
  'db/migrations/005_index.sql': 'CREATE INDEX accounts_email ON accounts (email);\n',
  'db/migrations/006_not_null.sql': 'ALTER TABLE accounts ADD COLUMN region text NOT NULL;\n',
  'db/migrations/007_type.sql': 'ALTER TABLE accounts ALTER COLUMN name TYPE varchar(20);\n',
  'db/migrations/008_drop.sql': 'ALTER TABLE accounts DROP COLUMN email;\nDROP TABLE notes;\n',
};

function project(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'sqlwarden-workers-'));
  dirs.push(dir);
  for (const [file, text] of Object.entries(MIGRATIONS)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

describe('--concurrency', () => {
  it('gives the same JSON as one thread on files that depend on earlier ones', () => {
    const dir = project();
    const single = runCli(['-f', 'json', '--concurrency', '1'], { cwd: dir });
    const parallel = runCli(['-f', 'json', '--concurrency', '2'], { cwd: dir, env: { DEBUG: 'sqlwarden:workers' } });
    expect(parallel.stdout).toBe(single.stdout);
    expect(parallel.status).toBe(single.status);
    expect(runCli(['-f', 'json'], { cwd: dir }).stdout).toBe(single.stdout);
    // A worker really linted a share that starts after 001 (it replayed the files before it).
    const shares = /2 threads, shares starting at 0, (\d+) of 8 files/.exec(parallel.stderr);
    expect(shares, parallel.stderr).not.toBeNull();
    expect(Number(shares![1])).toBeGreaterThan(0);
    expect(parallel.stderr).toMatch(/worker 1 done/);
    const results = JSON.parse(parallel.stdout) as Array<{ filePath: string; messages: Array<{ ruleId: string }> }>;
    const rules = (file: string) => results.find((r) => r.filePath.endsWith(file))!.messages.map((m) => m.ruleId);
    expect(rules('006_not_null.sql')).toContain('no-unsafe-not-null');
    expect(rules('007_type.sql')).toContain('no-table-rewrite');
  });

  it('combines with --cache and accepts auto and off', () => {
    const dir = project();
    const single = runCli(['-f', 'json'], { cwd: dir }).stdout;
    expect(runCli(['-f', 'json', '--cache', '--concurrency', '2'], { cwd: dir }).stdout).toBe(single);
    writeFileSync(path.join(dir, 'db/migrations/002_notes.sql'), 'CREATE TABLE notes (id bigint PRIMARY KEY, body text);\n');
    const after = runCli(['-f', 'json'], { cwd: dir }).stdout;
    expect(runCli(['-f', 'json', '--cache', '--concurrency', '2'], { cwd: dir }).stdout).toBe(after);
    expect(runCli(['-f', 'json', '--concurrency', 'auto'], { cwd: dir }).stdout).toBe(after);
    expect(runCli(['-f', 'json', '--concurrency', 'off'], { cwd: dir }).stdout).toBe(after);
    const bad = runCli(['--concurrency', 'many'], { cwd: dir });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--concurrency/);
  });

  it('reports files it cannot read the same way on the main thread and in a worker', () => {
    // Each thread reads its files when their turn comes: 000 falls in the main thread's share, 009 in the worker's.
    const dir = project();
    writeFileSync(path.join(dir, 'db/migrations/000_binary.sql'), Buffer.from([0x53, 0x00, 0x4c]));
    writeFileSync(path.join(dir, 'db/migrations/009_latin1.sql'), Buffer.from('SELECT \'caf\xe9\';\n', 'latin1'));
    const single = runCli(['-f', 'json', '--concurrency', '1'], { cwd: dir });
    const parallel = runCli(['-f', 'json', '--concurrency', '2'], { cwd: dir, env: { DEBUG: 'sqlwarden:workers' } });
    expect(parallel.stderr).toMatch(/worker 1 done/);
    const shares = /2 threads, shares starting at 0, (\d+) of 10 files/.exec(parallel.stderr);
    expect(Number(shares?.[1])).toBeGreaterThan(0);
    expect(Number(shares?.[1])).toBeLessThanOrEqual(9);
    expect(parallel.stdout).toBe(single.stdout);
    expect(single.status).toBe(2);
    expect(parallel.status).toBe(2);
    const results = JSON.parse(parallel.stdout) as Array<{ filePath: string; fatalErrorCount: number; messages: Array<{ message: string }> }>;
    const fatal = results.filter((r) => r.fatalErrorCount > 0).map((r) => [path.basename(r.filePath), r.messages[0]!.message.split(' (')[0]]);
    expect(fatal).toEqual([
      ['000_binary.sql', expect.stringMatching(/^File looks binary/)],
      ['009_latin1.sql', 'File is not valid UTF-8'],
    ]);
    expect(results).toHaveLength(10);
  });

  const corpus = path.resolve(repoRoot, '../shared/corpus/pg-migrations');
  it.skipIf(!existsSync(corpus))('gives the same JSON as one thread on a sample of the corpus', () => {
    // Whole projects (directories), smallest first, until about 150 files.
    const count = (dir: string): number =>
      readdirSync(dir, { withFileTypes: true }).reduce((sum, entry) => sum + (entry.isDirectory() ? count(path.join(dir, entry.name)) : /\.sql$/.test(entry.name) ? 1 : 0), 0);
    const projects = readdirSync(corpus)
      .map((name) => ({ name, files: count(path.join(corpus, name)) }))
      .filter((p) => p.files > 0)
      .sort((a, b) => a.files - b.files || (a.name < b.name ? -1 : 1));
    const sample: string[] = [];
    let files = 0;
    for (const p of projects) {
      if (files >= 150) break;
      sample.push(p.name);
      files += p.files;
    }
    const lint = (concurrency: string) =>
      spawnSync(process.execPath, [binary, '-f', 'json', '--concurrency', concurrency, ...sample], { cwd: corpus, encoding: 'utf8', timeout: 300_000, maxBuffer: 1 << 28 });
    const single = lint('1');
    const parallel = lint('2');
    expect(single.status).not.toBeNull();
    expect(parallel.status).toBe(single.status);
    expect(parallel.stdout).toBe(single.stdout);
  }, 600_000);
  if (!existsSync(corpus)) it.skip(`corpus sample skipped: ${corpus} is absent`, () => {});
});

describe('splitting files between threads', () => {
  it('covers every file once, in order', () => {
    const sizes = Array.from({ length: 100 }, (_, i) => 50 + (i % 7) * 10);
    for (const threads of [1, 2, 3, 4]) {
      const bounds = splitShares(sizes, threads, 0.5);
      expect(bounds[0]).toBe(0);
      expect(bounds[bounds.length - 1]).toBe(100);
      expect(bounds.length - 1).toBeLessThanOrEqual(threads);
      for (let i = 1; i < bounds.length; i++) expect(bounds[i]!).toBeGreaterThan(bounds[i - 1]!);
    }
    // Replaying that costs as much as linting leaves nothing to share.
    expect(splitShares(sizes, 2, 1)).toEqual([0, 100]);
  });

  it('auto uses the cores but one, and not for a few files', () => {
    expect(threadCount(1, 1000)).toBe(1);
    expect(threadCount(4, 2)).toBe(2);
    expect(threadCount('auto', 10, 8)).toBe(1);
    expect(threadCount('auto', 100_000, 8)).toBe(7);
    expect(threadCount('auto', 100_000, 2)).toBe(1);
    expect(threadCount('auto', 500, 8)).toBe(2);
  });
});

describe('option parsing', () => {
  it('reads --cache, --cache-location and --concurrency', async () => {
    const { parseArgs } = await import('../../packages/cli/src/args.ts');
    const output = { writeOut: () => {}, writeErr: () => {} };
    const parsed = parseArgs(['--cache', '--cache-location', 'x/', '--concurrency', 'auto'], '1.0.0', output);
    expect(parsed).toMatchObject({ kind: 'options', options: { cache: true, cacheLocation: 'x/', concurrency: 'auto' } });
    expect(parseArgs(['--concurrency', 'off'], '1.0.0', output)).toMatchObject({ options: { concurrency: 1 } });
    expect(parseArgs(['--concurrency', '3'], '1.0.0', output)).toMatchObject({ options: { concurrency: 3 } });
    expect(parseArgs(['--concurrency', '0'], '1.0.0', output)).toEqual({ kind: 'exit', code: 2 });
    const defaults = parseArgs([], '1.0.0', output);
    expect(defaults.kind === 'options' && defaults.options.cache).toBeFalsy();
  });
});
