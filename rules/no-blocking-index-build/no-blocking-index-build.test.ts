import { RuleTester } from '@sqlwarden/core/testing';
import rule from './index.ts';

const schema = `
CREATE TABLE users (id bigint PRIMARY KEY, email text, name text);
CREATE INDEX users_email ON users (email);
CREATE INDEX users_name ON users (name);
CREATE TABLE events (id bigint, at timestamptz) PARTITION BY RANGE (at);
CREATE INDEX events_at ON events (at);
`;
const none = { migrationTransaction: 'none' as const };

const CREATE_HEADLINE = 'CREATE INDEX blocks writes to `users` while it builds; use CREATE INDEX CONCURRENTLY';
const CREATE =
  'CREATE INDEX on `users` takes a SHARE lock on `users`, blocking writes to `users` (reads continue) until the whole index is built. Use CREATE INDEX CONCURRENTLY: it takes a SHARE UPDATE EXCLUSIVE lock on `users`, blocking neither reads nor writes (only other DDL and VACUUM).';
const DROP_HEADLINE = 'DROP INDEX blocks reads and writes on `users` until it commits; use DROP INDEX CONCURRENTLY';
const DROP =
  'DROP INDEX takes ACCESS EXCLUSIVE locks on `users_email` and `users`, blocking reads and writes on `users` while it waits for running queries and until the drop commits. Use DROP INDEX CONCURRENTLY: it takes SHARE UPDATE EXCLUSIVE locks on `users_email` and `users`, blocking neither reads nor writes (only other DDL and VACUUM).';
const IMPLICIT_REMEDY =
  'Put it in a migration file of its own (a runner that sends the file as one query string runs all its statements in one transaction), or set `migrations.transaction` to "none" if your tool runs statements one at a time.';

