import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defineRule, type Rule } from '../../src/rule.ts';
import {
  ConfigError,
  loadConfigFile,
  resolveConfig,
  type ConfigOverrides,
  type LoadedConfig,
} from '../../src/config/index.ts';
import { tempProject, thrownConfigError } from './temp-project.ts';

const noSelectStar = defineRule({
  meta: { id: 'no-select-star', description: 'No SELECT *', defaultSeverity: 'warn', category: 'performance' },
  create: () => ({}),
});
const noUnsafeNotNull = defineRule({
  meta: { id: 'no-unsafe-not-null', description: 'Safe NOT NULL', defaultSeverity: 'error', category: 'migration-safety' },
  create: () => ({}),
});
const requireWhere = defineRule({
  meta: {
    id: 'require-where',
    description: 'UPDATE/DELETE need WHERE',
    defaultSeverity: 'error',
    category: 'correctness',
    schema: {
      type: 'object',
      additionalProperties: false,
      properties: {
        truncate: { type: 'boolean' },
        ignoreTables: { type: 'array', items: { type: 'string' } },
        mode: { enum: ['strict', 'loose'] },
        limits: { type: 'object', required: ['max'], properties: { max: { type: 'integer', minimum: 1 } } },
      },
    },
    defaultOptions: { truncate: false, ignoreTables: [] },
  },
  create: () => ({}),
});

function rulesMap(...rules: Rule<any>[]): Map<string, Rule<any>> {
  return new Map(rules.map((rule) => [rule.meta.id, rule]));
}
const KNOWN = rulesMap(noSelectStar, noUnsafeNotNull, requireWhere);


/** Writes the config to a real file, loads and resolves it; returns the error. */
function configError(config: unknown, known = KNOWN, fileName = 'sqlwarden.config.json'): { error: ConfigError; path: string } {
  const root = tempProject({ [fileName]: JSON.stringify(config) });
  const path = join(root, fileName);
  const error = thrownConfigError(() => resolveConfig(loadConfigFile(path), known));
  return { error, path };
}

function expectConfigError(config: unknown, message: string, key?: string, known = KNOWN): void {
  const { error, path } = configError(config, known);
  expect(error.message).toBe(`Invalid config ${path}: ${message}`);
  expect(error.configPath).toBe(path);
  if (key !== undefined) expect(error.key).toBe(key);
}

const SEVERITY = 'severity must be one of "off", "warn", "error" (or 0, 1, 2)';

