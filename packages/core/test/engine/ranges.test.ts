/**
 * Source ranges of model nodes, asserted as the exact source text they cover. libpg-query gives
 * a node only its start location; these cases are the tokens the parser records nothing for.
 * Every case runs three times: as written, after a line of emoji/CJK/accented text, and with
 * such text inside the statement before the node (a comment after the first keyword), so byte
 * offsets and UTF-16 offsets differ before every node.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { AlterTable, CreateIndex, CreateTable, Insert, Node, Range, Statement } from '../../src/model/nodes.ts';
import { walk } from '../../src/model/walk.ts';
import { lint, ready } from './helpers.ts';

beforeAll(() => ready);

const LEAD = '-- 注释 😀 é\n/* 🎉 */ ';
const INLINE = ' /* 😀 中文 é */ ';

/** The statement as written, after multi-byte text, and with multi-byte text inside it. */
function variants(sql: string): Array<[string, string]> {
  return [
    ['as written', sql],
    ['after multi-byte text', LEAD + sql],
    ['with multi-byte text inside', sql.replace(/^(\S+)\s+/, `$1${INLINE}`)],
  ];
}

function parse(text: string): Statement[] {
  const { messages, statements } = lint(text);
  expect(messages.filter((m) => m.ruleId === 'syntax-error')).toEqual([]);
  return statements.flatMap((s) => (s.node ? [s.node] : []));
}

function slice(text: string, range: Range): string {
  return text.slice(range.start, range.end);
}

/** Source text of every node of a type below the top-level statements, in walk order. */
function textsOf(text: string, type: Node['type']): string[] {
  const out: string[] = [];
  for (const stmt of parse(text)) {
    walk(stmt, {
      enter(node, ancestors) {
        if (node.type === type && ancestors.length > 0) out.push(slice(text, node.range));
      },
    });
  }
  return out;
}

interface Case {
  name: string;
  sql: string;
  expect: Partial<Record<Node['type'], string[]>>;
}

function run(cases: Case[]): void {
  for (const c of cases) {
    describe(c.name, () => {
      for (const [variant, text] of variants(c.sql)) {
        it(variant, () => {
          for (const [type, expected] of Object.entries(c.expect)) {
            expect(textsOf(text, type as Node['type']), type).toEqual(expected);
          }
        });
      }
    });
  }
}

describe('qualified names', () => {
  run([
    { name: 'qualified column reference', sql: 'select t.a from t', expect: { ColumnRef: ['t.a'], SelectItem: ['t.a'] } },
    { name: 'qualified star', sql: 'select t.*, s.t.* from s.t', expect: { Star: ['t.*', 's.t.*'] } },
    { name: 'schema-qualified column', sql: 'select s.t.c from s.t where s.t.c = 1', expect: { ColumnRef: ['s.t.c', 's.t.c'], Comparison: ['s.t.c = 1'] } },
    { name: 'quoted parts and spaces around the dot', sql: 'select "T" . "Col" from "T"', expect: { ColumnRef: ['"T" . "Col"'] } },
    { name: 'a comment between the parts', sql: 'select t./* c */a from t', expect: { ColumnRef: ['t./* c */a'] } },
    { name: 'qualified column ending an expression', sql: 'select 1 from t where x = t.b and t.c', expect: { Comparison: ['x = t.b'], LogicalExpr: ['x = t.b and t.c'] } },
    { name: 'schema-qualified table', sql: 'select 1 from public.users', expect: { TableRef: ['public.users'] } },
    { name: 'table with alias', sql: 'select 1 from public.users as u join s.t v on u.id = v.id', expect: { TableRef: ['public.users as u', 's.t v'], Join: ['public.users as u join s.t v on u.id = v.id'] } },
  ]);

  it('names of CREATE TABLE, CREATE INDEX and UPDATE targets', () => {
    for (const [, text] of variants('create table public.users (id int)')) {
      const [stmt] = parse(text) as [CreateTable];
      expect(slice(text, stmt.table.range)).toBe('public.users');
    }
    for (const [, text] of variants('create index on public.users (lower(email))')) {
      const [stmt] = parse(text) as [CreateIndex];
      expect(slice(text, stmt.table.range)).toBe('public.users');
    }
    for (const [, text] of variants('update app.accounts set a = 1')) {
      expect(textsOf(text, 'TableRef')).toEqual(['app.accounts']);
    }
  });
});

