import { RuleTester } from '@sqlwarden/core/testing';
import rule from './index.ts';

const schema = `
CREATE TABLE users (id bigint PRIMARY KEY, email text);
CREATE VIEW active_users AS SELECT id, email FROM users;
`;
const LOCK = (relation: string): string =>
  `It takes an ACCESS EXCLUSIVE lock on \`${relation}\`, which blocks reads and writes; the change itself is quick, but while the lock waits for transactions already using the table, every later query on the table queues behind it.`;

new RuleTester().run(rule, {
  valid: [
    'CREATE TABLE imports (id bigint, mail text);\nALTER TABLE imports RENAME COLUMN mail TO email;',
    { code: 'ALTER TABLE users ADD COLUMN mail text;\nALTER TABLE users RENAME COLUMN mail TO email_address;', schema },
    { code: '-- +goose Up\nALTER TABLE users ADD COLUMN email_address text;\n-- +goose Down\nALTER TABLE users RENAME COLUMN email_address TO old_email;', schema },
    { code: 'ALTER TABLE users RENAME COLUMN email TO email_address;', schema, migration: false },
    // Not column renames.
    { code: 'ALTER TABLE users RENAME CONSTRAINT users_pkey TO users_pk;\nALTER INDEX users_pkey RENAME TO users_pk;', schema },
  ],
  invalid: [
    {
      code: 'ALTER TABLE users RENAME COLUMN email TO email_address;',
      schema,
      errors: [
        {
          message: 'Renaming `users.email` to `email_address` breaks code still using the old name; add a new column instead',
          detail: `Every running instance of the application that still uses the old name breaks: from the moment this commits until the new code runs everywhere, its queries fail with \`column "email" does not exist\`. ${LOCK('users')} Instead, add the new column, write to both (a trigger can copy), backfill, move reads to it, and drop the old column in a later release; or keep the database name and rename only in the application (ORM column mapping).`,
          line: 1,
          column: 1,
          endColumn: 55,
        },
      ],
      output: null,
    },
    { code: 'alter table if exists public.users rename email to mail', schema, errors: [{ message: /^Renaming `users.email` to `mail`/ }], name: 'RENAME without COLUMN' },
    { code: 'ALTER TABLE app.accounts RENAME COLUMN "Name" TO name', errors: [{ message: /^Renaming `app.accounts.Name` to `name` breaks/, detail: / lock on `app.accounts`/ }] },
    { code: 'ALTER VIEW active_users RENAME COLUMN email TO mail', schema, errors: [{ message: /^Renaming `active_users.email` to `mail`/ }] },
    { code: 'ALTER MATERIALIZED VIEW stats RENAME COLUMN n TO total', errors: 1 },
    { code: '-- migrate:up\nALTER TABLE users RENAME COLUMN email TO mail;\n-- migrate:down\nALTER TABLE users RENAME COLUMN mail TO email;', schema, errors: [{ line: 2 }] },
  ],
});
