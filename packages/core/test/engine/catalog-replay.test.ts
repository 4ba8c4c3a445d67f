import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Catalog } from '../../src/catalog/catalog.ts';
import { Linter } from '../../src/engine/linter.ts';
import { compareReplayOrder, isDownMigrationPath } from '../../src/engine/replay.ts';
import type { QualifiedName } from '../../src/model/nodes.ts';
import { defineRule, type RuleContext } from '../../src/rule.ts';
import { lint, ready } from './helpers.ts';

beforeAll(() => ready);

/** Records, at every CREATE INDEX, whether the engine says its table was created in this file. */
function newTableProbe(seen: string[]) {
  return defineRule({
    meta: { id: 'probe', description: 'records isTableCreatedInFile', defaultSeverity: 'warn', category: 'style' },
    create: (context) => ({
      CreateIndex: (node) => void seen.push(`${node.table.name}:${context.file.isTableCreatedInFile(node.table)}`),
    }),
  });
}

function createdInFile(text: string, catalog = new Catalog(), filePath = 'migrations/002.sql'): string[] {
  const seen: string[] = [];
  lint(text, { rules: [newTableProbe(seen)], catalog, filePath });
  return seen;
}

function catalogWith(text: string): Catalog {
  const catalog = new Catalog();
  lint(text, { catalog, filePath: 'migrations/001.sql' });
  return catalog;
}

describe('isTableCreatedInFile and CREATE TABLE IF NOT EXISTS', () => {
  it('is false when the table already existed before this file', () => {
    const catalog = catalogWith('create table t (a int);');
    expect(createdInFile('create table if not exists t (a int);\ncreate index i on t (a);', catalog)).toEqual(['t:false']);
    // The catalog keeps the earlier file as the table's origin.
    expect(catalog.getTable({ name: 't' })!.createdIn!.file).toBe('migrations/001.sql');
  });

  it('is true when the table is new, created earlier in the file, or was dropped first', () => {
    expect(createdInFile('create table if not exists t (a int); create index i on t (a);')).toEqual(['t:true']);
    expect(createdInFile('create table t (a int); create table if not exists t (a int); create index i on t (a);')).toEqual(['t:true']);
    expect(createdInFile('drop table t; create table if not exists t (a int); create index i on t (a);', catalogWith('create table t (a int);'))).toEqual(['t:true']);
    expect(createdInFile('create table if not exists app.t (a int); create index i on app.t (a);', catalogWith('create table t (a int);'))).toEqual(['t:true']);
  });

  it('follows renames and forgets dropped tables', () => {
    expect(createdInFile('create table t (a int); alter table t rename to u; create index i on u (a); create index j on t (a);')).toEqual(['u:true', 't:false']);
    expect(createdInFile('create table t (a int); drop table t; create index i on t (a);')).toEqual(['t:false']);
  });
});

