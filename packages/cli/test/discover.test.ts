import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { discoverFiles, type DiscoverOptions } from '../src/discover.ts';
import { findIgnoreRoot, GitignoreTree } from '../src/gitignore.ts';

let dir: string;

function write(files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    const file = path.join(dir, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
}

async function discover(patterns: string[], options: Partial<DiscoverOptions> = {}) {
  const result = await discoverFiles({ patterns, cwd: dir, errorOnUnmatchedPattern: true, useIgnoreFiles: true, ...options });
  const rel = (files: string[]) => files.map((file) => path.relative(dir, file).split(path.sep).join('/'));
  return { files: rel(result.files), ignoredFiles: rel(result.ignoredFiles), unreadable: result.unreadableDirectories };
}

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sqlwarden-discover-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('discoverFiles', () => {
  it('recurses into directories for .sql and .psql files only, sorted by path', async () => {
    write({
      'migrations/002_b.sql': '',
      'migrations/001_a.sql': '',
      'migrations/010_c.SQL': '',
      'queries/report.psql': '',
      'queries/notes.md': '',
      'queries/x.sql.bak': '',
      'a.sql': '',
    });
    expect((await discover([])).files).toEqual([
      'a.sql',
      'migrations/001_a.sql',
      'migrations/002_b.sql',
      'migrations/010_c.SQL',
      'queries/report.psql',
    ]);
    expect((await discover(['queries'])).files).toEqual(['queries/report.psql']);
  });

  it('always skips node_modules and .git', async () => {
    write({ 'node_modules/pkg/x.sql': '', 'sub/node_modules/y.sql': '', '.git/z.sql': '', 'ok.sql': '', '.hidden/h.sql': '' });
    expect((await discover(['.'])).files).toEqual(['.hidden/h.sql', 'ok.sql']);
  });

  it('honours root and nested .gitignore files relative to their directory', async () => {
    mkdirSync(path.join(dir, '.git'));
    write({
      '.gitignore': 'build/\n*.tmp.sql\n/top-only.sql\n',
      'build/out.sql': '',
      'a.tmp.sql': '',
      'top-only.sql': '',
      'keep.sql': '',
      'db/top-only.sql': '',
      'db/.gitignore': 'generated/\n!important.tmp.sql\nlocal.sql\n',
      'db/generated/g.sql': '',
      'db/important.tmp.sql': '',
      'db/other.tmp.sql': '',
      'db/local.sql': '',
      'local.sql': '',
    });
    expect((await discover(['.'])).files).toEqual(['db/important.tmp.sql', 'db/top-only.sql', 'keep.sql', 'local.sql']);
  });

  it('reads .gitignore files from the git root when run in a subdirectory', async () => {
    mkdirSync(path.join(dir, '.git'));
    write({ '.gitignore': 'sub/skip/\n', 'sub/skip/a.sql': '', 'sub/b.sql': '' });
    const result = await discoverFiles({ patterns: ['.'], cwd: path.join(dir, 'sub'), errorOnUnmatchedPattern: true, useIgnoreFiles: true });
    expect(result.files).toEqual([path.join(dir, 'sub/b.sql')]);
    expect(findIgnoreRoot(path.join(dir, 'sub'))).toBe(dir);
  });

  it("applies the config's ignores to files and directories", async () => {
    write({ 'legacy/old.sql': '', 'new.sql': '', 'skip.sql': '' });
    const ignored = new Set([path.join(dir, 'legacy'), path.join(dir, 'skip.sql')]);
    expect((await discover([], { isPathIgnored: (p) => ignored.has(p) })).files).toEqual(['new.sql']);
  });

  it('--no-ignore turns .gitignore and config ignores off, but not node_modules', async () => {
    write({ '.gitignore': '*.sql\n', 'a.sql': '', 'node_modules/b.sql': '' });
    expect((await discover(['.'], { useIgnoreFiles: false, isPathIgnored: () => true })).files).toEqual(['a.sql']);
  });

  it('expands globs, restricted to SQL files and minus ignored ones', async () => {
    write({ '.gitignore': 'm/skip.sql\n', 'm/1.sql': '', 'm/2.psql': '', 'm/readme.txt': '', 'm/skip.sql': '', 'm/deep/3.sql': '', 'node_modules/m/4.sql': '' });
    expect((await discover(['m/*'])).files).toEqual(['m/1.sql', 'm/2.psql']);
    expect((await discover(['**/*.sql'])).files).toEqual(['m/1.sql', 'm/deep/3.sql']);
  });

  it('treats an existing path literally even if it looks like a glob', async () => {
    write({ 'odd[1].sql': '', 'odd1.sql': '' });
    expect((await discover(['odd[1].sql'])).files).toEqual(['odd[1].sql']);
  });

  it('lints an explicit file whatever its extension and deduplicates', async () => {
    write({ 'schema.txt': '', 'a.sql': '' });
    expect((await discover(['schema.txt', 'a.sql', '.', 'a.sql'])).files).toEqual(['a.sql', 'schema.txt']);
  });

  it('reports an explicitly named file the config ignores instead of linting it', async () => {
    write({ 'gen.sql': '', 'ok.sql': '', 'node_modules/x.sql': '' });
    const result = await discover(['gen.sql', 'ok.sql', 'node_modules/x.sql'], { isPathIgnored: (p) => p.endsWith('gen.sql') });
    expect(result.files).toEqual(['ok.sql']);
    expect(result.ignoredFiles).toEqual(['gen.sql', 'node_modules/x.sql']);
  });

  it('lints an explicitly named file that .gitignore covers, but prunes it from walks and globs', async () => {
    write({ '.gitignore': 'gen.sql\nbuild/\n', 'gen.sql': '', 'ok.sql': '', 'build/out.sql': '' });
    const named = await discover(['gen.sql', 'build/out.sql']);
    expect(named.files).toEqual(['build/out.sql', 'gen.sql']);
    expect(named.ignoredFiles).toEqual([]);
    expect((await discover(['.'])).files).toEqual(['ok.sql']);
    expect((await discover(['*.sql'])).files).toEqual(['ok.sql']);
  });

  it('fails for a pattern that matches nothing, unless told not to', async () => {
    write({ 'a.sql': '' });
    await expect(discover(['nope.sql'])).rejects.toThrow('No files matching the pattern "nope.sql" were found.');
    await expect(discover(['nope/**/*.sql'])).rejects.toThrow('No files matching the pattern "nope/**/*.sql" were found.');
    expect((await discover(['nope.sql', 'a.sql'], { errorOnUnmatchedPattern: false })).files).toEqual(['a.sql']);
  });

  it('fails for a directory without SQL files', async () => {
    write({ 'docs/readme.md': '' });
    await expect(discover(['docs'])).rejects.toThrow('No SQL files (*.sql, *.psql) found in directory "docs".');
    expect((await discover(['docs'], { errorOnUnmatchedPattern: false })).files).toEqual([]);
  });

  it('says so when everything a pattern matched is ignored', async () => {
    write({ '.gitignore': 'gen/\nq/*.sql\n', 'gen/a.sql': '', 'q/b.sql': '', 'r/c.sql': '' });
    await expect(discover(['gen'])).rejects.toThrow('All files matched by "gen" are ignored.');
    await expect(discover(['q/*.sql'])).rejects.toThrow('All files matched by "q/*.sql" are ignored.');
    await expect(discover(['r'], { isPathIgnored: (p) => p.endsWith('c.sql') })).rejects.toThrow('All files matched by "r" are ignored.');
  });

  it('survives symlink cycles', async () => {
    write({ 'a/x.sql': '' });
    symlinkSync(dir, path.join(dir, 'a', 'loop'));
    expect((await discover(['.'])).files).toEqual(['a/x.sql']);
  });
});

describe('GitignoreTree', () => {
  it('cannot re-include a file inside an ignored directory (git semantics)', () => {
    write({ '.gitignore': 'out/\n!out/keep.sql\n' });
    const tree = new GitignoreTree(dir);
    expect(tree.isIgnored(path.join(dir, 'out/keep.sql'), false)).toBe(true);
  });

  it('lets a deeper .gitignore re-include what a shallower one ignores', () => {
    write({ '.gitignore': '*.sql\n', 'sub/.gitignore': '!keep.sql\n' });
    const tree = new GitignoreTree(dir);
    expect(tree.isIgnored(path.join(dir, 'sub/keep.sql'), false)).toBe(false);
    expect(tree.isIgnored(path.join(dir, 'sub/other.sql'), false)).toBe(true);
  });

  it('ignores nothing outside its root', () => {
    write({ '.gitignore': '*\n' });
    const tree = new GitignoreTree(path.join(dir));
    expect(tree.isIgnored(path.join(path.dirname(dir), 'elsewhere.sql'), false)).toBe(false);
  });
});
