import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigLoader } from '../../src/config/index.ts';
import { Linter } from '../../src/engine/linter.ts';
import { defineRule } from '../../src/rule.ts';
import { tempProject } from '../config/temp-project.ts';

const noDelete = defineRule({
  meta: { id: 'no-delete', description: 'flags DELETE', defaultSeverity: 'error', category: 'correctness' },
  create: (context) => ({ Delete: (node) => context.report({ node, message: 'DELETE' }) }),
});

const PLUGIN = `export default { rules: [{ meta: { id: 'acme/no-drop', description: 'x', defaultSeverity: 'warn', category: 'style' }, create(context) { return { Drop(node) { context.report({ node, message: 'drop' }); } }; } }] };`;

function pluginProject(): string {
  return tempProject({
    'sqlwarden.config.json': { plugins: ['./rules.mjs'], rules: { 'acme/no-drop': 'error' }, ignores: ['generated/'] },
    'rules.mjs': PLUGIN,
  });
}

describe('Linter config queries without prepare()', () => {
  it('isPathIgnored and isMigrationPath answer before any plugin is loaded', () => {
    const root = pluginProject();
    const linter = new Linter({ cwd: root, rules: [noDelete] });
    expect(linter.isPathIgnored(join(root, 'generated/a.sql'))).toBe(true);
    expect(linter.isPathIgnored('queries/a.sql')).toBe(false);
    expect(linter.isPathIgnored(join(root, 'node_modules/x/a.sql'))).toBe(true);
    expect(linter.isMigrationPath(join(root, 'db/migrations/1.sql'))).toBe(true);
    expect(linter.isMigrationPath(join(root, 'queries/a.sql'))).toBe(false);
  });

  it('getConfigForFile loads the plugins itself', async () => {
    const root = pluginProject();
    const linter = new Linter({ cwd: root, rules: [noDelete] });
    expect(await linter.getConfigForFile(join(root, 'q.sql'))).toMatchObject({
      configFile: join(root, 'sqlwarden.config.json'),
      ignores: ['**/node_modules/**', '**/.git/**', 'generated/'],
      rules: { 'acme/no-drop': 'error', 'no-delete': 'error' },
    });
  });

  it('the synchronous resolvedConfigFor says what is missing instead of calling the plugin rule unknown', async () => {
    const root = pluginProject();
    const linter = new Linter({ cwd: root, rules: [noDelete] });
    expect(() => linter.resolvedConfigFor(join(root, 'q.sql'))).toThrow(/plugins named by .*sqlwarden\.config\.json are not loaded yet: await linter\.prepare\(filePath\)/);
    await linter.prepare(join(root, 'q.sql'));
    expect(linter.resolvedConfigFor(join(root, 'q.sql')).rules.get('acme/no-drop')).toEqual({ severity: 'error', options: {} });
    // Without plugins there is nothing to wait for.
    const plain = tempProject({ 'sqlwarden.config.json': { rules: { 'no-delete': 'warn' } } });
    expect(new Linter({ cwd: plain, rules: [noDelete] }).resolvedConfigFor(join(plain, 'q.sql')).rules.get('no-delete')!.severity).toBe('warn');
  });
});

describe('config cache', () => {
  it('keeps what it loaded for the Linter’s lifetime, until clearConfigCache()', async () => {
    const root = tempProject({ 'sqlwarden.config.json': { rules: { 'no-delete': 'warn' } } });
    const linter = new Linter({ cwd: root, rules: [noDelete] });
    const severity = async (file: string) => (await linter.lintText('delete from t;', { filePath: join(root, file) })).messages[0]?.severity;
    expect(await severity('a.sql')).toBe(1);
    writeFileSync(join(root, 'sqlwarden.config.json'), JSON.stringify({ rules: { 'no-delete': 'error' }, ignores: ['a.sql'] }));
    mkdirSync(join(root, 'sub'));
    writeFileSync(join(root, 'sub/sqlwarden.config.json'), JSON.stringify({ rules: { 'no-delete': 'off' } }));
    expect(await severity('a.sql')).toBe(1);
    expect(linter.isPathIgnored(join(root, 'a.sql'))).toBe(false);
    // A Linter of its own does not share the cache.
    expect((await new Linter({ cwd: root, rules: [noDelete] }).lintText('delete from t;', { filePath: join(root, 'a.sql') })).messages[0]?.severity).toBe(2);
    linter.clearConfigCache();
    expect(await severity('a.sql')).toBe(2);
    expect(await severity('sub/b.sql')).toBeUndefined();
    expect(linter.isPathIgnored(join(root, 'a.sql'))).toBe(true);
  });

  it('a lookup caches every directory it walked through', () => {
    const root = tempProject({ 'sqlwarden.config.json': {}, 'a/b/c/.keep': '' });
    const loader = new ConfigLoader();
    expect(loader.findConfigFile(join(root, 'a/b/c'))).toBe(join(root, 'sqlwarden.config.json'));
    // A config appearing in between is not seen from any of the walked directories until clear().
    writeFileSync(join(root, 'a/sqlwarden.config.json'), '{}');
    expect(loader.findConfigFile(join(root, 'a/b'))).toBe(join(root, 'sqlwarden.config.json'));
    expect(loader.findConfigFile(join(root, 'a'))).toBe(join(root, 'sqlwarden.config.json'));
    loader.clear();
    expect(loader.findConfigFile(join(root, 'a/b/c'))).toBe(join(root, 'a/sqlwarden.config.json'));
  });

  it('does not cache a config that failed to load', () => {
    const root = tempProject({ 'sqlwarden.config.json': '{ "dialect": ' });
    const linter = new Linter({ cwd: root, rules: [noDelete] });
    expect(() => linter.isPathIgnored(join(root, 'a.sql'))).toThrow(/invalid JSON/);
    writeFileSync(join(root, 'sqlwarden.config.json'), JSON.stringify({ ignores: ['a.sql'] }));
    expect(linter.isPathIgnored(join(root, 'a.sql'))).toBe(true);
  });
});