describe('relations created from a query', () => {
  const source = 'create table src (id bigserial primary key, email text not null, note varchar(20));';

  it('CREATE TABLE AS, CREATE MATERIALIZED VIEW and SELECT INTO count as new tables for later statements', () => {
    const catalog = catalogWith(source);
    expect(
      createdInFile(
        'create table c as select id, email from src;\ncreate index ci on c (email);\n' +
          'create materialized view mv as select count(*) as n from src;\ncreate unique index mvi on mv (n);\n' +
          'select id into s from src;\ncreate index si on s (id);',
        catalog,
      ),
    ).toEqual(['c:true', 'mv:true', 's:true']);
    for (const name of ['c', 'mv', 's']) expect(catalog.getTable({ name })!.createdIn!.file).toBe('migrations/002.sql');
    expect(catalog.getTable({ name: 'mv' })!.kind).toBe('materialized_view');
    expect([...catalog.getTable({ name: 'mv' })!.indexes]).toMatchObject([{ name: 'mvi', unique: true, elements: [{ column: 'n' }] }]);
    expect(catalog.tableOfIndex({ name: 'ci' })?.name).toBe('c');
  });

  it('records columns when the select list is made of known columns, casts and stars', () => {
    const catalog = catalogWith(source);
    lint(
      'create table a as select id, email::varchar(10) as e, s.note from src s;\n' +
        'create table b (x, y) as select id, email from src;\n' +
        'create materialized view c as select * from src;\n' +
        'select s.* into d from src s;',
      { catalog, filePath: 'migrations/002.sql' },
    );
    const columns = (name: string) => {
      const t = catalog.getTable({ name })!;
      return { known: t.columnsKnown, columns: t.columns.map((c) => `${c.name}:${c.type.name}${c.notNull ? '!' : ''}`) };
    };
    expect(columns('a')).toEqual({ known: true, columns: ['id:int8', 'e:varchar', 'note:varchar'] });
    expect(columns('b')).toEqual({ known: true, columns: ['x:int8', 'y:text'] });
    // CREATE TABLE AS copies no constraints: the copies are nullable.
    expect(columns('c')).toEqual({ known: true, columns: ['id:int8', 'email:text', 'note:varchar'] });
    expect(columns('d')).toEqual({ known: true, columns: ['id:int8', 'email:text', 'note:varchar'] });
  });

  it('records the relation with unknown columns when the select list cannot be typed', () => {
    const catalog = catalogWith(source);
    lint(
      'create table a as select lower(email) as l from src;\n' +
        'create materialized view b as select * from elsewhere;\n' +
        'create table c as select 1 as one union select 2;\n' +
        'select count(*) into d from src;\n' +
        'create table e as with w as (select 1 as id) select id from w;',
      { catalog, filePath: 'migrations/002.sql' },
    );
    for (const name of ['a', 'b', 'c', 'd', 'e']) {
      const table = catalog.getTable({ name });
      expect(table, name).toMatchObject({ columnsKnown: false, createdIn: { file: 'migrations/002.sql' } });
      expect(table?.columns.length, name).toBe(0);
    }
  });

  it('IF NOT EXISTS over an existing relation changes nothing', () => {
    const catalog = catalogWith(`${source} create table c (z int); create materialized view mv as select id from src;`);
    expect(createdInFile('create table if not exists c as select id from src; create index ci on c (z);\ncreate materialized view if not exists mv as select email from src; create index mi on mv (id);', catalog)).toEqual([
      'c:false',
      'mv:false',
    ]);
    expect(catalog.getTable({ name: 'c' })!.columns.map((c) => c.name)).toEqual(['z']);
    expect(catalog.getTable({ name: 'mv' })!.columns.map((c) => c.name)).toEqual(['id']);
  });
});

describe('PostgreSQL 18 NOT NULL constraints', () => {
  it('ADD CONSTRAINT c NOT NULL col NOT VALID, then VALIDATE CONSTRAINT', () => {
    const catalog = catalogWith('create table t (a int, b int);');
    lint('alter table t add constraint a_nn not null a not valid;', { catalog });
    let t = catalog.getTable({ name: 't' })!;
    expect([...t.constraints]).toEqual([{ name: 'a_nn', kind: 'not_null', columns: ['a'], validated: false }]);
    expect(t.columns.at(0)!).toMatchObject({ name: 'a', notNull: false });
    lint('alter table t validate constraint a_nn;', { catalog });
    t = catalog.getTable({ name: 't' })!;
    expect([...t.constraints]).toEqual([{ name: 'a_nn', kind: 'not_null', columns: ['a'], validated: true }]);
    expect(t.columns.at(0)!).toMatchObject({ name: 'a', notNull: true });
  });

  it('a valid one makes the column NOT NULL at once; dropping it makes it nullable again', () => {
    const catalog = catalogWith('create table t (a int, b int, constraint b_nn not null b);');
    expect(catalog.getTable({ name: 't' })!.columns.map((c) => c.notNull)).toEqual([false, true]);
    lint('alter table t add constraint a_nn not null a;', { catalog });
    let t = catalog.getTable({ name: 't' })!;
    expect(t.constraints.map((c) => [c.name, c.kind, c.validated])).toEqual([
      ['b_nn', 'not_null', true],
      ['a_nn', 'not_null', true],
    ]);
    expect(t.columns.map((c) => c.notNull)).toEqual([true, true]);
    lint('alter table t drop constraint a_nn; alter table t alter column b drop not null;', { catalog });
    t = catalog.getTable({ name: 't' })!;
    expect(t.columns.map((c) => c.notNull)).toEqual([false, false]);
    expect([...t.constraints]).toEqual([]);
  });

  it('rules see the constraint between the statements of one file', () => {
    const seen: string[] = [];
    const probe = defineRule({
      meta: { id: 'probe', description: 'x', defaultSeverity: 'warn', category: 'style' },
      create: (context) => ({
        AlterTable: (node) => {
          const t = context.resolveTable(node.table)!;
          seen.push(t.constraints.map((c) => `${c.name}:${c.kind}:${c.validated}`).join(',') || '-');
        },
      }),
    });
    lint('create table t (a int); alter table t add constraint a_nn not null a not valid; alter table t validate constraint a_nn; alter table t add column b int;', {
      rules: [probe],
    });
    expect(seen).toEqual(['-', 'a_nn:not_null:false', 'a_nn:not_null:true']);
  });
});

