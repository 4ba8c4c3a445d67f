import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defineRule, type Rule } from '../../src/rule.ts';
import {
  DEFAULT_MIGRATION_GLOBS,
  loadConfigFile,
  loadConfigForFile,
  resolveConfig,
  type LoadedConfig,
} from '../../src/config/index.ts';
import { tempProject } from './temp-project.ts';

const noSelectStar = defineRule({
  meta: { id: 'no-select-star', description: 'No SELECT *', defaultSeverity: 'warn', category: 'performance' },
  create: () => ({}),
});
const requireWhere = defineRule({
  meta: {
    id: 'require-where',
    description: 'UPDATE/DELETE need WHERE',
    defaultSeverity: 'error',
    category: 'correctness',
    schema: { type: 'object', additionalProperties: false, properties: { truncate: { type: 'boolean' }, tables: { type: 'array' } } },
    defaultOptions: { truncate: false, tables: [] },
  },
  create: () => ({}),
});
const pedantic = defineRule({
  meta: { id: 'pedantic-style', description: 'Off by default', defaultSeverity: 'off', category: 'style' },
  create: () => ({}),
});
const KNOWN = new Map<string, Rule<any>>([noSelectStar, requireWhere, pedantic].map((rule) => [rule.meta.id, rule]));

function loadedFrom(raw: LoadedConfig['raw'], dir = '/project'): LoadedConfig {
  return { path: undefined, dir, raw };
}

describe('rules', () => {
  it('every known rule gets its default severity and default options when not configured', () => {
    const resolved = resolveConfig(loadedFrom({}), KNOWN);
    expect([...resolved.rules]).toEqual([
      ['no-select-star', { severity: 'warn', options: {} }],
      ['require-where', { severity: 'error', options: { truncate: false, tables: [] } }],
      ['pedantic-style', { severity: 'off', options: {} }],
    ]);
  });

  it('user severities (names and numbers) and options merged over the defaults', () => {
    const resolved = resolveConfig(
      loadedFrom({ rules: { 'no-select-star': 2, 'pedantic-style': 1, 'require-where': ['warn', { truncate: true }] } }),
      KNOWN,
    );
    expect(resolved.rules.get('no-select-star')).toEqual({ severity: 'error', options: {} });
    expect(resolved.rules.get('pedantic-style')).toEqual({ severity: 'warn', options: {} });
    expect(resolved.rules.get('require-where')).toEqual({ severity: 'warn', options: { truncate: true, tables: [] } });
    expect(resolveConfig(loadedFrom({ rules: { 'no-select-star': 0 } }), KNOWN).rules.get('no-select-star')?.severity).toBe('off');
  });

  it('CLI --rule overrides the file; a bare severity keeps the file options', () => {
    const loaded = loadedFrom({ rules: { 'require-where': ['warn', { truncate: true }], 'no-select-star': 'off' } });
    const severityOnly = resolveConfig(loaded, KNOWN, { rules: { 'require-where': 'error', 'no-select-star': 'warn' } });
    expect(severityOnly.rules.get('require-where')).toEqual({ severity: 'error', options: { truncate: true, tables: [] } });
    expect(severityOnly.rules.get('no-select-star')?.severity).toBe('warn');
    const withOptions = resolveConfig(loaded, KNOWN, { rules: { 'require-where': ['error', { tables: ['audit'] }] } });
    expect(withOptions.rules.get('require-where')).toEqual({ severity: 'error', options: { truncate: false, tables: ['audit'] } });
  });
});

