import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFixture, ensureBuilt, parseJsonOutput, removeTempDirs, runCli } from './helpers.ts';

beforeAll(ensureBuilt, 180_000);
afterAll(removeTempDirs);

function ruleIds(result: Record<string, any>): Array<string | null> {
  return result.messages.map((message: { ruleId: string | null }) => message.ruleId);
}

/** A rule entry of the printed config: "error" or ["error", {options}]. */
function severity(entry: unknown): unknown {
  return Array.isArray(entry) ? entry[0] : entry;
}

function write(dir: string, file: string, content: string | Buffer): void {
  mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
  writeFileSync(path.join(dir, file), content);
}

describe('exit codes and results', () => {
  it('exits 0 and prints nothing for a clean project', () => {
    const dir = copyFixture('clean');
    const stylish = runCli([], { cwd: dir });
    expect(stylish).toEqual({ status: 0, stdout: '', stderr: '' });

    const json = runCli(['--format', 'json'], { cwd: dir });
    expect(json.status).toBe(0);
    expect(parseJsonOutput(json.stdout, dir)).toEqual([
      {
        filePath: 'migrations/001_create_users.sql',
        messages: [],
        suppressedMessages: [],
        errorCount: 0,
        fatalErrorCount: 0,
        warningCount: 0,
        fixableErrorCount: 0,
        fixableWarningCount: 0,
        usedDeprecatedRules: [],
      },
      {
        filePath: 'queries/find_user.sql',
        messages: [],
        suppressedMessages: [],
        errorCount: 0,
        fatalErrorCount: 0,
        warningCount: 0,
        fixableErrorCount: 0,
        fixableWarningCount: 0,
        usedDeprecatedRules: [],
      },
    ]);
  });

  it('exits 0 with warnings only, and 1 when they exceed --max-warnings', () => {
    const dir = copyFixture('warnings');
    const plain = runCli(['-f', 'json'], { cwd: dir });
    expect(plain.status).toBe(0);
    const [allUsers, findUser] = parseJsonOutput(plain.stdout, dir);
    expect(allUsers).toMatchObject({
      filePath: 'queries/all_users.sql',
      errorCount: 0,
      warningCount: 1,
      source: 'SELECT * FROM users;\n',
    });
    expect(allUsers!.messages[0]).toMatchObject({ ruleId: 'no-select-star', severity: 1, line: 1, column: 8 });
    expect(allUsers!.messages[0]).not.toHaveProperty('range');
    expect(findUser).toMatchObject({ filePath: 'queries/find_user.sql', messages: [] });

    expect(runCli(['--max-warnings', '1'], { cwd: dir }).status).toBe(0);
    const tooMany = runCli(['--max-warnings', '0'], { cwd: dir });
    expect(tooMany.status).toBe(1);
    expect(tooMany.stderr).toBe('sqlwarden found too many warnings (maximum: 0).\n');
  });

  it('--quiet reports errors only', () => {
    const warnings = copyFixture('warnings');
    expect(runCli(['--quiet'], { cwd: warnings })).toEqual({ status: 0, stdout: '', stderr: '' });
    const errors = copyFixture('errors');
    const quiet = runCli(['--quiet', '-f', 'json'], { cwd: errors });
    expect(quiet.status).toBe(1);
    const all = parseJsonOutput(quiet.stdout, errors).flatMap((result) => result.messages);
    expect(all.length).toBeGreaterThan(0);
    expect(all.every((message) => message.severity === 2)).toBe(true);
  });

  it('exits 1 for lint errors and reports fixes and rule ids per file', () => {
    const dir = copyFixture('errors');
    const run = runCli(['--format=json'], { cwd: dir });
    expect(run.status).toBe(1);
    const results = parseJsonOutput(run.stdout, dir);
    expect(results.map((result) => result.filePath)).toEqual([
      'migrations/001_create_users.sql',
      'migrations/002_index_users_email.sql',
      'scripts/cleanup.sql',
    ]);
    expect(ruleIds(results[0]!)).toEqual([]);
    expect(ruleIds(results[1]!)).toEqual(['no-blocking-index-build', 'require-lock-timeout']);
    expect(results[1]!.messages[0].fix).toEqual({ range: [12, 12], text: ' CONCURRENTLY' });
    expect(results[1]).toMatchObject({ errorCount: 1, fixableErrorCount: 1, warningCount: 1 });
    expect(ruleIds(results[2]!).sort()).toEqual(['no-select-star', 'require-where']);
  });

  it('--rule overrides severities, including the JSON form', () => {
    const dir = copyFixture('errors');
    const off = runCli(['--rule', 'require-where:off', '--rule', 'no-blocking-index-build:off', '-f', 'json'], { cwd: dir });
    expect(off.status).toBe(0);
    expect(parseJsonOutput(off.stdout, dir).flatMap(ruleIds).sort()).toEqual(['no-select-star', 'require-lock-timeout']);

    const warnings = copyFixture('warnings');
    expect(runCli(['--rule', 'no-select-star:error'], { cwd: warnings }).status).toBe(1);
    expect(runCli(['--rule', 'no-select-star:["error"]'], { cwd: warnings }).status).toBe(1);
    expect(runCli(['--rule', '{"no-select-star": 0}', '--max-warnings', '0'], { cwd: warnings }).status).toBe(0);
  });

  it('uses a config file found next to the files, its ignores, and -c', () => {
    const dir = copyFixture('with-config');
    const run = runCli(['-f', 'json'], { cwd: dir });
    expect(run.status).toBe(1);
    const results = parseJsonOutput(run.stdout, dir);
    expect(results.map((result) => result.filePath)).toEqual(['queries/all_users.sql']); // legacy/ ignored
    expect(results[0]!.messages[0]).toMatchObject({ ruleId: 'no-select-star', severity: 2 });

    const warnings = copyFixture('warnings');
    write(warnings, 'strict.json', JSON.stringify({ rules: { 'no-select-star': 'error' } }));
    expect(runCli(['-c', 'strict.json'], { cwd: warnings }).status).toBe(1);
    expect(runCli(['--config', 'strict.json', '--rule', 'no-select-star:warn'], { cwd: warnings }).status).toBe(0);
  });

  it('applies the ignores of a config whose rules come from a plugin', () => {
    const dir = copyFixture('with-plugin');
    const run = runCli(['-f', 'json'], { cwd: dir });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(1);
    const results = parseJsonOutput(run.stdout, dir);
    expect(results.map((result) => result.filePath)).toEqual(['queries/cleanup.sql']);
    expect(results[0]!.messages[0]).toMatchObject({ ruleId: 'acme/no-drop-table', severity: 2, line: 1, column: 1 });

    const explicit = runCli(['generated/schema.sql', '-f', 'json'], { cwd: dir });
    expect(explicit.status).toBe(0);
    expect(parseJsonOutput(explicit.stdout, dir)[0]!.messages[0].message).toMatch(/^File ignored/);

    const config = JSON.parse(runCli(['--print-config', 'queries/cleanup.sql'], { cwd: dir }).stdout);
    expect(severity(config.rules['acme/no-drop-table'])).toBe('error');
  });

  it('warns about an explicitly named ignored file without failing', () => {
    const dir = copyFixture('with-config');
    const run = runCli(['legacy/old.sql', '-f', 'json'], { cwd: dir });
    expect(run.status).toBe(0);
    expect(parseJsonOutput(run.stdout, dir)).toEqual([
      {
        filePath: 'legacy/old.sql',
        messages: [
          {
            ruleId: null,
            severity: 1,
            message: 'File ignored because of a matching ignore pattern. Use "--no-ignore" to override.',
            line: 1,
            column: 1,
          },
        ],
        suppressedMessages: [],
        errorCount: 0,
        fatalErrorCount: 0,
        warningCount: 1,
        fixableErrorCount: 0,
        fixableWarningCount: 0,
        usedDeprecatedRules: [],
      },
    ]);
    const noIgnore = runCli(['legacy/old.sql', '--no-ignore', '-f', 'json'], { cwd: dir });
    expect(noIgnore.status).toBe(1);
    expect(parseJsonOutput(noIgnore.stdout, dir).flatMap(ruleIds)).toEqual(['require-where']);
  });

  it('honours root and nested .gitignore files and skips node_modules', () => {
    const dir = copyFixture('errors');
    write(dir, '.gitignore', 'scripts/\n');
    write(dir, 'migrations/.gitignore', '002_*.sql\n');
    write(dir, 'node_modules/some-package/schema.sql', 'DELETE FROM users;\n');
    write(dir, 'vendor/node_modules/x.sql', 'DELETE FROM users;\n');
    const run = runCli(['-f', 'json'], { cwd: dir });
    expect(run.status).toBe(0);
    expect(parseJsonOutput(run.stdout, dir).map((result) => result.filePath)).toEqual(['migrations/001_create_users.sql']);
  });

  it('lints an explicitly named file that .gitignore covers; the walk still skips it', () => {
    const dir = copyFixture('errors');
    write(dir, '.gitignore', 'scripts/\n');
    const named = runCli(['scripts/cleanup.sql', '-f', 'json'], { cwd: dir });
    expect(named.status).toBe(1);
    const [result] = parseJsonOutput(named.stdout, dir);
    expect(result!.filePath).toBe('scripts/cleanup.sql');
    expect(ruleIds(result!)).toContain('require-where');
    expect(ruleIds(result!)).not.toContain(null);
    const walked = runCli(['.', '-f', 'json'], { cwd: dir });
    expect(parseJsonOutput(walked.stdout, dir).map((r) => r.filePath)).not.toContain('scripts/cleanup.sql');
  });

  it('expands quoted globs and lints only what they match', () => {
    const dir = copyFixture('errors');
    const run = runCli(['scripts/*.sql', '-f', 'json'], { cwd: dir });
    expect(run.status).toBe(1);
    expect(parseJsonOutput(run.stdout, dir).map((result) => result.filePath)).toEqual(['scripts/cleanup.sql']);
  });

  it('reports binary and non-UTF-8 files, lints the rest, and exits 2', () => {
    const dir = copyFixture('clean');
    write(dir, 'queries/binary.sql', Buffer.from([0x53, 0x45, 0x00, 0x01, 0x02, 0xff, 0x00]));
    write(dir, 'queries/latin1.sql', Buffer.from('SELECT \'caf\xe9\';\n', 'latin1'));
    const run = runCli(['-f', 'json'], { cwd: dir });
    expect(run.status).toBe(2);
    expect(run.stderr).toBe('');
    const results = parseJsonOutput(run.stdout, dir);
    expect(results.map((result) => result.filePath)).toEqual([
      'migrations/001_create_users.sql',
      'queries/binary.sql',
      'queries/find_user.sql',
      'queries/latin1.sql',
    ]);
    for (const index of [1, 3]) {
      expect(results[index]).toMatchObject({ errorCount: 1, fatalErrorCount: 1 });
      expect(results[index]!.messages).toEqual([
        { ruleId: null, fatal: true, severity: 2, message: expect.any(String), line: 1, column: 1 },
      ]);
    }
    expect(results[1]!.messages[0].message).toMatch(/binary/i);
    expect(results[3]!.messages[0].message).toMatch(/UTF-8/);
    expect(results[2]!.messages).toEqual([]);
  });
});

