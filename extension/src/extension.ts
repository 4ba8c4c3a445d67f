import * as vscode from 'vscode';
import {
  CloseAction,
  type CloseHandlerResult,
  type ErrorHandler,
  type ErrorHandlerResult,
  LanguageClient,
  type LanguageClientOptions,
  RevealOutputChannelOn,
  type ServerOptions,
  State,
  TransportKind,
} from 'vscode-languageclient/node';
import { FIX_ALL_KIND, SECTION, type ServerState, documentSelector, restrictSettings, statusView } from './client.mts';

const CLIENT_ID = 'sqlwarden';
const CLIENT_NAME = 'sqlwarden';
/** Crashes tolerated within the language client's window before it gives up (then: error state). */
const MAX_RESTARTS = 4;
/** How long a stopping server gets to answer shutdown and exit before it is killed. */
const STOP_TIMEOUT_MS = 5000;

class StatusItem implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  state: ServerState = 'stopped';

  constructor() {
    this.item = vscode.window.createStatusBarItem('sqlwarden.status', vscode.StatusBarAlignment.Right, 100);
    this.item.name = 'sqlwarden';
    this.item.command = { command: 'sqlwarden.showOutput', title: 'Show sqlwarden output' };
    this.set('stopped');
    this.item.show();
  }

  set(state: ServerState, detail?: string): void {
    this.state = state;
    const view = statusView(state, detail);
    this.item.text = view.text;
    this.item.tooltip = `${view.tooltip}\n\nClick to show the output.`;
    this.item.accessibilityInformation = { label: view.tooltip, role: 'button' };
    this.item.backgroundColor = view.error ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
  }

  dispose(): void {
    this.item.dispose();
  }
}

