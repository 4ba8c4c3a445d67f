// Headlines, details and fix titles in the editor, read through the plugin rules of
// fixtures/cli/two-level (loaded in a trusted workspace), which report the way built-in rules do.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { CodeAction, Diagnostic, Hover } from 'vscode-languageserver-protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { useFixtureWorkspace } from './client.ts';

const FIXTURE = fileURLToPath(new URL('../../../fixtures/cli/two-level', import.meta.url));
const INDEX_FILE = 'migrations/002_index.sql';
const HEADLINE = 'CREATE INDEX blocks writes to the table while it builds; use CREATE INDEX CONCURRENTLY';

const lsp = useFixtureWorkspace(FIXTURE, { beforeAll, afterAll, afterEach });
const start = () => lsp.start({ initializationOptions: { trusted: true } });
const uriOf = (rel: string) => pathToFileURL(path.join(lsp.workspace, rel)).href;
const textOf = (rel: string) => readFileSync(path.join(lsp.workspace, rel), 'utf8');
const hasRule = (id: string) => (d: Diagnostic[]) => d.some((x) => x.code === id);

describe('two-level findings in the language server', () => {
  it('shows the headline as the message, and the detail in the hover without the headline', async () => {
    const client = await start();
    const uri = uriOf(INDEX_FILE);
    await client.open(uri, textOf(INDEX_FILE));
    const diagnostic = (await client.diagnostics(uri, hasRule('demo/index-build'))).find((d) => d.code === 'demo/index-build')!;
    expect(diagnostic.message).toBe(HEADLINE);
    const hover = await client.request<Hover>('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 3 } });
    const value = (hover.contents as { value: string }).value;
    expect(value).toContain('**sqlwarden demo/index-build** — Index builds that block writes. [Documentation](https://example.com/rules/index-build)');
    expect(value).toContain('CREATE INDEX takes a SHARE lock for the whole build, which blocks INSERT, UPDATE and DELETE until the index is built.');
    // The detail's line break is kept as a Markdown line break.
    expect(value).toContain('lets writes continue.  \nIt cannot run inside a transaction block.');
    expect(value).toMatch(/\*\*Locks:\*\* takes SHARE on orders/);
    expect(value).not.toContain(HEADLINE);
  });

  it("titles quick fixes with the rule's fix and suggestion titles, or the headline when a fix has none", async () => {
    const client = await start();
    const index = uriOf(INDEX_FILE);
    await client.open(index, textOf(INDEX_FILE));
    const indexFindings = (await client.diagnostics(index, hasRule('demo/index-build'))).filter((d) => d.code === 'demo/index-build');
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: index }, range: indexFindings[0]!.range, context: { diagnostics: indexFindings, only: ['quickfix'] } });
    expect(actions.find((a) => a.isPreferred)?.title).toBe('Use CREATE INDEX CONCURRENTLY');
    expect(actions.map((a) => a.title)).toContain('Set lock_timeout before this statement');
    expect(actions.map((a) => a.title)).not.toContain('Fix demo/index-build (sqlwarden)');

    const queries = uriOf('queries.sql');
    await client.open(queries, textOf('queries.sql'));
    const upper = (await client.diagnostics(queries, hasRule('demo/upper-select'))).filter((d) => d.code === 'demo/upper-select');
    const untitled = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: queries }, range: upper[0]!.range, context: { diagnostics: [upper[0]!], only: ['quickfix'] } });
    expect(untitled.find((a) => a.isPreferred)?.title).toBe('Fix: Write SELECT in capitals');

    // Fix-all keeps its title.
    const all = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: queries },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [], only: ['source.fixAll.sqlwarden'] },
    });
    expect(all.map((a) => a.title)).toEqual(['Fix all sqlwarden problems']);
  });
});
