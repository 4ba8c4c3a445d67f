/**
 * The same SQL with LF, CRLF and lone-CR (old Mac) line breaks gives the same findings at the
 * same lines and columns in the CLI's JSON, in the language server's diagnostics (LSP counts
 * \n, \r\n and \r as line breaks), and the same fixed text (issue 10, item 10e).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from '../packages/language-server/test/client.ts';
import { ensureBuilt, runCli } from './cli/helpers.ts';

beforeAll(ensureBuilt, 180_000);

const SQL = [
  '-- sqlwarden-ignore-next-line no-select-star',
  'select * from t;',
  '',
  'delete',
  '  from t;',
  'update t',
  '   set a = 1;  -- trailing',
  'select *',
  '  from t',
  "  where lower(email) = 'x';",
  '-- sqlwarden-ignore-next-line require-where',
  'select 1;',
  'selec oops;',
  '',
].join('\n');

const STYLES = { lf: '\n', crlf: '\r\n', cr: '\r' } as const;
type Style = keyof typeof STYLES;

const dir = mkdtempSync(path.join(tmpdir(), 'sqlwarden-eol-'));
const clients: TestClient[] = [];
afterAll(async () => {
  for (const client of clients) await client.close();
  rmSync(dir, { recursive: true, force: true });
});

function write(style: Style): string {
  const file = path.join(dir, `${style}.sql`);
  writeFileSync(file, SQL.replace(/\n/g, STYLES[style]));
  return file;
}

type Found = [string, number, number, number, number];

describe('LF, CRLF and CR-only files', () => {
  it('same findings at the same line/column in CLI JSON and LSP diagnostics, and the same fixed text', async () => {
    for (const style of Object.keys(STYLES) as Style[]) write(style);
    type Result = {
      filePath: string;
      output?: string;
      messages: Array<{ ruleId: string; line: number; column: number; endLine: number; endColumn: number }>;
    };
    const lint = (extra: string[]): Result[] => {
      const run = runCli(['-f', 'json', ...extra, '.'], { cwd: dir });
      expect(run.stderr).toBe('');
      return JSON.parse(run.stdout) as Result[];
    };
    const cli = new Map<string, Found[]>();
    for (const result of lint([])) {
      cli.set(path.basename(result.filePath, '.sql'), result.messages.map((m) => [m.ruleId, m.line, m.column, m.endLine, m.endColumn]));
    }
    const fixed = new Map<string, string | undefined>();
    for (const result of lint(['--fix-dry-run'])) fixed.set(path.basename(result.filePath, '.sql'), result.output?.replace(/\r\n?/g, '\n'));
    const expected = cli.get('lf')!;
    expect(expected.map((f) => f[0])).toEqual(['require-where', 'require-where', 'no-select-star', 'no-non-sargable-predicate', 'unused-suppression', 'syntax-error']);
    expect(cli.get('crlf')).toEqual(expected);
    expect(cli.get('cr')).toEqual(expected);
    // The fix removing the unused directive takes its whole line in every style.
    expect(fixed.get('lf')).toBe(SQL.replace('-- sqlwarden-ignore-next-line require-where\n', ''));
    expect(fixed.get('crlf')).toBe(fixed.get('lf'));
    expect(fixed.get('cr')).toBe(fixed.get('lf'));

    const client = new TestClient({ rootPath: dir });
    clients.push(client);
    await client.initialize();
    for (const style of Object.keys(STYLES) as Style[]) {
      const uri = pathToFileURL(path.join(dir, `${style}.sql`)).href;
      await client.open(uri, SQL.replace(/\n/g, STYLES[style]));
      const diagnostics = await client.diagnostics(uri);
      const lsp: Found[] = diagnostics.map((d) => [String(d.code), d.range.start.line + 1, d.range.start.character + 1, d.range.end.line + 1, d.range.end.character + 1]);
      expect(lsp, style).toEqual(expected);
    }
  });
});
