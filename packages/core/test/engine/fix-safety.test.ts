/**
 * The engine's side of fix safety (engine/fix-safety.ts), with a rule whose guarded fix renames a
 * table: later statements that name the old table withhold it; a guard that throws withholds it
 * too; suppressed findings and unguarded fixes are untouched.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Linter } from '../../src/engine/linter.ts';
import { defineRule } from '../../src/rule.ts';

const renameTemp = defineRule({
  meta: { id: 'rename-temp', description: 'renames tables called temp', defaultSeverity: 'warn', category: 'style', fixable: 'code', hasSuggestions: true },
  create: (context) => ({
    CreateTable: (node) => {
      if (!node.table.name.startsWith('temp')) return;
      const name = node.table.name;
      context.report({
        node,
        message: 'table {{name}}',
        data: { name },
        fix: (fixer) => fixer.replaceText(node, `CREATE TABLE kept_${name} (a int)`),
        fixGuard: {
          desc: `Rename ${name}.`,
          check(later) {
            if (name === 'temp_throws' && later.lowerText.includes('boom')) throw new Error('boom');
            if (later.statement.node?.type === 'Drop' && !later.rollback) return 'release';
            return later.lowerText.includes(name) ? { conflict: `uses ${name}` } : undefined;
          },
        },
      });
    },
  }),
});

const root = mkdtempSync(path.join(tmpdir(), 'sqlwarden-fix-safety-'));
writeFileSync(path.join(root, 'sqlwarden.config.json'), JSON.stringify({ rules: { 'rename-temp': 'warn' } }));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const file = (name: string, text: string) => ({ path: path.join(root, 'migrations', name), text });

describe('fix safety in the engine', () => {
  it('withholds a fix a later file conflicts with and applies the others', async () => {
    const results = await new Linter({ cwd: root, rules: [renameTemp] }).lintFiles(
      [file('1.sql', 'CREATE TABLE temp_a (a int);\nCREATE TABLE temp_b (a int);\n'), file('2.sql', 'SELECT 1;\nINSERT INTO temp_a VALUES (1);\n')],
      { fix: true },
    );
    const first = results[0]!;
    expect(first.output).toBe('CREATE TABLE temp_a (a int);\nCREATE TABLE kept_temp_b (a int);\n');
    expect(first.messages).toHaveLength(1);
    expect(first.messages[0]).toMatchObject({ message: 'table temp_a', detail: 'Not fixed automatically: migrations/2.sql line 2 uses temp_a.', suggestions: [{ desc: 'Rename temp_a (not auto-fixed)', fix: { range: [0, 27], text: 'CREATE TABLE kept_temp_a (a int)' } }] });
    expect(first.messages[0]!.fix).toBeUndefined();
    expect(first.fixableWarningCount).toBe(0);
  });

  it('a guard that throws withholds its fix (it cannot vouch for it)', async () => {
    const [result] = await new Linter({ cwd: root, rules: [renameTemp] }).lintFiles([file('1.sql', "CREATE TABLE temp_throws (a int);\nSELECT 'boom';\n")], { fix: true });
    expect(result!.output).toBeUndefined();
    expect(result!.messages[0]!.suggestions![0]!.desc).toBe('Rename temp_throws (not auto-fixed)');
    expect(result!.messages[0]!.detail).toBe('Not fixed automatically: migrations/1.sql line 2 could not be checked against the fix (boom).');
  });

  it("a released guard no longer looks, and a suppressed finding's fix is not applied", async () => {
    const [result] = await new Linter({ cwd: root, rules: [renameTemp] }).lintFiles(
      [file('1.sql', 'CREATE TABLE temp_a (a int);\nDROP TABLE other;\nSELECT * FROM temp_a;\n-- sqlwarden-ignore-next-line rename-temp\nCREATE TABLE temp_c (a int);\nSELECT * FROM temp_c;\n')],
      { fix: true },
    );
    expect(result!.output).toBe('CREATE TABLE kept_temp_a (a int);\nDROP TABLE other;\nSELECT * FROM temp_a;\n-- sqlwarden-ignore-next-line rename-temp\nCREATE TABLE temp_c (a int);\nSELECT * FROM temp_c;\n');
  });

  it('lintText checks the fix against the rest of the text', async () => {
    const linter = new Linter({ cwd: root, rules: [renameTemp] });
    const result = await linter.lintText('CREATE TABLE temp_a (a int);\nSELECT * FROM temp_a;\n', { filePath: path.join(root, 'migrations/1.sql'), fix: true });
    expect(result.output).toBeUndefined();
    expect(result.messages[0]!.detail).toMatch(/Not fixed automatically: migrations\/1\.sql line 2 uses temp_a/);
  });
});
