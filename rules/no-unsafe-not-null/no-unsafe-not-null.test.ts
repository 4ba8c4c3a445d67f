import { RuleTester } from '@sqlwarden/core/testing';
import rule from './index.ts';

const schema = `
CREATE TABLE users (id bigint PRIMARY KEY, email text, name text, status text);
CREATE TABLE accounts (id bigint PRIMARY KEY, owner text);
`;

const REWRITE = 'rewrites `users` and all its indexes under an ACCESS EXCLUSIVE lock, blocking reads and writes for the whole rewrite';
const SET_NOT_NULL_15 = 'SET NOT NULL on `users.email` blocks reads and writes for a full scan; prove it with a validated CHECK first';
const SET_NOT_NULL_15_DETAIL =
  'SET NOT NULL on `users.email` scans the whole table under an ACCESS EXCLUSIVE lock, blocking reads and writes until every row is checked. Instead, backfill NULLs in batches, `ADD CONSTRAINT c CHECK (email IS NOT NULL) NOT VALID`, `VALIDATE CONSTRAINT c` (does not block reads or writes), then SET NOT NULL (no scan) and drop the check.';
const validated = (check: string): string => `${schema}
ALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (${check}) NOT VALID;
ALTER TABLE users VALIDATE CONSTRAINT users_email_nn;
`;

