/**
 * Pure pieces of the client configuration, kept free of runtime `vscode` imports so they can be
 * unit-tested without VS Code (test/editors/code-server/extension-manifest.test.ts; an ES module
 * (.mts) so the root tsconfig (NodeNext) type-checks it from there too).
 */

/** The configuration section the server reads through `workspace/configuration`. */
export const SECTION = 'sqlwarden';

/** The server's fix-all code action kind (packages/language-server/src/actions.ts FIX_ALL_KIND). */
export const FIX_ALL_KIND = 'source.fixAll.sqlwarden';

/** Languages whose documents may hold embedded SQL (the `sqlwarden.embedded` setting). */
export const EMBEDDED_LANGUAGES = ['javascript', 'javascriptreact', 'typescript', 'typescriptreact'] as const;

export type DocumentFilter = { scheme: string; language: string } | { scheme: string; pattern: string };

/**
 * The documents the client syncs to the server: SQL files (by language, and `.sql`/`.psql` files another
 * extension gave a different language id), unsaved SQL buffers, and with `embedded` the JS/TS
 * languages. Changing `embedded` needs a new client, since the selector is fixed at start.
 */
export function documentSelector(embedded: boolean): DocumentFilter[] {
  const selector: DocumentFilter[] = [
    { scheme: 'file', language: 'sql' },
    { scheme: 'untitled', language: 'sql' },
    { scheme: 'file', pattern: '**/*.sql' },
    { scheme: 'file', pattern: '**/*.psql' },
  ];
  if (embedded) for (const language of EMBEDDED_LANGUAGES) selector.push({ scheme: 'file', language }, { scheme: 'untitled', language });
  return selector;
}

/**
 * The server loads custom-rule plugins when the client says the workspace is trusted or
 * `allowPlugins` is true. In an untrusted workspace VS Code already ignores the workspace's own
 * `allowPlugins` (a restricted configuration); this also overrides a user-level `true`, so no
 * workspace code runs before the user trusts the workspace.
 */
export function restrictSettings(items: unknown[], trusted: boolean): unknown[] {
  if (trusted) return items;
  return items.map((item) => (item && typeof item === 'object' && !Array.isArray(item) ? { ...(item as object), allowPlugins: false } : item));
}

export type ServerState = 'starting' | 'running' | 'stopped' | 'error';

export interface StatusView {
  text: string;
  tooltip: string;
  error: boolean;
}

/** What the status bar item shows for each server state. */
export function statusView(state: ServerState, detail?: string): StatusView {
  const suffix = detail ? `: ${detail}` : '';
  switch (state) {
    case 'starting':
      return { text: '$(sync~spin) sqlwarden', tooltip: `sqlwarden language server: starting${suffix}`, error: false };
    case 'running':
      return { text: '$(check) sqlwarden', tooltip: `sqlwarden language server: running${suffix}`, error: false };
    case 'stopped':
      return { text: '$(circle-slash) sqlwarden', tooltip: `sqlwarden language server: stopped${suffix}`, error: false };
    case 'error':
      return { text: '$(error) sqlwarden', tooltip: `sqlwarden language server: error${suffix}`, error: true };
  }
}
