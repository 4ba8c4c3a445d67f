import { RuleTester } from '@sqlwarden/core/testing';
import rule from './index.ts';

const schema = 'CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, nickname text, code text NOT NULL, CONSTRAINT users_code_key UNIQUE (code));';
const LOCK =
  'It takes an ACCESS EXCLUSIVE lock on `users`, which blocks reads and writes; the change itself is quick, but while the lock waits for transactions already using the table, every later query on the table queues behind it.';

new RuleTester().run(rule, {
  valid: [
    // Already nullable: nothing changes.
    { code: 'ALTER TABLE users ALTER COLUMN nickname DROP NOT NULL;', schema },
    // New table, new column.
    'CREATE TABLE drafts (id bigint PRIMARY KEY, title text NOT NULL);\nALTER TABLE drafts ALTER COLUMN title DROP NOT NULL;',
    { code: 'ALTER TABLE users ADD COLUMN plan text NOT NULL DEFAULT \'free\';\nALTER TABLE users ALTER COLUMN plan DROP NOT NULL;', schema },
    // Down migrations (undoing the up part's SET NOT NULL is their job) and other files.
    { code: '-- +goose Up\nALTER TABLE users ALTER COLUMN nickname SET NOT NULL;\n-- +goose Down\nALTER TABLE users ALTER COLUMN nickname DROP NOT NULL;', schema },
    { code: '-- +goose Up\nSELECT 1;\n-- +goose Down\nALTER TABLE users ALTER COLUMN email DROP NOT NULL;', schema },
    { code: 'ALTER TABLE users ALTER COLUMN email DROP NOT NULL;', schema, migration: false },
    { code: 'ALTER TABLE users ALTER COLUMN email SET NOT NULL, ALTER COLUMN email DROP DEFAULT;', schema },
  ],
  invalid: [
    {
      code: 'ALTER TABLE users ALTER COLUMN email DROP NOT NULL;',
      schema,
      errors: [
        {
          message: 'DROP NOT NULL on `users.email` lets NULLs reach readers that expect a value; make them handle NULL first',
          detail: `Code, reports and other services that assume \`users.email\` always has a value break at the first NULL written (null dereferences, \`NOT IN (SELECT email ...)\` matching nothing, counts that skip rows). ${LOCK} Make every reader handle NULL before any code writes one. When this is the first step of removing the column, suppress this report with that reason.`,
          line: 1,
          column: 19,
          endColumn: 51,
        },
      ],
      output: null,
    },
    // Unknown tables and columns are reported.
    { code: 'ALTER TABLE orders ALTER status DROP NOT NULL', errors: [{ message: /^DROP NOT NULL on `orders.status`/ }] },
    { code: 'ALTER TABLE users ALTER COLUMN unknown_col DROP NOT NULL', schema, errors: 1 },
    // Several subcommands: each on its own range.
    {
      code: 'ALTER TABLE users\n  ALTER COLUMN email DROP NOT NULL,\n  ALTER COLUMN code DROP NOT NULL;',
      schema,
      errors: [{ line: 2, column: 3, endColumn: 35 }, { line: 3, column: 3, endColumn: 34 }],
    },
    // Primary key columns: PostgreSQL rejects it.
    {
      code: 'ALTER TABLE users ALTER COLUMN id DROP NOT NULL',
      schema,
      errors: [
        {
          message: 'PostgreSQL rejects DROP NOT NULL on `users.id`, a primary key column; drop the primary key first or keep NOT NULL',
          detail: /^The column is part of the primary key, so PostgreSQL fails with `column "id" is in a primary key` and the migration stops here\./,
        },
      ],
    },
    // It fails in a rollback too, so it is reported there (the other finding is not: see valid).
    { code: '-- +goose Up\nSELECT 1;\n-- +goose Down\nALTER TABLE users ALTER COLUMN id DROP NOT NULL;', schema, errors: [{ message: /^PostgreSQL rejects DROP NOT NULL on `users.id`/, line: 4 }] },
    { code: 'ALTER TABLE users ALTER COLUMN id DROP NOT NULL;', schema, filename: 'migrations/0002_test.down.sql', errors: [{ message: /^PostgreSQL rejects DROP NOT NULL/ }], name: 'primary key column in a down file' },
  ],
});
