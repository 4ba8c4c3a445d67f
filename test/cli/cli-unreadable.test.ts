import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binary, copyFixture, ensureBuilt, parseJsonOutput, removeTempDirs, runCli } from './helpers.ts';

beforeAll(ensureBuilt, 180_000);

const locked: string[] = [];
afterAll(() => {
  for (const p of locked.splice(0)) chmodSync(p, 0o755);
  removeTempDirs();
});

/**
 * Permission bits only stop an unprivileged user: as root (as in this sandbox) the CLI runs as
 * `nobody` through util-linux's setpriv. Skipped where neither works.
 */
const isRoot = process.getuid?.() === 0;
const setpriv = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p));
const canDropPrivileges = process.platform !== 'win32' && (!isRoot || setpriv !== undefined);

function runUnprivileged(args: string[], cwd: string) {
  const command = isRoot ? setpriv! : process.execPath;
  const prefix = isRoot ? ['--reuid=nobody', '--regid=nogroup', '--clear-groups', process.execPath] : [];
  const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/tmp' };
  const result = spawnSync(command, [...prefix, binary, ...args], { cwd, env, encoding: 'utf8', timeout: 60_000 });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function project(): string {
  const dir = copyFixture();
  chmodSync(dir, 0o755);
  const write = (file: string, text: string) => {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  };
  write('ok/a.sql', 'select 1;\n');
  write('ok/locked/b.sql', 'select 1;\n');
  write('closed/c.sql', 'select 1;\n');
  write('secret.sql', 'select 1;\n');
  for (const p of ['ok/locked', 'closed']) {
    chmodSync(path.join(dir, p), 0o000);
    locked.push(path.join(dir, p));
  }
  chmodSync(path.join(dir, 'secret.sql'), 0o000);
  return dir;
}

describe.skipIf(!canDropPrivileges)('unreadable paths', () => {
  it('a named directory that cannot be listed is reported as such, not as "no SQL files"', () => {
    const dir = project();
    const run = runUnprivileged(['closed', '-f', 'json'], dir);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(2);
    expect(parseJsonOutput(run.stdout, dir)).toMatchObject([
      {
        filePath: 'closed',
        fatalErrorCount: 1,
        messages: [{ ruleId: null, fatal: true, severity: 2, line: 1, column: 1, message: 'Cannot read directory: permission denied (EACCES); check the directory permissions' }],
      },
    ]);
  });

  it('a named file that cannot be read or examined, and unreadable directories inside a searched one, are results; the rest is linted', () => {
    const dir = project();
    const run = runUnprivileged(['ok', 'secret.sql', 'closed/c.sql', '-f', 'json'], dir);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(2);
    const results = parseJsonOutput(run.stdout, dir);
    expect(results.map((r) => [r.filePath, r.messages[0]?.message ?? 'linted'])).toEqual([
      ['closed/c.sql', 'Cannot read file: permission denied (EACCES); check the file permissions'],
      ['ok/a.sql', 'linted'],
      ['ok/locked', 'Cannot read directory: permission denied (EACCES); check the directory permissions'],
      ['secret.sql', 'Cannot read file: permission denied (EACCES); check the file permissions'],
    ]);

    const stylish = runUnprivileged(['closed'], dir);
    expect(stylish.status).toBe(2);
    expect(stylish.stdout).toContain('1:1  error  Cannot read directory: permission denied (EACCES); check the directory permissions');
    expect(stylish.stdout + stylish.stderr).not.toMatch(/^\s+at /m);
  });
});

describe('paths that exist but lead nowhere', () => {
  it('a named broken symbolic link is reported as one, not as a missing pattern', () => {
    const dir = copyFixture('clean');
    symlinkSync(path.join(dir, 'gone.sql'), path.join(dir, 'link.sql'));
    const run = runCli(['link.sql', 'queries', '-f', 'json'], { cwd: dir });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(2);
    expect(parseJsonOutput(run.stdout, dir).map((r) => [r.filePath, r.messages[0]?.message ?? 'linted'])).toEqual([
      ['link.sql', 'Cannot read file: broken symbolic link (its target does not exist); check the link'],
      ['queries/find_user.sql', 'linted'],
    ]);
  });
});

describe.skipIf(process.platform === 'win32' || process.platform === 'darwin')('file names that are not valid UTF-8', () => {
  // b<0xff>ad.sql: Node decodes the name to "b\uFFFDad.sql", which names no file.
  const badName = Buffer.from([0x62, 0xff, 0x61, 0x64, 0x2e, 0x73, 0x71, 0x6c]);
  const notUtf8 = 'Cannot read file: its name is not valid UTF-8 (bad bytes shown as \\xNN); rename it to lint it';

  function projectWithBadName(): string {
    const dir = copyFixture('clean');
    writeFileSync(Buffer.concat([Buffer.from(dir + '/queries/'), badName]), 'delete from t;\n');
    mkdirSync(Buffer.concat([Buffer.from(dir + '/'), Buffer.from([0x64, 0xe9, 0x6a, 0xe0])])); // "déjà" in Latin-1
    writeFileSync(Buffer.concat([Buffer.from(dir + '/'), Buffer.from([0x64, 0xe9, 0x6a, 0xe0, 0x2f, 0x78, 0x2e, 0x73, 0x71, 0x6c])]), 'select 1;\n');
    return dir;
  }

  it('found in a directory: named with its bad bytes escaped and why, not ENOENT; the rest is linted', () => {
    const dir = projectWithBadName();
    const run = runCli(['.', '-f', 'json'], { cwd: dir });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(2);
    const results = parseJsonOutput(run.stdout, dir).map((r) => [r.filePath, r.messages[0]?.message ?? 'linted']);
    expect(results).toEqual([
      ['d\\xe9j\\xe0', 'Cannot read directory: its name is not valid UTF-8 (bad bytes shown as \\xNN); rename it to lint it'],
      ['migrations/001_create_users.sql', 'linted'],
      ['queries/b\\xffad.sql', notUtf8],
      ['queries/find_user.sql', 'linted'],
    ]);
    expect(run.stdout).not.toContain('ENOENT');
  });

  it('named on the command line (the shell passes the raw bytes)', () => {
    const dir = projectWithBadName();
    const result = spawnSync('/bin/sh', ['-c', `"${process.execPath}" "${binary}" -f json "$(printf 'queries/b\\377ad.sql')"`], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(2);
    expect(parseJsonOutput(result.stdout, dir).map((r) => [r.filePath, r.messages[0]?.message])).toEqual([['queries/b\\xffad.sql', notUtf8]]);
  });
});

describe('files over the size limit', () => {
  it('are reported with how to raise the limit, and --max-file-size raises it', () => {
    const dir = copyFixture();
    writeFileSync(path.join(dir, 'big.sql'), 'SELECT 1;\n'.repeat(120_000) + 'DELETE FROM t;\n'); // 1.15 MiB
    const refused = runCli(['--format', 'json', '--max-file-size', '1', 'big.sql'], { cwd: dir });
    expect(refused.status).toBe(2);
    const [result] = parseJsonOutput(refused.stdout, dir);
    expect(result!.messages[0].message).toMatch(/over the 1 MiB limit; .*--max-file-size <MiB>/);
    // (stylish: JSON would carry the 1 MiB source back.)
    const linted = runCli(['--max-file-size', '2', 'big.sql'], { cwd: dir });
    expect(linted.status).toBe(1);
    expect(linted.stdout).toMatch(/120001:1 +error .* require-where/);
    expect(runCli(['--max-file-size', 'lots', 'big.sql'], { cwd: dir }).stderr).toMatch(/Expected a size in MiB/);
  }, 120_000);
});
