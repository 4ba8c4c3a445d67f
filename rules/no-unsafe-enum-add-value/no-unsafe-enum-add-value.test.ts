import { RuleTester } from '@sqlwarden/core/testing';
import rule from './index.ts';

const schema = `
CREATE TYPE mood AS ENUM ('sad', 'ok');
CREATE TABLE m (id int PRIMARY KEY, mood mood, note text);
`;
const none = { migrationTransaction: 'none' as const };
const USE = "New enum value 'happy' is used before its ADD VALUE (line 1) commits, which PostgreSQL rejects; commit in between";
const UNSAFE = /uses 'happy', the value that `ALTER TYPE mood ADD VALUE 'happy'` \(line 1\) adds to enum `mood` in the same transaction: PostgreSQL rejects it with "unsafe use of new value" until the ADD VALUE has committed/;

new RuleTester().run(rule, {
  valid: [
    // PostgreSQL 12+: ADD VALUE in a transaction is fine as long as nothing uses the value before COMMIT.
    { code: "ALTER TYPE mood ADD VALUE 'happy';\nALTER TYPE mood ADD VALUE 'meh' AFTER 'happy';", schema },
    { code: "BEGIN;\nALTER TYPE mood ADD VALUE 'happy';\nCOMMIT;\nINSERT INTO m VALUES (2, 'happy');", schema },
    { code: "ALTER TYPE mood ADD VALUE 'happy';\nINSERT INTO m VALUES (2, 'happy');", schema, settings: none },
    { code: "-- +goose Up\n-- +goose NO TRANSACTION\nALTER TYPE mood ADD VALUE 'happy';\nUPDATE m SET mood = 'happy' WHERE id = 1;", schema },
    // Old values, other types, other columns.
    { code: "ALTER TYPE mood ADD VALUE 'happy';\nINSERT INTO m VALUES (3, 'sad');\nSELECT * FROM m WHERE mood = 'ok';", schema },
    { code: "ALTER TYPE mood ADD VALUE 'happy';\nUPDATE m SET note = 'happy' WHERE id = 1;", schema },
    { code: "ALTER TYPE mood ADD VALUE 'happy';\nSELECT 'happy'::text;", schema },
    // Before 12 outside a transaction block: fine.
    { code: "ALTER TYPE mood ADD VALUE 'happy';", schema, settings: { postgresVersion: 11 } },
    // Before 12, allowed in the transaction that created the type.
    { code: "BEGIN;\nCREATE TYPE color AS ENUM ('red');\nALTER TYPE color ADD VALUE 'blue';\nCOMMIT;", schema, settings: { postgresVersion: 11 } },
    // PostgreSQL 17+: values added to a type created in the same transaction are usable at once
    // (accepted by PostgreSQL 18, rejected by 15).
    { code: "CREATE TYPE color AS ENUM ('red');\nALTER TYPE color ADD VALUE 'blue';\nSELECT 'blue'::color;", schema, settings: { postgresVersion: 18 } },
    // RENAME VALUE of a type created in this file breaks nobody.
    { code: "CREATE TYPE color AS ENUM ('red');\nALTER TYPE color RENAME VALUE 'red' TO 'crimson';", schema },
    { code: "ALTER TYPE mood RENAME VALUE 'sad' TO 'blue';", schema, migration: false },
    // A rollback that renames a value back breaks clients too, but is reported only when asked for.
    { code: "-- +goose Up\nSELECT 1;\n-- +goose Down\nALTER TYPE mood RENAME VALUE 'sad' TO 'blue';", schema },
  ],
  invalid: [
    {
      code: "ALTER TYPE mood ADD VALUE 'happy';\nINSERT INTO m VALUES (2, 'happy');",
      schema,
      errors: [
        {
          message: USE,
          detail:
            "`INSERT INTO m VALUES (2, 'happy')` uses 'happy', the value that `ALTER TYPE mood ADD VALUE 'happy'` (line 1) adds to enum `mood` in the same transaction: PostgreSQL rejects it with \"unsafe use of new value\" until the ADD VALUE has committed. Commit in between: put the ADD VALUE in a migration of its own, or end the transaction after line 1.",
          line: 2,
          column: 26,
          endColumn: 33,
        },
      ],
    },
    { code: "ALTER TYPE mood ADD VALUE 'happy';\nINSERT INTO m (mood, id) VALUES ('happy', 2);", schema, errors: [{ message: USE, detail: UNSAFE }] },
    { code: "ALTER TYPE mood ADD VALUE 'happy';\nUPDATE m SET mood = 'happy' WHERE id = 1;", schema, errors: [{ message: USE, detail: UNSAFE }] },
    { code: "ALTER TYPE mood ADD VALUE 'happy';\nSELECT * FROM m WHERE mood = 'happy';", schema, errors: [{ message: USE, detail: UNSAFE }] },
    { code: "ALTER TYPE mood ADD VALUE 'happy';\nDELETE FROM m WHERE mood IN ('sad', 'happy');", schema, errors: [{ message: USE, detail: UNSAFE }] },
    { code: "ALTER TYPE mood ADD VALUE 'happy';\nSELECT 'happy'::mood;", schema, errors: [{ message: USE, detail: UNSAFE, column: 8 }] },
    { code: "ALTER TYPE mood ADD VALUE 'happy';\nALTER TABLE m ALTER COLUMN mood SET DEFAULT 'happy';", schema, errors: [{ message: USE, detail: UNSAFE }] },
    { code: "ALTER TYPE mood ADD VALUE 'happy';\nALTER TABLE m ADD COLUMN mood2 mood DEFAULT 'happy';", schema, errors: [{ message: USE, detail: UNSAFE }] },
    { code: "ALTER TYPE mood ADD VALUE 'happy';\nCREATE INDEX m_happy ON m (id) WHERE mood = 'happy';", schema, errors: [{ message: USE, detail: UNSAFE }] },
    { code: "ALTER TYPE mood ADD VALUE 'happy';\nSELECT enum_range(NULL::mood);", schema, errors: [{ message: USE, detail: UNSAFE }] },
    { code: "BEGIN;\nALTER TYPE mood ADD VALUE 'happy';\nUPDATE m SET mood = 'happy';\nCOMMIT;", schema, errors: [{ line: 3 }] },
    // A table the catalog does not know: the label itself is the evidence, and the message says so.
    {
      code: "ALTER TYPE status ADD VALUE 'archived';\nUPDATE orders SET status = 'archived' WHERE id = 1;",
      errors: [
        {
          message: "New enum value 'archived' may be used before its ADD VALUE (line 1) commits, which PostgreSQL rejects; commit in between",
          detail: /adds to enum `status` in the same transaction \(if `status` is of type `status`: the schema sqlwarden has seen does not say\)/,
        },
      ],
    },
    // PostgreSQL 15-16 reject it even for a type created in the same transaction (checked on 15).
    { code: "CREATE TYPE color AS ENUM ('red');\nALTER TYPE color ADD VALUE 'blue';\nSELECT 'blue'::color;", schema, settings: { postgresVersion: 15 }, errors: 1 },
    // Before PostgreSQL 12: not in a transaction block at all.
    {
      code: "ALTER TYPE mood ADD VALUE 'happy';\nALTER TYPE mood ADD VALUE 'glad';",
      schema,
      settings: { postgresVersion: 11 },
      errors: [
        {
          message: 'ALTER TYPE `mood` ADD VALUE fails inside a transaction block before PostgreSQL 12; run it outside one',
          detail:
            'ALTER TYPE ... ADD VALUE cannot run inside a transaction block before PostgreSQL 12, and its statements run as one implicit transaction if the file is sent as one query string, which is assumed because no migration tool was recognised; `migrations.transaction` sets how your runner runs it: on PostgreSQL 11 the migration fails with "ALTER TYPE ... ADD cannot run inside a transaction block". Put it in a migration file of its own (a runner that sends the file as one query string runs all its statements in one transaction), or set `migrations.transaction` to "none" if your tool runs statements one at a time. Several values need one such migration each, or all of them outside a transaction.',
          line: 1,
        },
        { line: 2 },
      ],
    },
    { code: "BEGIN;\nALTER TYPE \"ErrorType\" ADD VALUE 'X';\nCOMMIT;", settings: { postgresVersion: 10 }, errors: [{ message: /^ALTER TYPE `"ErrorType"` ADD VALUE fails inside a transaction block/, detail: /it is inside BEGIN \.\.\. COMMIT/ }] },
    // Both failures are reported in rollbacks too.
    { code: "-- +goose Up\nSELECT 1;\n-- +goose Down\nALTER TYPE mood ADD VALUE 'happy';\nUPDATE m SET mood = 'happy' WHERE id = 1;", schema, errors: [{ message: /^New enum value 'happy' is used before its ADD VALUE \(line 4\) commits/, line: 5 }] },
    { code: "-- +goose Up\nSELECT 1;\n-- +goose Down\nALTER TYPE mood ADD VALUE 'happy';\nALTER TYPE mood ADD VALUE 'glad';", schema, settings: { postgresVersion: 11 }, errors: [{ line: 4, detail: /goose runs this file inside a transaction/ }, { line: 5 }] },
    { code: "-- +goose Up\nSELECT 1;\n-- +goose Down\nALTER TYPE mood RENAME VALUE 'sad' TO 'blue';", schema, settings: { rollbacks: 'all' }, errors: [{ message: /^Renaming enum `mood` value 'sad'/ }], name: 'RENAME VALUE in a rollback with rollbacks: all' },
    // RENAME VALUE breaks clients.
    {
      code: "ALTER TYPE mood RENAME VALUE 'sad' TO 'blue';",
      schema,
      errors: [
        {
          message: "Renaming enum `mood` value 'sad' breaks clients that still send it; add 'blue' as a new value",
          detail: /^Renaming a label is instant, but PostgreSQL rejects the old one from then on \(invalid input value for enum\): every client that still sends or compares 'sad' breaks\./,
        },
      ],
    },
  ],
});
