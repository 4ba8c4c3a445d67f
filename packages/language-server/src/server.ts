import { writeSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  type CancellationToken,
  type CodeAction,
  CodeActionKind,
  type Connection,
  type Diagnostic,
  DiagnosticSeverity,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  ErrorCodes,
  type Hover,
  LSPErrorCodes,
  MessageType,
  ProposedFeatures,
  ResponseError,
  ShowMessageNotification,
  TextDocumentSyncKind,
  TextDocuments,
  createConnection,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { messageMarkdown } from '@sqlwarden/core';
import { FIX_ALL_KIND, fixAllAction, quickFixes, wants } from './actions.ts';
import { SOURCE, toLspDiagnostic } from './convert.ts';
import { embeddedLocksAt, embeddedQuickFixes, isEmbeddedDocument, lintEmbeddedDocument } from './embedded.ts';
import { CONFIG_FILE_NAMES, ConfigWatcher } from './config-watch.ts';
import { Engine, SupersededLint, type TableDefinition } from './engine.ts';
import { guardFraming } from './frames.ts';
import { MigrationNotices } from './migration-notice.ts';
import { PullResults } from './pull-results.ts';
import { type ServerSettings, DEFAULT_SETTINGS, normalizeSettings } from './settings.ts';

const DEBOUNCE_MS = 150;

export function isSqlDocument(document: TextDocument): boolean {
  return document.languageId === 'sql' || /\.p?sql$/i.test(document.uri);
}

/** SQL documents, and JS/TS documents whose embedded SQL is linted (see embedded.ts). */
function isLintedDocument(document: TextDocument): boolean {
  return isSqlDocument(document) || isEmbeddedDocument(document);
}

/** Where a table was created, for the hover: a line of this document, or a link to another file. */
function definitionPlace(definition: TableDefinition, document: TextDocument, filePath: string, folder: string | undefined): string {
  if (definition.file === filePath && definition.offset !== undefined) return `at line ${document.positionAt(definition.offset).line + 1} of this file`;
  if (definition.file === filePath) return `in statement ${definition.statement + 1} of this file`;
  const shown = path.isAbsolute(definition.file) ? path.relative(folder ?? path.dirname(filePath), definition.file) : definition.file;
  const link = path.isAbsolute(definition.file) ? pathToFileURL(definition.file).href : undefined;
  return `in ${link ? `[${shown}](${link})` : shown} (statement ${definition.statement + 1})`;
}

function filePathOf(uri: string): string {
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : uri;
  } catch {
    return uri;
  }
}

function pluginsNotLoadedDiagnostic(): Diagnostic {
  return {
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    severity: DiagnosticSeverity.Information,
    source: SOURCE,
    code: 'plugins-not-loaded',
    message:
      'sqlwarden: linted with the built-in rules only. The config names custom-rule plugins, which are workspace code and load only in a trusted workspace (initializationOptions { "trusted": true }) or with the setting "sqlwarden.allowPlugins": true.',
  };
}

function cancelled(): ResponseError<any> {
  return new ResponseError(LSPErrorCodes.RequestCancelled, 'Request cancelled');
}

