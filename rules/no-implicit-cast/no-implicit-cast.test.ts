import { RuleTester } from '@sqlwarden/core/testing';
import rule from './index.ts';

const schema = `
CREATE TABLE users (
  id int PRIMARY KEY,
  account_id bigint,
  small smallint,
  code char(5),
  name text,
  email varchar(100),
  external_id uuid,
  created_at timestamp,
  updated_at timestamptz,
  birthday date,
  price numeric(10, 2),
  ratio float8,
  active boolean
);
CREATE TABLE orders (id bigserial PRIMARY KEY, user_id int, amount numeric, user_ext text, placed_at timestamptz);
`;

const columnCast = (column: string, castTo: string, columnShort: string, art = 'a'): string =>
  `\`${column}\` is cast to ${castTo} on every row, so an index on it is unusable; compare with ${art} ${columnShort} value`;

const operatorError = (column: string, columnShort: string, valueShort: string): string =>
  `Comparing \`${column}\` (${columnShort}) with ${valueShort} fails: operator does not exist; cast the value to ${columnShort}, not the column`;

/** The detail keeps PostgreSQL's own error text, to search for. */
const operatorErrorDetail = (signature: string): RegExp => new RegExp(`PostgreSQL rejects this with "operator does not exist: ${signature}"`);

const TIME_ZONE = /^Comparing `[\w.]+` \((timestamp|timestamptz|date)\) with (timestamp|timestamptz|date) depends on the session TimeZone; compare with a (timestamp|timestamptz|date) value$/;
const TIME_ZONE_DETAIL = /stays usable, but PostgreSQL converts between the zone-free and the zoned type with the session TimeZone/;
const ONE = (code: string, message: string | RegExp = /./, detail?: string | RegExp) => ({ code, schema, errors: [{ message, ...(detail !== undefined ? { detail } : {}) }] });

