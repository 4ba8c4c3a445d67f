import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { run, VERSION } from '../src/run.ts';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sqlwarden-run-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function runIn(argv: string[], options: { stdin?: string; env?: Record<string, string>; isTTY?: boolean } = {}) {
  let stdout = '';
  let stderr = '';
  const code = await run(argv, {
    stdout: { write: (text) => (stdout += String(text)), isTTY: options.isTTY ?? false },
    stderr: { write: (text) => (stderr += String(text)) },
    stdin: Readable.from([Buffer.from(options.stdin ?? '')]),
    cwd: dir,
    env: options.env ?? {},
  });
  return { code, stdout, stderr };
}

describe('run', () => {
  it('prints the version and help', async () => {
    expect(await runIn(['--version'])).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
    expect((await runIn(['-h'])).stdout).toContain('Usage: sqlwarden');
  });

  it.each([
    [['--fix', '--fix-dry-run'], 'sqlwarden: The --fix option and the --fix-dry-run option cannot be used together.\n'],
    [['--stdin-filename', 'a.sql'], 'sqlwarden: --stdin-filename needs --stdin.\n'],
    [['--stdin', 'a.sql'], 'sqlwarden: --stdin cannot be combined with file patterns (name the input with --stdin-filename).\n'],
    [['--print-config', 'a.sql', '--stdin'], 'sqlwarden: --print-config cannot be combined with file patterns or --stdin.\n'],
  ])('rejects %j', async (argv, stderr) => {
    expect(await runIn(argv)).toEqual({ code: 2, stdout: '', stderr });
  });

  it('lints files in-process and decides colour from the terminal and NO_COLOR', async () => {
    writeFileSync(path.join(dir, 'q.sql'), 'SELECT * FROM t;\n');
    const plain = await runIn([]);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain(`${path.join(dir, 'q.sql')}\n  1:8  warning`);
    expect(plain.stdout).not.toMatch(/\u001b\[/);
    expect((await runIn([], { isTTY: true })).stdout).toMatch(/\u001b\[/);
    expect((await runIn([], { isTTY: true, env: { NO_COLOR: '1' } })).stdout).not.toMatch(/\u001b\[/);
    expect((await runIn(['--color'], { env: { NO_COLOR: '1' } })).stdout).toMatch(/\u001b\[/);
  });

  it('reads stdin', async () => {
    const result = await runIn(['--stdin', '-f', 'json'], { stdin: 'DELETE FROM t;' });
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)[0]).toMatchObject({ filePath: '<text>', errorCount: 1 });
  });
});