describe('function calls', () => {
  run([
    { name: 'zero-argument call', sql: 'select now() from t', expect: { FuncCall: ['now()'], SelectItem: ['now()'] } },
    { name: 'count(*)', sql: 'select count(*), count( * ) from t', expect: { FuncCall: ['count(*)', 'count( * )'] } },
    { name: 'schema-qualified call', sql: 'select public.gen_id() from t', expect: { FuncCall: ['public.gen_id()'] } },
    { name: 'call ending a comparison', sql: 'select 1 from t where created_at > now()', expect: { Comparison: ['created_at > now()'] } },
    { name: 'FILTER and OVER', sql: 'select count(*) filter (where a) over w, row_number() over (order by b desc) from t window w as ()', expect: { FuncCall: ['count(*) filter (where a) over w', 'row_number() over (order by b desc)'] } },
    { name: 'ROW() and ARRAY[]', sql: 'select 1 from t where row() is null and a = array[]::int[]', expect: { NullTest: ['row() is null'], Comparison: ['a = array[]::int[]'] } },
  ]);
});

describe('types', () => {
  run([
    {
      name: 'multi-word type in a cast',
      sql: 'select 1 from t where x::timestamp with time zone > $1',
      expect: { TypeRef: ['timestamp with time zone'], Cast: ['x::timestamp with time zone'], Comparison: ['x::timestamp with time zone > $1'] },
    },
    {
      name: 'type at the end of a comparison',
      sql: 'select 1 from t where $1 = x::double precision',
      expect: { TypeRef: ['double precision'], Comparison: ['$1 = x::double precision'] },
    },
    {
      name: 'modifiers and array brackets',
      sql: 'select a::character varying(10), b::int[], c::varchar(3)[], d::timestamp(3) without time zone, e::int array[2], f::interval day to second(3), g::public.mood[] from t',
      expect: { TypeRef: ['character varying(10)', 'int[]', 'varchar(3)[]', 'timestamp(3) without time zone', 'int array[2]', 'interval day to second(3)', 'public.mood[]'] },
    },
    {
      name: 'CAST(... AS type)',
      sql: 'select cast(x as double precision) from t',
      expect: { Cast: ['cast(x as double precision)'], TypeRef: ['double precision'] },
    },
    {
      name: 'column types',
      sql: 'create table t (a timestamp with time zone not null, b double precision, c varchar(3)[], d bit varying(8))',
      expect: { TypeRef: ['timestamp with time zone', 'double precision', 'varchar(3)[]', 'bit varying(8)'] },
    },
  ]);
});

