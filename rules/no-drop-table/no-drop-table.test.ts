import { RuleTester } from '@sqlwarden/core/testing';
import rule from './index.ts';

const schema = `
CREATE TABLE users (id bigint PRIMARY KEY);
CREATE TABLE legacy_sessions (id bigint PRIMARY KEY, user_id bigint CONSTRAINT legacy_sessions_user_fk REFERENCES users);
CREATE TABLE audit (id bigint PRIMARY KEY);
`;
const ADVICE = (it: string, its: string): string =>
  `First deploy code that no longer uses ${it}, then drop ${it} in a later migration; drop ${its} foreign keys in earlier migrations, each with a short lock_timeout, so this statement does not have to lock the tables they reference.`;
const message = (what: string, it = 'it', its = 'its'): string => `Dropping ${what} breaks code still using ${it} and loses ${its} data; deploy code without ${it} first`;
const QUEUE = 'which block reads and writes; the change itself is quick, but while the lock waits for transactions already using those tables, every later query on those tables queues behind it.';

new RuleTester().run(rule, {
  valid: [
    'CREATE TABLE t (id int);\nDROP TABLE t;',
    'CREATE TEMP TABLE import_batch (id bigint);\nDROP TABLE import_batch;',
    'CREATE TABLE a (id int);\nCREATE TABLE b (id int);\nDROP TABLE IF EXISTS a, b;',
    { code: 'CREATE TABLE copy AS SELECT * FROM users;\nDROP TABLE copy;', schema },
    { code: '-- +goose Up\nCREATE TABLE audit_log (id bigint PRIMARY KEY);\n-- +goose Down\nDROP TABLE audit_log;' },
    { code: 'DROP TABLE users;', schema, filename: 'db/migrate/2024_create_users/down.sql' },
    { code: 'DROP TABLE users;', schema, migration: false },
    // The table-swap pattern: the name is back before the transaction commits.
    { code: 'CREATE TABLE audit_new (LIKE audit INCLUDING ALL);\nINSERT INTO audit_new SELECT * FROM audit;\nDROP TABLE audit;\nALTER TABLE audit_new RENAME TO audit;', schema },
    { code: 'BEGIN;\nDROP TABLE audit;\nALTER TABLE public.audit_v2 RENAME TO audit;\nCOMMIT;', schema, settings: { migrationTransaction: 'none' } },
    // Views, indexes and other objects are not tables.
    { code: 'DROP VIEW IF EXISTS active_users;\nDROP MATERIALIZED VIEW stats;\nDROP INDEX users_email;\nDROP SEQUENCE s;', schema },
  ],
  invalid: [
    {
      code: 'DROP TABLE legacy_sessions;',
      schema,
      errors: [
        {
          message: message('table `legacy_sessions`'),
          detail: `Dropping table \`legacy_sessions\` breaks every running instance of the application that still uses it (\`relation "legacy_sessions" does not exist\`), and its data is gone for good once this commits. It takes ACCESS EXCLUSIVE locks on \`legacy_sessions\`, and on the tables legacy_sessions references by foreign key (legacy_sessions_user_fk), ${QUEUE} ${ADVICE('it', 'its')}`,
          line: 1,
          column: 1,
          endColumn: 27,
        },
      ],
      output: null,
    },
    // A table the catalog knows has no foreign keys: only its own lock.
    {
      code: 'DROP TABLE audit',
      schema,
      errors: [
        {
          message: message('table `audit`'),
          detail: `Dropping table \`audit\` breaks every running instance of the application that still uses it (\`relation "audit" does not exist\`), and its data is gone for good once this commits. It takes an ACCESS EXCLUSIVE lock on \`audit\`, which blocks reads and writes; the change itself is quick, but while the lock waits for transactions already using the table, every later query on the table queues behind it. ${ADVICE('it', 'its')}`,
        },
      ],
    },
    // Unknown table: the lock on referenced tables is "if any".
    { code: 'DROP TABLE IF EXISTS orders', errors: [{ message: message('table `orders`'), detail: /It takes ACCESS EXCLUSIVE locks on `orders`, and on the tables orders references by foreign key, if any, which block reads and writes/ }] },
    // Several tables, CASCADE.
    {
      code: 'CREATE TABLE tmp (id int);\nDROP TABLE users, tmp, audit CASCADE;',
      schema,
      errors: [
        {
          message: message('tables `users` and `audit`', 'them', 'their'),
          detail: /^Dropping tables `users` and `audit` breaks every running instance of the application that still uses them \(`relation "users" does not exist`\), and their data is gone for good once this commits; CASCADE also drops the views that use them and the foreign keys of other tables that reference them\. It takes ACCESS EXCLUSIVE locks on `users`, `tmp` and `audit`, and on every table that references users by foreign key.*First deploy code that no longer uses them, then drop them in a later migration; drop their foreign keys/,
          line: 2,
        },
      ],
    },
    // A swap outside a transaction leaves the name missing in between; re-creating it empty loses the data.
    { code: 'DROP TABLE audit;\nALTER TABLE audit_v2 RENAME TO audit;', schema, settings: { migrationTransaction: 'none' }, errors: 1 },
    { code: 'BEGIN;\nDROP TABLE audit;\nCOMMIT;\nALTER TABLE audit_v2 RENAME TO audit;', schema, settings: { migrationTransaction: 'none' }, errors: 1 },
    // Re-created in the same transaction: the name never goes missing for other sessions (on
    // PostgreSQL 15 a query blocked on the drop runs on the new table after COMMIT), but the rows are gone.
    {
      code: 'DROP TABLE audit;\nCREATE TABLE audit (id bigint PRIMARY KEY);',
      schema,
      errors: [
        {
          message: 'Dropping table `audit` and re-creating it at line 2 loses its rows; fill a new table and swap names instead',
          detail:
            'Dropping table `audit` and creating it again later in the same transaction (line 2) leaves it empty: its data is gone for good once this commits. Running code does not see the name missing (its queries wait for the lock, then use the new table), but prepared statements whose result columns changed fail with `cached plan must not change result type`. It takes an ACCESS EXCLUSIVE lock on `audit`, which blocks reads and writes; the change itself is quick, but while the lock waits for transactions already using the table, every later query on the table queues behind it. If the rows matter, build the new table under another name, copy them into it, then drop `audit` and rename the new table to `audit` in one transaction.',
          line: 1,
        },
      ],
    },
    {
      code: 'BEGIN;\nDROP TABLE IF EXISTS users, audit CASCADE;\nCREATE TABLE audit (id bigint PRIMARY KEY);\nCOMMIT;',
      schema,
      settings: { migrationTransaction: 'none' },
      errors: [
        { message: /^Dropping table `audit` and re-creating it at line 3 loses its rows/, detail: /^Dropping table `audit` and creating it again later in the same transaction \(line 3\) leaves it empty: its data is gone for good once this commits; CASCADE also drops the views that use it/, line: 2 },
        { message: message('table `users`'), detail: /^Dropping table `users` breaks every running instance of the application that still uses it \(`relation "users" does not exist`\)/, line: 2 },
      ],
    },
    // Re-created outside a transaction block, or after it commits: the name is missing in between.
    { code: 'DROP TABLE audit;\nCREATE TABLE audit (id bigint PRIMARY KEY);', schema, settings: { migrationTransaction: 'none' }, errors: [{ message: message('table `audit`'), detail: /^Dropping table `audit` breaks every running instance .*`relation "audit" does not exist`/ }] },
    { code: 'BEGIN;\nDROP TABLE audit;\nCOMMIT;\nCREATE TABLE audit (id bigint PRIMARY KEY);', schema, settings: { migrationTransaction: 'none' }, errors: [{ detail: /`relation "audit" does not exist`/ }] },
    { code: 'DROP TABLE app.events', errors: [{ message: message('table `app.events`'), detail: /^Dropping table `app.events`.* lock.* on `app.events`/ }] },
    // Many tables: the headline names the first and counts the others; the detail names them all.
    {
      code: 'DROP TABLE users, legacy_sessions, audit;',
      schema,
      errors: [{ message: message('tables `users` and 2 more', 'them', 'their'), detail: /^Dropping tables `users`, `legacy_sessions` and `audit` breaks/ }],
    },
    { code: '-- +goose Up\nDROP TABLE audit;\n-- +goose Down\nCREATE TABLE audit (id bigint PRIMARY KEY);', schema, errors: [{ line: 2 }] },
  ],
});
