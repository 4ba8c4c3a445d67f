import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFixture, ensureBuilt, parseJsonOutput, removeTempDirs, runCli } from './helpers.ts';

beforeAll(ensureBuilt, 180_000);
afterAll(removeTempDirs);

const INDEX_FILE = 'migrations/002_index_users_email.sql';

function snapshot(dir: string, files: string[]): Record<string, { text: string; mtimeMs: number }> {
  return Object.fromEntries(
    files.map((file) => [file, { text: readFileSync(path.join(dir, file), 'utf8'), mtimeMs: statSync(path.join(dir, file)).mtimeMs }]),
  );
}

describe('--fix', () => {
  it('writes fixes, and a second run changes nothing', () => {
    const dir = copyFixture('errors');
    const files = ['migrations/001_create_users.sql', INDEX_FILE, 'scripts/cleanup.sql'];
    const before = snapshot(dir, files);

    const first = runCli(['--fix', '-f', 'json'], { cwd: dir });
    expect(first.status).toBe(1); // require-where has no fix
    const afterFirst = snapshot(dir, files);
    expect(afterFirst[INDEX_FILE]!.text).toBe('CREATE INDEX CONCURRENTLY users_email_idx ON users (email);\n');
    expect(afterFirst['scripts/cleanup.sql']).toEqual(before['scripts/cleanup.sql']);
    expect(afterFirst['migrations/001_create_users.sql']).toEqual(before['migrations/001_create_users.sql']);
    const firstResults = parseJsonOutput(first.stdout, dir);
    expect(firstResults[1]!.output).toBe(afterFirst[INDEX_FILE]!.text);
    expect(firstResults[1]!.messages).toEqual([]);

    const second = runCli(['--fix', '-f', 'json'], { cwd: dir });
    expect(second.status).toBe(1);
    expect(snapshot(dir, files)).toEqual(afterFirst);
    const secondResults = parseJsonOutput(second.stdout, dir);
    expect(secondResults.some((result) => 'output' in result)).toBe(false);
    expect(secondResults.map((result) => result.fixableErrorCount + result.fixableWarningCount)).toEqual([0, 0, 0]);
  });

  it('keeps a byte order mark', () => {
    const dir = copyFixture('errors');
    writeFileSync(path.join(dir, INDEX_FILE), '\uFEFFCREATE INDEX users_email_idx ON users (email);\n');
    runCli(['--fix', INDEX_FILE], { cwd: dir });
    expect(readFileSync(path.join(dir, INDEX_FILE), 'utf8')).toBe('\uFEFFCREATE INDEX CONCURRENTLY users_email_idx ON users (email);\n');
  });

  it('writes a UTF-16 file back as UTF-16 with its byte-order mark', () => {
    const dir = copyFixture('errors');
    writeFileSync(path.join(dir, INDEX_FILE), Buffer.from('\uFEFFCREATE INDEX users_email_idx ON users (email);\n', 'utf16le'));
    const run = runCli(['--fix', INDEX_FILE], { cwd: dir });
    expect(run).toEqual({ status: 0, stdout: '', stderr: '' });
    expect(readFileSync(path.join(dir, INDEX_FILE))).toEqual(
      Buffer.from('\uFEFFCREATE INDEX CONCURRENTLY users_email_idx ON users (email);\n', 'utf16le'),
    );
  });

  it('--fix-dry-run reports the output without writing', () => {
    const dir = copyFixture('errors');
    const before = readFileSync(path.join(dir, INDEX_FILE), 'utf8');
    const run = runCli(['--fix-dry-run', '-f', 'json', INDEX_FILE], { cwd: dir });
    expect(run.status).toBe(0);
    const [result] = parseJsonOutput(run.stdout, dir);
    expect(result!.output).toBe('CREATE INDEX CONCURRENTLY users_email_idx ON users (email);\n');
    expect(result!).not.toHaveProperty('source');
    expect(readFileSync(path.join(dir, INDEX_FILE), 'utf8')).toBe(before);
  });
});

describe('--stdin', () => {
  it('lints stdin as <text>', () => {
    const dir = copyFixture();
    const run = runCli(['--stdin', '-f', 'json'], { cwd: dir, input: 'DELETE FROM users;\n' });
    expect(run.status).toBe(1);
    const [result] = JSON.parse(run.stdout);
    expect(result.filePath).toBe('<text>');
    expect(result.messages.map((m: { ruleId: string }) => m.ruleId)).toEqual(['require-where']);
    expect(result.source).toBe('DELETE FROM users;\n');
  });

  it('uses --stdin-filename for the report and config lookup', () => {
    const dir = copyFixture('with-config');
    const run = runCli(['--stdin', '--stdin-filename', 'queries/new.sql', '-f', 'json'], { cwd: dir, input: 'SELECT * FROM users;' });
    expect(run.status).toBe(1); // the config makes no-select-star an error
    const [result] = JSON.parse(run.stdout);
    expect(result.filePath).toBe(path.join(dir, 'queries/new.sql'));
    expect(result.messages[0]).toMatchObject({ ruleId: 'no-select-star', severity: 2 });

    const ignored = runCli(['--stdin', '--stdin-filename', 'legacy/x.sql', '-f', 'json'], { cwd: dir, input: 'DELETE FROM users;' });
    expect(ignored.status).toBe(0);
    expect(JSON.parse(ignored.stdout)[0].messages[0].message).toMatch(/^File ignored because of a matching ignore pattern/);
  });

  it('--fix prints the fixed SQL to stdout and the report to stderr', () => {
    const dir = copyFixture();
    const fixed = runCli(['--stdin', '--stdin-filename', 'migrations/003_index.sql', '--fix'], {
      cwd: dir,
      input: 'CREATE INDEX i ON t (a);\n',
    });
    expect(fixed).toEqual({ status: 0, stdout: 'CREATE INDEX CONCURRENTLY i ON t (a);\n', stderr: '' });

    const unfixable = runCli(['--stdin', '--fix', '--no-color'], { cwd: dir, input: 'DELETE FROM t;\n' });
    expect(unfixable.status).toBe(1);
    expect(unfixable.stdout).toBe('DELETE FROM t;\n');
    expect(unfixable.stderr).toMatch(/^\n<text>\n  1:1  error  .*require-where\n/);
  });

  it('--fix-dry-run with stdin reports the output in JSON', () => {
    const dir = copyFixture();
    const run = runCli(['--stdin', '--stdin-filename', 'migrations/003_index.sql', '--fix-dry-run', '-f', 'json'], {
      cwd: dir,
      input: 'CREATE INDEX i ON t (a);',
    });
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)[0].output).toBe('CREATE INDEX CONCURRENTLY i ON t (a);');
  });

  it('reports input that is not UTF-8 text and exits 2', () => {
    const dir = copyFixture();
    const run = runCli(['--stdin', '-f', 'json'], { cwd: dir, input: Buffer.from([0x53, 0xe9, 0x0a]) });
    expect(run.status).toBe(2);
    expect(JSON.parse(run.stdout)[0].messages[0]).toMatchObject({ ruleId: null, fatal: true, message: expect.stringMatching(/UTF-8/) });
  });

  it('refuses file patterns together with --stdin', () => {
    const dir = copyFixture('clean');
    const run = runCli(['--stdin', 'queries'], { cwd: dir, input: 'SELECT 1;' });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/--stdin cannot be combined with file patterns/);
  });
});