describe('expression tails', () => {
  run([
    { name: 'COLLATE', sql: 'select 1 from t where a collate "C" = $1 and b = c collate pg_catalog."default"', expect: { OtherExpr: ['a collate "C"', 'c collate pg_catalog."default"'], Comparison: ['a collate "C" = $1', 'b = c collate pg_catalog."default"'] } },
    { name: 'field of a composite', sql: 'select 1 from t where (rec).field = 5 and (t.rec).a.b[1] = 2', expect: { OtherExpr: ['(rec).field', '(t.rec).a.b[1]'], Comparison: ['(rec).field = 5', '(t.rec).a.b[1] = 2'] } },
    { name: 'subscripts and (x).*', sql: 'select arr[1:2], (f(x)).*, $1[2] from t', expect: { OtherExpr: ['arr[1:2]', '(f(x)).*', '$1[2]'] } },
    { name: 'IS NULL inside OR', sql: 'select 1 from t where a is null or b.c is not null', expect: { NullTest: ['a is null', 'b.c is not null'], LogicalExpr: ['a is null or b.c is not null'] } },
    { name: 'IS NOT NULL ending a WHERE', sql: 'delete from t where deleted_at is not null', expect: { NullTest: ['deleted_at is not null'] } },
    { name: 'IS [NOT] TRUE / FALSE / UNKNOWN', sql: 'select 1 from t where a is true and b is not false and c is unknown', expect: { BooleanTest: ['a is true', 'b is not false', 'c is unknown'] } },
    { name: 'BETWEEN', sql: 'select 1 from t where x between a and t.b or y not between symmetric 1 and now()', expect: { Between: ['x between a and t.b', 'y not between symmetric 1 and now()'] } },
    { name: 'IS DISTINCT FROM', sql: 'select 1 from t where a is distinct from b.c and d is not distinct from e', expect: { Comparison: ['a is distinct from b.c', 'd is not distinct from e'] } },
    { name: 'CASE ... END', sql: 'select 1 from t where case when a then b.c else d.e end = 1', expect: { OtherExpr: ['case when a then b.c else d.e end'] } },
    { name: 'ORDER BY items and select-list aliases', sql: 'select a as x, b y from t order by a desc nulls last, t.b', expect: { SelectItem: ['a as x', 'b y'], OrderItem: ['a desc nulls last', 't.b'] } },
  ]);
});

describe('nested statements', () => {
  run([
    {
      name: 'CTE query',
      sql: 'with recent as materialized (select distinct on (a) a from t order by a desc limit 5) select * from recent',
      expect: { Cte: ['recent as materialized (select distinct on (a) a from t order by a desc limit 5)'], Select: ['select distinct on (a) a from t order by a desc limit 5'] },
    },
    {
      name: 'data-modifying CTE and VALUES',
      sql: 'with d as (delete from t where a returning *), v (x) as (values (1), (2)) select * from d, v',
      expect: { Delete: ['delete from t where a returning *'], Select: ['values (1), (2)'] },
    },
    {
      name: 'EXISTS and IN subqueries',
      sql: 'select 1 from t where exists (select from u where u.a = t.a) and x in (select u.b from u for update of u skip locked)',
      expect: { SubqueryExpr: ['exists (select from u where u.a = t.a)', 'x in (select u.b from u for update of u skip locked)'], Select: ['select from u where u.a = t.a', 'select u.b from u for update of u skip locked'] },
    },
    {
      name: 'CREATE VIEW ... AS',
      sql: 'create view v as select a, b.c from b order by b.c desc with local check option',
      expect: { Select: ['select a, b.c from b order by b.c desc'] },
    },
    {
      name: 'INSERT ... SELECT',
      sql: 'insert into t (a) select u.a from u union all select 2 on conflict do nothing returning t.*',
      expect: { Select: ['select u.a from u union all select 2', 'select u.a from u', 'select 2'], Star: ['t.*'] },
    },
    {
      name: 'derived tables and set operations in parentheses',
      sql: 'select * from (select 1 union (select 2)) as s (x), lateral unnest(s.x) with ordinality as f (y)',
      expect: { DerivedTable: ['(select 1 union (select 2)) as s (x)'], FunctionSource: ['lateral unnest(s.x) with ordinality as f (y)'], Select: ['select 1 union (select 2)', 'select 1', 'select 2'] },
    },
  ]);

  it('the INSERT source stops before ON CONFLICT', () => {
    for (const [, text] of variants('insert into t values (1), (:v) on conflict (a) do update set a = excluded.a')) {
      const [stmt] = parse(text) as [Insert];
      expect(slice(text, stmt.source!.range)).toBe('values (1), (:v)');
    }
  });
});

describe('named parameters', () => {
  run([
    { name: ':name', sql: 'select 1 from t where account_id = :account and x > :x', expect: { Param: [':account', ':x'], Comparison: ['account_id = :account', 'x > :x'] } },
    { name: 'a multi-byte name', sql: 'select 1 from t where a = :名前 or b = :ü', expect: { Param: [':名前', ':ü'], LogicalExpr: ['a = :名前 or b = :ü'] } },
    { name: 'cast of a named parameter', sql: 'select 1 from t where id = :id::uuid', expect: { Param: [':id'], Cast: [':id::uuid'] } },
  ]);
});