describe('usage and configuration failures exit 2 without a stack trace', () => {
  it.each([
    [['--bogus'], /unknown option '--bogus'/],
    [['--format', 'xml'], /Cannot find formatter "xml": it is not a built-in formatter \(stylish, codeframe, json, sarif, github, gitlab, junit, checkstyle\), and no package "sqlwarden-formatter-xml"/],
    [['--pg-version', 'fifteen'], /PostgreSQL version/],
    [['--max-warnings', 'many'], /whole number/],
    [['--rule', 'no-select-star'], /rule-id:severity/],
    [['--rule', 'no-such-rule:error'], /no-such-rule/],
    [['--fix', '--fix-dry-run'], /cannot be used together/],
    [['nope.sql'], /^sqlwarden: No files matching the pattern "nope.sql" were found.\n$/],
    [['nothing/**/*.sql'], /No files matching the pattern "nothing\/\*\*\/\*\.sql" were found/],
    [['-c', 'missing.json'], /missing\.json/],
  ])('%j', (args, stderr) => {
    const dir = copyFixture('clean');
    const run = runCli(args, { cwd: dir });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(stderr);
    expect(run.stderr).not.toMatch(/^\s+at /m);
  });

  it('tolerates unmatched patterns with --no-error-on-unmatched-pattern', () => {
    const dir = copyFixture('clean');
    expect(runCli(['nope.sql', '--no-error-on-unmatched-pattern'], { cwd: dir })).toEqual({ status: 0, stdout: '', stderr: '' });
    const json = runCli(['nope.sql', 'queries', '--no-error-on-unmatched-pattern', '-f', 'json'], { cwd: dir });
    expect(json.status).toBe(0);
    expect(parseJsonOutput(json.stdout, dir).map((result) => result.filePath)).toEqual(['queries/find_user.sql']);
  });

  it('fails clearly for a directory without SQL files', () => {
    const dir = copyFixture();
    write(dir, 'docs/README.md', '# nothing here\n');
    const run = runCli([], { cwd: dir });
    expect(run.status).toBe(2);
    expect(run.stderr).toBe('sqlwarden: No SQL files (*.sql, *.psql) found in directory ".".\n');
  });

  it('prints an invalid config as one line, and its stack only with DEBUG=sqlwarden', () => {
    const dir = copyFixture('invalid-config');
    const run = runCli([], { cwd: dir });
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^sqlwarden: Invalid config .*sqlwarden\.config\.json.*loud.*\n$/);
    expect(run.stderr.split('\n')).toHaveLength(2);

    const debug = runCli([], { cwd: dir, env: { DEBUG: 'sqlwarden' } });
    expect(debug.status).toBe(2);
    expect(debug.stderr).toMatch(/^\s+at /m);
  });
});

