import { beforeAll, describe, expect, it } from 'vitest';
import { describeStatementLocks, postgresAdapter, type AlterTable, type Statement } from '../../src/index.ts';
import { lint, ready } from './helpers.ts';

/*
 * PostgreSQL 19 statements that libpg-query 18 does not parse, recognised from their tokens.
 * No PostgreSQL 19 server exists here: the forms and lock facts come from the PostgreSQL 19
 * sources and documentation (repack.sgml, repack.c, alter_table.sgml), cited in
 * src/locks/VERIFICATION.md; the lock table's verify cases for them (minVersion 19) run once a
 * PostgreSQL 19 server is available to the server suite.
 */

beforeAll(() => ready);

function parse(sql: string): Statement | undefined {
  const parsed = postgresAdapter.parseSegment(sql, { start: 0, end: sql.length });
  return parsed.error ? undefined : parsed.statements[0];
}

describe('REPACK and MERGE/SPLIT PARTITION from tokens', () => {
  it('REPACK in the forms of its synopsis', () => {
    expect(parse('REPACK orders')).toMatchObject({ type: 'Repack', table: { name: 'orders' }, concurrently: false, usingIndex: false, options: [] });
    expect(parse('REPACK (CONCURRENTLY) app."Orders" USING INDEX orders_pkey;')).toMatchObject({
      type: 'Repack',
      table: { schema: 'app', name: 'Orders' },
      concurrently: true,
      usingIndex: true,
      index: 'orders_pkey',
      range: { start: 0, end: 58 },
      newerSyntax: { version: 19, syntax: 'REPACK', offset: 0, length: 6 },
    });
    expect(parse('repack (analyze, verbose false, concurrently off) cases (district, case_nr)')).toMatchObject({ type: 'Repack', analyze: true, concurrently: false, options: ['analyze'] });
    expect(parse('REPACK (VERBOSE) USING INDEX')).toMatchObject({ type: 'Repack', usingIndex: true, options: ['verbose'] });
    expect(parse('REPACK (VERBOSE) USING INDEX')).not.toHaveProperty('table');
    expect(parse('REPACK t USING INDEX')).toMatchObject({ usingIndex: true, table: { name: 't' } });
    expect(parse('REPACK /* c */ t')).toMatchObject({ type: 'Repack', table: { name: 't' } });
  });

  it('MERGE PARTITIONS and SPLIT PARTITION as ALTER TABLE actions', () => {
    const merge = parse('ALTER TABLE IF EXISTS sales MERGE PARTITIONS (s1, app.s2) INTO s12') as AlterTable;
    expect(merge).toMatchObject({ type: 'AlterTable', table: { name: 'sales' }, ifExists: true, newerSyntax: { syntax: 'ALTER TABLE ... MERGE PARTITIONS', offset: 28, length: 16 } });
    expect(merge.actions).toMatchObject([{ action: 'merge_partitions', partitions: [{ name: 's1' }, { schema: 'app', name: 's2' }], newPartitions: [{ name: 's12' }] }]);
    const split = parse("ALTER TABLE sales SPLIT PARTITION s12 INTO (PARTITION s1 FOR VALUES FROM ('2024-01-01') TO ('2024-02-01'), PARTITION s2 DEFAULT)") as AlterTable;
    expect(split.actions).toMatchObject([{ action: 'split_partition', partitions: [{ name: 's12' }], newPartitions: [{ name: 's1' }, { name: 's2' }] }]);
  });

  it('leaves other text a syntax error', () => {
    for (const sql of [
      'REPACK CONCURRENTLY t', // not in the documented synopsis: CONCURRENTLY goes in parentheses
      'REPACK t u',
      'REPACK () t',
      'REPACK t USING i',
      'REPACK (CONCURRENTLY t',
      'ALTER TABLE t MERGE PARTITIONS () INTO x',
      'ALTER TABLE t MERGE PARTITIONS (a, b)',
      'ALTER TABLE t SPLIT PARTITION a INTO (a1, a2)',
      'ALTER TABLE t SPLIT PARTITION a INTO (PARTITION a1 FOR VALUES FROM (1) TO (2)) extra',
      'ALTER TABLE t MERGE PARTITIONS (a, b) INTO c, ADD COLUMN x int',
    ]) {
      expect(postgresAdapter.parseSegment(sql, { start: 0, end: sql.length }).error, sql).toBeDefined();
    }
  });
});

