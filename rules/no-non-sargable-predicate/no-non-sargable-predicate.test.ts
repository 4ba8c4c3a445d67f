import { RuleTester, initTesting, lintWithRule, type ValidCase } from '@sqlwarden/core/testing';
import { describe, expect, it } from 'vitest';
import noImplicitCast from '../no-implicit-cast/index.ts';
import rule from './index.ts';

const schema = `
CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, name varchar(100), status text, created_at timestamptz NOT NULL, born date, ts timestamp, price numeric, qty int, deleted boolean, data jsonb, note text);
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint, email text, created_at timestamptz);
`;

const FUNCTION_ON_EMAIL = '`lower(email)` cannot use an index on `email`; compare the bare column, or index the expression';
const FUNCTION_ON_EMAIL_DETAIL =
  '`lower(email)` applies `lower()` to `email`, so a plain index on `email` cannot serve this condition: the index stores the values of `email`, not of the expression, so every candidate row is fetched and the expression computed. Compare the bare column instead, or create an expression index on `(lower(email))`, which PostgreSQL uses when the condition contains exactly that expression.';

const q = (where: string): string => `SELECT id FROM users WHERE ${where}`;

// Application queries live in query files: a migration's own queries run once (see the cases marked migration: true).
const queryFile = (c: ValidCase): ValidCase => (typeof c === 'string' ? { code: c, migration: false } : { migration: false, ...c });

