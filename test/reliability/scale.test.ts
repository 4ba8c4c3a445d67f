// Issue 10, items 1, 3, 4 and 5: valid or pathological input must neither hang the CLI nor grow
// its memory with the square of the file. Speed is measured by `npm run bench` (the scale series);
// these tests run the built CLI under a heap cap and a generous time limit, which only turn a hang
// or quadratic memory into a failure (before the fixes each of them ran out of memory or time).
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binary, copyFixture, ensureBuilt, removeTempDirs } from '../cli/helpers.ts';

beforeAll(() => ensureBuilt(), 180_000);
afterAll(() => removeTempDirs());

interface Run {
  status: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  results: Array<{ messages: Array<{ ruleId: string; message: string; line: number; column: number; severity: number }> }>;
}

/** The CLI on one migration file, with V8's heap capped at `heapMb` and a `timeoutMs` guard. */
function lintMigration(sql: string, options: { heapMb: number; timeoutMs?: number }): Run {
  const dir = copyFixture();
  mkdirSync(path.join(dir, 'migrations'));
  writeFileSync(path.join(dir, 'migrations', '001_big.sql'), sql);
  const run = spawnSync(process.execPath, [`--max-old-space-size=${options.heapMb}`, binary, '--format', 'json', 'migrations'], {
    cwd: dir,
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 90_000,
    maxBuffer: 256 * 1024 * 1024,
  });
  let results: Run['results'] = [];
  try {
    results = JSON.parse(run.stdout);
  } catch {
    // Left empty: the assertions on status and stderr say what happened.
  }
  return { status: run.status, signal: run.signal, stderr: run.stderr, results };
}

function repeat(count: number, line: (i: number) => string): string {
  const lines: string[] = [];
  for (let i = 0; i < count; i++) lines.push(line(i));
  return lines.join('\n') + '\n';
}

function expectFinished(run: Run): void {
  expect(run.signal, run.stderr.slice(0, 2000)).toBeNull();
  expect(run.stderr.slice(0, 2000)).toBe('');
  expect([0, 1]).toContain(run.status);
  expect(run.results).toHaveLength(1);
}

describe('a valid migration never hangs the catalog (item 1)', () => {
  it.each([
    ['SET SCHEMA of a table with an index', 'CREATE TABLE p1 (id int); CREATE INDEX i ON p1 (id); ALTER TABLE p1 SET SCHEMA public;'],
    ['RENAME of a table with an index', 'CREATE TABLE p1 (id int); CREATE INDEX i ON p1 (id); ALTER TABLE p1 RENAME TO p2;'],
    ['SET SCHEMA with an index from a constraint', 'CREATE TABLE t (a timestamptz, id serial, CONSTRAINT k PRIMARY KEY (a)); ALTER TABLE t SET SCHEMA public;'],
    ['RENAME to its own name', 'CREATE TABLE p1 (id bigint GENERATED ALWAYS AS IDENTITY); CREATE INDEX i ON p1 (id); ALTER TABLE p1 RENAME TO p1;'],
    ['LIKE itself, a constraint index, RENAME to itself', 'CREATE TABLE p2 (LIKE p2 INCLUDING ALL); ALTER TABLE p2 ADD CONSTRAINT p1_pkey UNIQUE (id); ALTER TABLE p2 RENAME TO p2;'],
  ])('%s', (_name, sql) => {
    expectFinished(lintMigration(sql, { heapMb: 256, timeoutMs: 60_000 }));
  }, 90_000);
});

