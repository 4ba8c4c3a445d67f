import { RuleTester, type ValidCase } from '@sqlwarden/core/testing';
import rule from './index.ts';

const schema = `
CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, "displayName" text, "order" int);
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint NOT NULL, total numeric(12, 2));
CREATE TABLE archive AS SELECT lower(email) AS e FROM users;
`;

const QUERY = /^`\*` makes the result depend on the current columns of `users`; list the columns$/;

// Stars matter where a query's result reaches an application: most cases are query files. A
// migration's own queries run once (see the cases marked migration: true).
const queryFile = (c: ValidCase): ValidCase => (typeof c === 'string' ? { code: c, migration: false } : { migration: false, ...c });

new RuleTester().run(rule, {
  valid: [
    { name: 'a migration cloning a table with CREATE TABLE AS', migration: true, code: 'CREATE TABLE users_history AS SELECT * FROM users WHERE false;' },
    { name: 'a migration copying with SELECT INTO', migration: true, code: 'SELECT * INTO users_copy FROM users;' },
    { name: "a migration backfill's scalar subquery", migration: true, code: "UPDATE site SET users_active_day = (SELECT * FROM site_activity('1 day'));" },
    { name: 'a query a migration runs', migration: true, code: 'SELECT * FROM users;' },
    'SELECT id, email FROM users',
    'SELECT count(*) FROM users',
    'SELECT count(*) FILTER (WHERE id > 1) FROM users',
    'SELECT row_to_json(u.*) FROM users u',
    'SELECT to_jsonb(u) FROM users u',
    // EXISTS ignores the select list.
    'SELECT id FROM users u WHERE EXISTS (SELECT * FROM orders o WHERE o.user_id = u.id)',
    'SELECT id FROM users u WHERE NOT EXISTS (SELECT * FROM orders o WHERE o.user_id = u.id)',
    'SELECT 1 WHERE EXISTS (SELECT * FROM orders UNION SELECT * FROM orders)',
    // Relaxation: the CTE / subquery already lists its columns.
    'WITH recent AS (SELECT id, email FROM users) SELECT * FROM recent',
    'SELECT * FROM (SELECT id, email FROM users) AS u',
    'SELECT s.* FROM (SELECT id FROM users) s JOIN LATERAL (SELECT 1 AS one) x ON true',
    'WITH a AS (SELECT id FROM users), b AS (SELECT * FROM a) SELECT * FROM b',
    'WITH a AS (SELECT id FROM users) SELECT * FROM a UNION ALL SELECT * FROM a',
    'WITH RECURSIVE r AS (SELECT id FROM users UNION ALL SELECT r.* FROM r WHERE false) SELECT * FROM r',
    'SELECT * FROM (VALUES (1, 2)) AS v(a, b)',
    'WITH d AS (DELETE FROM users WHERE id = 1 RETURNING id, email) SELECT * FROM d',
    "SELECT * FROM generate_series(1, 10) AS g(n)",
    "SELECT * FROM unnest(ARRAY[1, 2]) AS u(n)",
    // The star of `t.*` only needs `t` to be explicit.
    'WITH a AS (SELECT id FROM users) SELECT a.*, o.total FROM a JOIN orders o ON o.user_id = a.id',
    // RETURNING * is only reported with checkReturning.
    'INSERT INTO users (email) VALUES ($1) RETURNING *',
    'UPDATE users SET email = $1 WHERE id = $2 RETURNING *',
    'DELETE FROM users WHERE id = $1 RETURNING *',
    { code: 'INSERT INTO users (email) VALUES ($1) RETURNING id', options: { checkReturning: true } },
    // Whole-row composite field expansion is not a star of a FROM item.
    'SELECT (u).* FROM (SELECT users AS u FROM users) s',
    // Query compilers resolve `*` against the schema when they generate code (sqlc, pggen, PgTyped).
    { name: 'sqlc annotation', code: '-- name: GetAuthor :one\nSELECT * FROM authors WHERE id = $1 LIMIT 1;' },
    { name: 'sqlc annotation with a doc comment after it', code: '-- name: ListAuthors :many\n-- Every author, by name.\nSELECT * FROM authors ORDER BY name;' },
    { name: 'sqlc annotation in a block comment', code: '/* name: ListAuthors :many */\nSELECT a.* FROM authors a;' },
    { name: 'sqlc :exec INSERT ... SELECT *', code: '-- name: ArchiveAuthors :exec\nINSERT INTO authors_archive SELECT * FROM authors;' },
    { name: 'sqlc RETURNING * with checkReturning', code: '-- name: CreateAuthor :one\nINSERT INTO authors (name) VALUES ($1) RETURNING *;', options: { checkReturning: true } },
    { name: 'sqlc, one annotation per statement', code: '-- name: GetAuthor :one\nSELECT * FROM authors WHERE id = $1;\n\n-- name: ListBooks :many\nSELECT * FROM books;' },
    { name: 'PgTyped annotation', code: '/* @name FindBookById */\nSELECT * FROM books WHERE id = :bookId;' },
    { name: 'PgTyped annotation with params', code: '/*\n  @name FindBooks\n  @param ids -> (...)\n*/\nSELECT * FROM books WHERE id = ANY(:ids);' },
    // A star inside a CTE or derived table whose columns the outer query names never reaches the result.
    { name: 'CTE star not passed on', code: 'WITH x AS (SELECT * FROM users) SELECT id FROM x' },
    { name: 'derived table star not passed on', code: 'SELECT id FROM (SELECT * FROM users) s' },
    { name: 'CTE star read through a join that names columns', code: 'WITH x AS (SELECT * FROM users) SELECT x.id, o.total FROM x JOIN orders o ON o.user_id = x.id' },
    { name: 'chain of CTEs ending in named columns', code: 'WITH a AS (SELECT * FROM users), b AS (SELECT * FROM a) SELECT id FROM b' },
    { name: 'derived table star under INSERT ... SELECT with named columns', code: 'INSERT INTO t (id) SELECT id FROM (SELECT * FROM users) s' },
    { name: 'CTE never read', code: 'WITH x AS (SELECT * FROM users) SELECT 1' },
    // Followed to a bounded depth, then silent: a chain of 1,500 CTEs overflowed the stack.
    { name: 'deeply nested derived tables', code: `SELECT * FROM ${'(SELECT * FROM '.repeat(900)}users${') s'.repeat(900)}` },
    { name: 'a chain of 1,500 CTEs passing a star on', code: `WITH ${Array.from({ length: 1500 }, (_, i) => `c${i} AS (SELECT * FROM ${i > 0 ? `c${i - 1}` : 'users'})`).join(', ')} SELECT * FROM c1499` },
    // A rollback recreating the view its up part replaced: not reported by default (a star does not fail as written).
    { name: 'a goose Down section recreating a view', migration: true, code: '-- +goose Up\nDROP VIEW active_users;\n-- +goose Down\nCREATE VIEW active_users AS SELECT * FROM users;', schema },
    { name: 'CTE read only by UPDATE ... FROM', code: 'WITH x AS (SELECT * FROM users) UPDATE orders o SET total = 0 FROM x WHERE x.id = o.user_id' },
  ].map(queryFile),
  invalid: [
    {
      code: 'SELECT * FROM users',
      schema,
      errors: [
        {
          message: '`*` makes the result depend on the current columns of `users`; list the columns',
          detail:
            '`*` expands to the columns of `users` as they are when the query runs, not as they were when it was written: a column added, dropped or reordered later silently changes what the application receives. Code that reads columns by position breaks; code that maps rows onto structs gets columns nobody asked for, or fails on a type it cannot decode; and unused columns (large text or jsonb values too) are read and sent on every call anyway. List the columns the query needs.',
          line: 1,
          column: 8,
          endLine: 1,
          endColumn: 9,
          suggestions: [{ desc: 'Replace * with the 4 columns of users', output: 'SELECT id, email, "displayName", "order" FROM users' }],
        },
      ],
      output: null,
    },
    {
      name: 'qualified star, suggestion keeps the qualifier as written',
      code: 'SELECT u.*, o.total FROM users u JOIN orders o ON o.user_id = u.id',
      schema,
      errors: [
        {
          message: /^`u\.\*` makes the result depend on the current columns of `u`;/,
          line: 1,
          column: 8,
          endColumn: 11,
          suggestions: [{ output: 'SELECT u.id, u.email, u."displayName", u."order", o.total FROM users u JOIN orders o ON o.user_id = u.id' }],
        },
      ],
    },
    {
      name: 'bare star over a join expands every table, qualified, in FROM order',
      code: 'SELECT * FROM users u JOIN orders ON orders.user_id = u.id',
      schema,
      errors: [
        {
          message: /current columns of `u`, `orders`;/,
          suggestions: [
            {
              desc: 'Replace * with the 7 columns of u, orders',
              output: 'SELECT u.id, u.email, u."displayName", u."order", orders.id, orders.user_id, orders.total FROM users u JOIN orders ON orders.user_id = u.id',
            },
          ],
        },
      ],
    },
    {
      name: 'schema-qualified star',
      code: 'SELECT public.users.* FROM public.users',
      schema,
      errors: [{ message: /^`public\.users\.\*` makes the result depend/, column: 8, endColumn: 22, suggestions: [{ output: 'SELECT public.users.id, public.users.email, public.users."displayName", public.users."order" FROM public.users' }] }],
    },
    {
      name: 'quoted qualifier',
      code: 'SELECT "U".* FROM users AS "U"',
      schema,
      errors: [{ message: /^`"U"\.\*` makes the result depend on the current columns of `U`/, suggestions: [{ output: 'SELECT "U".id, "U".email, "U"."displayName", "U"."order" FROM users AS "U"' }] }],
    },
    {
      name: 'quoted alias with a bare star over two tables',
      code: 'SELECT * FROM users AS "U", orders',
      schema,
      errors: [{ suggestions: [{ output: 'SELECT "U".id, "U".email, "U"."displayName", "U"."order", orders.id, orders.user_id, orders.total FROM users AS "U", orders' }] }],
    },
    {
      name: 'USING join merges columns: no suggestion',
      code: 'SELECT * FROM users JOIN orders USING (id)',
      schema,
      errors: [{ message: /current columns of `users`, `orders`/, suggestions: [] }],
    },
    {
      name: 'NATURAL join: no suggestion',
      code: 'SELECT * FROM users NATURAL JOIN orders',
      schema,
      errors: [{ suggestions: [] }],
    },
    { name: 'unknown table: reported, no suggestion', code: 'SELECT * FROM missing', errors: [{ message: /current columns of `missing`/, suggestions: [] }] },
    {
      name: 'table created with CREATE TABLE AS: columns unknown, no suggestion',
      code: 'SELECT * FROM archive',
      schema,
      errors: [{ message: /current columns of `archive`/, suggestions: [] }],
    },
    {
      name: 'a column added later appears in the suggestion',
      code: 'SELECT * FROM orders',
      schema: `${schema}\nALTER TABLE orders ADD COLUMN note text;\nALTER TABLE orders DROP COLUMN total;`,
      errors: [{ suggestions: [{ output: 'SELECT id, user_id, note FROM orders' }] }],
    },
    {
      name: 'a title naming many tables gives their count instead',
      code: 'SELECT * FROM customer_accounts, customer_addresses, customer_preferences',
      schema: 'CREATE TABLE customer_accounts (id int);\nCREATE TABLE customer_addresses (id int);\nCREATE TABLE customer_preferences (id int);',
      errors: [
        {
          message: /^`\*` makes the result depend on the current columns of `customer_accounts` and 2 more; list the columns$/,
          detail: /^`\*` expands to the columns of `customer_accounts`, `customer_addresses`, `customer_preferences` as they are/,
          suggestions: [{ desc: 'Replace * with the 3 columns of 3 tables', output: 'SELECT customer_accounts.id, customer_addresses.id, customer_preferences.id FROM customer_accounts, customer_addresses, customer_preferences' }],
        },
      ],
    },
    {
      name: 'a title too long even with the count names no table',
      code: 'SELECT customer_preferences_by_region.* FROM customer_preferences_by_region',
      schema: 'CREATE TABLE customer_preferences_by_region (id int, at date);',
      errors: [{ suggestions: [{ desc: 'Replace the star with the 2 columns', output: 'SELECT customer_preferences_by_region.id, customer_preferences_by_region.at FROM customer_preferences_by_region' }] }],
    },
    {
      name: 'single column table: singular description',
      code: 'SELECT * FROM one',
      schema: 'CREATE TABLE one (only_col int);',
      errors: [{ suggestions: [{ desc: 'Replace * with the column of one', output: 'SELECT only_col FROM one' }] }],
    },
    {
      name: 'view',
      code: 'CREATE VIEW active_users AS SELECT * FROM users WHERE email IS NOT NULL',
      schema,
      errors: [
        {
          message: '`*` in a view is frozen at CREATE VIEW and blocks dropping any column of `users`; list the columns',
          detail: /^`\*` in a view is expanded once, at CREATE VIEW, and the expanded list is stored: columns added to `users` later never appear in the view, and every expanded column becomes a dependency of the view, so a later DROP COLUMN or ALTER COLUMN \.\.\. TYPE of it fails/,
          column: 36,
          suggestions: [{ output: 'CREATE VIEW active_users AS SELECT id, email, "displayName", "order" FROM users WHERE email IS NOT NULL' }],
        },
      ],
    },
    {
      name: 'a goose Down section recreating a view, with rollbacks: all',
      migration: true,
      code: '-- +goose Up\nDROP VIEW active_users;\n-- +goose Down\nCREATE VIEW active_users AS SELECT * FROM users;',
      schema,
      settings: { rollbacks: 'all' as const },
      errors: [{ message: /^`\*` in a view is frozen at CREATE VIEW/, line: 4 }],
    },
    { name: 'materialized view', code: 'CREATE MATERIALIZED VIEW mv AS SELECT * FROM users', errors: [{ message: /^`\*` in a view is frozen at CREATE VIEW/ }] },
    { name: 'star nested in a view query takes the view message', code: 'CREATE VIEW v AS SELECT id FROM (SELECT * FROM users) s', errors: [{ message: /in a view is frozen at CREATE VIEW/ }] },
    {
      name: 'INSERT ... SELECT *',
      code: 'INSERT INTO archive SELECT * FROM users',
      schema,
      errors: [
        {
          message: "`INSERT ... SELECT *` matches columns of `users` to the target's by position; list the columns on both sides",
          detail: /^`INSERT \.\.\. SELECT \*` matches the selected columns to the target columns by position, left to right: adding or reordering a column of `users` or of the target table makes the insert fail, or, when the types happen to be compatible, write values into the wrong columns\./,
          suggestions: [{ output: 'INSERT INTO archive SELECT id, email, "displayName", "order" FROM users' }],
        },
      ],
    },
    { name: 'INSERT ... SELECT * in a UNION', code: 'INSERT INTO t2 SELECT * FROM a UNION ALL SELECT * FROM b', errors: [{ message: /^`INSERT \.\.\. SELECT \*`.*`a`/ }, { message: /^`INSERT \.\.\. SELECT \*`.*`b`/ }] },
    {
      name: 'CREATE TABLE AS SELECT * outside migrations',
      migration: false,
      code: 'CREATE TABLE users_copy AS SELECT * FROM users',
      errors: [
        {
          message: '`CREATE TABLE ... AS SELECT *` copies the columns of `users` as they are when it runs; list the columns',
          detail: /so the shape of the new table depends on the schema at that moment/,
        },
      ],
    },
    { name: 'SELECT * INTO outside migrations', migration: false, code: 'SELECT * INTO users_copy FROM users', errors: [{ message: QUERY }] },
    { name: 'CTE passed on by a star', code: 'WITH x AS (SELECT * FROM users) SELECT * FROM x', errors: [{ message: QUERY, column: 19 }] },
    { name: 'derived table passed on by a star', code: 'SELECT s.* FROM (SELECT * FROM users) s', errors: [{ message: QUERY, column: 25 }] },
    { name: 'CTE read twice, once through a star', code: 'WITH x AS (SELECT * FROM users) SELECT id FROM x UNION ALL SELECT * FROM x', errors: [{ message: QUERY, column: 19 }] },
    { name: 'CTE star not passed on, the other table star is', code: 'WITH x AS (SELECT * FROM users) SELECT o.* FROM x JOIN orders o ON o.user_id = x.id', errors: [{ message: /^`o\.\*` makes the result depend on the current columns of `o`;/ }] },
    { name: 'derived table star passed on into INSERT ... SELECT *', code: 'INSERT INTO t SELECT * FROM (SELECT * FROM users) s', errors: [{ message: QUERY, column: 37 }] },
    { name: 'a view pins every column of a star that stops inside it', code: 'CREATE VIEW v AS WITH x AS (SELECT * FROM users) SELECT id FROM x', errors: [{ message: /in a view is frozen at CREATE VIEW/ }] },
    { name: 'sqlc annotation of the previous statement does not carry over', code: '-- name: DeleteAuthor :exec\nDELETE FROM authors WHERE id = $1;\nSELECT * FROM authors;', errors: [{ message: /current columns of `authors`/, line: 3 }] },
    { name: 'yesql `-- name:` without a command is read at run time', code: '-- name: get-authors\nSELECT * FROM authors;', errors: 1 },
    { name: 'HugSQL `-- :name` is read at run time', code: '-- :name get-authors :? :*\nSELECT * FROM authors;', errors: 1 },
    { name: 'an annotation in a string is not a comment', code: "SELECT '-- name: X :one';\nSELECT * FROM authors;", errors: [{ line: 2 }] },
    {
      name: 'the star closest to the table is reported, not the ones that pass it on',
      code: 'WITH x AS (SELECT * FROM users) SELECT * FROM (SELECT * FROM x) s',
      errors: [{ message: QUERY, column: 19 }],
    },
    { name: 'CTE over a table star, then a star over the CTE', code: 'WITH a AS (SELECT id FROM users), b AS (SELECT a.*, o.* FROM a JOIN orders o ON true) SELECT * FROM b', errors: [{ message: /`o\.\*` makes the result depend on the current columns of `o`/ }] },
    { name: 'mixing a closed CTE and a table still reports the table', code: 'WITH a AS (SELECT id FROM users) SELECT * FROM a, orders', errors: [{ message: /^`\*` makes the result depend on the current columns of `orders`;/ }] },
    { name: 'data-modifying CTE with RETURNING *', code: 'WITH d AS (DELETE FROM users WHERE id = 1 RETURNING *) SELECT * FROM d', errors: [{ message: /current columns of `d`/, column: 63 }] },
    {
      name: 'with checkReturning the RETURNING * is reported instead of the outer star',
      code: 'WITH d AS (DELETE FROM users WHERE id = 1 RETURNING *) SELECT * FROM d',
      options: { checkReturning: true },
      errors: [{ message: /^`RETURNING \*` returns every column of `users`/, column: 53 }],
    },
    {
      name: 'nested derived tables passing a star on: the innermost star is reported',
      code: `SELECT * FROM ${'(SELECT * FROM '.repeat(20)}users${') s'.repeat(20)}`,
      errors: [{ message: QUERY, column: 15 * 20 + 8 }],
    },
    { name: 'scalar subquery', code: 'SELECT (SELECT * FROM users LIMIT 1)', errors: [{ message: QUERY }] },
    { name: 'IN subquery', code: 'SELECT 1 FROM orders WHERE user_id IN (SELECT * FROM users)', errors: [{ message: QUERY }] },
    { name: 'user function source', code: 'SELECT * FROM user_rows($1)', errors: [{ message: /current columns of `user_rows\(\)`/ }] },
    { name: 'set operation branches', code: 'SELECT * FROM users UNION SELECT * FROM users', errors: 2 },
    { name: 'star and other columns', code: 'SELECT *, 1 AS one FROM users', errors: 1 },
    { name: 'two stars', code: 'SELECT users.*, orders.* FROM users, orders', errors: 2 },
    {
      name: 'RETURNING * with checkReturning',
      code: 'INSERT INTO users (email) VALUES ($1) RETURNING *',
      options: { checkReturning: true },
      schema,
      errors: [
        {
          message: '`RETURNING *` returns every column of `users`, including ones added later; list the columns you need',
          detail: /a column added later changes what the application receives, and every column is sent on every call/,
          column: 49,
          suggestions: [{ desc: 'Replace RETURNING * with the 4 columns of users', output: 'INSERT INTO users (email) VALUES ($1) RETURNING id, email, "displayName", "order"' }],
        },
      ],
    },
    {
      name: 'RETURNING t.* with checkReturning',
      code: 'UPDATE users AS u SET email = $1 WHERE id = $2 RETURNING u.*',
      options: { checkReturning: true },
      schema,
      errors: [{ message: /^`RETURNING u\.\*` returns every column of `users`/, suggestions: [{ output: 'UPDATE users AS u SET email = $1 WHERE id = $2 RETURNING u.id, u.email, u."displayName", u."order"' }] }],
    },
    { name: 'DELETE RETURNING * with checkReturning, unknown table', code: 'DELETE FROM t WHERE id = 1 RETURNING *', options: { checkReturning: true }, errors: [{ suggestions: [] }] },
    {
      name: 'positions after multi-byte text',
      code: '-- 日本語 😀 comment\n/* 😀 */ SELECT * FROM users; -- ok 🎉\nSELECT   u.* FROM users u',
      schema,
      errors: [
        { line: 2, column: 17, endLine: 2, endColumn: 18, suggestions: [{ output: '-- 日本語 😀 comment\n/* 😀 */ SELECT id, email, "displayName", "order" FROM users; -- ok 🎉\nSELECT   u.* FROM users u' }] },
        { line: 3, column: 10, endLine: 3, endColumn: 13 },
      ],
    },
    {
      name: 'works outside migrations too',
      code: 'SELECT * FROM users WHERE id = $1',
      migration: false,
      errors: [{ message: QUERY }],
    },
    {
      name: 'reserved-word and uppercase columns are quoted',
      code: 'SELECT * FROM t',
      schema: 'CREATE TABLE t ("select" int, "Mixed" int, "with space" int, plain_1 int, "a""b" int);',
      errors: [{ suggestions: [{ output: 'SELECT "select", "Mixed", "with space", plain_1, "a""b" FROM t' }] }],
    },
  ].map((c) => ({ migration: false, ...c })),
});
