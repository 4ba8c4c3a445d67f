// A config nested absurdly deep is a clear ConfigError naming the file and the limit, never a
// bare "Maximum call stack size exceeded" (issue 10, item 10b).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfigFile, resolveConfig } from '../../src/config/index.ts';
import { defineRule } from '../../src/rule.ts';
import { tempProject, thrownConfigError } from './temp-project.ts';

const requireWhere = defineRule({
  meta: {
    id: 'require-where',
    description: 'x',
    defaultSeverity: 'error',
    category: 'correctness',
    schema: { type: 'object', properties: { truncate: { type: 'boolean' } } },
  },
  create: () => ({}),
});
const known = new Map([[requireWhere.meta.id, requireWhere]]);

const N = 100_000;
const LIMIT = 'arrays and objects are nested deeper than the limit of 100 levels';


function load(text: string): { error: ConfigError; path: string } {
  const root = tempProject({ 'sqlwarden.config.json': text });
  const path = join(root, 'sqlwarden.config.json');
  return { error: thrownConfigError(() => loadConfigFile(path)), path };
}

describe('deeply nested configs', () => {
  it('valid JSON: 100,000 nested arrays under "rules"', () => {
    const { error, path } = load(`{"rules": ${'['.repeat(N)}${']'.repeat(N)}}`);
    expect(error.message).toBe(`Invalid config ${path}: "rules[0][0]": ${LIMIT}`);
    expect(error.configPath).toBe(path);
  });

  it('valid JSON: 100,000 nested objects at the top level and in rule options', () => {
    expect(load(`{"x": ${'{"a":'.repeat(N)}1${'}'.repeat(N)}}`).error.message).toMatch(/: "x\.a\.a": arrays and objects are nested deeper than the limit of 100 levels$/);
    const options = `${'{"a":'.repeat(N)}1${'}'.repeat(N)}`;
    expect(load(`{"rules": {"require-where": ["error", ${options}]}}`).error.message).toContain(`"rules.require-where[1]": ${LIMIT}`);
  });

  it('invalid JSON (unclosed): the position of the first level too deep', () => {
    const { error, path } = load(`{"rules":\n  ${'['.repeat(N)}`);
    expect(error.message).toBe(`Invalid config ${path}:2:102: ${LIMIT}`);
    expect([error.line, error.column]).toEqual([2, 102]);
  });

  it('brackets inside strings do not count, and 100 levels are fine', () => {
    const root = tempProject({
      'sqlwarden.config.json': `{"ignores": ["${'['.repeat(500)}"], "rules": {"require-where": ["error", ${'{"a":'.repeat(96)}1${'}'.repeat(96)}]}}`,
    });
    expect(loadConfigFile(join(root, 'sqlwarden.config.json')).raw.ignores).toHaveLength(1);
  });

  it('a config built in code (language server settings) and --rule options', () => {
    let deep: unknown = 1;
    for (let i = 0; i < N; i++) deep = { a: deep };
    const inCode = thrownConfigError(() => resolveConfig({ dir: '/', raw: { rules: { 'require-where': ['error', deep] } } }, known));
    expect(inCode.message).toBe(`Invalid config: "rules.require-where[1]": ${LIMIT}`);
    const cli = thrownConfigError(() => resolveConfig({ dir: '/', raw: {} }, known, { rules: { 'require-where': ['error', deep] } }));
    expect(cli.message).toBe(`Invalid --rule "require-where": options: ${LIMIT}`);
  });
});