describe('cost linear in statements, memory bounded by the catalog (item 3)', () => {
  // Before: 20,000 of either took 2.6 GB (every version of the table's index or column list kept).
  it.each([
    ['CREATE INDEX on one table', (i: number) => `CREATE INDEX i${i} ON t (a);`],
    ['ADD COLUMN on one table', (i: number) => `ALTER TABLE t ADD COLUMN c${i} int;`],
    ['DROP INDEX on one table', (i: number) => (i < 10_000 ? `CREATE INDEX i${i} ON t (a);` : `DROP INDEX i${i - 10_000};`)],
  ])('%s, 20,000 times, in a 300 MB heap', (_name, line) => {
    const run = lintMigration('CREATE TABLE t (a int);\n' + repeat(20_000, line), { heapMb: 300 });
    expectFinished(run);
  }, 120_000);

  it('a transaction of 10,000 tables each locked and then scanned (each report counted every later statement into a map)', () => {
    const pairs = repeat(10_000, (i) => `ALTER TABLE t${i} ADD COLUMN c int;\nALTER TABLE t${i} ADD CONSTRAINT k${i} CHECK (c > 0);`);
    const run = lintMigration(`BEGIN;\n${pairs}COMMIT;\n`, { heapMb: 300 });
    expectFinished(run);
    // One cause in one transaction: the CLI groups the 9,999 reports into one finding.
    const slow = run.results[0]!.messages.filter((m) => m.ruleId === 'no-slow-work-under-access-exclusive');
    expect(slow).toHaveLength(1);
    expect((slow[0] as { occurrences?: unknown[] }).occurrences).toHaveLength(9_999);
  }, 120_000);

  it('100,000 BEGINs (each one searched the rest of the file for its COMMIT, and the parse cache its list of copies)', () => {
    const run = lintMigration(repeat(100_000, () => 'BEGIN;'), { heapMb: 600 });
    expectFinished(run);
    expect(run.results[0]!.messages.filter((m) => m.ruleId === 'no-nested-transaction').length).toBeGreaterThan(99_000);
  }, 120_000);
});

describe('pathological input to the parser (item 4)', () => {
  it('100,000 unterminated nested /* are one short syntax error at the first, found without the parser', () => {
    const run = lintMigration('UPDATE t SET a = 1;\n' + '/*'.repeat(100_000), { heapMb: 256, timeoutMs: 60_000 });
    expectFinished(run);
    const messages = run.results[0]!.messages;
    expect(messages.map((m) => m.ruleId).sort()).toEqual(['require-where', 'syntax-error']);
    const error = messages.find((m) => m.ruleId === 'syntax-error')!;
    expect(error).toMatchObject({ line: 2, column: 1 });
    expect(error.message).toMatch(/^Unterminated \/\* comment/);
    expect(error.message.length).toBeLessThanOrEqual(140);
  }, 90_000);

  it('a 400,000-item IN list is reported as not analysed, and the rest of the file is linted', () => {
    const list = Array.from({ length: 400_000 }, (_, i) => i).join(', ');
    const run = lintMigration(`SELECT id FROM t WHERE id IN (${list});\nUPDATE t SET a = 1;\n`, { heapMb: 400 });
    expectFinished(run);
    const messages = run.results[0]!.messages;
    expect(messages.find((m) => m.ruleId === 'not-analysed')).toMatchObject({ line: 1, column: 1, severity: 1 });
    expect(messages.find((m) => m.ruleId === 'not-analysed')!.message.length).toBeLessThanOrEqual(140);
    expect(messages.find((m) => m.ruleId === 'require-where')).toMatchObject({ line: 2 });
  }, 120_000);
});

describe('large inputs (item 5)', () => {
  it('a 10 MB one-line INSERT lints in a 300 MB heap', () => {
    // Just under the CLI's 10 MiB file limit.
    const rows = Array.from({ length: 950_000 }, (_, i) => `(${i % 1000},'x')`).join(',');
    expect(rows.length).toBeGreaterThan(9_000_000);
    const run = lintMigration(`INSERT INTO t (a, b) VALUES ${rows};\nDELETE FROM t;\n`, { heapMb: 300 });
    expectFinished(run);
    expect(run.results[0]!.messages.map((m) => m.ruleId).sort()).toEqual(['not-analysed', 'require-where']);
  }, 120_000);
});
