import { beforeAll, describe, expect, it } from 'vitest';
import { defineRule } from '../../src/rule.ts';
import type { Comparison, Literal, Statement } from '../../src/model/nodes.ts';
import { lint, ready } from './helpers.ts';

beforeAll(() => ready);

function nodes(text: string): Statement[] {
  return lint(text).statements.flatMap((s) => (s.node ? [s.node] : []));
}

/** A rule that reports every node of one type, so tests can see ranges through the public path. */
function reporter(type: string) {
  return defineRule({
    meta: { id: 'probe', description: 'reports nodes', defaultSeverity: 'warn', category: 'style' },
    create(context) {
      return { [type]: (node: { range: { start: number; end: number } }) => context.report({ node, message: context.getText(node) }) };
    },
  });
}

describe('positions', () => {
  it('maps byte offsets to UTF-16 with emoji, CJK and accents before the node', () => {
    const text = "-- 注释 😀 é\nSELECT '😀中文é' AS s, id FROM t WHERE name = 'ü' AND id = 1;\n";
    const { messages } = lint(text, { rules: [reporter('ColumnRef')] });
    expect(messages.map((m) => m.message)).toEqual(['id', 'name', 'id']);
    const first = messages[0]!;
    expect(text.slice(first.range.start, first.range.end)).toBe('id');
    expect(first.line).toBe(2);
    // Columns count UTF-16 units: "SELECT '😀中文é' AS s, " is 21 units long.
    expect(first.column).toBe(22);
    expect(first.endColumn).toBe(24);
  });

  it('ranges of function calls, casts and comparisons cover their text exactly', () => {
    const text = "select 1 from t where lower( email ) = $1 and created_at::date = '2024-01-01' and x is not null";
    const calls = lint(text, { rules: [reporter('FuncCall')] }).messages.map((m) => m.message);
    expect(calls).toEqual(['lower( email )']);
    const casts = lint(text, { rules: [reporter('Cast')] }).messages.map((m) => m.message);
    expect(casts).toEqual(['created_at::date']);
    const comparisons = lint(text, { rules: [reporter('Comparison')] }).messages.map((m) => m.message);
    expect(comparisons).toEqual(['lower( email ) = $1', "created_at::date = '2024-01-01'"]);
    const nulls = lint(text, { rules: [reporter('NullTest')] }).messages.map((m) => m.message);
    expect(nulls).toEqual(['x is not null']);
  });

  it('parenthesised operands widen to their parentheses', () => {
    const text = 'select (a + b) * 2 from t';
    const bins = lint(text, { rules: [reporter('BinaryExpr')] }).messages.map((m) => m.message);
    expect(bins).toEqual(['(a + b) * 2', 'a + b']);
  });

  it('statement ranges exclude leading comments and the semicolon', () => {
    const text = '-- lead\n/* block */ SELECT 1 ;  -- trailing\n\nselect 2';
    const { statements } = lint(text);
    expect(statements.map((s) => s.text)).toEqual(['SELECT 1', 'select 2']);
  });
});

describe('error recovery', () => {
  it('reports a syntax error at the error token and lints the other statements', () => {
    const text = "select 1;\nselec 2;\nselect * from t;\n";
    const { messages, statements } = lint(text, { rules: [reporter('Star')] });
    const syntax = messages.filter((m) => m.ruleId === 'syntax-error');
    expect(syntax).toHaveLength(1);
    expect(syntax[0]!.message).toBe('Syntax error at or near "selec"');
    expect([syntax[0]!.line, syntax[0]!.column, syntax[0]!.endColumn]).toEqual([2, 1, 6]);
    expect(statements).toHaveLength(3);
    expect(messages.filter((m) => m.ruleId === 'probe')).toHaveLength(1);
  });

  it('positions syntax errors after multi-byte characters', () => {
    const text = "select '😀😀' frm t;";
    const [error] = lint(text).messages;
    expect(error!.ruleId).toBe('syntax-error');
    expect(text.slice(error!.range.start, error!.range.end)).toBe('t');
  });

  it('reports an unterminated string without swallowing earlier statements', () => {
    const { messages, statements } = lint("select 1;\nselect 'abc");
    expect(statements[0]!.node?.type).toBe('Select');
    expect(messages.map((m) => m.ruleId)).toEqual(['syntax-error']);
    expect(messages[0]!.line).toBe(2);
  });

  it('a throwing rule becomes internal-error while other rules still report', () => {
    const broken = defineRule({
      meta: { id: 'broken', description: 'throws', defaultSeverity: 'error', category: 'style' },
      create: () => ({ Select: () => { throw new Error('boom'); } }),
    });
    const { messages } = lint('select 1; select * from t;', { rules: [broken, reporter('Star')] });
    expect(messages.map((m) => m.ruleId).sort()).toEqual(['internal-error', 'probe']);
    const internal = messages.find((m) => m.ruleId === 'internal-error')!;
    expect(internal.message).toContain('"broken"');
    expect(internal.message).toContain('boom');
  });
});

