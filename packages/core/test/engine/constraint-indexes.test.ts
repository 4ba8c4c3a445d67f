import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPostgresBin, startPostgres, type PostgresServer } from '../../../../test/cli/postgres-server.ts';
import { Catalog } from '../../src/catalog/catalog.ts';
import { lint, ready } from './helpers.ts';

beforeAll(() => ready);

const long = 'a'.repeat(40);
const longColumn = 'c'.repeat(40);

/** Constraint indexes of every kind, unnamed and named, in CREATE TABLE and ALTER TABLE. */
const HISTORY = [
  'create table t (id int primary key, email text unique, a int, b int, unique (a, b), r int4range, exclude using gist (r with &&), u int unique, unique (u), c int, constraint named unique (c));',
  `create table ${long} (${longColumn} int unique, ${longColumn}2 int, unique (${longColumn}, ${longColumn}2), id int primary key);`,
  'create table t2 (a int, b int); alter table t2 add unique (a); alter table t2 add primary key (b); alter table t2 add unique (a) include (b);',
  'create table t_a_key (x int); create table t3 (a int); create table t3_a_key (y int); alter table t3 add unique (a);',
  'create table t4 (a int not null, b text); create unique index t4_idx on t4 (a); alter table t4 add constraint t4c unique using index t4_idx;',
  'create table t5 (a int, b int, unique (a) include (b), exclude using btree (lower(b::text) with =));',
  'create table t6 (id int primary key unique, x int, unique (x), primary key_ int); alter table t6 add column y int unique;',
  'create table "Ünïcode" ("ççççççççççççççççççççççççççççççç" int unique);',
  'create table t7 (a int, b int, constraint t7_a_key unique (a)); alter table t7 add constraint keep unique (b); alter table t7 drop constraint t7_a_key;',
  'create table t8 (a int); create unique index t8_a on t8 (a); alter table t8 add primary key using index t8_a;',
].map((sql) => sql.replace('primary key_ int', 'z int'));

function replay(): Catalog {
  const catalog = new Catalog();
  HISTORY.forEach((text, i) => {
    const messages = lint(text, { catalog, filePath: `migrations/00${i}.sql` }).messages;
    expect(messages.filter((m) => m.ruleId === 'syntax-error')).toEqual([]);
  });
  return catalog;
}

function catalogIndexes(catalog: Catalog): string[] {
  const out: string[] = [];
  for (const table of catalog.tables()) for (const index of table.indexes) out.push(`${index.name}|${table.name}`);
  return out.sort();
}

const EXPECTED = [
  'aaaaaaaaaaaaaaaaaaaaaaaaaaaaa_ccccccccccccccccccccccccccccc_key|' + long,
  'aaaaaaaaaaaaaaaaaaaaaaaaaaaaa_cccccccccccccccccccccccccccc_key1|' + long,
  `${long}_pkey|${long}`,
  'keep|t7',
  'named|t',
  't2_a_b_key|t2',
  't2_a_key|t2',
  't2_pkey|t2',
  't3_a_key1|t3',
  't4c|t4',
  't5_a_b_key|t5',
  't5_lower_excl|t5',
  't6_pkey|t6',
  't6_x_key|t6',
  't6_y_key|t6',
  't8_a|t8',
  't_a_b_key|t',
  't_email_key|t',
  't_pkey|t',
  't_r_excl|t',
  't_u_key|t',
  // Shortened to 63 bytes without cutting a character: 9 + 1 + 48 + 4.
  `Ünïcode_${'ç'.repeat(24)}_key|Ünïcode`,
].sort();

describe('indexes of UNIQUE, PRIMARY KEY and EXCLUDE constraints', () => {
  it("are in the catalog under PostgreSQL's default names", () => {
    const catalog = replay();
    expect(catalogIndexes(catalog)).toEqual(EXPECTED);
    expect(catalog.getTable({ name: 't' })!.constraints.filter((c) => c.kind !== 'check').map((c) => c.name)).toEqual(['t_pkey', 't_email_key', 't_u_key', 't_a_b_key', 't_r_excl', 'named']);
    expect(catalog.getTable({ name: 't5' })!.indexes.at(1)).toEqual({ name: 't5_lower_excl', unique: false, method: 'btree', elements: [{}], partial: false });
    expect(catalog.tableOfIndex({ name: 't4_idx' })).toBeUndefined();
    expect(catalog.tableOfIndex({ name: 't7_a_key' })).toBeUndefined();
  });

  it('are seen by DROP INDEX, ALTER INDEX ... RENAME and DROP CONSTRAINT', () => {
    const catalog = replay();
    lint('alter index t_email_key rename to t_mail; drop index t2_pkey; alter table t drop constraint t_r_excl;', { catalog, filePath: 'migrations/100.sql' });
    expect(catalog.tableOfIndex({ name: 't_mail' })?.name).toBe('t');
    expect(catalog.tableOfIndex({ name: 't_email_key' })).toBeUndefined();
    expect(catalog.tableOfIndex({ name: 't2_pkey' })).toBeUndefined();
    expect(catalog.tableOfIndex({ name: 't_r_excl' })).toBeUndefined();
    expect(catalog.getTable({ name: 't' })!.indexes.map((i) => i.name)).toEqual(['t_pkey', 't_mail', 't_u_key', 't_a_b_key', 'named']);
  });

  describe.skipIf(!findPostgresBin())('on PostgreSQL', () => {
    let server: PostgresServer;
    beforeAll(() => {
      server = startPostgres(findPostgresBin()!);
    });
    afterAll(() => server?.stop());

    it('the names are the ones the server chooses', () => {
      for (const sql of HISTORY) server.psql(sql);
      const onServer = server.psql("select i.indexrelid::regclass::text || '|' || c.relname from pg_index i join pg_class c on c.oid = i.indrelid where c.relnamespace = 'public'::regnamespace");
      const unquote = (line: string): string => line.replace(/^"(.*)"\|/, '$1|');
      expect(onServer.split('\n').map(unquote).sort()).toEqual(EXPECTED);
    });
  });
});
