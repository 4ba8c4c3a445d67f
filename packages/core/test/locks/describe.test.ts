import { beforeAll, describe, expect, it } from 'vitest';
import { describeEffect, describeStatement, describeStatementLocks, displayRelation, type StatementLocks } from '../../src/index.ts';
import { catalogOf, parseAll, parseOne, ready } from './support/parse.ts';

beforeAll(() => ready);

const SCHEMA = `
CREATE TABLE users (id bigint PRIMARY KEY, email varchar(100) NOT NULL, name text, created timestamp, score numeric(10,2));
CREATE INDEX users_email ON users (email);
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint, CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id));
ALTER TABLE orders ADD CONSTRAINT orders_id_positive CHECK (id > 0) NOT VALID;
ALTER TABLE users ADD CONSTRAINT users_name_nn CHECK (name IS NOT NULL);
CREATE TABLE events (id int, at date) PARTITION BY RANGE (at);
`;

function describeSql(sql: string, version = 15, withCatalog = true): StatementLocks {
  return describeStatementLocks(parseOne(sql), { postgresVersion: version, ...(withCatalog ? { catalog: catalogOf(SCHEMA) } : {}) });
}

function strongest(locks: StatementLocks): Record<string, string> {
  return Object.fromEntries(locks.strongest.map((l) => [displayRelation(l.relation), l.mode]));
}

function ops(locks: StatementLocks): string[] {
  return locks.effects.map((e) => e.operation.id);
}