/** Wires the engine to an LSP connection; every handler logs and answers an error instead of crashing. */
export function startServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  let engine = new Engine(DEFAULT_SETTINGS, false);
  let pullDiagnostics = false;
  let configurationRequests = false;
  let refreshPull = false;
  let workspaceFolderEvents = false;
  let clientWatchesFiles = false;
  /** Server-side config watching, for clients that cannot watch files for the server. */
  let configWatcher: ConfigWatcher | undefined;

  function configChanged(what: string): void {
    trace(`config changed: ${what}; re-linting open documents`);
    engine.clearConfigCache();
    relintAll();
  }
  const timers = new Map<string, NodeJS.Timeout>();
  const pullResults = new PullResults();
  const migrationNotices = new MigrationNotices();

  /**
   * Schema changes in a document that is not a migration, with no config: said once per
   * workspace folder per session, as an information message (a popup: a line in the output
   * channel alone would go unread, and the findings silently missing are the problem).
   */
  function noticeMigrations(filePath: string, result: Parameters<MigrationNotices['after']>[1]): void {
    const folder = engine.folderOf(filePath) ?? result.classification?.globsDir;
    const notice = folder === undefined ? undefined : migrationNotices.after(folder, result);
    if (notice === undefined) return;
    connection.console.info(`sqlwarden: ${notice}`);
    // A notification (window/showMessage), not the request showInformationMessage sends: no answer to wait for.
    void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Info, message: `sqlwarden: ${notice}` });
  }

  function logError(where: string, error: unknown): void {
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
    connection.console.error(`sqlwarden: ${where} failed: ${text}`);
  }

  /** `$/logTrace`, sent only when the client set a trace level (initialize `trace`, `$/setTrace`). */
  function trace(message: string, verbose?: string): void {
    connection.tracer.log(message, verbose);
  }

  function request<P, R>(name: string, handler: (params: P, token: CancellationToken) => Promise<R> | R) {
    return async (params: P, token: CancellationToken): Promise<R | ResponseError<any>> => {
      try {
        if (token?.isCancellationRequested) return cancelled();
        const result = await handler(params, token);
        if (token?.isCancellationRequested) return cancelled();
        return result;
      } catch (error) {
        if (error instanceof ResponseError) return error;
        logError(name, error);
        return new ResponseError(ErrorCodes.InternalError, `sqlwarden: ${name} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    };
  }

  function notification<P>(name: string, handler: (params: P) => Promise<void> | void) {
    return (params: P): void => {
      try {
        Promise.resolve(handler(params)).catch((error) => logError(name, error));
      } catch (error) {
        logError(name, error);
      }
    };
  }

  /** Characters from which a document is linted only once the edits already sent have been read. */
  const LARGE_DOCUMENT = 200_000;

  async function diagnosticsFor(document: TextDocument): Promise<Diagnostic[]> {
    const settings = engine.settingsFor(filePathOf(document.uri));
    const embedded = !isSqlDocument(document) && isEmbeddedDocument(document);
    if (!settings.enable || !(isSqlDocument(document) || (embedded && settings.embedded))) return [];
    const text = document.getText();
    const size = Buffer.byteLength(text, 'utf8');
    if (size > settings.maxFileSize) {
      return [
        {
          range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
          severity: DiagnosticSeverity.Information,
          source: SOURCE,
          code: 'file-too-large',
          message: `sqlwarden: not analysed: the document is ${size} bytes, over the ${settings.maxFileSize}-byte limit (setting sqlwarden.maxFileSize).`,
        },
      ];
    }
    try {
      const started = performance.now();
      // Lints queue one after another; a version edited again before its turn is not linted at all.
      // A large document waits a little first (1 ms per 20,000 characters, at most a quarter of a second),
      // so that the edits and requests a typing user has already sent are read before its lint
      // starts, and the lints of versions they replace are skipped.
      // (The document object is updated in place by later edits: compare with the version now.)
      const version = document.version;
      const superseded = (): boolean => documents.get(document.uri)?.version !== version;
      if (text.length >= LARGE_DOCUMENT) {
        await new Promise((resolve) => setTimeout(resolve, Math.min(250, text.length / 20_000)));
        if (superseded()) throw new SupersededLint();
      }
      const { result, rules, pluginsSkipped } = embedded ? await lintEmbeddedDocument(engine, document, filePathOf(document.uri)) : await engine.lint(filePathOf(document.uri), text, false, superseded);
      const diagnostics = result.messages.map((m) => toLspDiagnostic(m, rules));
      if (pluginsSkipped) diagnostics.unshift(pluginsNotLoadedDiagnostic());
      if (!embedded) noticeMigrations(filePathOf(document.uri), result);
      trace(
        `linted ${document.uri} (version ${document.version}): ${diagnostics.length} diagnostics, ${result.stats?.statements ?? 0} statements, ${(performance.now() - started).toFixed(1)} ms`,
        diagnostics.map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1} ${String(d.code)}`).join('\n'),
      );
      return diagnostics;
    } catch (error) {
      if (error instanceof SupersededLint) throw error;
      logError(`linting ${document.uri}`, error);
      return [
        {
          range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
          severity: DiagnosticSeverity.Error,
          source: SOURCE,
          code: 'config-error',
          message: error instanceof Error ? error.message : String(error),
        },
      ];
    }
  }

  async function push(uri: string): Promise<void> {
    const document = documents.get(uri);
    if (!document || !isLintedDocument(document)) return;
    const version = document.version;
    let diagnostics: Diagnostic[];
    try {
      diagnostics = await diagnosticsFor(document);
    } catch (error) {
      if (error instanceof SupersededLint) return; // the newer version has its own push scheduled
      throw error;
    }
    const now = documents.get(uri);
    if (!now || now.version !== version) return; // superseded by a newer edit
    await connection.sendDiagnostics({ uri, version, diagnostics });
  }

  function schedule(uri: string, delay = DEBOUNCE_MS): void {
    if (pullDiagnostics) return;
    clearTimeout(timers.get(uri));
    timers.set(
      uri,
      setTimeout(() => {
        timers.delete(uri);
        push(uri).catch((error) => logError(`diagnostics for ${uri}`, error));
      }, delay),
    );
  }

  function relintAll(): void {
    if (pullDiagnostics) {
      if (refreshPull) connection.languages.diagnostics.refresh().catch((error) => logError('diagnostic refresh', error));
      return;
    }
    for (const document of documents.all()) schedule(document.uri, 0);
  }

  async function loadSettings(): Promise<void> {
    if (!configurationRequests) return;
    // One request: the global section, then each workspace folder's (resource-scoped settings).
    const roots = engine.workspaceFolders;
    const raw = (await connection.workspace.getConfiguration([
      { section: 'sqlwarden' },
      ...roots.map((root) => ({ scopeUri: pathToFileURL(root).href, section: 'sqlwarden' })),
    ])) as unknown[];
    const perFolder = new Map(roots.map((root, i) => [root, normalizeSettings(raw[i + 1] ?? raw[0])] as const));
    engine.setSettings(normalizeSettings(raw[0]), perFolder);
    trace('settings loaded', JSON.stringify({ global: normalizeSettings(raw[0]), folders: Object.fromEntries(perFolder) }));
  }

  let folders: string[] = [];
  connection.onInitialize((params) => {
    const caps = params.capabilities;
    pullDiagnostics = !!caps.textDocument?.diagnostic;
    configurationRequests = !!caps.workspace?.configuration;
    refreshPull = !!caps.workspace?.diagnostics?.refreshSupport;
    workspaceFolderEvents = !!caps.workspace?.workspaceFolders;
    clientWatchesFiles = !!caps.workspace?.didChangeWatchedFiles?.dynamicRegistration;
    if (!clientWatchesFiles) {
      configWatcher = new ConfigWatcher(
        (changedPath) => configChanged(changedPath),
        (error) => trace(`config watching: ${error instanceof Error ? error.message : String(error)}`),
      );
    }
    const options = (params.initializationOptions ?? {}) as { trusted?: unknown; settings?: unknown };
    const initial: ServerSettings = normalizeSettings(options.settings);
    engine = new Engine(initial, options.trusted === true);
    folders = (params.workspaceFolders ?? []).map((f) => filePathOf(f.uri));
    if (!folders.length && params.rootUri) folders = [filePathOf(params.rootUri)];
    engine.setFolders(folders);
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] },
        hoverProvider: true,
        ...(pullDiagnostics ? { diagnosticProvider: { interFileDependencies: false, workspaceDiagnostics: false } } : {}),
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'sqlwarden-language-server', version: '0.1.0' },
    };
  });

  connection.onInitialized(
    notification('initialized', async () => {
      if (clientWatchesFiles) {
        const watchers = CONFIG_FILE_NAMES.map((name) => ({ globPattern: `**/${name}` }));
        await connection.client.register(DidChangeWatchedFilesNotification.type, { watchers }).catch((error) => logError('registering file watchers', error));
      }
      if (configurationRequests) {
        await connection.client.register(DidChangeConfigurationNotification.type, { section: 'sqlwarden' }).catch(() => undefined);
        await loadSettings();
        relintAll();
      }
      if (workspaceFolderEvents) {
        connection.workspace.onDidChangeWorkspaceFolders(
          notification('workspace folders', async (event) => {
            const removed = new Set(event.removed.map((f) => filePathOf(f.uri)));
            folders = [...folders.filter((f) => !removed.has(f)), ...event.added.map((f) => filePathOf(f.uri))];
            engine.setFolders(folders);
            trace(`workspace folders: ${folders.join(', ')}`);
            await loadSettings();
            relintAll();
          }),
        );
      }
    }),
  );

  connection.onDidChangeConfiguration(
    notification('configuration change', async (params) => {
      if (configurationRequests) await loadSettings();
      else engine.setSettings(normalizeSettings((params.settings as { sqlwarden?: unknown } | undefined)?.sqlwarden));
      relintAll();
    }),
  );

  connection.onDidChangeWatchedFiles(
    notification('watched files', (params) => {
      const changed = params.changes.filter((c) => CONFIG_FILE_NAMES.some((name) => c.uri.endsWith('/' + name)));
      if (changed.length) configChanged(changed.map((c) => c.uri).join(', '));
    }),
  );

  documents.onDidOpen((event) => {
    const uri = event.document.uri;
    if (configWatcher && uri.startsWith('file:')) configWatcher.watchFor(filePathOf(uri), engine.folderOf(filePathOf(uri)));
    schedule(uri, 0);
  });
  connection.onShutdown(() => configWatcher?.close());
  documents.onDidChangeContent((event) => schedule(event.document.uri));
  documents.onDidClose((event) => {
    pullResults.forget(event.document.uri);
    clearTimeout(timers.get(event.document.uri));
    timers.delete(event.document.uri);
    if (!pullDiagnostics) void connection.sendDiagnostics({ uri: event.document.uri, diagnostics: [] });
  });

  connection.languages.diagnostics.on(
    request('textDocument/diagnostic', async (params) => {
      const document = documents.get(params.textDocument.uri);
      let items: Diagnostic[] = [];
      try {
        if (document) items = await diagnosticsFor(document);
      } catch (error) {
        // The client asks again for the newer version (LSP: ServerCancelled with retriggerRequest).
        if (error instanceof SupersededLint) throw new ResponseError(LSPErrorCodes.ServerCancelled, error.message, { retriggerRequest: true });
        throw error;
      }
      return pullResults.report(params.textDocument.uri, items, params.previousResultId);
    }),
  );

  connection.onCodeAction(
    request('textDocument/codeAction', async (params, token) => {
      const document = documents.get(params.textDocument.uri);
      if (!document || !isLintedDocument(document)) return [];
      const embedded = !isSqlDocument(document);
      const settings = engine.settingsFor(filePathOf(document.uri));
      const only = params.context.only;
      const actions: CodeAction[] = [];
      if (wants(only, CodeActionKind.QuickFix)) actions.push(...(embedded ? embeddedQuickFixes(document, params.context.diagnostics) : quickFixes(document, params.context.diagnostics)));
      // Fix-all runs every fix pass, so only compute it when the client asks for source actions.
      if (only && wants(only, FIX_ALL_KIND) && settings.enable && (!embedded || settings.embedded)) {
        const { result } = embedded ? await lintEmbeddedDocument(engine, document, filePathOf(document.uri), true) : await engine.lint(filePathOf(document.uri), document.getText(), true);
        if (token.isCancellationRequested) throw cancelled();
        const action = fixAllAction(document, result.output);
        if (action) actions.push(action);
      }
      return actions;
    }),
  );

  connection.onHover(
    request('textDocument/hover', async (params): Promise<Hover | null> => {
      const document = documents.get(params.textDocument.uri);
      if (!document || !isLintedDocument(document) || !engine.settingsFor(filePathOf(document.uri)).enable) return null;
      const embedded = !isSqlDocument(document);
      if (embedded && !engine.settingsFor(filePathOf(document.uri)).embedded) return null;
      const offset = document.offsetAt(params.position);
      const filePath = filePathOf(document.uri);
      const parts: string[] = [];
      const { result, rules } = embedded ? await lintEmbeddedDocument(engine, document, filePath) : await engine.lint(filePath, document.getText());
      // VS Code shows each diagnostic's headline right above the hover: say what the rule is
      // about, where its docs are, and the explanation behind the headline (its detail), once per
      // rule and detail, without repeating the headline.
      const byRule = new Map<string, { heading: string; details: Set<string> }>();
      for (const m of result.messages) {
        if (offset < m.range.start || offset > m.range.end) continue;
        let block = byRule.get(m.ruleId);
        if (!block) {
          const rule = rules.get(m.ruleId);
          const url = rule?.meta.docs?.url;
          block = { heading: `**sqlwarden ${m.ruleId}**${rule ? ` — ${rule.meta.description}` : ''}${url ? ` [Documentation](${url})` : ''}`, details: new Set() };
          byRule.set(m.ruleId, block);
        }
        if (m.detail) block.details.add(m.detail);
      }
      for (const { heading, details } of byRule.values()) parts.push([heading, ...[...details].map(messageMarkdown)].join('\n\n'));
      if (embedded) {
        const locks = await embeddedLocksAt(engine, document, filePath, offset);
        if (locks) parts.push(`**Locks:** ${locks.summary}`);
      } else {
        const locks = await engine.statementLocksAt(filePath, document.getText(), offset);
        if (locks) parts.push(`**Locks:** ${locks.summary}`);
        const defined = (locks?.definitions ?? []).map((d) => `\`${d.table}\` ${definitionPlace(d, document, filePath, engine.folderOf(filePath))}`);
        if (defined.length) parts.push(`**Defined:** ${defined.join('; ')}`);
      }
      if (!parts.length) return null;
      return { contents: { kind: 'markdown', value: parts.join('\n\n---\n\n') } };
    }),
  );

  documents.listen(connection);
  connection.listen();
}

// Keep the process alive on stray errors: log them instead of dying.
// A request whose cancellation arrives while it still waits in the queue (behind a long lint) is
// answered RequestCancelled without running at all, rather than run and then thrown away.
const connection = createConnection(ProposedFeatures.all, {
  connectionStrategy: {
    cancelUndispatched: (message) => ({ jsonrpc: '2.0', id: (message as { id?: number | string }).id ?? null, error: { code: LSPErrorCodes.RequestCancelled, message: 'Request cancelled' } }),
  },
});
process.on('uncaughtException', (error) => connection.console.error(`sqlwarden: uncaught exception: ${error.stack ?? error}`));
process.on('unhandledRejection', (reason) => connection.console.error(`sqlwarden: unhandled rejection: ${String(reason)}`));
startServer(connection);

// A malformed frame header loses the message boundaries for good: exit (non-zero) so the client
// restarts the server, rather than stay alive and silent (see frames.ts). Attached after the
// connection listens, so that stdin never flows before the connection's own reader is there.
if (process.argv.includes('--stdio')) {
  guardFraming(process.stdin, (error) => {
    writeSync(2, `sqlwarden language server: bad LSP message header from the client: ${error.reason}; exiting\n  header: ${error.header}\n`);
    process.exit(1);
  });
}
