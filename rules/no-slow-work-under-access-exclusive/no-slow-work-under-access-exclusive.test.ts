import { RuleTester } from '@sqlwarden/core/testing';
import rule from './index.ts';

const schema = `
CREATE TABLE users (id bigint PRIMARY KEY, email text, plan text);
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint, amount int, note text);
CREATE TABLE audit (id bigint, at timestamptz);
ALTER TABLE orders ADD CONSTRAINT orders_amount_positive CHECK (amount > 0) NOT VALID;
CREATE MATERIALIZED VIEW totals AS SELECT user_id, sum(amount) AS total FROM orders GROUP BY user_id;
`;
const none = { migrationTransaction: 'none' as const };

new RuleTester().run(rule, {
  valid: [
    // PostgreSQL 15: SET NOT NULL on a column that is already NOT NULL checks no rows (seq_scan unchanged).
    { code: 'ALTER TABLE users ADD COLUMN nickname text;\nALTER TABLE orders ALTER COLUMN id SET NOT NULL;', schema, name: 'SET NOT NULL on a column already NOT NULL' },
    // Brief statements after the lock: nothing slow.
    { code: 'ALTER TABLE users ADD COLUMN nickname text;\nALTER TABLE users ALTER COLUMN nickname SET DEFAULT \'\';\nCOMMENT ON COLUMN users.nickname IS \'x\';', schema },
    // Slow work first, then the brief ACCESS EXCLUSIVE change: the lock is held only at the end.
    { code: 'CREATE INDEX orders_amount ON orders (amount);\nALTER TABLE users ADD COLUMN nickname text;', schema },
    // Separate transactions.
    { code: 'BEGIN;\nALTER TABLE users ADD COLUMN nickname text;\nCOMMIT;\nBEGIN;\nCREATE INDEX orders_amount ON orders (amount);\nCOMMIT;', schema },
    { code: 'ALTER TABLE users ADD COLUMN nickname text;\nCREATE INDEX orders_amount ON orders (amount);', schema, settings: none },
    { code: '-- +goose Up\n-- +goose NO TRANSACTION\nALTER TABLE users ADD COLUMN nickname text;\nCREATE INDEX orders_amount ON orders (amount);', schema },
    // Locks weaker than ACCESS EXCLUSIVE leave reads running (require-not-valid-constraint judges VALIDATE after them).
    { code: 'CREATE INDEX orders_user ON orders (user_id);\nCREATE INDEX orders_amount ON orders (amount);', schema },
    { code: "ALTER TABLE users SET (fillfactor = 90);\nUPDATE users SET plan = 'free';", schema },
    // The slow statement takes ACCESS EXCLUSIVE on the same table itself: the earlier lock adds nothing.
    { code: 'ALTER TABLE orders ADD COLUMN tag text;\nALTER TABLE orders ALTER COLUMN amount TYPE bigint;', schema },
    // Work on tables created or truncated in this file is instant.
    { code: 'ALTER TABLE users ADD COLUMN nickname text;\nCREATE TABLE payments (id bigint, amount int);\nCREATE INDEX payments_amount ON payments (amount);\nUPDATE payments SET amount = 0;', schema },
    { code: 'CREATE TABLE payments (id bigint, amount int);\nALTER TABLE payments ADD COLUMN note text;\nCREATE INDEX payments_amount ON payments (amount);', schema },
    { code: 'TRUNCATE audit;\nALTER TABLE users ADD COLUMN nickname text;\nCREATE INDEX audit_at ON audit (at);', schema },
    // Key lookups are not backfills; tables the catalog does not know are not judged by their WHERE.
    { code: "ALTER TABLE users ADD COLUMN nickname text;\nUPDATE users SET plan = 'pro' WHERE id = 42;\nDELETE FROM orders WHERE id IN (1, 2, 3);", schema },
    { code: "ALTER TABLE users ADD COLUMN nickname text;\nUPDATE unknown_table SET x = 1 WHERE y > 0;", schema },
    { code: "ALTER TABLE users ADD COLUMN nickname text;\nINSERT INTO audit (id, at) VALUES (1, now());", schema },
    // INSERT ... SELECT of a few rows: a key lookup or one aggregate row is not a copy of the table.
    { name: 'INSERT ... SELECT by primary key', code: 'ALTER TABLE users ADD COLUMN nickname text;\nINSERT INTO audit (id, at) SELECT id, now() FROM orders WHERE id = 1;', schema },
    { name: 'INSERT ... SELECT one aggregate row', code: 'ALTER TABLE users ADD COLUMN nickname text;\nINSERT INTO audit (id, at) SELECT max(id) + 1, now() FROM orders;', schema },
    { name: 'INSERT ... SELECT by a constant on a table the catalog does not know', code: "ALTER TABLE users ADD COLUMN nickname text;\nINSERT INTO audit (id, at) SELECT id, now() FROM settings WHERE key = 'x';", schema },
    // Not a migration.
    { code: 'ALTER TABLE users ADD COLUMN nickname text;\nCREATE INDEX orders_amount ON orders (amount);', schema, migration: false },
    // VALIDATE of the table the earlier statement locked: require-not-valid-constraint reports it.
    { code: 'ALTER TABLE orders ADD COLUMN tag text;\nALTER TABLE orders VALIDATE CONSTRAINT orders_amount_positive;', schema },
    // REFRESH CONCURRENTLY scans, but the earlier lock is on a new table.
    { code: 'CREATE TABLE t2 (id int);\nALTER TABLE t2 ADD COLUMN x int;\nREFRESH MATERIALIZED VIEW CONCURRENTLY totals;', schema },
  ],
  invalid: [
    // PostgreSQL 19: REPACK rewrites its table (no PG 19 server here; facts in locks/VERIFICATION.md).
    {
      code: 'BEGIN;\nALTER TABLE users ADD COLUMN nickname text;\nREPACK orders;\nCOMMIT;',
      schema,
      settings: { postgresVersion: 19 },
      errors: [{ message: 'This statement rewrites `orders` while `users` stays unreadable; commit after line 2', detail: /^`REPACK orders` rewrites `orders` and its indexes while this transaction still holds the ACCESS EXCLUSIVE lock on `users`/, line: 3 }],
    },
    {
      code: 'BEGIN;\nALTER TABLE users ADD COLUMN nickname text;\nCREATE INDEX orders_amount ON orders (amount);\nCOMMIT;',
      schema,
      errors: [
        {
          message: 'This statement builds an index on `orders` while `users` stays unreadable; commit after line 2',
          detail:
            '`CREATE INDEX orders_amount ON orders (amount)` builds an index by scanning all of `orders` while this transaction still holds the ACCESS EXCLUSIVE lock on `users` that `ALTER TABLE users ADD COLUMN nickname text` took at line 2: reads and writes on `users` wait until the transaction ends, so they wait for all of this work, not just for the moment the earlier statement needed. Locks are released only at COMMIT (it is inside BEGIN ... COMMIT): end the transaction after line 2 (run this statement in a transaction or migration of its own).',
          line: 3,
          column: 1,
          endLine: 3,
        },
      ],
    },
    // A backfill of the same table after a brief ALTER: the table is unreadable for the whole UPDATE.
    {
      code: "ALTER TABLE users ADD COLUMN nickname text;\nUPDATE users SET nickname = email;",
      schema,
      errors: [{ message: 'This statement updates every row of `users` while `users` stays unreadable; commit after line 1 and backfill in batches', detail: /^`UPDATE users SET nickname = email` updates every row of `users` while this transaction still holds the ACCESS EXCLUSIVE lock on `users` .* \(its statements run as one implicit transaction if the file is sent as one query string, which is assumed because no migration tool was recognised; .*, and backfill in batches outside the DDL transaction\.$/ }],
    },
    {
      code: "ALTER TABLE users ADD COLUMN nickname text;\nUPDATE users SET nickname = email WHERE nickname IS NULL;",
      schema,
      errors: [{ message: /^This statement updates rows of `users` while/, detail: /updates every row of `users` that matches its WHERE \(not a primary or unique key lookup\)/ }],
    },
    { code: 'ALTER TABLE users ADD COLUMN nickname text;\nDELETE FROM audit;', schema, errors: [{ detail: /deletes every row of `audit`/ }] },
    { code: 'ALTER TABLE users ADD COLUMN nickname text;\nINSERT INTO audit (id, at) SELECT id, now() FROM orders;', schema, errors: [{ detail: /copies the rows of `orders` into `audit`/ }] },
    { name: 'INSERT ... SELECT by a column that is not a key', code: 'ALTER TABLE users ADD COLUMN nickname text;\nINSERT INTO audit (id) SELECT id FROM orders WHERE amount = 5;', schema, errors: [{ detail: /copies the rows of `orders`/ }] },
    { name: 'INSERT ... SELECT aggregate per group', code: 'ALTER TABLE users ADD COLUMN nickname text;\nINSERT INTO audit (id) SELECT max(id) FROM orders GROUP BY user_id;', schema, errors: 1 },
    { name: 'INSERT ... SELECT with a window function returns every row', code: 'ALTER TABLE users ADD COLUMN nickname text;\nINSERT INTO audit (id) SELECT count(*) OVER () FROM orders;', schema, errors: 1 },
    { name: 'INSERT ... SELECT joining a key lookup to a whole table', code: 'ALTER TABLE users ADD COLUMN nickname text;\nINSERT INTO audit (id) SELECT o.id FROM orders o JOIN users u ON u.id = o.user_id WHERE o.id = 1;', schema, errors: 1 },
    // VALIDATE scans under SHARE UPDATE EXCLUSIVE, but another table stays locked by the ALTER before it.
    {
      code: 'ALTER TABLE users ADD COLUMN tag text;\nALTER TABLE orders VALIDATE CONSTRAINT orders_amount_positive;',
      schema,
      errors: [{ detail: /^`ALTER TABLE orders VALIDATE CONSTRAINT orders_amount_posi...` scans all of `orders` while this transaction still holds the ACCESS EXCLUSIVE lock on `users`/ }],
    },
    // Rewrites of another table; several held locks are all named.
    {
      code: "-- +goose Up\nALTER TABLE users ADD COLUMN nickname text;\nLOCK TABLE audit IN ACCESS EXCLUSIVE MODE;\nALTER TABLE orders ALTER COLUMN note TYPE varchar(20);",
      schema,
      errors: [
        {
          message: 'This statement rewrites `orders` while `audit` and `users` stay unreadable; commit after line 3',
          detail:
            /^`ALTER TABLE orders ALTER COLUMN note TYPE varchar\(20\)` rewrites `orders` and its indexes while this transaction still holds the ACCESS EXCLUSIVE lock on `audit` that `LOCK TABLE audit IN ACCESS EXCLUSIVE MODE` took at line 3 and the ACCESS EXCLUSIVE lock on `users` that `ALTER TABLE users ADD COLUMN nickname text` took at line 2: reads and writes on `audit` and `users` wait .* \(goose runs this file inside a transaction\): end the transaction after line 3/,
          line: 4,
        },
      ],
    },
    { code: 'ALTER TABLE users ADD COLUMN nickname text;\nREFRESH MATERIALIZED VIEW totals;', schema, errors: [{ detail: /rewrites `totals` and its indexes/ }] },
    { code: 'ALTER TABLE users ADD COLUMN nickname text;\nREINDEX TABLE orders;', schema, errors: [{ detail: /rebuilds indexes of `orders`/ }] },
    // Many held locks: the nearest three are named, the rest counted.
    {
      code: 'ALTER TABLE t1 ADD COLUMN x int;\nALTER TABLE t2 ADD COLUMN x int;\nALTER TABLE t3 ADD COLUMN x int;\nALTER TABLE t4 ADD COLUMN x int;\nCREATE INDEX orders_amount ON orders (amount);',
      schema: `${schema}\nCREATE TABLE t1 (id int);\nCREATE TABLE t2 (id int);\nCREATE TABLE t3 (id int);\nCREATE TABLE t4 (id int);`,
      errors: [
        {
          message: 'This statement builds an index on `orders` while `t4` and 3 more stay unreadable; commit after line 4',
          detail:
            /still holds the ACCESS EXCLUSIVE lock on `t4` that .* took at line 4, the ACCESS EXCLUSIVE lock on `t3` .* line 3, the ACCESS EXCLUSIVE lock on `t2` .* line 2 and the ACCESS EXCLUSIVE locks on 1 more relation taken earlier in the transaction: reads and writes on `t4`, `t3`, `t2` and the 1 other wait .* end the transaction after line 4/,
          line: 5,
        },
      ],
    },
    // One report per lock, at the first slow statement under it, counting the later ones (quick statements do not count).
    {
      code: "BEGIN;\nALTER TABLE users ADD COLUMN nickname text;\nCREATE INDEX orders_amount ON orders (amount);\nCOMMENT ON COLUMN users.nickname IS 'x';\nUPDATE users SET nickname = email;\nCREATE INDEX orders_user ON orders (user_id);\nCOMMIT;",
      schema,
      errors: [
        {
          detail:
            '`CREATE INDEX orders_amount ON orders (amount)` builds an index by scanning all of `orders` while this transaction still holds the ACCESS EXCLUSIVE lock on `users` that `ALTER TABLE users ADD COLUMN nickname text` took at line 2, and 2 more statements in this transaction do slow work while it is held (lines 5–6): reads and writes on `users` wait until the transaction ends, so they wait for all of this work, not just for the moment the earlier statement needed. Locks are released only at COMMIT (it is inside BEGIN ... COMMIT): end the transaction after line 2 (run this statement in a transaction or migration of its own).',
          line: 3,
          column: 1,
          endLine: 3,
        },
      ],
    },
    { code: 'TRUNCATE audit;\nCREATE INDEX orders_amount ON orders (amount);\nCREATE INDEX orders_user ON orders (user_id);', schema, errors: [{ detail: /lock on `audit` that `TRUNCATE audit` took at line 1, and 1 more statement in this transaction does slow work while it is held \(line 3\): reads/, line: 2 }] },
    // Locks taken before the same first slow statement share its report.
    {
      code: 'ALTER TABLE users ADD COLUMN nickname text;\nALTER TABLE audit ADD COLUMN note text;\nCREATE INDEX orders_amount ON orders (amount);\nCREATE INDEX orders_user ON orders (user_id);',
      schema,
      errors: [{ detail: /holds the ACCESS EXCLUSIVE lock on `audit` that .* took at line 2 and the ACCESS EXCLUSIVE lock on `users` that .* took at line 1, and 1 more statement in this transaction does slow work while they are held \(line 4\): reads and writes on `audit` and `users` wait/, line: 3 }],
    },
    // Two acquisitions with slow work after each: one report for each, the later slow work counted under both.
    {
      code: 'ALTER TABLE users ADD COLUMN nickname text;\nCREATE INDEX orders_amount ON orders (amount);\nALTER TABLE audit ADD COLUMN note text;\nCREATE INDEX orders_user ON orders (user_id);\nUPDATE users SET nickname = email;',
      schema,
      errors: [
        { detail: /holds the ACCESS EXCLUSIVE lock on `users` that `ALTER TABLE users ADD COLUMN nickname text` took at line 1, and 2 more statements in this transaction do slow work while it is held \(lines 4–5\): reads and writes on `users` wait .* end the transaction after line 1 /, line: 2 },
        { detail: /^`CREATE INDEX orders_user ON orders \(user_id\)` builds an index .* holds the ACCESS EXCLUSIVE lock on `audit` that `ALTER TABLE audit ADD COLUMN note text` took at line 3, and 1 more statement in this transaction does slow work while it is held \(line 5\): reads and writes on `audit` wait .* end the transaction after line 3 /, line: 4 },
      ],
    },
    // A statement that locks a held table itself is not counted under that lock, but is reported under another.
    {
      code: 'ALTER TABLE orders ADD COLUMN tag text;\nALTER TABLE users ADD COLUMN nickname text;\nALTER TABLE orders ALTER COLUMN amount TYPE bigint;\nCREATE INDEX orders_user ON orders (user_id);',
      schema,
      errors: [
        { detail: /^`ALTER TABLE orders ALTER COLUMN amount TYPE bigint` rewrites `orders` .* lock on `users` that .* took at line 2, and 1 more statement in this transaction does slow work while it is held \(line 4\): reads and writes on `users` wait/, line: 3 },
        { detail: /^`CREATE INDEX orders_user ON orders \(user_id\)` builds an index .* lock on `orders` that `ALTER TABLE orders ADD COLUMN tag text` took at line 1: reads and writes on `orders` wait .* end the transaction after line 2 /, line: 4 },
      ],
    },
    // Separate transactions: separate reports, each counting only its own transaction.
    {
      code: 'BEGIN;\nALTER TABLE users ADD COLUMN nickname text;\nCREATE INDEX orders_amount ON orders (amount);\nCREATE INDEX orders_user ON orders (user_id);\nCOMMIT;\nBEGIN;\nALTER TABLE users ADD COLUMN tag text;\nUPDATE users SET tag = email;\nCOMMIT;',
      schema,
      errors: [
        { detail: /lock on `users` that `ALTER TABLE users ADD COLUMN nickname text` took at line 2, and 1 more statement in this transaction does slow work while it is held \(line 4\): /, line: 3 },
        { detail: /^`UPDATE users SET tag = email` updates every row of `users` while this transaction still holds the ACCESS EXCLUSIVE lock on `users` that `ALTER TABLE users ADD COLUMN tag text` took at line 7: reads/, line: 8 },
      ],
    },
    // The Down section is a transaction of its own; rollbacks are checked only with `rollbacks: 'all'`.
    {
      code: '-- +goose Up\nALTER TABLE users ADD COLUMN nickname text;\nCREATE INDEX orders_amount ON orders (amount);\n-- +goose Down\nALTER TABLE users DROP COLUMN nickname;\nDROP INDEX orders_amount;\nCREATE INDEX orders_user ON orders (user_id);',
      schema,
      errors: [{ detail: /took at line 2: reads/, line: 3 }],
      name: 'goose: the Down section is not checked by default',
    },
    {
      code: '-- +goose Up\nALTER TABLE users ADD COLUMN nickname text;\nCREATE INDEX orders_amount ON orders (amount);\n-- +goose Down\nALTER TABLE users DROP COLUMN nickname;\nDROP INDEX orders_amount;\nCREATE INDEX orders_user ON orders (user_id);',
      schema,
      settings: { rollbacks: 'all' },
      errors: [
        { detail: /took at line 2: reads/, line: 3 },
        { detail: /lock on `users` that `ALTER TABLE users DROP COLUMN nickname` took at line 5: reads/, line: 7 },
      ],
    },
    // The catalog before each statement: a rewrite the version decides (volatile default rewrites everywhere).
    {
      code: 'ALTER TABLE users ADD COLUMN nickname text;\nALTER TABLE orders ADD COLUMN created_at timestamptz DEFAULT clock_timestamp();',
      schema,
      errors: [{ detail: /rewrites `orders` and its indexes/ }],
    },
    {
      code: 'ALTER TABLE users ADD COLUMN nickname text;\nALTER TABLE orders ADD COLUMN flag boolean DEFAULT false;',
      schema,
      settings: { postgresVersion: 10 },
      errors: [{ detail: /rewrites `orders` and its indexes/ }],
    },
  ],
});
