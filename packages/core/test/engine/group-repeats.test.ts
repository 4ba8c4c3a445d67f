// Grouping repeated findings (RuleMeta.groupRepeats): one finding per cause in a file or transaction,
// after suppressions, never for findings that carry a fix, and off with the rule option.
import { mkdtempSync, mkdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { builtinRules } from '@sqlwarden/rules';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/index.ts';
import { lintEmbedded } from '../../src/embedded/index.ts';
import { applyFixes } from '../../src/engine/fixes.ts';
import { Linter, summarize } from '../../src/engine/linter.ts';
import { type Rule, defineRule } from '../../src/rule.ts';
import { lint, ready } from './helpers.ts';

beforeAll(() => ready);

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function project(files: Record<string, string>): string {
  const dir = realpathSync(mkdtempSync(path.join(tmpdir(), 'sqlwarden-group-')));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

/**
 * Flags every `SELECT <word>`: `select other` with another message template, `select solo` with
 * `group: false`, `select fixme` with a fix, the rest with a suggestion. `atFileEnd` reports
 * them all at File:exit, as rules that need the whole file do.
 */
function repeatedRule(id: string, scope: 'file' | 'transaction', extra: { schema?: Record<string, unknown>; atFileEnd?: boolean } = {}): Rule {
  return defineRule({
    meta: { id, description: 'x', defaultSeverity: 'warn', category: 'style', groupRepeats: scope, fixable: 'code', hasSuggestions: true, ...(extra.schema ? { schema: extra.schema } : {}) },
    create(context) {
      const pending: Array<() => void> = [];
      return {
        Statement(node) {
          const text = context.getText(node);
          const match = /^select (\w+)$/i.exec(text);
          if (!match) return;
          const word = match[1]!;
          const report = (): void => {
            if (word === 'other') context.report({ node, message: 'Other kind: {{text}}', data: { text } });
            else if (word === 'solo') context.report({ node, message: 'Repeated: {{text}}', data: { text }, group: false });
            else if (word === 'fixme') context.report({ node, message: 'Repeated: {{text}}', data: { text }, fix: (fixer) => fixer.replaceText(node, 'select fixed') });
            else context.report({ node, message: 'Repeated: {{text}}', data: { text }, suggestions: [{ desc: `Rename ${word}`, fix: (fixer) => fixer.replaceText(node, `select ${word}_x`) }] });
          };
          if (extra.atFileEnd) pending.push(report);
          else report();
        },
        'File:exit'() {
          for (const report of pending) report();
        },
      };
    },
  });
}

const byFile = repeatedRule('repeated', 'file');
const byTransaction = repeatedRule('repeated-tx', 'transaction');

describe('grouping repeated findings', () => {
  it('reports the findings of one message template in a file once, at the first, with the count, the lines and every occurrence', () => {
    const text = 'select a;\nselect b;\n\nselect c; select d;\nselect e;\n';
    const { messages } = lint(text, { rules: [byFile], isMigration: false });
    expect(messages).toHaveLength(1);
    const [m] = messages;
    expect(m).toMatchObject({ ruleId: 'repeated', line: 1, column: 1, endLine: 1, endColumn: 9, range: { start: 0, end: 8 } });
    expect(m!.message).toBe('Repeated: select a (and 4 more in this file: lines 2, 4, 5)');
    expect(m!.occurrences!.map((o) => [o.line, o.column, o.message])).toEqual([
      [1, 1, 'Repeated: select a'],
      [2, 1, 'Repeated: select b'],
      [4, 1, 'Repeated: select c'],
      [4, 11, 'Repeated: select d'],
      [5, 1, 'Repeated: select e'],
    ]);
    // Each occurrence keeps its own suggestion (an editor or a JSON consumer can still offer it).
    expect(m!.occurrences![2]!.suggestions).toEqual([{ desc: 'Rename c', fix: { range: [text.indexOf('select c'), text.indexOf('select c') + 8], text: 'select c_x' } }]);
  });

  it('keeps other message templates and reports with group: false apart', () => {
    const { messages } = lint('select a;\nselect other;\nselect b;\nselect solo;\nselect other;\n', { rules: [byFile], isMigration: false });
    expect(messages.map((m) => [m.line, m.message])).toEqual([
      [1, 'Repeated: select a (and 1 more in this file: line 3)'],
      [2, 'Other kind: select other (and 1 more in this file: line 5)'],
      [4, 'Repeated: select solo'],
    ]);
  });

  it('with transaction scope, groups per transaction, and the statements outside transactions per file', () => {
    const text = 'begin;\nselect a;\nselect b;\ncommit;\nbegin;\nselect c;\nselect d;\ncommit;\nselect e;\nselect f;\n';
    const { messages } = lint(text, { rules: [byTransaction], isMigration: false });
    expect(messages.map((m) => [m.line, m.message, m.occurrences?.length])).toEqual([
      [2, 'Repeated: select a (and 1 more in this transaction: line 3)', 2],
      [6, 'Repeated: select c (and 1 more in this transaction: line 7)', 2],
      [9, 'Repeated: select e (and 1 more in this file: line 10)', 2],
    ]);
  });

  it('groups reports made at File:exit by the transaction of the statement they point into', () => {
    const rule = repeatedRule('late', 'transaction', { atFileEnd: true });
    const { messages } = lint('begin;\nselect a;\nselect b;\ncommit;\nbegin;\nselect c;\nselect d;\ncommit;\n', { rules: [rule], isMigration: false });
    expect(messages.map((m) => [m.line, m.occurrences?.map((o) => o.line)])).toEqual([
      [2, [2, 3]],
      [6, [6, 7]],
    ]);
  });

  it('groups after suppressions: a comment suppresses its own occurrence only, and it counts as used', () => {
    const text = 'select a;\n-- sqlwarden-ignore-next-line repeated\nselect b;\nselect c;\nselect d; -- sqlwarden-ignore-line repeated\nselect e;\n';
    const { messages } = lint(text, { rules: [byFile], isMigration: false });
    expect(messages.map((m) => [m.ruleId, m.line, m.message])).toEqual([['repeated', 1, 'Repeated: select a (and 2 more in this file: lines 4, 6)']]);
    expect(messages[0]!.occurrences!.map((o) => o.line)).toEqual([1, 4, 6]);

    const first = lint('select a; -- sqlwarden-ignore-line repeated\nselect b;\nselect c;\n', { rules: [byFile], isMigration: false }).messages;
    expect(first.map((m) => [m.line, m.message])).toEqual([[2, 'Repeated: select b (and 1 more in this file: line 3)']]);
  });

  it('groups findings that carry fixes: every occurrence keeps its fix, and applying the fixes fixes every one', async () => {
    const text = 'select a;\nselect fixme;\nselect b;\nselect fixme;\nselect c;\n';
    const { messages } = lint(text, { rules: [byFile], isMigration: false });
    expect(messages.map((m) => [m.line, m.occurrences?.length])).toEqual([[1, 5]]);
    expect(messages[0]!.occurrences!.map((o) => [o.line, o.fix?.text])).toEqual([
      [1, undefined],
      [2, 'select fixed'],
      [3, undefined],
      [4, 'select fixed'],
      [5, undefined],
    ]);
    expect(applyFixes(text, messages).output).toBe('select a;\nselect fixed;\nselect b;\nselect fixed;\nselect c;\n');
    // The JSON a formatter writes carries each occurrence's fix.
    expect(JSON.parse(JSON.stringify(messages[0]!.occurrences![1])).fix.text).toBe('select fixed');

    const dir = project({ 'sqlwarden.config.json': JSON.stringify({ rules: { repeated: 'warn' } }) });
    const result = await new Linter({ cwd: dir, rules: [byFile] }).lintText(text, { filePath: path.join(dir, 'q.sql'), fix: true });
    expect(result.output).toBe('select a;\nselect fixed;\nselect b;\nselect fixed;\nselect c;\n');
    expect(result.messages.map((m) => [m.line, m.occurrences?.length])).toEqual([[1, 5]]);
    expect(result.fixableWarningCount).toBe(0);
    // Before fixing, the grouped finding counts once, as fixable.
    expect(summarize('q.sql', text, lint(text, { rules: [byFile], isMigration: false }).messages).fixableWarningCount).toBe(1);
  });

  it('keeps the appended count and lines within 140 characters; every line is in the occurrences', () => {
    const text = Array.from({ length: 60 }, (_, i) => `select c${i};`).join('\n');
    const [m, ...rest] = lint(text, { rules: [byFile], isMigration: false }).messages;
    expect(rest).toEqual([]);
    const suffix = m!.message.slice('Repeated: select c0 '.length);
    expect(suffix).toMatch(/^\(and 59 more in this file: lines 2, 3, 4, [\d, ]+, …\)$/);
    expect(suffix.length).toBeLessThanOrEqual(140);
    expect(m!.occurrences!.map((o) => o.line)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
  });
});

describe('turning grouping off', () => {
  const text = 'select a;\nselect b;\nselect c;\n';

  it('the rule option groupRepeats: false reports every occurrence on its own (true is the default)', async () => {
    for (const setting of ['warn', ['warn', { groupRepeats: true }]]) {
      const dir = project({ 'sqlwarden.config.json': JSON.stringify({ rules: { repeated: setting } }) });
      const grouped = await new Linter({ cwd: dir, rules: [byFile] }).lintText(text, { filePath: path.join(dir, 'q.sql') });
      expect(grouped.messages.map((m) => [m.line, m.occurrences?.length])).toEqual([[1, 3]]);
    }
    const dir = project({ 'sqlwarden.config.json': JSON.stringify({ rules: { repeated: ['warn', { groupRepeats: false }] } }) });
    const result = await new Linter({ cwd: dir, rules: [byFile] }).lintText(text, { filePath: path.join(dir, 'q.sql') });
    expect(result.messages.map((m) => [m.line, m.message, m.occurrences])).toEqual([
      [1, 'Repeated: select a', undefined],
      [2, 'Repeated: select b', undefined],
      [3, 'Repeated: select c', undefined],
    ]);
    expect(result.warningCount).toBe(3);
  });

  it('a Linter made with groupRepeats: false (the language server) reports every occurrence', async () => {
    const dir = project({ 'sqlwarden.config.json': JSON.stringify({ rules: { repeated: 'warn' } }) });
    const grouped = await new Linter({ cwd: dir, rules: [byFile] }).lintText(text, { filePath: path.join(dir, 'q.sql') });
    expect(grouped.messages).toHaveLength(1);
    expect(grouped.warningCount).toBe(1);
    const each = await new Linter({ cwd: dir, rules: [byFile], groupRepeats: false }).lintText(text, { filePath: path.join(dir, 'q.sql') });
    expect(each.messages.map((m) => m.line)).toEqual([1, 2, 3]);
  });

  it('validates the option like the rule options: a boolean, accepted next to a closed schema', async () => {
    const closed = repeatedRule('closed', 'file', { schema: { type: 'object', properties: { level: { type: 'number' } }, additionalProperties: false } });
    const ok = project({ 'sqlwarden.config.json': JSON.stringify({ rules: { closed: ['warn', { groupRepeats: false, level: 1 }] } }) });
    const result = await new Linter({ cwd: ok, rules: [closed] }).lintText(text, { filePath: path.join(ok, 'q.sql') });
    expect(result.messages).toHaveLength(3);

    const bad = project({ 'sqlwarden.config.json': JSON.stringify({ rules: { repeated: ['warn', { groupRepeats: 'no' }] } }) });
    const error = await new Linter({ cwd: bad, rules: [byFile] }).lintText(text, { filePath: path.join(bad, 'q.sql') }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain('"rules.repeated" option "groupRepeats" must be boolean; got "no"');

    const unknown = project({ 'sqlwarden.config.json': JSON.stringify({ rules: { closed: ['warn', { grupRepeats: false }] } }) });
    const hint = await new Linter({ cwd: unknown, rules: [closed] }).lintText(text, { filePath: path.join(unknown, 'q.sql') }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((hint as Error).message).toContain('unknown option "grupRepeats" (allowed: level, groupRepeats)');
  });
});

describe('grouped findings of built-in rules', () => {
  it('prefer-timestamptz reports the timestamp columns of a migration once, with every column as an occurrence', async () => {
    const dir = project({ 'sqlwarden.config.json': JSON.stringify({ rules: { 'prefer-timestamptz': 'warn' } }) });
    const text = 'CREATE TABLE a (id bigint PRIMARY KEY, created_at timestamp, updated_at timestamp);\nCREATE TABLE b (id bigint PRIMARY KEY,\n  seen_at timestamp);\n';
    const result = await new Linter({ cwd: dir, rules: builtinRules }).lintText(text, { filePath: path.join(dir, 'migrations/001.sql') });
    const own = result.messages.filter((m) => m.ruleId === 'prefer-timestamptz');
    expect(own).toHaveLength(1);
    expect(own[0]!.message).toMatch(/^`created_at` is declared `timestamp`.* \(and 2 more in this file: lines 1, 3\)$/);
    expect(own[0]!.occurrences!.map((o) => [o.line, o.message.slice(0, 12)])).toEqual([
      [1, '`created_at`'],
      [1, '`updated_at`'],
      [3, '`seen_at` is'],
    ]);
  });

  it('SQL embedded in TypeScript: the occurrences and the lines in the message are host positions', async () => {
    const dir = project({ 'sqlwarden.config.json': JSON.stringify({ rules: { repeated: 'warn' } }) });
    const linter = new Linter({ cwd: dir, rules: [byFile] });
    const host = ['// queries', '', 'const q = sql`select a;', 'select b;', '', 'select c`;', ''].join('\n');
    const result = await lintEmbedded(linter, host, { filePath: path.join(dir, 'src/q.ts') });
    expect(result.messages.map((m) => [m.line, m.column, m.message])).toEqual([[3, 15, 'Repeated: select a (and 2 more in this file: lines 4, 6)']]);
    expect(result.messages[0]!.occurrences!.map((o) => [o.line, o.column, o.range.start])).toEqual([
      [3, 15, host.indexOf('select a')],
      [4, 1, host.indexOf('select b')],
      [6, 1, host.indexOf('select c')],
    ]);
  });
});
