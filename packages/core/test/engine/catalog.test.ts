import { beforeAll, describe, expect, it } from 'vitest';
import { Catalog } from '../../src/catalog/catalog.ts';
import { defineRule } from '../../src/rule.ts';
import { lint, ready } from './helpers.ts';

beforeAll(() => ready);

function replay(...files: string[]): Catalog {
  const catalog = new Catalog();
  files.forEach((text, i) => lint(text, { catalog, filePath: `migrations/00${i}.sql` }));
  return catalog;
}

describe('catalog replay', () => {
  it('knows column types, defaults and constraints from CREATE TABLE', () => {
    const catalog = replay('create table app.users (id bigserial primary key, email varchar(255) not null, code char(3), born date default now(), check (email <> \'\'));');
    const users = catalog.getTable({ schema: 'app', name: 'users' })!;
    expect(users.columns.map((c) => [c.name, c.type.name, c.notNull, c.hasDefault])).toEqual([
      ['id', 'int8', true, true],
      ['email', 'varchar', true, false],
      ['code', 'bpchar', false, false],
      ['born', 'date', false, true],
    ]);
    expect(users.columns.at(1)!.type.modifiers).toEqual([255]);
    expect([...users.indexes]).toEqual([{ name: 'users_pkey', unique: true, method: 'btree', elements: [{ column: 'id' }], partial: false }]);
    expect(users.constraints.map((c) => c.kind).sort()).toEqual(['check', 'primary_key']);
    // Unqualified lookups find a table in a non-public schema when the name is unambiguous.
    expect(catalog.getTable({ name: 'users' })).toBe(users);
  });

  it('replays ALTER TABLE, renames, expression indexes, validation and drops across files', () => {
    const catalog = replay(
      'create table t (a int, b text);',
      'alter table t add column c uuid not null default gen_random_uuid(), alter column a type bigint, drop column b;\n' +
        'alter table t add constraint c_nn check (c is not null) not valid;',
      'alter table t validate constraint c_nn; alter table t rename column a to id; create index t_lower on t (lower(c::text));',
      'alter table t rename to things;',
    );
    expect(catalog.getTable({ name: 't' })).toBeUndefined();
    const things = catalog.getTable({ name: 'things' })!;
    expect(things.columns.map((c) => `${c.name}:${c.type.name}`)).toEqual(['id:int8', 'c:uuid']);
    expect([...things.constraints]).toMatchObject([{ name: 'c_nn', kind: 'check', validated: true }]);
    expect(things.indexes.at(0)!.elements).toEqual([{ expressionKey: 'lower((c)::text)' }]);
    expect(catalog.tableOfIndex({ name: 't_lower' })).toBe(things);
    const after = replay('create table x (a int); create index xi on x (a);', 'drop index xi; drop table if exists y;');
    expect([...after.getTable({ name: 'x' })!.indexes]).toEqual([]);
  });

  it('snapshots are independent of later changes', () => {
    const catalog = replay('create table t (a int);');
    const snapshot = catalog.clone();
    lint('alter table t add column b int;', { catalog });
    expect([...snapshot.getTable({ name: 't' })!.columns]).toHaveLength(1);
    expect([...catalog.getTable({ name: 't' })!.columns]).toHaveLength(2);
  });

  it('a checkpoint gives back the contents it marked, in their order, and leaves clones taken meanwhile alone', () => {
    const catalog = replay('create table a (x int primary key); create table b (y int); create index b_y on b (y); create table c (z int);');
    const tablesOf = (c: Catalog): string[] => [...c.tables()].map((t) => `${t.name}(${t.columns.map((col) => col.name).join(',')})`);
    const before = { tables: tablesOf(catalog), state: catalog.state, b: catalog.getTable({ name: 'b' }) };
    const checkpoint = catalog.checkpoint();
    lint('drop table b; alter table a add column w int; create table d (v int); create index d_v on d (v);', { catalog, filePath: 'migrations/010.sql' });
    const meanwhile = catalog.clone();
    expect(tablesOf(catalog)).toEqual(['a(x,w)', 'c(z)', 'd(v)']);
    catalog.rollBackTo(checkpoint);
    expect(tablesOf(catalog)).toEqual(before.tables);
    expect(catalog.state).toBe(before.state);
    expect(catalog.getTable({ name: 'b' })).toBe(before.b);
    expect(catalog.tableOfIndex({ name: 'b_y' })).toBe(before.b);
    expect(catalog.tableOfIndex({ name: 'd_v' })).toBeUndefined();
    expect(tablesOf(meanwhile)).toEqual(['a(x,w)', 'c(z)', 'd(v)']);
    // A checkpoint with nothing changed after it, then changes after going back to it.
    catalog.rollBackTo(catalog.checkpoint());
    lint('drop table a;', { catalog, filePath: 'migrations/011.sql' });
    expect(tablesOf(catalog)).toEqual(['b(y)', 'c(z)']);
    expect(tablesOf(meanwhile)).toEqual(['a(x,w)', 'c(z)', 'd(v)']);
    // Changes to the tables first, to the index names later.
    const second = catalog.checkpoint();
    lint('alter table c add column q int;', { catalog, filePath: 'migrations/012.sql' });
    const withColumn = catalog.clone();
    lint('create index c_z on c (z); drop index b_y;', { catalog, filePath: 'migrations/013.sql' });
    expect(catalog.tableOfIndex({ name: 'c_z' })?.name).toBe('c');
    catalog.rollBackTo(second);
    expect(tablesOf(catalog)).toEqual(['b(y)', 'c(z)']);
    expect(catalog.tableOfIndex({ name: 'c_z' })).toBeUndefined();
    expect(catalog.tableOfIndex({ name: 'b_y' })?.name).toBe('b');
    expect(withColumn.tableOfIndex({ name: 'c_z' })).toBeUndefined();
    expect(tablesOf(withColumn)).toEqual(['b(y)', 'c(z,q)']);
    // Renamed, re-created under the old name, dropped after a table made meanwhile: all undone, in order.
    const third = catalog.checkpoint();
    lint('create table e (u int); alter table b rename to b2; create table b (n int); drop table e; drop table c; create index b_n on b (n);', { catalog, filePath: 'migrations/014.sql' });
    expect(tablesOf(catalog)).toEqual(['b2(y)', 'b(n)']);
    catalog.rollBackTo(third);
    expect(tablesOf(catalog)).toEqual(['b(y)', 'c(z)']);
    expect(catalog.tableOfIndex({ name: 'b_y' })?.name).toBe('b');
    expect(catalog.tableOfIndex({ name: 'b_n' })).toBeUndefined();
    expect(catalog.getTable({ name: 'b2' })).toBeUndefined();
  });

  it('a down section whose lint throws leaves the catalog as it was before the section', () => {
    const catalog = replay('create table t (a int);');
    const text = '-- +goose Up\ncreate table u (b int);\n-- +goose Down\ndrop table t;\ncreate table v (c int);\nselect 1;\n';
    const boom = (statement: { text: string }): void => {
      if (statement.text.startsWith('select')) throw new Error('boom');
    };
    expect(() => lint(text, { catalog, filePath: 'migrations/002.sql', onStatement: boom })).toThrow('boom');
    expect([...catalog.tables()].map((t) => t.name)).toEqual(['t', 'u']);
    // The next file's down section gets a checkpoint of its own.
    lint('-- +goose Up\ncreate table w (d int);\n-- +goose Down\ndrop table w;\n', { catalog, filePath: 'migrations/003.sql' });
    expect([...catalog.tables()].map((t) => t.name)).toEqual(['t', 'u', 'w']);
  });

  it('rules see the catalog as it was before the current statement', () => {
    const seen: number[] = [];
    const probe = defineRule({
      meta: { id: 'probe', description: 'counts columns', defaultSeverity: 'warn', category: 'style' },
      create: (context) => ({ AlterTable: (node) => { seen.push(context.resolveTable(node.table)?.columns.length ?? -1); } }),
    });
    lint('create table t (a int); alter table t add column b int; alter table t add column c int; alter table u add column d int;', { rules: [probe] });
    expect(seen).toEqual([1, 2, -1]);
  });

  it('resolves columns through aliases, joins, CTEs and outer queries', () => {
    const resolved: string[] = [];
    const probe = defineRule({
      meta: { id: 'probe', description: 'resolves', defaultSeverity: 'warn', category: 'style' },
      create: (context) => ({
        ColumnRef: (ref) => {
          const r = context.resolveColumn(ref);
          resolved.push(`${ref.table ? ref.table + '.' : ''}${ref.column}=${r ? `${r.table.name}.${r.column.name}:${r.column.type.name}` : '?'}`);
        },
      }),
    });
    lint(
      'create table u (id int, email text); create table o (id int, user_id int);\n' +
        'with c as (select 1 as n) select u.email, user_id, id, n from u join o on o.user_id = u.id cross join c where exists (select 1 from o o2 where o2.user_id = u.id);',
      { rules: [probe] },
    );
    expect(resolved).toEqual([
      'u.email=u.email:text',
      'user_id=?', // the CTE c could also have it: unsure
      'id=?',
      'n=?',
      'o.user_id=o.user_id:int4',
      'u.id=u.id:int4',
      'o2.user_id=o.user_id:int4',
      'u.id=u.id:int4',
    ]);
  });

  it('down migrations are linted but not replayed', () => {
    const catalog = new Catalog();
    lint('create table t (a int);', { catalog, filePath: 'migrations/2020_x/up.sql' });
    lint('drop table t;', { catalog, filePath: 'migrations/2020_x/down.sql' });
    expect(catalog.getTable({ name: 't' })).toBeDefined();
  });

  it('moves indexes with their table on SET SCHEMA and RENAME, and forgets those a DROP removes', () => {
    const catalog = replay(
      'create table p1 (id int, code text, constraint p1_code_key unique (code)); create index p1_id on p1 (id);',
      'alter table p1 set schema app;',
      'alter table app.p1 rename to p2;',
    );
    const p2 = catalog.getTable({ schema: 'app', name: 'p2' })!;
    expect(catalog.tableOfIndex({ schema: 'app', name: 'p1_id' })).toBe(p2);
    expect(catalog.tableOfIndex({ name: 'p1_code_key' })).toBe(p2);
    expect(catalog.tableOfIndex({ schema: 'public', name: 'p1_id' })).toBeUndefined();
    const dropped = replay('create table t (a int); create index ti on t (a); create table u (b int); create index ui on u (b);', 'drop index ti; drop table u;');
    expect(dropped.tableOfIndex({ name: 'ti' })).toBeUndefined();
    expect(dropped.tableOfIndex({ name: 'ui' })).toBeUndefined();
    // An unqualified name that two schemas hold is ambiguous without a search_path.
    const twice = replay('create table a.t (x int); create index i on a.t (x); create table b.t (x int); create index i on b.t (x);');
    expect(twice.tableOfIndex({ name: 'i' })).toBeUndefined();
    expect(twice.tableOfIndex({ schema: 'b', name: 'i' })?.schema).toBe('b');
  });

  it('stops adding columns at PostgreSQL\'s limit of 1,600', () => {
    const adds = Array.from({ length: 1700 }, (_, i) => `alter table t add column c${i} int;`).join('\n');
    const catalog = replay('create table t (a int);', adds);
    expect(catalog.getTable({ name: 't' })!.columns.length).toBe(1600);
  });
});

