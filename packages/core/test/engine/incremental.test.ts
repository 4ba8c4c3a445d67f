// Re-linting edited text with a long-lived Linter (as the language server does on every
// keystroke) reuses the parses of unchanged statements; the results must be exactly those of a
// Linter that never saw the earlier versions.
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { builtinRules } from '@sqlwarden/rules';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresAdapter } from '../../src/dialects/postgres/index.ts';
import { Linter, type LintFileResult } from '../../src/engine/linter.ts';
import { walk } from '../../src/model/walk.ts';
import { SegmentParseCache } from '../../src/engine/parse-cache.ts';
import { maskNonSql } from '../../src/source/mask.ts';
import { defineRule } from '../../src/rule.ts';
import { ready } from './helpers.ts';

const dir = realpathSync(mkdtempSync(path.join(tmpdir(), 'sqlwarden-incremental-')));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const filePath = path.join(dir, 'migrations', '20240101000000_edit.sql');
beforeAll(() => ready);

/**
 * Everything a host gets back, nodes included: a stale range anywhere in the model shows up here
 * (through JSON, since cached nodes' ranges are accessors that deep equality would not read).
 */
function observable(result: LintFileResult) {
  return { ...result, statements: result.statements?.map((s) => ({ ...s, node: s.node && JSON.parse(JSON.stringify(s.node)) })) };
}

async function expectSameAsFresh(session: Linter, text: string, options: { fresh?: () => Linter } = {}): Promise<LintFileResult> {
  session.resetCatalog(); // as the language server does before each run
  const incremental = await session.lintText(text, { filePath });
  const fresh = await (options.fresh?.() ?? new Linter({ cwd: dir, rules: builtinRules })).lintText(text, { filePath });
  expect(observable(incremental)).toEqual(observable(fresh));
  return incremental;
}

/** Replaces the first occurrence of `find` (which must exist). */
function edit(text: string, find: string, replacement: string): string {
  const at = text.indexOf(find);
  if (at < 0) throw new Error(`${find} not in the text`);
  return text.slice(0, at) + replacement + text.slice(at + find.length);
}

const base = [
  '-- users and their orders',
  'CREATE TABLE users (id bigint PRIMARY KEY, email text, code char(4), created_at timestamp);',
  'ALTER TABLE users ADD COLUMN name text;',
  'CREATE INDEX users_email_idx ON users (email);',
  // A view: its query keeps running after the migration, so the query rules check it.
  "CREATE VIEW user_a AS SELECT * FROM users WHERE lower(email) = 'a@example.com';",
  "UPDATE users SET name = 'x';",
  'SELECT id FROM orders WHERE total = 1.5;',
  'SELECT id FROM users WHERE id = 2.5;',
  'BEGIN;',
  'COMMIT;',
  'BEGIN;',
  'COMMIT;',
  "DELETE FROM users WHERE email = 'b';",
  '',
].join('\n');