describe('config shape', () => {
  it('accepts the documented example', () => {
    const root = tempProject({
      'sqlwarden.config.json': {
        $schema: './node_modules/@sqlwarden/core/schema/sqlwarden.config.schema.json',
        dialect: 'postgresql',
        postgresVersion: 9.6,
        migrations: { include: ['**/migrations/**/*.sql'], transaction: 'wrapped' },
        ignores: ['vendor/**'],
        rules: { 'no-select-star': 'warn', 'require-where': ['error', { truncate: true }], 'no-unsafe-not-null': 0 },
        plugins: [],
      },
    });
    const resolved = resolveConfig(loadConfigFile(join(root, 'sqlwarden.config.json')), KNOWN);
    expect(resolved.settings).toEqual({ dialect: 'postgresql', postgresVersion: 9.6, migrationTransaction: 'wrapped' });
  });

  it('rule severity typos', () => {
    expectConfigError({ rules: { 'require-where': 'errror' } }, `"rules.require-where" ${SEVERITY}; got "errror"`, 'rules.require-where');
    expectConfigError({ rules: { 'require-where': 3 } }, `"rules.require-where" ${SEVERITY}; got 3`);
    expectConfigError({ rules: { 'require-where': ['fatal', {}] } }, `"rules.require-where" ${SEVERITY}; got "fatal"`);
  });

  it('malformed rule entries', () => {
    expectConfigError({ rules: { 'require-where': ['error', true] } }, '"rules.require-where" options must be an object; got true');
    expectConfigError(
      { rules: { 'require-where': ['error', {}, {}] } },
      '"rules.require-where" must be a severity or [severity, options]; got an array of 3 items',
    );
    expectConfigError({ rules: { 'require-where': [] } }, '"rules.require-where" must be a severity or [severity, options]; got an array of 0 items');
    expectConfigError(
      { rules: { 'require-where': true } },
      '"rules.require-where" must be a severity ("off", "warn", "error" or 0, 1, 2) or [severity, options]; got true',
    );
    expectConfigError({ rules: ['no-select-star'] }, '"rules" must be an object mapping rule ids to severities; got ["no-select-star"]', 'rules');
    expectConfigError({ rules: { '': 'warn' } }, '"rules" contains an empty rule id');
  });

  it('postgresVersion', () => {
    expectConfigError({ postgresVersion: 'fifteen' }, '"postgresVersion" must be a number between 9.0 and 19; got "fifteen"', 'postgresVersion');
    expectConfigError({ postgresVersion: 8.4 }, '"postgresVersion" must be a number between 9.0 and 19; got 8.4');
    expectConfigError({ postgresVersion: 20 }, '"postgresVersion" must be a number between 9.0 and 19; got 20');
  });

  it('dialect, with a hint for near misses', () => {
    expectConfigError({ dialect: 'postgres' }, '"dialect" must be one of "postgresql", "mysql"; got "postgres" (did you mean "postgresql"?)', 'dialect');
    expectConfigError({ dialect: 'oracle' }, '"dialect" must be one of "postgresql", "mysql"; got "oracle"');
  });

  it('unknown top-level keys, with did-you-mean', () => {
    const allowed = '(allowed: $schema, dialect, postgresVersion, migrations, ignores, rules, plugins)';
    expectConfigError({ dilect: 'mysql' }, `unknown key "dilect" ${allowed}; did you mean "dialect"?`, 'dilect');
    expectConfigError({ rule: {} }, `unknown key "rule" ${allowed}; did you mean "rules"?`);
    expectConfigError({ postgresqlVersion: 15 }, `unknown key "postgresqlVersion" ${allowed}; did you mean "postgresVersion"?`);
    expectConfigError({ extends: 'x' }, `unknown key "extends" ${allowed}`);
  });

  it('migrations', () => {
    expectConfigError({ migrations: ['db/**'] }, '"migrations" must be an object with "include", "exclude", "transaction", "tool", "order", "snapshots" and/or "rollbacks"; got ["db/**"]');
    expectConfigError(
      { migrations: { inclde: [] } },
      'unknown key "migrations.inclde" (allowed: include, exclude, transaction, tool, order, snapshots, rollbacks); did you mean "include"?',
      'migrations.inclde',
    );
    expectConfigError({ migrations: { include: 'db/**' } }, '"migrations.include" must be an array of glob strings; got "db/**"');
    expectConfigError({ migrations: { include: ['a/*.sql', 5] } }, '"migrations.include[1]" must be a non-empty glob string; got 5', 'migrations.include[1]');
    expectConfigError({ migrations: { exclude: 'test/**' } }, '"migrations.exclude" must be an array of glob strings; got "test/**"');
    expectConfigError(
      { migrations: { transaction: 'yes' } },
      '"migrations.transaction" must be one of "implicit", "wrapped", "none"; got "yes"',
    );
    expectConfigError(
      { migrations: { tool: 'gooose' } },
      '"migrations.tool" must be one of "auto", "none", "flyway", "liquibase", "golang-migrate", "goose", "dbmate", "sqitch", "prisma", "node-pg-migrate", "rails", "django", "diesel", "sqlx", "atlas", "supabase", "psql"; got "gooose" (did you mean "goose"?)',
      'migrations.tool',
    );
  });

  it('migrations.order and migrations.snapshots', () => {
    expectConfigError({ migrations: { order: 'versions' } }, '"migrations.order" must be one of "version", "path"; got "versions" (did you mean "version"?)', 'migrations.order');
    expectConfigError({ migrations: { order: 1 } }, '"migrations.order" must be one of "version", "path"; got 1');
    expectConfigError({ migrations: { snapshot: [] } }, 'unknown key "migrations.snapshot" (allowed: include, exclude, transaction, tool, order, snapshots, rollbacks); did you mean "snapshots"?', 'migrations.snapshot');
    expectConfigError({ migrations: { snapshots: 'db/structure.sql' } }, '"migrations.snapshots" must be an array of glob strings; got "db/structure.sql"');
    expectConfigError({ migrations: { snapshots: [''] } }, '"migrations.snapshots[0]" must be a non-empty glob string; got ""', 'migrations.snapshots[0]');
  });

  it('migrations.rollbacks', () => {
    expectConfigError({ migrations: { rollbacks: 'failure' } }, '"migrations.rollbacks" must be one of "failures", "all"; got "failure" (did you mean "failures"?)', 'migrations.rollbacks');
    expectConfigError({ migrations: { rollbacks: true } }, '"migrations.rollbacks" must be one of "failures", "all"; got true', 'migrations.rollbacks');
    expectConfigError({ migrations: { rollback: 'all' } }, 'unknown key "migrations.rollback" (allowed: include, exclude, transaction, tool, order, snapshots, rollbacks); did you mean "rollbacks"?', 'migrations.rollback');
  });

  it('ignores and plugins', () => {
    expectConfigError({ ignores: 'vendor/**' }, '"ignores" must be an array of glob strings; got "vendor/**"');
    expectConfigError({ ignores: [''] }, '"ignores[0]" must be a non-empty glob string; got ""');
    expectConfigError({ plugins: './x.mjs' }, '"plugins" must be an array of module paths or package names; got "./x.mjs"');
    expectConfigError({ plugins: [{ name: 'x' }] }, '"plugins[0]" must be a non-empty module path or package name; got {"name":"x"}');
    expectConfigError({ $schema: 1 }, '"$schema" must be a string; got 1');
  });

  it('the config must be an object', () => {
    expectConfigError([], 'the configuration must be a JSON object; got []');
    const root = tempProject({ 'package.json': { name: 'x', sqlwarden: 'strict' } });
    const path = join(root, 'package.json');
    expect(thrownConfigError(() => loadConfigFile(path)).message).toBe(
      `Invalid config ${path} ("sqlwarden" key): the configuration must be a JSON object; got "strict"`,
    );
  });

  it('names package.json configs as such', () => {
    const root = tempProject({ 'package.json': { sqlwarden: { dilect: 'mysql' } } });
    const path = join(root, 'package.json');
    expect(thrownConfigError(() => loadConfigFile(path)).message).toMatch(
      new RegExp(`^Invalid config ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\("sqlwarden" key\\): unknown key "dilect"`),
    );
  });
});

