// A config above the repository root (e.g. in a shared temp folder) must not apply to the
// repository's files, and must never get to import its plugins (issue 10, item 9).
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runCli } from './helpers.ts';

beforeAll(() => ensureBuilt());

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const PLUGIN = `import { writeFileSync } from 'node:fs';
writeFileSync(new URL('./plugin-was-imported', import.meta.url), 'yes');
export default [{ meta: { id: 'evil/x', description: 'x', defaultSeverity: 'error', category: 'style' }, create() { return {}; } }];`;

function sharedFolder(configFile: 'sqlwarden.config.json' | 'package.json'): { shared: string; repo: string; marker: string } {
  const shared = realpathSync(mkdtempSync(path.join(tmpdir(), 'sqlwarden-shared-')));
  dirs.push(shared);
  const config = { plugins: ['./plugin.mjs'], rules: { 'require-where': 'off' } };
  writeFileSync(path.join(shared, 'plugin.mjs'), PLUGIN);
  writeFileSync(path.join(shared, configFile), JSON.stringify(configFile === 'package.json' ? { name: 'x', sqlwarden: config } : config));
  const repo = path.join(shared, 'repo');
  mkdirSync(path.join(repo, '.git'), { recursive: true });
  mkdirSync(path.join(repo, 'db'));
  writeFileSync(path.join(repo, 'db/q.sql'), 'delete from t;\n');
  return { shared, repo, marker: path.join(shared, 'plugin-was-imported') };
}

const ruleIds = (stdout: string): string[] =>
  (JSON.parse(stdout) as Array<{ messages: Array<{ ruleId: string }> }>).flatMap((r) => r.messages.map((m) => m.ruleId));

describe('sqlwarden CLI: config lookup stops at the repository root', () => {
  for (const configFile of ['sqlwarden.config.json', 'package.json'] as const) {
    it(`ignores a ${configFile} with a plugin above the repository`, () => {
      const { repo, marker } = sharedFolder(configFile);
      const run = runCli(['--format', 'json', 'db'], { cwd: repo });
      expect(run.stderr).toBe('');
      expect(existsSync(marker)).toBe(false);
      expect(ruleIds(run.stdout)).toEqual(['require-where']); // defaults
      expect(run.status).toBe(1);
      // The same, with --print-config: no config file applies.
      const printed = runCli(['--print-config', 'db/q.sql'], { cwd: repo });
      expect(existsSync(marker)).toBe(false);
      expect(printed.stdout).not.toContain('plugin.mjs');
    });
  }

  it('honours the config inside the repository, and an explicit --config from above it', () => {
    const { shared, repo, marker } = sharedFolder('sqlwarden.config.json');
    const explicit = runCli(['--format', 'json', '--config', path.join(shared, 'sqlwarden.config.json'), 'db'], { cwd: repo });
    expect(existsSync(marker)).toBe(true);
    expect(ruleIds(explicit.stdout)).toEqual([]);
    rmSync(marker);
    writeFileSync(path.join(repo, 'plugin.mjs'), PLUGIN);
    writeFileSync(path.join(repo, 'sqlwarden.config.json'), JSON.stringify({ plugins: ['./plugin.mjs'], rules: { 'require-where': 'off' } }));
    const inside = runCli(['--format', 'json', 'db'], { cwd: repo });
    expect(existsSync(path.join(repo, 'plugin-was-imported'))).toBe(true);
    expect(existsSync(marker)).toBe(false);
    expect(ruleIds(inside.stdout)).toEqual([]);
  });
});
