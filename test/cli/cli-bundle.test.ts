import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPTIMIZE_WASM_FROM_FILES } from '../../packages/cli/src/startup/wasm-tiering.ts';
import { checkConfigShape } from '../../packages/core/src/config/shape.ts';
import { binary, copyFixture, ensureBuilt, removeTempDirs, repoRoot, runCli } from './helpers.ts';

beforeAll(ensureBuilt, 180_000);
afterAll(removeTempDirs);

const version = JSON.parse(readFileSync(path.join(repoRoot, 'packages/cli/package.json'), 'utf8')).version as string;

describe('the bundled binary', () => {
  it('prints its version and help from any directory', () => {
    const dir = copyFixture();
    expect(runCli(['--version'], { cwd: dir })).toEqual({ status: 0, stdout: `${version}\n`, stderr: '' });
    const help = runCli(['--help'], { cwd: dir });
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^Usage: sqlwarden \[options\] \[file\|dir\|glob \.\.\.\]/);
    for (const flag of ['--config', '--format', '--fix', '--fix-dry-run', '--rule', '--pg-version', '--max-warnings', '--print-config', '--quiet', '--no-color', '--stdin', '--stdin-filename', '--no-error-on-unmatched-pattern']) {
      expect(help.stdout).toContain(flag);
    }
  });

  it('links a bin that is tracked in git (npm links bins before `prepare` builds dist/) and runs the bundle', () => {
    const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'packages/cli/package.json'), 'utf8')) as { bin: Record<string, string> };
    const bin = path.join(repoRoot, 'packages/cli', pkg.bin.sqlwarden!);
    const tracked = execFileSync('git', ['ls-files', '--error-unmatch', path.relative(repoRoot, bin)], { cwd: repoRoot, encoding: 'utf8' });
    expect(tracked.trim()).toBe(path.relative(repoRoot, bin));
    const run = spawnSync(process.execPath, [bin, '--version'], { encoding: 'utf8' });
    expect({ status: run.status, stdout: run.stdout }).toEqual({ status: 0, stdout: `${version}\n` });
  });

  it('is the launcher, the CLI bundle and the parser WASM: it runs when copied away from node_modules', () => {
    const dir = copyFixture();
    for (const name of ['sqlwarden.mjs', 'sqlwarden-main.cjs', 'libpg-query.wasm']) copyFileSync(path.join(path.dirname(binary), name), path.join(dir, name));
    const run = spawnSync(process.execPath, [path.join(dir, 'sqlwarden.mjs'), '--stdin', '-f', 'json'], {
      cwd: '/',
      input: 'SELECT * FROM t;',
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)[0].messages[0].ruleId).toBe('no-select-star');
  });

  it('runs the same with the code cache it stores after a first run (DEBUG=sqlwarden:startup tells which)', () => {
    const dir = copyFixture('errors');
    const tmp = copyFixture();
    const run = () => runCli(['-f', 'json'], { cwd: dir, env: { TMPDIR: tmp, DEBUG: 'sqlwarden:startup' } });
    const first = run();
    expect(first.stderr).toMatch(/^sqlwarden:startup no cached code in .*: compiled from source\nsqlwarden:startup stored \d+ bytes of cached code in /);
    const second = run();
    expect(second.stderr).toMatch(/^sqlwarden:startup compiled with the cached code in \S+\n$/);
    expect(second.stdout).toBe(first.stdout);
    expect(second.status).toBe(first.status);
    const off = runCli(['-f', 'json'], { cwd: dir, env: { TMPDIR: tmp, DEBUG: 'sqlwarden:startup', SQLWARDEN_NO_CODE_CACHE: '1' } });
    expect(off.stderr).toBe('sqlwarden:startup code cache off: compiled from source\n');
    expect(off.stdout).toBe(first.stdout);
  });

  it('stores code that the next start accepts after a run of enough files to optimize the parser', () => {
    const dir = copyFixture();
    for (let i = 0; i < OPTIMIZE_WASM_FROM_FILES; i++) writeFileSync(path.join(dir, `${String(i).padStart(4, '0')}.sql`), 'SELECT 1;\n');
    const tmp = copyFixture();
    const env = { TMPDIR: tmp, DEBUG: 'sqlwarden:startup' };
    const many = runCli(['-f', 'json', '.'], { cwd: dir, env });
    expect(many.status).toBe(0);
    expect(many.stderr).toMatch(/^sqlwarden:startup no cached code in .*\nsqlwarden:startup stored \d+ bytes of cached code in \S+\n$/);
    expect(runCli(['--version'], { cwd: dir, env }).stderr).toMatch(/^sqlwarden:startup compiled with the cached code in \S+\n$/);
  });

  it('checks configs with the validator generated at build time as the sources do', () => {
    const configs: unknown[] = [
      {},
      { dialect: 'oracle' },
      { postgresVersion: 3 },
      { migrations: { include: 'migrations/*.sql' } },
      { migrations: { order: 'versions' } },
      { rules: { 'no-select-star': ['error', 1] } },
      { rules: { '': 'warn' } },
      { plugins: [''] },
      { lint: true },
    ];
    for (const config of configs) {
      const dir = copyFixture();
      writeFileSync(path.join(dir, 'sqlwarden.config.json'), JSON.stringify(config));
      writeFileSync(path.join(dir, 'a.sql'), 'SELECT 1;\n');
      const run = runCli(['--print-config', 'a.sql'], { cwd: dir });
      const problem = checkConfigShape(config);
      if (problem === undefined) expect({ config, status: run.status, stderr: run.stderr }).toEqual({ config, status: 0, stderr: '' });
      else expect({ config, stderr: run.stderr }).toEqual({ config, stderr: `sqlwarden: Invalid config ${path.join(dir, 'sqlwarden.config.json')}: ${problem.message}\n` });
    }
  });

  it('is executable with a node shebang', () => {
    expect(readFileSync(binary, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    const run = spawnSync(binary, ['--version'], { encoding: 'utf8' });
    expect(run.stdout).toBe(`${version}\n`);
  });
});

