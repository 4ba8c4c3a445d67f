import { RuleTester } from '@sqlwarden/core/testing';
import rule from './index.ts';

const schema = `
CREATE TABLE users (id bigint PRIMARY KEY, email text, name text, plan text);
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint, amount int, note varchar(10));
ALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (email IS NOT NULL) NOT VALID;
`;
const none = { migrationTransaction: 'none' as const };

new RuleTester().run(rule, {
  valid: [
    // One transaction, brief catalog changes under the same lock: merging saves nothing (the lock
    // is already held, and nothing is scanned).
    { code: 'ALTER TABLE users ADD COLUMN a text;\nALTER TABLE users ADD COLUMN b text;', schema },
    { code: 'BEGIN;\nALTER TABLE users ADD COLUMN a text;\nALTER TABLE users DROP COLUMN plan;\nCOMMIT;', schema },
    // Separate transactions, but locks that block neither reads nor writes.
    { code: 'ALTER TABLE users ALTER COLUMN email SET STATISTICS 500;\nALTER TABLE users ALTER COLUMN name SET STATISTICS 500;', schema, settings: none },
    // Different tables, or something in between.
    { code: 'ALTER TABLE users ADD COLUMN a text;\nALTER TABLE orders ADD COLUMN b text;', schema, settings: none },
    { code: 'ALTER TABLE users ADD COLUMN a text;\nSELECT 1;\nALTER TABLE users ADD COLUMN b text;', schema, settings: none },
    // Subcommands that must stay statements of their own.
    { code: 'ALTER TABLE users ADD COLUMN a text;\nALTER TABLE users RENAME COLUMN name TO full_name;', schema, settings: none },
    { code: 'ALTER TABLE users RENAME TO members;\nALTER TABLE members ADD COLUMN a text;', schema, settings: none },
    // The later statement works on what the earlier one added: PostgreSQL reorders subcommands by
    // kind, so `ADD COLUMN x, ALTER COLUMN x TYPE ...` would fail.
    { code: 'ALTER TABLE users ADD COLUMN score int;\nALTER TABLE users ALTER COLUMN score TYPE bigint;', schema, settings: none },
    { code: 'ALTER TABLE users ADD CONSTRAINT c CHECK (plan <> \'\') NOT VALID;\nALTER TABLE users VALIDATE CONSTRAINT c;', schema, settings: none },
    // The NOT NULL recipe: VALIDATE scans under SHARE UPDATE EXCLUSIVE and SET NOT NULL then skips
    // its scan; merged, SET NOT NULL runs first, does not see the proof, and the whole check runs
    // under ACCESS EXCLUSIVE (verified on PostgreSQL 15, see postgres-facts.test.ts).
    { code: 'ALTER TABLE users VALIDATE CONSTRAINT users_email_nn;\nALTER TABLE users ALTER COLUMN email SET NOT NULL;', schema, name: 'recipe, one transaction' },
    { code: 'ALTER TABLE users VALIDATE CONSTRAINT users_email_nn;\nALTER TABLE users ALTER COLUMN email SET NOT NULL;', schema, settings: none, name: 'recipe, separate transactions' },
    { code: 'ALTER TABLE accounts VALIDATE CONSTRAINT accounts_email_nn;\nALTER TABLE accounts ALTER COLUMN email SET NOT NULL;', name: 'recipe, table unknown to the catalog' },
    {
      code: 'ALTER TABLE accounts VALIDATE CONSTRAINT accounts_email_nn;\nALTER TABLE accounts VALIDATE CONSTRAINT accounts_name_nn;\nALTER TABLE accounts ALTER COLUMN email SET NOT NULL;\nALTER TABLE accounts ALTER COLUMN name SET NOT NULL;',
      name: 'recipe for two columns, table unknown: the SET NOT NULLs scan nothing',
    },
    { code: "ALTER TABLE users ADD CONSTRAINT c1 CHECK (plan <> '') NOT VALID, ADD CONSTRAINT c2 CHECK (name <> '') NOT VALID;\nALTER TABLE users VALIDATE CONSTRAINT c1;\nALTER TABLE users VALIDATE CONSTRAINT c2;", schema, settings: none, name: 'validations do not block reads or writes' },
    // Foreign keys, unique, primary key and exclusion constraints each scan or build an index on
    // their own inside one ALTER TABLE (pg_stat_user_tables.seq_scan is the same merged or not).
    { code: 'ALTER TABLE orders ADD CONSTRAINT fa FOREIGN KEY (user_id) REFERENCES users;\nALTER TABLE orders ADD CONSTRAINT fb FOREIGN KEY (amount) REFERENCES users;', schema, name: 'two foreign keys' },
    { code: 'ALTER TABLE orders ADD UNIQUE (user_id);\nALTER TABLE orders ADD UNIQUE (amount);', schema, name: 'two unique constraints' },
    { code: 'ALTER TABLE orders ADD CONSTRAINT u UNIQUE (user_id);\nALTER TABLE orders ADD PRIMARY KEY (amount);', schema, name: 'unique and primary key' },
    { code: 'ALTER TABLE orders ADD EXCLUDE USING gist (user_id WITH =);\nALTER TABLE orders ADD EXCLUDE USING gist (amount WITH =);', schema, name: 'two exclusion constraints' },
    { code: 'ALTER TABLE orders ADD UNIQUE (user_id);\nALTER TABLE orders ALTER COLUMN amount SET NOT NULL;', schema, name: 'index build and a scan: two passes merged or not' },
    { code: 'ALTER TABLE orders ADD FOREIGN KEY (user_id) REFERENCES users;\nALTER TABLE orders ALTER COLUMN amount SET NOT NULL;', schema, name: 'foreign key and a scan: two passes merged or not' },
    { code: 'ALTER TABLE orders ADD FOREIGN KEY (user_id) REFERENCES users;\nALTER TABLE orders ADD COLUMN a text;', schema, settings: none, name: 'merged, the foreign key check would run under ACCESS EXCLUSIVE' },
    // Combinations PostgreSQL rejects in one ALTER TABLE (checked on PostgreSQL 15).
    { code: 'ALTER TABLE orders SET UNLOGGED;\nALTER TABLE orders SET LOGGED;', schema, settings: none, name: 'persistence changed twice' },
    { code: 'ALTER TABLE orders SET TABLESPACE a;\nALTER TABLE orders SET TABLESPACE b;', schema, settings: none, name: 'two SET TABLESPACE' },
    { code: 'ALTER TABLE orders SET ACCESS METHOD heap2;\nALTER TABLE orders SET ACCESS METHOD heap;', schema, settings: none, name: 'two SET ACCESS METHOD' },
    // The transaction already holds ACCESS EXCLUSIVE: no upgrade to queue for.
    { code: 'BEGIN;\nLOCK TABLE users IN ACCESS EXCLUSIVE MODE;\nALTER TABLE users ALTER COLUMN email SET STATISTICS 500;\nALTER TABLE users ADD COLUMN a text;\nCOMMIT;', schema, name: 'ACCESS EXCLUSIVE held from LOCK TABLE' },
    { code: 'ALTER TABLE users DROP COLUMN plan;\nSELECT 1;\nALTER TABLE users ALTER COLUMN email SET STATISTICS 500;\nALTER TABLE users ADD COLUMN a text;', schema, name: 'ACCESS EXCLUSIVE held from an earlier ALTER TABLE' },
    // ONLY and the plain form differ on partitioned tables.
    { code: 'ALTER TABLE ONLY users ADD COLUMN a text;\nALTER TABLE users ADD COLUMN b text;', schema, settings: none },
    // New tables block nobody.
    { code: 'CREATE TABLE t (id int);\nALTER TABLE t ADD COLUMN a text;\nALTER TABLE t ADD COLUMN b text;', schema, settings: none },
    { code: 'ALTER TABLE users ADD COLUMN a text;\nALTER TABLE users ADD COLUMN b text;', schema, settings: none, migration: false },
    // Rollbacks: reported only with rollbacks: 'all' (see invalid).
    { code: '-- +goose Up\nSELECT 1;\n-- +goose Down\nALTER TABLE users ALTER COLUMN name SET NOT NULL;\nALTER TABLE users ALTER COLUMN plan SET NOT NULL;', schema },
  ],
  invalid: [
    // Autocommit: each statement queues for ACCESS EXCLUSIVE again.
    {
      code: 'ALTER TABLE users ADD COLUMN a text;\nALTER TABLE users ADD COLUMN b text;\nALTER TABLE users DROP COLUMN plan;',
      schema,
      settings: none,
      errors: [
        {
          message: '3 ALTER TABLE statements on `users` each queue for a lock in their own transaction; merge them into one ALTER TABLE',
          detail:
            '3 ALTER TABLE statements on `users` in a row (lines 1, 2 and 3) run in separate transactions, so each one queues for its own lock on `users`, and while one waits, the queries on `users` that arrive wait behind it. One ALTER TABLE with the subcommands separated by commas queues once, for an ACCESS EXCLUSIVE lock.',
          line: 2,
          endLine: 3,
          suggestions: [
            {
              desc: 'Merge the 3 statements into one ALTER TABLE',
              output: 'ALTER TABLE users ADD COLUMN a text,\n  ADD COLUMN b text,\n  DROP COLUMN plan;',
            },
          ],
        },
      ],
    },
    // One transaction, two full scans (eugene's W12 example): one pass when merged.
    {
      code: 'ALTER TABLE users ALTER COLUMN name SET NOT NULL;\nALTER TABLE users ALTER COLUMN plan SET NOT NULL;',
      schema,
      errors: [
        {
          message: 'ALTER TABLE statements on `users` go over the table 2 times under an ACCESS EXCLUSIVE lock; merge them to read it once',
          detail:
            'Consecutive ALTER TABLE statements on `users` go over the whole table 2 times while the transaction holds an ACCESS EXCLUSIVE lock on it: line 1 scans all of `users`; line 2 scans all of `users`. PostgreSQL does the scans and rewrites of one ALTER TABLE in a single pass (ALTER TABLE, Notes): written as one statement (lines 1 and 2), `users` is read once instead of 2 times.',
          suggestions: [{ output: 'ALTER TABLE users ALTER COLUMN name SET NOT NULL,\n  ALTER COLUMN plan SET NOT NULL;' }],
        },
      ],
    },
    {
      code: 'BEGIN;\n  ALTER TABLE orders ALTER COLUMN note TYPE varchar(5);\n  ALTER TABLE orders ALTER COLUMN amount TYPE bigint;\nCOMMIT;',
      schema,
      errors: [
        {
          message: /^ALTER TABLE statements on `orders` go over the table 2 times under an ACCESS EXCLUSIVE lock;/,
          detail: /line 2 rewrites `orders` and its indexes; line 3 rewrites `orders` and its indexes/,
          line: 3,
          suggestions: [{ output: 'BEGIN;\n  ALTER TABLE orders ALTER COLUMN note TYPE varchar(5),\n    ALTER COLUMN amount TYPE bigint;\nCOMMIT;' }],
        },
      ],
    },
    // A lock upgrade in one transaction queues again.
    {
      code: 'ALTER TABLE users ALTER COLUMN email SET STATISTICS 500;\nALTER TABLE users ADD COLUMN a text;',
      schema,
      errors: [
        {
          message: 'Line 2 needs an ACCESS EXCLUSIVE lock on `users` and queues for it again; merge lines 1 and 2 into one ALTER TABLE',
          detail:
            'Line 1 takes a SHARE UPDATE EXCLUSIVE lock on `users` and line 2 then needs an ACCESS EXCLUSIVE lock: the upgrade queues again behind the queries already using `users`, and every later query waits behind it. Written as one statement (lines 1 and 2), the ALTER TABLE takes an ACCESS EXCLUSIVE lock once.',
        },
      ],
    },
    // The held lock is weaker than what the later statement needs: the upgrade still queues.
    {
      code: 'BEGIN;\nLOCK TABLE users IN SHARE UPDATE EXCLUSIVE MODE;\nALTER TABLE users ALTER COLUMN email SET STATISTICS 500;\nALTER TABLE users ADD COLUMN a text;\nCOMMIT;',
      schema,
      errors: [{ message: /^Line 4 needs an ACCESS EXCLUSIVE lock on `users` and queues for it again; merge lines 3 and 4/, detail: /^Line 3 takes a SHARE UPDATE EXCLUSIVE lock on `users` and line 4 then needs an ACCESS EXCLUSIVE lock/ }],
    },
    // CHECK constraints and SET NOT NULL are checked in one pass over the table when merged.
    {
      code: "ALTER TABLE orders ADD CONSTRAINT a CHECK (amount > 0);\nALTER TABLE orders ADD CONSTRAINT b CHECK (note <> '');",
      schema,
      errors: [{ message: /go over the table 2 times/, detail: /go over the whole table 2 times .*line 1 scans all of `orders`; line 2 scans all of `orders`/ }],
    },
    // Rewrites share one pass, and SET UNLOGGED combines with a type change (checked on PostgreSQL 15).
    { code: 'ALTER TABLE orders SET UNLOGGED;\nALTER TABLE orders ALTER COLUMN amount TYPE bigint;', schema, errors: [{ message: /^ALTER TABLE statements on `orders` go over the table 2 times/ }] },
    // Only the work that shares the pass counts: a foreign key between two scans.
    {
      code: 'ALTER TABLE orders ALTER COLUMN amount SET NOT NULL;\nALTER TABLE orders ADD FOREIGN KEY (user_id) REFERENCES users;\nALTER TABLE orders ALTER COLUMN note SET NOT NULL;',
      schema,
      errors: [{ detail: /go over the whole table 2 times .*: line 1 scans all of `orders`; line 3 scans all of `orders`\./ }],
    },
    { code: '-- +goose Up\nSELECT 1;\n-- +goose Down\nALTER TABLE users ALTER COLUMN name SET NOT NULL;\nALTER TABLE users ALTER COLUMN plan SET NOT NULL;', schema, settings: { rollbacks: 'all' }, errors: [{ message: /go over the table 2 times/, line: 5 }] },
    // Comments between the statements: reported, but no suggestion (they would be lost).
    { code: 'ALTER TABLE users ADD COLUMN a text;\n-- and another\nALTER TABLE users ADD COLUMN b text;', schema, settings: none, errors: [{ suggestions: [] }] },
    // The run stops at the first statement that cannot join it; the rest is judged on its own.
    {
      code: 'ALTER TABLE users ADD COLUMN score int;\nALTER TABLE users ADD COLUMN tag text;\nALTER TABLE users ALTER COLUMN score TYPE bigint;',
      schema,
      settings: none,
      errors: [{ message: /^2 ALTER TABLE statements on `users` each queue/, detail: /^2 ALTER TABLE statements on `users` in a row \(lines 1 and 2\)/, suggestions: [{ output: 'ALTER TABLE users ADD COLUMN score int,\n  ADD COLUMN tag text;\nALTER TABLE users ALTER COLUMN score TYPE bigint;' }] }],
    },
  ],
});
