import { RuleTester } from '@sqlwarden/core/testing';
import rule from './index.ts';

const a63 = 'a'.repeat(63);
const a64 = 'a'.repeat(64);
const long = 'index_subscription_renewals_on_customer_id_and_plan_id_and_renewed_at'; // 69 bytes
const stored = long.slice(0, 63);
// 'é' is 2 bytes in UTF-8: 1 + 62 characters = 64 bytes, stored as 'é' + 61 letters.
const accented = `é${'b'.repeat(62)}`;

const message = (name: string, bytes: number, characters = ''): string => `Name \`${name}\` is ${bytes} bytes${characters}, so PostgreSQL truncates it to 63; use a shorter name`;
const detail = (name: string, bytes: number, truncated: string, characters = ''): string =>
  `\`${name}\` is ${bytes} bytes long in UTF-8${characters}. PostgreSQL keeps only the first 63 bytes of a name and uses \`${truncated}\` instead, with nothing but a NOTICE. Names that share those 63 bytes are the same name: creating the second one fails (\`already exists\`) and a statement meant for one can act on the other, and tools that compare names with what you wrote (schema diffs, ORMs, queries on pg_indexes or information_schema) do not find it. Use a name of at most 63 bytes.`;
/** Headlines show a long name shortened to 48 characters. */
const shown = (name: string): string => (name.length <= 48 ? name : `${name.slice(0, 47)}…`);

new RuleTester().run(rule, {
  valid: [
    `CREATE TABLE ${a63} (${a63} int)`,
    `CREATE TABLE "${'é'.repeat(31)}b" (id int)`, // 63 bytes
    // Strings, comments and function bodies are not identifiers.
    `SELECT '${a64}' AS x -- ${a64}\n`,
    `/* ${a64} */ SELECT 1`,
    `CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 AS ${a64} $$`,
    `SELECT $tag$${a64}$tag$`,
    // A U&"..." name holds escapes: its written length is not its length.
    `CREATE TABLE U&"${'\\0061'.repeat(20)}" (id int)`,
  ],
  invalid: [
    {
      code: `CREATE INDEX ${long} ON subscription_renewals (customer_id);`,
      errors: [
        {
          message: message(shown(long), 69),
          detail: detail(long, 69, stored),
          line: 1,
          column: 14,
          endColumn: 14 + long.length,
          suggestions: [{ desc: 'Use the truncated name PostgreSQL stores', output: `CREATE INDEX ${stored} ON subscription_renewals (customer_id);` }],
        },
      ],
      output: null,
    },
    // Unquoted names fold ASCII to lower case; the written spelling's prefix is kept.
    {
      code: `CREATE TABLE T (${'X'.repeat(64)} int)`,
      errors: [{ message: message(shown('x'.repeat(64)), 64), detail: detail('x'.repeat(64), 64, 'x'.repeat(63)), suggestions: [{ output: `CREATE TABLE T (${'X'.repeat(63)} int)` }] }],
    },
    // Bytes, not characters: multi-byte names, quoted or not.
    {
      code: `CREATE TABLE "${accented}" (id int)`,
      errors: [{ message: message(shown(accented), 64, ' (63 characters)'), detail: detail(accented, 64, `é${'b'.repeat(61)}`, ' (63 characters)'), column: 14, suggestions: [{ output: `CREATE TABLE "é${'b'.repeat(61)}" (id int)` }] }],
    },
    // Unquoted, with one 2-byte character among 62 ASCII ones.
    { code: `CREATE TABLE t (${accented} int)`, errors: [{ message: message(shown(accented), 64, ' (63 characters)') }] },
    {
      code: 'CREATE TABLE заказыпокупателейзапрошлыйгодизи (id int)',
      errors: [{ message: 'Name `заказыпокупателейзапрошлыйгодизи` is 64 bytes (32 characters), so PostgreSQL truncates it to 63; use a shorter name', detail: /^`заказыпокупателейзапрошлыйгодизи` is 64 bytes long in UTF-8 \(32 characters\)\. .* uses `заказыпокупателейзапрошлыйгодиз` instead/ }],
    },
    // Quoted names keep their case; "" is one character, and the cut does not split it.
    {
      code: `ALTER TABLE t ADD CONSTRAINT "${'Q'.repeat(61)}""ab" CHECK (true)`,
      errors: [{ message: message(shown(`${'Q'.repeat(61)}"ab`), 64), detail: detail(`${'Q'.repeat(61)}"ab`, 64, `${'Q'.repeat(61)}"a`), suggestions: [{ output: `ALTER TABLE t ADD CONSTRAINT "${'Q'.repeat(61)}""a" CHECK (true)` }] }],
    },
    // Every identifier, in any statement; each name once per file.
    {
      code: `CREATE TABLE t (${a64} int);\nALTER TABLE t RENAME COLUMN ${a64} TO b;\nSELECT ${long} FROM t;`,
      errors: [{ detail: detail(a64, 64, a63), line: 1 }, { detail: detail(long, 69, stored), line: 3, column: 8 }],
    },
    // The longest headline: a shortened name, three-digit bytes and a character count (RuleTester checks the length).
    { code: `CREATE TABLE "${'я'.repeat(96)}" (id int)`, errors: [{ message: message(shown('я'.repeat(96)), 192, ' (96 characters)') }] },
    { code: `SELECT x FROM app.${a64}`, migration: false, errors: 1 },
    // Positions after multi-byte text are UTF-16 columns.
    { code: `-- ☕ café\nCREATE VIEW ${a64} AS SELECT 1`, errors: [{ line: 2, column: 13, endColumn: 77 }] },
  ],
});
