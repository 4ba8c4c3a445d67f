import { describe, expect, it } from 'vitest';
import type { Delete, RuleContext, Update } from '@sqlwarden/core';
import { RuleTester } from '@sqlwarden/core/testing';
import rule from './index.ts';

const MIGRATION_UPDATE = /In a migration this rewrites every row under a ROW EXCLUSIVE lock in one transaction: .*blocking concurrent UPDATE, DELETE and SELECT \.\.\. FOR UPDATE of those rows .*Backfill in batches instead/;
const MIGRATION_DELETE = /In a migration this locks every row until the transaction commits, blocking concurrent UPDATE, DELETE and SELECT \.\.\. FOR UPDATE of those rows \(reads continue\), and leaves them all as dead tuples for VACUUM\. Delete in batches .*or use TRUNCATE if its ACCESS EXCLUSIVE lock is acceptable/;
const ALWAYS_TRUE = /is always true, selecting every row of `t`; (backfill in batches|delete in batches, or use TRUNCATE|write the condition that selects the rows)$/;

new RuleTester().run(rule, {
  valid: [
    'UPDATE t SET a = 1 WHERE id = 5',
    'DELETE FROM t WHERE id = $1',
    'DELETE FROM t WHERE created_at < now() - interval \'30 days\'',
    'UPDATE t SET a = 1 WHERE a IS NULL',
    'UPDATE t SET a = 1 WHERE a IS NOT NULL',
    'UPDATE t SET a = b WHERE a <> b',
    'UPDATE t SET a = 1 WHERE a = 1 OR b = 2',
    'UPDATE t SET a = 1 WHERE false',
    'UPDATE t SET a = 1 WHERE 1 = 2',
    'UPDATE t SET a = 1 WHERE NULL',
    'UPDATE t SET a = 1 WHERE 1 = 1 AND id = 5',
    'UPDATE t SET a = 1 WHERE id = 5 AND true',
    "DELETE FROM t WHERE 'a' = 'b'",
    "DELETE FROM t WHERE 'a' < 'b'", // depends on the collation: not folded
    'DELETE FROM t WHERE 1 IN (2, 3)',
    'DELETE FROM t WHERE NOT true',
    'DELETE FROM t WHERE a = $1 OR a IS NULL',
    'DELETE FROM t WHERE random() > 0.5',
    // Different columns, or a join condition, are not self-comparisons.
    'UPDATE t SET a = 1 WHERE a = b',
    'UPDATE t SET a = u.a FROM u WHERE t.id = u.id',
    'UPDATE t SET a = u.a FROM u WHERE t.a = u.a',
    'DELETE FROM t USING u WHERE t.id = u.id',
    'DELETE FROM t WHERE a IS NULL OR b IS NOT NULL',
    // A cursor position is one row.
    'UPDATE t SET a = 1 WHERE CURRENT OF c',
    'DELETE FROM t WHERE CURRENT OF c',
    // Tables created earlier in the same file are new and empty.
    'CREATE TABLE t (id int, a int);\nUPDATE t SET a = 1;\nDELETE FROM t;',
    'CREATE TABLE app.t (id int, a int);\nUPDATE app.t SET a = 1;',
    'CREATE TABLE t (id int);\nWITH d AS (DELETE FROM t RETURNING id) SELECT count(*) FROM d',
    // TRUNCATE only with the option.
    'TRUNCATE t',
    { code: 'CREATE TABLE t (id int);\nTRUNCATE t;', options: { truncate: true } },
    // Rollbacks undo what their up part did (a seed's rows, a backfill): only findings whose statement
    // fails as written are reported there by default, and an UPDATE or DELETE of every row does not fail.
    { name: 'a goose Down section emptying a seeded table', code: "-- +goose Up\nINSERT INTO plans (name) VALUES ('free');\n-- +goose Down\nDELETE FROM plans;", schema: 'CREATE TABLE plans (name text);' },
    { name: 'a down file resetting a backfilled column', code: 'UPDATE users SET plan = NULL;', filename: 'migrations/0002_backfill_plan.down.sql' },
    // Not DML.
    'SELECT * FROM t',
    'INSERT INTO t (a) VALUES (1)',
    'INSERT INTO t (a) VALUES (1) ON CONFLICT (a) DO UPDATE SET a = excluded.a',
  ],
  invalid: [
    {
      code: 'UPDATE t SET a = 1',
      errors: [{ message: '`UPDATE` without `WHERE` rewrites and locks every row of `t`; backfill in batches', detail: MIGRATION_UPDATE, line: 1, column: 1, endLine: 1, endColumn: 9 }],
      output: null,
    },
    {
      code: 'DELETE FROM t',
      errors: [{ message: '`DELETE` without `WHERE` deletes and locks every row of `t`; delete in batches, or use TRUNCATE', detail: MIGRATION_DELETE, line: 1, column: 1, endColumn: 14 }],
    },
    {
      name: 'query file wording',
      code: 'UPDATE t SET a = 1',
      migration: false,
      errors: [{ message: '`UPDATE` without `WHERE` affects every row of `t`; add the `WHERE` clause that selects the rows to change', detail: /^Outside migrations an UPDATE or DELETE of every row is almost always a bug/ }],
    },
    { name: 'query file wording, DELETE', code: 'DELETE FROM t', migration: false, errors: [{ message: /^`DELETE` without `WHERE` affects every row of `t`; add the `WHERE` clause/ }] },
    {
      name: 'tautology in a query file',
      code: 'DELETE FROM t WHERE 1 = 1',
      migration: false,
      errors: [
        {
          message: '`WHERE 1 = 1` is always true, selecting every row of `t`; write the condition that selects the rows',
          detail: /^An always-true condition only hides the missing filter .*Outside migrations an UPDATE or DELETE of every row is almost always a bug/,
          column: 21,
          endColumn: 26,
        },
      ],
    },
    { name: 'schema-qualified table', code: 'UPDATE app.accounts SET a = 1', errors: [{ message: /every row of `app\.accounts`/, column: 1, endColumn: 20 }] },
    { name: 'ONLY', code: 'DELETE FROM ONLY t', errors: [{ message: /^`DELETE` without `WHERE`/, column: 1 }] },
    { name: 'UPDATE ... FROM without WHERE', code: 'UPDATE t SET a = u.a FROM u', errors: [{ message: /^`UPDATE` without `WHERE` rewrites and locks every row of `t`/ }] },
    { name: 'DELETE ... USING without WHERE', code: 'DELETE FROM t USING u', errors: [{ message: /^`DELETE` without `WHERE` deletes and locks every row of `t`/ }] },
    { name: 'RETURNING', code: 'UPDATE t SET a = 1 RETURNING *', errors: 1 },
    {
      name: 'data-modifying CTE',
      code: 'WITH gone AS (DELETE FROM t RETURNING *) SELECT count(*) FROM gone',
      errors: [{ message: /^`DELETE` without `WHERE` deletes and locks every row of `t`/, column: 15, endColumn: 28 }],
    },
    {
      name: 'UPDATE in a CTE of an INSERT',
      code: 'WITH u AS (UPDATE t SET a = 1 RETURNING id) INSERT INTO log (id) SELECT id FROM u',
      errors: [{ message: /^`UPDATE` without `WHERE` rewrites and locks every row of `t`/, column: 12, endColumn: 20 }],
    },
    {
      name: 'the top-level statement of a WITH is reported at its own keyword',
      code: 'WITH x AS (SELECT 1)\nDELETE FROM t',
      errors: [{ line: 2, column: 1, endColumn: 14 }],
    },
    { name: 'WHERE true', code: 'UPDATE t SET a = 1 WHERE true', errors: [{ message: '`WHERE true` is always true, selecting every row of `t`; backfill in batches', detail: /^An always-true condition only hides the missing filter .*In a migration this rewrites every row/, column: 26, endColumn: 30 }] },
    { name: 'WHERE 1 (MySQL truthiness)', code: 'DELETE FROM t WHERE 1', errors: [{ message: ALWAYS_TRUE }] },
    { name: "WHERE 'a' = 'a'", code: "DELETE FROM t WHERE 'a' = 'a'", errors: [{ message: ALWAYS_TRUE }] },
    { name: "WHERE 't' (boolean input string)", code: "DELETE FROM t WHERE 't'", errors: [{ message: ALWAYS_TRUE }] },
    { name: 'WHERE NOT false', code: 'DELETE FROM t WHERE NOT false', errors: [{ message: ALWAYS_TRUE }] },
    { name: 'WHERE 1 <> 2', code: 'DELETE FROM t WHERE 1 <> 2', errors: [{ message: ALWAYS_TRUE }] },
    { name: 'WHERE 2 > 1', code: 'DELETE FROM t WHERE 2 > 1', errors: [{ message: ALWAYS_TRUE }] },
    { name: 'WHERE 1 != 2', code: 'DELETE FROM t WHERE 1 != 2', errors: [{ message: ALWAYS_TRUE }] },
    { name: 'WHERE TRUE AND TRUE', code: 'DELETE FROM t WHERE TRUE AND TRUE', errors: [{ message: ALWAYS_TRUE }] },
    { name: "WHERE 'a' IS NOT NULL", code: "DELETE FROM t WHERE 'a' IS NOT NULL", errors: [{ message: ALWAYS_TRUE }] },
    { name: 'WHERE NULL IS NULL', code: 'DELETE FROM t WHERE NULL IS NULL', errors: [{ message: ALWAYS_TRUE }] },
    { name: 'WHERE true OR <anything>', code: 'DELETE FROM t WHERE true OR id = $1', errors: [{ message: ALWAYS_TRUE }] },
    { name: 'WHERE <anything> OR 1=1', code: 'UPDATE t SET a = 1 WHERE id = $1 OR 1=1', errors: [{ message: /^`WHERE id = \$1 OR 1=1` is always true/ }] },
    { name: 'WHERE 1 = 1 in parentheses', code: 'DELETE FROM t WHERE (1 = 1)', errors: [{ message: ALWAYS_TRUE }] },
    { name: 'WHERE 1 IN (1, 2)', code: 'DELETE FROM t WHERE 1 IN (1, 2)', errors: [{ message: ALWAYS_TRUE }] },
    { name: 'WHERE 5 BETWEEN 1 AND 10', code: 'DELETE FROM t WHERE 5 BETWEEN 1 AND 10', errors: [{ message: ALWAYS_TRUE }] },
    { name: 'WHERE 1 + 1 = 2', code: 'DELETE FROM t WHERE 1 + 1 = 2', errors: [{ message: ALWAYS_TRUE }] },
    { name: "WHERE '1' = 1", code: "DELETE FROM t WHERE '1' = 1", errors: [{ message: ALWAYS_TRUE }] },
    { name: "WHERE 'true'::boolean", code: "DELETE FROM t WHERE 'true'::boolean", errors: [{ message: ALWAYS_TRUE }] },
    { name: 'WHERE (1 = 1) IS TRUE', code: 'DELETE FROM t WHERE (1 = 1) IS TRUE', errors: [{ message: ALWAYS_TRUE }] },
    { name: 'WHERE NULL IS NOT DISTINCT FROM NULL', code: 'DELETE FROM t WHERE NULL IS NOT DISTINCT FROM NULL', errors: [{ message: ALWAYS_TRUE }] },
    { name: 'WHERE NOT (1 = 2)', code: 'DELETE FROM t WHERE NOT (1 = 2)', errors: [{ message: ALWAYS_TRUE }] },
    {
      name: 'x IS NULL OR x IS NOT NULL',
      code: 'DELETE FROM t WHERE x IS NULL OR x IS NOT NULL',
      errors: [{ message: /^`WHERE x IS NULL OR x IS NOT NULL` is always true/, column: 21, endColumn: 47 }],
    },
    { name: 'complementary tests with NOT', code: 'DELETE FROM t WHERE NOT (x IS NULL) OR x IS NULL', errors: [{ message: ALWAYS_TRUE }] },
    { name: 'complementary boolean tests', code: 'DELETE FROM t WHERE flag IS TRUE OR flag IS NOT TRUE', errors: [{ message: ALWAYS_TRUE }] },
    { name: 'complementary tests among other conditions', code: 'DELETE FROM t WHERE id = 1 OR t.x IS NULL OR t.x IS NOT NULL', errors: [{ message: ALWAYS_TRUE }] },
    { name: 'col IS NOT DISTINCT FROM col', code: 'DELETE FROM t WHERE a IS NOT DISTINCT FROM a', errors: [{ message: ALWAYS_TRUE }] },
    {
      name: 'col = col skips NULL rows',
      code: 'UPDATE t SET a = 1 WHERE a = a',
      errors: [
        {
          message: '`WHERE a = a` matches every row of `t` where `a` is not NULL; backfill in batches',
          detail: /^A comparison of `a` with itself is NULL, not true, where `a` is NULL: `WHERE a = a` is true for every other row, so besides touching all of them it silently skips the rows where `a` is NULL\. In a migration this rewrites/,
          column: 26,
          endColumn: 31,
        },
      ],
    },
    {
      name: 'qualified and unqualified self-comparison (no other table)',
      code: 'UPDATE t SET a = 1 WHERE t.a = a',
      errors: [{ message: /^`WHERE t\.a = a` matches every row of `t` where `t\.a` is not NULL/, column: 26, endColumn: 33 }],
    },
    { name: 'alias self-comparison', code: 'DELETE FROM t AS x WHERE x.a >= a', errors: [{ message: /matches every row of `t` where `x\.a` is not NULL/ }] },
    { name: 'same unqualified column with a FROM list', code: 'UPDATE t SET a = 1 FROM u WHERE b = b', errors: [{ message: /where `[ab]` is not NULL/, detail: /silently skips the rows where `[ab]` is NULL/ }] },
    { name: 'col = col OR anything', code: 'DELETE FROM t WHERE a = a OR b = 1', errors: [{ message: /where `[ab]` is not NULL/, detail: /silently skips the rows where `[ab]` is NULL/ }] },
    { name: 'NOT (col <> col)', code: 'DELETE FROM t WHERE NOT (a <> a)', errors: [{ message: /where the column is not NULL/, detail: /silently skips the rows where the column is NULL/ }] },
    { name: 'col = col AND true', code: 'DELETE FROM t WHERE a = a AND true', errors: [{ message: /where `[ab]` is not NULL/, detail: /silently skips the rows where `[ab]` is NULL/ }] },
    {
      name: 'long conditions are shortened in the message',
      code: "DELETE FROM t WHERE 'aaaaaaaaaaaaaaaaaaaa' = 'aaaaaaaaaaaaaaaaaaaa' AND 'bbbbbbbbbb' = 'bbbbbbbbbb'",
      errors: [{ message: /^`WHERE 'aaaaaaaaaaaaaaaaaaaa' = 'aaaaaaaaaaaaaaaaaaa\.\.\.` is always true, selecting every row of `t`/ }],
    },
    {
      name: 'TRUNCATE with the option',
      code: 'TRUNCATE t, app.u',
      options: { truncate: true },
      errors: [
        {
          message: '`TRUNCATE` empties `t`, `app.u` under an ACCESS EXCLUSIVE lock; make sure emptying it is intended',
          detail: 'TRUNCATE removes every row of `t`, `app.u` unconditionally and holds an ACCESS EXCLUSIVE lock, blocking all reads and writes until the transaction commits. To remove only some rows, use DELETE with a WHERE clause.',
          column: 1,
          endColumn: 11,
        },
      ],
    },
    { name: 'TRUNCATE TABLE of an old and a new table names only the old one', code: 'CREATE TABLE n (id int);\nTRUNCATE TABLE n, t;', options: { truncate: true }, errors: [{ message: /^`TRUNCATE` empties `t` under/, line: 2, column: 1, endColumn: 20 }] },
    {
      name: 'a table created in an earlier migration is not exempt',
      code: 'UPDATE t SET a = 1',
      schema: 'CREATE TABLE t (id int, a int);',
      errors: 1,
    },
    {
      name: 'a table created later in the file is not exempt',
      code: 'UPDATE t SET a = 1;\nCREATE TABLE t2 (id int);\nDELETE FROM t2;',
      errors: [{ line: 1 }],
    },
    {
      name: 'positions after multi-byte text',
      code: '-- 日本語 😀\n/* é😀 */ UPDATE t SET a = 1; -- 🎉\n  DELETE FROM t WHERE 1 = 1 -- ✓',
      errors: [
        { line: 2, column: 11, endLine: 2, endColumn: 19 },
        { line: 3, column: 23, endLine: 3, endColumn: 28 },
      ],
    },
    {
      name: 'a goose Down section with rollbacks: all',
      code: "-- +goose Up\nINSERT INTO plans (name) VALUES ('free');\n-- +goose Down\nDELETE FROM plans;",
      schema: 'CREATE TABLE plans (name text);',
      settings: { rollbacks: 'all' },
      errors: [{ message: /^`DELETE` without `WHERE` deletes and locks every row of `plans`/, line: 4 }],
    },
    { name: 'a down file with rollbacks: all', code: 'UPDATE users SET plan = NULL;', filename: 'migrations/0002_backfill_plan.down.sql', settings: { rollbacks: 'all' }, errors: 1 },
    { name: 'several statements', code: 'UPDATE a SET x = 1;\nUPDATE b SET x = 1 WHERE id = 1;\nDELETE FROM c;', errors: [{ line: 1 }, { line: 3 }] },
  ],
});

