import { RuleTester } from '@sqlwarden/core/testing';
import rule from './index.ts';

const DELETES = (name: string): string => `DROP DATABASE \`${name}\` deletes the whole database irreversibly; drop databases by hand, not in a migration`;
const FAILS = (name: string): string => `DROP DATABASE \`${name}\` fails inside a transaction block, as here; drop databases by hand, not in a migration`;
const DETAIL = (name: string, transaction = ''): string =>
  `DROP DATABASE \`${name}\` deletes the whole database and everything in it, irreversibly. PostgreSQL refuses while any other session is connected to it (WITH (FORCE), PostgreSQL 13+, terminates those sessions), cannot drop the database the migration is connected to, and cannot run it inside a transaction block${transaction}. Drop databases by hand, not in a migration.`;

new RuleTester().run(rule, {
  valid: [
    { code: 'DROP DATABASE IF EXISTS analytics_dev;', migration: false },
    // A rollback may drop what its up part created: reported only where it fails (below).
    { code: '-- migrate:up\nSELECT 1;\n-- migrate:down transaction:false\nDROP DATABASE analytics;' },
    { code: 'DROP DATABASE analytics;', filename: 'migrations/000002_analytics.down.sql' },
    'DROP SCHEMA IF EXISTS analytics;',
    'CREATE DATABASE analytics;',
  ],
  invalid: [
    { code: 'DROP DATABASE analytics;', settings: { migrationTransaction: 'none' }, errors: [{ message: DELETES('analytics'), detail: DETAIL('analytics'), line: 1, column: 1, endColumn: 24 }], output: null },
    {
      code: 'DROP DATABASE IF EXISTS analytics WITH (FORCE);',
      settings: { migrationTransaction: 'wrapped' },
      errors: [{ message: FAILS('analytics'), detail: DETAIL('analytics', ', so here it fails: the migration tool runs this file inside a transaction') }],
    },
    {
      code: 'SELECT 1;\nDROP DATABASE analytics;',
      errors: [
        {
          message: 'DROP DATABASE `analytics` would fail in the transaction assumed here; drop databases by hand, not in a migration',
          detail: DETAIL('analytics', ', so here it would fail: its statements run as one implicit transaction if the file is sent as one query string, which is assumed because no migration tool was recognised; `migrations.transaction` sets how your runner runs it'),
          line: 2,
        },
      ],
    },
    { code: 'BEGIN;\nDROP DATABASE "Analytics";\nCOMMIT;', settings: { migrationTransaction: 'none' }, errors: [{ message: FAILS('Analytics'), detail: DETAIL('Analytics', ', so here it fails: it is inside BEGIN ... COMMIT') }] },
    // In a rollback that runs in a transaction it fails, so it is reported there too (dbmate and goose run each section in one).
    { code: '-- migrate:up\nSELECT 1;\n-- migrate:down\nDROP DATABASE analytics;', errors: [{ message: FAILS('analytics'), detail: /so here it fails: the migration tool runs this file inside a transaction/, line: 4 }] },
    { code: '-- +goose Up\nSELECT 1;\n-- +goose Down\nDROP DATABASE analytics;', errors: [{ message: FAILS('analytics'), line: 4 }] },
    { code: 'SELECT 1;\nDROP DATABASE analytics;', filename: 'migrations/000002_analytics.down.sql', errors: [{ message: FAILS('analytics'), line: 2 }] },
  ],
});
