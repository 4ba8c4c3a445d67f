import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../packages/cli/src/run.ts';
import { createProgress } from '../../packages/cli/src/progress.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  vi.restoreAllMocks();
});

function project(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'sqlwarden-progress-'));
  dirs.push(dir);
  mkdirSync(path.join(dir, 'migrations'));
  for (let i = 1; i <= 6; i++) writeFileSync(path.join(dir, `migrations/00${i}.sql`), `CREATE TABLE t${i} (id bigint PRIMARY KEY);\n`);
  return dir;
}

async function lintIn(dir: string, stderrIsTTY: boolean, env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await run(['-f', 'json'], {
    stdout: { write: (text) => (stdout += String(text)), isTTY: false },
    stderr: { write: (text) => (stderr += String(text)), isTTY: stderrIsTTY },
    stdin: Readable.from([]),
    cwd: dir,
    env,
  });
  return { code, stdout, stderr };
}

/** Every Date.now() is 700 ms after the previous one: a "long" run without waiting. */
function slowClock(): void {
  let time = 1_000_000;
  vi.spyOn(Date, 'now').mockImplementation(() => (time += 700));
}

describe('progress bar', () => {
  it('appears on a terminal stderr for a long run, and is erased at the end', async () => {
    const dir = project();
    const quiet = await lintIn(dir, false);
    slowClock();
    const tty = await lintIn(dir, true);
    expect(tty.stderr).toContain('/6 files');
    expect(tty.stderr).toMatch(/\[#+-*\] \d\/6 files/);
    expect(tty.stderr.endsWith('\r\x1b[K')).toBe(true);
    expect(tty.stdout).toBe(quiet.stdout);
  });

  it('is absent when stderr is not a terminal, in CI, and for short runs', async () => {
    const dir = project();
    slowClock();
    expect((await lintIn(dir, false)).stderr).toBe('');
    expect((await lintIn(dir, true, { CI: 'true' })).stderr).toBe('');
    expect((await lintIn(dir, true, { TERM: 'dumb' })).stderr).toBe('');
    vi.restoreAllMocks();
    const writes: string[] = [];
    let time = 0;
    const progress = createProgress({ stream: { write: (text) => writes.push(text), isTTY: true }, env: {}, total: 3, now: () => time });
    time = 500;
    progress.tick();
    time = 999;
    progress.tick();
    progress.done();
    expect(writes).toEqual([]);
  });

  it('redraws at most every 100 ms after the first second', () => {
    const writes: string[] = [];
    let time = 0;
    const progress = createProgress({ stream: { write: (text) => writes.push(text), isTTY: true, columns: 60 }, env: {}, total: 4, now: () => time });
    time = 1000;
    progress.tick();
    time = 1050;
    progress.tick();
    time = 1200;
    progress.tick(2);
    progress.done();
    expect(writes).toEqual(['\r\x1b[K[#####---------------] 1/4 files 25%', '\r\x1b[K[####################] 4/4 files 100%', '\r\x1b[K']);
  });
});
