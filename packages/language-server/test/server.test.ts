import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CodeAction, Diagnostic, DocumentDiagnosticReport, Hover, TextEdit } from 'vscode-languageserver-protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SERVER, TestClient, folderUri, useFixtureWorkspace } from './client.ts';

const FIXTURE = fileURLToPath(new URL('../../../fixtures/lsp', import.meta.url));
const INDEX_FILE = 'migrations/20240301000000_index_orders.sql';
const STATUS_FILE = 'migrations/20240302000000_add_status.sql';

const lsp = useFixtureWorkspace(FIXTURE, { beforeAll, afterAll, afterEach });
const start = lsp.start;

function uriOf(rel: string): string {
  return pathToFileURL(path.join(lsp.workspace, rel)).href;
}
function textOf(rel: string): string {
  return readFileSync(path.join(lsp.workspace, rel), 'utf8');
}
function apply(text: string, edits: TextEdit[]): string {
  return TextDocument.applyEdits(TextDocument.create('file:///x.sql', 'sql', 1, text), edits);
}
const hasRule = (id: string) => (d: Diagnostic[]) => d.some((x) => x.code === id);
const lacksRule = (id: string) => (d: Diagnostic[]) => !d.some((x) => x.code === id);

describe('language server over stdio (built dist/server.mjs)', () => {
  it('pushes diagnostics on open and on an incremental change', async () => {
    const client = await start();
    const uri = uriOf(INDEX_FILE);
    await client.open(uri, textOf(INDEX_FILE));
    const diagnostics = await client.diagnostics(uri, hasRule('no-blocking-index-build'));
    const d = diagnostics.find((x) => x.code === 'no-blocking-index-build')!;
    expect(d.source).toBe('sqlwarden');
    expect(d.severity).toBe(1);
    expect(d.range).toEqual({ start: { line: 1, character: 0 }, end: { line: 1, character: 12 } });
    expect(d.codeDescription?.href).toMatch(/rules\/no-blocking-index-build\/README\.md$/);
    expect(d.data).toMatchObject({ ruleId: 'no-blocking-index-build', fix: { range: [51, 51], text: ' CONCURRENTLY' } });
    // Incremental edit: replace `CREATE INDEX` with `CREATE INDEX CONCURRENTLY` by inserting at line 1 col 12.
    await client.change(uri, 2, [{ range: { start: { line: 1, character: 12 }, end: { line: 1, character: 12 } }, text: ' CONCURRENTLY' }]);
    await client.diagnostics(uri, (ds, p) => p.version === 2 && lacksRule('no-blocking-index-build')(ds));
  });

  it('answers pull diagnostics and does not also push them', async () => {
    const client = await start({ pull: true });
    const uri = uriOf(INDEX_FILE);
    await client.open(uri, textOf(INDEX_FILE));
    const report = await client.request<DocumentDiagnosticReport>('textDocument/diagnostic', { textDocument: { uri } });
    expect(report.kind).toBe('full');
    expect(report.kind === 'full' && report.items.map((d) => d.code)).toEqual(['no-blocking-index-build']);
    await new Promise((r) => setTimeout(r, 600)); // longer than the push debounce
    expect(client.published.filter((p) => p.uri === uri)).toEqual([]);
  });

  it('answers `unchanged` to a pull naming the last report when the findings are the same, and the full list otherwise', async () => {
    const client = await start({ pull: true });
    const uri = uriOf(INDEX_FILE);
    await client.open(uri, textOf(INDEX_FILE));
    const pull = (previousResultId?: string) => client.request<DocumentDiagnosticReport>('textDocument/diagnostic', { textDocument: { uri }, ...(previousResultId ? { previousResultId } : {}) });
    const first = await pull();
    expect(first.kind).toBe('full');
    expect(first.resultId).toEqual(expect.any(String));
    // The same text again: nothing to resend.
    expect(await pull(first.resultId)).toEqual({ kind: 'unchanged', resultId: first.resultId });
    // A client that does not say what it holds always gets the list.
    const again = await pull();
    expect(again.kind === 'full' && again.items.map((d) => d.code)).toEqual(['no-blocking-index-build']);
    // An edit elsewhere in the statement that leaves the findings alone: still unchanged.
    const text = textOf(INDEX_FILE);
    const line = text.split('\n')[1]!;
    await client.change(uri, 2, [{ range: { start: { line: 1, character: line.length }, end: { line: 1, character: line.length } }, text: ' ' }]);
    expect(await pull(again.resultId)).toEqual({ kind: 'unchanged', resultId: again.resultId });
    // An edit that changes the findings: a new full report with a new id.
    await client.change(uri, 3, [{ range: { start: { line: 1, character: 12 }, end: { line: 1, character: 12 } }, text: ' CONCURRENTLY' }]);
    const fixed = await pull(again.resultId);
    expect(fixed.kind).toBe('full');
    expect(fixed.resultId).not.toBe(again.resultId);
    expect(fixed.kind === 'full' && fixed.items.map((d) => d.code)).not.toContain('no-blocking-index-build');
    // A stale id (not the last report) gets the full list even when nothing changed.
    expect((await pull(again.resultId)).kind).toBe('full');
  });

  it('offers the rule fix as a preferred quick fix, and the fixed text lints clean', async () => {
    const client = await start();
    const uri = uriOf(INDEX_FILE);
    const text = textOf(INDEX_FILE);
    await client.open(uri, text);
    const diagnostics = await client.diagnostics(uri, hasRule('no-blocking-index-build'));
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: diagnostics[0]!.range,
      context: { diagnostics, only: ['quickfix'] },
    });
    const preferred = actions.find((a) => a.isPreferred)!;
    expect(preferred.kind).toBe('quickfix');
    const fixed = apply(text, preferred.edit!.changes![uri]!);
    expect(fixed).toContain('CREATE INDEX CONCURRENTLY orders_user_id_idx');
    await client.change(uri, 2, [{ text: fixed }]);
    const after = await client.diagnostics(uri, (_d, p) => p.version === 2);
    expect(after).toEqual([]);
  });

  it('offers rule suggestions as quick fixes', async () => {
    const client = await start({ settings: { rules: { 'require-lock-timeout': 'warn' } } });
    const uri = uriOf(INDEX_FILE);
    const text = textOf(INDEX_FILE);
    await client.open(uri, text);
    const diagnostics = await client.diagnostics(uri, hasRule('require-lock-timeout'));
    const target = diagnostics.filter((d) => d.code === 'require-lock-timeout');
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: target[0]!.range,
      context: { diagnostics: target },
    });
    const suggestion = actions.find((a) => a.title === 'Set lock_timeout before this statement')!;
    expect(suggestion.kind).toBe('quickfix');
    expect(suggestion.isPreferred).toBeUndefined();
    expect(apply(text, suggestion.edit!.changes![uri]!)).toContain("SET lock_timeout = '2s';\nCREATE INDEX");
  });

  it('source.fixAll.sqlwarden applies every fix', async () => {
    const client = await start();
    const uri = uriOf(INDEX_FILE);
    const text = textOf(INDEX_FILE);
    await client.open(uri, text);
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [], only: ['source.fixAll.sqlwarden'] },
    });
    expect(actions.map((a) => a.kind)).toEqual(['source.fixAll.sqlwarden']);
    expect(apply(text, actions[0]!.edit!.changes![uri]!)).toBe(text.replace('CREATE INDEX', 'CREATE INDEX CONCURRENTLY'));
  });

  it('disables a rule for a line (keeping indentation) and for the file', async () => {
    const client = await start();
    const uri = uriOf(STATUS_FILE);
    const text = textOf(STATUS_FILE);
    await client.open(uri, text);
    const diagnostics = await client.diagnostics(uri, hasRule('no-unsafe-not-null'));
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: diagnostics[0]!.range,
      context: { diagnostics },
    });
    const line = actions.find((a) => a.title === 'Disable no-unsafe-not-null for this line')!;
    const file = actions.find((a) => a.title === 'Disable no-unsafe-not-null for this file')!;
    const lineFixed = apply(text, line.edit!.changes![uri]!);
    expect(lineFixed.split('\n')[1]).toBe('  -- sqlwarden-ignore-next-line no-unsafe-not-null');
    expect(apply(text, file.edit!.changes![uri]!).startsWith('-- sqlwarden-ignore-file no-unsafe-not-null\n')).toBe(true);
    await client.change(uri, 2, [{ text: lineFixed }]);
    expect(await client.diagnostics(uri, (_d, p) => p.version === 2)).toEqual([]);
  });

  it('hovers a diagnostic with the rule and the locks of the statement, not the message VS Code already shows', async () => {
    const client = await start();
    const uri = uriOf(STATUS_FILE);
    await client.open(uri, textOf(STATUS_FILE));
    const diagnostic = (await client.diagnostics(uri, hasRule('no-unsafe-not-null'))).find((d) => d.code === 'no-unsafe-not-null')!;
    const hover = await client.request<Hover>('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 30 } });
    const value = (hover.contents as { value: string }).value;
    expect(value).toContain('**sqlwarden no-unsafe-not-null** — NOT NULL columns and defaults added to existing tables');
    expect(value).toMatch(/\[Documentation\]\(.*no-unsafe-not-null/);
    expect(value).toMatch(/Locks:\*\* takes ACCESS EXCLUSIVE on users \(blocks reads and writes\)/);
    // The message is in the diagnostic, which VS Code shows above the hover: not repeated, not even its first sentence.
    expect(diagnostic.message).toContain('NOT NULL without a DEFAULT');
    expect(value).not.toContain((diagnostic.message as string).split(/(?<=\.)\s/)[0]!);
    expect(value).not.toContain('NOT NULL without a DEFAULT');
  });

  it('hovers where the locked table was defined earlier in the document', async () => {
    const client = await start();
    const uri = uriOf('migrations/20240303000000_define_then_alter.sql');
    const text = '-- a table, then a change to it\n\nCREATE TABLE accounts (id bigint PRIMARY KEY);\nALTER TABLE accounts ADD COLUMN plan text NOT NULL;\n';
    await client.open(uri, text);
    const hover = await client.request<Hover>('textDocument/hover', { textDocument: { uri }, position: { line: 3, character: 35 } });
    const value = (hover.contents as { value: string }).value;
    expect(value).toMatch(/Locks:\*\* takes ACCESS EXCLUSIVE on accounts/);
    expect(value).toContain('**Defined:** `accounts` at line 3 of this file');
  });

  it('lints a .psql file as SQL even when the editor gives it no SQL language id', async () => {
    const client = await start();
    const uri = uriOf('queries/report.psql');
    await client.open(uri, 'SELECT * FROM users;\n', 1, 'plaintext');
    const diagnostics = await client.diagnostics(uri, hasRule('no-select-star'));
    expect(diagnostics.find((d) => d.code === 'no-select-star')!.range.start).toEqual({ line: 0, character: 7 });
  });

  it('re-lints open documents when sqlwarden.config.json changes', async () => {
    const client = await start();
    const uri = uriOf(INDEX_FILE);
    await client.open(uri, textOf(INDEX_FILE));
    await client.diagnostics(uri, hasRule('no-blocking-index-build'));
    const configPath = path.join(lsp.workspace, 'sqlwarden.config.json');
    const original = readFileSync(configPath, 'utf8');
    try {
      writeFileSync(configPath, JSON.stringify({ rules: { 'require-lock-timeout': 'off', 'no-blocking-index-build': 'off' } }));
      const count = client.published.length;
      await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(configPath).href, type: 2 }] });
      await client.diagnostics(uri, (d) => client.published.length > count && d.length === 0);
    } finally {
      writeFileSync(configPath, original);
    }
  });

  it('watches config files itself when the client cannot (no dynamic file-watcher registration)', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'sqlwarden-lsp-watch-'));
    try {
      cpSync(FIXTURE, root, { recursive: true });
      const client = await start({ rootPath: root });
      const uri = pathToFileURL(path.join(root, INDEX_FILE)).href;
      await client.open(uri, textOf(INDEX_FILE));
      await client.diagnostics(uri, hasRule('no-blocking-index-build'));
      expect(client.registrations.some((r) => r.method === 'workspace/didChangeWatchedFiles')).toBe(false);
      const count = client.published.length;
      // A new config next to the document, nearer than the workspace one: no notification is sent.
      writeFileSync(path.join(root, 'migrations', 'sqlwarden.config.json'), JSON.stringify({ rules: { 'no-blocking-index-build': 'off' } }));
      await client.diagnostics(uri, (d) => client.published.length > count && d.length === 0);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('asks a client that can watch files to watch the config files', async () => {
    const client = await start({ watchesFiles: true });
    await client.diagnostics('file:///never', () => false, 300).catch(() => undefined); // let `initialized` finish
    const watchers = client.registrations.find((r) => r.method === 'workspace/didChangeWatchedFiles')?.registerOptions as { watchers: Array<{ globPattern: string }> };
    expect(watchers.watchers.map((w) => w.globPattern)).toEqual(['**/sqlwarden.config.json', '**/package.json']);
  });

  it('applies client settings (rule overrides) from workspace/configuration', async () => {
    const client = await start({ settings: { rules: { 'no-blocking-index-build': 'off' } } });
    const uri = uriOf(INDEX_FILE);
    await client.open(uri, textOf(INDEX_FILE));
    expect(await client.diagnostics(uri)).toEqual([]);
  });

  it('gives one informational diagnostic for a document over the size limit', async () => {
    const client = await start({ settings: { maxFileSize: 100 } });
    const uri = uriOf('migrations/big.sql');
    await client.open(uri, 'SELECT 1;\n'.repeat(50));
    const diagnostics = await client.diagnostics(uri);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ severity: 3, code: 'file-too-large' });
  });

  it('answers an error for a request that throws and keeps serving', async () => {
    const client = await start();
    const uri = uriOf(INDEX_FILE);
    await client.open(uri, textOf(INDEX_FILE));
    await expect(client.request('textDocument/hover', { textDocument: { uri } })).rejects.toMatchObject({ code: -32603 });
    await expect(client.request('textDocument/codeAction', { textDocument: { uri } })).rejects.toMatchObject({ code: -32603 });
    expect(client.logs.join('\n')).toMatch(/textDocument\/hover failed/);
    const hover = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 2 } });
    expect(hover).not.toBeNull();
    expect(client.alive()).toBe(true);
  });

  it('survives malformed JSON-RPC and binary garbage', async () => {
    const client = await start();
    const garbage = '{"jsonrpc": nope';
    client.child.stdin.write(`Content-Length: ${Buffer.byteLength(garbage)}\r\n\r\n${garbage}`);
    await new Promise((r) => setTimeout(r, 200));
    const uri = uriOf('migrations/binary.sql');
    await client.open(uri, '\u0000\u0001\uFFFD\uD800 garbage \u0007;;; SELECT FROM WHERE ((( \u0000');
    await client.diagnostics(uri);
    const hover = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 3 } });
    expect(hover === null || typeof hover === 'object').toBe(true);
    expect(client.alive()).toBe(true);
  });

  it('loads config plugins only in a trusted workspace', async () => {
    const pluginRoot = fileURLToPath(new URL('../../../fixtures/cli/with-plugin', import.meta.url));
    const uri = pathToFileURL(path.join(pluginRoot, 'queries/cleanup.sql')).href;
    const text = readFileSync(fileURLToPath(uri), 'utf8') + '\nSELECT * FROM t;\n';
    const untrusted = await start({ rootPath: pluginRoot });
    await untrusted.open(uri, text);
    const builtinOnly = await untrusted.diagnostics(uri);
    expect(builtinOnly[0]).toMatchObject({ code: 'plugins-not-loaded', severity: 3 });
    expect(builtinOnly[0]!.message).toMatch(/trusted workspace/);
    const untrustedCodes = builtinOnly.slice(1).map((d) => String(d.code));
    expect(untrustedCodes.length).toBeGreaterThan(0); // the built-in rules still ran
    expect(untrustedCodes.some((code) => code.startsWith('acme/'))).toBe(false);
    const trusted = await start({ rootPath: pluginRoot, initializationOptions: { trusted: true } });
    await trusted.open(uri, text);
    const all = await trusted.diagnostics(uri);
    expect(all.some((d) => String(d.code).startsWith('acme/'))).toBe(true);
    expect(all.some((d) => d.code === 'plugins-not-loaded')).toBe(false);
    expect(all.map((d) => String(d.code)).filter((code) => !code.startsWith('acme/'))).toEqual(untrustedCodes);
  });

  it('sends $/logTrace only at the trace level the client set', async () => {
    const client = await start({ trace: 'verbose' });
    const uri = uriOf(INDEX_FILE);
    await client.open(uri, textOf(INDEX_FILE));
    await client.diagnostics(uri, hasRule('no-blocking-index-build'));
    const linted = client.traces.find((t) => t.message.startsWith(`linted ${uri}`))!;
    expect(linted.message).toMatch(/1 diagnostics, 1 statements/);
    expect(linted.verbose).toBe('2:1 no-blocking-index-build');
    await client.connection.sendNotification('$/setTrace', { value: 'off' });
    const count = client.traces.length;
    await client.change(uri, 2, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '-- edited\n' }]);
    await client.diagnostics(uri, (_d, p) => p.version === 2);
    expect(client.traces.length).toBe(count);

    const quiet = await start();
    await quiet.open(uri, textOf(INDEX_FILE));
    await quiet.diagnostics(uri, hasRule('no-blocking-index-build'));
    expect(quiet.traces).toEqual([]);
  });

  it('answers a request cancelled while it waits in the queue with RequestCancelled', async () => {
    const client = await start();
    const uri = uriOf('migrations/20240401000000_large.sql');
    const text = 'CREATE INDEX big_idx ON big (a);\n'.repeat(3000);
    await client.open(uri, text);
    await client.diagnostics(uri, hasRule('no-blocking-index-build'));
    const fixAllParams = {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [], only: ['source.fixAll.sqlwarden'] },
    };
    // A fix-all, a second one and the second one's cancellation go out in one write, so the server
    // reads the cancellation while the second request still waits behind the first: the order is
    // fixed by the bytes, not by how fast either process happens to be.
    const frame = (message: object) => {
      const body = JSON.stringify({ jsonrpc: '2.0', ...message });
      return `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    };
    const answers = new Map<string, { result?: unknown; error?: { code: number } }>();
    let received = Buffer.alloc(0);
    const answered = new Promise<void>((resolve) => {
      client.child.stdout.on('data', (chunk: Buffer) => {
        received = Buffer.concat([received, chunk]);
        for (;;) {
          const headerEnd = received.indexOf('\r\n\r\n');
          if (headerEnd < 0) break;
          const length = Number(/Content-Length: (\d+)/i.exec(received.subarray(0, headerEnd).toString())![1]);
          if (received.length < headerEnd + 4 + length) break;
          const message = JSON.parse(received.subarray(headerEnd + 4, headerEnd + 4 + length).toString());
          received = received.subarray(headerEnd + 4 + length);
          if (typeof message.id === 'string' && message.id.startsWith('raw-')) answers.set(message.id, message);
          if (answers.size === 2) resolve();
        }
      });
    });
    client.child.stdin.write(
      frame({ id: 'raw-busy', method: 'textDocument/codeAction', params: fixAllParams }) +
        frame({ id: 'raw-cancelled', method: 'textDocument/codeAction', params: fixAllParams }) +
        frame({ method: '$/cancelRequest', params: { id: 'raw-cancelled' } }),
    );
    await answered;
    expect(answers.get('raw-cancelled')).toMatchObject({ error: { code: -32800 } });
    expect(answers.get('raw-cancelled')).not.toHaveProperty('result');
    expect(Array.isArray(answers.get('raw-busy')?.result)).toBe(true);
    expect(client.alive()).toBe(true);
  });

  it('is multi-root aware: each folder has its own config file and client settings', async () => {
    const roots = ['first', 'second', 'third'].map((name) => {
      const root = path.join(lsp.workspace, '..', `${path.basename(lsp.workspace)}-${name}`);
      cpSync(FIXTURE, root, { recursive: true });
      return root;
    });
    const [first, second, third] = roots as [string, string, string];
    try {
      writeFileSync(path.join(second, 'sqlwarden.config.json'), JSON.stringify({ rules: { 'no-blocking-index-build': 'off', 'require-lock-timeout': 'off' } }));
      const client = new TestClient({ rootPath: first, extraFolders: [second] });
      lsp.track(client);
      client.scopedSettings.set(folderUri(first), { rules: { 'no-blocking-index-build': 'error' } });
      await client.initialize();
      const fileIn = (root: string) => pathToFileURL(path.join(root, INDEX_FILE)).href;
      const text = textOf(INDEX_FILE);
      await client.open(fileIn(first), text);
      await client.open(fileIn(second), text);
      const inFirst = await client.diagnostics(fileIn(first));
      expect(inFirst.map((d) => [d.code, d.severity])).toEqual([['no-blocking-index-build', 1 /* Error */]]);
      expect(await client.diagnostics(fileIn(second))).toEqual([]);

      // A folder added later gets its own config and settings.
      client.scopedSettings.set(folderUri(third), { rules: { 'require-lock-timeout': 'warn' } });
      await client.connection.sendNotification('workspace/didChangeWorkspaceFolders', {
        event: { added: [{ uri: folderUri(third), name: 'third' }], removed: [] },
      });
      await client.open(fileIn(third), text);
      const inThird = await client.diagnostics(fileIn(third), (d) => d.length > 0);
      expect(inThird.map((d) => d.code).sort()).toEqual(['no-blocking-index-build', 'require-lock-timeout']);
    } finally {
      for (const root of roots) rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('language server over node-ipc', () => {
  it('pushes diagnostics when started with --node-ipc', async () => {
    const { fork } = await import('node:child_process');
    const { IPCMessageReader, IPCMessageWriter, createMessageConnection } = await import('vscode-jsonrpc/node');
    const child = fork(SERVER, ['--node-ipc'], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
    const connection = createMessageConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
    const received = new Promise<{ uri: string; diagnostics: Diagnostic[] }>((resolve) => {
      connection.onNotification('textDocument/publishDiagnostics', (p: { uri: string; diagnostics: Diagnostic[] }) => {
        if (p.diagnostics.length) resolve(p);
      });
    });
    connection.listen();
    try {
      const rootUri = pathToFileURL(lsp.workspace).href;
      await connection.sendRequest('initialize', { processId: process.pid, rootUri, workspaceFolders: [{ uri: rootUri, name: 'ipc' }], capabilities: {} });
      await connection.sendNotification('initialized', {});
      const uri = uriOf(INDEX_FILE);
      await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'sql', version: 1, text: textOf(INDEX_FILE) } });
      const published = await received;
      expect(published.uri).toBe(uri);
      expect(published.diagnostics.map((d) => d.code)).toContain('no-blocking-index-build');
    } finally {
      connection.dispose();
      child.kill();
    }
  });
});