/**
 * MySQL's `UPDATE ... LIMIT n` and `DELETE ... LIMIT n` bound the statement. The PostgreSQL parser
 * cannot produce them (PostgreSQL has no such syntax) and the MySQL adapter is not there yet, so
 * this drives the visitor with model nodes built by hand.
 */
describe('require-where with MySQL LIMIT', () => {
  const range = { start: 0, end: 10 };
  const table = { type: 'TableRef' as const, name: 't', only: false, range };
  const limit = { type: 'Literal' as const, kind: 'integer' as const, value: 100, range };
  const run = (node: Update | Delete): string[] => {
    const reports: string[] = [];
    const context = {
      options: { truncate: false },
      file: { text: 'UPDATE t SET a = 1 LIMIT 100', isMigration: true, isTableCreatedInFile: () => false },
      getText: () => 'x',
      report: (d: { message: string }) => reports.push(d.message),
    } as unknown as RuleContext<{ truncate: boolean }>;
    const visitor = rule.create(context);
    if (node.type === 'Update') visitor.Update?.(node);
    else visitor.Delete?.(node);
    return reports;
  };

  it('does not report UPDATE ... LIMIT without WHERE', () => {
    expect(run({ type: 'Update', with: [], table, set: [], from: [], returning: [], limit, range })).toEqual([]);
  });
  it('does not report DELETE ... LIMIT without WHERE', () => {
    expect(run({ type: 'Delete', with: [], table, using: [], returning: [], limit, range })).toEqual([]);
  });
  it('reports the same statement without LIMIT', () => {
    expect(run({ type: 'Delete', with: [], table, using: [], returning: [], range })).toHaveLength(1);
  });
});
