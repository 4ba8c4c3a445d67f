import { RuleTester } from '@sqlwarden/core/testing';
import rule from './index.ts';

const schema = `
CREATE TABLE billing.invoices (id bigint PRIMARY KEY);
CREATE TABLE billing.payments (id bigint PRIMARY KEY);
CREATE TABLE users (id bigint PRIMARY KEY);
`;

new RuleTester().run(rule, {
  valid: [
    // Empty (as far as the catalog knows) and without CASCADE: fails loudly if not empty.
    { code: 'DROP SCHEMA IF EXISTS scratch;', schema },
    { code: 'DROP SCHEMA scratch RESTRICT;' },
    // Created in this file.
    'CREATE SCHEMA staging;\nCREATE TABLE staging.rows (id bigint);\nDROP SCHEMA staging CASCADE;',
    'CREATE SCHEMA staging;\nCREATE TABLE staging.rows (id bigint);\nDROP TABLE staging.rows;\nDROP SCHEMA staging;',
    'CREATE SCHEMA IF NOT EXISTS staging AUTHORIZATION app;\nDROP SCHEMA staging CASCADE;',
    'CREATE SCHEMA AUTHORIZATION etl;\nDROP SCHEMA etl CASCADE;',
    // Down migrations (undoing the up part), other files.
    { code: '-- +goose Up\nCREATE SCHEMA billing;\n-- +goose Down\nDROP SCHEMA billing CASCADE;' },
    { code: '-- +goose Up\nCREATE TABLE billing.refunds (id bigint);\n-- +goose Down\nDROP TABLE billing.refunds;\nDROP TABLE billing.invoices;\nDROP TABLE billing.payments;\nDROP SCHEMA billing;', schema },
    { code: 'DROP SCHEMA billing CASCADE;', schema, migration: false },
    // Other objects.
    { code: 'DROP TABLE billing.invoices;\nDROP TABLE billing.payments;', schema, name: 'dropping tables is for no-drop-table' },
  ],
  invalid: [
    {
      code: 'DROP SCHEMA billing CASCADE;',
      schema,
      errors: [
        {
          message: 'DROP SCHEMA `billing` CASCADE drops every object in it and all that depends on them; drop the objects one by one',
          detail:
            'DROP SCHEMA `billing` CASCADE drops every table, view, sequence, function and type in it, with their data, and every object elsewhere that depends on them (views, foreign keys); the catalog knows of `billing.invoices` and `billing.payments`: code that uses any of them breaks, and nothing can be recovered once this commits. Drop the objects one by one in migrations that can each be reviewed, then drop the empty schema without CASCADE.',
          line: 1,
          column: 1,
          endColumn: 28,
        },
      ],
      output: null,
    },
    { code: 'DROP SCHEMA IF EXISTS reporting CASCADE', errors: [{ message: /^DROP SCHEMA `reporting` CASCADE drops every object/, detail: /^DROP SCHEMA `reporting` CASCADE drops every table.*\(views, foreign keys\): code that uses/ }] },
    {
      code: 'DROP SCHEMA billing;',
      schema,
      errors: [
        {
          message: 'DROP SCHEMA `billing` fails while it still holds `billing.invoices` and `billing.payments`; drop or move them first',
          detail:
            'DROP SCHEMA `billing` fails while the schema still contains objects, and the catalog knows of `billing.invoices` and `billing.payments` there: PostgreSQL stops the migration with `cannot drop schema billing because other objects depend on it`. Drop or move those objects before this statement.',
        },
      ],
    },
    // It fails wherever it runs: in a schema this file created (checked on PGlite, PostgreSQL 18),
    // and in rollbacks, where only failing statements are reported.
    { code: 'CREATE SCHEMA staging;\nCREATE TABLE staging.rows (id bigint);\nDROP SCHEMA staging;', errors: [{ message: 'DROP SCHEMA `staging` fails while it still holds `staging.rows`; drop or move them first', line: 3 }] },
    { code: '-- +goose Up\nCREATE TABLE billing.refunds (id bigint);\n-- +goose Down\nDROP TABLE billing.refunds;\nDROP SCHEMA billing;', schema, errors: [{ message: /^DROP SCHEMA `billing` fails while it still holds `billing.invoices` and `billing.payments`;/, line: 5 }] },
    { code: 'DROP SCHEMA billing;', schema, filename: 'migrations/000003_billing.down.sql', errors: 1 },
    {
      code: 'DROP SCHEMA billing;',
      schema: `${schema}CREATE TABLE billing.refunds (id bigint);`,
      errors: [{ message: 'DROP SCHEMA `billing` fails while it still holds `billing.invoices` and 2 more tables; drop or move them first', detail: /knows of `billing.invoices`, `billing.payments` and `billing.refunds` there/ }],
    },
    // One report per schema.
    { code: 'DROP SCHEMA billing, reporting CASCADE;', schema, errors: [{ message: /^DROP SCHEMA `billing` CASCADE/ }, { message: /^DROP SCHEMA `reporting` CASCADE/ }] },
    // A schema created in another section does not count.
    { code: '-- migrate:up\nDROP SCHEMA billing CASCADE;\n-- migrate:down\nCREATE SCHEMA billing;', schema, errors: 1 },
  ],
});