describe('transactions', () => {
  function kinds(text: string, migrationTransaction?: 'implicit' | 'wrapped' | 'none', isMigration = true) {
    return lint(text, { settings: migrationTransaction ? { migrationTransaction } : {}, isMigration }).statements.map((s) => s.transaction ?? '-');
  }

  it('tracks explicit BEGIN/COMMIT', () => {
    expect(kinds('select 1; begin; select 2; commit; select 3;', 'none')).toEqual(['-', '-', 'explicit', 'explicit', '-']);
  });

  it('a multi-statement file is one implicit transaction; a single statement is not', () => {
    expect(kinds('create index concurrently i on t (a);')).toEqual(['-']);
    expect(kinds('select 1; create index concurrently i on t (a);')).toEqual(['implicit', 'implicit']);
  });

  it('tool-wrapped files and goose annotations', () => {
    expect(kinds('create index concurrently i on t (a);', 'wrapped')).toEqual(['wrapped']);
    expect(kinds('-- +goose Up\ncreate index concurrently i on t (a);')).toEqual(['wrapped']);
    expect(kinds('-- +goose NO TRANSACTION\n-- +goose Up\ncreate index concurrently i on t (a);\ncreate index concurrently j on t (b);')).toEqual(['-', '-']);
  });

  it('non-migration files only have explicit transactions', () => {
    expect(kinds('select 1; select 2;', 'wrapped', false)).toEqual(['-', '-']);
  });
});
