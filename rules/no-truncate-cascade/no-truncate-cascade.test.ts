import { RuleTester } from '@sqlwarden/core/testing';
import rule from './index.ts';

const schema = `
CREATE TABLE users (id bigint PRIMARY KEY);
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint REFERENCES users);
`;

new RuleTester().run(rule, {
  valid: [
    { code: 'TRUNCATE orders, users;', schema },
    { code: 'TRUNCATE TABLE users RESTRICT;', schema },
    // Tables created in this file: nothing older can reference them.
    'CREATE TABLE a (id int PRIMARY KEY);\nCREATE TABLE b (a_id int REFERENCES a);\nTRUNCATE a CASCADE;',
    // Test fixtures and other non-migration files.
    { code: 'TRUNCATE users CASCADE;', schema, migration: false },
    { code: '-- +goose Up\nSELECT 1;\n-- +goose Down\nTRUNCATE users CASCADE;', schema },
  ],
  invalid: [
    {
      code: 'TRUNCATE users CASCADE;',
      schema,
      errors: [
        {
          message: 'TRUNCATE ... CASCADE also empties every table that references `users`, recursively; list every table to empty instead',
          detail:
            'CASCADE follows foreign keys: every table that references `users` is emptied too, and every table that references those, recursively. Tables this statement does not name lose all their rows, and the data cannot be recovered once this commits. It takes ACCESS EXCLUSIVE locks on `users`, and on every table that references users by foreign key, which block reads and writes; the change itself is quick, but while the lock waits for transactions already using those tables, every later query on those tables queues behind it. List every table to empty explicitly: without CASCADE, TRUNCATE fails instead of spreading when a referencing table is missing from the list.',
          line: 1,
          column: 1,
          endColumn: 23,
        },
      ],
      output: null,
    },
    { code: 'TRUNCATE TABLE ONLY users, app.events RESTART IDENTITY CASCADE', schema, errors: [{ message: /references `users` and `app.events`, recursively;/, detail: /references `users` and `app.events` is emptied too.*ACCESS EXCLUSIVE locks on `users` and `app.events`, and on every table that references users by foreign key and every table that references app.events by foreign key/ }] },
    { code: 'CREATE TABLE tmp (id int);\nTRUNCATE tmp, users CASCADE;', schema, errors: [{ line: 2 }], name: 'one new and one existing table' },
  ],
});
