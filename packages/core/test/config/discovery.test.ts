import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  ConfigError,
  clearConfigCache,
  findConfigFile,
  loadConfigFile,
  loadConfigForFile,
} from '../../src/config/index.ts';
import { tempProject, thrownConfigError } from './temp-project.ts';

beforeEach(() => clearConfigCache());


describe('findConfigFile', () => {
  it('walks up from the start directory to the nearest sqlwarden.config.json', () => {
    const root = tempProject({ 'sqlwarden.config.json': {}, 'db/migrate/.keep': '' });
    expect(findConfigFile(join(root, 'db/migrate'))).toBe(join(root, 'sqlwarden.config.json'));
  });

  it('uses the "sqlwarden" key of package.json', () => {
    const root = tempProject({ 'package.json': { name: 'app', sqlwarden: { dialect: 'postgresql' } }, 'sql/.keep': '' });
    expect(findConfigFile(join(root, 'sql'))).toBe(join(root, 'package.json'));
  });

  it('skips a package.json without the key and keeps walking', () => {
    const root = tempProject({
      'sqlwarden.config.json': { postgresVersion: 13 },
      'packages/app/package.json': { name: 'app' },
      'packages/app/sql/.keep': '',
    });
    expect(findConfigFile(join(root, 'packages/app/sql'))).toBe(join(root, 'sqlwarden.config.json'));
  });

  it('prefers the nearest config, and sqlwarden.config.json over package.json in the same directory', () => {
    const root = tempProject({
      'sqlwarden.config.json': {},
      'packages/app/package.json': { sqlwarden: {} },
      'packages/app/sqlwarden.config.json': {},
      'packages/other/package.json': { sqlwarden: {} },
    });
    expect(findConfigFile(join(root, 'packages/app'))).toBe(join(root, 'packages/app/sqlwarden.config.json'));
    expect(findConfigFile(join(root, 'packages/other'))).toBe(join(root, 'packages/other/package.json'));
  });

  it('returns a malformed package.json that mentions the key, so its error is not silently skipped', () => {
    const root = tempProject({ 'package.json': '{ "sqlwarden": { "dialect": "mysql" }, }' });
    expect(findConfigFile(root)).toBe(join(root, 'package.json'));
    const other = tempProject({ 'package.json': '{ "name": "x", }', 'sqlwarden.config.json': {} });
    expect(findConfigFile(other)).toBe(join(other, 'sqlwarden.config.json'));
  });

  it('stops at the filesystem root', () => {
    const root = tempProject({ 'a/b/c/.keep': '' });
    expect(findConfigFile(join(root, 'a/b/c'))).toBeUndefined();
  });
});

describe('loadConfigForFile', () => {
  it('gives each file its nearest config, with dir = the config directory', () => {
    const root = tempProject({
      'sqlwarden.config.json': { postgresVersion: 12 },
      'services/billing/sqlwarden.config.json': { postgresVersion: 16 },
    });
    const top = loadConfigForFile(join(root, 'sql/report.sql'));
    const billing = loadConfigForFile(join(root, 'services/billing/migrations/1.sql'));
    expect(top).toMatchObject({ path: join(root, 'sqlwarden.config.json'), dir: root, raw: { postgresVersion: 12 } });
    expect(billing).toMatchObject({ dir: join(root, 'services/billing'), raw: { postgresVersion: 16 } });
  });

  it('resolves relative file paths against cwd and falls back to defaults relative to cwd', () => {
    const root = tempProject({ 'x/.keep': '' });
    const loaded = loadConfigForFile('x/q.sql', { cwd: root });
    expect(loaded).toEqual({ path: undefined, dir: root, raw: {} });
  });

  it('uses an explicit config for every file, wherever it is', () => {
    const root = tempProject({
      'sqlwarden.config.json': { postgresVersion: 12 },
      'ci/strict.json': { postgresVersion: 17 },
    });
    const loaded = loadConfigForFile(join(root, 'sql/a.sql'), { explicitConfigPath: 'ci/strict.json', cwd: root });
    expect(loaded).toMatchObject({ path: join(root, 'ci/strict.json'), dir: join(root, 'ci'), raw: { postgresVersion: 17 } });
  });

  it('caches per directory until clearConfigCache', () => {
    const root = tempProject({ 'sqlwarden.config.json': { postgresVersion: 12 } });
    const first = loadConfigForFile(join(root, 'a.sql'));
    expect(loadConfigForFile(join(root, 'b.sql'))).toBe(first);
    writeFileSync(join(root, 'sqlwarden.config.json'), JSON.stringify({ postgresVersion: 14 }));
    expect(loadConfigForFile(join(root, 'a.sql')).raw.postgresVersion).toBe(12);
    clearConfigCache();
    expect(loadConfigForFile(join(root, 'a.sql')).raw.postgresVersion).toBe(14);
  });
});