new RuleTester().run(rule, {
  valid: [
    {
      // A backfill or cleanup a migration runs once scans as it must; an index would be built for nothing.
      code: "UPDATE users SET note = 'x' WHERE lower(email) = 'a@b.c';\nDELETE FROM users WHERE created_at::date < '2020-01-01';\nINSERT INTO orders (id) SELECT id FROM users WHERE lower(email) LIKE '%@x.org';",
      name: 'one-off data changes in a migration',
      migration: true,
    },
    q('email = $1'),
    q('created_at >= now() - interval \'1 day\''),
    q('id = $1::bigint'),
    q("created_at >= '2024-01-01' AND created_at < '2024-01-02'"),
    q('email = lower($1)'),
    // Both sides read the same row: no index lookup could serve it anyway.
    q('lower(email) = lower(name)'),
    q('lower(users.email) = users.name'),
    // More than one column inside the wrapper.
    q('coalesce(email, note) = $1'),
    q('price * qty > 100'),
    // Not a WHERE / ON / HAVING predicate.
    'SELECT lower(email), date(created_at) FROM users',
    'SELECT id FROM users ORDER BY lower(email)',
    'SELECT date(created_at), count(*) FROM users GROUP BY date(created_at)',
    'CREATE TABLE t (email text CHECK (lower(email) = email))',
    "CREATE INDEX ON users (email) WHERE lower(status) = 'active'",
    'INSERT INTO users (id) VALUES (1) ON CONFLICT (id) DO UPDATE SET note = $1 WHERE lower(users.email) = $2',
    q('CASE WHEN lower(email) = $1 THEN true ELSE false END'),
    // Aggregates in HAVING are not index questions.
    'SELECT user_id FROM orders GROUP BY user_id HAVING count(*) > 1',
    'SELECT user_id FROM orders GROUP BY user_id HAVING sum(id) * 2 > 10',
    // Expression indexes.
    { code: q('lower(email) = $1'), schema: `${schema}\nCREATE INDEX users_lower_email ON users (lower(email));` },
    { code: q("ts::date = '2024-01-01'"), schema: `${schema}\nCREATE INDEX ON users ((ts::date));` },
    { code: q("date(ts) = '2024-01-01'"), schema: `${schema}\nCREATE INDEX ON users ((ts::date));` },
    { code: q("ts::date = '2024-01-01'"), schema: `${schema}\nCREATE INDEX ON users (date(ts));` },
    { code: q("(data->>'plan') = 'pro'"), schema: `${schema}\nCREATE INDEX ON users ((data->>'plan'));` },
    { code: 'SELECT u.id FROM users u WHERE lower(u.email) = $1', schema: `${schema}\nCREATE UNIQUE INDEX ON users (lower(email));` },
    { code: q('lower(email) COLLATE "C" = $1'), schema: `${schema}\nCREATE INDEX ON users (lower(email));` },
    // Casts that are relabelings.
    { code: q('name::text = $1'), schema },
    { code: q('created_at::timestamptz = now()'), schema },
    { code: q('CAST(email AS varchar) = $1'), schema },
    q('unknown_col::text = $1'),
    // `int_or_uuid_col::text = $1`: no-implicit-cast reports the comparison and names the fix
    // (cast the parameter); this rule stays silent about the same cast.
    { code: q('id::text = $1'), schema, name: 'column-side text cast of a bigint: left to no-implicit-cast' },
    { code: q('CAST(id AS text) = $1::text'), schema },
    { code: q("$1 = qty::varchar AND id::text = '42'"), schema },
    { code: 'CREATE TABLE t (id uuid PRIMARY KEY, n integer);\nSELECT * FROM t WHERE id::text = $1 OR n::text = :n;', name: 'types from a CREATE TABLE in the same file' },
    "SELECT 1 FROM pg_class WHERE oid::regclass = 'users'::regclass",
    // Only a table's column can have an index to lose.
    "WITH c AS (SELECT lower(email) AS e FROM users) SELECT * FROM c WHERE upper(c.e) = 'X'",
    "SELECT * FROM (SELECT email FROM users) s WHERE lower(s.email) = 'x'",
    "SELECT * FROM jsonb_array_elements($1) AS f(v) WHERE f.v->>'type' = 'x'",
    { code: 'SELECT 1 FROM orders o JOIN (SELECT id::text AS k FROM users) s ON s.k::int = o.id', schema },
    // LIKE that a B-tree (or a trigram index) can serve.
    q("email LIKE 'abc%'"),
    q('email LIKE $1'),
    q("email NOT LIKE '%x'"),
    q("email SIMILAR TO '%x'"),
    { code: q("email LIKE '%@example.com'"), schema: `${schema}\nCREATE INDEX users_email_trgm ON users USING gin (email gin_trgm_ops);` },
    { code: q("lower(email) LIKE '%x%'"), schema: `${schema}\nCREATE INDEX ON users USING gist (lower(email) gist_trgm_ops);` },
    { code: q("lower(email) LIKE '%x%'"), schema: `${schema}\nCREATE INDEX ON users (lower(email));\nCREATE INDEX ON users USING gin (lower(email) gin_trgm_ops);` },
    // Negations with another condition on the table, inside OR, or covered by a partial index.
    q("status <> 'done' AND id = $1"),
    q("status <> 'done' AND created_at > now() - interval '1 day'"),
    q("status <> 'done' OR id = 1"),
    q("NOT (status = 'done')"),
    "SELECT 1 FROM users u JOIN orders o ON o.user_id = u.id WHERE u.status <> 'done' AND o.id = 1",
    "SELECT 1 FROM users JOIN orders USING (id) WHERE status <> 'done'",
    { code: q("status <> 'done'"), schema: `${schema}\nCREATE INDEX users_open ON users (id) WHERE status <> 'done';` },
    "WITH c AS (SELECT status FROM users) SELECT * FROM c WHERE status <> 'x'",
    q('status <> note'),
    q('status <> (SELECT max(status) FROM orders)'),
    // A rollback that recreates the view its up part replaced restores it: not reported by default.
    { name: 'a goose Down section recreating a view', migration: true, code: "-- +goose Up\nDROP VIEW v;\n-- +goose Down\nCREATE VIEW v AS SELECT id FROM users WHERE lower(email) = 'a';" },
    q("status IS DISTINCT FROM 'done'"),
    // Row comparison, ANY, subquery tests.
    q('(id, email) = (1, $1)'),
    q('email = ANY($1)'),
    q('lower(email) IN (SELECT email FROM orders)'),
    q('lower(email) IS NOT DISTINCT FROM $1'),
    // Query-compiler parameters are values, not functions of a column.
    { name: 'sqlc.arg on the left', code: q('sqlc.arg(id) = 1'), schema },
    { name: 'sqlc named parameter against a constant', code: q('1 = @id'), schema },
    { name: 'sqlc.narg with a cast', code: q("sqlc.narg(status)::text = 'x'"), schema },
    { name: 'sqlc named parameter with a cast', code: q("'x' = @status::text"), schema },
    // Aggregates computed in a CTE or subquery have no index; the outer query filters their result.
    { name: 'CTE aggregate beside a table', code: 'WITH t AS (SELECT user_id, sum(qty) AS total FROM orders GROUP BY user_id) SELECT u.id FROM t JOIN users u ON u.id = t.user_id WHERE round(total) > 100', schema },
    { name: 'derived-table count beside a table', code: 'SELECT u.id FROM (SELECT user_id, count(*) AS n FROM orders GROUP BY user_id) s JOIN users u ON u.id = s.user_id WHERE n * 2 > 10', schema },
    { name: 'CTE aggregate beside an unknown table', code: 'WITH x AS (SELECT user_id, max(id) AS m FROM orders GROUP BY user_id) SELECT 1 FROM x JOIN missing z ON true WHERE abs(m) > 1', schema },
    // System catalogs take no user indexes.
    "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE pg_has_role(c.relowner, 'USAGE') = true",
    "SELECT c.relname FROM pg_catalog.pg_class c WHERE pg_catalog.pg_table_is_visible(c.oid) = true AND c.relkind = 'r'",
    "SELECT table_name FROM information_schema.tables WHERE has_table_privilege(table_name, 'SELECT') = true",
    "SELECT c.relname FROM pg_class c WHERE c.relkind <> 'r'",
    "SELECT relname FROM pg_class WHERE relname LIKE '%_pkey'",
    'SELECT oid FROM pg_class WHERE pg_relation_size(oid) > 0',
  ].map(queryFile),
  invalid: [
    {
      code: q('lower(email) = $1'),
      errors: [{ message: FUNCTION_ON_EMAIL, detail: FUNCTION_ON_EMAIL_DETAIL, line: 1, column: 28, endLine: 1, endColumn: 40, suggestions: [] }],
      output: null,
    },
    { name: 'operand order does not matter', code: q('$1 = lower(email)'), errors: [{ message: FUNCTION_ON_EMAIL, column: 33 }] },
    { name: 'same with the catalog', code: q('lower(email) = $1'), schema, errors: [{ message: FUNCTION_ON_EMAIL }] },
    {
      name: 'an expression index on another expression does not help',
      code: q('lower(email) = $1'),
      schema: `${schema}\nCREATE INDEX ON users (upper(email));\nCREATE INDEX ON users (email);`,
      errors: [{ message: FUNCTION_ON_EMAIL }],
    },
    { name: 'collation around the wrapped column', code: q('lower(email) COLLATE "C" = $1'), errors: [{ message: /^`lower\(email\) COLLATE "C"` cannot use an index on `email`/, detail: /^`lower\(email\) COLLATE "C"` applies `lower\(\)` to `email`/ }] },
    { name: 'qualified column', code: 'SELECT 1 FROM users u WHERE upper(u.email) = $1', errors: [{ message: /^`upper\(u\.email\)` cannot use an index on `u\.email`; compare the bare column/, detail: /^`upper\(u\.email\)` applies `upper\(\)` to `u\.email`, so a plain index on `u\.email`/, column: 29, endColumn: 43 }] },
    {
      name: 'a long expression: cut in the headline, whole in the detail',
      code: q("coalesce(note, 'no note was written for this user at sign-up') = $1"),
      errors: [
        {
          message: "`coalesce(note, 'no note was written for this ...` cannot use an index on `note`; compare the bare column, or index the expression",
          detail: /^`coalesce\(note, 'no note was written for this user at sign-up'\)` applies `coalesce\(\)` to `note`.*create an expression index on `\(coalesce\(note, 'no note was written for this user at sign-up'\)\)`/,
        },
      ],
    },
    { name: 'coalesce', code: q('coalesce(deleted, false) = false'), errors: [{ message: /^`coalesce\(deleted, false\)` cannot use an index on `deleted`/, detail: /^`coalesce\(deleted, false\)` applies `coalesce\(\)` to `deleted`/ }] },
    { name: 'arithmetic', code: q('price * 2 > 10'), errors: [{ message: '`price * 2` cannot use an index on `price`; move the computation to the other side, or index the expression', detail: /^`price \* 2` computes on `price`, so a plain index on `price` cannot serve this condition: .* Move the computation to the other side instead, or create an expression index on `\(price \* 2\)`/ }] },
    { name: 'col + 1 = 5', code: q('qty + 1 = 5'), errors: [{ message: /^`qty \+ 1` cannot use an index on `qty`; move the computation/, detail: /^`qty \+ 1` computes on `qty`/ }] },
    { name: 'unary minus', code: q('-qty = 5'), errors: [{ message: /^`-qty` cannot use an index on `qty`/, detail: /^`-qty` computes on `qty`/ }] },
    { name: 'json operator', code: q("data->>'plan' = 'pro'"), errors: [{ message: /^`data->>'plan'` cannot use an index on `data`/, detail: /^`data->>'plan'` computes on `data`/ }] },
    { name: 'CASE over a column', code: q('CASE WHEN deleted THEN 1 ELSE 0 END = 1'), errors: [{ message: /^`CASE WHEN deleted THEN 1 ELSE 0 END` cannot use an index on `deleted`; compare the bare column/, detail: /^`CASE WHEN deleted THEN 1 ELSE 0 END` is an expression over `deleted`/ }] },
    { name: 'array subscript', code: q('tags[1] = $1'), errors: [{ message: /^`tags\[1\]` cannot use an index on `tags`/, detail: /^`tags\[1\]` is an expression over `tags`/ }] },
    { name: 'composite field', code: 'SELECT 1 FROM t WHERE (t.rec).id = 5', errors: [{ message: /^`\(t\.rec\)\.id` cannot use an index on `t\.rec`/, detail: /^`\(t\.rec\)\.id` is an expression over `t\.rec`/ }] },
    { name: 'cast to another type', code: q('price::text = $1'), schema, errors: [{ message: "`price::text` cannot use an index on `price`; cast the other side to the column's type, or index the expression", detail: /^`price::text` casts `price` to `text`, so a plain index on `price` cannot serve this condition: .* Cast the other side to the column's type instead, or create an expression index on `\(price::text\)`/ }] },
    { name: 'CAST syntax', code: q('CAST(price AS text) = $1'), schema, errors: [{ message: /^`CAST\(price AS text\)` cannot use an index on `price`; cast the other side/, detail: /^`CAST\(price AS text\)` casts `price` to `text`/ }] },
    { name: 'integer column cast to text, compared with another column', code: 'SELECT 1 FROM users u, orders o WHERE u.id::text = o.email', schema, errors: [{ message: /^`u\.id::text` cannot use an index on `u\.id`/, detail: /^`u\.id::text` casts `u\.id` to `text`/ }] },
    { name: 'a bigint column cast to numeric', code: q('id::numeric > $1'), schema, errors: [{ message: /^`id::numeric` cannot use an index on `id`/, detail: /^`id::numeric` casts `id` to `numeric`/ }] },
    { name: 'length coercion is not a relabeling', code: q("name::varchar(5) = 'x'"), schema, errors: [{ detail: /casts `name` to `varchar`/ }] },
    { name: 'cast with a multi-word type', code: q('ts::timestamp with time zone = now()'), schema, errors: [{ message: /^`ts::timestamp with time zone` cannot use an index on `ts`/, detail: /^`ts::timestamp with time zone` casts `ts` to `timestamptz`/ }] },
    { name: 'unknown table: still reported', code: 'SELECT 1 FROM nowhere WHERE lower(x) = $1', errors: [{ message: /or index the expression$/, detail: /create an expression index on `\(lower\(x\)\)`/ }] },
    { name: 'IN list', code: q("substring(note FROM 1 FOR 2) IN ('13', '31')"), errors: [{ message: /^`substring\(note FROM 1 FOR 2\)` cannot use an index on `note`/, detail: /^`substring\(note FROM 1 FOR 2\)` applies `substring\(\)` to `note`/ }] },
    { name: 'BETWEEN', code: q("lower(email) BETWEEN 'a' AND 'b'"), errors: [{ message: FUNCTION_ON_EMAIL }] },
    { name: 'HAVING without an aggregate', code: 'SELECT email FROM users GROUP BY email HAVING lower(email) = $1', errors: [{ message: FUNCTION_ON_EMAIL }] },
    { migration: false, name: 'UPDATE', code: 'UPDATE users SET note = $1 WHERE lower(email) = $2', errors: [{ message: FUNCTION_ON_EMAIL }] },
    { migration: false, name: 'DELETE', code: "DELETE FROM users WHERE created_at::date < '2020-01-01'", errors: [{ suggestions: [{ output: "DELETE FROM users WHERE created_at < '2020-01-01'" }] }] },
    { name: 'CTE body', code: 'WITH x AS (SELECT id FROM users WHERE lower(email) = $1) SELECT * FROM x', errors: [{ message: FUNCTION_ON_EMAIL }] },
    { name: 'view', code: "CREATE VIEW v AS SELECT id FROM users WHERE lower(email) = 'a'", errors: [{ message: FUNCTION_ON_EMAIL }] },
    {
      name: 'a goose Down section recreating a view, with rollbacks: all',
      migration: true,
      code: "-- +goose Up\nDROP VIEW v;\n-- +goose Down\nCREATE VIEW v AS SELECT id FROM users WHERE lower(email) = 'a';",
      settings: { rollbacks: 'all' as const },
      errors: [{ message: FUNCTION_ON_EMAIL, line: 4 }],
    },
    { name: 'LIKE on a qualified wrapped column: the trigram index is described, not written out', code: "SELECT 1 FROM users u WHERE lower(u.name) LIKE '%x%'", errors: [{ detail: /an index on the same expression, with the `gin_trgm_ops` operator class\./ }] },
    { name: 'LIKE on a qualified column: the index names the bare column', code: "SELECT 1 FROM users u WHERE u.name LIKE '%x%'", errors: [{ detail: /an index `USING gin \(name gin_trgm_ops\)`/ }] },
    { name: 'derived table body', code: 'SELECT * FROM (SELECT id FROM users WHERE lower(email) = $1) s', errors: [{ message: FUNCTION_ON_EMAIL }] },
    { name: 'inside NOT', code: q('NOT (lower(email) = $1)'), errors: [{ message: FUNCTION_ON_EMAIL }] },
    {
      name: 'JOIN ON: the wrapped side of another table',
      code: 'SELECT 1 FROM users u JOIN orders o ON lower(o.email) = u.email',
      schema,
      errors: [{ message: /^`lower\(o\.email\)` cannot use an index on `o\.email`/, column: 40 }],
    },
    { name: 'JOIN ON with both sides wrapped', code: 'SELECT 1 FROM users u JOIN orders o ON lower(o.email) = lower(u.email)', schema, errors: 2 },
    { name: 'nested joins', code: 'SELECT 1 FROM users u JOIN orders o ON o.user_id = u.id JOIN orders p ON p.id + 1 = o.id', schema, errors: [{ message: /^`p\.id \+ 1` cannot use an index on `p\.id`/ }] },
    { migration: false, name: 'UPDATE ... FROM join', code: 'UPDATE users SET note = o.email FROM orders o WHERE lower(o.email) = users.email', schema, errors: [{ message: /^`lower\(o\.email\)`/ }] },
    { name: 'correlated subquery: the outer column is a constant there', code: 'SELECT 1 FROM users u WHERE EXISTS (SELECT 1 FROM orders o WHERE lower(o.email) = u.email)', schema, errors: [{ message: /^`lower\(o\.email\)`/ }] },
    { name: 'scalar subquery on the other side', code: q('lower(email) = (SELECT max(email) FROM orders)'), errors: [{ message: FUNCTION_ON_EMAIL }] },

    // Date ranges.
    {
      name: 'cast to date, ISO literal',
      code: q("created_at::date = '2024-01-01'"),
      schema,
      errors: [
        {
          message: '`created_at::date` cannot use an index on `created_at`; compare a range on the bare column, or index the expression',
          detail: /^`created_at::date` casts `created_at` to `date`, so a plain index on `created_at` cannot serve this condition: .* Compare a range on the bare column instead, or create an expression index on `\(created_at::date\)`/,
          column: 28,
          endColumn: 44,
          suggestions: [
            {
              desc: "Rewrite as created_at >= '2024-01-01' AND created_at < '2024-01-02'",
              output: q("created_at >= '2024-01-01' AND created_at < '2024-01-02'"),
            },
          ],
        },
      ],
    },
    { name: 'date() function', code: q("date(created_at) = '2024-02-28'"), errors: [{ suggestions: [{ output: q("created_at >= '2024-02-28' AND created_at < '2024-02-29'") }] }] },
    { name: 'leap day', code: q("date(created_at) = '2024-02-29'"), errors: [{ suggestions: [{ output: q("created_at >= '2024-02-29' AND created_at < '2024-03-01'") }] }] },
    { name: 'year end', code: q("CAST(created_at AS date) = '2023-12-31'"), errors: [{ suggestions: [{ output: q("created_at >= '2023-12-31' AND created_at < '2024-01-01'") }] }] },
    { name: 'typed literal', code: q("created_at::date = DATE '2024-01-01'"), errors: [{ suggestions: [{ output: q("created_at >= '2024-01-01' AND created_at < '2024-01-02'") }] }] },
    { name: 'literal on the left', code: q("'2024-01-01' = created_at::date"), errors: [{ suggestions: [{ output: q("created_at >= '2024-01-01' AND created_at < '2024-01-02'") }] }] },
    { name: 'qualified column', code: "SELECT 1 FROM users u WHERE u.created_at::date = '2024-01-01'", errors: [{ suggestions: [{ output: "SELECT 1 FROM users u WHERE u.created_at >= '2024-01-01' AND u.created_at < '2024-01-02'" }] }] },
    { name: '>= keeps the bound', code: q("created_at::date >= '2024-01-01'"), errors: [{ suggestions: [{ output: q("created_at >= '2024-01-01'") }] }] },
    { name: '> moves to the next day', code: q("created_at::date > '2024-01-01'"), errors: [{ suggestions: [{ output: q("created_at >= '2024-01-02'") }] }] },
    { name: '< keeps the bound', code: q("created_at::date < '2024-01-01'"), errors: [{ suggestions: [{ output: q("created_at < '2024-01-01'") }] }] },
    { name: '<= becomes < next day', code: q("created_at::date <= '2024-01-31'"), errors: [{ suggestions: [{ output: q("created_at < '2024-02-01'") }] }] },
    { name: 'flipped operator', code: q("'2024-01-01' < created_at::date"), errors: [{ suggestions: [{ output: q("created_at >= '2024-01-02'") }] }] },
    { name: 'BETWEEN of dates', code: q("created_at::date BETWEEN '2024-01-01' AND '2024-01-31'"), errors: [{ suggestions: [{ output: q("created_at >= '2024-01-01' AND created_at < '2024-02-01'") }] }] },
    { name: 'parameter compared with a date cast', code: q('created_at::date = $1'), errors: [{ suggestions: [{ output: q('created_at >= $1::date AND created_at < $1::date + 1') }] }] },
    { name: 'parameter, > ', code: q('date(created_at) > $1'), errors: [{ suggestions: [{ output: q('created_at >= $1::date + 1') }] }] },
    { name: 'current_date', code: q('created_at::date = current_date'), errors: [{ suggestions: [{ output: q('created_at >= current_date AND created_at < current_date + 1') }] }] },
    { name: 'date-typed expression', code: q('created_at::date = now()::date'), errors: [{ suggestions: [{ output: q('created_at >= now()::date AND created_at < now()::date + 1') }] }] },
    { name: 'timestamp column', code: q("ts::date = '2024-01-01'"), schema, errors: [{ suggestions: [{ output: q("ts >= '2024-01-01' AND ts < '2024-01-02'") }] }] },
    { name: 'inside OR: parenthesised', code: q("id = 1 OR created_at::date = '2024-01-01'"), errors: [{ suggestions: [{ output: q("id = 1 OR (created_at >= '2024-01-01' AND created_at < '2024-01-02')") }] }] },
    { name: 'inside NOT: parenthesised', code: q("NOT created_at::date = '2024-01-01'"), errors: [{ suggestions: [{ output: q("NOT (created_at >= '2024-01-01' AND created_at < '2024-01-02')") }] }] },
    { name: 'inside AND: no parentheses needed', code: q("id = 1 AND created_at::date = '2024-01-01' AND email = $1"), errors: [{ suggestions: [{ output: q("id = 1 AND created_at >= '2024-01-01' AND created_at < '2024-01-02' AND email = $1") }] }] },
    { name: 'single comparison in OR needs no parentheses', code: q("id = 1 OR created_at::date >= '2024-01-01'"), errors: [{ suggestions: [{ output: q("id = 1 OR created_at >= '2024-01-01'") }] }] },
    { name: 'date_trunc day', code: q("date_trunc('day', created_at) = '2024-01-01'"), errors: [{ suggestions: [{ output: q("created_at >= '2024-01-01' AND created_at < '2024-01-02'") }] }] },
    { name: 'date_trunc month', code: q("date_trunc('month', created_at) = '2024-12-01'"), errors: [{ suggestions: [{ output: q("created_at >= '2024-12-01' AND created_at < '2025-01-01'") }] }] },
    { name: 'date_trunc year', code: q("date_trunc('year', created_at) = '2024-01-01'"), errors: [{ suggestions: [{ output: q("created_at >= '2024-01-01' AND created_at < '2025-01-01'") }] }] },
    { name: 'date_trunc week (Monday)', code: q("date_trunc('week', created_at) = '2024-01-08'"), errors: [{ suggestions: [{ output: q("created_at >= '2024-01-08' AND created_at < '2024-01-15'") }] }] },
    { name: 'date_trunc hour with a timestamp literal', code: q("date_trunc('hour', ts) = '2024-01-01 23:00'"), errors: [{ suggestions: [{ output: q("ts >= '2024-01-01 23:00:00' AND ts < '2024-01-02 00:00:00'") }] }] },
    { name: 'date_trunc minute', code: q("date_trunc('minute', ts) = '2024-01-01 10:30:00'"), errors: [{ suggestions: [{ output: q("ts >= '2024-01-01 10:30:00' AND ts < '2024-01-01 10:31:00'") }] }] },
    { name: 'date_trunc upper-case unit', code: q("date_trunc('DAY', ts) = '2024-01-01'"), errors: [{ suggestions: [{ output: q("ts >= '2024-01-01' AND ts < '2024-01-02'") }] }] },
    { name: 'date_trunc month, literal not a month start: no rewrite', code: q("date_trunc('month', created_at) = '2024-01-15'"), errors: [{ suggestions: [] }] },
    { name: 'date_trunc week, not a Monday: no rewrite', code: q("date_trunc('week', created_at) = '2024-01-07'"), errors: [{ suggestions: [] }] },
    { name: 'date_trunc with a time zone argument: no rewrite', code: q("date_trunc('day', created_at, 'UTC') = '2024-01-01'"), errors: [{ suggestions: [] }] },
    { name: 'date_trunc, parameter, type unknown', code: q("date_trunc('day', created_at) = $1"), errors: [{ suggestions: [{ output: q("created_at >= $1 AND created_at < $1 + interval '1 day'") }] }] },
    { name: 'date_trunc, parameter, type known', code: q("date_trunc('month', created_at) = $1"), schema, errors: [{ suggestions: [{ output: q("created_at >= $1::timestamptz AND created_at < $1::timestamptz + interval '1 month'") }] }] },
    { name: 'date_trunc, parameter only in arithmetic and type unknown: no rewrite', code: q("date_trunc('day', created_at) > $1"), errors: [{ suggestions: [] }] },
    { name: 'date_trunc, parameter, >= needs no arithmetic', code: q("date_trunc('day', created_at) >= $1"), errors: [{ suggestions: [{ output: q('created_at >= $1') }] }] },
    { name: 'date_trunc, typed expression: a long rewrite gets a shorter title', code: q("date_trunc('day', created_at) = date_trunc('day', now())"), errors: [{ suggestions: [{ desc: 'Rewrite as a range on created_at', output: q("created_at >= date_trunc('day', now()) AND created_at < date_trunc('day', now()) + interval '1 day'") }] }] },
    { name: 'extract year', code: q('extract(year from created_at) = 2023'), errors: [{ suggestions: [{ desc: "Rewrite as created_at >= '2023-01-01' AND created_at < '2024-01-01'", output: q("created_at >= '2023-01-01' AND created_at < '2024-01-01'") }] }] },
    { name: 'EXTRACT(YEAR ...) upper case', code: q('EXTRACT(YEAR FROM created_at) = 2023'), errors: [{ suggestions: [{ output: q("created_at >= '2023-01-01' AND created_at < '2024-01-01'") }] }] },
    { name: 'date_part year', code: q("date_part('year', created_at) >= 2020"), errors: [{ suggestions: [{ output: q("created_at >= '2020-01-01'") }] }] },
    { name: 'extract year BETWEEN', code: q('extract(year from created_at) BETWEEN 2020 AND 2022'), errors: [{ suggestions: [{ output: q("created_at >= '2020-01-01' AND created_at < '2023-01-01'") }] }] },
    { name: 'extract year, parameter', code: q('extract(year from created_at) = $1'), errors: [{ suggestions: [{ output: q('created_at >= make_date($1, 1, 1) AND created_at < make_date($1 + 1, 1, 1)') }] }] },
    { name: 'extract year > parameter', code: q('extract(year from created_at) > $1'), errors: [{ suggestions: [{ output: q('created_at >= make_date($1 + 1, 1, 1)') }] }] },
    { name: 'extract month: no rewrite', code: q('extract(month from created_at) = 1'), errors: [{ suggestions: [] }] },
    { name: 'invalid date literal: no rewrite', code: q("created_at::date = '2024-02-30'"), errors: [{ suggestions: [] }] },
    { name: 'date literal with a time for a date cast: no rewrite', code: q("created_at::date = '2024-02-01 10:00'"), errors: [{ suggestions: [] }] },
    { name: 'non-ISO literal: no rewrite', code: q("created_at::date = 'today'"), errors: [{ suggestions: [] }] },
    { name: 'column known not to be a timestamp: no rewrite', code: q("note::date = '2024-01-01'"), schema, errors: [{ detail: /casts `note` to `date`/, suggestions: [] }] },
    { name: 'IN list of dates: reported, no rewrite', code: q("created_at::date IN ('2024-01-01', '2024-01-02')"), errors: [{ suggestions: [] }] },

    // Leading wildcards.
    {
      name: 'LIKE with a leading %',
      code: q("email LIKE '%@example.com'"),
      errors: [
        {
          message: '`LIKE` with a leading wildcard cannot use a B-tree index on `email`; use a pg_trgm GIN index or full-text search',
          detail:
            "A B-tree index serves `LIKE` only for a pattern anchored at the start (`'abc%'`), and in a non-C locale only with a text_pattern_ops or varchar_pattern_ops index; a pattern that starts with `%` or `_` can match anywhere, so no range of the index can be scanned and every row is read. The pg_trgm extension's GIN and GiST operator classes support index searches for LIKE and ILIKE wherever the wildcards are: `CREATE EXTENSION IF NOT EXISTS pg_trgm` and an index `USING gin (email gin_trgm_ops)`. Full-text search is the alternative for matching words.",
          column: 28,
          endColumn: 54,
        },
      ],
    },
    { name: 'ILIKE with a leading _', code: q("email ILIKE '_bc'"), errors: [{ message: /^`ILIKE` with a leading wildcard/ }] },
    { name: 'concatenated pattern', code: q("name ILIKE '%' || $1 || '%'"), errors: [{ message: /B-tree index on `name`/ }] },
    { name: 'concat() pattern', code: q("name LIKE concat('%', $1)"), errors: 1 },
    { name: 'wrapped operand', code: q("lower(name) LIKE '%x%'"), errors: [{ message: /B-tree index on `lower\(name\)`;/, detail: /an index `USING gin \(\(lower\(name\)\) gin_trgm_ops\)`/ }] },
    { name: 'B-tree index is no help', code: q("email LIKE '%x'"), schema: `${schema}\nCREATE INDEX ON users (email text_pattern_ops);`, errors: 1 },
    { name: 'trigram index on another column is no help', code: q("email LIKE '%x'"), schema: `${schema}\nCREATE INDEX ON users USING gin (note gin_trgm_ops);`, errors: 1 },
    { name: 'LIKE in JOIN ON', code: "SELECT 1 FROM users u JOIN orders o ON o.email LIKE '%' || u.name", errors: 1 },

    // Negations.
    {
      name: 'lone <>',
      code: q("status <> 'done'"),
      errors: [
        {
          message: "Only negations like `status <> 'done'` filter `users`, forcing a full scan; use `IN (...)` or a partial index",
          detail:
            "Every condition on `users` here is a negation like `status <> 'done'`. `<>` is not a B-tree search operator and `NOT IN (...)` is a chain of `<>`, so the planner has nothing to search an index for and scans the whole table. If few rows match, test for the values you want (`IN (...)`), or create a partial index `WHERE status <> 'done'`, which serves this condition.",
          column: 28,
          endColumn: 44,
        },
      ],
    },
    { name: 'lone !=', code: q("status != 'done'"), errors: [{ message: /^Only negations like `status != 'done'` filter `users`/ }] },
    { name: 'constant on the left', code: q("'done' <> status"), errors: 1 },
    { name: 'NOT IN list', code: q("status NOT IN ('done', 'failed')"), errors: [{ message: /^Only negations like `status NOT IN \('done', 'failed'\)` filter/ }] },
    { name: 'several negations: one report, at the first', code: q("status <> 'done' AND status <> 'failed' AND deleted <> true"), errors: [{ column: 28, endColumn: 44 }] },
    { name: 'negation plus a leading-wildcard LIKE', code: q("status <> 'done' AND email NOT LIKE '%x'"), errors: 1 },
    { migration: false, name: 'aliased table', code: "DELETE FROM users AS u WHERE u.status <> 'done'", errors: [{ message: /filter `u`, forcing a full scan/ }] },
    { migration: false, name: 'UPDATE', code: "UPDATE users SET note = 'x' WHERE status <> 'done'", errors: 1 },
    { name: 'a partial index on another table does not help', code: q("status <> 'done'"), schema: `${schema}\nCREATE INDEX ON orders (id) WHERE email IS NULL;`, errors: 1 },
    { name: 'unknown table', code: "SELECT * FROM events WHERE kind <> 'debug'", errors: [{ message: /filter `events`, forcing a full scan/, detail: /^Every condition on `events` here/ }] },
    { name: 'the other table has conditions, this one only a negation', code: "SELECT 1 FROM users u, orders o WHERE o.id = $1 AND u.status <> 'done'", errors: [{ message: /filter `u`,/ }] },

    {
      name: 'positions after multi-byte text',
      code: "-- 日本語 😀\nSELECT 1 FROM users /* é */ WHERE lower(email) = $1 -- 🎉\n  AND name LIKE '%😀'",
      errors: [
        { message: FUNCTION_ON_EMAIL, line: 2, column: 35, endLine: 2, endColumn: 47 },
        { line: 3, column: 7, endLine: 3, endColumn: 22 },
      ],
    },
    { name: 'a parameter does not hide the column it is compared with', code: q('lower(email) = sqlc.arg(email)'), schema, errors: [{ message: FUNCTION_ON_EMAIL }] },
    { name: 'computing on a column with a sqlc named parameter', code: q('created_at + @age::interval > now()'), schema, errors: [{ message: /^`created_at \+ @age::interval` cannot use an index on `created_at`/ }] },
    { name: '`@ col` with a blank is the absolute-value operator', code: q('@ qty = 5'), schema, errors: [{ message: /^`@ qty` cannot use an index on `qty`/ }] },
    { name: 'a user table named like a catalog', code: "SELECT 1 FROM pg_things WHERE lower(name) = 'x'", schema: 'CREATE TABLE pg_things (id bigint, name text);', errors: 1 },
    { name: 'a catalog function on a user table', code: 'SELECT id FROM users WHERE pg_column_size(data) > 1000', schema, errors: 1 },
    { name: 'a CTE outputs other columns: the table beside it owns the column', code: "WITH t AS (SELECT user_id, sum(qty) AS total FROM orders GROUP BY user_id) SELECT u.id FROM t JOIN users u ON u.id = t.user_id WHERE lower(email) = 'x'", schema, errors: [{ message: FUNCTION_ON_EMAIL }] },
    {
      name: 'suggestion after multi-byte text',
      code: "SELECT '😀' FROM users WHERE date(created_at) = '2024-01-01'",
      errors: [{ column: 30, suggestions: [{ output: "SELECT '😀' FROM users WHERE created_at >= '2024-01-01' AND created_at < '2024-01-02'" }] }],
    },
  ].map((c) => ({ migration: false, ...c })),
});

describe('no duplicate report with no-implicit-cast', () => {
  const cases = [
    { code: 'CREATE TABLE t (id uuid PRIMARY KEY);\nSELECT * FROM t WHERE id::text = $1;', column: 23, endColumn: 36 },
    { code: 'CREATE TABLE t (n integer);\nSELECT * FROM t WHERE $1 = CAST(n AS varchar);', column: 23, endColumn: 46 },
    { code: "CREATE TABLE t (n bigint);\nSELECT * FROM t WHERE t.n::text = '7';", column: 23, endColumn: 38 },
  ];
  for (const c of cases) {
    it(c.code.split('\n')[1]!, async () => {
      await initTesting();
      const sargable = lintWithRule(rule, { code: c.code }).filter((m) => m.ruleId === rule.meta.id);
      const cast = lintWithRule(noImplicitCast, { code: c.code }).filter((m) => m.ruleId === noImplicitCast.meta.id);
      expect(sargable).toEqual([]);
      expect(cast.map((m) => [m.line, m.column, m.endColumn])).toEqual([[2, c.column, c.endColumn]]);
      expect(cast[0]!.message).toMatch(/^`(t\.(id|n)::text|id::text|CAST\(n AS varchar\))` cannot use an index on `(t\.)?(id|n)`; (cast the parameter instead|compare the column itself)/);
    });
  }
});