describe('ALTER TABLE subcommands', () => {
  function actions(text: string): string[] {
    const [stmt] = parse(text) as [AlterTable];
    return stmt.actions.map((a) => slice(text, a.range));
  }

  const sql =
    'alter table public.users add column created timestamptz not null default now() references t(id) on delete cascade, alter column y set not null, validate constraint c, ' +
    'add constraint k foreign key (a) references b (c) not valid, alter column z type int using z::int, drop column if exists q cascade';

  for (const [variant, text] of variants(sql)) {
    it(`each subcommand has its own range (${variant})`, () => {
      expect(actions(text)).toEqual([
        'add column created timestamptz not null default now() references t(id) on delete cascade',
        'alter column y set not null',
        'validate constraint c',
        'add constraint k foreign key (a) references b (c) not valid',
        'alter column z type int using z::int',
        'drop column if exists q cascade',
      ]);
      const [stmt] = parse(text) as [AlterTable];
      const def = stmt.actions[0]!.columnDef!;
      expect(slice(text, def.range)).toBe('created timestamptz not null default now() references t(id) on delete cascade');
      expect(def.constraints.map((c) => slice(text, c.range))).toEqual(['not null', 'default now()', 'references t(id) on delete cascade']);
      expect(slice(text, stmt.actions[3]!.constraint!.range)).toBe('constraint k foreign key (a) references b (c) not valid');
    });
  }

  it('a single subcommand, comments between subcommands, ONLY and *', () => {
    expect(actions('alter table only users alter column email set not null')).toEqual(['alter column email set not null']);
    expect(actions('alter table users * alter column email drop not null')).toEqual(['alter column email drop not null']);
    expect(actions('alter table t add column a int, -- 😀 comment\n  /* 🎉 */ add column b text default \'x\' /* c */')).toEqual(['add column a int', "add column b text default 'x'"]);
    expect(actions('ALTER TABLE IF EXISTS s."T" SET LOGGED, SET (fillfactor = 70, autovacuum_enabled = off)')).toEqual(['SET LOGGED', 'SET (fillfactor = 70, autovacuum_enabled = off)']);
  });

  it('RENAME and SET SCHEMA', () => {
    expect(actions('alter table s.t rename column a to b')).toEqual(['rename column a to b']);
    expect(actions('alter table 😀 rename to t2')).toEqual(['rename to t2']);
    expect(actions('alter table s.t set schema archive')).toEqual(['set schema archive']);
  });

  it('column definitions and constraints of CREATE TABLE', () => {
    const text = `${LEAD}create table t (a int constraint nn not null deferrable initially deferred collate "C", b text default 'x' check (b <> '') unique, primary key (a))`;
    const [stmt] = parse(text) as [CreateTable];
    expect(stmt.columns.map((c) => slice(text, c.range))).toEqual([
      'a int constraint nn not null deferrable initially deferred collate "C"',
      "b text default 'x' check (b <> '') unique",
    ]);
    // DEFERRABLE / INITIALLY DEFERRED belong to the constraint before them, not constraints of their own.
    expect(stmt.columns[0]!.constraints.map((c) => [c.kind, slice(text, c.range)])).toEqual([['not_null', 'constraint nn not null deferrable initially deferred']]);
    expect(stmt.columns[1]!.constraints.map((c) => slice(text, c.range))).toEqual(["default 'x'", "check (b <> '')", 'unique']);
    expect(stmt.constraints.map((c) => slice(text, c.range))).toEqual(['primary key (a)']);
  });

  it('index elements', () => {
    const text = `${LEAD}create index concurrently i on only public.t using gin ((lower(a)) desc nulls last, b text_pattern_ops, c collate "C") include (d) where e is not null`;
    const [stmt] = parse(text) as [CreateIndex];
    expect(stmt.elements.map((e) => slice(text, e.range))).toEqual(['(lower(a)) desc nulls last', 'b text_pattern_ops', 'c collate "C"']);
  });
});