/** Owns the LanguageClient: start, stop and restart run one at a time, in call order. */
class Controller implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private clientListeners: vscode.Disposable[] = [];
  private queue: Promise<unknown> = Promise.resolve();
  /** Set when the client gave up on a crashing server, so its final Stopped state reads as an error. */
  private failed: string | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly output: vscode.LogOutputChannel,
    private readonly status: StatusItem,
  ) {}

  private serialize<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  start(): Promise<void> {
    return this.serialize(() => this.doStart());
  }

  stop(): Promise<void> {
    return this.serialize(() => this.doStop());
  }

  restart(reason: string): Promise<void> {
    return this.serialize(async () => {
      this.output.info(`restarting the server: ${reason}`);
      await this.doStop();
      await this.doStart();
    });
  }

  get languageClient(): LanguageClient | undefined {
    return this.client;
  }

  /**
   * The language client's default handler (restart a crashed server up to MAX_RESTARTS times),
   * noting when it gives up so that the status bar shows an error rather than "stopped". The
   * default handler needs the client, which copies its options when constructed: hence `client`.
   */
  private errorHandler(client: () => LanguageClient): ErrorHandler {
    let fallback: ErrorHandler | undefined;
    const handler = () => (fallback ??= client().createDefaultErrorHandler(MAX_RESTARTS));
    return {
      error: (error, message, count): Promise<ErrorHandlerResult> | ErrorHandlerResult => handler().error(error, message, count),
      closed: async (): Promise<CloseHandlerResult> => {
        const result = await handler().closed();
        if (result.action === CloseAction.DoNotRestart) {
          this.failed = result.message ?? 'the server stopped unexpectedly';
          this.status.set('error', this.failed);
        }
        return result;
      },
    };
  }

  private async doStart(): Promise<void> {
    if (this.client) return;
    const embedded = vscode.workspace.getConfiguration(SECTION).get<boolean>('embedded', true);
    const module = this.context.asAbsolutePath('dist/server.mjs');
    const serverOptions: ServerOptions = {
      run: { module, transport: TransportKind.ipc },
      debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
    };
    // Owned here, not by the client: disposed with the client's listeners when it stops.
    const watchers = [vscode.workspace.createFileSystemWatcher('**/sqlwarden.config.json'), vscode.workspace.createFileSystemWatcher('**/package.json')];
    const clientOptions: LanguageClientOptions = {
      documentSelector: documentSelector(embedded),
      outputChannel: this.output,
      revealOutputChannelOn: RevealOutputChannelOn.Never,
      // Evaluated at every (re)start, so a restart after trust is granted tells the server.
      initializationOptions: () => ({ trusted: vscode.workspace.isTrusted }),
      synchronize: {
        // The server re-reads its config when these change (packages/language-server/README.md).
        fileEvents: watchers,
      },
      middleware: {
        workspace: {
          configuration: async (params, token, next) => {
            const result = await next(params, token);
            return Array.isArray(result) ? restrictSettings(result, vscode.workspace.isTrusted) : result;
          },
        },
      },
    };
    let created: LanguageClient | undefined;
    clientOptions.errorHandler = this.errorHandler(() => created!);
    const client = (created = new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions));
    this.failed = undefined;
    this.client = client;
    this.clientListeners = [
      ...watchers,
      client.onDidChangeState(({ newState }) => {
        if (newState === State.Starting) this.status.set('starting');
        else if (newState === State.Running) this.status.set('running');
        else if (this.failed) this.status.set('error', this.failed);
        else this.status.set('stopped');
      }),
    ];
    this.status.set('starting');
    this.output.info(`starting ${module} (embedded SQL: ${embedded ? 'on' : 'off'}, workspace trusted: ${vscode.workspace.isTrusted})`);
    try {
      await client.start();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.failed = message;
      this.status.set('error', message);
      this.output.error(`the server failed to start: ${message}`);
      throw error;
    }
  }

  private async doStop(): Promise<void> {
    const client = this.client;
    if (!client) return;
    this.client = undefined;
    try {
      await client.dispose(STOP_TIMEOUT_MS);
    } catch (error) {
      this.output.warn(`stopping the server: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      for (const listener of this.clientListeners) listener.dispose();
      this.clientListeners = [];
      this.failed = undefined;
      this.status.set('stopped');
    }
  }

  dispose(): void {
    void this.stop();
  }
}

/** Applies the server's `source.fixAll.sqlwarden` action to the active document. */
async function fixAll(controller: Controller): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    void vscode.window.showInformationMessage('sqlwarden: open a SQL file to fix.');
    return;
  }
  if (!controller.languageClient?.isRunning()) {
    void vscode.window.showWarningMessage('sqlwarden: the language server is not running.');
    return;
  }
  const document = editor.document;
  const range = new vscode.Range(new vscode.Position(0, 0), document.lineAt(Math.max(0, document.lineCount - 1)).range.end);
  const kind = vscode.CodeActionKind.Empty.append(FIX_ALL_KIND);
  const actions = (await vscode.commands.executeCommand<vscode.CodeAction[] | undefined>('vscode.executeCodeActionProvider', document.uri, range, FIX_ALL_KIND)) ?? [];
  const action = actions.find((a) => a.kind && kind.contains(a.kind) && (a.edit || a.command));
  if (!action) {
    vscode.window.setStatusBarMessage('sqlwarden: nothing to fix in this file', 4000);
    return;
  }
  if (action.edit && !(await vscode.workspace.applyEdit(action.edit))) {
    void vscode.window.showWarningMessage('sqlwarden: the fixes could not be applied (the file changed meanwhile?).');
    return;
  }
  if (action.command) await vscode.commands.executeCommand(action.command.command, ...(action.command.arguments ?? []));
}

let controller: Controller | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('sqlwarden', { log: true });
  const status = new StatusItem();
  controller = new Controller(context, output, status);
  const current = controller;
  context.subscriptions.push(
    output,
    status,
    current,
    vscode.commands.registerCommand('sqlwarden.restartServer', () => current.restart('requested by the user')),
    vscode.commands.registerCommand('sqlwarden.fixAll', () => fixAll(current)),
    vscode.commands.registerCommand('sqlwarden.showOutput', () => output.show(true)),
    // Plugins load only for a trusted workspace; the server learns it at initialize.
    vscode.workspace.onDidGrantWorkspaceTrust(() => void current.restart('the workspace is now trusted').catch(() => undefined)),
    // The other settings reach the running server through workspace/configuration; the
    // document selector is fixed per client.
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(`${SECTION}.embedded`)) void current.restart('sqlwarden.embedded changed').catch(() => undefined);
    }),
  );
  // A failed start is shown in the status bar and the output; activation itself succeeds so the
  // commands (restart, show output) stay available.
  await current.start().catch(() => undefined);
}

export async function deactivate(): Promise<void> {
  await controller?.stop();
  controller = undefined;
}
