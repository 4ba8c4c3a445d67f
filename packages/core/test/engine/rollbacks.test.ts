/**
 * The rollback policy (issue 12, item 8): in down files and down sections only reports that say
 * `fails: true` are kept, unless `migrations.rollbacks` is "all"; syntax errors and the engine's
 * own diagnostics are always kept, and fix guards still see rollback statements.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Linter } from '../../src/engine/linter.ts';
import { defineRule, type Rule } from '../../src/rule.ts';
import type { Settings } from '../../src/types.ts';
import { lint, ready } from './helpers.ts';

beforeAll(() => ready);

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../fixtures/migration-tools');

/** Reports every statement, as a hazard of running it (a lock, a rewrite): not a failure. */
const hazard = defineRule({
  meta: { id: 'test/hazard', description: 'every statement', defaultSeverity: 'warn', category: 'migration-safety' },
  create: (context) => ({
    Statement: (node) => context.report({ node, message: 'hazard' }),
  }),
});

/** Reports every statement as one PostgreSQL rejects (`fails: true`). */
const failure = defineRule({
  meta: { id: 'test/failure', description: 'every statement, failing', defaultSeverity: 'error', category: 'correctness' },
  create: (context) => ({
    Statement: (node) => context.report({ node, message: 'fails', fails: true }),
  }),
});

/** Reports the last statement at File:exit (no current statement: the engine finds it by range). */
const atFileEnd = defineRule({
  meta: { id: 'test/at-file-end', description: 'the last statement, at File:exit', defaultSeverity: 'warn', category: 'correctness' },
  create: (context) => ({
    'File:exit': () => {
      const last = context.file.statements.at(-1);
      if (last) context.report({ range: last.range, message: 'last' });
    },
  }),
});

/** Throws on DROP statements. */
const crashes = defineRule({
  meta: { id: 'test/crashes', description: 'crashes on DROP', defaultSeverity: 'warn', category: 'correctness' },
  create: () => ({
    Drop: () => {
      throw new Error('boom');
    },
  }),
});

type Found = [ruleId: string, line: number];

function findings(text: string, filePath: string, settings: Partial<Settings> = {}, rules: Rule<any>[] = [hazard, failure]): Found[] {
  return lint(text, { filePath, settings, rules }).messages.map((m) => [m.ruleId, m.line]);
}

const GOOSE = ['-- +goose Up', 'CREATE TABLE a (id bigint);', '-- +goose Down', 'DROP TABLE a;', ''].join('\n');
const DBMATE = ['-- migrate:up', 'CREATE TABLE a (id bigint);', '', '-- migrate:down', 'DROP TABLE a;', ''].join('\n');
/** goose sections in the other order, and back to Up: only the Down part is a rollback. */
const GOOSE_INTERLEAVED = ['-- +goose Down', 'DROP TABLE a;', '-- +goose Up', 'CREATE TABLE a (id bigint);', ''].join('\n');

describe('rollbacks report only failing statements by default', () => {
  it('goose: the -- +goose Down section', () => {
    const up: Found[] = [['test/failure', 2], ['test/hazard', 2]];
    expect(findings(GOOSE, 'migrations/001_a.sql')).toEqual([...up, ['test/failure', 4]]);
    expect(findings(GOOSE, 'migrations/001_a.sql', { rollbacks: 'failures' })).toEqual([...up, ['test/failure', 4]]);
    expect(findings(GOOSE, 'migrations/001_a.sql', { rollbacks: 'all' })).toEqual([...up, ['test/failure', 4], ['test/hazard', 4]]);
    expect(findings(GOOSE_INTERLEAVED, 'migrations/001_a.sql')).toEqual([['test/failure', 2], ['test/failure', 4], ['test/hazard', 4]]);
  });

  it('dbmate: the -- migrate:down section', () => {
    const up: Found[] = [['test/failure', 2], ['test/hazard', 2]];
    expect(findings(DBMATE, 'db/migrations/20240101000000_a.sql')).toEqual([...up, ['test/failure', 5]]);
    expect(findings(DBMATE, 'db/migrations/20240101000000_a.sql', { rollbacks: 'all' })).toEqual([...up, ['test/failure', 5], ['test/hazard', 5]]);
  });

  it('down files by name: every statement', () => {
    const text = 'DROP TABLE a;\nDROP TABLE b;\n';
    const everything: Found[] = [['test/failure', 1], ['test/hazard', 1], ['test/failure', 2], ['test/hazard', 2]];
    for (const file of ['migrations/0002_x.down.sql', 'migrations/0002_x_down.sql', 'migrations/0002-x-down.sql', 'migrations/2024-05-01-080000_x/down.sql', 'migrations/0002_x.DOWN.sql', 'db/migration/U2__drop_x.sql']) {
      expect(findings(text, file), file).toEqual([['test/failure', 1], ['test/failure', 2]]);
      expect(findings(text, file, { rollbacks: 'all' }), file).toEqual(everything);
    }
    // Their up counterparts, and names that merely contain "down", are not rollbacks.
    for (const file of ['migrations/0002_x.up.sql', 'migrations/2024-05-01-080000_x/up.sql', 'db/migration/V2__drop_x.sql', 'migrations/0002_cooldown.sql', 'migrations/0002_down_payment.sql']) {
      expect(findings(text, file), file).toEqual(everything);
    }
  });

  it('node-pg-migrate: the -- Down Migration section', () => {
    const file = path.join(fixtures, 'node-pg-migrate/migrations/1709280000000_create-notes.sql');
    const text = readFileSync(file, 'utf8');
    const down = text.split('\n').findIndex((line) => line.startsWith('DROP TABLE')) + 1;
    expect(findings(text, file)).toEqual([['test/failure', 2], ['test/hazard', 2], ['test/failure', 3], ['test/hazard', 3], ['test/failure', down]]);
    expect(findings(text, file, { rollbacks: 'all' })).toContainEqual(['test/hazard', down]);
  });

  it('Sqitch: the scripts of revert/', () => {
    const file = path.join(fixtures, 'sqitch/revert/users.sql');
    const text = readFileSync(file, 'utf8');
    expect(findings(text, file).map(([id]) => id)).toEqual(['test/failure', 'test/failure', 'test/failure']);
    expect(findings(text, file, { rollbacks: 'all' })).toHaveLength(6);
    // Its deploy script is not a rollback.
    const deploy = path.join(fixtures, 'sqitch/deploy/users.sql');
    expect(findings(readFileSync(deploy, 'utf8'), deploy).filter(([id]) => id === 'test/hazard').length).toBeGreaterThan(0);
  });

  it('a report made at File:exit is judged by the statement its range points into', () => {
    expect(findings(GOOSE, 'migrations/001_a.sql', {}, [atFileEnd])).toEqual([]);
    expect(findings(GOOSE, 'migrations/001_a.sql', { rollbacks: 'all' }, [atFileEnd])).toEqual([['test/at-file-end', 4]]);
    expect(findings(GOOSE_INTERLEAVED, 'migrations/001_a.sql', {}, [atFileEnd])).toEqual([['test/at-file-end', 4]]);
  });
});

