import { RuleTester } from '@sqlwarden/core/testing';
import rule from './index.ts';

const a63 = 'a'.repeat(63);
const a64 = 'a'.repeat(64);
const long = 'index_subscription_renewals_on_customer_id_and_plan_id_and_renewed_at'; // 69 bytes
const stored = long.slice(0, 63);
// 'é' is 2 bytes in UTF-8: 1 + 62 characters = 64 bytes, stored as 'é' + 61 letters.
const accented = `é${'b'.repeat(62)}`;

const message = (name: string, bytes: number, truncated: string, characters = ''): string =>
  `Identifier \`${name}\` is ${bytes} bytes long${characters}; PostgreSQL keeps only the first 63 bytes of a name and uses \`${truncated}\` instead, with nothing but a NOTICE. Names that share those 63 bytes are the same name: creating the second one fails (\`already exists\`) and a statement meant for one can act on the other, and tools that compare names with what you wrote (schema diffs, ORMs, queries on pg_indexes or information_schema) do not find it. Use a name of at most 63 bytes.`;

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
          message: message(long, 69, stored),
          line: 1,
          column: 14,
          endColumn: 14 + long.length,
          suggestions: [{ desc: `Use the name PostgreSQL stores: ${stored}.`, output: `CREATE INDEX ${stored} ON subscription_renewals (customer_id);` }],
        },
      ],
      output: null,
    },
    // Unquoted names fold ASCII to lower case; the written spelling's prefix is kept.
    {
      code: `CREATE TABLE T (${'X'.repeat(64)} int)`,
      errors: [{ message: message('x'.repeat(64), 64, 'x'.repeat(63)), suggestions: [{ output: `CREATE TABLE T (${'X'.repeat(63)} int)` }] }],
    },
    // Bytes, not characters: multi-byte names, quoted or not.
    {
      code: `CREATE TABLE "${accented}" (id int)`,
      errors: [{ message: message(accented, 64, `é${'b'.repeat(61)}`, ' (63 characters)'), column: 14, suggestions: [{ output: `CREATE TABLE "é${'b'.repeat(61)}" (id int)` }] }],
    },
    {
      code: 'CREATE TABLE заказыпокупателейзапрошлыйгодизи (id int)',
      errors: [{ message: /^Identifier `заказыпокупателейзапрошлыйгодизи` is 64 bytes long \(32 characters\); .* uses `заказыпокупателейзапрошлыйгодиз` instead/ }],
    },
    // Quoted names keep their case; "" is one character, and the cut does not split it.
    {
      code: `ALTER TABLE t ADD CONSTRAINT "${'Q'.repeat(61)}""ab" CHECK (true)`,
      errors: [{ message: message(`${'Q'.repeat(61)}"ab`, 64, `${'Q'.repeat(61)}"a`), suggestions: [{ output: `ALTER TABLE t ADD CONSTRAINT "${'Q'.repeat(61)}""a" CHECK (true)` }] }],
    },
    // Every identifier, in any statement; each name once per file.
    {
      code: `CREATE TABLE t (${a64} int);\nALTER TABLE t RENAME COLUMN ${a64} TO b;\nSELECT ${long} FROM t;`,
      errors: [{ message: message(a64, 64, a63), line: 1 }, { message: message(long, 69, stored), line: 3, column: 8 }],
    },
    { code: `SELECT x FROM app.${a64}`, migration: false, errors: 1 },
    // Positions after multi-byte text are UTF-16 columns.
    { code: `-- ☕ café\nCREATE VIEW ${a64} AS SELECT 1`, errors: [{ line: 2, column: 13, endColumn: 77 }] },
  ],
});