describe('rule ids', () => {
  it('unknown rule ids suggest near matches', () => {
    expectConfigError(
      { rules: { 'no-slect-star': 'warn' } },
      '"rules.no-slect-star": unknown rule (did you mean "no-select-star"?)',
      'rules.no-slect-star',
    );
    expectConfigError({ rules: { 'select-star': 'warn' } }, '"rules.select-star": unknown rule (did you mean "no-select-star"?)');
  });

  it('without a near match, list a few known rules', () => {
    expectConfigError(
      { rules: { frobnicate: 'warn' } },
      '"rules.frobnicate": unknown rule (known: no-select-star, no-unsafe-not-null, require-where)',
    );
    const many = rulesMap(
      ...['a-rule', 'b-rule', 'c-rule', 'd-rule', 'e-rule', 'f-rule', 'g-rule'].map((id) =>
        defineRule({ meta: { id, description: id, defaultSeverity: 'warn', category: 'style' }, create: () => ({}) }),
      ),
    );
    expectConfigError(
      { rules: { 'no-such-rule': 'warn' } },
      '"rules.no-such-rule": unknown rule (known: a-rule, b-rule, c-rule, d-rule, e-rule, and 2 more)',
      undefined,
      many,
    );
  });

  it('a plugin rule whose plugin is not loaded', () => {
    expectConfigError(
      { rules: { 'acme/no-foo': 'warn' } },
      '"rules.acme/no-foo": unknown rule (no loaded plugin provides "acme/" rules; is the plugin listed in "plugins"?)',
    );
  });
});