describe('incremental re-linting', () => {
  it('gives the same results as a fresh Linter after every edit', async () => {
    const session = new Linter({ cwd: dir, rules: builtinRules });
    const findings = (r: LintFileResult) => r.messages.map((m) => `${m.line}:${m.column} ${m.ruleId}`);
    let text = base;
    const first = await expectSameAsFresh(session, text);
    expect(findings(first)).toEqual(['2:61 no-char-type', '2:81 prefer-timestamptz', '5:30 no-select-star', '5:49 no-non-sargable-predicate', '8:28 no-implicit-cast']);

    // One character typed inside a literal: every later statement moves by one.
    text = edit(text, "'x'", "'xy'");
    await expectSameAsFresh(session, text);
    // One deleted from the leading comment: every statement moves back.
    text = edit(text, '-- users', '-- user');
    await expectSameAsFresh(session, text);
    // Characters outside the BMP count two UTF-16 units.
    text = edit(text, '-- user', '-- 🚀 user');
    await expectSameAsFresh(session, text);

    // A statement broken into a syntax error, then repaired.
    text = edit(text, 'SELECT * FROM users', 'SELEC * FROM users');
    const broken = await expectSameAsFresh(session, text);
    expect(broken.messages.some((m) => m.ruleId === 'syntax-error')).toBe(true);
    text = edit(text, 'SELEC * FROM users', 'SELECT * FROM users');
    const repaired = await expectSameAsFresh(session, text);
    expect(repaired.messages.some((m) => m.ruleId === 'syntax-error')).toBe(false);

    // A new statement creates a table that a later query uses: its findings appear.
    const before = await expectSameAsFresh(session, text);
    text = edit(text, 'ALTER TABLE users', 'CREATE TABLE orders (id bigint, total integer);\nALTER TABLE users');
    const withOrders = await expectSameAsFresh(session, text);
    expect(withOrders.messages.filter((m) => m.ruleId === 'no-implicit-cast').length).toBeGreaterThan(
      before.messages.filter((m) => m.ruleId === 'no-implicit-cast').length,
    );

    // An earlier statement changes what the catalog knows later: the expression index makes
    // lower(email) = ... sargable, and a numeric column makes id = 2.5 fine.
    const sargableBefore = withOrders.messages.filter((m) => m.ruleId === 'no-non-sargable-predicate').length;
    text = edit(text, 'ON users (email)', 'ON users (lower(email))');
    text = edit(text, 'CREATE TABLE users (id bigint', 'CREATE TABLE users (id numeric');
    const changed = await expectSameAsFresh(session, text);
    expect(changed.messages.filter((m) => m.ruleId === 'no-non-sargable-predicate').length).toBeLessThan(sargableBefore);
    expect(changed.messages.filter((m) => m.ruleId === 'no-implicit-cast').length).toBeLessThan(withOrders.messages.filter((m) => m.ruleId === 'no-implicit-cast').length);

    // The same statement text at several offsets, then one copy removed.
    text = edit(text, 'BEGIN;\nCOMMIT;\n', '');
    await expectSameAsFresh(session, text);
    text = `BEGIN;\nCOMMIT;\n${text}`;
    await expectSameAsFresh(session, text);

    // Back to where it started, after all the caching in between.
    await expectSameAsFresh(session, base);
  });

  it('keeps what rules know about earlier statements in step with edits', async () => {
    // Rules look up which earlier statements created, emptied or extended a relation; after an edit
    // those statements are others, at other indexes.
    const session = new Linter({ cwd: dir, rules: builtinRules });
    const migration = [
      'BEGIN;',
      'CREATE SEQUENCE invoice_numbers;',
      'ALTER SEQUENCE invoice_numbers RESTART WITH 100;',
      'TRUNCATE accounts;',
      'ALTER TABLE accounts ALTER COLUMN balance TYPE bigint;',
      'CREATE MATERIALIZED VIEW totals AS SELECT 1 AS n;',
      'CREATE INDEX totals_n ON totals (n);',
      'ALTER TABLE accounts ADD COLUMN note text;',
      'ALTER TABLE accounts DROP COLUMN note;',
      'CREATE SCHEMA scratch;',
      'DROP SCHEMA scratch;',
      'UPDATE accounts SET note = NULL;',
      'COMMIT;',
      '',
    ].join('\n');
    const ruleIds = (r: LintFileResult) => r.messages.map((m) => m.ruleId);
    let text = migration;
    expect(ruleIds(await expectSameAsFresh(session, text))).toEqual(['require-lock-timeout', 'require-where']);
    text = edit(text, 'BEGIN;\n', 'BEGIN;\nSELECT 1;\n');
    await expectSameAsFresh(session, text);
    text = edit(text, 'TRUNCATE accounts;\n', '');
    expect(ruleIds(await expectSameAsFresh(session, text))).toContain('no-table-rewrite');
    for (const created of ['CREATE SEQUENCE invoice_numbers;\n', 'CREATE MATERIALIZED VIEW totals AS SELECT 1 AS n;\n', 'ALTER TABLE accounts ADD COLUMN note text;\n', 'CREATE SCHEMA scratch;\n']) {
      text = edit(text, created, '');
      await expectSameAsFresh(session, text);
    }
    expect(ruleIds(await expectSameAsFresh(session, text))).toEqual(expect.arrayContaining(['no-blocking-alter-sequence', 'no-blocking-index-build', 'no-drop-column']));
    await expectSameAsFresh(session, migration);
  });

  it('moves deeply nested statements too', async () => {
    // Too deep for a recursive deep-equal: compare the nodes as `walk` (iterative) lists them.
    const nodes = (result: LintFileResult) => {
      const out: string[] = [];
      for (const s of result.statements ?? []) if (s.node) walk(s.node, { enter: (n) => void out.push(`${n.type} ${n.range.start}-${n.range.end}`) });
      return out;
    };
    const session = new Linter({ cwd: dir, rules: builtinRules });
    const deep = `SELECT ${Array.from({ length: 1000 }, (_, i) => `c${i}`).join(' + ')} FROM t WHERE id = 1;\nSELECT * FROM t;\n`;
    await session.lintText(deep, { filePath });
    const moved = await session.lintText(`\n\n${deep}`, { filePath });
    const fresh = await new Linter({ cwd: dir, rules: builtinRules }).lintText(`\n\n${deep}`, { filePath });
    expect(moved.statements?.[0]?.node?.type).toBe('Select');
    expect(moved.messages).toEqual(fresh.messages);
    expect(nodes(moved)).toEqual(nodes(fresh));
  });

  it('follows config changes that change the findings of unchanged text', async () => {
    const project = realpathSync(mkdtempSync(path.join(tmpdir(), 'sqlwarden-incremental-config-')));
    try {
      const file = path.join(project, 'migrations', '001.sql');
      mkdirSync(path.dirname(file), { recursive: true });
      const text = "BEGIN;\nALTER TYPE mood ADD VALUE 'sad';\nCOMMIT;\n";
      const session = new Linter({ cwd: project, rules: builtinRules });
      const run = async (linter: Linter) => {
        linter.resetCatalog();
        return (await linter.lintText(text, { filePath: file })).messages;
      };
      const on15 = await run(session);
      // The language server clears the config cache when a config file changes, and keeps the Linter.
      writeFileSync(path.join(project, 'sqlwarden.config.json'), JSON.stringify({ postgresVersion: 11 }));
      session.clearConfigCache();
      const on11 = await run(session);
      expect(on11).toEqual(await run(new Linter({ cwd: project, rules: builtinRules })));
      expect(on15).toEqual([]);
      expect(on11.map((m) => m.ruleId)).toEqual(['no-unsafe-enum-add-value']);
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });

  it('never lets a rule change the statements it keeps for later runs', async () => {
    const vandal = defineRule({
      meta: { id: 'vandal', description: 'moves nodes', defaultSeverity: 'error', category: 'correctness' },
      create: () => ({
        Statement(node) {
          (node.range as { start: number }).start = 0;
        },
      }),
    });
    const session = new Linter({ cwd: dir, rules: [vandal] });
    const first = await session.lintText('SELECT 1;\nSELECT 2;\n', { filePath });
    expect(first.messages.map((m) => m.ruleId)).toEqual(['internal-error']);
    const again = await session.lintText('SELECT 1;\nSELECT 2;\n', { filePath });
    expect(again.statements?.map((s) => s.node && { start: s.node.range.start, end: s.node.range.end })).toEqual([
      { start: 0, end: 8 },
      { start: 10, end: 18 },
    ]);
  });
});

describe('SegmentParseCache', () => {
  beforeAll(() => ready);
  const FILE = 'a.sql';
  const plain = (value: unknown) => JSON.parse(JSON.stringify(value));

  it('moves a statement found again at another offset by its anchor, keeping the same nodes', () => {
    const cache = new SegmentParseCache();
    const statement = 'SELECT a FROM t WHERE b = 1';
    cache.beginRun();
    const atStart = cache.parse(postgresAdapter, FILE, statement, { start: 0, end: statement.length });
    expect(atStart.statements[0]!.range).toMatchObject({ start: 0, end: statement.length });
    const moved = `${' '.repeat(5)}${statement}`;
    cache.beginRun();
    const later = cache.parse(postgresAdapter, FILE, moved, { start: 5, end: moved.length });
    const fresh = postgresAdapter.parseSegment(moved, { start: 5, end: moved.length });
    expect(later).toBe(atStart);
    expect(plain(later.statements)).toEqual(plain(fresh.statements));
    // The earlier result's nodes are the same objects: they now report the new positions.
    expect(atStart.statements[0]!.range).toMatchObject({ start: 5, end: moved.length });
    // Read-only, so no rule can corrupt later runs.
    expect(() => {
      (later.statements[0]!.range as { start: number }).start = 0;
    }).toThrow(TypeError);
    expect(later.statements[0]!.range.start).toBe(5);
  });

  it('gives each occurrence of the same text in one run its own nodes, and files their own', () => {
    const cache = new SegmentParseCache();
    const text = 'COMMIT;\nCOMMIT;\n';
    cache.beginRun();
    const first = cache.parse(postgresAdapter, FILE, text, { start: 0, end: 6 });
    const second = cache.parse(postgresAdapter, FILE, text, { start: 8, end: 14 });
    expect(second).not.toBe(first);
    expect([first.statements[0]!.range.start, second.statements[0]!.range.start]).toEqual([0, 8]);
    // The next run takes the instance already at each offset: nothing moves.
    cache.beginRun();
    expect(cache.parse(postgresAdapter, FILE, text, { start: 8, end: 14 })).toBe(second);
    expect(cache.parse(postgresAdapter, FILE, text, { start: 0, end: 6 })).toBe(first);
    // Another file never takes (and moves) this file's nodes.
    cache.beginRun();
    const other = cache.parse(postgresAdapter, 'b.sql', `  ${text}`, { start: 2, end: 8 });
    expect(other).not.toBe(first);
    expect(first.statements[0]!.range.start).toBe(0);
  });

  it('re-splits only what an edit changed, and every edit gives what a whole split and fresh parses give', () => {
    // Edits that change how everything after them splits (quotes, dollar quotes, comments,
    // terminators) as well as ordinary typing, at random places, with a fixed seed.
    const pieces = ["'", '$$', '$x$', ';', '--', '/*', '*/', '\n', ' ', 'a', '(', ')', 'E\'', '"', 'BEGIN ATOMIC ', ' END', '-- +goose Down\n'];
    let text = [
      'CREATE TABLE a (id int, note text DEFAULT \';\');',
      "INSERT INTO a VALUES (1, 'x;y');",
      'CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;',
      '/* a; comment */ SELECT 1;',
      '-- line; comment',
      'CREATE FUNCTION g() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END;',
      'SELECT "odd;name" FROM a;',
      'UPDATE a SET note = $t$;$t$ WHERE id = 1;',
      'SELECT 2',
    ].join('\n');
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const cache = new SegmentParseCache();
    const plain = (value: unknown) => JSON.parse(JSON.stringify(value));
    for (let step = 0; step < 300; step++) {
      const at = random(text.length + 1);
      const kind = random(3);
      const piece = pieces[random(pieces.length)]!;
      if (kind === 0) text = text.slice(0, at) + piece + text.slice(at);
      else if (kind === 1) text = text.slice(0, at) + text.slice(at + 1 + random(3));
      else text = text.slice(0, at) + piece + text.slice(at + piece.length);
      const masked = maskNonSql(text).text;
      const file = cache.parseFile(postgresAdapter, FILE, masked);
      const whole = postgresAdapter.split(masked);
      expect(file.segments, `step ${step}: ${JSON.stringify(text)}`).toEqual(whole);
      expect(plain(file.parses.map((p) => p.statements)), `step ${step}`).toEqual(plain(whole.map((seg) => postgresAdapter.parseSegment(masked, seg).statements)));
    }
  });

  it('splits a long file once, then only around each edit, keeping the other statements as they are', () => {
    const calls: Array<{ from: number; segments: number; stopped: boolean }> = [];
    const adapter = {
      ...postgresAdapter,
      resumeSplit(text: string, from: number, stopAfter: (end: number) => boolean) {
        const result = postgresAdapter.resumeSplit!(text, from, stopAfter);
        calls.push({ from, segments: result.segments.length, stopped: result.stopped });
        return result;
      },
    };
    const cache = new SegmentParseCache();
    const statements = Array.from({ length: 50 }, (_, i) => `UPDATE t${i} SET a = 'v${i}';`);
    const first = cache.parseFile(adapter, FILE, statements.join('\n'));
    expect(calls).toEqual([]);
    statements[25] = "UPDATE t25 SET a = 'typed';";
    const second = cache.parseFile(adapter, FILE, statements.join('\n'));
    expect(calls).toEqual([{ from: first.segments[24]!.terminatorEnd, segments: 1, stopped: true }]);
    expect(second.segments.length).toBe(50);
    for (const i of [0, 24, 26, 49]) expect(second.parses[i]).toBe(first.parses[i]);
    expect(second.parses[26]!.statements[0]!.range.start).toBe(second.segments[26]!.start);
  });

  it('forgets the least recently used statements beyond its size', () => {
    const cache = new SegmentParseCache(30);
    const parse = (sql: string) => {
      cache.beginRun();
      return cache.parse(postgresAdapter, FILE, sql, { start: 0, end: sql.length });
    };
    const a = parse('SELECT 1');
    const b = parse('SELECT 22');
    const c = parse('SELECT 333');
    expect(parse('SELECT 1')).toBe(a);
    parse('SELECT 4444'); // 38 characters: the least recently used go until 3/4 of the limit is left
    expect(parse('SELECT 1')).toBe(a);
    expect(parse('SELECT 22')).not.toBe(b);
    expect(parse('SELECT 333')).not.toBe(c);
  });
});

describe('a document larger than the parse cache (issue 10, item 5)', () => {
  it('re-parses only the edited statement, not the whole document, after a one-character edit', () => {
    let parses = 0;
    const counting = { ...postgresAdapter, parseSegment: (text: string, range: { start: number; end: number }) => (parses++, postgresAdapter.parseSegment(text, range)) };
    const cache = new SegmentParseCache(undefined, true); // holds 500,000 characters by default, and grows (as the language server's does)
    const lines: string[] = [];
    for (let i = 0; lines.join('\n').length < 700_000; i++) lines.push(...Array.from({ length: 100 }, (_, j) => `UPDATE t${i} SET a = ${j} WHERE id = ${j};`));
    const text = lines.join('\n') + '\n';
    cache.parseFile(counting, 'big.sql', maskNonSql(text).text);
    const statements = parses;
    expect(statements).toBe(lines.length);
    parses = 0;
    const edited = text.replace('SET a = 50 WHERE', 'SET a = 51 WHERE');
    cache.parseFile(counting, 'big.sql', maskNonSql(edited).text);
    expect(parses).toBe(1);
  });
});