describe('--print-config', () => {
  it('prints the resolved config for a file as JSON', () => {
    const dir = copyFixture('with-config');
    const run = runCli(['--print-config', 'queries/all_users.sql'], { cwd: dir });
    expect(run.status).toBe(0);
    const config = JSON.parse(run.stdout);
    expect(config.configFile).toBe(path.join(dir, 'sqlwarden.config.json'));
    expect(config.postgresVersion).toBe(14);
    expect(severity(config.rules['no-select-star'])).toBe('error');
    expect(severity(config.rules['require-where'])).toBe('error');

    const overridden = JSON.parse(
      runCli(['--print-config', 'queries/all_users.sql', '--pg-version', '12', '--rule', 'no-select-star:off'], { cwd: dir }).stdout,
    );
    expect(overridden.postgresVersion).toBe(12);
    expect(severity(overridden.rules['no-select-star'])).toBe('off');
  });

  it('refuses to be combined with patterns', () => {
    const dir = copyFixture('with-config');
    const run = runCli(['--print-config', 'queries/all_users.sql', 'queries'], { cwd: dir });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/--print-config cannot be combined/);
  });
});

describe('environment passwords', () => {
  it('PGPASSWORD is redacted only by trace: a lint run with PGPASSWORD=users still names `users`', () => {
    const dir = copyFixture();
    writeFileSync(path.join(dir, 'q.sql'), 'DELETE FROM users;\n');
    const run = runCli(['--format', 'json', 'q.sql'], { cwd: dir, env: { PGPASSWORD: 'users' } });
    expect(run.status).toBe(1);
    const [result] = parseJsonOutput(run.stdout, dir);
    expect(result!.source).toBe('DELETE FROM users;\n');
    expect(result!.messages[0].message).toContain('`users`');
    expect(run.stdout).not.toContain('***');
  });

  it('--max-file-size applies to --stdin too', () => {
    const dir = copyFixture();
    const run = runCli(['--stdin', '--max-file-size', '0.001'], { cwd: dir, input: 'SELECT 1;\n'.repeat(200) });
    expect(run.status).toBe(2);
    expect(run.stdout + run.stderr).toMatch(/over the 1 KiB limit/);
  });
});
