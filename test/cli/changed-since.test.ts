import { mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commitAll, findings, git, removeDirs, repoWith, reportedFiles, runIn, tempDir, write } from './changed-since-helpers.ts';
import { ensureBuilt, runCli } from './helpers.ts';

afterAll(removeDirs);

const CONFIG = JSON.stringify({ migrations: { include: ['migrations/**/*.sql'] } });

/** main: two migrations and two queries, each query with one no-select-star warning. */
function baseRepo(): string {
  return repoWith({
    'sqlwarden.config.json': CONFIG,
    'migrations/001_users.sql': 'CREATE TABLE users (id bigint PRIMARY KEY, email text);\n',
    'migrations/002_orders.sql': 'CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);\n',
    'queries/find_user.sql': 'SELECT id FROM users WHERE id = 1;\n',
    'queries/all_orders.sql': 'SELECT * FROM orders;\n',
  });
}

const INDEX = (name: string, table = 'users'): string => `CREATE INDEX ${name} ON ${table} (id);\n`;

describe('--changed-since: which files', () => {
  it('picks added migrations but not modified ones, and modified non-migration files', async () => {
    const dir = baseRepo();
    git(dir, 'checkout', '-q', '-b', 'feature');
    write(dir, 'migrations/003_index.sql', INDEX('users_idx'));
    write(dir, 'migrations/002_orders.sql', `CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);\n${INDEX('orders_idx', 'orders')}`);
    write(dir, 'queries/find_user.sql', 'SELECT * FROM users WHERE id = 1;\n');
    commitAll(dir);

    const full = await runIn(dir, ['-f', 'json']);
    const changed = await runIn(dir, ['--changed-since', 'main', '-f', 'json']);
    expect(changed.stderr).toBe('');
    expect(changed.code).toBe(1);
    expect(reportedFiles(changed.stdout, dir)).toEqual(['migrations/003_index.sql', 'queries/find_user.sql']);
    // Exactly the full run's findings in those files: the schema replay still saw every file.
    const inChanged = findings(full.stdout, dir).filter((finding) => ['migrations/003_index.sql', 'queries/find_user.sql'].includes(finding.file));
    expect(findings(changed.stdout, dir)).toEqual(inChanged);
    expect(inChanged.map((finding) => finding.ruleId)).toContain('no-blocking-index-build');

    const modified = await runIn(dir, ['--changed-since', 'main', '--changed-migrations', 'modified', '-f', 'json']);
    expect(reportedFiles(modified.stdout, dir)).toEqual(['migrations/002_orders.sql', 'migrations/003_index.sql', 'queries/find_user.sql']);

    // Nothing changed relative to itself: nothing reported, exit 0.
    expect(await runIn(dir, ['--changed-since', 'HEAD'])).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('uses the merge base, so commits made on the base branch after forking do not count', async () => {
    const dir = baseRepo();
    git(dir, 'checkout', '-q', '-b', 'feature');
    write(dir, 'queries/feature.sql', 'SELECT * FROM users;\n');
    commitAll(dir);
    git(dir, 'checkout', '-q', 'main');
    write(dir, 'queries/on_main.sql', 'SELECT * FROM users;\n');
    commitAll(dir);
    git(dir, 'checkout', '-q', 'feature');
    const result = await runIn(dir, ['--changed-since', 'main', '-f', 'json']);
    expect(reportedFiles(result.stdout, dir)).toEqual(['queries/feature.sql']);
  });

  it('treats pure renames as unchanged, renames with edits as modified, and a file moved into the migrations as added', async () => {
    const dir = repoWith({
      'sqlwarden.config.json': CONFIG,
      'migrations/001_users.sql': `CREATE TABLE users (id bigint PRIMARY KEY);\n${INDEX('users_a')}`,
      'migrations/002_more.sql': `${INDEX('users_b')}-- one\n-- two\n-- three\n-- four\n-- five\n-- six\n`,
      'queries/q1.sql': 'SELECT * FROM users;\n-- padding\n-- padding\n-- padding\n-- padding\n',
      'queries/q2.sql': 'SELECT * FROM users u;\n-- more\n-- more\n-- more\n-- more\n',
      'drafts/draft_index.sql': INDEX('users_c'),
    });
    git(dir, 'checkout', '-q', '-b', 'feature');
    mkdirSync(path.join(dir, 'migrations/archive'));
    mkdirSync(path.join(dir, 'queries/moved'));
    git(dir, 'mv', 'migrations/001_users.sql', 'migrations/archive/001_users.sql'); // pure rename
    git(dir, 'mv', 'migrations/002_more.sql', 'migrations/archive/002_more.sql'); // rename + edit
    write(dir, 'migrations/archive/002_more.sql', `${INDEX('users_b')}-- one\n-- two\n-- three\n-- four\n-- five\n-- six changed\n`);
    git(dir, 'mv', 'queries/q1.sql', 'queries/moved/q1.sql'); // pure rename of a query
    git(dir, 'mv', 'queries/q2.sql', 'queries/moved/q2.sql'); // rename + edit of a query
    write(dir, 'queries/moved/q2.sql', 'SELECT * FROM users u;\n-- more\n-- more\n-- more\n-- more changed\n');
    git(dir, 'mv', 'drafts/draft_index.sql', 'migrations/003_index.sql'); // becomes a migration
    commitAll(dir);
    expect(git(dir, 'diff', '--name-status', '-M', 'main', 'HEAD')).toMatch(/^R100\tmigrations\/001_users\.sql\tmigrations\/archive\/001_users\.sql$/m);
    expect(git(dir, 'diff', '--name-status', '-M', 'main', 'HEAD')).toMatch(/^R0\d\d\tmigrations\/002_more\.sql\tmigrations\/archive\/002_more\.sql$/m);

    const byDefault = await runIn(dir, ['--changed-since', 'main', '-f', 'json']);
    expect(reportedFiles(byDefault.stdout, dir)).toEqual(['migrations/003_index.sql', 'queries/moved/q2.sql']);
    const modified = await runIn(dir, ['--changed-since', 'main', '--changed-migrations', 'modified', '-f', 'json']);
    expect(reportedFiles(modified.stdout, dir)).toEqual(['migrations/003_index.sql', 'migrations/archive/002_more.sql', 'queries/moved/q2.sql']);
  });

  it('ignores deletions', async () => {
    const dir = baseRepo();
    git(dir, 'checkout', '-q', '-b', 'feature');
    git(dir, 'rm', '-q', 'queries/all_orders.sql');
    commitAll(dir);
    rmSync(path.join(dir, 'queries/find_user.sql')); // deleted in the work tree only
    const result = await runIn(dir, ['--changed-since', 'main', '-f', 'json']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(result.stdout)).toEqual([]);
  });

  it('includes staged, unstaged and untracked files, but not ignored ones, and sees a moved file as moved', async () => {
    const dir = baseRepo();
    write(dir, '.gitignore', 'scratch/\n');
    commitAll(dir, 'ignore scratch');
    git(dir, 'checkout', '-q', '-b', 'feature');
    write(dir, 'migrations/003_staged.sql', INDEX('staged_idx'));
    git(dir, 'add', 'migrations/003_staged.sql');
    write(dir, 'queries/find_user.sql', 'SELECT * FROM users;\n'); // unstaged edit
    write(dir, 'queries/new query é.sql', 'SELECT * FROM orders o;\n'); // untracked, odd name
    write(dir, 'scratch/tmp.sql', 'SELECT * FROM users;\n'); // untracked but ignored
    renameSync(path.join(dir, 'migrations/001_users.sql'), path.join(dir, 'migrations/000_users.sql')); // mv without git mv

    const result = await runIn(dir, ['--changed-since', 'main', '-f', 'json', '--no-ignore']);
    expect(result.stderr).toBe('');
    expect(reportedFiles(result.stdout, dir)).toEqual(['migrations/003_staged.sql', 'queries/find_user.sql', 'queries/new query é.sql']);
  });

  it('intersects the changed files with the patterns and applies the ignores', async () => {
    const dir = baseRepo();
    git(dir, 'checkout', '-q', '-b', 'feature');
    write(dir, 'migrations/003_index.sql', INDEX('users_idx'));
    write(dir, 'queries/new.sql', 'SELECT * FROM users;\n');
    write(dir, 'queries/generated/gen.sql', 'SELECT * FROM users;\n');
    write(dir, 'sqlwarden.config.json', JSON.stringify({ migrations: { include: ['migrations/**/*.sql'] }, ignores: ['queries/generated/**'] }));
    commitAll(dir);
    const onlyQueries = await runIn(dir, ['--changed-since', 'main', '-f', 'json', 'queries']);
    expect(reportedFiles(onlyQueries.stdout, dir)).toEqual(['queries/new.sql']);
    // Run from a subdirectory: paths are still matched against the repository root.
    const fromSubdir = await runIn(path.join(dir, 'migrations'), ['--changed-since', 'main', '-f', 'json']);
    expect(reportedFiles(fromSubdir.stdout, dir)).toEqual(['migrations/003_index.sql']);
  });

  it('--fix writes only the changed files', async () => {
    const dir = baseRepo();
    write(dir, 'migrations/002_orders.sql', `CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);\n${INDEX('old_idx', 'orders')}`);
    commitAll(dir, 'old index');
    git(dir, 'checkout', '-q', '-b', 'feature');
    write(dir, 'migrations/003_index.sql', INDEX('users_idx'));
    commitAll(dir);
    // 003 is committed (on the branch), so --fix leaves it alone; the notice counts only changed files, not 002.
    const kept = await runIn(dir, ['--changed-since', 'main', '--fix', '-f', 'json']);
    expect(kept.stderr).toMatch(/^sqlwarden: 1 committed migration file was not fixed: .* --fix-committed-migrations fixes it too\.\n$/);
    expect(readFileSync(path.join(dir, 'migrations/003_index.sql'), 'utf8')).toBe(INDEX('users_idx'));
    const result = await runIn(dir, ['--changed-since', 'main', '--fix', '--fix-committed-migrations', '-f', 'json']);
    expect(reportedFiles(result.stdout, dir)).toEqual(['migrations/003_index.sql']);
    expect(readFileSync(path.join(dir, 'migrations/003_index.sql'), 'utf8')).toContain('CONCURRENTLY');
    expect(readFileSync(path.join(dir, 'migrations/002_orders.sql'), 'utf8')).not.toContain('CONCURRENTLY');
  });
});

describe('--changed-lines', () => {
  const QUERIES = [
    'SELECT * FROM users;', // 1
    'SELECT id FROM users;', // 2
    'SELECT * FROM orders;', // 3
    'SELECT id FROM orders;', // 4
    'SELECT * FROM users u;', // 5
    '',
  ].join('\n');

  it('keeps only findings on added or modified lines of modified files, and every line of added files', async () => {
    const dir = repoWith({ 'queries/q.sql': QUERIES, 'queries/space q.sql': QUERIES });
    git(dir, 'checkout', '-q', '-b', 'feature');
    // Line 3 changes, a new line 5 is inserted: findings on the old lines 1 and 6 are not reported.
    const edited = ['SELECT * FROM users;', 'SELECT id FROM users;', 'SELECT * FROM orders o;', 'SELECT id FROM orders;', 'SELECT * FROM users x;', 'SELECT * FROM users u;', ''].join('\n');
    write(dir, 'queries/q.sql', edited);
    write(dir, 'queries/space q.sql', edited);
    write(dir, 'queries/new.sql', QUERIES);
    commitAll(dir);

    const result = await runIn(dir, ['--changed-since', 'main', '--changed-lines', '-f', 'json']);
    expect(result.stderr).toBe('');
    expect(findings(result.stdout, dir)).toEqual([
      { file: 'queries/new.sql', ruleId: 'no-select-star', line: 1 },
      { file: 'queries/new.sql', ruleId: 'no-select-star', line: 3 },
      { file: 'queries/new.sql', ruleId: 'no-select-star', line: 5 },
      { file: 'queries/q.sql', ruleId: 'no-select-star', line: 3 },
      { file: 'queries/q.sql', ruleId: 'no-select-star', line: 5 },
      { file: 'queries/space q.sql', ruleId: 'no-select-star', line: 3 },
      { file: 'queries/space q.sql', ruleId: 'no-select-star', line: 5 },
    ]);
    // The counts follow the kept messages.
    const q = (JSON.parse(result.stdout) as Array<{ filePath: string; warningCount: number }>).find((r) => r.filePath.endsWith(`${path.sep}q.sql`));
    expect(q?.warningCount).toBe(2);
  });

  it('counts the lines next to a deletion as changed, and keeps syntax errors anywhere in a changed file', async () => {
    const dir = repoWith({
      'queries/q.sql': ['DELETE FROM t', 'WHERE id = 1', ';', 'SELECT * FROM t;', 'SELEC oops;', ''].join('\n'),
    });
    git(dir, 'checkout', '-q', '-b', 'feature');
    // Deleting the WHERE line (a hunk that only removes) makes line 1 a DELETE without WHERE; the
    // syntax error was already there, on a line the change does not touch; so was the SELECT *.
    write(dir, 'queries/q.sql', ['DELETE FROM t', ';', 'SELECT * FROM t;', 'SELEC oops;', ''].join('\n'));
    commitAll(dir);
    const result = await runIn(dir, ['--changed-since', 'main', '--changed-lines', '-f', 'json']);
    const ruleIds = findings(result.stdout, dir).map((finding) => finding.ruleId);
    expect(ruleIds).toContain('require-where');
    expect(ruleIds).toContain('syntax-error');
    expect(ruleIds).not.toContain('no-select-star');
    expect(result.code).toBe(1);
  });

  it('is refused without --changed-since, and with --fix', async () => {
    const dir = tempDir('changed-usage');
    expect(await runIn(dir, ['--changed-lines'])).toEqual({ code: 2, stdout: '', stderr: 'sqlwarden: --changed-lines needs --changed-since.\n' });
    expect(await runIn(dir, ['--changed-migrations', 'modified'])).toEqual({
      code: 2,
      stdout: '',
      stderr: 'sqlwarden: --changed-migrations needs --changed-since.\n',
    });
    expect((await runIn(dir, ['--changed-since', 'main', '--changed-lines', '--fix'])).stderr).toBe(
      'sqlwarden: --changed-lines cannot be combined with --fix or --fix-dry-run, which fix whole files.\n',
    );
    expect((await runIn(dir, ['--changed-since', 'main', '--stdin'])).stderr).toBe('sqlwarden: --changed-since cannot be combined with --stdin.\n');
    expect((await runIn(dir, ['--changed-since', '--upload-pack=x'])).code).toBe(2);
    const badChoice = await runIn(dir, ['--changed-since', 'main', '--changed-migrations', 'all']);
    expect(badChoice.code).toBe(2);
    expect(badChoice.stderr).toContain("argument 'all' is invalid");
  });
});

describe('--changed-since failures (built CLI)', () => {
  beforeAll(ensureBuilt, 180_000);

  function expectCleanFailure(result: { status: number | null; stdout: string; stderr: string }): void {
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^sqlwarden: /);
    expect(result.stderr).not.toMatch(/^\s+at /m); // no stack trace
  }

  it('explains a missing ref', () => {
    const dir = baseRepo();
    const result = runCli(['--changed-since', 'origin/main'], { cwd: dir });
    expectCleanFailure(result);
    expect(result.stderr).toContain('"origin/main" does not name a commit in this repository.');
    expect(result.stderr).toContain('fetch-depth: 0');
  });

  it('explains a shallow clone without the base ref, and one whose history does not reach the merge base', () => {
    const origin = baseRepo();
    git(origin, 'checkout', '-q', '-b', 'feature');
    write(origin, 'queries/f1.sql', 'SELECT 1;\n');
    commitAll(origin, 'f1');
    write(origin, 'queries/f2.sql', 'SELECT 2;\n');
    commitAll(origin, 'f2');
    const url = `file://${origin}`;

    const single = path.join(tempDir('shallow'), 'clone');
    git(path.dirname(single), 'clone', '-q', '--depth', '1', url, single);
    expect(git(single, 'rev-parse', '--is-shallow-repository').trim()).toBe('true');
    const missing = runCli(['--changed-since', 'origin/main'], { cwd: single });
    expectCleanFailure(missing);
    expect(missing.stderr).toContain('"origin/main" does not name a commit in this repository (a shallow clone).');
    expect(missing.stderr).toContain('git fetch --no-tags --depth=100 origin +refs/heads/main:refs/remotes/origin/main');
    expect(missing.stderr).toContain('fetch-depth: 0');

    const both = path.join(tempDir('shallow'), 'clone');
    git(path.dirname(both), 'clone', '-q', '--depth', '1', '--no-single-branch', url, both);
    const unreachable = runCli(['--changed-since', 'origin/main'], { cwd: both });
    expectCleanFailure(unreachable);
    expect(unreachable.stderr).toContain('cannot find where HEAD and "origin/main" diverged: this clone is shallow');
    expect(unreachable.stderr).toContain('git fetch --unshallow');

    // Once the history is there, it works.
    git(both, 'fetch', '-q', '--unshallow');
    const ok = runCli(['--changed-since', 'origin/main', '-f', 'json'], { cwd: both });
    expect(ok.stderr).toBe('');
    expect(reportedFiles(ok.stdout, both)).toEqual(['queries/f1.sql', 'queries/f2.sql']);
  });

  it('explains a directory outside any git repository', () => {
    const dir = tempDir('no-git');
    write(dir, 'q.sql', 'SELECT 1;\n');
    const result = runCli(['--changed-since', 'main'], { cwd: dir, env: { GIT_CEILING_DIRECTORIES: path.dirname(dir) } });
    expectCleanFailure(result);
    expect(result.stderr).toBe(
      `sqlwarden: --changed-since compares with git history, but ${dir} is not in a git repository. Run sqlwarden inside the repository's work tree, or lint without --changed-since.\n`,
    );
  });
});