describe('stylish output', () => {
  it("matches ESLint's layout for a project with errors and warnings", () => {
    const dir = copyFixture('errors');
    // Message wording belongs to the rules; the layout around it is what this test pins down.
    const [, index, cleanup] = JSON.parse(runCli(['-f', 'json'], { cwd: dir }).stdout) as Array<{
      messages: Array<{ message: string }>;
    }>;
    const text = (message: { message: string }) => message.message.replace(/\.$/, '');
    const [indexMessage, timeoutMessage] = index!.messages.map(text) as [string, string];
    const indexWidth = Math.max(indexMessage.length, timeoutMessage.length);
    const [deleteMessage, starMessage] = cleanup!.messages.map(text) as [string, string];
    const width = Math.max(deleteMessage.length, starMessage.length);

    const run = runCli(['--no-color'], { cwd: dir });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe('');
    expect(run.stdout.split(dir).join('<dir>')).toBe(
      [
        '',
        '<dir>/migrations/002_index_users_email.sql',
        `  1:1  error    ${indexMessage.padEnd(indexWidth)}  no-blocking-index-build`,
        `  1:1  warning  ${timeoutMessage.padEnd(indexWidth)}  require-lock-timeout`,
        '',
        '<dir>/scripts/cleanup.sql',
        `  1:1  error    ${deleteMessage.padEnd(width)}  require-where`,
        `  2:8  warning  ${starMessage.padEnd(width)}  no-select-star`,
        '',
        '\u2716 4 problems (2 errors, 2 warnings)',
        '  1 error and 0 warnings potentially fixable with the --fix option.',
        '',
      ].join('\n'),
    );
  });

  it('prints the warnings-only summary and nothing for a clean project', () => {
    const warnings = copyFixture('warnings');
    const run = runCli(['--no-color'], { cwd: warnings });
    expect(run.status).toBe(0);
    expect(run.stdout.split(warnings).join('<dir>')).toMatch(
      /^\n<dir>\/queries\/all_users\.sql\n  1:8  warning  .+  no-select-star\n\n\u2716 1 problem \(0 errors, 1 warning\)\n$/,
    );
    expect(runCli(['--no-color'], { cwd: copyFixture('clean') }).stdout).toBe('');
  });

  it('is coloured with --color and plain by default when not a terminal', () => {
    const dir = copyFixture('warnings');
    expect(runCli([], { cwd: dir }).stdout).not.toMatch(/\u001b\[/);
    expect(runCli(['--color'], { cwd: dir }).stdout).toMatch(/\u001b\[/);
    expect(runCli([], { cwd: dir, env: { FORCE_COLOR: '1' } }).stdout).toMatch(/\u001b\[/);
    expect(runCli(['--color'], { cwd: dir }).stdout.replace(/\u001b\[\d+m/g, '')).toBe(runCli(['--no-color'], { cwd: dir }).stdout);
  });
});
