import { RuleTester } from '@sqlwarden/core/testing';
import rule from './index.ts';

const schema = `
CREATE TABLE users (id bigint, email text, handle text NOT NULL);
CREATE UNIQUE INDEX users_id_key ON users (id);
CREATE UNIQUE INDEX users_handle_key ON users (handle);
CREATE UNIQUE INDEX users_lower_email ON users (lower(email));
CREATE TABLE events (id bigint, at timestamptz) PARTITION BY RANGE (at);
`;
const none = { migrationTransaction: 'none' as const };
const BUILD = 'ADD UNIQUE blocks reads and writes on `users` while indexing; build the index CONCURRENTLY, then ADD ... USING INDEX';
const AE = /builds a unique index on `users` while holding an ACCESS EXCLUSIVE lock on `users`, blocking reads and writes on `users` for the whole build \(a full scan and sort\)/;

new RuleTester().run(rule, {
  valid: [
    // CREATE TABLE AS copies rows, but nobody else uses the new table yet: its lock blocks nobody.
    { code: 'CREATE TABLE users_copy AS SELECT * FROM users;\nALTER TABLE users_copy ADD CONSTRAINT users_copy_pkey PRIMARY KEY (id);', schema },
    { code: 'ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key', schema },
    { code: 'ALTER TABLE users ADD CONSTRAINT users_handle_key UNIQUE USING INDEX users_handle_key', schema },
    // The index's column is NOT NULL: no scan.
    { code: 'ALTER TABLE users ADD CONSTRAINT users_pkey PRIMARY KEY USING INDEX users_handle_key', schema },
    // A validated CHECK proves the column NOT NULL (PostgreSQL 12+).
    {
      code: 'ALTER TABLE users ADD CONSTRAINT users_id_nn CHECK (id IS NOT NULL) NOT VALID;\nALTER TABLE users VALIDATE CONSTRAINT users_id_nn;\nALTER TABLE users ADD PRIMARY KEY USING INDEX users_id_key;',
      schema,
      settings: none,
    },
    { code: 'ALTER TABLE users ALTER COLUMN id SET NOT NULL;\nALTER TABLE users ADD PRIMARY KEY USING INDEX users_id_key;', schema, settings: none },
    // An index the catalog does not know, or an expression index: its columns are unknown.
    { code: 'ALTER TABLE users ADD PRIMARY KEY USING INDEX users_other_key', schema },
    { code: 'ALTER TABLE accounts ADD PRIMARY KEY USING INDEX accounts_id_key' },
    // New or truncated tables: the build is instant.
    { code: 'CREATE TABLE teams (id bigint, slug text);\nALTER TABLE teams ADD PRIMARY KEY (id), ADD CONSTRAINT teams_slug_key UNIQUE (slug), ADD COLUMN code text UNIQUE;' },
    { code: 'TRUNCATE users;\nALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);', schema },
    // Constraints in CREATE TABLE, other kinds, non-migration files.
    { code: 'CREATE TABLE t (id bigint PRIMARY KEY, code text UNIQUE)' },
    { code: 'ALTER TABLE users ADD CONSTRAINT c CHECK (id > 0)', schema },
    { code: 'ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email)', schema, migration: false },
    // A rollback's lock findings are reported only with rollbacks: 'all' (see invalid).
    { code: '-- +goose Up\nSELECT 1;\n-- +goose Down\nALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);', schema },
  ],
  invalid: [
    {
      // The statement's own ACCESS EXCLUSIVE already blocks reads: no note about earlier locks.
      code: 'BEGIN;\nALTER TABLE users ADD COLUMN nickname text;\nALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);\nCOMMIT;',
      schema,
      name: 'no already-blocked note when the lock itself blocks reads',
      errors: [{ line: 3, message: BUILD, detail: /blocking reads and writes on `users` for the whole build \(a full scan and sort\)\. Build/ }],
    },
    {
      code: 'ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);',
      schema,
      errors: [
        {
          message: BUILD,
          detail:
            /^ADD UNIQUE `users_email_key` builds a unique index on `users` while holding an ACCESS EXCLUSIVE lock on `users`, blocking reads and writes on `users` for the whole build \(a full scan and sort\)\. Build the index first, outside a transaction: `CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users \(email\)`; check it is VALID \(pg_index.indisvalid\); then `ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key`, which only holds the lock for a moment\. \(There is no NOT VALID for UNIQUE or PRIMARY KEY\.\)$/,
          line: 1,
          column: 19,
          endColumn: 64,
        },
      ],
      output: null,
    },
    // Unnamed, multi-column, NULLS NOT DISTINCT, schema-qualified.
    {
      code: 'ALTER TABLE public.users ADD UNIQUE NULLS NOT DISTINCT (email, handle)',
      schema,
      errors: [{ message: /^ADD UNIQUE blocks reads and writes on `public.users` while/, detail: /^ADD UNIQUE \(email, handle\) builds .*`CREATE UNIQUE INDEX CONCURRENTLY users_email_handle_key ON public\.users \(email, handle\) NULLS NOT DISTINCT`/ }],
    },
    // PRIMARY KEY on a nullable column: also the NOT NULL scan.
    {
      code: 'ALTER TABLE users ADD PRIMARY KEY (id)',
      schema,
      errors: [{ message: /^ADD PRIMARY KEY blocks reads and writes on `users` while indexing;/, detail: /^ADD PRIMARY KEY \(id\) builds a unique index on `users` .* \(a full scan and sort\), and also scans it to make `id` NOT NULL\. Build the index first, outside a transaction: `CREATE UNIQUE INDEX CONCURRENTLY users_pkey ON users \(id\)`.*`ALTER TABLE users ADD CONSTRAINT users_pkey PRIMARY KEY USING INDEX users_pkey`/ }],
    },
    { code: 'ALTER TABLE users ADD CONSTRAINT users_pkey PRIMARY KEY (handle)', schema, errors: [{ detail: AE }], name: 'NOT NULL column: no NOT NULL note' },
    // An unknown table may hold rows.
    { code: 'ALTER TABLE accounts ADD CONSTRAINT accounts_pkey PRIMARY KEY (id)', errors: [{ message: /^ADD PRIMARY KEY blocks reads and writes on `accounts`/, detail: /^ADD PRIMARY KEY `accounts_pkey` builds a unique index on `accounts`/ }] },
    // ADD COLUMN ... UNIQUE / PRIMARY KEY.
    {
      code: 'ALTER TABLE users ADD COLUMN code text UNIQUE',
      schema,
      errors: [{ message: 'ADD COLUMN `code` ... UNIQUE blocks reads and writes on `users` while indexing; add it, then index it CONCURRENTLY', detail: /^ADD COLUMN `code` \.\.\. UNIQUE builds a unique index on `users` while holding an ACCESS EXCLUSIVE lock on `users`/, column: 19, endColumn: 46 }],
    },
    { code: 'ALTER TABLE users ADD COLUMN n bigserial PRIMARY KEY', schema, errors: [{ message: /^ADD COLUMN `n` \.\.\. PRIMARY KEY blocks reads and writes on `users`/, detail: /^ADD COLUMN `n` \.\.\. PRIMARY KEY builds a unique index/ }] },
    // PRIMARY KEY USING INDEX over a nullable column: SET NOT NULL scan.
    {
      code: 'ALTER TABLE users ADD CONSTRAINT users_pkey PRIMARY KEY USING INDEX users_id_key',
      schema,
      errors: [
        {
          message: 'ADD PRIMARY KEY USING INDEX blocks reads and writes on `users` while it checks `id` for NULLs; validate a NOT NULL CHECK first',
          detail:
            /^ADD PRIMARY KEY USING INDEX users_id_key makes `id` NOT NULL, which scans all of `users` while holding an ACCESS EXCLUSIVE lock on `users`, blocking reads and writes on `users` until every row is checked\. First make it NOT NULL without that scan: .*`ADD CONSTRAINT \.\.\. CHECK \(id IS NOT NULL\) NOT VALID`/,
        },
      ],
    },
    // A NOT VALID check does not prove anything yet.
    {
      code: 'ALTER TABLE users ADD CONSTRAINT users_id_nn CHECK (id IS NOT NULL) NOT VALID;\nALTER TABLE users ADD PRIMARY KEY USING INDEX users_id_key;',
      schema,
      settings: none,
      errors: 1,
    },
    // Before PostgreSQL 12 even a validated CHECK does not spare the scan.
    {
      code: 'ALTER TABLE users ADD CONSTRAINT users_id_nn CHECK (id IS NOT NULL) NOT VALID;\nALTER TABLE users VALIDATE CONSTRAINT users_id_nn;\nALTER TABLE users ADD PRIMARY KEY USING INDEX users_id_key;',
      schema,
      settings: { ...none, postgresVersion: 11 },
      errors: [{ message: /while it checks `id` for NULLs; run it at a quiet time$/, detail: /Before PostgreSQL 12 \(target: 11\) SET NOT NULL always scans/ }],
    },
    // Partitioned tables: per-partition recipe.
    {
      code: 'ALTER TABLE events ADD CONSTRAINT events_key UNIQUE (id, at)',
      schema,
      errors: [{ message: 'ADD UNIQUE blocks reads and writes on `events` while it indexes every partition; add it to each partition USING INDEX first', detail: /^ADD UNIQUE `events_key` builds a unique index on every partition of `events` .*Partitioned tables have no CREATE INDEX CONCURRENTLY and no USING INDEX: on each partition/ }],
    },
    { code: '-- +goose Up\nSELECT 1;\n-- +goose Down\nALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);', schema, settings: { rollbacks: 'all' }, errors: [{ message: BUILD, line: 4 }] },
    // Several subcommands: each reported on its own part of the statement.
    {
      code: 'ALTER TABLE users\n  ADD CONSTRAINT a UNIQUE (email),\n  ADD CONSTRAINT b UNIQUE (handle);',
      schema,
      errors: [
        { detail: /^ADD UNIQUE `a`/, line: 2, column: 3, endLine: 2, endColumn: 34 },
        { detail: /^ADD UNIQUE `b`/, line: 3, column: 3, endLine: 3, endColumn: 35 },
      ],
    },
  ],
});
