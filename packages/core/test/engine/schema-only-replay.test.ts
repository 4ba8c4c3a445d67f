/**
 * A replay that only catches up the schema (`lintFiles(..., { replayOnly: true })`, used by CLI
 * workers and `--cache` runs) leaves data statements unparsed; the catalog must still end exactly
 * as after a full lint. Checked on a fixture history and, where it is present, on the real
 * migration corpus (../shared/corpus/pg-migrations).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CatalogReader } from '../../src/catalog/types.ts';
import { Linter } from '../../src/engine/linter.ts';
import { leavesSchemaUnchanged } from '../../src/engine/schema-changes.ts';
import { defineRule } from '../../src/rule.ts';
import { ready } from './helpers.ts';

beforeAll(() => ready);

/** Every table of the catalog as the last file sees it, with columns, indexes, constraints and origin. */
function catalogDump(catalog: CatalogReader): string {
  return JSON.stringify([...catalog.tables()].map((t) => ({ ...t, columns: [...t.columns], indexes: [...t.indexes], constraints: [...t.constraints] })), (_key, value: unknown) => (value instanceof Map ? [...value] : value instanceof Set ? [...value] : value));
}

async function schemaAfter(files: Array<{ path: string; text: string }>, replayOnly: boolean, cwd: string): Promise<string> {
  let dump = '';
  const probe = defineRule({
    meta: { id: 'probe', description: 'dumps the catalog', defaultSeverity: 'warn', category: 'style' },
    create: (context) => ({ 'File:exit': () => void (dump = catalogDump(context.catalog)) }),
  });
  const linter = new Linter({ cwd, rules: [probe], overrides: { rules: { probe: 'warn' } } });
  for (const file of files) await linter.lintFiles([file], replayOnly ? { replayOnly: true } : {});
  await linter.lintFiles([{ path: path.join(cwd, 'zzzz_probe.sql'), text: 'SELECT 1;\n' }]);
  return dump;
}

const HISTORY = [
  { path: 'migrations/001.sql', text: "CREATE TABLE a (id int PRIMARY KEY, body text);\nINSERT INTO a VALUES (1, 'x;y');\nINSERT INTO a VALUES (2, 'z'); CREATE INDEX a_body ON a (body);\n" },
  { path: 'migrations/002.sql', text: "/* data */ UPDATE a SET body = 'q';\n-- a comment\nDELETE FROM a WHERE id = 1;\nCOPY a FROM STDIN;\n3\tw\n\\.\nALTER TABLE a ADD COLUMN c int NOT NULL DEFAULT 0;\n" },
  { path: 'migrations/003.sql', text: 'WITH x AS (SELECT 1 AS n) SELECT n INTO b FROM x;\nCOMMENT ON TABLE a IS $$t$$;\nGRANT SELECT ON a TO public;\nDROP INDEX a_body;\n' },
];

describe('schema-only replay', () => {
  it('skips only statements whose first word cannot change the schema', () => {
    const at = (sql: string): boolean => leavesSchemaUnchanged(sql, 0, sql.length);
    expect(at("INSERT INTO a VALUES (1);")).toBe(true);
    expect(at(' -- c\n/* x /* nested */ */ update a set b = 1;')).toBe(true);
    expect(at('COPY a FROM STDIN;')).toBe(true);
    // A `;` inside: the parser might find a second statement there.
    expect(at("INSERT INTO a VALUES (';'); CREATE TABLE b (x int);")).toBe(false);
    expect(at('CREATE TABLE b (x int);')).toBe(false);
    expect(at('SELECT 1 INTO b;')).toBe(false);
    expect(at('WITH x AS (SELECT 1) SELECT * INTO b FROM x;')).toBe(false);
    expect(at('ALTER TABLE a ADD c int;')).toBe(false);
    expect(at('insertx INTO a;')).toBe(false);
  });

  it('ends with the same catalog as a full lint on a fixture history', async () => {
    const cwd = path.resolve('/tmp/sqlwarden-schema-only');
    const files = HISTORY.map((f) => ({ path: path.join(cwd, f.path), text: f.text }));
    const full = await schemaAfter(files, false, cwd);
    expect(full).toContain('"name":"b"');
    expect(await schemaAfter(files, true, cwd)).toBe(full);
  });

  const corpus = path.resolve(__dirname, '../../../../../shared/corpus/pg-migrations');
  it.skipIf(!existsSync(corpus))('ends with the same catalog as a full lint on each project of the migration corpus', async () => {
    const projects = readdirSync(corpus, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
    expect(projects.length).toBeGreaterThan(4);
    for (const project of projects) {
      const dir = path.join(corpus, project);
      const files = (readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith('.sql')).sort().map((f) => ({ path: path.join(dir, f), text: readFileSync(path.join(dir, f), 'utf8') }));
      const linter = new Linter({ cwd: dir, rules: [] });
      const ordered = linter.replayOrder(files);
      expect(await schemaAfter(ordered, true, dir), project).toBe(await schemaAfter(ordered, false, dir));
    }
  }, 600_000);
});
