// Issue 12, item 1 in the editor: whether a file is a migration does not depend on the folder the
// editor opened (the defaults' globs are relative to the file's project), a migration tool's
// directive makes a file a migration anywhere, and schema changes found only outside migrations
// (no config) are said once per workspace folder. Each case is compared with the CLI's JSON for
// the same file (rule ids and lines; message texts are not asserted here).
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runCli } from '../../../test/cli/helpers.ts';
import { TestClient } from './client.ts';

beforeAll(() => ensureBuilt());

const dirs: string[] = [];
const clients: TestClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) await client.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const INDEX = 'CREATE INDEX users_email ON users (email);\n';
const INFO = 3; // MessageType.Info

/** A project marked by package.json, with no sqlwarden config, and the given files. */
function project(files: Record<string, string>): string {
  const root = realpathSync(mkdtempSync(path.join(tmpdir(), 'sqlwarden-lsp-classify-')));
  dirs.push(root);
  writeFileSync(path.join(root, 'package.json'), '{"name":"app"}');
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    writeFileSync(path.join(root, name), text);
  }
  return root;
}

async function editor(folder: string, extraFolders: string[] = []): Promise<TestClient> {
  const client = new TestClient({ rootPath: folder, extraFolders });
  clients.push(client);
  await client.initialize();
  return client;
}

/** Opens the file as it is on disk and waits for its diagnostics. */
async function lintInEditor(client: TestClient, file: string, text: string): Promise<Diagnostic[]> {
  const uri = pathToFileURL(file).href;
  await client.open(uri, text);
  return client.diagnostics(uri);
}

type Finding = { rule: string; line: number };
const byPlace = (a: Finding, b: Finding): number => a.line - b.line || a.rule.localeCompare(b.rule);
const editorFindings = (diagnostics: Diagnostic[]): Finding[] => diagnostics.map((d) => ({ rule: String(d.code), line: d.range.start.line + 1 })).sort(byPlace);
function cliFindings(stdout: string): Finding[] {
  const [result] = JSON.parse(stdout) as Array<{ messages: Array<{ ruleId: string; line: number; occurrences?: Array<{ line: number }> }> }>;
  // The editor shows every occurrence of a grouped finding on its own.
  return result!.messages.flatMap((m) => (m.occurrences ?? [m]).map((o) => ({ rule: m.ruleId, line: o.line }))).sort(byPlace);
}
const noticeOf = (stderr: string): string | undefined => stderr.split('\n').find((line) => line.includes('but is not a migration'));

describe('language server: classification does not depend on the folder the editor opened', () => {
  it('a workspace opened at db/migrations gets the migration findings the CLI reports from the repository root', async () => {
    const root = project({ 'db/migrations/001_add_index.sql': INDEX });
    const file = path.join(root, 'db/migrations/001_add_index.sql');
    const client = await editor(path.join(root, 'db/migrations'));
    const inEditor = editorFindings(await lintInEditor(client, file, INDEX));
    const fromRoot = runCli(['--format', 'json', 'db/migrations/001_add_index.sql'], { cwd: root });
    expect(inEditor).toContainEqual({ rule: 'no-blocking-index-build', line: 1 });
    expect(inEditor).toEqual(cliFindings(fromRoot.stdout));
    expect(client.shown).toEqual([]);
  });

  it('a file starting with -- +goose Up outside the migration folders is a migration in the editor, as in the CLI', async () => {
    const goose = `-- +goose Up\n${INDEX}`;
    const root = project({ 'sql/add_index.sql': goose, 'sql/plain.sql': INDEX });
    const client = await editor(root);
    const inEditor = editorFindings(await lintInEditor(client, path.join(root, 'sql/add_index.sql'), goose));
    expect(inEditor).toContainEqual({ rule: 'no-blocking-index-build', line: 2 });
    expect(inEditor).toEqual(cliFindings(runCli(['--format', 'json', 'sql/add_index.sql'], { cwd: root }).stdout));
    expect(inEditor).toEqual(cliFindings(runCli(['--format', 'json', 'add_index.sql'], { cwd: path.join(root, 'sql') }).stdout));
    // Without the directive, the same statement outside the migration folders is not a migration.
    const plain = editorFindings(await lintInEditor(client, path.join(root, 'sql/plain.sql'), INDEX));
    expect(plain.map((f) => f.rule)).not.toContain('no-blocking-index-build');
    expect(plain).toEqual(cliFindings(runCli(['--format', 'json', 'sql/plain.sql'], { cwd: root }).stdout));
  });
});

describe('language server: schema changes outside migrations, no config', () => {
  it('says so once per workspace folder, in the words of the CLI', async () => {
    const root = project({ 'sql/002_add_index.sql': INDEX, 'sql/003_add_column.sql': 'ALTER TABLE users ADD COLUMN name text;\n' });
    const other = project({ 'schema/changes/010_drop.sql': 'DROP INDEX users_email;\n' });
    const client = await editor(root, [other]);
    await lintInEditor(client, path.join(root, 'sql/002_add_index.sql'), INDEX);
    const cli = noticeOf(runCli(['--format', 'json', 'sql/002_add_index.sql'], { cwd: root }).stderr);
    expect(cli).toBeDefined();
    expect(client.shown).toEqual([{ type: INFO, message: cli }]);
    // Another such document of the same folder, or the same one edited: nothing more.
    await lintInEditor(client, path.join(root, 'sql/003_add_column.sql'), 'ALTER TABLE users ADD COLUMN name text;\n');
    await client.change(pathToFileURL(path.join(root, 'sql/002_add_index.sql')).href, 2, [{ text: `${INDEX}-- edited\n` }]);
    await client.diagnostics(pathToFileURL(path.join(root, 'sql/002_add_index.sql')).href, (_, p) => p.version === 2);
    expect(client.shown).toHaveLength(1);
    // The other workspace folder gets its own.
    await lintInEditor(client, path.join(other, 'schema/changes/010_drop.sql'), 'DROP INDEX users_email;\n');
    expect(client.shown).toHaveLength(2);
    expect(client.shown[1]!.message).toBe(noticeOf(runCli(['--format', 'json', 'schema/changes/010_drop.sql'], { cwd: other }).stderr));
  });

  it('not in a folder where a migration was linted, nor with a config, nor for new tables and queries', async () => {
    const root = project({
      'db/migrations/001_users.sql': 'CREATE TABLE users (id bigint PRIMARY KEY, email text);\n',
      'sql/002_add_index.sql': INDEX,
      'sql/setup.sql': 'DROP TABLE IF EXISTS t;\nCREATE TABLE t (id bigint);\nCREATE INDEX t_id ON t (id);\n',
      'sql/query.sql': 'SELECT id FROM users WHERE email = $1;\n',
    });
    const configured = project({ 'sqlwarden.config.json': '{}', 'sql/002_add_index.sql': INDEX });
    const client = await editor(root, [configured]);
    await lintInEditor(client, path.join(root, 'sql/setup.sql'), 'DROP TABLE IF EXISTS t;\nCREATE TABLE t (id bigint);\nCREATE INDEX t_id ON t (id);\n');
    await lintInEditor(client, path.join(root, 'sql/query.sql'), 'SELECT id FROM users WHERE email = $1;\n');
    await lintInEditor(client, path.join(root, 'db/migrations/001_users.sql'), 'CREATE TABLE users (id bigint PRIMARY KEY, email text);\n');
    await lintInEditor(client, path.join(root, 'sql/002_add_index.sql'), INDEX);
    await lintInEditor(client, path.join(configured, 'sql/002_add_index.sql'), INDEX);
    expect(client.shown).toEqual([]);
  });
});