describe('loadConfigFile', () => {
  it('reads the "sqlwarden" key of package.json', () => {
    const root = tempProject({ 'package.json': { name: 'x', sqlwarden: { dialect: 'mysql' } } });
    expect(loadConfigFile(join(root, 'package.json'))).toEqual({
      path: join(root, 'package.json'),
      dir: root,
      raw: { dialect: 'mysql' },
    });
  });

  it('accepts a UTF-8 byte order mark', () => {
    const root = tempProject({ 'sqlwarden.config.json': '\uFEFF{ "dialect": "mysql" }' });
    expect(loadConfigFile(join(root, 'sqlwarden.config.json')).raw).toEqual({ dialect: 'mysql' });
  });

  it('rejects an explicit package.json without the key', () => {
    const root = tempProject({ 'package.json': { name: 'x' } });
    const path = join(root, 'package.json');
    expect(thrownConfigError(() => loadConfigFile(path)).message).toBe(`Invalid config ${path}: package.json has no "sqlwarden" key`);
  });

  it('reports a missing file', () => {
    const root = tempProject();
    const path = join(root, 'nope.json');
    const error = thrownConfigError(() => loadConfigFile(path));
    expect(error.message).toBe(`Cannot read config ${path}: file not found`);
    expect(error.configPath).toBe(path);
  });

  describe('bad JSON gives line:column and a plain reason', () => {
    const cases: Array<[string, string, string]> = [
      ['missing comma', '{\n  "dialect": "mysql"\n  "postgresVersion": 15\n}', `3:3: invalid JSON: unexpected character "\\"", expected ',' or '}' after property value`],
      ['single quotes', "{ 'dialect': 'mysql' }", '1:3: invalid JSON: strings must use double quotes, expected a property name in double quotes'],
      ['unterminated string', '{ "dialect": "mysql }', '1:14: invalid JSON: unterminated string'],
      ['truncated', '{ "rules": {', '1:13: invalid JSON: unexpected end of file, expected a property name in double quotes'],
      ['empty file', '', '1:1: invalid JSON: unexpected end of file, expected a value'],
      ['garbage after the value', '{}\n}', '2:1: invalid JSON: unexpected character "}" after the end of the JSON value'],
      ['CRLF line breaks', '{\r\n  "a": 1,\r\n  "b": tru\r\n}', '3:8: invalid JSON: unexpected character "t", expected a value'],
    ];
    for (const [name, text, expected] of cases) {
      it(name, () => {
        const root = tempProject({ 'sqlwarden.config.json': text });
        const path = join(root, 'sqlwarden.config.json');
        const error = thrownConfigError(() => loadConfigFile(path));
        expect(error.message).toBe(`Invalid config ${path}:${expected}`);
        expect(error.configPath).toBe(path);
        const [line, column] = expected.split(':').map(Number);
        expect([error.line, error.column]).toEqual([line, column]);
      });
    }
  });

  it('sqlwarden.config.json is JSONC: comments and trailing commas are accepted', () => {
    const root = tempProject({ 'sqlwarden.config.json': '{\n  // PostgreSQL of production\n  "postgresVersion": 16, /* for now */\n  "rules": { "require-where": "off", },\n  "ignores": ["a//b/*.sql", "x,]"],\n}\n' });
    const loaded = loadConfigFile(join(root, 'sqlwarden.config.json'));
    // Comment and comma look-alikes inside strings are kept.
    expect(loaded.raw).toEqual({ postgresVersion: 16, rules: { 'require-where': 'off' }, ignores: ['a//b/*.sql', 'x,]'] });
  });

  it('a JSONC file with an error reports the error, not its first comment', () => {
    const root = tempProject({ 'sqlwarden.config.json': '{\n  // pg\n  "dialect": "postgresql"\n  "postgresVersion": 15\n}' });
    const path = join(root, 'sqlwarden.config.json');
    const error = thrownConfigError(() => loadConfigFile(path));
    expect(error.message).toBe(`Invalid config ${path}:4:3: invalid JSON: unexpected character "\\"", expected ',' or '}' after property value`);
  });

  it('package.json stays strict JSON (npm reads it): a comment there is an error', () => {
    const root = tempProject({ 'package.json': '{\n  // x\n  "sqlwarden": {}\n}' });
    const path = join(root, 'package.json');
    expect(thrownConfigError(() => loadConfigFile(path)).message).toBe(`Invalid config ${path}:2:3: invalid JSON: comments are not allowed in JSON, expected a property name in double quotes`);
  });

  it('reports bad JSON found through discovery of package.json', () => {
    const root = tempProject({ 'package.json': '{\n  "sqlwarden": { "dialect": "mysql" },\n}' });
    const path = join(root, 'package.json');
    expect(thrownConfigError(() => loadConfigForFile(join(root, 'a.sql'))).message).toBe(
      `Invalid config ${path}:2:38: invalid JSON: trailing comma is not allowed in JSON`,
    );
  });
});
