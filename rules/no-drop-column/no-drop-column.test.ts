import { RuleTester } from '@sqlwarden/core/testing';
import rule from './index.ts';

const schema = `
CREATE TABLE users (id bigint PRIMARY KEY, email text, legacy_name text, CONSTRAINT legacy_name_len CHECK (char_length(legacy_name) < 100));
CREATE INDEX users_legacy_name ON users (legacy_name);
CREATE INDEX users_email_legacy ON users (email, legacy_name);
`;
// From the lock model: DROP COLUMN takes ACCESS EXCLUSIVE, catalog-only.
const LOCK = (table: string): string =>
  `It takes an ACCESS EXCLUSIVE lock on \`${table}\`, which blocks reads and writes; the change itself is quick, but while the lock waits for transactions already using the table, every later query on the table queues behind it.`;
const message = (table: string, column: string): string => `Dropping column \`${table}.${column}\` breaks code still using it and loses its data; deploy code without it first`;
const detail = (table: string, column: string, dependents = ''): string =>
  `Every running instance of the application that still uses the column breaks: queries that name it fail with \`column "${column}" does not exist\`, and ORM models that still list it fail on every SELECT and INSERT of the table. Its data is gone once this commits${dependents}. ${LOCK(table)} First deploy code that no longer reads or writes the column (remove it from the application's models), then drop it in a later migration.`;

new RuleTester().run(rule, {
  valid: [
    // Tables and columns that are new in this file.
    'CREATE TABLE t (id int, tmp int);\nALTER TABLE t DROP COLUMN tmp;',
    { code: 'ALTER TABLE users ADD COLUMN tmp_flag boolean;\nUPDATE users SET tmp_flag = true;\nALTER TABLE users DROP COLUMN tmp_flag;', schema },
    // IF EXISTS of a column the catalog knows is gone.
    { code: 'ALTER TABLE users DROP COLUMN IF EXISTS nickname;', schema },
    // Down migrations undo their up migration.
    { code: '-- +goose Up\nALTER TABLE users ADD COLUMN plan text;\n-- +goose Down\nALTER TABLE users DROP COLUMN plan;', schema },
    { code: '-- migrate:up\nSELECT 1;\n-- migrate:down\nALTER TABLE users DROP COLUMN email;', schema },
    { code: 'ALTER TABLE users DROP COLUMN email;', schema, filename: 'migrations/2024-01-01-000000_add_email/down.sql' },
    // Not a migration.
    { code: 'ALTER TABLE users DROP COLUMN email;', schema, migration: false },
    // Other subcommands and objects.
    { code: 'ALTER TABLE users DROP CONSTRAINT legacy_name_len, ALTER COLUMN email DROP DEFAULT;', schema },
    { code: 'ALTER INDEX users_legacy_name RENAME TO users_legacy_name_idx;', schema },
  ],
  invalid: [
    {
      name: 'dropped and added again in the same transaction: data loss, no missing-column claim',
      code: 'BEGIN;\nALTER TABLE users DROP COLUMN email;\nALTER TABLE users ADD COLUMN email bigint;\nCOMMIT;',
      schema,
      errors: [{ line: 2, message: 'Dropping and re-adding `users.email` empties it; change its type with ALTER COLUMN ... TYPE ... USING', detail: /^Dropping column `users\.email` and adding it again at line 3 of the same transaction empties it: every row loses its value/ }],
    },
    {
      name: 'dropped and added again in one ALTER TABLE',
      code: 'ALTER TABLE users DROP COLUMN email, ADD COLUMN email bigint;',
      schema,
      errors: [{ message: /^Dropping and re-adding `users\.email` empties it/, detail: /^Dropping column `users\.email` and adding it again in the same ALTER TABLE empties it/ }],
    },
    {
      name: 'added again only after the transaction ends: running code sees it missing in between',
      code: 'BEGIN;\nALTER TABLE users DROP COLUMN email;\nCOMMIT;\nALTER TABLE users ADD COLUMN email bigint;',
      schema,
      settings: { migrationTransaction: 'none' },
      errors: [{ line: 2, message: /^Dropping column `users.email` breaks code still using it/, detail: /does not exist/ }],
    },
    {
      code: 'ALTER TABLE users DROP COLUMN email;',
      schema,
      errors: [{ message: message('users', 'email'), detail: detail('users', 'email', ', along with the index `users_email_legacy`'), line: 1, column: 19, endColumn: 36 }],
      output: null,
    },
    {
      code: 'ALTER TABLE users DROP COLUMN legacy_name CASCADE',
      schema,
      errors: [
        {
          message: message('users', 'legacy_name'),
          detail: detail(
            'users',
            'legacy_name',
            ', along with the indexes `users_legacy_name` and `users_email_legacy`, the constraint `legacy_name_len` and every view and foreign key that depends on it (CASCADE)',
          ),
        },
      ],
    },
    // Unknown table: still reported, nothing about dependents.
    { code: 'ALTER TABLE orders DROP COLUMN note', errors: [{ message: message('orders', 'note'), detail: detail('orders', 'note') }] },
    { code: 'ALTER TABLE orders DROP COLUMN IF EXISTS note', errors: 1, name: 'IF EXISTS on an unknown table' },
    // Several subcommands: one report each, on its own range.
    {
      code: 'ALTER TABLE users\n  DROP COLUMN email,\n  ADD COLUMN x int,\n  DROP COLUMN legacy_name;',
      schema,
      errors: [{ line: 2, column: 3, endColumn: 20, message: /^Dropping column `users.email`/ }, { line: 4, column: 3, endColumn: 26, message: /^Dropping column `users.legacy_name`/ }],
    },
    { code: 'ALTER TABLE ONLY app.accounts DROP COLUMN token', errors: [{ message: /^Dropping column `app.accounts.token`/, detail: / lock on `app.accounts`/ }] },
    { code: 'ALTER FOREIGN TABLE remote_users DROP COLUMN email', errors: 1 },
    // Rails: its column cache and ignored_columns; other tools get neutral advice (above).
    {
      code: 'ALTER TABLE users DROP COLUMN email;',
      schema,
      settings: { migrationTool: 'rails' },
      errors: [{ message: message('users', 'email'), detail: /ORM models that still list it \(Rails caches the columns at boot\) fail .* \(`self\.ignored_columns \+= \["email"\]` in the model\), then drop it/ }],
    },
    // The up section of a goose file.
    { code: '-- +goose Up\nALTER TABLE users DROP COLUMN email;\n-- +goose Down\nALTER TABLE users ADD COLUMN email text;', schema, errors: [{ line: 2, detail: /^(?!.*Rails)/ }] },
    // A column added in another section (the down) does not make the up drop safe.
    { code: '-- migrate:up\nALTER TABLE users DROP COLUMN email;\n-- migrate:down\nALTER TABLE users ADD COLUMN email text;', schema, errors: 1 },
  ],
});
