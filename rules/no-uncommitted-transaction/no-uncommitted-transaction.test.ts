import { RuleTester } from '@sqlwarden/core/testing';
import rule from './index.ts';

const none = { migrationTransaction: 'none' as const };
const wrapped = { migrationTransaction: 'wrapped' as const };

new RuleTester().run(rule, {
  valid: [
    'BEGIN;\nALTER TABLE t ADD COLUMN a int;\nCOMMIT;',
    { code: 'BEGIN;\nSELECT 1;\nROLLBACK;', settings: none },
    { code: 'BEGIN;\nSELECT 1;\nEND;', settings: none },
    { code: 'ALTER TABLE t ADD COLUMN a int;', settings: none },
    // The tool commits whatever is open at the end of a wrapped file.
    { code: 'BEGIN;\nALTER TABLE t ADD COLUMN a int;', settings: wrapped },
    { code: 'COMMIT;\nCREATE INDEX CONCURRENTLY t_a ON t (a);\nBEGIN;', settings: wrapped, name: 'escaping the tool transaction and reopening it' },
    // Nested BEGIN ignored by the server: the COMMIT closes the only real transaction.
    { code: 'BEGIN;\nBEGIN;\nSELECT 1;\nCOMMIT;', settings: none },
    { code: 'BEGIN;\nSELECT 1;\nPREPARE TRANSACTION \'x\';', settings: none },
    { code: 'BEGIN;\nSELECT 1;\nCOMMIT AND CHAIN;\nSELECT 2;\nCOMMIT;', settings: none },
  ],
  invalid: [
    {
      code: 'BEGIN;\nALTER TABLE users ADD COLUMN plan text;\nUPDATE users SET plan = \'free\';',
      errors: [
        {
          message: 'This BEGIN is never committed: the file ends with its transaction open; add COMMIT at the end',
          detail:
            'This BEGIN is never committed: the file ends with its transaction still open, so nothing after it is committed. When the session ends PostgreSQL rolls it all back while the migration still looks successful (psql -f exits with status 0), and until then every lock the transaction took stays held, blocking other sessions. Add COMMIT at the end.',
          line: 1,
          column: 1,
          endColumn: 6,
          suggestions: [{ desc: 'Add COMMIT after the last statement', output: 'BEGIN;\nALTER TABLE users ADD COLUMN plan text;\nUPDATE users SET plan = \'free\';\nCOMMIT;' }],
        },
      ],
      output: null,
    },
    {
      code: 'BEGIN;\nSELECT 1;\nCOMMIT;\nSTART TRANSACTION;\nUPDATE t SET a = 1',
      settings: none,
      errors: [{ message: /^This START TRANSACTION is never committed: the file ends with its transaction open; add COMMIT at the end$/, line: 4, suggestions: [{ output: 'BEGIN;\nSELECT 1;\nCOMMIT;\nSTART TRANSACTION;\nUPDATE t SET a = 1;\nCOMMIT;' }] }],
    },
    { code: 'begin;', settings: none, errors: [{ detail: /^This BEGIN is never committed/, suggestions: [{ output: 'begin;\nCOMMIT;' }] }] },
    { code: 'BEGIN;\nSELECT 1;  -- trailing comment', settings: none, errors: [{ suggestions: [{ output: 'BEGIN;\nSELECT 1;\nCOMMIT;  -- trailing comment' }] }] },
    // Sections: the up section leaves its transaction open.
    {
      code: '-- +goose Up\n-- +goose NO TRANSACTION\nCREATE INDEX CONCURRENTLY users_plan ON users (plan);\nBEGIN;\nALTER TABLE users ALTER COLUMN plan SET DEFAULT \'free\';\n-- +goose Down\nDROP INDEX CONCURRENTLY users_plan;',
      errors: [
        {
          message: /^This BEGIN is never committed: the up migration ends with its transaction open/,
          detail: /^This BEGIN is never committed: the up migration ends with its transaction still open/,
          line: 4,
          suggestions: [{ output: '-- +goose Up\n-- +goose NO TRANSACTION\nCREATE INDEX CONCURRENTLY users_plan ON users (plan);\nBEGIN;\nALTER TABLE users ALTER COLUMN plan SET DEFAULT \'free\';\nCOMMIT;\n-- +goose Down\nDROP INDEX CONCURRENTLY users_plan;' }],
        },
      ],
    },
    { code: '-- migrate:up transaction:false\nSELECT 1;\n-- migrate:down transaction:false\nBEGIN;\nDROP TABLE t;', errors: [{ message: /the down migration ends/, line: 4 }], name: 'a down block left open is reported by default: it fails as written' },
    // Not a migration: psql-style script.
    { code: 'BEGIN;\nUPDATE t SET a = 1;', migration: false, errors: 1 },
    // Nested BEGIN: the first one stays open when nothing commits.
    { code: 'BEGIN;\nBEGIN;\nSELECT 1;', settings: none, errors: [{ line: 1 }] },
  ],
});