describe('settings', () => {
  it('defaults', () => {
    expect(resolveConfig(loadedFrom({}), KNOWN).settings).toEqual({
      dialect: 'postgresql',
      postgresVersion: 15,
    });
    expect(resolveConfig(loadedFrom({ migrations: { tool: 'flyway' } }), KNOWN).settings.migrationTool).toBe('flyway');
    expect(resolveConfig(loadedFrom({ migrations: { rollbacks: 'all' } }), KNOWN).settings.rollbacks).toBe('all');
    expect(resolveConfig(loadedFrom({ migrations: { rollbacks: 'failures' } }), KNOWN).settings.rollbacks).toBe('failures');
  });

  it('from the file, then CLI overrides on top', () => {
    const loaded = loadedFrom({ dialect: 'mysql', postgresVersion: 11, migrations: { transaction: 'none' } });
    expect(resolveConfig(loaded, KNOWN).settings).toEqual({ dialect: 'mysql', postgresVersion: 11, migrationTransaction: 'none' });
    expect(resolveConfig(loaded, KNOWN, { postgresVersion: 9.6, dialect: 'postgresql' }).settings).toEqual({
      dialect: 'postgresql',
      postgresVersion: 9.6,
      migrationTransaction: 'none',
    });
    expect(resolveConfig(loaded, KNOWN, { postgresVersion: '16' as unknown as number }).settings.postgresVersion).toBe(16);
  });

  it('carries the config path and directory', () => {
    const root = tempProject({ 'sqlwarden.config.json': {} });
    const resolved = resolveConfig(loadConfigFile(join(root, 'sqlwarden.config.json')), KNOWN);
    expect(resolved.configPath).toBe(join(root, 'sqlwarden.config.json'));
    expect(resolved.dir).toBe(root);
    expect(resolveConfig(loadedFrom({}), KNOWN).configPath).toBeUndefined();
  });
});

describe('migration globs', () => {
  const migrations = [
    'migrations/001_init.sql',
    'db/migrations/20240101_add_users.sql',
    'db/migrate/20200101_x.sql',
    'prisma/migrations/2024_init/migration.sql',
    'supabase/migrations/1_x.sql',
    'sql/V2__add.sql',
    'V1.1__baseline.sql',
    'sql/R__views.sql',
    'src/main/resources/db/migration/V3__index.sql',
    // Flyway names make a file a migration wherever it lives (issue 12, item 1).
    'sql/V1_2__add_index.sql',
    'scripts/V2024.01.15.1200__backfill.sql',
    'sql/U2__undo_add.sql',
    'diesel/migrations/2024-01-01-000000_create_posts/up.sql',
    'diesel/migrations/2024-01-01-000000_create_posts/down.sql',
    'app/schema_migrations/0003.sql',
    '.hidden/migrations/1.sql',
    // psql scripts kept with the migrations (issue 12, item 10).
    'db/migrations/0004_backfill.psql',
    'db/migrate/20200102_x.psql',
  ];
  const notMigrations = [
    'queries/report.sql',
    'schema.sql',
    'sql/views/active_users.sql',
    'migrations/README.md',
    'scripts/report.psql',
    'sql/v2_add.sql',
    // Only Flyway's exact pattern: a version of digits (parts separated by . or _) and a description.
    'sql/Views__active.sql',
    'sql/V__x.sql',
    'sql/V1__.sql',
    'sql/V1.__x.sql',
    'sql/V1a__x.sql',
    'sql/v1__lowercase.sql',
    'sql/R__.sql',
    'sql/Undo__x.sql',
  ];

  it('the defaults cover common migration tools', () => {
    const resolved = resolveConfig(loadedFrom({}, '/project'), KNOWN);
    expect(resolved.migrationGlobs).toEqual([...DEFAULT_MIGRATION_GLOBS]);
    for (const path of migrations) expect(resolved.isMigrationPath(join('/project', path)), path).toBe(true);
    for (const path of notMigrations) expect(resolved.isMigrationPath(join('/project', path)), path).toBe(false);
  });

  it('migrations.include adds to the defaults and is relative to the config directory', () => {
    const root = tempProject({ 'sqlwarden.config.json': { migrations: { include: ['./schema/changes/*.sql'] } } });
    const resolved = resolveConfig(loadConfigFile(join(root, 'sqlwarden.config.json')), KNOWN);
    expect(resolved.migrationGlobs).toEqual([...DEFAULT_MIGRATION_GLOBS, './schema/changes/*.sql']);
    expect(resolved.isMigrationPath(join(root, 'schema/changes/0001.sql'))).toBe(true);
    // Adding a folder does not silently drop the conventional ones.
    expect(resolved.isMigrationPath(join(root, 'db/migrate/20200101_x.sql'))).toBe(true);
    expect(resolved.isMigrationPath(join(root, 'sub/schema/changes/0001.sql'))).toBe(false);
  });

  it('migrations.exclude takes files out of the migrations, the defaults included', () => {
    const root = tempProject({ 'sqlwarden.config.json': { migrations: { include: ['sql/*.sql'], exclude: ['test/**', 'sql/seed.sql'] } } });
    const resolved = resolveConfig(loadConfigFile(join(root, 'sqlwarden.config.json')), KNOWN);
    expect(resolved.isMigrationPath(join(root, 'sql/0001.sql'))).toBe(true);
    expect(resolved.isMigrationPath(join(root, 'sql/seed.sql'))).toBe(false);
    expect(resolved.isMigrationPath(join(root, 'test/migrations/1.sql'))).toBe(false);
    expect(resolved.isMigrationPath(join(root, 'db/migrations/1.sql'))).toBe(true);
  });

  it('accepts paths relative to the process cwd', () => {
    const resolved = resolveConfig(loadedFrom({}, '/project'), KNOWN);
    expect(resolved.isMigrationPath(relative(process.cwd(), '/project/db/migrate/1.sql'))).toBe(true);
    expect(resolved.isMigrationPath(relative(process.cwd(), '/project/queries/report.sql'))).toBe(false);
  });

  it('files outside the config directory (explicit --config) still match **/ globs', () => {
    const root = tempProject({ 'config/sqlwarden.json': {}, 'app/db/migrate/1.sql': '' });
    const loaded = loadConfigForFile(join(root, 'app/db/migrate/1.sql'), { explicitConfigPath: join(root, 'config/sqlwarden.json') });
    const resolved = resolveConfig(loaded, KNOWN);
    expect(resolved.isMigrationPath(join(root, 'app/db/migrate/1.sql'))).toBe(true);
    expect(resolved.isMigrationPath(join(root, 'app/queries/1.sql'))).toBe(false);
  });

  it('an empty include keeps the defaults; exclude ["**"] means no file is a migration', () => {
    expect(resolveConfig(loadedFrom({ migrations: { include: [] } }), KNOWN).isMigrationPath('/project/migrations/1.sql')).toBe(true);
    expect(resolveConfig(loadedFrom({ migrations: { exclude: ['**'] } }), KNOWN).isMigrationPath('/project/migrations/1.sql')).toBe(false);
  });
});

