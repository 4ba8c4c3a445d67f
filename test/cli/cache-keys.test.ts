import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DETECTION_MARKER_PATTERN, DETECTION_MARKERS, globalKey } from '../../packages/cli/src/cache/keys.ts';
import { repoRoot } from './helpers.ts';

describe('cache keys', () => {
  it('cover every marker name migration-tool detection looks for', () => {
    const tools = readFileSync(path.join(repoRoot, 'packages/core/src/migration-tools/tools.ts'), 'utf8');
    const names = [...tools.matchAll(/kind: 'marker', name: '([^']+)'/g)].map((match) => match[1]!);
    expect(names.length).toBeGreaterThan(5);
    for (const name of names) expect(DETECTION_MARKERS.has(name), name).toBe(true);
    const patterns = [...tools.matchAll(/kind: 'marker', name: \/((?:[^/\\]|\\.)+)\//g)].map((match) => match[1]!);
    for (const pattern of patterns) expect(DETECTION_MARKER_PATTERN.source, pattern).toContain(pattern);
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