new RuleTester().run(rule, {
  valid: [
    // Untyped literals and parameters take the column's type.
    { code: "SELECT * FROM users WHERE external_id = '6b1c3c0e-7e44-4c53-9a53-2f0f1d2b8a11'", schema },
    { code: "SELECT * FROM users WHERE id = '42'", schema },
    { code: 'SELECT * FROM users WHERE external_id = $1', schema },
    { code: 'SELECT * FROM users WHERE id = $1 AND code = $2 AND created_at > $3', schema },
    // Same family: integer_ops has cross-type operators.
    { code: 'SELECT * FROM users WHERE id = 42 AND account_id = 42 AND small = 1 AND id = 10::int8 AND account_id = $1::int2', schema },
    { code: 'SELECT * FROM users WHERE id = 9223372036854775807', schema },
    { code: 'SELECT * FROM users WHERE small > 100_000_000_000_000 AND account_id = 0x7FFF_FFFF_FFFF AND id <> -0b1010', schema, name: 'PostgreSQL 16 integer literals' },
    { code: 'SELECT * FROM users WHERE account_id = 0o777_777_777_777 AND id < 0b1111_1111_1111_1111_1111_1111_1111_1111_1 AND small = 9_999_999_999', schema, name: 'integer literals beyond int4 in every spelling are integers' },
    // The value is converted, not the column.
    { code: 'SELECT * FROM users WHERE price = 15 AND price = $1::int8 AND ratio = 1.5 AND ratio = $1::numeric', schema },
    { code: 'SELECT * FROM users WHERE name = $1::varchar AND email = $1::text AND name = lower($1) AND email = $1 || $2', schema },
    // bpchar against varchar resolves to bpchar = bpchar; a cast back to bpchar is fine.
    { code: "SELECT * FROM users WHERE code = 'abc' AND code = $1 AND code = $1::varchar AND code = upper($1)::bpchar", schema },
    // IN with two or more values: the common type stays char(n).
    { code: "SELECT * FROM users WHERE code IN ('a'::text, 'b'::text) AND code IN (lower($1), lower($2))", schema },
    // Zone-free and zoned values matched correctly.
    { code: "SELECT * FROM users WHERE created_at > localtimestamp AND created_at > now() AT TIME ZONE 'UTC' AND created_at > '2024-01-01'", schema },
    { code: "SELECT * FROM users WHERE updated_at > now() - interval '1 day' AND updated_at > $1::timestamptz AND birthday = current_date", schema },
    { code: "SELECT * FROM users WHERE created_at >= '2024-01-01'::date AND birthday > '2024-01-01'::timestamp AND created_at >= date_trunc('day', localtimestamp)", schema },
    { code: 'SELECT * FROM users WHERE external_id = $1::uuid AND external_id = gen_random_uuid()', schema },
    // Unknown table, unknown column, CTE and derived-table columns: the type is not known.
    'SELECT * FROM nope WHERE id = 1.5',
    { code: 'SELECT * FROM users WHERE missing = 1.5', schema },
    { code: 'WITH u AS (SELECT id FROM users) SELECT * FROM u WHERE id = 1.5', schema },
    { code: 'SELECT * FROM (SELECT id FROM users) AS u WHERE u.id = 1.5', schema },
    { code: 'SELECT * FROM users u, orders o WHERE id = 1.5', schema, name: 'ambiguous unqualified column' },
    // Not queries: CHECK constraints, index predicates, ALTER ... USING.
    { code: 'CREATE TABLE t (n int CHECK (n <> 1.5), c char(2) CHECK (c <> lower(c)))' },
    { code: 'ALTER TABLE users ADD CONSTRAINT users_id_check CHECK (id <> 1.5)', schema },
    { code: 'CREATE INDEX users_big ON users (id) WHERE id > 1.5', schema },
    // Forms the rule does not model: arrays, LIKE, functions it does not know.
    { code: 'SELECT * FROM users WHERE id = ANY($1::numeric[])', schema },
    { code: "SELECT * FROM users WHERE external_id::text LIKE 'abc%'", schema },
    { code: 'SELECT * FROM users WHERE code = my_schema.normalize($1) AND code = unknown_fn($1)', schema },
    { code: 'SELECT * FROM users WHERE code = lower(some_range)', schema, name: 'lower() of an unknown argument may be a range function' },
    // Rollbacks (goose Down sections, down files) only report comparisons PostgreSQL rejects.
    { code: '-- +goose Up\nSELECT 1;\n-- +goose Down\nDELETE FROM users WHERE created_at < now() AND id = 1.5;', schema, name: 'a goose Down section: TimeZone and index findings are skipped' },
    { code: 'DELETE FROM users WHERE external_id::text = $1;', schema, filename: 'migrations/0002_seed.down.sql', name: 'a down file: a column-side cast is skipped' },
    // The column-side cast is only wrong against a parameter or a string.
    { code: 'SELECT * FROM users u JOIN orders o ON u.external_id::text = o.user_ext', schema },
    { code: "SELECT * FROM users WHERE name::text = $1 AND price::text = '1'", schema },
  ],
  invalid: [
    {
      code: 'SELECT * FROM users WHERE id = 1.5',
      schema,
      errors: [
        {
          message: columnCast('id', 'numeric', 'integer', 'an'),
          detail:
            '`id` is integer but the value is numeric. PostgreSQL has no `integer = numeric` operator, so it casts the column to numeric on every row and compares numeric values: an index on `id`, which stores integer values, cannot serve the comparison, and the table is scanned. Compare with an integer value instead: cast the value, not the column (for a parameter, `$1::integer`). A JDBC BigDecimal parameter (numeric) or a floating-point one produces exactly this comparison.',
          line: 1,
          column: 27,
          endColumn: 35,
        },
      ],
    },
    ONE('SELECT * FROM users WHERE id = $1::numeric', columnCast('id', 'numeric', 'integer', 'an')),
    ONE('SELECT * FROM users WHERE id = 10::numeric', /^`id` is cast to numeric/, /casts the column to numeric on every row/),
    ONE('SELECT * FROM users WHERE account_id = CAST($1 AS double precision)', columnCast('account_id', 'double precision', 'bigint')),
    ONE('SELECT * FROM users WHERE small = 10::real', columnCast('small', 'double precision', 'smallint'), /`small` is smallint but the value is real\. PostgreSQL has no `smallint = real` operator/),
    ONE('SELECT * FROM users WHERE account_id = 9223372036854775808', /^`account_id` is cast to numeric/, /`account_id` is bigint but the value is numeric/),
    ONE('SELECT * FROM users WHERE account_id > -1.5', /^`account_id` is cast to numeric/, /no `bigint > numeric` operator/),
    ONE('SELECT * FROM users WHERE account_id > 1_000.5', /^`account_id` is cast to numeric/),
    ONE('SELECT * FROM users WHERE account_id > 0xFFFF_FFFF_FFFF_FFFF_FF', /^`account_id` is cast to numeric/),
    ONE('SELECT * FROM users WHERE price = 1.5::float8', columnCast('price', 'double precision', 'numeric')),
    ONE('SELECT * FROM users WHERE 1.5 = id', /^`id` is cast to numeric/, /no `numeric = integer` operator/),
    ONE('SELECT * FROM users WHERE id IN (1.5, 2)', /^`id` is cast to numeric/),
    ONE('SELECT * FROM users WHERE id NOT IN (1, 2.5)', /^`id` is cast/),
    ONE('SELECT * FROM users WHERE id BETWEEN 1 AND 2.5', /^`id` is cast to numeric/, /no `integer <= numeric` operator/),
    ONE('SELECT * FROM users WHERE users.id IS DISTINCT FROM 2.5', /^`users.id` is cast/),
    // char(n) against text.
    ONE('SELECT * FROM users WHERE code = $1::text', columnCast('code', 'text', 'char(5)'), /no `character = text` operator.*for a parameter, leave it untyped \(`\$1`\) or cast it to varchar, which PostgreSQL compares as char\)\. A driver that types string parameters as text produces exactly this comparison\.$/),
    ONE('SELECT * FROM users WHERE code = lower($1)', /^`code` is cast to text on every row, so an index on it is unusable; compare with a char\(5\) value$/),
    ONE("SELECT * FROM users WHERE code = $1 || 'x'", /^`code` is cast to text on every row, so an index on it is unusable; compare with a char\(5\) value$/),
    ONE("SELECT * FROM users WHERE code = concat('a', $1)", /^`code` is cast to text/),
    ONE("SELECT * FROM users WHERE code = trim(both ' ' from $1)", /^`code` is cast to text/),
    ONE('SELECT * FROM users WHERE code = substring($1 from 1 for 5)', /^`code` is cast to text/),
    ONE("SELECT * FROM users WHERE code <> format('%s', $1)", /^`code` is cast to text/),
    ONE('SELECT * FROM users WHERE code IN ($1::text)', /^`code` is cast to text on every row, so an index on it is unusable; compare with a char\(5\) value$/),
    ONE("SELECT * FROM users WHERE code BETWEEN 'a'::text AND 'b'", /^`code` is cast to text on every row, so an index on it is unusable; compare with a char\(5\) value$/),
    ONE('SELECT * FROM users WHERE code = name', /^`code` is cast to text on every row, so an index on it is unusable; compare with a char\(5\) value$/),
    // Text against uuid / integer: an error.
    {
      code: 'SELECT * FROM users WHERE external_id = $1::text',
      schema,
      errors: [
        {
          message: operatorError('external_id', 'uuid', 'text'),
          detail:
            '`external_id` is uuid but the value is text: PostgreSQL rejects this with "operator does not exist: uuid = text" (there has been no implicit cast from text to other types since PostgreSQL 8.3). Cast the value to uuid (for a parameter, `$1::uuid`), not the column: `external_id::text` would make the query run, but it converts the column on every row, so an index on `external_id` could not be used.',
        },
      ],
    },
    ONE('SELECT * FROM users WHERE id = $1::varchar', operatorError('id', 'integer', 'varchar'), operatorErrorDetail('integer = character varying')),
    ONE('SELECT * FROM users WHERE $1::text = external_id', operatorError('external_id', 'uuid', 'text'), operatorErrorDetail('text = uuid')),
    ONE('SELECT * FROM users WHERE account_id != $1::text', operatorError('account_id', 'bigint', 'text'), operatorErrorDetail('bigint <> text')),
    ONE("SELECT * FROM users WHERE external_id IN ('a'::text, 'b'::text)", operatorError('external_id', 'uuid', 'text'), operatorErrorDetail('uuid = text')),
    ONE('SELECT * FROM users WHERE created_at = $1::text', operatorError('created_at', 'timestamp', 'text'), operatorErrorDetail('timestamp without time zone = text')),
    ONE('SELECT * FROM users WHERE external_id = concat($1, $2)', operatorError('external_id', 'uuid', 'text')),
    // The wrong fix of that error: the cast on the column side.
    {
      code: 'SELECT * FROM users WHERE external_id::text = $1',
      schema,
      errors: [
        {
          message: '`external_id::text` cannot use an index on `external_id`; cast the parameter instead: `external_id = $1::uuid`',
          detail:
            'Casting `external_id` (uuid) to text makes PostgreSQL convert the column on every row, so an index on `external_id` cannot be used. The cast is the tempting fix of "operator does not exist: uuid = text"; cast the parameter to uuid instead: `external_id = $1::uuid`.',
          line: 1,
          column: 27,
          suggestions: [{ desc: 'Compare external_id with the parameter cast to uuid', output: 'SELECT * FROM users WHERE external_id = $1::uuid' }],
        },
      ],
      output: null,
    },
    {
      code: 'SELECT * FROM users u WHERE $2 = u.external_id::varchar',
      schema,
      errors: [{ message: /^`u\.external_id::varchar` cannot use an index on `u\.external_id`; cast the parameter instead: `\$2::uuid = u\.external_id`$/, detail: /^Casting `u\.external_id` \(uuid\) to character varying/, suggestions: [{ output: 'SELECT * FROM users u WHERE $2::uuid = u.external_id' }] }],
    },
    {
      code: 'SELECT * FROM users WHERE CAST(id AS text) = $1::text',
      schema,
      errors: [{ message: /^`CAST\(id AS text\)` cannot use an index on `id`/, detail: /^Casting `id` \(integer\) to text/, suggestions: [{ desc: 'Compare id with the parameter cast to integer', output: 'SELECT * FROM users WHERE id = $1::integer' }] }],
    },
    {
      code: "SELECT * FROM users WHERE external_id::text = '6b1c3c0e-7e44-4c53-9a53-2f0f1d2b8a11'",
      schema,
      errors: [{ message: /^`external_id::text` cannot use an index on `external_id`; compare the column itself: `external_id = '6b1c3c0e[^`]*\.\.\.`$/, detail: /compare the column itself with the literal, which PostgreSQL reads as uuid: `external_id = '6b1c3c0e-7e44-4c53-9a53-2f0f1d2b8a11'`\.$/, suggestions: [{ desc: 'Compare external_id itself with the literal', output: "SELECT * FROM users WHERE external_id = '6b1c3c0e-7e44-4c53-9a53-2f0f1d2b8a11'" }] }],
    },
    {
      code: 'SELECT * FROM orders o JOIN users u ON u.id = o.user_id WHERE u.account_id::text = :account',
      schema,
      errors: [{ message: /^`u\.account_id::text` cannot use an index on `u\.account_id`/, detail: /^Casting `u\.account_id` \(bigint\)/, suggestions: [{ output: 'SELECT * FROM orders o JOIN users u ON u.id = o.user_id WHERE u.account_id = :account::bigint' }] }],
    },
    // timestamp / timestamptz / date mixes: correctness, not index use.
    {
      code: 'SELECT * FROM users WHERE created_at > now()',
      schema,
      errors: [
        {
          message: 'Comparing `created_at` (timestamp) with timestamptz depends on the session TimeZone; compare with a timestamp value',
          detail:
            "`created_at` is timestamp without time zone but the value is timestamp with time zone: date, timestamp and timestamptz share an operator family, so an index on `created_at` stays usable, but PostgreSQL converts between the zone-free and the zoned type with the session TimeZone, so which rows match depends on the connection's TimeZone setting (the same query returns different rows for a session in UTC and one in Europe/Paris). Compare with a timestamp value in the zone the column stores (e.g. `now() AT TIME ZONE 'UTC'`), or store the column as timestamptz.",
        },
      ],
    },
    ONE('SELECT * FROM users WHERE created_at >= CURRENT_TIMESTAMP', TIME_ZONE),
    ONE("SELECT * FROM users WHERE created_at < now() - interval '1 hour'", TIME_ZONE),
    ONE('SELECT * FROM users WHERE created_at = $1::timestamptz', TIME_ZONE),
    ONE('SELECT * FROM users WHERE created_at > clock_timestamp()', TIME_ZONE),
    ONE('SELECT * FROM users WHERE created_at BETWEEN statement_timestamp() AND transaction_timestamp()', TIME_ZONE),
    ONE("SELECT * FROM users WHERE created_at >= date_trunc('day', now())", TIME_ZONE),
    ONE('SELECT * FROM users WHERE created_at > coalesce($1::timestamptz, now())', TIME_ZONE),
    ONE('SELECT * FROM users WHERE updated_at > localtimestamp', 'Comparing `updated_at` (timestamptz) with timestamp depends on the session TimeZone; compare with a timestamptz value', /^`updated_at` is timestamp with time zone but the value is timestamp without time zone: .*Compare with a timestamptz value \(e\.g\./),
    ONE('SELECT * FROM users WHERE updated_at > $1::timestamp', TIME_ZONE),
    ONE('SELECT * FROM users WHERE updated_at >= current_date', /^Comparing `updated_at` \(timestamptz\) with date depends on the session TimeZone/, TIME_ZONE_DETAIL),
    ONE('SELECT * FROM users WHERE birthday < now()', 'Comparing `birthday` (date) with timestamptz depends on the session TimeZone; compare with a date value', /^`birthday` is date but the value is timestamp with time zone: .*Compare with a date value \(e\.g\. `current_date`/),
    // Joins compare two columns.
    ONE('SELECT * FROM users u JOIN orders o ON o.user_ext = u.external_id', operatorError('u.external_id', 'uuid', 'text'), operatorErrorDetail('text = uuid')),
    ONE('SELECT * FROM users u JOIN orders o ON u.id = o.amount', /^`u\.id` is cast to numeric/, /^`u\.id` is integer but the value is numeric/),
    ONE('SELECT * FROM users u JOIN orders o ON u.created_at = o.placed_at', TIME_ZONE),
    // Everywhere a query compares: HAVING, UPDATE, DELETE, subqueries, views.
    ONE('SELECT account_id FROM users GROUP BY account_id HAVING account_id > 1.5', /^`account_id` is cast to numeric/),
    ONE("UPDATE users SET name = 'x' WHERE id = 1.5", /^`id` is cast/),
    ONE('DELETE FROM users WHERE external_id = $1::text', operatorError('external_id', 'uuid', 'text')),
    ONE('SELECT * FROM orders WHERE user_id IN (SELECT id FROM users WHERE id = 1.5)', /^`id` is cast/),
    ONE('CREATE VIEW v AS SELECT * FROM users WHERE code = lower(name)', /^`code` is cast to text/),
    {
      code: 'SELECT * FROM users WHERE id = 1.5 AND external_id = $1::text AND created_at > now()',
      schema,
      errors: [{ message: /^`id` is cast/ }, { message: /^Comparing `external_id` \(uuid\) with text fails/ }, { message: TIME_ZONE }],
    },
    // Beyond int8, an integer literal is numeric in PostgreSQL too.
    ONE('SELECT * FROM users WHERE account_id = 0xFFFF_FFFF_FFFF_FFFF_F', /^`account_id` is cast to numeric/),
    ONE('SELECT * FROM users WHERE id = 1_000.5', /^`id` is cast to numeric/),
    ONE('SELECT * FROM users WHERE id = 1e3', /^`id` is cast to numeric/),
    // The column-side text cast with the table from the same file: one report, on the comparison
    // (no-non-sargable-predicate leaves this one to this rule).
    {
      code: 'CREATE TABLE t (id uuid PRIMARY KEY, n integer);\nSELECT * FROM t WHERE id::text = $1 AND n::varchar = :n;',
      errors: [
        { message: '`id::text` cannot use an index on `id`; cast the parameter instead: `id = $1::uuid`', line: 2, column: 23, endColumn: 36, suggestions: [{ output: 'CREATE TABLE t (id uuid PRIMARY KEY, n integer);\nSELECT * FROM t WHERE id = $1::uuid AND n::varchar = :n;' }] },
        { message: '`n::varchar` cannot use an index on `n`; cast the parameter instead: `n = :n::integer`', line: 2, column: 41, endColumn: 56, suggestions: [{ output: 'CREATE TABLE t (id uuid PRIMARY KEY, n integer);\nSELECT * FROM t WHERE id::text = $1 AND n = :n::integer;' }] },
      ],
    },
    // PostgreSQL rejects the statement, so a rollback is broken: reported there too.
    {
      code: "-- +goose Up\nSELECT 1;\n-- +goose Down\nDELETE FROM users WHERE external_id = 'x'::text;",
      schema,
      name: 'a goose Down section: an operator that does not exist is still reported',
      errors: [{ message: operatorError('external_id', 'uuid', 'text'), line: 4 }],
    },
    { code: 'DELETE FROM users WHERE id = $1::varchar;', schema, filename: 'migrations/0002_seed.down.sql', name: 'a down file: an operator that does not exist is still reported', errors: [{ message: operatorError('id', 'integer', 'varchar') }] },
    {
      code: '-- +goose Up\nSELECT 1;\n-- +goose Down\nDELETE FROM users WHERE created_at < now() AND id = 1.5;',
      schema,
      settings: { rollbacks: 'all' as const },
      name: 'a goose Down section with rollbacks: all',
      errors: [{ message: TIME_ZONE, line: 4 }, { message: /^`id` is cast to numeric/, line: 4 }],
    },
    // The catalog from the same file, and files that are not migrations.
    { code: 'CREATE TABLE x (n int);\nSELECT * FROM x WHERE n = 1.5;', errors: [{ message: /^`n` is cast to numeric/, line: 2, column: 23 }] },
    { code: 'SELECT * FROM users WHERE id = 1.5', schema, migration: false, errors: 1 },
    // Positions after multi-byte text (UTF-16 columns).
    {
      code: '-- 日本語のコメント 🎉\nSELECT * FROM users /* 🎉 注意 */ WHERE id = 1.5',
      schema,
      errors: [{ message: /^`id` is cast to numeric/, line: 2, column: 39, endLine: 2, endColumn: 47 }],
    },
  ],
});
