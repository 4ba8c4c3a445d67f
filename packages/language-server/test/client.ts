// A minimal LSP client over stdio for driving the built server (dist/server.mjs) in tests.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type MessageConnection, StreamMessageReader, StreamMessageWriter, createMessageConnection } from 'vscode-jsonrpc/node';
import type { ClientCapabilities, Diagnostic, PublishDiagnosticsParams, Registration } from 'vscode-languageserver-protocol';

export const SERVER = fileURLToPath(new URL('../dist/server.mjs', import.meta.url));

export interface ClientOptions {
  rootPath: string;
  pull?: boolean;
  settings?: Record<string, unknown>;
  initializationOptions?: Record<string, unknown>;
  /** Extra workspace folders after rootPath (multi-root). */
  extraFolders?: string[];
  /** The initialize `trace` value ('off' | 'messages' | 'verbose'). */
  trace?: string;
  /** Advertise dynamic registration of workspace/didChangeWatchedFiles (the client watches for the server). */
  watchesFiles?: boolean;
}

export interface ConfigurationItem {
  scopeUri?: string;
  section?: string;
}

export function folderUri(folder: string): string {
  return pathToFileURL(folder).href.replace(/\/$/, '');
}

export class TestClient {
  readonly child: ChildProcessWithoutNullStreams;
  readonly connection: MessageConnection;
  readonly published: PublishDiagnosticsParams[] = [];
  readonly logs: string[] = [];
  /** `window/showMessage` notifications. */
  readonly shown: Array<{ type: number; message: string }> = [];
  readonly traces: Array<{ message: string; verbose?: string }> = [];
  readonly registrations: Registration[] = [];
  /** Per-folder answers to workspace/configuration, by scopeUri; unscoped items get `settings`. */
  scopedSettings = new Map<string, Record<string, unknown>>();
  private waiters: Array<() => void> = [];
  settings: Record<string, unknown>;

  constructor(private readonly options: ClientOptions) {
    this.settings = options.settings ?? {};
    this.child = spawn(process.execPath, [SERVER, '--stdio'], { stdio: 'pipe' });
    this.child.stderr.on('data', (d) => this.logs.push(String(d)));
    this.connection = createMessageConnection(new StreamMessageReader(this.child.stdout), new StreamMessageWriter(this.child.stdin));
    this.connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      this.published.push(p);
      for (const w of this.waiters.splice(0)) w();
    });
    this.connection.onNotification('window/logMessage', (p: { message: string }) => {
      this.logs.push(p.message);
    });
    this.connection.onNotification('window/showMessage', (p: { type: number; message: string }) => {
      this.shown.push(p);
    });
    this.connection.onNotification('$/logTrace', (p: { message: string; verbose?: string }) => {
      this.traces.push(p);
    });
    this.connection.onRequest('workspace/configuration', (p: { items: ConfigurationItem[] }) =>
      p.items.map((item) => (item.scopeUri !== undefined && this.scopedSettings.get(item.scopeUri)) || this.settings),
    );
    this.connection.onRequest('client/registerCapability', (p: { registrations: Registration[] }) => {
      this.registrations.push(...p.registrations);
      return null;
    });
    this.connection.onRequest('workspace/diagnostic/refresh', () => null);
    this.connection.listen();
  }

  async initialize(): Promise<void> {
    const capabilities: ClientCapabilities = {
      workspace: { configuration: true, workspaceFolders: true, didChangeWatchedFiles: { dynamicRegistration: this.options.watchesFiles ?? false } },
      textDocument: {
        synchronization: { dynamicRegistration: false },
        codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source.fixAll'] } } },
        hover: { contentFormat: ['markdown'] },
        publishDiagnostics: { versionSupport: true },
        ...(this.options.pull ? { diagnostic: { dynamicRegistration: false } } : {}),
      },
    };
    const rootUri = folderUri(this.options.rootPath);
    await this.connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri,
      workspaceFolders: [this.options.rootPath, ...(this.options.extraFolders ?? [])].map((folder, i) => ({ uri: folderUri(folder), name: `folder${i}` })),
      capabilities,
      initializationOptions: this.options.initializationOptions ?? {},
      ...(this.options.trace ? { trace: this.options.trace } : {}),
    });
    await this.connection.sendNotification('initialized', {});
  }

  /** Resolves with the first publish for `uri` (after the ones already seen) that matches. */
  async diagnostics(uri: string, match: (d: Diagnostic[], p: PublishDiagnosticsParams) => boolean = () => true, timeoutMs = 15_000): Promise<Diagnostic[]> {
    const deadline = Date.now() + timeoutMs;
    let seen = 0;
    for (;;) {
      for (; seen < this.published.length; seen++) {
        const p = this.published[seen]!;
        if (p.uri === uri && match(p.diagnostics, p)) return p.diagnostics;
      }
      if (Date.now() > deadline) throw new Error(`no matching diagnostics for ${uri}; published: ${JSON.stringify(this.published)}; logs: ${this.logs.join('\n')}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 200);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  open(uri: string, text: string, version = 1, languageId = 'sql'): Promise<void> {
    return this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version, text } });
  }

  change(uri: string, version: number, contentChanges: unknown[]): Promise<void> {
    return this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges });
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return this.connection.sendRequest(method, params) as Promise<R>;
  }

  alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  async close(): Promise<void> {
    try {
      await Promise.race([this.connection.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 2000))]);
      await this.connection.sendNotification('exit');
    } catch {
      // already gone
    }
    this.connection.dispose();
    if (this.alive()) this.child.kill();
  }
}

/**
 * Registers vitest hooks that copy `fixture` into a temporary workspace before the file's tests
 * and close every client a test started; `start` opens and initializes a client on it.
 */
export function useFixtureWorkspace(fixture: string, hooks: { beforeAll: Hook; afterAll: Hook; afterEach: Hook }) {
  const state = { workspace: '' };
  const clients: TestClient[] = [];
  hooks.beforeAll(() => {
    if (!existsSync(SERVER)) throw new Error(`${SERVER} is missing: run npm run build first`);
    state.workspace = mkdtempSync(path.join(tmpdir(), 'sqlwarden-lsp-'));
    cpSync(fixture, state.workspace, { recursive: true });
  });
  hooks.afterAll(() => rmSync(state.workspace, { recursive: true, force: true }));
  hooks.afterEach(async () => {
    for (const c of clients.splice(0)) await c.close();
  });
  return {
    get workspace(): string {
      return state.workspace;
    },
    /** Tracks a client so it is closed after the test. */
    track(client: TestClient): TestClient {
      clients.push(client);
      return client;
    },
    async start(options: Partial<ClientOptions> = {}): Promise<TestClient> {
      const client = new TestClient({ rootPath: state.workspace, ...options });
      clients.push(client);
      await client.initialize();
      return client;
    },
  };
}

type Hook = (fn: () => unknown) => void;
