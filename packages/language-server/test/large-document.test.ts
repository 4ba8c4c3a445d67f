// Issue 10, item 5: a large document while the user keeps typing. Lints run one after another, so
// a lint of a version that was edited again before its turn came is skipped: a pull request for
// it is answered ServerCancelled with retriggerRequest (the client asks again for the newest
// version), instead of every keystroke queueing another full lint behind the last.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ResponseError } from 'vscode-jsonrpc';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { useFixtureWorkspace } from './client.ts';

const FIXTURE = fileURLToPath(new URL('../../../fixtures/lsp', import.meta.url));
const lsp = useFixtureWorkspace(FIXTURE, { beforeAll, afterAll, afterEach });
const SERVER_CANCELLED = -32802;

describe('language server: a large document edited while it is being linted', () => {
  it('skips the lints of superseded versions and answers their pulls ServerCancelled', async () => {
    const client = await lsp.start({ pull: true });
    const uri = pathToFileURL(path.join(lsp.workspace, 'migrations/20240101000000_large.sql')).href;
    const lines: string[] = [];
    for (let i = 0; lines.length < 10_000; i++) lines.push(`CREATE TABLE t${i} (id serial PRIMARY KEY, name varchar(20));`, `CREATE INDEX t${i}_name ON t${i} (name);`, `UPDATE t${i} SET name = 'x';`);
    await client.open(uri, lines.join('\n') + '\n');
    // Five edits, each followed at once by a pull, as an editor sends them while the user types.
    const pulls: Array<Promise<unknown>> = [];
    for (let version = 2; version <= 6; version++) {
      void client.change(uri, version, [{ range: { start: { line: 2, character: 22 }, end: { line: 2, character: 23 } }, text: String(version) }]);
      pulls.push(client.request('textDocument/diagnostic', { textDocument: { uri } }).then((r) => r, (e: unknown) => e));
    }
    const answers = await Promise.all(pulls);
    const cancelled = answers.filter((a) => a instanceof ResponseError && a.code === SERVER_CANCELLED);
    expect(cancelled.length).toBeGreaterThan(0);
    for (const a of cancelled) expect((a as ResponseError<{ retriggerRequest: boolean }>).data).toEqual({ retriggerRequest: true });
    // The newest version is always linted.
    const last = answers.at(-1) as { kind: string; items: Array<{ code: string }> };
    expect(last.kind).toBe('full');
    expect(last.items.filter((d) => d.code === 'prefer-identity').length).toBe(lines.filter((l) => l.includes('serial')).length);
  }, 120_000);
});
