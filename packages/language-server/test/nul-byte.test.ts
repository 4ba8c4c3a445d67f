// An editor buffer holding a NUL byte: the statement with it gets a syntax error at the NUL (the
// parser would otherwise stop reading there), and the other statements are linted as usual.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { useFixtureWorkspace } from './client.ts';

const FIXTURE = fileURLToPath(new URL('../../../fixtures/lsp', import.meta.url));
const lsp = useFixtureWorkspace(FIXTURE, { beforeAll, afterAll, afterEach });

describe('language server: a NUL byte in the document', () => {
  it('reports the NUL at its position and lints the other statements', async () => {
    const client = await lsp.start();
    const uri = pathToFileURL(path.join(lsp.workspace, 'queries/nul.sql')).href;
    await client.open(uri, 'SELECT 1;\nUPDATE t SET a = 1 \0 WHERE b = 2;\nDELETE FROM t;\n');
    const diagnostics = await client.diagnostics(uri, (ds) => ds.some((d) => d.code === 'syntax-error'));
    const syntax = diagnostics.filter((d) => d.code === 'syntax-error');
    expect(syntax).toHaveLength(1);
    expect(syntax[0]!.range).toEqual({ start: { line: 1, character: 19 }, end: { line: 1, character: 20 } });
    expect(diagnostics.filter((d) => d.code === 'require-where').map((d) => d.range.start.line)).toEqual([2]);
  });
});
