import { beforeAll, describe, expect, it } from 'vitest';
import { initPostgres, postgresAdapter, type AlterTable, type Statement } from '../../src/index.ts';

beforeAll(() => initPostgres());

function parse(sql: string): Statement {
  const parsed = postgresAdapter.parseSegment(sql, { start: 0, end: sql.length });
  if (parsed.error || !parsed.statements[0]) throw new Error(`does not parse: ${sql}`);
  return parsed.statements[0];
}

function actions(sql: string): Array<Record<string, unknown>> {
  const stmt = parse(sql) as AlterTable;
  return stmt.actions.map(({ action, column, options, trigger, index, value, constraintName, finalize }) =>
    Object.fromEntries(Object.entries({ action, column, options, trigger, index, value, constraintName, finalize }).filter(([, v]) => v !== undefined)),
  );
}

describe('maintenance and utility statements in the model', () => {
  it('VACUUM and ANALYZE', () => {
    expect(parse('VACUUM FULL app.t')).toMatchObject({ type: 'Vacuum', vacuum: true, full: true, analyze: false, tables: [{ schema: 'app', name: 't' }] });
    expect(parse('VACUUM (ANALYZE, VERBOSE) t, u (a)')).toMatchObject({ type: 'Vacuum', full: false, analyze: true, options: ['analyze', 'verbose'], tables: [{ name: 't' }, { name: 'u' }] });
    expect(parse('VACUUM (FULL false) t')).toMatchObject({ full: false });
    expect(parse('ANALYZE t')).toMatchObject({ type: 'Vacuum', vacuum: false, analyze: true });
    expect(parse('VACUUM')).toMatchObject({ type: 'Vacuum', tables: [] });
  });

  it('CLUSTER, REFRESH MATERIALIZED VIEW, LOCK TABLE', () => {
    expect(parse('CLUSTER t USING t_idx')).toMatchObject({ type: 'Cluster', table: { name: 't' }, index: 't_idx' });
    expect(parse('CLUSTER')).toEqual(expect.objectContaining({ type: 'Cluster' }));
    expect(parse('CLUSTER')).not.toHaveProperty('table');
    expect(parse('REFRESH MATERIALIZED VIEW CONCURRENTLY s.mv WITH NO DATA')).toMatchObject({ type: 'RefreshMaterializedView', name: { schema: 's', name: 'mv' }, concurrently: true, withData: false });
    expect(parse('LOCK TABLE a, b IN SHARE ROW EXCLUSIVE MODE NOWAIT')).toMatchObject({ type: 'LockTable', tables: [{ name: 'a' }, { name: 'b' }], mode: 'ShareRowExclusive', nowait: true });
    expect(parse('LOCK a')).toMatchObject({ mode: 'AccessExclusive', nowait: false });
    expect(parse('LOCK a IN ACCESS SHARE MODE')).toMatchObject({ mode: 'AccessShare' });
  });

  it('ALTER TYPE ... VALUE, ALTER SEQUENCE, CREATE TRIGGER, DROP TRIGGER ... ON', () => {
    expect(parse("ALTER TYPE app.mood ADD VALUE IF NOT EXISTS 'meh' AFTER 'ok'")).toMatchObject({
      type: 'AlterEnum',
      name: { schema: 'app', name: 'mood' },
      action: 'add_value',
      value: 'meh',
      neighbor: { value: 'ok', position: 'after' },
      ifNotExists: true,
    });
    expect(parse("ALTER TYPE mood RENAME VALUE 'a' TO 'b'")).toMatchObject({ type: 'AlterEnum', action: 'rename_value', oldValue: 'a', value: 'b' });
    expect(parse('ALTER SEQUENCE IF EXISTS s RESTART WITH 5 INCREMENT BY 2')).toMatchObject({ type: 'AlterSequence', name: { name: 's' }, options: ['restart', 'increment'], ifExists: true });
    expect(parse('CREATE OR REPLACE TRIGGER tr AFTER INSERT ON app.t FOR EACH ROW EXECUTE FUNCTION f()')).toMatchObject({
      type: 'CreateTrigger',
      name: 'tr',
      table: { schema: 'app', name: 't' },
      orReplace: true,
      constraint: false,
    });
    expect(parse('DROP TRIGGER tr ON app.t')).toMatchObject({ type: 'Drop', objectKind: 'trigger', names: [{ name: 'tr' }], table: { schema: 'app', name: 't' } });
  });

  it('ALTER TABLE subcommands the lock model tells apart', () => {
    expect(
      actions(
        'ALTER TABLE t ALTER COLUMN n SET STATISTICS 100, ALTER COLUMN c SET STORAGE EXTERNAL, SET (fillfactor = 70, toast.autovacuum_enabled = false), ' +
          'RESET (autovacuum_enabled), SET ACCESS METHOD heap, CLUSTER ON i, SET WITHOUT CLUSTER, ALTER COLUMN n SET (n_distinct = 1), ALTER COLUMN n RESET (n_distinct)',
      ),
    ).toEqual([
      { action: 'set_statistics', column: 'n' },
      { action: 'set_storage', column: 'c', value: 'external' },
      { action: 'set_reloptions', options: ['fillfactor', 'toast.autovacuum_enabled'] },
      { action: 'reset_reloptions', options: ['autovacuum_enabled'] },
      { action: 'set_access_method', value: 'heap' },
      { action: 'cluster_on', index: 'i' },
      { action: 'set_without_cluster' },
      { action: 'set_column_options', column: 'n', options: ['n_distinct'] },
      { action: 'reset_column_options', column: 'n', options: ['n_distinct'] },
    ]);
    expect(actions('ALTER TABLE t ENABLE TRIGGER tr, DISABLE TRIGGER ALL, ENABLE REPLICA TRIGGER x, DISABLE TRIGGER USER, ENABLE ALWAYS TRIGGER y')).toEqual([
      { action: 'enable_trigger', trigger: 'tr' },
      { action: 'disable_trigger', trigger: 'ALL' },
      { action: 'enable_trigger', trigger: 'x' },
      { action: 'disable_trigger', trigger: 'USER' },
      { action: 'enable_trigger', trigger: 'y' },
    ]);
    expect(actions('ALTER TABLE t ALTER CONSTRAINT t_fk DEFERRABLE')).toEqual([{ action: 'alter_constraint', constraintName: 't_fk' }]);
    expect(actions('ALTER TABLE p DETACH PARTITION p1 FINALIZE')).toEqual([{ action: 'detach_partition', finalize: true }]);
    expect(actions('ALTER TABLE t OWNER TO bob')).toEqual([{ action: 'other' }]);
  });
});
