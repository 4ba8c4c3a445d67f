// Issue 13: a history's results must not keep every file's parse (memory bounded by the catalog
// and the largest file, not by the number of files linted).
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { Linter } from '../../src/engine/linter.ts';
import { defineRule } from '../../src/rule.ts';

const noDelete = defineRule({
  meta: { id: 'no-delete', description: 'flags DELETE', defaultSeverity: 'error', category: 'correctness', fixable: 'code' },
  create: (context) => ({
    Delete: (node) => context.report({ node, message: 'DELETE', fix: (fixer) => fixer.replaceText(node, 'SELECT 1') }),
  }),
});

/** Migrations that only query and change rows: nothing in them becomes part of the schema. */
function history(count: number): Array<{ path: string; text: string }> {
  return Array.from({ length: count }, (_, i) => ({
    path: `/project/db/migrations/${String(i + 1).padStart(4, '0')}_step.sql`,
    text: `SELECT a, b FROM t${i} WHERE a = ${i};\nUPDATE t${i} SET b = b + 1 WHERE a IN (SELECT a FROM u WHERE c > ${i});\n`,
  }));
}

/** V8's gc(), which vitest does not expose. */
function collectGarbage(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

describe('what lintFiles results keep', () => {
  it('statement ranges, and the parse trees only with keepStatements', async () => {
    const files = [
      { path: '/project/db/migrations/0001_a.sql', text: 'CREATE TABLE t (a int);\nSELECT a FROM t;\n' },
      { path: '/project/db/migrations/0002_b.sql', text: '\n  UPDATE t SET a = 1 WHERE a = 2;' },
    ];
    const lean = await new Linter({ cwd: '/project' }).lintFiles(files);
    const full = await new Linter({ cwd: '/project' }).lintFiles(files, { keepStatements: true });
    expect(lean.map((result) => result.statements)).toEqual([undefined, undefined]);
    expect(lean.map((result) => result.statementRanges)).toEqual([
      [
        { start: 0, end: 22 },
        { start: 24, end: 39 },
      ],
      [{ start: 3, end: 33 }],
    ]);
    expect(full.map((result) => result.statements?.map((statement) => statement.node?.type))).toEqual([['CreateTable', 'Select'], ['Update']]);
    expect(full.map((result) => result.statementRanges)).toEqual(lean.map((result) => result.statementRanges));
    expect(full.map((result) => result.statements?.map((statement) => statement.range))).toEqual(lean.map((result) => result.statementRanges));
    // lintText (one text, the editor's and --stdin's) still gives its statements.
    expect((await new Linter({ cwd: '/project' }).lintText('SELECT 1;')).statements).toHaveLength(1);
  });

  it('with fix: no trees unless asked, and ranges only for texts the fixes left as they were', async () => {
    const files = [
      { path: '/project/db/migrations/0001_a.sql', text: 'DELETE FROM t;\n' },
      { path: '/project/db/migrations/0002_b.sql', text: 'SELECT 1;\n' },
    ];
    const lean = await new Linter({ cwd: '/project', rules: [noDelete] }).lintFiles(files, { fix: true });
    expect(lean.map((result) => result.output)).toEqual(['SELECT 1;\n', undefined]);
    expect(lean.map((result) => result.statements)).toEqual([undefined, undefined]);
    expect(lean.map((result) => result.statementRanges)).toEqual([undefined, [{ start: 0, end: 8 }]]);
    const full = await new Linter({ cwd: '/project', rules: [noDelete] }).lintFiles(files, { fix: true, keepStatements: true });
    expect(full.map((result) => result.statements?.length)).toEqual([undefined, 1]);
  });

  it("lets each file's parse trees be collected once the file is linted", async () => {
    const gc = collectGarbage();
    const trees: Array<WeakRef<object>> = [];
    const results = await new Linter({ cwd: '/project' }).lintFiles(history(50), {
      onStatement: (_file, statement) => {
        if (statement.node) trees.push(new WeakRef(statement.node));
      },
    });
    // A WeakRef keeps its target until the job that made it ends.
    await new Promise((resolve) => setTimeout(resolve, 0));
    gc();
    expect(results).toHaveLength(50);
    expect(trees).toHaveLength(100);
    expect(trees.filter((tree) => tree.deref() !== undefined)).toHaveLength(0);
  });
});