describe('rule options against meta.schema', () => {
  it('names the rule and the failing option', () => {
    expectConfigError(
      { rules: { 'require-where': ['error', { truncate: 'yes' }] } },
      '"rules.require-where" option "truncate" must be boolean; got "yes"',
      'rules.require-where',
    );
    expectConfigError(
      { rules: { 'require-where': ['error', { ignoreTables: ['a', 1] }] } },
      '"rules.require-where" option "ignoreTables[1]" must be string; got 1',
    );
    expectConfigError(
      { rules: { 'require-where': ['error', { mode: 'lax' }] } },
      '"rules.require-where" option "mode" must be one of "strict", "loose"; got "lax"',
    );
    expectConfigError(
      { rules: { 'require-where': ['error', { limits: { max: 0 } }] } },
      '"rules.require-where" option "limits.max" must be >= 1; got 0',
    );
    expectConfigError(
      { rules: { 'require-where': ['error', { limits: {} }] } },
      '"rules.require-where" option "limits" is missing required key "max"',
    );
  });

  it('unknown options suggest the right name', () => {
    expectConfigError(
      { rules: { 'require-where': ['warn', { trunc: true }] } },
      '"rules.require-where" has unknown option "trunc" (allowed: truncate, ignoreTables, mode, limits); did you mean "truncate"?',
    );
  });

  it('options of rules without a schema are accepted as they are', () => {
    const root = tempProject({ 'sqlwarden.config.json': { rules: { 'no-select-star': ['error', { anything: 1 }] } } });
    const resolved = resolveConfig(loadConfigFile(join(root, 'sqlwarden.config.json')), KNOWN);
    expect(resolved.rules.get('no-select-star')).toEqual({ severity: 'error', options: { anything: 1 } });
  });
});

describe('CLI overrides are validated the same way', () => {
  const loaded: LoadedConfig = { path: undefined, dir: '/project', raw: {} };
  const cli = (overrides: ConfigOverrides) => thrownConfigError(() => resolveConfig(loaded, KNOWN, overrides));

  it('--rule', () => {
    expect(cli({ rules: { 'require-where': 'errror' } }).message).toBe(`Invalid --rule "require-where": ${SEVERITY}; got "errror"`);
    expect(cli({ rules: { 'no-slect-star': 'off' } }).message).toBe(
      'Invalid --rule "no-slect-star": unknown rule (did you mean "no-select-star"?)',
    );
    expect(cli({ rules: { 'require-where': ['error', { truncate: 1 }] } }).message).toBe(
      'Invalid --rule "require-where": option "truncate" must be boolean; got 1',
    );
    const error = cli({ rules: { 'require-where': 'x' } });
    expect(error.key).toBe('--rule');
    expect(error.configPath).toBeUndefined();
  });

  it('--pg-version and --dialect', () => {
    expect(cli({ postgresVersion: 'fifteen' as unknown as number }).message).toBe(
      'Invalid --pg-version: must be a number between 9.0 and 19; got "fifteen"',
    );
    expect(cli({ postgresVersion: Number.NaN }).message).toBe('Invalid --pg-version: must be a number between 9.0 and 19; got NaN');
    expect(cli({ postgresVersion: 8 }).key).toBe('--pg-version');
    // PostgreSQL 19 (REPACK, MERGE/SPLIT PARTITION) is a version to target, from the config and the command line.
    expect(resolveConfig({ dir: '/p', raw: { postgresVersion: 19 } }, KNOWN).settings.postgresVersion).toBe(19);
    expect(resolveConfig(loaded, KNOWN, { postgresVersion: 19 }).settings.postgresVersion).toBe(19);
    expect(cli({ postgresVersion: 20 }).message).toBe('Invalid --pg-version: must be a number between 9.0 and 19; got 20');
    expect(cli({ dialect: 'oracle' }).message).toBe('Invalid --dialect: must be one of "postgresql", "mysql"; got "oracle"');
  });

  it('a config built in code is validated too', () => {
    const error = thrownConfigError(() => resolveConfig({ dir: '/p', raw: { postgresVersion: 'x' as unknown as number } }, KNOWN));
    expect(error.message).toBe('Invalid config: "postgresVersion" must be a number between 9.0 and 19; got "x"');
  });
});