describe('ignores', () => {
  it('matches globs relative to the config directory; node_modules and .git always', () => {
    const root = tempProject({ 'sqlwarden.config.json': { ignores: ['vendor/**', 'generated/', '**/*.gen.sql'] } });
    const resolved = resolveConfig(loadConfigFile(join(root, 'sqlwarden.config.json')), KNOWN);
    expect(resolved.ignoreGlobs).toEqual(['**/node_modules/**', '**/.git/**', 'vendor/**', 'generated/', '**/*.gen.sql']);
    expect(resolved.isIgnoredPath(join(root, 'vendor/pg/a.sql'))).toBe(true);
    expect(resolved.isIgnoredPath(join(root, 'generated/x/y.sql'))).toBe(true);
    expect(resolved.isIgnoredPath(join(root, 'sql/report.gen.sql'))).toBe(true);
    expect(resolved.isIgnoredPath(join(root, 'packages/x/node_modules/y/m.sql'))).toBe(true);
    expect(resolved.isIgnoredPath(join(root, 'sql/vendor/a.sql'))).toBe(false);
    expect(resolved.isIgnoredPath(join(root, 'sql/report.sql'))).toBe(false);
  });
});

describe('JSON schema file', () => {
  const schemaPath = new URL('../../schema/sqlwarden.config.schema.json', import.meta.url);
  const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as Record<string, any>;

  it('is draft-07, closed at the top level, and lists the default migration globs', () => {
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(schema.properties)).toEqual(['$schema', 'dialect', 'postgresVersion', 'migrations', 'ignores', 'rules', 'plugins']);
    for (const glob of DEFAULT_MIGRATION_GLOBS) expect(schema.properties.migrations.properties.include.description).toContain(glob);
  });

  it('documents every property', () => {
    const missing: string[] = [];
    const visit = (node: unknown, path: string) => {
      if (typeof node !== 'object' || node === null) return;
      const record = node as Record<string, unknown>;
      for (const [name, child] of Object.entries((record.properties as Record<string, unknown>) ?? {})) {
        if (typeof (child as Record<string, unknown>).description !== 'string') missing.push(`${path}.${name}`);
        visit(child, `${path}.${name}`);
      }
      if (record.items && !Array.isArray(record.items)) visit(record.items, `${path}[]`);
    };
    visit(schema, '');
    for (const [name, definition] of Object.entries(schema.definitions as Record<string, any>)) {
      if (typeof definition.description !== 'string') missing.push(`definitions.${name}`);
    }
    expect(missing).toEqual([]);
  });
});
