/**
 * `--fix` and `--fix-dry-run` leave migrations committed to git alone (they may have run already:
 * rewriting one breaks Flyway/Liquibase checksums and golang-migrate's history) unless
 * --fix-committed-migrations; new, untracked and staged migrations, queries, stdin and files
 * outside any repository are fixed. The built CLI runs in repositories each test creates.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { git, removeDirs, repoWith, tempDir, write } from './changed-since-helpers.ts';
import { ensureBuilt, parseJsonOutput, runCli } from './helpers.ts';

beforeAll(ensureBuilt, 180_000);
afterAll(removeDirs);

/** A migration whose one fix (no-blocking-index-build) adds CONCURRENTLY. */
const INDEX = (name: string): string => `CREATE INDEX ${name} ON t (id);\n`;
const INDEX_FIXED = (name: string): string => `CREATE INDEX CONCURRENTLY ${name} ON t (id);\n`;
/** A query whose one fix (unused-suppression) removes the directive. */
const QUERY = '-- sqlwarden-ignore-next-line no-select-star\nSELECT 1;\n';
const QUERY_FIXED = 'SELECT 1;\n';

const KEPT_ONE =
  "sqlwarden: 1 committed migration file was not fixed: it may have run already, and rewriting an applied migration breaks migration tools' checksums and history; --fix-committed-migrations fixes it too.\n";
const keptMany = (count: number): string =>
  `sqlwarden: ${count} committed migration files were not fixed: they may have run already, and rewriting an applied migration breaks migration tools' checksums and history; --fix-committed-migrations fixes them too.\n`;

function read(dir: string, file: string): string {
  return readFileSync(path.join(dir, file), 'utf8');
}

function fix(dir: string, extra: string[] = [], env?: Record<string, string>) {
  const run = runCli(['--fix', '-f', 'json', ...extra], { cwd: dir, ...(env ? { env } : {}) });
  return { ...run, results: run.stdout === '' ? [] : parseJsonOutput(run.stdout, dir) };
}

