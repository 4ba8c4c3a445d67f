import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfigFile, loadPlugins, resolveConfig, type LoadedConfig } from '../../src/config/index.ts';
import type { Rule } from '../../src/rule.ts';
import { tempProject } from './temp-project.ts';

/** Source of a plugin rule object literal. */
function ruleSource(id: string, extra = ''): string {
  return `{ meta: { id: ${JSON.stringify(id)}, description: 'test rule', defaultSeverity: 'warn', category: 'style'${extra} }, create() { return {}; } }`;
}

function setup(files: Record<string, string | object>, plugins: string[]): LoadedConfig {
  const root = tempProject({ ...files, 'sqlwarden.config.json': { plugins } });
  return loadConfigFile(join(root, 'sqlwarden.config.json'));
}

async function pluginError(loaded: LoadedConfig): Promise<ConfigError> {
  try {
    await loadPlugins(loaded);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

const ids = (rules: Rule<any>[]) => rules.map((rule) => rule.meta.id);

describe('loading plugins', () => {
  it('loads a local .mjs file relative to the config directory', async () => {
    const loaded = setup({ 'tools/sqlwarden-rules.mjs': `export default { rules: [${ruleSource('acme/no-foo')}] };` }, [
      './tools/sqlwarden-rules.mjs',
    ]);
    const rules = await loadPlugins(loaded);
    expect(ids(rules)).toEqual(['acme/no-foo']);
    expect(typeof rules[0]!.create).toBe('function');
  });

  it('accepts a single rule, an array, a rules record, or named exports', async () => {
    const loaded = setup(
      {
        'p/single.mjs': `export default ${ruleSource('p/single')};`,
        'p/array.mjs': `export default [${ruleSource('p/a1')}, ${ruleSource('p/a2')}];`,
        'p/record.mjs': `export default { rules: { anything: ${ruleSource('p/rec')} } };`,
        'p/named.mjs': `export const rules = [${ruleSource('p/named')}];`,
        'p/cjs.cjs': `module.exports = { rules: [${ruleSource('p/cjs')}] };`,
      },
      ['./p/single.mjs', './p/array.mjs', './p/record.mjs', './p/named.mjs', './p/cjs.cjs'],
    );
    expect(ids(await loadPlugins(loaded))).toEqual(['p/single', 'p/a1', 'p/a2', 'p/rec', 'p/named', 'p/cjs']);
  });

  it('resolves package names from the config directory (CommonJS, import-only and scoped packages)', async () => {
    const loaded = setup(
      {
        'node_modules/sqlwarden-plugin-acme/package.json': { name: 'sqlwarden-plugin-acme', main: 'lib/index.js' },
        'node_modules/sqlwarden-plugin-acme/lib/index.js': `module.exports = { rules: [${ruleSource('acme/no-foo')}] };`,
        'node_modules/esm-only-plugin/package.json': {
          name: 'esm-only-plugin',
          type: 'module',
          exports: { '.': { import: './dist/index.js' } },
        },
        'node_modules/esm-only-plugin/dist/index.js': `export default [${ruleSource('esm/rule')}];`,
        'node_modules/@acme/sqlwarden-plugin/package.json': { name: '@acme/sqlwarden-plugin', type: 'module', exports: './main.js' },
        'node_modules/@acme/sqlwarden-plugin/main.js': `export default { rules: [${ruleSource('@acme/scoped')}] };`,
      },
      ['sqlwarden-plugin-acme', 'esm-only-plugin', '@acme/sqlwarden-plugin'],
    );
    expect(ids(await loadPlugins(loaded))).toEqual(['acme/no-foo', 'esm/rule', '@acme/scoped']);
  });

  it('plugin rules can then be configured, with their options validated', async () => {
    const root = tempProject({
      'tools/rules.mjs': `export default [${ruleSource('acme/max-joins', ", schema: { type: 'object', properties: { max: { type: 'integer' } } }, defaultOptions: { max: 3 }")}];`,
      'sqlwarden.config.json': { plugins: ['./tools/rules.mjs'], rules: { 'acme/max-joins': ['error', { max: 5 }] } },
    });
    const loaded = loadConfigFile(join(root, 'sqlwarden.config.json'));
    const known = new Map((await loadPlugins(loaded)).map((rule) => [rule.meta.id, rule]));
    expect(resolveConfig(loaded, known).rules.get('acme/max-joins')).toEqual({ severity: 'error', options: { max: 5 } });
  });

  it('never loads code the config does not list', async () => {
    const marker = `__sqlwarden_plugin_loaded_${Date.now()}`;
    const loaded = setup(
      {
        'node_modules/sqlwarden-plugin-evil/package.json': { name: 'sqlwarden-plugin-evil', main: 'index.js' },
        'node_modules/sqlwarden-plugin-evil/index.js': `globalThis.${marker} = true; module.exports = [${ruleSource('evil/x')}];`,
        'sqlwarden.plugin.mjs': `globalThis.${marker} = true; export default [];`,
      },
      [],
    );
    expect(await loadPlugins(loaded)).toEqual([]);
    expect((globalThis as Record<string, unknown>)[marker]).toBeUndefined();
  });
});

describe('bad plugins are ConfigErrors naming the plugin', () => {
  const cases: Array<[string, Record<string, string | object>, string, string]> = [
    ['missing file', {}, './tools/missing.mjs', 'file not found: <root>/tools/missing.mjs'],
    [
      'missing package',
      {},
      'sqlwarden-plugin-nope',
      'cannot find package "sqlwarden-plugin-nope" from <root> (is it installed? local files must start with ./ or ../)',
    ],
    ['throws on import', { 'bad.mjs': `throw new Error('boom');` }, './bad.mjs', 'failed to load <root>/bad.mjs: boom'],
    [
      'exports nothing useful',
      { 'bad.mjs': `export const answer = 42;` },
      './bad.mjs',
      'exports no rules (expected a default export that is a rule, an array of rules, or { rules })',
    ],
    ['rule without id', { 'bad.mjs': `export default [{ meta: { description: 'x' }, create() {} }];` }, './bad.mjs', 'rule #1: meta.id must be a string; got nothing'],
    [
      'rule id not namespaced',
      { 'bad.mjs': `export default [${ruleSource('no-select-star')}];` },
      './bad.mjs',
      'rule "no-select-star": meta.id must be namespaced like "my-plugin/no-select-star"; got "no-select-star"',
    ],
    [
      'bad default severity',
      { 'bad.mjs': `export default { rules: [${ruleSource('acme/a')}, { meta: { id: 'acme/b', description: 'b', defaultSeverity: 'warning' }, create() {} }] };` },
      './bad.mjs',
      'rule "acme/b": meta.defaultSeverity must be one of "off", "warn", "error"; got "warning"',
    ],
    [
      'missing description',
      { 'bad.mjs': `export default { meta: { id: 'acme/c', defaultSeverity: 'warn' }, create() {} };` },
      './bad.mjs',
      'rule "acme/c": meta.description must be a string; got nothing',
    ],
    [
      'create is not a function',
      { 'bad.mjs': `export default { rules: { c: { meta: { id: 'acme/c', description: 'c', defaultSeverity: 'warn' }, create: 1 } } };` },
      './bad.mjs',
      'rule "c": create must be a function; got 1',
    ],
    [
      'duplicate rule ids',
      { 'bad.mjs': `export default [${ruleSource('acme/a')}, ${ruleSource('acme/a')}];` },
      './bad.mjs',
      'rule "acme/a" is already defined by this plugin',
    ],
  ];

  for (const [name, files, spec, problem] of cases) {
    it(name, async () => {
      const loaded = setup(files, [spec]);
      const error = await pluginError(loaded);
      const expected = problem.replaceAll('<root>', loaded.dir);
      expect(error.message).toBe(`Invalid config ${loaded.path}: plugin "${spec}": ${expected}`);
      expect(error.key).toBe('plugins[0]');
      expect(error.configPath).toBe(loaded.path);
    });
  }

  it('the same rule id from two plugins', async () => {
    const loaded = setup(
      { 'a.mjs': `export default [${ruleSource('acme/x')}];`, 'b.mjs': `export default [${ruleSource('acme/x')}];` },
      ['./a.mjs', './b.mjs'],
    );
    const error = await pluginError(loaded);
    expect(error.message).toBe(`Invalid config ${loaded.path}: plugin "./b.mjs": rule "acme/x" is already defined by plugin "./a.mjs"`);
    expect(error.key).toBe('plugins[1]');
  });

  it('a syntax error in the plugin', async () => {
    const loaded = setup({ 'bad.mjs': 'export default {' }, ['./bad.mjs']);
    const error = await pluginError(loaded);
    expect(error.message).toMatch(/^Invalid config .*: plugin "\.\/bad\.mjs": failed to load .*bad\.mjs: /);
  });
});