new RuleTester().run(rule, {
  valid: [
    // Filled by CREATE TABLE AS / SELECT INTO earlier in the file: the scan blocks nobody, since
    // nothing else uses the new table yet (PostgreSQL 15: another session's SELECT on it in the
    // same transaction fails with "relation does not exist", and pg_locks shows no wait).
    { code: 'CREATE TABLE users_copy AS SELECT * FROM users;\nALTER TABLE users_copy ALTER COLUMN email SET NOT NULL;', schema },
    { code: 'SELECT * INTO users_copy FROM users;\nALTER TABLE users_copy ALTER COLUMN email SET NOT NULL;', schema },
    { code: "CREATE TABLE users_copy AS SELECT * FROM users;\nALTER TABLE users_copy ADD COLUMN token uuid DEFAULT gen_random_uuid();", schema },
    { code: 'ALTER TABLE users ADD COLUMN nickname text', schema },
    { code: 'ALTER TABLE users ADD COLUMN IF NOT EXISTS nickname text NULL', schema },
    // PostgreSQL 11+: non-volatile defaults are stored once, no rewrite, and satisfy NOT NULL.
    { code: 'ALTER TABLE users ADD COLUMN score int NOT NULL DEFAULT 0', schema },
    { code: 'ALTER TABLE users ADD COLUMN created_at timestamptz NOT NULL DEFAULT now()', schema },
    { code: 'ALTER TABLE users ADD COLUMN created_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP', schema },
    { code: "ALTER TABLE users ADD COLUMN tags jsonb NOT NULL DEFAULT '{}'::jsonb, ADD COLUMN meta jsonb DEFAULT jsonb_build_object('v', 1)", schema },
    { code: 'ALTER TABLE users ADD COLUMN created_by text DEFAULT current_user, ADD COLUMN xid bigint DEFAULT txid_current()', schema },
    { code: "ALTER TABLE users ADD COLUMN tenant text DEFAULT coalesce(current_setting('app.tenant', true), 'none')", schema },
    { code: "ALTER TABLE users ADD COLUMN flags text[] NOT NULL DEFAULT ARRAY['a', 'b'], ADD COLUMN c int DEFAULT (1 + 2) * 3", schema },
    // serial, identity and stored generated columns rewrite too, but no-table-rewrite reports them.
    { code: 'ALTER TABLE users ADD COLUMN n bigserial', schema },
    { code: 'ALTER TABLE users ADD COLUMN n serial NOT NULL', schema },
    { code: 'ALTER TABLE users ADD COLUMN n int GENERATED ALWAYS AS IDENTITY', schema },
    { code: 'ALTER TABLE users ADD COLUMN lower_email text GENERATED ALWAYS AS (lower(email)) STORED', schema },
    // VIRTUAL generated columns (PostgreSQL 18) are computed on read.
    { code: 'ALTER TABLE users ADD COLUMN id2 bigint GENERATED ALWAYS AS (id * 2) VIRTUAL', schema, settings: { postgresVersion: 18 } },
    // Tables created earlier in the same file are empty.
    {
      code: `CREATE TABLE t (id int);
ALTER TABLE t ADD COLUMN x int NOT NULL;
ALTER TABLE t ADD COLUMN y uuid DEFAULT gen_random_uuid(), ADD COLUMN z bigserial;
ALTER TABLE t ALTER COLUMN y SET NOT NULL;`,
    },
    { code: 'CREATE TABLE app.t (id int);\nALTER TABLE app.t ADD COLUMN x int NOT NULL;' },
    // Emptied earlier in the file: no row can violate NOT NULL; after TRUNCATE nothing is scanned.
    { code: 'DELETE FROM users;\nALTER TABLE users ADD COLUMN plan text NOT NULL;', schema },
    { code: 'TRUNCATE users;\nALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid(), ALTER COLUMN email SET NOT NULL;', schema },
    { code: 'TRUNCATE TABLE accounts, public.users CASCADE;\nALTER TABLE users ADD COLUMN n bigserial;', schema },
    // Not a migration.
    { code: 'ALTER TABLE users ADD COLUMN x int NOT NULL', schema, migration: false },
    // Rollbacks: a scan or a rewrite is not reported there by default (it does not fail).
    { code: '-- +goose Up\nSELECT 1;\n-- +goose Down\nALTER TABLE users ALTER COLUMN email SET NOT NULL;', schema },
    { code: 'ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();', schema, filename: 'db/migrations/20240101_add_token.down.sql' },
    // SET NOT NULL proven by a validated CHECK (PostgreSQL 12+): validated in an earlier file...
    { code: 'ALTER TABLE users ALTER COLUMN email SET NOT NULL', schema: validated('email IS NOT NULL') },
    { code: 'ALTER TABLE users ALTER COLUMN email SET NOT NULL', schema: validated('users.email IS NOT NULL') },
    { code: 'ALTER TABLE users ALTER COLUMN email SET NOT NULL', schema: validated("email IS NOT NULL AND email <> ''") },
    { code: 'ALTER TABLE users ALTER COLUMN email SET NOT NULL', schema: validated('NOT (email IS NULL)') },
    { code: 'ALTER TABLE users ALTER COLUMN email SET NOT NULL', schema: validated('email IS NOT NULL'), settings: { postgresVersion: 12 } },
    // ...or earlier in this file.
    {
      code: `ALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (email IS NOT NULL) NOT VALID;
ALTER TABLE users VALIDATE CONSTRAINT users_email_nn;
ALTER TABLE users ALTER COLUMN email SET NOT NULL;
ALTER TABLE users DROP CONSTRAINT users_email_nn;`,
      schema,
    },
    // The recipe on a table the catalog does not know (no CREATE TABLE seen): the file and the
    // history show the CHECK, so SET NOT NULL does not scan (PostgreSQL 12+, verified on 15: DEBUG1
    // "existing constraints on column ... are sufficient to prove that it does not contain nulls").
    {
      code: 'ALTER TABLE users VALIDATE CONSTRAINT users_email_nn;\nALTER TABLE users ALTER COLUMN email SET NOT NULL;',
      schema: 'ALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (email IS NOT NULL) NOT VALID;',
      name: 'recipe across two migrations, table unknown to the catalog',
    },
    {
      code: `ALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (email IS NOT NULL) NOT VALID;
ALTER TABLE users VALIDATE CONSTRAINT users_email_nn;
ALTER TABLE users ALTER COLUMN email SET NOT NULL;
ALTER TABLE users DROP CONSTRAINT users_email_nn;`,
      name: 'recipe in one file, table unknown to the catalog',
    },
    {
      code: 'BEGIN;\nALTER TABLE app.users VALIDATE CONSTRAINT chk_email_not_null;\nALTER TABLE app.users ALTER COLUMN email SET NOT NULL;\nCOMMIT;',
      name: 'VALIDATE earlier in the same transaction, constraint defined in a migration not seen',
    },
    { code: 'ALTER TABLE users ADD CONSTRAINT c CHECK (email IS NOT NULL);\nALTER TABLE users ALTER COLUMN email SET NOT NULL;', name: 'CHECK added valid earlier in the file, table unknown' },
    {
      code: 'ALTER TABLE users VALIDATE CONSTRAINT users_email_nn;\nALTER TABLE users ALTER COLUMN email SET NOT NULL;',
      schema: `${schema}ALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (email IS NOT NULL) NOT VALID;`,
      name: 'recipe across two migrations, table known',
    },
    // A CHECK declared valid on the column from the start.
    { code: 'ALTER TABLE accounts ALTER COLUMN owner SET NOT NULL', schema: 'CREATE TABLE accounts (id int, owner text CHECK (owner IS NOT NULL));' },
    // Already NOT NULL: a no-op.
    { code: 'ALTER TABLE users ALTER COLUMN id SET NOT NULL', schema },
    { code: 'ALTER TABLE users ALTER COLUMN email SET NOT NULL', schema: `${schema}ALTER TABLE users ALTER COLUMN email SET NOT NULL;` },
    // PostgreSQL 18: NOT NULL added NOT VALID does not scan.
    { code: 'ALTER TABLE users ADD CONSTRAINT users_email_nn NOT NULL email NOT VALID', schema, settings: { postgresVersion: 18 } },
    // Catalog-only changes.
    { code: 'ALTER TABLE users ALTER COLUMN email DROP NOT NULL, ALTER COLUMN name SET DEFAULT random()::text', schema },
  ],
  invalid: [
    {
      // squawk's pg12_cross_migration_named_constraint_matches_column_only_err: a check named for
      // another column proves nothing about this one.
      code: 'ALTER TABLE foo VALIDATE CONSTRAINT bar_not_null;\nALTER TABLE foo ALTER COLUMN baz SET NOT NULL;',
      name: 'a validated check named for another column of a table the catalog does not know',
      errors: [{ line: 2 }],
    },
    // CREATE TABLE AS / SELECT INTO copy rows: a NOT NULL column without a default fails there.
    {
      code: 'CREATE TABLE users_copy AS SELECT * FROM users;\nALTER TABLE users_copy ADD COLUMN plan text NOT NULL;',
      schema,
      errors: [{ message: /^ADD COLUMN `plan` NOT NULL without a DEFAULT fails on a table with rows/, line: 2 }],
    },
    // (a) NOT NULL without a default.
    {
      code: 'ALTER TABLE users ADD COLUMN plan text NOT NULL;',
      schema,
      errors: [
        {
          message: 'ADD COLUMN `plan` NOT NULL without a DEFAULT fails on a table with rows; add it nullable and backfill, or add a DEFAULT',
          detail:
            'The new column is NULL in every existing row, and PostgreSQL checks them all under an ACCESS EXCLUSIVE lock: on any non-empty table the statement fails (`column "plan" of relation "users" contains null values`), though it passes on an empty one. Add it nullable, backfill in batches, then enforce NOT NULL with `CHECK (plan IS NOT NULL) NOT VALID` + `VALIDATE CONSTRAINT` + SET NOT NULL; or give it a constant DEFAULT (no rewrite on PostgreSQL 11+).',
          line: 1,
          column: 19,
          endColumn: 48,
        },
      ],
      output: null,
    },
    { code: 'ALTER TABLE users ADD COLUMN plan text NOT NULL DEFAULT NULL', schema, errors: [{ message: /^ADD COLUMN `plan` NOT NULL without a DEFAULT/ }] },
    { code: 'ALTER TABLE users ADD COLUMN code int PRIMARY KEY', schema, errors: [{ message: /^ADD COLUMN `code` NOT NULL without a DEFAULT/ }] },
    { code: 'ALTER TABLE ONLY public.users ADD COLUMN plan text NOT NULL', schema, errors: [{ message: /^ADD COLUMN `plan` NOT NULL/ }] },
    { code: 'ALTER TABLE unknown_table ADD COLUMN plan text NOT NULL', errors: [{ message: /^ADD COLUMN `plan` NOT NULL/, detail: /relation "unknown_table" contains null values/ }] },
    {
      code: 'ALTER TABLE users ADD COLUMN plan text NOT NULL',
      schema,
      settings: { postgresVersion: 18 },
      errors: [{ detail: /enforce NOT NULL with `ADD CONSTRAINT c NOT NULL plan NOT VALID` \+ `VALIDATE CONSTRAINT c`/ }],
    },
    { code: 'ALTER TABLE users ADD COLUMN plan text NOT NULL', schema, settings: { postgresVersion: 11 }, errors: [{ detail: /`CHECK \(plan IS NOT NULL\) NOT VALID` \+ `VALIDATE CONSTRAINT`; or/ }] },
    // It fails on a table with rows, so a rollback that re-adds a dropped column this way is reported too.
    { code: '-- +goose Up\nALTER TABLE users DROP COLUMN name;\n-- +goose Down\nALTER TABLE users ADD COLUMN name text NOT NULL;', schema, errors: [{ message: /^ADD COLUMN `name` NOT NULL without a DEFAULT/, line: 4 }] },
    { code: '-- +goose Up\nSELECT 1;\n-- +goose Down\nALTER TABLE users ALTER COLUMN email SET NOT NULL;', schema, settings: { rollbacks: 'all' }, errors: [{ message: SET_NOT_NULL_15, line: 4 }], name: 'rollbacks: all reports the scan in a down section' },
    // (b) defaults that rewrite the table.
    {
      code: 'ALTER TABLE users ADD COLUMN token uuid NOT NULL DEFAULT gen_random_uuid()',
      schema,
      errors: [
        {
          message: 'ADD COLUMN `token` rewrites `users` for its volatile default `gen_random_uuid()`; add it without one, then SET DEFAULT',
          detail: `The default \`gen_random_uuid()\` of \`token\` is volatile: it is computed for every existing row, so ADD COLUMN ${REWRITE}. Add the column without a default, set the default in a separate \`ALTER COLUMN token SET DEFAULT ...\` (it applies to new rows only), and backfill existing rows in batches.`,
        },
      ],
      output: null,
    },
    { code: 'ALTER TABLE users ADD COLUMN r float8 DEFAULT random()', schema, errors: [{ message: /^ADD COLUMN `r` rewrites `users` for its volatile default `random\(\)`;/ }] },
    { code: 'ALTER TABLE users ADD COLUMN r int DEFAULT (random() * 100)::int', schema, errors: [{ message: /volatile default `random\(\)`/ }] },
    { code: 'ALTER TABLE users ADD COLUMN r text DEFAULT md5(random()::text)', schema, errors: [{ message: /volatile default `random\(\)`/ }] },
    { code: 'ALTER TABLE users ADD COLUMN t timestamptz DEFAULT clock_timestamp()', schema, errors: [{ message: /^ADD COLUMN `t` rewrites `users` for its volatile default `clock_timestamp\(\)`/ }] },
    { code: "ALTER TABLE users ADD COLUMN n bigint DEFAULT nextval('users_n_seq')", schema, errors: [{ message: /^ADD COLUMN `n` rewrites `users` for its volatile default `nextval\(\)`/ }] },
    { code: 'ALTER TABLE users ADD COLUMN u uuid DEFAULT uuid_generate_v4()', schema, errors: [{ message: /volatile default `uuid_generate_v4\(\)`/ }] },
    { code: 'ALTER TABLE users ADD COLUMN u uuid DEFAULT extensions.uuid_generate_v4()', schema, errors: [{ message: /^ADD COLUMN `u` rewrites `users` for its volatile default `extensions.uuid_generate_v4\(\)`/ }] },
    {
      code: 'ALTER TABLE users ADD COLUMN code text DEFAULT make_code()',
      schema,
      errors: [
        {
          message: 'ADD COLUMN `code` rewrites `users` if its default `make_code()` is volatile; add it without one, then SET DEFAULT',
          detail: `If \`make_code()\` is volatile, it is computed for every existing row, and ADD COLUMN \`code\` ${REWRITE}; a STABLE or IMMUTABLE default is evaluated once and rewrites nothing. Only the function's CREATE FUNCTION says which: if it is STABLE or IMMUTABLE, declare it so. If it is volatile: Add the column without a default, set the default in a separate \`ALTER COLUMN code SET DEFAULT ...\` (it applies to new rows only), and backfill existing rows in batches.`,
        },
      ],
    },
    { code: 'ALTER TABLE users ADD COLUMN code text DEFAULT app.next_code(id)', schema, errors: [{ message: /if its default `app.next_code\(\)` is volatile;/ }] },
    {
      code: 'ALTER TABLE users ADD COLUMN score int NOT NULL DEFAULT 0',
      schema,
      settings: { postgresVersion: 10 },
      errors: [
        {
          message: 'Before PostgreSQL 11, ADD COLUMN `score` with a DEFAULT rewrites `users`; add it without one, then SET DEFAULT',
          detail: `Before PostgreSQL 11 (target: 10), any DEFAULT on ADD COLUMN is written into every existing row: it ${REWRITE}. Add the column without a default, set the default in a separate \`ALTER COLUMN score SET DEFAULT ...\` (it applies to new rows only), and backfill existing rows in batches.`,
        },
      ],
    },
    { code: 'ALTER TABLE users ADD COLUMN at timestamptz DEFAULT now()', schema, settings: { postgresVersion: 9.6 }, errors: [{ message: /^Before PostgreSQL 11, ADD COLUMN `at`/, detail: /^Before PostgreSQL 11 \(target: 9.6\)/ }] },
    // (c) SET NOT NULL on an existing table.
    { code: 'ALTER TABLE users ALTER COLUMN email SET NOT NULL', schema, errors: [{ message: SET_NOT_NULL_15, detail: SET_NOT_NULL_15_DETAIL, line: 1, column: 19, endColumn: 50 }], output: null },
    { code: 'ALTER TABLE users ALTER COLUMN email SET NOT NULL', errors: [{ message: SET_NOT_NULL_15, detail: SET_NOT_NULL_15_DETAIL }], name: 'unknown table: still scans' },
    {
      code: 'ALTER TABLE users ALTER COLUMN email SET NOT NULL',
      schema,
      settings: { postgresVersion: 18 },
      errors: [
        {
          message: 'SET NOT NULL on `users.email` blocks reads and writes for a full scan; add NOT NULL ... NOT VALID, then VALIDATE it',
          detail: /Instead, backfill NULLs in batches, then `ADD CONSTRAINT c NOT NULL email NOT VALID` and `VALIDATE CONSTRAINT c`, which scans without blocking reads or writes \(PostgreSQL 18\+\)\.$/,
        },
      ],
    },
    {
      code: 'ALTER TABLE users ALTER COLUMN email SET NOT NULL',
      schema: validated('email IS NOT NULL'),
      settings: { postgresVersion: 11 },
      errors: [
        {
          message: 'SET NOT NULL on `users.email` blocks reads and writes for a full scan; before PostgreSQL 12, keep a validated CHECK instead',
          detail: /Before PostgreSQL 12 \(target: 11\) it scans even when a CHECK constraint proves the column has no NULLs/,
        },
      ],
    },
    // The CHECK must be validated, on this column, and prove NOT NULL.
    { code: 'ALTER TABLE users ALTER COLUMN email SET NOT NULL', schema: `${schema}ALTER TABLE users ADD CONSTRAINT c CHECK (email IS NOT NULL) NOT VALID;`, errors: 1 },
    { code: 'ALTER TABLE users ALTER COLUMN email SET NOT NULL', schema: validated('name IS NOT NULL'), errors: 1 },
    { code: 'ALTER TABLE users ALTER COLUMN email SET NOT NULL', schema: validated("email IS NOT NULL OR name = 'x'"), errors: 1 },
    { code: 'ALTER TABLE users ALTER COLUMN email SET NOT NULL', schema: validated('accounts.email IS NOT NULL'), errors: 1 },
    {
      code: `ALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (email IS NOT NULL) NOT VALID;
ALTER TABLE users ALTER COLUMN email SET NOT NULL;`,
      schema,
      errors: [{ message: SET_NOT_NULL_15, line: 2 }],
      name: 'NOT VALID CHECK in the same file without VALIDATE',
    },
    // What the file shows does not prove the column NOT NULL.
    {
      code: 'ALTER TABLE users VALIDATE CONSTRAINT users_email_nn;\nALTER TABLE users ALTER COLUMN email SET NOT NULL;',
      schema: 'ALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (email IS NOT NULL) NOT VALID;',
      settings: { postgresVersion: 11 },
      errors: [{ message: /^SET NOT NULL on `users.email` blocks reads and writes for a full scan/, detail: /^SET NOT NULL on `users.email` scans the whole table.*Before PostgreSQL 12 \(target: 11\)/, line: 2 }],
      name: 'recipe on PostgreSQL 11: no scan-skipping yet',
    },
    {
      code: 'ALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (email IS NOT NULL) NOT VALID;\nALTER TABLE users VALIDATE CONSTRAINT users_email_nn;\nALTER TABLE users ALTER COLUMN email SET NOT NULL;',
      settings: { postgresVersion: 11 },
      errors: [{ detail: /Before PostgreSQL 12 \(target: 11\)/, line: 3 }],
      name: 'recipe in one file on PostgreSQL 11',
    },
    { code: 'ALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (email IS NOT NULL) NOT VALID;\nALTER TABLE users ALTER COLUMN email SET NOT NULL;', errors: [{ line: 2 }], name: 'unknown table, CHECK not validated' },
    { code: "ALTER TABLE users ADD CONSTRAINT c CHECK (email <> '') NOT VALID;\nALTER TABLE users VALIDATE CONSTRAINT c;\nALTER TABLE users ALTER COLUMN email SET NOT NULL;", errors: [{ line: 3 }], name: 'unknown table, the validated CHECK does not prove NOT NULL' },
    { code: 'ALTER TABLE users ADD CONSTRAINT c CHECK (email IS NOT NULL) NOT VALID;\nALTER TABLE users VALIDATE CONSTRAINT c;\nALTER TABLE users DROP CONSTRAINT c;\nALTER TABLE users ALTER COLUMN email SET NOT NULL;', errors: [{ line: 4 }], name: 'unknown table, CHECK dropped before SET NOT NULL' },
    { code: 'ALTER TABLE users ADD CONSTRAINT c CHECK (email IS NOT NULL) NOT VALID;\nALTER TABLE users VALIDATE CONSTRAINT c;\nALTER TABLE accounts ALTER COLUMN email SET NOT NULL;', errors: [{ line: 3 }], name: 'unknown tables, recipe on another table' },
    { code: 'ALTER TABLE orders VALIDATE CONSTRAINT orders_user_id_fkey;\nALTER TABLE orders ALTER COLUMN user_id SET NOT NULL;', errors: [{ line: 2 }], name: 'a validated foreign key allows NULLs' },
    { code: 'ALTER TABLE users VALIDATE CONSTRAINT users_email_nn, ALTER COLUMN email SET NOT NULL;', schema: `${schema}ALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (email IS NOT NULL) NOT VALID;`, errors: 1, name: 'VALIDATE in the same statement: SET NOT NULL runs first and scans (verified on 15)' },
    { code: 'ALTER TABLE users VALIDATE CONSTRAINT users_email_nn, ALTER COLUMN email SET NOT NULL;', errors: 1, name: 'VALIDATE in the same statement, table unknown' },
    { code: 'CREATE TABLE IF NOT EXISTS users (id bigint);\nALTER TABLE users ADD COLUMN plan text NOT NULL;', schema, errors: [{ message: /^ADD COLUMN `plan` NOT NULL/, line: 2 }], name: 'IF NOT EXISTS of an existing table' },
    // Not emptied: DELETE with a WHERE, rows inserted again, another table, or a scan after DELETE.
    { code: "DELETE FROM users WHERE status = 'gone';\nALTER TABLE users ADD COLUMN plan text NOT NULL;", schema, errors: [{ message: /^ADD COLUMN `plan` NOT NULL/, line: 2 }] },
    { code: "DELETE FROM users;\nINSERT INTO users (id) VALUES (1);\nALTER TABLE users ADD COLUMN plan text NOT NULL;", schema, errors: [{ message: /^ADD COLUMN `plan` NOT NULL/, line: 3 }] },
    { code: 'TRUNCATE accounts;\nALTER TABLE users ADD COLUMN plan text NOT NULL;', schema, errors: [{ message: /^ADD COLUMN `plan` NOT NULL/ }] },
    { code: 'DELETE FROM users;\nALTER TABLE users ALTER COLUMN email SET NOT NULL;', schema, errors: [{ message: /^SET NOT NULL on `users.email` blocks/ }] },
    { code: 'DELETE FROM users;\nALTER TABLE users ADD COLUMN r float8 DEFAULT random();', schema, errors: [{ message: /volatile default `random\(\)`/ }] },
    // Several subcommands: each reported at its own position.
    {
      code: 'ALTER TABLE users\n  ADD COLUMN plan text NOT NULL,\n  ALTER COLUMN email SET NOT NULL,\n  ALTER COLUMN name SET NOT NULL;',
      schema,
      errors: [
        { message: /^ADD COLUMN `plan` NOT NULL/, line: 2, column: 3, endColumn: 32 },
        { message: /^SET NOT NULL on `users.email` blocks/, line: 3, column: 3, endLine: 3, endColumn: 34 },
        { message: /^SET NOT NULL on `users.name` blocks/, line: 4, column: 3, endColumn: 33 },
      ],
    },
    {
      code: 'ALTER TABLE users ADD CONSTRAINT users_email_nn NOT NULL email',
      schema,
      settings: { postgresVersion: 18 },
      errors: [{ message: /^ADD CONSTRAINT \.\.\. NOT NULL on `users.email` blocks reads and writes for a full scan; add NOT NULL \.\.\. NOT VALID/, detail: /^ADD CONSTRAINT \.\.\. NOT NULL on `users.email` scans the whole table/ }],
    },
    // Positions after multi-byte text.
    {
      code: '-- 移行 🚀 migration\nALTER TABLE users /* 🎉 */ ADD COLUMN plan text NOT NULL;',
      schema,
      errors: [{ message: /^ADD COLUMN `plan` NOT NULL/, line: 2, column: 28, endColumn: 57 }],
    },
    {
      code: "-- 移行 🚀\nALTER TABLE users ADD COLUMN a text, /* 🎉 */ ALTER COLUMN email SET NOT NULL;",
      schema,
      errors: [{ message: /^SET NOT NULL on `users.email` blocks/, line: 2, column: 47, endColumn: 78 }],
    },
  ],
});
