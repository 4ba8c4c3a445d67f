import { RuleTester } from '@sqlwarden/core/testing';
import rule from './index.ts';

const none = { migrationTransaction: 'none' as const };
const wrapped = { migrationTransaction: 'wrapped' as const };
// No tool is known: neutral advice, naming no tool's opt-out.
const OPT_OUT = 'turn the migration tool\'s transaction off for this migration, or set `migrations.transaction` to "none" if your tool does not wrap files';

new RuleTester().run(rule, {
  valid: [
    // One explicit transaction, in every mode.
    { code: 'BEGIN;\nALTER TABLE t ADD COLUMN a int;\nCOMMIT;', settings: none },
    { code: 'BEGIN;\nALTER TABLE t ADD COLUMN a int;\nCOMMIT;' },
    { code: 'START TRANSACTION ISOLATION LEVEL SERIALIZABLE;\nSELECT 1;\nEND;', settings: none },
    { code: 'BEGIN;\nSELECT 1;\nROLLBACK;\nBEGIN;\nSELECT 2;\nCOMMIT;', settings: none },
    // In a multi-statement query string, BEGIN turns the implicit block into a regular one.
    { code: 'SELECT 1;\nBEGIN;\nSELECT 2;\nCOMMIT;\nSELECT 3;' },
    // Savepoints inside a transaction, or inside the tool's.
    { code: 'BEGIN;\nSAVEPOINT a;\nSELECT 1;\nROLLBACK TO SAVEPOINT a;\nRELEASE SAVEPOINT a;\nCOMMIT;', settings: none },
    { code: 'SAVEPOINT a;\nSELECT 1;\nRELEASE a;', settings: wrapped },
    { code: 'BEGIN;\nSELECT 1;\nCOMMIT AND CHAIN;\nSELECT 2;\nCOMMIT;', settings: none },
    // No transaction statements at all.
    { code: 'ALTER TABLE t ADD COLUMN a int;\nALTER TABLE t ADD COLUMN b int;', settings: wrapped },
    // goose NO TRANSACTION: the file manages its own transaction.
    { code: '-- +goose Up\n-- +goose NO TRANSACTION\nBEGIN;\nCREATE TABLE t (id int);\nCOMMIT;\nCREATE INDEX CONCURRENTLY t_id ON t (id);' },
    // Up and down sections run separately: each has its own BEGIN/COMMIT.
    { code: '-- migrate:up transaction:false\nBEGIN;\nSELECT 1;\nCOMMIT;\n-- migrate:down transaction:false\nBEGIN;\nSELECT 2;\nCOMMIT;' },
    // A file that is not a migration runs statement by statement.
    { code: 'BEGIN;\nUPDATE t SET a = 1;\nCOMMIT;', migration: false },
    // In a rollback, a stray COMMIT or BEGIN that undoes nothing is reported only with `rollbacks: 'all'`.
    { code: '-- migrate:up transaction:false\nBEGIN;\nSELECT 1;\n-- migrate:down transaction:false\nCOMMIT;', name: 'a stray COMMIT in a dbmate down block' },
    { code: '-- +goose Up\nSELECT 1;\n-- +goose Down\nBEGIN;\nDROP TABLE t;\nCOMMIT;', name: 'BEGIN ... COMMIT in a goose Down section' },
    // A statement that does not parse is reported by the engine, not here.
    { code: 'BEGIN;\nSELECT 1;\nCOMMIT;\n', settings: none },
  ],
  invalid: [
    // Nested BEGIN with an explicit outer transaction.
    {
      code: 'BEGIN;\nALTER TABLE users ADD COLUMN plan text;\nBEGIN;\nUPDATE users SET plan = \'free\';\nCOMMIT;\nALTER TABLE users ALTER COLUMN plan SET DEFAULT \'free\';\nCOMMIT;',
      settings: none,
      errors: [
        {
          message: 'BEGIN inside the transaction opened at line 1 is ignored, so the COMMIT at line 5 ends that one; remove it or use SAVEPOINT',
          detail:
            'PostgreSQL has no nested transactions: it ignores this BEGIN with a warning ("there is already a transaction in progress"), so the COMMIT at line 5 ends the transaction opened at line 1, and the statements after it run outside any transaction: if one of them fails, everything before it stays applied. Remove this BEGIN and the COMMIT at line 5, or use SAVEPOINT / RELEASE SAVEPOINT for a nested scope.',
          line: 3,
          column: 1,
          endColumn: 6,
        },
      ],
      output: null,
    },
    {
      code: 'BEGIN;\nSELECT 1;\nSTART TRANSACTION;\nSELECT 2;\nROLLBACK;\nSELECT 3;',
      settings: none,
      errors: [{ message: 'START TRANSACTION inside the transaction opened at line 1 is ignored, so the ROLLBACK at line 5 undoes all of it; use SAVEPOINT instead', detail: /^PostgreSQL has no nested transactions: .*so the ROLLBACK at line 5 rolls back the whole transaction opened at line 1, not just what follows this BEGIN/, line: 3, endColumn: 18 }],
    },
    {
      code: 'BEGIN;\nSELECT 1;\nBEGIN;\nSELECT 2;',
      settings: none,
      errors: [{ message: 'BEGIN inside the transaction opened at line 1 is ignored; remove it or use SAVEPOINT', detail: /so this statement and the ones after it stay in the transaction opened at line 1\. Remove this BEGIN, or use SAVEPOINT/ }],
    },
    // Same in a multi-statement query string.
    { code: 'BEGIN;\nSELECT 1;\nBEGIN;\nSELECT 2;\nCOMMIT;\nCOMMIT;', errors: [{ line: 3 }] },
    // The tool wraps the file.
    {
      code: 'BEGIN;\nALTER TABLE users ADD COLUMN plan text;\nCOMMIT;',
      settings: wrapped,
      errors: [
        {
          message: "BEGIN inside the migration tool's transaction is ignored, so the COMMIT at line 3 commits it early; remove BEGIN and COMMIT",
          detail: `The migration tool already runs this file inside a transaction, so PostgreSQL ignores this BEGIN with a warning ("there is already a transaction in progress"), and the COMMIT at line 3 commits the tool's transaction early: the statements after it and the tool's own bookkeeping run outside it, so a failure there leaves the migration half-applied. Remove BEGIN and COMMIT from the file and let the tool's transaction cover it, or ${OPT_OUT}.`,
          line: 1,
        },
      ],
    },
    {
      code: '-- +goose Up\nBEGIN;\nSELECT 1;\nCOMMIT;',
      errors: [
        {
          message: "BEGIN inside goose's transaction is ignored, so the COMMIT at line 4 commits it early; remove BEGIN and COMMIT",
          detail: /^The migration tool already runs this file inside a transaction.* or use `-- \+goose NO TRANSACTION` and keep the statement in a migration of its own\.$/,
          line: 2,
        },
      ],
      name: 'goose wraps files by default',
    },
    { code: 'BEGIN;\nSELECT 1;', settings: wrapped, errors: [{ message: "BEGIN inside the migration tool's transaction is ignored; remove it, the tool commits at the end", detail: /\("there is already a transaction in progress"\); it does nothing else, since the tool commits at the end\. Remove BEGIN/ }] },
    { code: 'BEGIN;\nSELECT 1;\nROLLBACK;', settings: wrapped, errors: [{ message: /, so the ROLLBACK at line 3 undoes the file so far; remove BEGIN and ROLLBACK$/, detail: /the ROLLBACK at line 3 rolls back everything the file did so far/ }] },
    // COMMIT/ROLLBACK that end the tool's transaction.
    {
      code: "ALTER TABLE t ADD COLUMN a int;\nCOMMIT;\nCREATE INDEX CONCURRENTLY t_a ON t (a);\nBEGIN;",
      settings: wrapped,
      errors: [
        {
          message: "COMMIT ends the migration tool's transaction in mid-file; remove it and turn the tool's transaction off instead",
          detail: `The migration tool runs this file inside a transaction, so this COMMIT commits it in the middle of the file: the statements before it stay applied even if a later one fails, the rest of the file runs outside a transaction, and the tool's own COMMIT finds none. To run a statement that cannot run in a transaction block (CREATE INDEX CONCURRENTLY...) without committing by hand, ${OPT_OUT}.`,
          line: 2,
        },
      ],
      name: 'COMMIT; ... BEGIN; to escape the tool transaction: one report',
    },
    { code: 'UPDATE t SET a = 1;\nROLLBACK;\nUPDATE t SET a = 2;', settings: wrapped, errors: [{ message: 'ROLLBACK silently undoes the file so far, yet the migration counts as done; raise an error instead', detail: /^The migration tool runs this file inside a transaction, so this ROLLBACK silently undoes everything the file did before it/ }] },
    // Multi-statement query string without BEGIN.
    {
      code: 'ALTER TABLE users ADD COLUMN plan text;\nCOMMIT;\nUPDATE users SET plan = \'free\';',
      errors: [{ message: "COMMIT without BEGIN ends the file's implicit transaction early; add BEGIN where the transaction starts, or remove it", detail: 'The file is sent as one multi-statement query, which PostgreSQL runs as one implicit transaction; this COMMIT has no BEGIN, so PostgreSQL warns ("there is no transaction in progress") but commits the statements before it, and they stay applied if a later statement fails. Add BEGIN where the transaction should start, or remove this COMMIT.', line: 2 }],
    },
    { code: 'DELETE FROM t;\nABORT;\nSELECT 1;', errors: [{ message: 'ROLLBACK without BEGIN discards the statements before it while the rest still runs; raise an error instead', detail: /this ROLLBACK has no BEGIN, so PostgreSQL warns \("there is no transaction in progress"\) but discards every statement before it/ }] },
    // Nothing open.
    {
      code: 'UPDATE t SET a = 1;\nCOMMIT;',
      settings: none,
      errors: [{ message: 'COMMIT with no transaction open does nothing but warn; add BEGIN where the transaction starts, or remove it', detail: 'No transaction is open here: the statements before it ran outside a transaction block, each committed on its own, so this COMMIT does nothing but warn ("there is no transaction in progress"). Add BEGIN where the transaction should start, or remove this COMMIT.' }],
    },
    { code: 'UPDATE t SET a = 1;\nROLLBACK WORK;', settings: none, errors: [{ message: 'ROLLBACK with no transaction open undoes nothing, each statement already committed; add BEGIN or remove it', detail: /so this ROLLBACK undoes nothing/ }] },
    { code: 'UPDATE t SET a = 1;\nCOMMIT;', migration: false, errors: 1, name: 'not a migration: statements autocommit' },
    { code: 'BEGIN;\nSELECT 1;\nCOMMIT;\nCOMMIT;', settings: none, errors: [{ line: 4, message: /^COMMIT with no transaction open/, detail: /^No transaction is open here/ }] },
    // Need a transaction block: errors.
    {
      code: 'SAVEPOINT before_backfill;\nUPDATE t SET a = 1;',
      settings: none,
      errors: [{ message: 'SAVEPOINT fails outside a transaction block; add BEGIN before it, or remove it', detail: 'SAVEPOINT can only be used in a transaction block, and no transaction is open here: PostgreSQL rejects it with an error and the migration stops here. Add BEGIN before it, or remove it.' }],
    },
    { code: 'UPDATE t SET a = 1;\nRELEASE SAVEPOINT a;', errors: [{ detail: /^RELEASE SAVEPOINT can only be used in a transaction block, and a multi-statement query without BEGIN is not one/ }] },
    { code: 'ROLLBACK TO SAVEPOINT a;', settings: none, errors: [{ detail: /^ROLLBACK TO SAVEPOINT can only be used/ }] },
    { code: 'COMMIT AND CHAIN;', settings: none, errors: [{ detail: /^COMMIT AND CHAIN can only be used/ }] },
    // Each section on its own. In a rollback, only what fails or undoes changes is reported by default.
    {
      code: '-- migrate:up transaction:false\nBEGIN;\nSELECT 1;\n-- migrate:down transaction:false\nCOMMIT;',
      settings: { rollbacks: 'all' },
      errors: [{ line: 5, detail: /^No transaction is open here/ }],
    },
    { code: '-- migrate:up transaction:false\nSELECT 1;\n-- migrate:down transaction:false\nSAVEPOINT a;\nDROP TABLE t;', errors: [{ line: 4, message: /^SAVEPOINT fails outside a transaction block/ }], name: 'a SAVEPOINT that fails in a down block' },
    { code: '-- migrate:up\nSELECT 1;\n-- migrate:down\nDROP TABLE t;\nROLLBACK;\nDROP TABLE u;', errors: [{ line: 5, message: /^ROLLBACK silently undoes the file so far/ }], name: 'a ROLLBACK that undoes a down block' },
    { code: '-- +goose Up\nSELECT 1;\n-- +goose Down\nBEGIN;\nDROP TABLE t;\nROLLBACK;', errors: [{ line: 4, message: /, so the ROLLBACK at line 6 undoes the file so far; remove BEGIN and ROLLBACK$/ }], name: 'a BEGIN whose ROLLBACK undoes a goose Down section' },
    { code: '-- migrate:up transaction:false\nSELECT 1;\n-- migrate:down transaction:false\nBEGIN;\nDROP TABLE t;\nBEGIN;\nDROP TABLE u;\nROLLBACK;', errors: [{ line: 6, message: /, so the ROLLBACK at line 8 undoes all of it; use SAVEPOINT instead$/ }], name: 'a nested BEGIN whose ROLLBACK undoes a down block' },
  ],
});