describe('non-SQL text', () => {
  it('psql meta-commands, COPY data, goose annotations and templates give no syntax errors', () => {
    const text = [
      '\\set ON_ERROR_STOP on',
      '\\connect mydb',
      '-- +goose Up',
      '-- +goose StatementBegin',
      'CREATE TABLE {{ .Schema }}.items (id int);',
      '-- +goose StatementEnd',
      "COPY items (id) FROM stdin;",
      '1',
      '2',
      '\\.',
      'SELECT :limit_value, :\'name\', 1 FROM items WHERE id = :id;',
      '-- +goose Down',
      'DROP TABLE items;',
    ].join('\n');
    const { messages, statements } = lint(text);
    expect(messages).toEqual([]);
    const select = statements.find((s) => s.node?.type === 'Select')!;
    expect(select.text.startsWith('SELECT :limit_value')).toBe(true);
    const where = (select.node as { where?: Comparison }).where!;
    expect(where.right).toMatchObject({ type: 'Param', style: 'named', name: 'id' });
    expect(statements.at(-1)!.section).toBe('down');
  });
});

describe('model', () => {
  it('converts literals with their types', () => {
    const [stmt] = nodes("select 1, 1.5, 'x', true, null, 99999999999999999999");
    const kinds = (stmt as { columns: Array<{ expr: Literal }> }).columns.map((c) => c.expr.kind);
    expect(kinds).toEqual(['integer', 'numeric', 'string', 'boolean', 'null', 'integer']);
  });

  it('converts alter table actions', () => {
    const [stmt] = nodes('alter table s.t add column c int not null default 0, alter column d set not null, drop column e cascade');
    expect(stmt!.type).toBe('AlterTable');
    const alter = stmt as Extract<Statement, { type: 'AlterTable' }>;
    expect(alter.table).toMatchObject({ schema: 's', name: 't' });
    expect(alter.actions.map((a) => a.action)).toEqual(['add_column', 'set_not_null', 'drop_column']);
    expect(alter.actions[0]!.columnDef).toMatchObject({ name: 'c', notNull: true, dataType: { name: 'int4' } });
    expect(alter.actions[2]!.cascade).toBe(true);
  });

  it('normalises renames to alter table actions and keeps other statements raw', () => {
    const [rename, fn] = nodes("alter table t rename column a to b; create function f() returns int language sql as $$ select 1; $$");
    expect(rename).toMatchObject({ type: 'AlterTable', actions: [{ action: 'rename_column', column: 'a', newName: 'b' }] });
    expect(fn).toMatchObject({ type: 'OtherStatement', kind: 'CreateFunctionStmt' });
    expect((fn as { raw: unknown }).raw).toBeTruthy();
  });
});

describe('psql variables', () => {
  it('a variable standing for an identifier parses', () => {
    const { messages, statements } = lint('REINDEX SCHEMA CONCURRENTLY :temp_schema_name;');
    expect(messages).toEqual([]);
    expect(statements[0]!.node?.type).toBe('Reindex');
  });

  it('a statement held entirely in a psql variable is skipped, not reported', () => {
    const { messages, statements } = lint("\\set show 'select 1'\n:show;\nselect 2;");
    expect(messages).toEqual([]);
    expect(statements.map((s) => s.node?.type ?? 'skipped')).toEqual(['skipped', 'Select']);
  });

  it('array slices are not psql variables', () => {
    const { messages } = lint('select arr[lo:hi], arr[1:2] from t;');
    expect(messages).toEqual([]);
  });
});

describe('large input', () => {
  it('handles a 1,000-term expression and a 20,000-element IN list', () => {
    const sum = Array.from({ length: 1000 }, (_, i) => `c${i}`).join(' + ');
    const list = Array.from({ length: 20000 }, (_, i) => String(i)).join(', ');
    const { messages, statements } = lint(`select ${sum} from t; select 1 from t where id in (${list});`, { rules: [reporter('InList')] });
    expect(statements.map((s) => s.node?.type)).toEqual(['Select', 'Select']);
    expect(messages.map((m) => m.ruleId)).toEqual(['probe']);
  });

  it('keeps a statement nested too deep to analyse, without crashing', () => {
    const sum = Array.from({ length: 30000 }, (_, i) => `c${i}`).join(' + ');
    const { messages, statements } = lint(`select ${sum} from t; select * from t;`, { rules: [reporter('Star')] });
    expect(statements.map((s) => s.node?.type)).toEqual([undefined, 'Select']);
    expect(messages.map((m) => m.ruleId)).toEqual(['syntax-error', 'probe']);
    expect(messages[0]!.message).toMatch(/nested too deeply/);
  });
});