new RuleTester().run(rule, {
  valid: [
    {
      // PostgreSQL 15: BEGIN; <this file>; COMMIT; runs without error, the file's COMMIT ends the
      // tool's transaction and its BEGIN opens the one the tool's COMMIT ends.
      code: 'COMMIT;\nCREATE UNIQUE INDEX CONCURRENTLY users_email2 ON users (email);\nBEGIN;\nALTER TABLE users ADD CONSTRAINT users_email2 UNIQUE USING INDEX users_email2;',
      schema,
      settings: { migrationTransaction: 'wrapped' },
      name: "the file's own COMMIT ends the tool's transaction before CONCURRENTLY",
    },
    { code: 'CREATE INDEX CONCURRENTLY users_email2 ON users (email);', schema },
    { code: 'CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS users_email2 ON users (email);', schema },
    // Tables created earlier in the file are empty: no CONCURRENTLY needed, with or without a
    // transaction (squawk #349 fires on the second case).
    { code: 'CREATE TABLE t (id int);\nCREATE INDEX t_id ON t (id);' },
    { code: 'CREATE TABLE t (id int);\nCREATE INDEX t_id ON t (id);', settings: none },
    { code: 'BEGIN;\nCREATE TABLE app.t (id int);\nCREATE UNIQUE INDEX t_id ON app.t (id);\nCOMMIT;' },
    { code: 'CREATE TABLE t (id int);\nALTER TABLE t RENAME TO t2;\nCREATE INDEX t_id ON t2 (id);' },
    { code: 'CREATE TABLE t (id int);\nCREATE INDEX t_id ON t (id);\nREINDEX TABLE t;\nREINDEX INDEX t_id;\nDROP INDEX t_id;' },
    { code: '-- +goose Up\nSELECT 1;\n-- +goose Down\nCREATE TABLE old_t (id int);\nCREATE INDEX old_t_id ON old_t (id);', schema, settings: { ...none, rollbacks: 'all' }, name: 'a table created in the down section' },
    // Rollbacks: only statements that fail as written are reported by default (strong_migrations checks only the up direction).
    { code: '-- +goose Up\nCREATE TABLE t (id int);\nCREATE INDEX t_id ON t (id);\n-- +goose Down\nDROP INDEX t_id;', schema, settings: none, name: 'a blocking DROP INDEX in a goose Down section' },
    { code: 'DROP INDEX users_email;', schema, filename: 'migrations/000002_add_index.down.sql', name: 'a blocking DROP INDEX in a down file' },
    {
      code: 'CREATE TABLE IF NOT EXISTS users (id bigint PRIMARY KEY, email text);\nCREATE INDEX users_email2 ON users (email);',
      schema,
      settings: none,
      filename: 'migrations/2024-01-01_drop_users/down.sql',
      name: 'a down migration re-creating with IF NOT EXISTS what its up dropped',
    },
    { code: 'CREATE MATERIALIZED VIEW mv AS SELECT id, email FROM users;\nCREATE UNIQUE INDEX mv_id ON mv (id);', schema },
    { code: 'SELECT id, email INTO users_copy FROM users;\nCREATE INDEX users_copy_id ON users_copy (id);', schema },
    { code: 'CREATE TABLE t AS SELECT id FROM users;\nCREATE INDEX t_id ON t (id);', schema },
    // Filled, but in the same transaction as the build: invisible to other sessions until commit.
    { code: 'BEGIN;\nCREATE TABLE t AS SELECT id FROM users;\nCREATE INDEX t_id ON t (id);\nCOMMIT;', schema, settings: none },
    { code: 'CREATE TABLE t AS SELECT id FROM users WITH NO DATA;\nCREATE INDEX t_id ON t (id);', schema, settings: none },
    // Not a migration: application or schema files build indexes however they like.
    { code: 'CREATE INDEX users_email2 ON users (email);', schema, migration: false },
    { code: 'DROP INDEX users_email;\nREINDEX TABLE users;', schema, migration: false },
    { code: 'CREATE INDEX CONCURRENTLY a ON users (email);\nCREATE INDEX CONCURRENTLY b ON users (name);', schema, migration: false },
    // ON ONLY a partitioned parent is the first step of the per-partition recipe.
    { code: 'CREATE INDEX events_at2 ON ONLY events (at);', schema },
    { code: 'CREATE INDEX measurements_at ON ONLY measurements (at);' },
    { code: 'DROP INDEX CONCURRENTLY users_email;', schema },
    { code: 'DROP INDEX CONCURRENTLY IF EXISTS users_email;', schema },
    { code: 'REINDEX INDEX CONCURRENTLY users_email;', schema },
    { code: 'REINDEX (CONCURRENTLY) TABLE users;', schema },
    { code: 'REINDEX (VERBOSE, CONCURRENTLY true) TABLE users;', schema },
    { code: 'REINDEX SYSTEM;' },
    { code: 'ALTER TABLE events DETACH PARTITION events_2024 CONCURRENTLY;', schema },
    // Statements that run without a transaction.
    { code: 'CREATE INDEX CONCURRENTLY a ON users (email);\nCREATE INDEX CONCURRENTLY b ON users (name);', schema, settings: none },
    { code: '-- +goose Up\n-- +goose NO TRANSACTION\nCREATE INDEX CONCURRENTLY a ON users (email);\nDROP INDEX CONCURRENTLY users_name;', schema },
    { code: "SET lock_timeout = '2s';\nCREATE INDEX CONCURRENTLY a ON users (email);", schema, settings: none },
    // What the goose and dbmate suggestions write.
    { code: '-- +goose NO TRANSACTION\n-- +goose Up\nCREATE INDEX CONCURRENTLY users_email2 ON users (email);\n\n-- +goose Down\nDROP INDEX users_email2;', schema },
    { code: '-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY users_email2 ON users (email);\n\n-- migrate:down\nDROP INDEX users_email2;\n', schema },
  ],
  invalid: [
    {
      // PostgreSQL 15: after ALTER TABLE ... ADD COLUMN in the same transaction, a SELECT on users
      // from another session waits until COMMIT (the ACCESS EXCLUSIVE lock is held to the end).
      code: 'BEGIN;\nALTER TABLE users ADD COLUMN nickname text;\nCREATE INDEX users_nickname ON users (nickname);\nCOMMIT;',
      schema,
      name: 'reads are already blocked by an earlier ALTER TABLE of the transaction',
      errors: [
        {
          line: 3,
          message: `${CREATE_HEADLINE} outside a transaction`,
          detail: /blocking reads and writes on `users` \(reads of `users` are already blocked: line 2 of this transaction holds an ACCESS EXCLUSIVE lock on it until commit\) until/,
        },
      ],
    },
    // CREATE TABLE AS copies rows; once committed the table is visible, and a plain build blocks its writers.
    {
      code: 'CREATE TABLE t AS SELECT id FROM users;\nCREATE INDEX t_id ON t (id);',
      schema,
      settings: none,
      errors: [{ message: /^CREATE INDEX/, line: 2 }],
      name: 'an index on a CREATE TABLE AS table committed by an earlier statement',
    },
    {
      code: 'SELECT id, email INTO users_copy FROM users;\nREINDEX TABLE users_copy;',
      schema,
      settings: none,
      errors: [{ message: /^REINDEX/, line: 2 }],
      name: 'REINDEX of a SELECT INTO table committed by an earlier statement',
    },
    // The Down section runs long after the Up section: the table is neither new nor empty then.
    // Blocking statements in rollbacks are reported only with `rollbacks: 'all'` (see the valid cases).
    {
      code: '-- +goose Up\nCREATE TABLE t (id int);\nCREATE INDEX t_id ON t (id);\n-- +goose Down\nDROP INDEX t_id;',
      schema,
      settings: { ...none, rollbacks: 'all' },
      errors: [{ message: /^DROP INDEX blocks reads and writes on `t` until it commits/, detail: /^DROP INDEX takes ACCESS EXCLUSIVE locks on `t_id` and `t`/, line: 5 }],
      name: 'DROP INDEX in the goose Down section of an index created in the Up section',
    },
    {
      code: '-- +goose Up\nCREATE TABLE t (id int);\n-- +goose Down\nCREATE INDEX t_id ON t (id);',
      schema,
      settings: { ...none, rollbacks: 'all' },
      errors: [{ message: /^CREATE INDEX/, line: 4 }],
      name: 'CREATE INDEX in the goose Down section on a table created in the Up section',
    },
    // (a) CREATE INDEX without CONCURRENTLY.
    {
      code: 'CREATE INDEX users_email2 ON users (email);',
      schema,
      errors: [{ message: CREATE_HEADLINE, detail: CREATE, fixDesc: 'Use CREATE INDEX CONCURRENTLY', line: 1, column: 1, endLine: 1, endColumn: 13 }],
      output: 'CREATE INDEX CONCURRENTLY users_email2 ON users (email);',
    },
    {
      code: 'create unique index if not exists users_email2 on users (lower(email));',
      schema,
      errors: [{ message: CREATE_HEADLINE, detail: CREATE, endColumn: 20 }],
      output: 'create unique index concurrently if not exists users_email2 on users (lower(email));',
    },
    {
      code: 'Create /* why: lookups */ Unique -- by email\n  Index users_email2 On users (email)',
      schema,
      errors: [{ message: CREATE_HEADLINE, detail: CREATE, line: 1, column: 1, endLine: 2, endColumn: 8 }],
      output: 'Create /* why: lookups */ Unique -- by email\n  Index CONCURRENTLY users_email2 On users (email)',
    },
    { code: 'CREATE INDEX ON orders (user_id)', errors: [{ message: /^CREATE INDEX blocks writes to `orders`/, detail: /^CREATE INDEX on `orders` takes a SHARE lock/ }], output: 'CREATE INDEX CONCURRENTLY ON orders (user_id)', name: 'unknown table' },
    { code: 'CREATE INDEX mv_id ON mv (id)', schema: 'CREATE MATERIALIZED VIEW mv AS SELECT 1 AS id;', errors: [{ message: /^CREATE INDEX blocks writes to `mv`/, detail: /^CREATE INDEX on `mv`/ }], name: 'a materialized view from an earlier migration' },
    { code: 'CREATE INDEX i ON app.orders USING gin (tags)', errors: [{ message: /to `app.orders`/, detail: /on `app.orders`/ }], output: 'CREATE INDEX CONCURRENTLY i ON app.orders USING gin (tags)' },
    { code: 'CREATE INDEX i ON ONLY users (name)', schema, errors: [{ message: CREATE_HEADLINE, detail: CREATE }], output: 'CREATE INDEX CONCURRENTLY i ON ONLY users (name)', name: 'ON ONLY a plain table still builds' },
    {
      code: 'CREATE INDEX events_at2 ON events (at);',
      schema,
      errors: [
        {
          message: 'CREATE INDEX on partitioned table `events` blocks writes to every partition while it builds; build it per partition instead',
          detail:
            "CREATE INDEX on partitioned table `events` takes SHARE locks on `events` and every partition of events, blocking writes to `events` and every partition (reads continue) until the index is built on every partition. Partitioned tables have no CONCURRENTLY: create the index ON ONLY `events`, build each partition's index with CREATE INDEX CONCURRENTLY, then attach each one with ALTER INDEX ... ATTACH PARTITION.",
        },
      ],
      output: null,
    },
    // ... in a transaction: report, but no fix (the fixed statement would fail).
    {
      code: 'BEGIN;\nCREATE INDEX users_email2 ON users (email);\nCOMMIT;',
      schema,
      errors: [
        {
          message: `${CREATE_HEADLINE} outside a transaction`,
          detail:
            'CREATE INDEX on `users` takes a SHARE lock on `users`, blocking writes to `users` (reads continue) until the whole index is built. Use CREATE INDEX CONCURRENTLY in a migration of its own that runs outside a transaction (CONCURRENTLY cannot run in a transaction block, and here it is inside BEGIN ... COMMIT): it takes a SHARE UPDATE EXCLUSIVE lock on `users`, blocking neither reads nor writes (only other DDL and VACUUM).',
          line: 2,
        },
      ],
      output: null,
    },
    {
      code: "SET lock_timeout = '2s';\nCREATE INDEX users_email2 ON users (email);",
      schema,
      errors: [{ message: `${CREATE_HEADLINE} outside a transaction`, detail: /and here its statements run as one implicit transaction if the file is sent as one query string, which is assumed because no migration tool was recognised; `migrations.transaction` sets how your runner runs it\): it takes a SHARE UPDATE EXCLUSIVE lock/ }],
      output: null,
    },
    { code: 'CREATE INDEX users_email2 ON users (email);', schema, settings: { migrationTransaction: 'wrapped' }, errors: [{ detail: /here the migration tool runs this file inside a transaction\): it takes/, suggestions: [] }], output: null },
    {
      code: '-- +goose Up\nCREATE INDEX users_email2 ON users (email);',
      schema,
      errors: [
        {
          message: `${CREATE_HEADLINE} outside a transaction`,
          detail: /here goose runs this file inside a transaction; with goose, use `-- \+goose NO TRANSACTION`\): it takes/,
          line: 2,
          suggestions: [{ desc: 'Add -- +goose NO TRANSACTION and CONCURRENTLY', output: '-- +goose NO TRANSACTION\n-- +goose Up\nCREATE INDEX CONCURRENTLY users_email2 ON users (email);' }],
        },
      ],
      output: null,
      name: 'goose names its opt-out',
    },
    { code: "SET lock_timeout = '2s';\nCREATE INDEX users_email2 ON users (email);", schema, settings: none, errors: [{ message: CREATE_HEADLINE, detail: CREATE, line: 2 }], output: "SET lock_timeout = '2s';\nCREATE INDEX CONCURRENTLY users_email2 ON users (email);" },
    // (b) DROP INDEX without CONCURRENTLY.
    { code: 'DROP INDEX users_email;', schema, errors: [{ message: DROP_HEADLINE, detail: DROP, fixDesc: 'Use DROP INDEX CONCURRENTLY', line: 1, column: 1, endColumn: 11 }], output: 'DROP INDEX CONCURRENTLY users_email;' },
    {
      code: 'drop index if exists public.unknown_idx',
      errors: [{ message: 'DROP INDEX blocks reads and writes on its table until it commits; use DROP INDEX CONCURRENTLY', detail: /^DROP INDEX takes ACCESS EXCLUSIVE locks on `unknown_idx` and its table \(unknown: no migration creates unknown_idx\), blocking reads and writes on its table \(unknown: no migration creates unknown_idx\) while/ }],
      output: 'drop index concurrently if exists public.unknown_idx',
    },
    // The index of an unnamed PRIMARY KEY / UNIQUE constraint is known under PostgreSQL's name for it.
    { code: 'DROP INDEX users_pkey;', schema, errors: [{ message: DROP_HEADLINE, detail: /^DROP INDEX takes ACCESS EXCLUSIVE locks on `users_pkey` and `users`, blocking reads and writes on `users` while/ }], output: 'DROP INDEX CONCURRENTLY users_pkey;' },
    { code: 'DROP INDEX users_email, users_name;', schema, errors: [{ message: 'DROP INDEX of several indexes blocks reads and writes on their tables until it commits; drop each with DROP INDEX CONCURRENTLY', detail: /^DROP INDEX takes ACCESS EXCLUSIVE locks on `users_email`, `users` and `users_name`.*Use DROP INDEX CONCURRENTLY, one statement per index \(it drops a single index\)\.$/ }], output: null },
    { code: 'DROP INDEX users_email CASCADE;', schema, errors: [{ message: /^DROP INDEX \.\.\. CASCADE blocks reads and writes on `users` until it commits; drop the dependents, then DROP INDEX CONCURRENTLY$/, detail: /DROP INDEX CONCURRENTLY does not support CASCADE: drop the dependent objects first/ }], output: null },
    { code: 'DROP INDEX events_at;', schema, errors: [{ message: 'DROP INDEX on partitioned table `events` blocks reads and writes on it until it commits; set a short lock_timeout and retry', detail: /^DROP INDEX on partitioned table `events` takes ACCESS EXCLUSIVE locks on `events_at` and `events` and locks its partitions too.*cannot be dropped concurrently/ }], output: null },
    { code: 'BEGIN;\nDROP INDEX users_email;\nCOMMIT;', schema, errors: [{ message: `${DROP_HEADLINE} outside a transaction`, detail: /^DROP INDEX takes ACCESS EXCLUSIVE locks on `users_email` and `users`.*Use DROP INDEX CONCURRENTLY in a migration of its own that runs outside a transaction/ }], output: null },
    {
      code: 'CREATE TABLE IF NOT EXISTS users (id bigint PRIMARY KEY);\nCREATE INDEX users_email2 ON users (email);',
      schema,
      settings: none,
      errors: [{ message: CREATE_HEADLINE, detail: CREATE, line: 2 }],
      name: 'CREATE TABLE IF NOT EXISTS of a table an earlier migration created does not make it new',
    },
    { code: 'CREATE TABLE t (id int);\nDROP INDEX users_email;', schema, settings: none, errors: [{ message: DROP_HEADLINE, detail: DROP, line: 2 }], name: 'an index of an existing table dropped next to a new table' },
    // (c) REINDEX without CONCURRENTLY.
    {
      code: 'REINDEX INDEX users_email;',
      schema,
      errors: [
        {
          message: 'REINDEX INDEX blocks writes for the whole rebuild; use REINDEX INDEX CONCURRENTLY',
          fixDesc: 'Use REINDEX INDEX CONCURRENTLY',
          detail:
            'REINDEX INDEX takes an ACCESS EXCLUSIVE lock on `users_email` and a SHARE lock on `users`, blocking writes to `users` and queries that use `users_email` for the whole rebuild. Use REINDEX INDEX CONCURRENTLY: it takes SHARE UPDATE EXCLUSIVE locks on `users_email` and `users`, blocking neither reads nor writes (only other DDL and VACUUM).',
          endColumn: 14,
        },
      ],
      output: 'REINDEX INDEX CONCURRENTLY users_email;',
    },
    { code: 'REINDEX (VERBOSE) TABLE users;', schema, errors: [{ message: 'REINDEX TABLE blocks writes for the whole rebuild; use REINDEX TABLE CONCURRENTLY', detail: /^REINDEX TABLE takes ACCESS EXCLUSIVE locks on `users_pkey`, `users_email` and `users_name` and a SHARE lock on `users`/, endColumn: 24 }], output: 'REINDEX (VERBOSE) TABLE CONCURRENTLY users;' },
    { code: 'reindex schema public', errors: [{ message: 'REINDEX SCHEMA blocks writes for the whole rebuild; use REINDEX SCHEMA CONCURRENTLY', fixDesc: 'Use REINDEX SCHEMA CONCURRENTLY', detail: /^REINDEX SCHEMA takes SHARE locks on every table in schema public, one at a time, blocking writes to each table in turn \(reads continue\) for the whole rebuild\. Use REINDEX SCHEMA CONCURRENTLY: / }], output: 'reindex schema concurrently public' },
    { code: 'REINDEX DATABASE app', errors: [{ message: /^REINDEX DATABASE blocks writes/, detail: /^REINDEX DATABASE takes/ }], output: 'REINDEX DATABASE CONCURRENTLY app' },
    { code: 'REINDEX (CONCURRENTLY false) TABLE users', schema, errors: [{ message: /^REINDEX TABLE blocks writes/, detail: /^REINDEX TABLE takes/ }], output: null },
    {
      code: 'REINDEX TABLE users;',
      schema,
      settings: { postgresVersion: 11 },
      errors: [
        {
          message: 'REINDEX TABLE blocks writes for the whole rebuild on PostgreSQL 11; build a replacement with CREATE INDEX CONCURRENTLY',
          detail: /and PostgreSQL 11 has no REINDEX CONCURRENTLY \(added in 12\)\. Build a replacement with CREATE INDEX CONCURRENTLY, drop the old index with DROP INDEX CONCURRENTLY, then rename the new one\.$/,
        },
      ],
      output: null,
    },
    { code: 'BEGIN;\nREINDEX TABLE users;\nCOMMIT;', schema, errors: [{ message: 'REINDEX TABLE blocks writes for the whole rebuild; use REINDEX TABLE CONCURRENTLY outside a transaction', detail: /Use REINDEX TABLE CONCURRENTLY in a migration of its own that runs outside a transaction/ }], output: null },
    // (d) CONCURRENTLY (and REINDEX SCHEMA/DATABASE/SYSTEM) inside a transaction block.
    {
      code: 'BEGIN;\nCREATE INDEX CONCURRENTLY users_email2 ON users (email);\nCOMMIT;',
      schema,
      errors: [
        {
          message: 'CREATE INDEX CONCURRENTLY cannot run inside a transaction block; move it out of the BEGIN ... COMMIT block',
          detail: 'CREATE INDEX CONCURRENTLY cannot run inside a transaction block, and it is inside BEGIN ... COMMIT: PostgreSQL rejects it. Move it out of the BEGIN ... COMMIT block.',
          line: 2,
          column: 1,
          endColumn: 26,
        },
      ],
    },
    {
      code: "SET lock_timeout = '2s';\nCREATE INDEX CONCURRENTLY users_email2 ON users (email);",
      schema,
      errors: [
        {
          message: 'CREATE INDEX CONCURRENTLY cannot run inside a transaction block; put it in a migration file of its own',
          detail: `CREATE INDEX CONCURRENTLY cannot run inside a transaction block, and its statements run as one implicit transaction if the file is sent as one query string, which is assumed because no migration tool was recognised; \`migrations.transaction\` sets how your runner runs it: PostgreSQL rejects it. ${IMPLICIT_REMEDY}`,
        },
      ],
    },
    {
      // Set in the configuration, the implicit transaction is a fact, not an assumption.
      code: "SET lock_timeout = '2s';\nCREATE INDEX CONCURRENTLY users_email2 ON users (email);",
      schema,
      settings: { migrationTransaction: 'implicit' as const },
      errors: [
        {
          message: 'CREATE INDEX CONCURRENTLY cannot run inside a transaction block; put it in a migration file of its own',
          detail: `CREATE INDEX CONCURRENTLY cannot run inside a transaction block, and the statements of a multi-statement migration sent as one query string run as one implicit transaction: PostgreSQL rejects it. ${IMPLICIT_REMEDY}`,
        },
      ],
    },
    {
      code: 'CREATE INDEX CONCURRENTLY users_email2 ON users (email);',
      schema,
      settings: { migrationTransaction: 'wrapped' },
      errors: [
        {
          // No tool is known: neutral advice, naming no tool's opt-out.
          message: "CREATE INDEX CONCURRENTLY cannot run inside a transaction block; run it in a migration without the tool's transaction",
          detail:
            "CREATE INDEX CONCURRENTLY cannot run inside a transaction block, and the migration tool runs this file inside a transaction: PostgreSQL rejects it. Turn the migration tool's transaction off for this migration (most tools have a per-file opt-out) and keep the statement in a migration of its own, or set `migrations.tool` or `migrations.transaction` to match your tool.",
          suggestions: [],
        },
      ],
    },
    {
      code: '-- migrate:up\nCREATE INDEX CONCURRENTLY users_email2 ON users (email);',
      schema,
      errors: [
        {
          message: 'CREATE INDEX CONCURRENTLY cannot run inside a transaction block; use `-- migrate:up transaction:false` in a migration of its own',
          detail:
            'CREATE INDEX CONCURRENTLY cannot run inside a transaction block, and dbmate runs this file inside a transaction: PostgreSQL rejects it. Use `-- migrate:up transaction:false` (and `-- migrate:down transaction:false` for the down block) and keep the statement in a migration of its own.',
          suggestions: [{ desc: 'Add -- migrate:up transaction:false', output: '-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY users_email2 ON users (email);' }],
        },
      ],
      name: 'dbmate: names its opt-out',
    },
    { code: 'BEGIN;\nCREATE INDEX CONCURRENTLY i ON users (email);\nCOMMIT;', schema, migration: false, errors: [{ detail: /it is inside BEGIN \.\.\. COMMIT/ }], name: 'explicit transactions count outside migrations too' },
    {
      code: 'CREATE TABLE t (id int);\nCREATE INDEX CONCURRENTLY t_id ON t (id);',
      errors: [
        {
          message: 'CREATE INDEX CONCURRENTLY cannot run inside a transaction block; remove CONCURRENTLY, the table is new',
          detail: `CREATE INDEX CONCURRENTLY cannot run inside a transaction block, and its statements run as one implicit transaction if the file is sent as one query string, which is assumed because no migration tool was recognised; \`migrations.transaction\` sets how your runner runs it: PostgreSQL rejects it. ${IMPLICIT_REMEDY} The table is created in this file, so the plain form without CONCURRENTLY is fine here.`,
          suggestions: [{ desc: /^Remove CONCURRENTLY/, output: 'CREATE TABLE t (id int);\nCREATE INDEX t_id ON t (id);' }],
        },
      ],
      output: null,
    },
    { code: 'BEGIN;\nDROP INDEX CONCURRENTLY users_email;\nCOMMIT;', schema, errors: [{ message: /^DROP INDEX CONCURRENTLY cannot run inside a transaction block; move it out/, detail: /^DROP INDEX CONCURRENTLY cannot run inside a transaction block, and it is inside BEGIN/, line: 2, endColumn: 24 }] },
    { code: 'BEGIN;\nREINDEX TABLE CONCURRENTLY users;\nCOMMIT;', schema, errors: [{ message: /^REINDEX CONCURRENTLY cannot run inside a transaction block/, line: 2, endColumn: 27 }] },
    { code: 'BEGIN;\nREINDEX (CONCURRENTLY) INDEX users_email;\nCOMMIT;', schema, errors: [{ message: /^REINDEX CONCURRENTLY cannot run inside a transaction block/ }] },
    { code: "SET maintenance_work_mem = '1GB';\nREINDEX SCHEMA public;", errors: [{ message: /^REINDEX SCHEMA cannot run inside a transaction block; /, detail: /^REINDEX SCHEMA cannot run inside a transaction block, and its statements run as one implicit transaction if the file is sent as one query string, which is assumed because/ }] },
    { code: 'BEGIN;\nREINDEX SYSTEM;\nCOMMIT;', errors: [{ message: /^REINDEX SYSTEM cannot run inside a transaction block/ }] },
    {
      code: 'BEGIN;\nALTER TABLE events DETACH PARTITION events_2024 CONCURRENTLY;\nCOMMIT;',
      schema,
      errors: [
        {
          message: 'DETACH PARTITION ... CONCURRENTLY cannot run inside a transaction block; move it out of the BEGIN ... COMMIT block',
          detail: /^ALTER TABLE \.\.\. DETACH PARTITION \.\.\. CONCURRENTLY cannot run inside a transaction block, and it is inside BEGIN/,
          line: 2,
          column: 20,
          endColumn: 61,
        },
      ],
    },
    // PostgreSQL 11 has no REINDEX CONCURRENTLY: the statement fails there.
    {
      code: 'REINDEX TABLE CONCURRENTLY users;',
      schema,
      settings: { postgresVersion: 11 },
      errors: [
        {
          message: 'REINDEX ... CONCURRENTLY fails on PostgreSQL 11 (added in 12); build a replacement with CREATE INDEX CONCURRENTLY',
          detail: 'REINDEX ... CONCURRENTLY needs PostgreSQL 12; on PostgreSQL 11 the statement fails. Build a replacement with CREATE INDEX CONCURRENTLY, drop the old index with DROP INDEX CONCURRENTLY, then rename the new one.',
          endColumn: 27,
        },
      ],
      output: null,
    },
    { code: 'REINDEX (CONCURRENTLY) INDEX users_email;', schema, settings: { postgresVersion: 11.5 }, errors: [{ message: /^REINDEX \.\.\. CONCURRENTLY fails on PostgreSQL 11\.5 /, detail: /^REINDEX \.\.\. CONCURRENTLY needs PostgreSQL 12; on PostgreSQL 11\.5/ }] },
    // The migration tool, recognised from the layout, names its own way out of the transaction.
    {
      code: 'CREATE INDEX i ON users (email);\nCREATE INDEX CONCURRENTLY j ON users (email);',
      schema,
      filename: 'migrations/000002_add_index.up.sql',
      errors: [
        { message: `${CREATE_HEADLINE} outside a transaction`, detail: /^CREATE INDEX on `users` takes a SHARE lock/, line: 1 },
        {
          message: 'CREATE INDEX CONCURRENTLY cannot run inside a transaction block; put it alone in a migration file of its own',
          detail: /^CREATE INDEX CONCURRENTLY cannot run inside a transaction block, and the statements of a multi-statement migration sent as one query string run as one implicit transaction: PostgreSQL rejects it\. Put the statement alone in a migration file of its own \(golang-migrate/,
          line: 2,
        },
      ],
      output: null,
      name: 'golang-migrate',
    },
    // goose and dbmate: a suggestion writes the tool's opt-out (goose's annotation at the top of the
    // file, dbmate's option on the block's line) where the rest of the file can run without a
    // transaction, and adds CONCURRENTLY to a plain statement.
    {
      code: '-- +goose Up\nCREATE INDEX users_email2 ON users (email);\n\n-- +goose Down\nDROP INDEX users_email2;',
      schema,
      errors: [
        {
          message: `${CREATE_HEADLINE} outside a transaction`,
          suggestions: [{ desc: 'Add -- +goose NO TRANSACTION and CONCURRENTLY', output: '-- +goose NO TRANSACTION\n-- +goose Up\nCREATE INDEX CONCURRENTLY users_email2 ON users (email);\n\n-- +goose Down\nDROP INDEX users_email2;' }],
        },
      ],
      output: null,
      name: 'goose: the index in a migration of its own gets NO TRANSACTION and CONCURRENTLY',
    },
    {
      code: "-- +goose Up\nSET lock_timeout = '2s';\nCREATE UNIQUE INDEX users_email2 ON users (email);\nCREATE INDEX users_name2 ON users (name);\n-- +goose Down\nSELECT 'down SQL query';",
      schema,
      errors: [
        {
          line: 3,
          suggestions: [
            {
              desc: 'Add -- +goose NO TRANSACTION and CONCURRENTLY',
              output: "-- +goose NO TRANSACTION\n-- +goose Up\nSET lock_timeout = '2s';\nCREATE UNIQUE INDEX CONCURRENTLY users_email2 ON users (email);\nCREATE INDEX users_name2 ON users (name);\n-- +goose Down\nSELECT 'down SQL query';",
            },
          ],
        },
        { line: 4, suggestions: [{ desc: 'Add -- +goose NO TRANSACTION and CONCURRENTLY' , output: "-- +goose NO TRANSACTION\n-- +goose Up\nSET lock_timeout = '2s';\nCREATE UNIQUE INDEX users_email2 ON users (email);\nCREATE INDEX CONCURRENTLY users_name2 ON users (name);\n-- +goose Down\nSELECT 'down SQL query';" }] },
      ],
      name: "goose: session settings, other index statements and the template's constant SELECT run as well without a transaction",
    },
    {
      code: '-- +goose Up\r\nCREATE INDEX CONCURRENTLY users_email2 ON users (email);\r\n',
      schema,
      errors: [
        {
          message: 'CREATE INDEX CONCURRENTLY cannot run inside a transaction block; use `-- +goose NO TRANSACTION` in a migration of its own',
          detail: 'CREATE INDEX CONCURRENTLY cannot run inside a transaction block, and goose runs this file inside a transaction: PostgreSQL rejects it. Use `-- +goose NO TRANSACTION` and keep the statement in a migration of its own.',
          suggestions: [{ desc: 'Add -- +goose NO TRANSACTION', output: '-- +goose NO TRANSACTION\r\n-- +goose Up\r\nCREATE INDEX CONCURRENTLY users_email2 ON users (email);\r\n' }],
        },
      ],
      name: 'goose: CONCURRENTLY in the tool transaction gets the annotation, in the file’s line endings',
    },
    {
      code: '-- +goose Up\nDROP INDEX users_email;\n-- +goose Down\nCREATE INDEX users_email ON users (email);',
      schema,
      errors: [{ message: `${DROP_HEADLINE} outside a transaction`, suggestions: [{ desc: 'Add -- +goose NO TRANSACTION and CONCURRENTLY', output: '-- +goose NO TRANSACTION\n-- +goose Up\nDROP INDEX CONCURRENTLY users_email;\n-- +goose Down\nCREATE INDEX users_email ON users (email);' }] }],
      name: 'goose: DROP INDEX',
    },
    {
      code: '-- +goose Up\nREINDEX INDEX users_email;',
      schema,
      errors: [{ suggestions: [{ desc: 'Add -- +goose NO TRANSACTION and CONCURRENTLY', output: '-- +goose NO TRANSACTION\n-- +goose Up\nREINDEX INDEX CONCURRENTLY users_email;' }] }],
      name: 'goose: REINDEX',
    },
    // Not where the rest of the file needs the transaction: the annotation covers Up and Down.
    {
      code: '-- +goose Up\nALTER TABLE users ADD COLUMN nickname text;\nCREATE INDEX users_nickname ON users (nickname);',
      schema,
      errors: [{ message: `${CREATE_HEADLINE} outside a transaction`, suggestions: [] }],
      name: 'goose: no suggestion when other work shares the transaction',
    },
    {
      code: "-- +goose Up\nSET LOCAL lock_timeout = '2s';\nCREATE INDEX users_email2 ON users (email);",
      schema,
      errors: [{ suggestions: [] }],
      name: 'goose: no suggestion when SET LOCAL would stop working',
    },
    {
      code: '-- +goose Up\nCREATE INDEX users_email2 ON users (email);\n-- +goose Down\nDROP INDEX users_email2;\nALTER TABLE users DROP COLUMN name;',
      schema,
      errors: [{ suggestions: [] }],
      name: 'goose: no suggestion when the Down section needs the transaction',
    },
    // PostgreSQL rejects the statement, so it is reported in a rollback too.
    {
      code: '-- +goose Up\nSELECT 1;\n-- +goose Down\nDROP INDEX CONCURRENTLY users_email;',
      schema,
      errors: [{ message: /^DROP INDEX CONCURRENTLY cannot run inside a transaction block; use `-- \+goose NO TRANSACTION`/, line: 4, suggestions: [{ desc: 'Add -- +goose NO TRANSACTION', output: '-- +goose NO TRANSACTION\n-- +goose Up\nSELECT 1;\n-- +goose Down\nDROP INDEX CONCURRENTLY users_email;' }] }],
      name: 'CONCURRENTLY in a goose Down section is reported by default',
    },
    {
      code: '-- migrate:up\nCREATE INDEX users_email2 ON users (email);\n\n-- migrate:down\nDROP INDEX users_email2;\n',
      schema,
      errors: [
        {
          message: `${CREATE_HEADLINE} outside a transaction`,
          suggestions: [{ desc: 'Add -- migrate:up transaction:false and CONCURRENTLY', output: '-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY users_email2 ON users (email);\n\n-- migrate:down\nDROP INDEX users_email2;\n' }],
        },
      ],
      name: 'dbmate: transaction:false on the up block and CONCURRENTLY',
    },
    {
      // dbmate sends the block as one query string: with two statements it is an implicit transaction still.
      code: "-- migrate:up\nSET lock_timeout = '2s';\nCREATE INDEX users_email2 ON users (email);\n-- migrate:down\nDROP INDEX users_email2;",
      schema,
      errors: [{ line: 3, suggestions: [] }],
      name: 'dbmate: no suggestion when the block holds another statement',
    },
    {
      code: '-- migrate:up\nSELECT 1;\n-- migrate:down\nDROP INDEX CONCURRENTLY users_email;',
      schema,
      errors: [{ line: 4, suggestions: [{ desc: 'Add -- migrate:down transaction:false', output: '-- migrate:up\nSELECT 1;\n-- migrate:down transaction:false\nDROP INDEX CONCURRENTLY users_email;' }] }],
      name: 'dbmate: CONCURRENTLY in the down block, reported by default',
    },
    // Partitioned tables: no CONCURRENTLY fix, in a transaction or not.
    { code: 'BEGIN;\nCREATE INDEX events_at2 ON events (at);\nCOMMIT;', schema, errors: [{ message: /^CREATE INDEX on partitioned table `events` blocks writes/, detail: /^CREATE INDEX on partitioned table `events`.*ON ONLY `events`/ }], output: null },
    // Positions after multi-byte text.
    {
      code: '-- インデックス 🚀\n/* 🚀 */ CREATE INDEX users_email2 ON users (email);',
      schema,
      errors: [{ message: CREATE_HEADLINE, detail: CREATE, line: 2, column: 10, endColumn: 22 }],
      output: '-- インデックス 🚀\n/* 🚀 */ CREATE INDEX CONCURRENTLY users_email2 ON users (email);',
    },
  ],
});
