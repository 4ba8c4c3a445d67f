import { builtinRules } from '@sqlwarden/rules';
import { beforeAll, describe, expect, it } from 'vitest';
import { Catalog } from '../../src/catalog/catalog.ts';
import { postgresAdapter } from '../../src/dialects/postgres/index.ts';
import { unparsedCreate } from '../../src/dialects/postgres/unparsed-creates.ts';
import { lint, ready } from './helpers.ts';

beforeAll(() => ready);

const rules = builtinRules;

function findings(text: string, catalog = new Catalog()): string[] {
  return lint(text, { rules, catalog }).messages.map((m) => `${m.line}:${m.ruleId}`);
}

describe('CREATE statements that do not parse', () => {
  it('create their table for the statements after them: no index build, rename or lock wait on it is reported', () => {
    // The stray comma is the only problem; the table is still new in this migration.
    const text = [
      'CREATE TABLE orders (id bigint PRIMARY KEY, status text,, total int);',
      'CREATE INDEX orders_status_idx ON orders (status);',
      'ALTER TABLE orders ADD COLUMN note text NOT NULL DEFAULT now()::text;',
      'ALTER TABLE orders RENAME TO orders2;',
      'CREATE INDEX orders2_total_idx ON orders2 (total);',
    ].join('\n');
    expect(findings(text)).toEqual(['1:syntax-error']);
  });

  it('recognises UNLOGGED, TEMP, IF NOT EXISTS and quoted or qualified names', () => {
    const text = [
      'CREATE UNLOGGED TABLE IF NOT EXISTS app."Orders" (id int,, x int);',
      'CREATE INDEX o_id ON app."Orders" (id);',
      'CREATE MATERIALIZED VIEW IF NOT EXISTS app.totals AS SELECT sum(x) FROM app."Orders" WHERE;',
      'CREATE INDEX t_sum ON app.totals (sum);',
    ].join('\n');
    const catalog = new Catalog();
    expect(findings(text, catalog)).toEqual(['1:syntax-error', '3:syntax-error']);
    expect(catalog.getTable({ schema: 'app', name: 'Orders' })).toMatchObject({ columnsKnown: false, createdIn: { statement: 0 } });
    expect(catalog.tableOfIndex({ schema: 'app', name: 'o_id' })?.name).toBe('Orders');
    expect(catalog.getTable({ schema: 'app', name: 'totals' })?.kind).toBe('materialized_view');
  });

  it('an earlier migration created the table: IF NOT EXISTS that does not parse leaves it as it was', () => {
    const catalog = new Catalog();
    lint('CREATE TABLE orders (id int, status text);', { catalog, filePath: 'migrations/001.sql' });
    const text = 'CREATE TABLE IF NOT EXISTS orders (id int,, status text);\nCREATE INDEX orders_status_idx ON orders (status);';
    expect(lint(text, { rules, catalog, filePath: 'migrations/002.sql' }).messages.map((m) => `${m.line}:${m.ruleId}`)).toEqual(['1:syntax-error', '2:no-blocking-index-build', '2:require-lock-timeout']);
  });

  it('an index that did not parse is known for its DROP, and a sequence or view for later locks', () => {
    const catalog = new Catalog();
    lint('CREATE TABLE orders (id int, status text);', { catalog, filePath: 'migrations/001.sql' });
    const text = [
      'CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_status_idx ON ONLY orders (status,);',
      'CREATE SEQUENCE IF NOT EXISTS order_no START WITH;',
      'ALTER SEQUENCE order_no RESTART WITH 10;',
    ].join('\n');
    expect(lint(text, { rules, catalog, filePath: 'migrations/002.sql', settings: { migrationTransaction: 'none' } }).messages.map((m) => `${m.line}:${m.ruleId}`)).toEqual([
      '1:syntax-error',
      '2:syntax-error',
    ]);
    expect(catalog.tableOfIndex({ name: 'orders_status_idx' })?.name).toBe('orders');
  });

  it('reads the head only, and nothing from statements that create no relation or cannot be lexed', () => {
    const at = (text: string) => unparsedCreate(text, { start: 0, end: text.length });
    expect(at('create temp table t as select 1 from')).toEqual({ kind: 'table', name: { name: 't' }, ifNotExists: false, fillsRows: true, partitioned: false });
    expect(at('CREATE TABLE t (a int) PARTITION BY RANGE (a,)')).toMatchObject({ partitioned: true, fillsRows: false });
    expect(at('create materialized view v as select from t with no data garbage')).toMatchObject({ fillsRows: true });
    expect(at('create materialized view v as select 1 from t where with no data')).toMatchObject({ fillsRows: false });
    expect(at('create unique index on t (a,)')).toEqual({ kind: 'index', table: { name: 't' }, unique: true, ifNotExists: false });
    expect(at('create or replace recursive view v (a) as select')).toEqual({ kind: 'view', name: { name: 'v' } });
    expect(at('create function f() returns int as $$ select $$')).toBeUndefined();
    expect(at('create table select (a int)')).toBeUndefined();
    expect(at("create table t (a text default 'unterminated")).toBeUndefined();
    expect(at('create table /* c */ t -- c\n (a int,)')).toMatchObject({ name: { name: 't' } });
    expect(postgresAdapter.unparsedCreate).toBe(unparsedCreate);
  });
});
