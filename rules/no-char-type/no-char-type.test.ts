import { RuleTester } from '@sqlwarden/core/testing';
import rule from './index.ts';

const message = (column: string, written: string, instead: string): string => `\`${column}\` is declared \`${written}\`, a blank-padded type that compares ignoring trailing spaces; use ${instead}`;
const detail = (column: string, written: string, meaning: string, instead: string): string =>
  `\`${written}\` is ${meaning}: PostgreSQL pads shorter values with spaces and returns them padded, but ignores trailing spaces when comparing and drops them when casting to text (\`${column} || '-'\` loses it), and comparing it with a text parameter casts the column to text, so an index on it is not used. It is not faster or smaller than text or varchar. Use ${instead}.`;

new RuleTester().run(rule, {
  valid: [
    'CREATE TABLE t (code varchar(2), name text, c "char")',
    // "char" (quoted) is the internal one-byte type, not blank-padded.
    'CREATE TABLE t (flag "char", kind pg_catalog."char")',
    'ALTER TABLE t ADD COLUMN flag "char"',
    'ALTER TABLE t ALTER COLUMN code TYPE varchar(3)',
    // Casts and function signatures are not column declarations.
    "SELECT 'ab'::char(4), CAST('x' AS character(2))",
    "CREATE FUNCTION f(a char(3)) RETURNS char(3) LANGUAGE sql AS 'SELECT a'",
    "CREATE TABLE t AS SELECT 'ab'::char(2) AS code",
    // Varying is varchar.
    'CREATE TABLE t (a character varying(10), b char varying(3), c national character varying(4))',
    { code: 'CREATE TABLE t (a text)', migration: false },
  ],
  invalid: [
    {
      code: 'CREATE TABLE countries (code char(2) PRIMARY KEY, name text);',
      errors: [
        {
          message: message('code', 'char(2)', 'text or varchar(2)'),
          detail: detail('code', 'char(2)', 'character(2), blank-padded', 'text (with a CHECK on char_length() if the limit matters) or varchar(2)'),
          line: 1,
          column: 30,
          endColumn: 37,
          suggestions: [
            { desc: 'Use varchar(2) (same length limit, no padding)', output: 'CREATE TABLE countries (code varchar(2) PRIMARY KEY, name text);' },
            { desc: 'Use text (add a CHECK on char_length() if the limit is a rule)', output: 'CREATE TABLE countries (code text PRIMARY KEY, name text);' },
          ],
        },
      ],
      output: null,
    },
    {
      code: 'CREATE TABLE t (a CHARACTER(10) NOT NULL)',
      errors: [{ message: message('a', 'CHARACTER(10)', 'text or varchar(10)'), detail: detail('a', 'CHARACTER(10)', 'character(10), blank-padded', 'text (with a CHECK on char_length() if the limit matters) or varchar(10)'), suggestions: [{ output: 'CREATE TABLE t (a VARCHAR(10) NOT NULL)' }, { output: 'CREATE TABLE t (a TEXT NOT NULL)' }] }],
    },
    // Bare char is char(1).
    { code: 'CREATE TABLE t (yes_no char)', errors: [{ message: /^`yes_no` is declared `char`, .*; use text or varchar\(1\)$/, detail: /^`char` is character\(1\), blank-padded:/, suggestions: [{ output: 'CREATE TABLE t (yes_no varchar(1))' }, { output: 'CREATE TABLE t (yes_no text)' }] }] },
    // bpchar without a length: padded semantics, no limit.
    { code: 'CREATE TABLE t (a bpchar)', errors: [{ message: message('a', 'bpchar', 'text'), detail: detail('a', 'bpchar', 'bpchar, blank-padded, no length limit', 'text'), suggestions: [{ output: 'CREATE TABLE t (a text)' }] }] },
    { code: 'CREATE TABLE t (a "bpchar"(3))', errors: [{ message: /^`a` is declared `"bpchar"\(3\)`/ }] },
    { code: 'CREATE TABLE t (a pg_catalog.bpchar(3))', errors: [{ suggestions: [{ output: 'CREATE TABLE t (a varchar(3))' }, { output: 'CREATE TABLE t (a text)' }] }] },
    // Arrays keep their suffix.
    { code: 'CREATE TABLE t (codes char(3)[] )', errors: [{ message: /^`codes` is declared `char\(3\)\[\]`/, column: 23, endColumn: 32, suggestions: [{ output: 'CREATE TABLE t (codes varchar(3)[] )' }, { output: 'CREATE TABLE t (codes text[] )' }] }] },
    { code: 'CREATE TABLE t (codes character (3) array)', errors: [{ suggestions: [{ output: 'CREATE TABLE t (codes varchar(3) array)' }, { output: 'CREATE TABLE t (codes text array)' }] }] },
    // ADD COLUMN and ALTER COLUMN TYPE, several subcommands.
    {
      code: 'ALTER TABLE t ADD COLUMN a char(3), ALTER COLUMN b TYPE char(5) USING b::char(5), ADD COLUMN c text',
      errors: [{ message: /^`a` is declared `char\(3\)`/ }, { message: /^`b` is declared `char\(5\)`/, column: 57, endColumn: 64 }],
    },
    // Also outside migrations: table definitions in a schema file.
    { code: 'CREATE TABLE t (a char(2))', migration: false, errors: 1 },
    // Multi-byte text before the type: columns are UTF-16.
    { code: "-- café ☕\nCREATE TABLE t (a char(2))", errors: [{ line: 2, column: 19, endColumn: 26 }] },
  ],
});
