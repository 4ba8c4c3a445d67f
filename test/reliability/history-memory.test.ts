// Issue 13: linting a history holds the catalog and the file being linted, not every file's text
// and parse trees. Speed and peak memory are measured by `npm run bench` and on the corpus; this
// test runs the built CLI under a heap cap, which turns memory that grows with the files already
// linted into a failure (before the fix, this history did not fit in 128 MB of heap; now it fits in 64 MB).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binary, ensureBuilt } from '../cli/helpers.ts';

beforeAll(() => ensureBuilt(), 180_000);

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/**
 * 300 files of 41 statements each (1.8 MB), each statement a tree of a few hundred nodes, each
 * file with 40 findings (on the table the file before created).
 */
function history(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'sqlwarden-history-'));
  dirs.push(dir);
  mkdirSync(path.join(dir, 'queries'), { recursive: true });
  for (let file = 0; file < 300; file++) {
    const lines = [`CREATE TABLE t${file} (id bigint PRIMARY KEY, a int, b text, c timestamptz);`];
    const table = `t${Math.max(0, file - 1)}`;
    for (let i = 0; i < 40; i++) {
      lines.push(
        `UPDATE ${table} SET a = a + ${i}, b = lower(b) WHERE id IN (SELECT id FROM ${table} WHERE c > now() - interval '${i} days' AND a BETWEEN ${i} AND ${i * 2}) AND b LIKE '%x${i}';`,
      );
    }
    writeFileSync(path.join(dir, 'queries', `${String(file).padStart(4, '0')}.sql`), `${lines.join('\n')}\n`);
  }
  return dir;
}

describe('memory bounded by the catalog and the largest file', () => {
  it('300 files (12,300 statements, 12,000 findings) lint in an 80 MB heap', () => {
    const run = spawnSync(process.execPath, ['--max-old-space-size=80', binary, '--format', 'json', '.'], {
      cwd: history(),
      encoding: 'utf8',
      timeout: 170_000,
      maxBuffer: 256 * 1024 * 1024,
    });
    expect(run.signal, run.stderr.slice(0, 2000)).toBeNull();
    expect(run.stderr.slice(0, 2000)).toBe('');
    expect(run.status).toBe(0); // warnings only
    const results = JSON.parse(run.stdout) as Array<{ filePath: string; messages: Array<{ ruleId: string }>; source?: string }>;
    expect(results).toHaveLength(300);
    // Every file has findings, so the report shows every source: kept (packed) until it is written.
    expect(results.every((result) => result.messages.length === 40 && result.source?.startsWith('CREATE TABLE t'))).toBe(true);
  }, 180_000);
});
