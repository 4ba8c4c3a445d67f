/**
 * A short run of the fuzz harness (scripts/fuzz.ts, issue 10): a few hundred mutated corpus files
 * and generated statement sequences through the engine's lint pool, with the --fix, formatter and
 * CLI checks on a sample. Any failure the harness reports (timeout, OOM, crash, internal error,
 * bad position, ill-formed report, --fix breaking text, CLI exit code or stderr) fails the test.
 * The long runs are `npm run fuzz -- --count 100000`, outside `npm test`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, test } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = mkdtempSync(path.join(os.tmpdir(), 'sqlwarden-fuzz-smoke-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

test('a short fuzz run reports no failure', () => {
  const seed = 7;
  const run = spawnSync(
    process.execPath,
    [
      'scripts/run-ts.mjs', 'scripts/fuzz.ts',
      '--count', '300', '--seed', String(seed),
      // The pathological generator is for long runs: its inputs are large by design.
      '--generators', 'mutate=5,grammar=5',
      '--workers', '2', '--time-limit', '5', '--rss-limit', '1536',
      '--fix-every', '5', '--format-every', '5', '--cli-every', '100',
      '--no-minimize', '--quiet', '--out', out,
    ],
    // A guard that turns a hung harness into a failure, not a timing assertion.
    { cwd: root, encoding: 'utf8', timeout: 90_000, maxBuffer: 16 * 1024 * 1024 },
  );
  expect(run.error, `the harness did not finish: ${String(run.error)}\n${run.stderr}`).toBeUndefined();
  const summaryFile = path.join(out, `seed-${seed}`, 'summary.json');
  expect(existsSync(summaryFile), `no summary written (exit ${run.status}):\n${run.stderr}`).toBe(true);
  const summary = JSON.parse(readFileSync(summaryFile, 'utf8')) as { inputs: number; checks: { fix: number; formats: number; cli: number }; failuresByClass: Record<string, unknown> };
  expect(summary.inputs).toBe(300);
  expect(summary.checks.fix).toBeGreaterThan(0);
  expect(summary.checks.formats).toBeGreaterThan(0);
  expect(summary.checks.cli).toBeGreaterThan(0);
  expect(summary.failuresByClass, run.stdout).toEqual({});
  expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
}, 100_000);
