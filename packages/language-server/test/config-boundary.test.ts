// The language server finds configs with the core's ConfigLoader: a config above the
// workspace's repository root is not used and its plugin never imported, even in a trusted
// workspace (issue 10, item 9).
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { TestClient } from './client.ts';

const dirs: string[] = [];
const clients: TestClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) await client.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const PLUGIN = `import { writeFileSync } from 'node:fs';
writeFileSync(new URL('./plugin-was-imported', import.meta.url), 'yes');
export default [{ meta: { id: 'evil/x', description: 'x', defaultSeverity: 'error', category: 'style' }, create() { return {}; } }];`;

describe('language server: config lookup stops at the repository root', () => {
  it('a trusted workspace ignores a config with a plugin above its repository', async () => {
    const shared = realpathSync(mkdtempSync(path.join(tmpdir(), 'sqlwarden-lsp-shared-')));
    dirs.push(shared);
    writeFileSync(path.join(shared, 'plugin.mjs'), PLUGIN);
    writeFileSync(path.join(shared, 'sqlwarden.config.json'), JSON.stringify({ plugins: ['./plugin.mjs'], rules: { 'require-where': 'off' } }));
    const repo = path.join(shared, 'repo');
    mkdirSync(path.join(repo, '.git'), { recursive: true });
    const client = new TestClient({ rootPath: repo, initializationOptions: { trusted: true } });
    clients.push(client);
    await client.initialize();
    const uri = pathToFileURL(path.join(repo, 'q.sql')).href;
    await client.open(uri, 'delete from t;\n');
    const diagnostics = await client.diagnostics(uri);
    expect(diagnostics.map((d) => d.code)).toEqual(['require-where']);
    expect(existsSync(path.join(shared, 'plugin-was-imported'))).toBe(false);
  });
});
