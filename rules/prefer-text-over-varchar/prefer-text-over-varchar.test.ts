import { RuleTester } from '@sqlwarden/core/testing';
import rule from './index.ts';

new RuleTester().run(rule, {
  valid: [
    'CREATE TABLE t (a text, b varchar, c character varying, d char(2))',
    'ALTER TABLE t ADD COLUMN a text CHECK (char_length(a) <= 10)',
    'ALTER TABLE t ALTER COLUMN a TYPE varchar',
    "SELECT 'x'::varchar(10)",
    "CREATE FUNCTION f(a varchar(10)) RETURNS varchar(10) LANGUAGE sql AS 'SELECT a'",
  ],
  invalid: [
    {
      code: 'CREATE TABLE users (id bigint, email varchar(255) NOT NULL);',
      errors: [
        {
          message: '`email` is declared `varchar(255)`, a limit only ALTER COLUMN TYPE can change; use text with a CHECK',
          detail:
            'The length limit is part of the column type, so changing it later is an ALTER COLUMN TYPE. Raising it only changes the catalog, under a brief hold of an ACCESS EXCLUSIVE lock on `users`; lowering it rewrites `users` and all its indexes while holding an ACCESS EXCLUSIVE lock on `users`, blocking reads and writes on `users` until it finishes. As `text` with `CHECK (char_length(email) <= 255)`, the limit is changed by adding a new constraint NOT VALID and validating it, which lets reads and writes continue. Storage and speed are the same.',
          line: 1,
          column: 38,
          endColumn: 50,
          suggestions: [{ desc: 'Use text (add a CHECK on char_length() if the limit is a rule)', output: 'CREATE TABLE users (id bigint, email text NOT NULL);' }],
        },
      ],
      output: null,
    },
    { code: 'CREATE TABLE t (a CHARACTER VARYING(20)[])', errors: [{ message: /^`a` is declared `CHARACTER VARYING\(20\)\[\]`/, suggestions: [{ output: 'CREATE TABLE t (a TEXT[])' }] }] },
    { code: 'CREATE TABLE t (a pg_catalog.varchar(20), b "varchar"(5))', errors: [{ suggestions: [{ output: 'CREATE TABLE t (a text, b "varchar"(5))' }] }, { suggestions: [{ output: 'CREATE TABLE t (a pg_catalog.varchar(20), b text)' }] }] },
    { code: 'ALTER TABLE t ADD COLUMN a varchar(10), ALTER COLUMN b TYPE varchar(20)', errors: 2 },
    { code: 'CREATE TABLE t (a varchar(10))', migration: false, errors: 1 },
  ],
});