describe('--fix and migrations committed to git', () => {
  it('leaves a committed migration as it is, says so once on stderr, and still reports its fixable findings', () => {
    const dir = repoWith({ 'migrations/001_index.sql': INDEX('a_idx'), 'migrations/002_index.sql': INDEX('b_idx') }, 'fix-committed');
    const run = fix(dir, ['--rule', 'require-lock-timeout:off']);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(keptMany(2));
    expect(read(dir, 'migrations/001_index.sql')).toBe(INDEX('a_idx'));
    expect(read(dir, 'migrations/002_index.sql')).toBe(INDEX('b_idx'));
    const first = run.results.find((result) => result.filePath === 'migrations/001_index.sql')!;
    // ESLint's shape: the unfixed file has `source`, no `output`, and its fix and counts.
    expect(first).toMatchObject({ errorCount: 1, fixableErrorCount: 1, source: INDEX('a_idx') });
    expect(first).not.toHaveProperty('output');
    expect(first.messages).toMatchObject([{ ruleId: 'no-blocking-index-build', fix: { range: [12, 12], text: ' CONCURRENTLY' } }]);
  });

  it('fixes an untracked migration next to a committed one', () => {
    const dir = repoWith({ 'migrations/001_index.sql': INDEX('a_idx') }, 'fix-committed');
    write(dir, 'migrations/002_index.sql', INDEX('b_idx'));
    write(dir, 'migrations/2025/003_index.sql', INDEX('c_idx')); // in a directory HEAD does not have
    const run = fix(dir);
    expect(run.stderr).toBe(KEPT_ONE);
    expect(read(dir, 'migrations/001_index.sql')).toBe(INDEX('a_idx'));
    expect(read(dir, 'migrations/002_index.sql')).toBe(INDEX_FIXED('b_idx'));
    expect(read(dir, 'migrations/2025/003_index.sql')).toBe(INDEX_FIXED('c_idx'));
  });

  it('fixes staged migrations that are not committed, also before the first commit', () => {
    const fresh = tempDir('fix-committed');
    git(fresh, 'init', '-q', '-b', 'main');
    write(fresh, 'migrations/001_index.sql', INDEX('a_idx'));
    git(fresh, 'add', '-A');
    expect(fix(fresh).stderr).toBe('');
    expect(read(fresh, 'migrations/001_index.sql')).toBe(INDEX_FIXED('a_idx'));

    const dir = repoWith({ 'migrations/001_index.sql': INDEX('a_idx') }, 'fix-committed');
    write(dir, 'migrations/002_index.sql', INDEX('b_idx'));
    git(dir, 'add', 'migrations/002_index.sql');
    expect(fix(dir).stderr).toBe(KEPT_ONE);
    expect(read(dir, 'migrations/001_index.sql')).toBe(INDEX('a_idx'));
    expect(read(dir, 'migrations/002_index.sql')).toBe(INDEX_FIXED('b_idx'));
  });

  it('leaves a committed migration with uncommitted edits alone: its committed version may have run', () => {
    const dir = repoWith({ 'migrations/001_index.sql': INDEX('a_idx') }, 'fix-committed');
    const edited = `-- edited after the commit\n${INDEX('a_idx')}`;
    write(dir, 'migrations/001_index.sql', edited);
    expect(fix(dir).stderr).toBe(KEPT_ONE);
    expect(read(dir, 'migrations/001_index.sql')).toBe(edited);
  });

  it('fixes committed migrations with --fix-committed-migrations, without a notice', () => {
    const dir = repoWith({ 'migrations/001_index.sql': INDEX('a_idx') }, 'fix-committed');
    const run = fix(dir, ['--fix-committed-migrations']);
    expect(run.stderr).toBe('');
    expect(read(dir, 'migrations/001_index.sql')).toBe(INDEX_FIXED('a_idx'));
  });

  it('fixes committed queries: only migrations have run', () => {
    const dir = repoWith({ 'queries/q.sql': QUERY, 'migrations/001_index.sql': INDEX('a_idx') }, 'fix-committed');
    expect(fix(dir).stderr).toBe(KEPT_ONE);
    expect(read(dir, 'queries/q.sql')).toBe(QUERY_FIXED);
    expect(read(dir, 'migrations/001_index.sql')).toBe(INDEX('a_idx'));
  });

  it('counts a file as a migration as the engine does: a committed goose file outside the migration folders is kept', () => {
    const goose = `-- +goose Up\n${QUERY}`;
    const dir = repoWith({ 'sql/20240101_init.sql': goose }, 'fix-committed');
    expect(fix(dir).stderr).toBe(KEPT_ONE);
    expect(read(dir, 'sql/20240101_init.sql')).toBe(goose);
  });

  it('fixes files outside any git repository, next to a repository whose committed migrations it keeps', () => {
    const parent = tempDir('fix-committed-outside');
    write(parent, 'loose/migrations/001_index.sql', INDEX('a_idx'));
    const repo = path.join(parent, 'repo');
    mkdirSync(repo);
    git(repo, 'init', '-q', '-b', 'main');
    write(repo, 'migrations/001_index.sql', INDEX('b_idx'));
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'base');
    expect(fix(parent).stderr).toBe(KEPT_ONE);
    expect(read(parent, 'loose/migrations/001_index.sql')).toBe(INDEX_FIXED('a_idx'));
    expect(read(repo, 'migrations/001_index.sql')).toBe(INDEX('b_idx'));
  });

  it('without git on the PATH: fixes files outside repositories, keeps migrations inside one and says why', () => {
    const noGit = { PATH: tempDir('fix-committed-empty-path') };
    const outside = tempDir('fix-committed-outside');
    write(outside, 'migrations/001_index.sql', INDEX('a_idx'));
    expect(fix(outside, [], noGit).stderr).toBe('');
    expect(read(outside, 'migrations/001_index.sql')).toBe(INDEX_FIXED('a_idx'));

    const dir = repoWith({ 'migrations/001_index.sql': INDEX('a_idx'), 'queries/q.sql': QUERY }, 'fix-committed');
    const run = fix(dir, [], noGit);
    expect(run.stderr).toBe(
      'sqlwarden: 1 migration file was not fixed (git could not tell whether it is committed: no "git" program was found on the PATH): ' +
        "it may have run already, and rewriting an applied migration breaks migration tools' checksums and history; --fix-committed-migrations fixes it too.\n",
    );
    expect(read(dir, 'migrations/001_index.sql')).toBe(INDEX('a_idx'));
    expect(read(dir, 'queries/q.sql')).toBe(QUERY_FIXED);
    expect(fix(dir, ['--fix-committed-migrations'], noGit).stderr).toBe('');
    expect(read(dir, 'migrations/001_index.sql')).toBe(INDEX_FIXED('a_idx'));
  });

  it('asks each file\'s own repository: a nested repository and a linked worktree', () => {
    const dir = repoWith({ 'migrations/001_index.sql': INDEX('a_idx') }, 'fix-committed');
    // A repository inside the outer one's work tree, which the outer one does not track.
    const nested = path.join(dir, 'vendor/inner');
    mkdirSync(nested, { recursive: true });
    git(nested, 'init', '-q', '-b', 'main');
    write(nested, 'migrations/001_index.sql', INDEX('b_idx'));
    git(nested, 'add', '-A');
    git(nested, 'commit', '-q', '-m', 'inner');
    expect(fix(dir).stderr).toBe(keptMany(2));
    expect(read(nested, 'migrations/001_index.sql')).toBe(INDEX('b_idx'));

    // A worktree's `.git` is a file pointing into the main repository.
    const worktree = path.join(tempDir('fix-committed-worktree'), 'wt');
    git(dir, 'worktree', 'add', '-q', '-b', 'other', worktree);
    write(worktree, 'migrations/002_index.sql', INDEX('c_idx'));
    expect(fix(worktree).stderr).toBe(KEPT_ONE);
    expect(read(worktree, 'migrations/001_index.sql')).toBe(INDEX('a_idx'));
    expect(read(worktree, 'migrations/002_index.sql')).toBe(INDEX_FIXED('c_idx'));
  });

  it('in a mixed run, fixes exactly the new migrations and the queries, with --fix and --fix-dry-run alike', () => {
    const committed = {
      'db/migrations/001_a.sql': INDEX('a_idx'),
      'db/migrations/002 índice añadido.sql': INDEX('b_idx'), // a space and non-ASCII letters in a committed path
      'db/migrations/003_edited.sql': INDEX('c_idx'),
      'db/migrations/004_clean.sql': 'CREATE TABLE t (id bigint PRIMARY KEY);\n',
      'queries/report.sql': QUERY,
    };
    const dir = repoWith(committed, 'fix-committed');
    write(dir, 'db/migrations/003_edited.sql', INDEX('c2_idx'));
    write(dir, 'db/migrations/005 staged é.sql', INDEX('e_idx'));
    git(dir, 'add', 'db/migrations/005 staged é.sql');
    write(dir, 'db/migrations/006 untracked ü.sql', INDEX('f_idx'));
    const fixedFiles = ['db/migrations/005 staged é.sql', 'db/migrations/006 untracked ü.sql', 'queries/report.sql'];

    const dry = runCli(['--fix-dry-run', '-f', 'json'], { cwd: dir });
    expect(dry.stderr).toBe(keptMany(3));
    const withOutput = parseJsonOutput(dry.stdout, dir).filter((result) => 'output' in result);
    expect(withOutput.map((result) => result.filePath)).toEqual(fixedFiles);
    // The kept files are reported as unfixed: their findings with their fixes.
    const kept = parseJsonOutput(dry.stdout, dir).filter((result) => result.fixableErrorCount > 0);
    expect(kept.map((result) => result.filePath)).toEqual(['db/migrations/001_a.sql', 'db/migrations/002 índice añadido.sql', 'db/migrations/003_edited.sql']);

    const before = Object.fromEntries(Object.keys(committed).map((file) => [file, read(dir, file)]));
    const run = fix(dir);
    expect(run.stderr).toBe(keptMany(3));
    for (const file of Object.keys(committed).filter((file) => !fixedFiles.includes(file))) expect(read(dir, file), file).toBe(before[file]);
    for (const result of withOutput) expect(read(dir, result.filePath as string), result.filePath).toBe(result.output);
    expect(read(dir, 'db/migrations/006 untracked ü.sql')).toBe(INDEX_FIXED('f_idx'));
  });

  it('fixes stdin, which is not a file in git, even under a committed migration\'s name', () => {
    const dir = repoWith({ 'migrations/001_index.sql': INDEX('a_idx') }, 'fix-committed');
    expect(fix(dir).stderr).toBe(KEPT_ONE);
    const run = runCli(['--stdin', '--stdin-filename', 'migrations/001_index.sql', '--fix', '--rule', 'require-lock-timeout:off'], {
      cwd: dir,
      input: INDEX('a_idx'),
    });
    expect(run).toEqual({ status: 0, stdout: INDEX_FIXED('a_idx'), stderr: '' });
  });

  it('--fix-committed-migrations needs --fix or --fix-dry-run, is in the help, and is suggested for a misspelling', () => {
    const dir = tempDir('fix-committed-usage');
    expect(runCli(['--fix-committed-migrations'], { cwd: dir })).toEqual({
      status: 2,
      stdout: '',
      stderr: 'sqlwarden: --fix-committed-migrations needs --fix or --fix-dry-run.\n',
    });
    expect(runCli(['--help'], { cwd: dir }).stdout).toContain('--fix-committed-migrations');
    expect(runCli(['--fix', '--fix-commited-migrations'], { cwd: dir }).stderr).toContain('(Did you mean --fix-committed-migrations?)');
  });
});