describe('the configured version', () => {
  it('reports them as a syntax error before PostgreSQL 19, as such a server does', () => {
    const messages = lint('REPACK orders;', { settings: { postgresVersion: 17 } }).messages;
    expect(messages).toMatchObject([
      { ruleId: 'syntax-error', message: 'REPACK needs PostgreSQL 19; the configured postgresVersion (--pg-version) is 17, whose parser rejects it', column: 1, endColumn: 7 },
    ]);
    const merge = lint('SELECT 1;\nALTER TABLE sales MERGE PARTITIONS (s1, s2) INTO s12;').messages;
    expect(merge).toMatchObject([{ ruleId: 'syntax-error', message: /^ALTER TABLE \.\.\. MERGE PARTITIONS needs PostgreSQL 19; the configured postgresVersion \(--pg-version\) is 15,/, line: 2, column: 19, endColumn: 35 }]);
    expect(merge[0]!.message.length).toBeLessThanOrEqual(140);
    expect(lint('SELECT 1;\nALTER TABLE sales MERGE PARTITIONS (s1, s2) INTO s12;').statements[1]).not.toHaveProperty('node');
  });

  it('lints them from PostgreSQL 19', () => {
    const result = lint('REPACK orders;\nALTER TABLE sales SPLIT PARTITION s INTO (PARTITION a FOR VALUES IN (1), PARTITION b DEFAULT);', { settings: { postgresVersion: 19 } });
    expect(result.messages).toEqual([]);
    expect(result.statements.map((s) => s.node?.type)).toEqual(['Repack', 'AlterTable']);
  });
});

describe('their locks (PostgreSQL 19)', () => {
  const locks = (sql: string) =>
    describeStatementLocks(parse(sql)!, { postgresVersion: 19 }).effects.map((e) => ({
      operation: e.operation.id,
      locks: e.locks.map((l) => `${l.relation.name}: ${l.mode}`),
      rewrite: e.rewrite,
      forbiddenInTransaction: e.forbiddenInTransaction,
    }));

  it('REPACK rewrites under ACCESS EXCLUSIVE; CONCURRENTLY under SHARE UPDATE EXCLUSIVE, outside a transaction block', () => {
    expect(locks('REPACK orders USING INDEX orders_pkey')).toEqual([{ operation: 'repack', locks: ['orders: AccessExclusive'], rewrite: 'table_and_indexes', forbiddenInTransaction: false }]);
    expect(locks('REPACK (CONCURRENTLY) orders')).toEqual([{ operation: 'repack.concurrently', locks: ['orders: ShareUpdateExclusive'], rewrite: 'table_and_indexes', forbiddenInTransaction: true }]);
    expect(locks('REPACK')).toEqual([{ operation: 'repack.all', locks: ['every table in the database, one at a time: AccessExclusive'], rewrite: 'table_and_indexes', forbiddenInTransaction: true }]);
  });

  it('MERGE and SPLIT hold ACCESS EXCLUSIVE on the parent and the old partitions while they copy the rows', () => {
    expect(locks('ALTER TABLE sales MERGE PARTITIONS (s1, s2) INTO s12')).toEqual([
      { operation: 'alter_table.merge_partitions', locks: ['sales: AccessExclusive', 's1: AccessExclusive', 's2: AccessExclusive'], rewrite: 'table_and_indexes', forbiddenInTransaction: false },
    ]);
    expect(locks('ALTER TABLE sales SPLIT PARTITION s12 INTO (PARTITION s1 FOR VALUES IN (1), PARTITION s2 DEFAULT)')).toEqual([
      { operation: 'alter_table.split_partition', locks: ['sales: AccessExclusive', 's12: AccessExclusive'], rewrite: 'table_and_indexes', forbiddenInTransaction: false },
    ]);
  });
});