describe('down migrations', () => {
  it('recognises rollback file layouts', () => {
    for (const p of ['m/0001_x.down.sql', 'm/2020-01-01-000000_x/down.sql', 'down.sql', 'm/1_x_down.sql', 'sql/U2__add_x.sql', 'sql/U2.1__x.sql']) {
      expect(isDownMigrationPath(p), p).toBe(true);
    }
    for (const p of ['m/0001_x.up.sql', 'm/countdown.sql', 'm/V2__add_x.sql', 'm/Users.sql', 'm/U2_x.sql']) expect(isDownMigrationPath(p), p).toBe(false);
  });

  it('replays a down file right after the up file it undoes', () => {
    const order = (paths: string[]) => [...paths].sort(compareReplayOrder);
    expect(order(['m/0002_b.up.sql', 'm/0001_a.down.sql', 'm/0002_b.down.sql', 'm/0001_a.up.sql'])).toEqual([
      'm/0001_a.up.sql',
      'm/0001_a.down.sql',
      'm/0002_b.up.sql',
      'm/0002_b.down.sql',
    ]);
    expect(order(['m/2_b/down.sql', 'm/2_b/up.sql', 'm/1_a/up.sql', 'm/1_a/down.sql'])).toEqual(['m/1_a/up.sql', 'm/1_a/down.sql', 'm/2_b/up.sql', 'm/2_b/down.sql']);
    expect(order(['sql/U1__a.sql', 'sql/U2__b.sql', 'sql/V1__a.sql', 'sql/V2__b.sql'])).toEqual(['sql/V1__a.sql', 'sql/U1__a.sql', 'sql/V2__b.sql', 'sql/U2__b.sql']);
    expect(order(['m/b.sql', 'm/a.sql', 'm/0001_x.DOWN.sql', 'm/0001_x.UP.sql'])).toEqual(['m/0001_x.UP.sql', 'm/0001_x.DOWN.sql', 'm/a.sql', 'm/b.sql']);
  });

  /** Lints the files as one run; returns, per file in lint order, the tables and columns its SELECTs saw. */
  async function run(files: Record<string, string>): Promise<{ seen: string[]; results: string[] }> {
    const dir = mkdtempSync(path.join(tmpdir(), 'sqlwarden-replay-'));
    const seen: string[] = [];
    const probe = defineRule({
      meta: { id: 'probe', description: 'x', defaultSeverity: 'warn', category: 'style' },
      create: (context: RuleContext) => ({
        Select: () => {
          const tables = [...context.catalog.tables()].map((t) => `${t.name}(${t.columns.map((c) => c.name).join(',')})`).sort();
          seen.push(`${path.relative(dir, context.file.path)}@${context.statement.section}: ${tables.join(' ') || '-'}`);
        },
      }),
    });
    const linter = new Linter({ cwd: dir, rules: [probe] });
    const results = await linter.lintFiles(Object.entries(files).map(([name, text]) => ({ path: path.join(dir, name), text })));
    return { seen, results: results.map((r) => path.relative(dir, r.filePath)) };
  }

  it('golang-migrate: the down file is linted after its up file and not replayed', async () => {
    const { seen, results } = await run({
      'migrations/0002_b.up.sql': 'alter table t add column b int; select 1;',
      'migrations/0001_a.down.sql': 'select 1; drop table t; select 2;',
      'migrations/0001_a.up.sql': 'create table t (a int); select 1;',
      'migrations/0002_b.down.sql': 'alter table t drop column b; select 1;',
      'migrations/0003_c.up.sql': 'select 1;',
    });
    expect(seen).toEqual([
      'migrations/0001_a.up.sql@up: t(a)',
      // Against the schema its up migration left; its own DROP applies to what follows in it only.
      'migrations/0001_a.down.sql@up: t(a)',
      'migrations/0001_a.down.sql@up: -',
      'migrations/0002_b.up.sql@up: t(a,b)',
      'migrations/0002_b.down.sql@up: t(a)',
      'migrations/0003_c.up.sql@up: t(a,b)',
    ]);
    // Results still come back in path order.
    expect(results).toEqual(['migrations/0001_a.down.sql', 'migrations/0001_a.up.sql', 'migrations/0002_b.down.sql', 'migrations/0002_b.up.sql', 'migrations/0003_c.up.sql']);
  });

  it('diesel: <migration>/down.sql after <migration>/up.sql', async () => {
    const { seen } = await run({
      'migrations/2020-01-01-000000_a/down.sql': 'select 1; drop table t; select 2;',
      'migrations/2020-01-01-000000_a/up.sql': 'create table t (a int);',
      'migrations/2020-02-01-000000_b/up.sql': 'select 1;',
    });
    expect(seen).toEqual([
      'migrations/2020-01-01-000000_a/down.sql@up: t(a)',
      'migrations/2020-01-01-000000_a/down.sql@up: -',
      'migrations/2020-02-01-000000_b/up.sql@up: t(a)',
    ]);
  });

  it('goose and dbmate: only the Up section is replayed; Down is linted against a scratch copy', async () => {
    const { seen } = await run({
      'db/migrations/001_a.sql': '-- +goose Up\ncreate table t (a int);\nselect 1;\n-- +goose Down\nalter table t add column down_only int;\nselect 1;\ndrop table t;\nselect 2;\n',
      'db/migrations/002_b.sql': '-- migrate:up\nalter table t add column b int;\n\n-- migrate:down\nalter table t drop column a;\nselect 1;\n',
      'db/migrations/003_c.sql': 'select 1;',
    });
    expect(seen).toEqual([
      'db/migrations/001_a.sql@up: t(a)',
      'db/migrations/001_a.sql@down: t(a,down_only)',
      'db/migrations/001_a.sql@down: -',
      'db/migrations/002_b.sql@down: t(b)',
      'db/migrations/003_c.sql@up: t(a,b)',
    ]);
  });

  it('a down section does not make tables of the up section new', () => {
    const text = '-- +goose Up\ncreate table t (a int);\ncreate index i on t (a);\n-- +goose Down\ncreate index j on t (a);\ndrop table t;\n';
    expect(createdInFile(text)).toEqual(['t:true', 't:false']);
    const catalog = new Catalog();
    lint(text, { catalog });
    expect(catalog.getTable({ name: 't' })!.indexes.map((i) => i.name)).toEqual(['i']);
  });

  it('tables a down file creates are new within it, and gone afterwards', () => {
    const catalog = catalogWith('create table keep (a int);');
    expect(createdInFile('create table t (a int); create index i on t (a); create index k on keep (a);', catalog, 'migrations/0001_x.down.sql')).toEqual(['t:true', 'keep:false']);
    expect(catalog.getTable({ name: 't' })).toBeUndefined();
    expect([...catalog.getTable({ name: 'keep' })!.indexes]).toEqual([]);
  });
});
