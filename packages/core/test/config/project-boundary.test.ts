import { chownSync, chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { clearConfigCache, ConfigLoader, findConfigFile } from '../../src/config/index.ts';
import { Linter } from '../../src/engine/linter.ts';
import { defineRule } from '../../src/rule.ts';
import { tempProject } from './temp-project.ts';

beforeEach(() => clearConfigCache());

const noDelete = defineRule({
  meta: { id: 'no-delete', description: 'flags DELETE', defaultSeverity: 'warn', category: 'correctness' },
  create: (context) => ({ Delete: (node) => context.report({ node, message: 'DELETE' }) }),
});

/** A plugin that leaves a marker file next to itself when imported, and provides one rule. */
function markerPlugin(): string {
  return `import { writeFileSync } from 'node:fs';
writeFileSync(new URL('./plugin-was-imported', import.meta.url), 'yes');
export default [{ meta: { id: 'evil/x', description: 'x', defaultSeverity: 'error', category: 'style' }, create() { return {}; } }];`;
}

/** A shared folder holding a config with a plugin, and a git repository (no config of its own) beneath it. */
function sharedFolderAboveRepo(configFile: 'sqlwarden.config.json' | 'package.json', gitEntry: 'dir' | 'file') {
  const config = { plugins: ['./plugin.mjs'], rules: { 'no-delete': 'off', 'evil/x': 'error' } };
  const shared = tempProject({
    'plugin.mjs': markerPlugin(),
    [configFile]: configFile === 'package.json' ? { name: 'shared', sqlwarden: config } : config,
    'repo/db/q.sql': 'delete from t;\n',
  });
  const repo = join(shared, 'repo');
  if (gitEntry === 'dir') mkdirSync(join(repo, '.git'));
  else writeFileSync(join(repo, '.git'), 'gitdir: /somewhere/else/.git/worktrees/repo\n');
  return { shared, repo, marker: join(shared, 'plugin-was-imported') };
}

async function lint(cwd: string, file: string) {
  const linter = new Linter({ cwd, rules: [noDelete] });
  return linter.lintText('delete from t;\n', { filePath: file });
}

describe('config lookup stops at the repository root', () => {
  for (const configFile of ['sqlwarden.config.json', 'package.json'] as const) {
    for (const gitEntry of ['dir', 'file'] as const) {
      it(`ignores a ${configFile} with plugins above a repository (.git ${gitEntry}): plugin never imported, defaults used`, async () => {
        const { repo, marker } = sharedFolderAboveRepo(configFile, gitEntry);
        expect(findConfigFile(join(repo, 'db'))).toBeUndefined();
        expect(new ConfigLoader().findConfigFile(join(repo, 'db'))).toBeUndefined();
        const result = await lint(repo, join(repo, 'db/q.sql'));
        expect(existsSync(marker)).toBe(false);
        // Defaults: the built-in rule is on (the shared config turned it off).
        expect(result.messages.map((m) => m.ruleId)).toEqual(['no-delete']);
      });
    }
  }

  it('honours the same config (and its plugin) when it is inside the repository, at its root', async () => {
    const root = tempProject({
      '.git/HEAD': 'ref: refs/heads/main\n',
      'plugin.mjs': markerPlugin(),
      'sqlwarden.config.json': { plugins: ['./plugin.mjs'], rules: { 'no-delete': 'off' } },
      'db/q.sql': 'delete from t;\n',
    });
    expect(findConfigFile(join(root, 'db'))).toBe(join(root, 'sqlwarden.config.json'));
    const result = await lint(root, join(root, 'db/q.sql'));
    expect(existsSync(join(root, 'plugin-was-imported'))).toBe(true);
    expect(result.messages).toEqual([]);
  });

  it('an explicit config path still works from outside the repository', async () => {
    const { shared, repo, marker } = sharedFolderAboveRepo('sqlwarden.config.json', 'dir');
    const linter = new Linter({ cwd: repo, rules: [noDelete], configPath: join(shared, 'sqlwarden.config.json') });
    const result = await linter.lintText('delete from t;\n', { filePath: join(repo, 'db/q.sql') });
    expect(existsSync(marker)).toBe(true);
    expect(result.messages).toEqual([]);
  });
});

describe('config lookup outside any repository', () => {
  it('walks up through directories the user owns', () => {
    const root = tempProject({ 'sqlwarden.config.json': {}, 'a/b/.keep': '' });
    expect(findConfigFile(join(root, 'a/b'))).toBe(join(root, 'sqlwarden.config.json'));
  });

  it('never uses a config in, or above, a directory every user can write to', async () => {
    const root = tempProject({
      'shared/plugin.mjs': markerPlugin(),
      'shared/sqlwarden.config.json': { plugins: ['./plugin.mjs'], rules: { 'no-delete': 'off' } },
      'shared/project/q.sql': 'delete from t;\n',
      'shared/q.sql': 'delete from t;\n',
    });
    chmodSync(join(root, 'shared'), 0o1777);
    expect(findConfigFile(join(root, 'shared/project'))).toBeUndefined();
    expect(findConfigFile(join(root, 'shared'))).toBeUndefined();
    const result = await lint(join(root, 'shared/project'), join(root, 'shared/project/q.sql'));
    expect(existsSync(join(root, 'shared/plugin-was-imported'))).toBe(false);
    expect(result.messages.map((m) => m.ruleId)).toEqual(['no-delete']);
  });

  it.runIf(process.getuid?.() === 0)('never uses a config in a directory owned by another user (not root)', () => {
    const root = tempProject({ 'other/sqlwarden.config.json': {}, 'other/project/.keep': '' });
    chownSync(join(root, 'other'), 4321, 4321);
    expect(findConfigFile(join(root, 'other/project'))).toBeUndefined();
    chownSync(join(root, 'other'), 0, 0);
    expect(findConfigFile(join(root, 'other/project'))).toBe(join(root, 'other/sqlwarden.config.json'));
  });
});

describe('a ConfigLoader learns each directory once', () => {
  /** Every directory of a tree that has a repository under a world-writable folder, and configs at several levels. */
  function mixedTree(): { root: string; dirs: string[] } {
    const root = tempProject({
      'sqlwarden.config.json': {},
      'plain/a/b/.keep': '',
      'shared/sqlwarden.config.json': {},
      'shared/project/deep/.keep': '',
      'shared/repo/.git/HEAD': 'ref: refs/heads/main\n',
      'shared/repo/db/migrations/.keep': '',
      'shared/repo/sub/sqlwarden.config.json': {},
      'shared/repo/sub/x/.keep': '',
      'pkg/package.json': { name: 'p', sqlwarden: {} },
      'pkg/src/.keep': '',
    });
    chmodSync(join(root, 'shared'), 0o1777);
    const rel = ['', 'plain', 'plain/a', 'plain/a/b', 'shared', 'shared/project', 'shared/project/deep', 'shared/repo', 'shared/repo/db', 'shared/repo/db/migrations', 'shared/repo/sub', 'shared/repo/sub/x', 'pkg', 'pkg/src'];
    return { root, dirs: rel.map((r) => join(root, r)) };
  }

  it('answers every directory as the uncached search does, whatever the order of the lookups', () => {
    const { dirs } = mixedTree();
    const expected = dirs.map((dir) => findConfigFile(dir));
    for (const order of [dirs, [...dirs].reverse()]) {
      const loader = new ConfigLoader();
      const answers = new Map(order.map((dir) => [dir, loader.findConfigFile(dir)]));
      expect(dirs.map((dir) => answers.get(dir))).toEqual(expected);
    }
  });

  it('keeps what a lookup learnt about the directories above until clear(), for sibling folders too', () => {
    const root = tempProject({ '.git/HEAD': 'ref: refs/heads/main\n', 'db/one/a.sql': '', 'db/two/b.sql': '' });
    const loader = new ConfigLoader();
    expect(loader.loadConfigForFile(join(root, 'db/one/a.sql')).dir).toBe(root);
    // A project root and a config that appear later in a directory the first lookup went through.
    writeFileSync(join(root, 'db/package.json'), JSON.stringify({ name: 'db' }));
    writeFileSync(join(root, 'db/sqlwarden.config.json'), '{}');
    expect(loader.loadConfigForFile(join(root, 'db/two/b.sql'))).toMatchObject({ path: undefined, dir: root });
    loader.clear();
    expect(loader.loadConfigForFile(join(root, 'db/two/b.sql'))).toMatchObject({ path: join(root, 'db/sqlwarden.config.json'), dir: join(root, 'db') });
  });
});
