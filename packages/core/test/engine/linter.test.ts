import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/index.ts';
import { Linter } from '../../src/engine/linter.ts';
import { defineRule } from '../../src/rule.ts';

const noDelete = defineRule({
  meta: { id: 'no-delete', description: 'flags DELETE', defaultSeverity: 'error', category: 'correctness', fixable: 'code' },
  create: (context) => ({
    Delete: (node) =>
      context.report({
        node,
        message: 'DELETE from {{table}}',
        data: { table: node.table.name },
        fix: (fixer) => fixer.replaceText(node, `SELECT 1 /* was delete from ${node.table.name} */`),
      }),
  }),
});

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'sqlwarden-linter-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

describe('Linter', () => {
  it('uses the nearest config, its severities and migration globs', async () => {
    const dir = project({
      'sqlwarden.config.json': JSON.stringify({ rules: { 'no-delete': 'warn' }, migrations: { include: ['db/**/*.sql'] } }),
      'sub/package.json': JSON.stringify({ name: 'x', sqlwarden: { rules: { 'no-delete': 'off' } } }),
    });
    const linter = new Linter({ cwd: dir, rules: [noDelete] });
    const [a, b] = await linter.lintFiles([
      { path: path.join(dir, 'db/1.sql'), text: 'delete from t where id = 1;' },
      { path: path.join(dir, 'sub/q.sql'), text: 'delete from t where id = 1;' },
    ]);
    expect(a!.messages.map((m) => [m.ruleId, m.severity, m.message])).toEqual([['no-delete', 1, 'DELETE from t']]);
    expect(a!.warningCount).toBe(1);
    expect(a!.fixableWarningCount).toBe(1);
    expect(b!.messages).toEqual([]);
    expect(await linter.getConfigForFile(path.join(dir, 'db/1.sql'))).toMatchObject({ isMigration: true, rules: { 'no-delete': 'warn' } });
    expect(await linter.getConfigForFile(path.join(dir, 'sub/q.sql'))).toMatchObject({ isMigration: false, rules: { 'no-delete': 'off' } });
  });

  it('loads plugin rules named by the config and runs them next to built-ins', async () => {
    const dir = project({
      'sqlwarden.config.json': JSON.stringify({ plugins: ['./rules.mjs'], rules: { 'acme/no-drop': 'error' } }),
      'rules.mjs': `export default { rules: [{ meta: { id: 'acme/no-drop', description: 'x', defaultSeverity: 'warn', category: 'style' }, create(context) { return { Drop(node) { context.report({ node, message: 'drop ' + node.names[0].name }); } }; } }] };`,
    });
    const linter = new Linter({ cwd: dir, rules: [noDelete] });
    const result = await linter.lintText('drop table t; delete from t;', { filePath: path.join(dir, 'x.sql') });
    expect(result.messages.map((m) => `${m.ruleId}:${m.severity}:${m.message}`)).toEqual(['acme/no-drop:2:drop t', 'no-delete:2:DELETE from t']);
  });

  it('fixes in passes until nothing changes and reports what is left', async () => {
    const dir = project({});
    const linter = new Linter({ cwd: dir, rules: [noDelete] });
    const result = await linter.lintText('delete from a; select 1;\ndelete from b;', { filePath: path.join(dir, 'q.sql'), fix: true });
    expect(result.output).toBe('SELECT 1 /* was delete from a */; select 1;\nSELECT 1 /* was delete from b */;');
    expect(result.messages).toEqual([]);
  });

  it('lists the fixes it applied, with their titles, over every pass and for a history', async () => {
    const dir = project({});
    const titled = defineRule({
      meta: { id: 'titled-delete', description: 'flags DELETE', defaultSeverity: 'error', category: 'correctness', fixable: 'code' },
      create: (context) => ({
        Delete: (node) =>
          context.report({ node, message: 'DELETE from {{table}}', data: { table: node.table.name }, fix: (fixer) => fixer.replaceText(node, 'SELECT 2'), fixDesc: 'Replace the DELETE from {{table}}' }),
      }),
    });
    const linter = new Linter({ cwd: dir, rules: [titled, noDelete], overrides: { rules: { 'no-delete': 'off' } } });
    const result = await linter.lintText('delete from a;\ndelete from b;', { filePath: path.join(dir, 'q.sql'), fix: true });
    expect(result.appliedFixes).toEqual([
      { ruleId: 'titled-delete', desc: 'Replace the DELETE from a' },
      { ruleId: 'titled-delete', desc: 'Replace the DELETE from b' },
    ]);
    // A rule that gives no title: the rule id only.
    const untitled = new Linter({ cwd: dir, rules: [noDelete] });
    const [first, second] = await untitled.lintFiles(
      [
        { path: path.join(dir, '1.sql'), text: 'delete from a;' },
        { path: path.join(dir, '2.sql'), text: 'select 1;' },
      ],
      { fix: true },
    );
    expect(first!.appliedFixes).toEqual([{ ruleId: 'no-delete' }]);
    expect(second).not.toHaveProperty('appliedFixes');
    // Without fixing there is nothing applied.
    expect(await untitled.lintText('delete from a;', { filePath: path.join(dir, 'q.sql') })).not.toHaveProperty('appliedFixes');
  });

  it('invalid config is a ConfigError naming the key', async () => {
    const dir = project({ 'sqlwarden.config.json': JSON.stringify({ rules: { 'no-delete': 'errror' } }) });
    const linter = new Linter({ cwd: dir, rules: [noDelete] });
    await expect(linter.lintText('select 1', { filePath: path.join(dir, 'q.sql') })).rejects.toThrow(ConfigError);
    await expect(linter.lintText('select 1', { filePath: path.join(dir, 'q.sql') })).rejects.toThrow(/"rules.no-delete" severity must be one of/);
  });

  it('with fix, leaves the files fixFile excludes as written: they keep their fixes, and later files see the schema they build', async () => {
    const dir = project({});
    const addColumn = defineRule({
      meta: { id: 'add-column', description: 'x', defaultSeverity: 'warn', category: 'style', fixable: 'code' },
      create: (context) => ({
        CreateTable: (node) => {
          if (node.columns.length === 1) context.report({ node, message: 'one column', fix: (fixer) => fixer.replaceText(node, 'create table t (a int, b int)') });
        },
      }),
    });
    const columnsSeen = new Map<string, number>();
    const probe = defineRule({
      meta: { id: 'probe', description: 'x', defaultSeverity: 'warn', category: 'style' },
      create: (context) => ({ Select: () => void columnsSeen.set(context.file.path, context.catalog.getTable({ name: 't' })?.columns.length ?? 0) }),
    });
    const files = [
      { path: path.join(dir, 'm/001.sql'), text: 'create table t (a int);' },
      { path: path.join(dir, 'm/002.sql'), text: 'select 1;' },
    ];
    const kept = await new Linter({ cwd: dir, rules: [addColumn, probe] }).lintFiles(files, { fix: true, fixFile: (file) => !file.endsWith('001.sql') });
    expect(kept[0]).not.toHaveProperty('output');
    expect(kept[0]).toMatchObject({ warningCount: 1, fixableWarningCount: 1, messages: [{ ruleId: 'add-column', fix: { text: 'create table t (a int, b int)' } }] });
    expect(columnsSeen.get(files[1]!.path)).toBe(1);

    const fixed = await new Linter({ cwd: dir, rules: [addColumn, probe] }).lintFiles(files, { fix: true });
    expect(fixed[0]!.output).toBe('create table t (a int, b int);');
    expect(columnsSeen.get(files[1]!.path)).toBe(2);
  });

  it('later files see tables created by earlier ones, whatever order they are given in', async () => {
    const dir = project({});
    const seen: string[] = [];
    const probe = defineRule({
      meta: { id: 'probe', description: 'x', defaultSeverity: 'warn', category: 'style' },
      create: (context) => ({ Select: () => void seen.push(context.file.path + ':' + String(context.catalog.getTable({ name: 't' })?.columns.length ?? 0)) }),
    });
    const linter = new Linter({ cwd: dir, rules: [probe] });
    await linter.lintFiles([
      { path: path.join(dir, 'm/002.sql'), text: 'select 1;' },
      { path: path.join(dir, 'm/001.sql'), text: 'select 1; create table t (a int, b int);' },
    ]);
    expect(seen).toEqual([path.join(dir, 'm/001.sql') + ':0', path.join(dir, 'm/002.sql') + ':2']);
  });

  it('suppression comments silence findings and unused ones are reported', async () => {
    const dir = project({});
    const linter = new Linter({ cwd: dir, rules: [noDelete] });
    const result = await linter.lintText('-- sqlwarden-ignore-next-line no-delete: cleanup job\ndelete from a;\n-- sqlwarden-ignore-next-line no-delete\nselect 1;\n/* sqlwarden-ignore-next-line no-delet */\nselect 2;', { filePath: path.join(dir, 'q.sql') });
    expect(result.messages.map((m) => `${m.line}:${m.ruleId}`)).toEqual(['3:unused-suppression', '5:unused-suppression']);
    expect(result.messages[1]!.message).toContain('did you mean "no-delete"');
  });
});
