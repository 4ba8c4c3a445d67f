import { RuleTester } from '@sqlwarden/core/testing';
import rule from './index.ts';

const schema = 'CREATE TABLE users (id bigint PRIMARY KEY, email text);\nCREATE TABLE app.orders (id bigint PRIMARY KEY);';
const LOCK = (relation: string): string =>
  `It takes an ACCESS EXCLUSIVE lock on \`${relation}\`, which blocks reads and writes; the change itself is quick, but while the lock waits for transactions already using the table, every later query on the table queues behind it.`;

new RuleTester().run(rule, {
  valid: [
    // The documented shim: a view with the old name over the new table.
    { code: 'ALTER TABLE users RENAME TO customers;\nCREATE VIEW users AS SELECT * FROM customers;', schema },
    { code: 'ALTER TABLE users RENAME TO customers;\nCREATE OR REPLACE VIEW public.users AS SELECT c.* FROM public.customers c;', schema },
    { code: 'ALTER TABLE app.orders RENAME TO purchases;\nCREATE VIEW app.orders AS SELECT * FROM app.purchases;', schema },
    // A swap: another table takes the old name in the same transaction.
    { code: 'CREATE TABLE users_new (LIKE users INCLUDING ALL);\nALTER TABLE users RENAME TO users_old;\nALTER TABLE users_new RENAME TO users;', schema },
    // New tables.
    'CREATE TABLE staging (id int);\nALTER TABLE staging RENAME TO rows;',
    // Down migrations, other files.
    { code: '-- +goose Up\nSELECT 1;\n-- +goose Down\nALTER TABLE users RENAME TO old_users;', schema },
    { code: 'ALTER TABLE users RENAME TO customers;', schema, migration: false },
    // Indexes and sequences.
    { code: 'ALTER INDEX users_pkey RENAME TO users_pk;\nALTER SEQUENCE users_id_seq RENAME TO users_seq;', schema },
  ],
  invalid: [
    // The old name is given to a new table in the same transaction: no "does not exist" (PostgreSQL 15:
    // a query blocked on the rename runs on the new table after COMMIT), but the rows stay behind.
    {
      code: 'BEGIN;\nALTER TABLE users RENAME TO users_2024;\nCREATE TABLE users (id bigint PRIMARY KEY);\nCOMMIT;',
      schema,
      errors: [
        {
          message: 'Renaming table `users` to `users_2024` and re-creating `users` hides its rows from running code; copy them over',
          detail: /^Renaming table `users` to `users_2024` and creating `users` again later in the same transaction \(line 3\): running code does not see the name missing \(its queries wait for the lock, then use the new `users`\), but it no longer sees the rows, which stay in `users_2024`, and prepared statements whose result columns changed fail with `cached plan must not change result type`\. It takes an ACCESS EXCLUSIVE lock on `users`.* If running code still needs those rows, copy them into the new `users` before the transaction commits\.$/,
          line: 2,
          suggestions: [],
        },
      ],
    },
    // Outside a transaction block the name is missing until the CREATE TABLE runs.
    { code: 'ALTER TABLE users RENAME TO users_2024;\nCREATE TABLE users (id bigint PRIMARY KEY);', schema, settings: { migrationTransaction: 'none' }, errors: [{ message: /^Renaming table `users` to `users_2024` breaks code still using the old name/, detail: /`relation "users" does not exist`/ }] },
    {
      code: 'ALTER TABLE users RENAME TO customers;',
      schema,
      errors: [
        {
          message: 'Renaming table `users` to `customers` breaks code still using the old name; keep the old name as a view',
          detail: `Every running instance of the application that still uses the old name breaks: its queries fail with \`relation "users" does not exist\` until the new code runs everywhere. ${LOCK('users')} Keep the old name working in the same migration with \`CREATE VIEW users AS SELECT * FROM customers;\` (a simple view is updatable, so old code can still read and write), and drop the view once nothing uses the old name.`,
          line: 1,
          column: 1,
          endColumn: 38,
          suggestions: [
            { desc: 'Add a view under the old name after the rename', output: 'ALTER TABLE users RENAME TO customers;\nCREATE VIEW users AS SELECT * FROM customers;' },
          ],
        },
      ],
      output: null,
    },
    // Shims that are not transparent do not count.
    { code: 'ALTER TABLE users RENAME TO customers;\nCREATE VIEW users AS SELECT * FROM customers WHERE email IS NOT NULL;', schema, errors: 1 },
    { code: 'ALTER TABLE users RENAME TO customers;\nCREATE VIEW users AS SELECT id FROM customers;', schema, errors: 1 },
    { code: 'ALTER TABLE users RENAME TO customers;\nCREATE MATERIALIZED VIEW users AS SELECT * FROM customers;', schema, errors: 1 },
    { code: 'ALTER TABLE users RENAME TO customers;\nCREATE VIEW users AS SELECT * FROM customers JOIN app.orders ON true;', schema, errors: 1 },
    { code: 'CREATE VIEW users_v AS SELECT * FROM customers;\nALTER TABLE users RENAME TO customers;', schema, errors: 1, name: 'a view before the rename or under another name' },
    { code: '-- migrate:up\nALTER TABLE users RENAME TO customers;\n-- migrate:down\nCREATE VIEW users AS SELECT * FROM customers;', schema, errors: 1, name: 'the shim must be in the same section' },
    { code: 'CREATE TABLE users_new (LIKE users INCLUDING ALL);\nALTER TABLE users RENAME TO users_old;\nALTER TABLE users_new RENAME TO users;', schema, settings: { migrationTransaction: 'none' }, errors: [{ line: 2 }], name: 'a swap outside a transaction' },
    { code: 'ALTER TABLE users RENAME TO users_old;\nCREATE TABLE users (id bigint);', schema, errors: 1, name: 'an empty table under the old name' },
    // Schema-qualified and quoted names; the suggestion keeps the letter case of the statement.
    {
      code: 'alter table app.orders rename to "Purchases"',
      schema,
      errors: [{ message: /^Renaming table `app.orders` to `Purchases`/, suggestions: [{ output: 'alter table app.orders rename to "Purchases";\ncreate view app.orders as select * from app."Purchases";' }] }],
    },
    { code: 'ALTER VIEW active_users RENAME TO users_active;', errors: [{ message: /^Renaming view `active_users`/ }] },
    { code: 'ALTER MATERIALIZED VIEW stats RENAME TO daily_stats;', errors: [{ message: /^Renaming materialized view `stats`/ }] },
    { code: 'ALTER FOREIGN TABLE remote RENAME TO remote_users;', errors: [{ message: /^Renaming foreign table `remote`/ }] },
  ],
});