describe('describeStatementLocks', () => {
  it('takes the strictest lock of all ALTER TABLE subcommands', () => {
    const locks = describeSql('ALTER TABLE users ALTER COLUMN name SET STATISTICS 100, ADD COLUMN x int');
    expect(ops(locks)).toEqual(['alter_table.set_statistics', 'alter_table.add_column']);
    expect(strongest(locks)).toEqual({ users: 'AccessExclusive' });
    expect(describeSql('ALTER TABLE users ALTER COLUMN name SET STATISTICS 100, SET (fillfactor = 70)').strongest[0]!.mode).toBe('ShareUpdateExclusive');
  });

  it('resolves the referenced table of a foreign key from the constraint', () => {
    const locks = describeSql('ALTER TABLE orders ADD CONSTRAINT fk2 FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID');
    expect(strongest(locks)).toEqual({ orders: 'ShareRowExclusive', users: 'ShareRowExclusive' });
    expect(locks.effects[0]!.scan).toBe('none');
    expect(describeSql('ALTER TABLE orders ADD CONSTRAINT fk2 FOREIGN KEY (user_id) REFERENCES users (id)', 9.4).strongest.map((l) => l.mode)).toEqual(['AccessExclusive', 'AccessExclusive']);
  });

  it("finds an index's table in the catalog, and says so when it cannot", () => {
    expect(strongest(describeSql('DROP INDEX users_email'))).toEqual({ users_email: 'AccessExclusive', users: 'AccessExclusive' });
    const unknown = describeSql('DROP INDEX nowhere_idx');
    const table = unknown.strongest.find((l) => l.on === 'index_table')!;
    expect(table.relation).toMatchObject({ unresolved: true, name: 'its table (unknown: no migration creates nowhere_idx)' });
  });

  it('tells volatile from non-volatile defaults', () => {
    expect(ops(describeSql('ALTER TABLE users ADD COLUMN a timestamptz DEFAULT now()'))).toEqual(['alter_table.add_column.default']);
    expect(ops(describeSql('ALTER TABLE users ADD COLUMN a timestamptz DEFAULT clock_timestamp()'))).toEqual(['alter_table.add_column.volatile_default']);
    expect(ops(describeSql("ALTER TABLE users ADD COLUMN a uuid NOT NULL DEFAULT gen_random_uuid()"))).toEqual(['alter_table.add_column.volatile_default']);
    expect(ops(describeSql("ALTER TABLE users ADD COLUMN a int NOT NULL DEFAULT 0"))).toEqual(['alter_table.add_column.not_null_default']);
    const custom = describeSql('ALTER TABLE users ADD COLUMN a int DEFAULT my_func()');
    expect(ops(custom)).toEqual(['alter_table.add_column.volatile_default']);
    expect(custom.effects[0]!.uncertain).toMatch(/my_func/);
  });

  it('rewrites for a non-volatile default only before PostgreSQL 11', () => {
    expect(describeSql('ALTER TABLE users ADD COLUMN a int DEFAULT 0', 10).effects[0]!.rewrite).toBe('table_and_indexes');
    expect(describeSql('ALTER TABLE users ADD COLUMN a int DEFAULT 0', 11).effects[0]!.rewrite).toBe('none');
  });

  it('decides type changes from the old type in the catalog', () => {
    expect(ops(describeSql('ALTER TABLE users ALTER COLUMN email TYPE varchar(200)'))).toEqual(['alter_table.alter_column_type.no_rewrite']);
    expect(ops(describeSql('ALTER TABLE users ALTER COLUMN email TYPE text'))).toEqual(['alter_table.alter_column_type.no_rewrite']);
    expect(ops(describeSql('ALTER TABLE users ALTER COLUMN email TYPE varchar(50)'))).toEqual(['alter_table.alter_column_type']);
    expect(ops(describeSql('ALTER TABLE users ALTER COLUMN score TYPE numeric(12,2)'))).toEqual(['alter_table.alter_column_type.no_rewrite']);
    expect(ops(describeSql('ALTER TABLE users ALTER COLUMN id TYPE int'))).toEqual(['alter_table.alter_column_type']);
    expect(ops(describeSql('ALTER TABLE users ALTER COLUMN email TYPE varchar(200)', 9.1))).toEqual(['alter_table.alter_column_type']);
    const tz = describeSql('ALTER TABLE users ALTER COLUMN created TYPE timestamptz');
    expect(ops(tz)).toEqual(['alter_table.alter_column_type.index_rebuild']);
    expect(tz.effects[0]!.uncertain).toMatch(/TimeZone is UTC/);
  });

  it('says so when the old type is unknown instead of guessing', () => {
    const locks = describeSql('ALTER TABLE unknown_table ALTER COLUMN c TYPE text');
    expect(ops(locks)).toEqual(['alter_table.alter_column_type']);
    expect(locks.effects[0]!.uncertain).toMatch(/current type of column c is unknown/);
  });

  it('treats a USING that computes values as a rewrite', () => {
    expect(ops(describeSql('ALTER TABLE users ALTER COLUMN email TYPE text USING lower(email)'))).toEqual(['alter_table.alter_column_type']);
    expect(ops(describeSql('ALTER TABLE users ALTER COLUMN email TYPE text USING email::text'))).toEqual(['alter_table.alter_column_type.no_rewrite']);
  });

  it('skips the SET NOT NULL scan when a validated CHECK proves it (PostgreSQL 12+)', () => {
    expect(ops(describeSql('ALTER TABLE users ALTER COLUMN name SET NOT NULL'))).toEqual(['alter_table.set_not_null.proven']);
    expect(describeSql('ALTER TABLE users ALTER COLUMN name SET NOT NULL', 11).effects[0]!.scan).toBe('table');
    expect(ops(describeSql('ALTER TABLE users ALTER COLUMN created SET NOT NULL'))).toEqual(['alter_table.set_not_null']);
  });

  it('knows foreign keys from the catalog for VALIDATE and DROP CONSTRAINT', () => {
    expect(ops(describeSql('ALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk'))).toEqual(['alter_table.validate_constraint.foreign_key']);
    expect(ops(describeSql('ALTER TABLE orders VALIDATE CONSTRAINT orders_id_positive'))).toEqual(['alter_table.validate_constraint']);
    const drop = describeSql('ALTER TABLE orders DROP CONSTRAINT orders_user_fk');
    expect(ops(drop)).toEqual(['alter_table.drop_constraint.foreign_key']);
    expect(drop.strongest.map((l) => l.mode)).toEqual(['AccessExclusive', 'AccessExclusive']);
    const guessed = describeSql('ALTER TABLE other DROP CONSTRAINT other_user_id_fkey');
    expect(ops(guessed)).toEqual(['alter_table.drop_constraint.foreign_key']);
    expect(guessed.effects[0]!.uncertain).toMatch(/not in the catalog/);
  });

  it('follows the lock changes across versions', () => {
    expect(describeSql('ALTER INDEX users_email RENAME TO users_email2', 11).strongest[0]!.mode).toBe('AccessExclusive');
    expect(describeSql('ALTER INDEX users_email RENAME TO users_email2', 12).strongest[0]!.mode).toBe('ShareUpdateExclusive');
    expect(describeSql('ALTER TABLE events ATTACH PARTITION events_2024 FOR VALUES FROM (1) TO (2)', 11).strongest.find((l) => l.on === 'target')!.mode).toBe('AccessExclusive');
    expect(describeSql('ALTER TABLE events ATTACH PARTITION events_2024 FOR VALUES FROM (1) TO (2)', 12).strongest.find((l) => l.on === 'target')!.mode).toBe('ShareUpdateExclusive');
    expect(describeSql("ALTER TYPE mood ADD VALUE 'x'", 11).effects[0]!.forbiddenInTransaction).toBe(true);
    expect(describeSql("ALTER TYPE mood ADD VALUE 'x'", 12).effects[0]!.forbiddenInTransaction).toBe(false);
    expect(describeSql('ALTER SEQUENCE s RESTART', 9.6).strongest[0]!.mode).toBe('RowExclusive');
    expect(describeSql('ALTER TABLE users SET (fillfactor = 70)', 9.5).strongest[0]!.mode).toBe('AccessExclusive');
    expect(describeSql('ALTER TABLE users SET (fillfactor = 70)', 9.6).strongest[0]!.mode).toBe('ShareUpdateExclusive');
  });

  it('locks every partition when ALTER TABLE recurses into a partitioned table', () => {
    const locks = describeSql('ALTER TABLE events ADD COLUMN x int');
    expect(locks.strongest.map((l) => [displayRelation(l.relation), l.mode])).toEqual([
      ['events', 'AccessExclusive'],
      ['every partition of events', 'AccessExclusive'],
    ]);
    expect(describeSql('ALTER TABLE ONLY events ALTER COLUMN at SET STATISTICS 10').strongest).toHaveLength(1);
    expect(ops(describeSql('CREATE INDEX ON events (at)'))).toEqual(['create_index.partitioned']);
    expect(ops(describeSql('CREATE INDEX ON ONLY events (at)'))).toEqual(['create_index.only']);
  });

  it('uses the mode LOCK TABLE names', () => {
    expect(strongest(describeSql('LOCK TABLE users, orders IN SHARE ROW EXCLUSIVE MODE'))).toEqual({ users: 'ShareRowExclusive', orders: 'ShareRowExclusive' });
    expect(strongest(describeSql('LOCK users'))).toEqual({ users: 'AccessExclusive' });
  });

  it('covers the maintenance statements the model now types', () => {
    expect(ops(describeSql('VACUUM FULL users'))).toEqual(['vacuum.full']);
    expect(ops(describeSql('VACUUM (ANALYZE) users, orders'))).toEqual(['vacuum', 'vacuum']);
    expect(ops(describeSql('ANALYZE users'))).toEqual(['analyze']);
    expect(ops(describeSql('CLUSTER users USING users_email'))).toEqual(['cluster']);
    expect(ops(describeSql('CLUSTER'))).toEqual(['cluster.all']);
    expect(ops(describeSql('REFRESH MATERIALIZED VIEW CONCURRENTLY mv'))).toEqual(['refresh_materialized_view.concurrently']);
    expect(ops(describeSql('CREATE TRIGGER tr BEFORE INSERT ON users FOR EACH ROW EXECUTE FUNCTION f()'))).toEqual(['create_trigger']);
    expect(strongest(describeSql('DROP TRIGGER tr ON app.users'))).toEqual({ 'app.users': 'AccessExclusive' });
    expect(ops(describeSql('ALTER TABLE users DISABLE TRIGGER ALL'))).toEqual(['alter_table.enable_disable_trigger']);
  });

  it('answers again from memory for the same statement, catalog state and version, and anew when one changes', () => {
    const catalog = catalogOf(SCHEMA);
    const stmt = parseOne('ALTER TABLE users ADD COLUMN a int');
    expect(Object.isFrozen(stmt)).toBe(false);
    const first = describeStatementLocks(stmt, { postgresVersion: 15, catalog });
    expect(describeStatementLocks(stmt, { postgresVersion: 15, catalog })).toBe(first);
    expect(Object.isFrozen(first) && Object.isFrozen(first.effects) && Object.isFrozen(first.effects[0]!.locks)).toBe(true);
    expect(describeStatementLocks(stmt, { postgresVersion: 10, catalog })).not.toBe(first);
    // Another statement with the same text is another statement.
    expect(describeStatementLocks(parseOne('ALTER TABLE users ADD COLUMN a int'), { postgresVersion: 15, catalog })).not.toBe(first);
    const partitioned = parseOne('CREATE INDEX ON p (a)');
    expect(describeStatementLocks(partitioned, { postgresVersion: 15, catalog }).effects[0]!.operation.id).toBe('create_index');
    for (const created of parseAll('CREATE TABLE p (a int) PARTITION BY RANGE (a)')) catalog.apply(created, { file: 'later.sql', statement: 0 });
    expect(describeStatementLocks(partitioned, { postgresVersion: 15, catalog }).effects[0]!.operation.id).toBe('create_index.partitioned');
  });

  it('resolves the tables a statement reads, without CTE names', () => {
    const locks = describeSql('WITH recent AS (SELECT * FROM orders) INSERT INTO users (id, email) SELECT r.id, u.email FROM recent r JOIN users u ON u.id = r.user_id');
    expect(strongest(locks)).toEqual({ users: 'RowExclusive', orders: 'AccessShare' });
  });

  it('locks the referenced tables of a table with foreign keys on INSERT and DROP', () => {
    const insert = describeSql('INSERT INTO orders (id, user_id) VALUES (1, 1)');
    expect(insert.strongest.find((l) => l.on === 'referenced_table')).toMatchObject({ mode: 'RowShare', relation: { unresolved: true } });
    expect(describeSql('INSERT INTO users (id, email) VALUES (1, 1)').strongest).toHaveLength(1);
    expect(describeSql('UPDATE orders SET id = 2').strongest).toHaveLength(1);
    expect(describeSql('DROP TABLE orders').strongest.map((l) => l.on)).toEqual(['target', 'referenced_table']);
    expect(describeSql('DROP TABLE users').strongest.map((l) => l.on)).toEqual(['target']);
  });

  it('renders one sentence per effect and per statement', () => {
    expect(describeEffect(describeSql('ALTER TABLE users ADD COLUMN a float8 DEFAULT random()').effects[0]!)).toBe(
      'takes ACCESS EXCLUSIVE on users (blocks reads and writes) and rewrites the table and its indexes',
    );
    expect(describeStatement(describeSql('ALTER TABLE orders ADD CONSTRAINT fk2 FOREIGN KEY (user_id) REFERENCES users (id)'))).toBe(
      'takes SHARE ROW EXCLUSIVE on orders and users (blocks writes) and scans the whole table',
    );
    expect(describeStatement(describeSql('ALTER TABLE users DROP COLUMN name'))).toBe('takes ACCESS EXCLUSIVE on users (blocks reads and writes), briefly (catalog-only)');
    expect(describeStatement(describeSql("ALTER TYPE mood ADD VALUE 'x'"))).toBe('takes no table locks');
  });
});