describe('what rollbacks always report', () => {
  it('syntax errors, in down sections and down files', () => {
    const goose = ['-- +goose Up', 'CREATE TABLE a (id bigint);', '-- +goose Down', 'DROP TABLE a;', 'DROPP TABLE b;', ''].join('\n');
    expect(findings(goose, 'migrations/001_a.sql', {}, [hazard])).toEqual([['test/hazard', 2], ['syntax-error', 5]]);
    expect(findings('DROP TABLE a;\nDROPP TABLE b;\n', 'migrations/0001_a.down.sql', {}, [hazard])).toEqual([['syntax-error', 2]]);
    // REPACK is a syntax error before PostgreSQL 19 (the engine reports it, not a rule).
    expect(findings('-- migrate:up\nSELECT 1;\n-- migrate:down\nREPACK a;\n', 'db/migrations/1_a.sql', { postgresVersion: 18 }, [hazard])).toEqual([['test/hazard', 2], ['syntax-error', 4]]);
  });

  it('a statement too long to analyse (not-analysed)', () => {
    const huge = `INSERT INTO a VALUES ${Array.from({ length: 120_000 }, (_, i) => `(${i})`).join(', ')};`;
    expect(huge.length).toBeGreaterThan(1_000_000);
    expect(findings(`${huge}\n`, 'migrations/0001_a.down.sql', {}, [hazard])).toEqual([['not-analysed', 1]]);
  });

  it('a rule that crashes (internal-error)', () => {
    expect(findings(GOOSE, 'migrations/001_a.sql', {}, [crashes])).toEqual([['internal-error', 4]]);
  });

  it('a suppression comment that the policy leaves with nothing to suppress is unused', () => {
    const text = ['-- +goose Up', 'CREATE TABLE a (id bigint);', '-- +goose Down', '-- sqlwarden-ignore-next-line test/hazard', 'DROP TABLE a;', ''].join('\n');
    expect(findings(text, 'migrations/001_a.sql', {}, [hazard])).toEqual([['test/hazard', 2], ['unused-suppression', 4]]);
    expect(findings(text, 'migrations/001_a.sql', { rollbacks: 'all' }, [hazard])).toEqual([['test/hazard', 2]]);
  });
});

describe('fix guards see rollbacks whatever is reported there', () => {
  /** Renames the tables it creates; a later statement naming the old name conflicts with that. */
  const rename = defineRule({
    meta: { id: 'test/rename', description: 'renames new tables', defaultSeverity: 'warn', category: 'style', fixable: 'code', hasSuggestions: true },
    create: (context) => ({
      CreateTable: (node) => {
        const name = node.table.name;
        context.report({
          node,
          message: 'rename {{name}}',
          data: { name },
          fix: (fixer) => fixer.replaceText(node, `CREATE TABLE renamed_${name} (id bigint)`),
          fixDesc: `Rename ${name}`,
          fixGuard: { desc: `Rename ${name}`, check: (later) => (later.lowerText.includes(name) ? { conflict: `${later.rollback ? 'the rollback ' : ''}uses ${name}` } : undefined) },
        });
      },
    }),
  });
  const root = mkdtempSync(path.join(tmpdir(), 'sqlwarden-rollbacks-'));
  writeFileSync(path.join(root, 'sqlwarden.config.json'), JSON.stringify({ rules: { 'test/rename': 'warn' } }));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('a down section that the fix would break withholds it, although its own findings are not reported', async () => {
    const text = ['-- +goose Up', 'CREATE TABLE things (id bigint);', '-- +goose Down', 'DROP TABLE things;', ''].join('\n');
    const result = await new Linter({ cwd: root, rules: [rename] }).lintText(text, { filePath: path.join(root, 'migrations/001_things.sql'), fix: true });
    expect(result.output).toBeUndefined();
    expect(result.messages.map((m) => [m.ruleId, m.line])).toEqual([['test/rename', 2]]);
    expect(result.messages[0]!.fix).toBeUndefined();
    expect(result.messages[0]!.detail).toMatch(/Not fixed automatically: migrations\/001_things\.sql line 4 the rollback uses things/);
  });
});
