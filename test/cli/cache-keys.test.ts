import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { affectsDetection, globalKey } from '../../packages/cli/src/cache/keys.ts';
import { repoRoot } from './helpers.ts';

describe('cache keys', () => {
  it('cover every marker name migration-tool detection looks for', () => {
    const tools = readFileSync(path.join(repoRoot, 'packages/core/src/migration-tools/tools.ts'), 'utf8');
    const names = [...tools.matchAll(/kind: 'marker', name: '([^']+)'/g)].map((match) => match[1]!);
    expect(names.length).toBeGreaterThan(5);
    for (const name of [...names, '.git', 'flyway.conf', 'flyway.toml', 'V1__init.sql.conf', '20240101_add_users.rb']) expect(affectsDetection(name), name).toBe(true);
    for (const name of ['node_modules', 'lint-cache.json', 'report.sarif', 'V1__init.sql']) expect(affectsDetection(name), name).toBe(false);
  });

  it('change with the version, overrides and config path', () => {
    const base = { version: '1.0.0', cwd: '/repo', rules: {} };
    const keys = new Set([
      globalKey(base),
      globalKey({ ...base, version: '1.0.1' }),
      globalKey({ ...base, pgVersion: 12 }),
      globalKey({ ...base, rules: { 'no-select-star': 'off' } }),
      globalKey({ ...base, configPath: '/repo/other.json' }),
    ]);
    expect(keys.size).toBe(5);
  });
});
