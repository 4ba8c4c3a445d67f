import { RuleTester } from '@sqlwarden/core/testing';
import rule from './index.ts';

const MESSAGE = (name: string, transaction = ''): string =>
  `DROP DATABASE \`${name}\` deletes the whole database and everything in it, irreversibly. PostgreSQL refuses while any other session is connected to it (WITH (FORCE), PostgreSQL 13+, terminates those sessions), cannot drop the database the migration is connected to, and cannot run it inside a transaction block${transaction}. Drop databases by hand, not in a migration.`;

new RuleTester().run(rule, {
  valid: [
    { code: 'DROP DATABASE IF EXISTS analytics_dev;', migration: false },
    { code: '-- migrate:up\nSELECT 1;\n-- migrate:down\nDROP DATABASE analytics;' },
    'DROP SCHEMA IF EXISTS analytics;',
    'CREATE DATABASE analytics;',
  ],
  invalid: [
    { code: 'DROP DATABASE analytics;', settings: { migrationTransaction: 'none' }, errors: [{ message: MESSAGE('analytics'), line: 1, column: 1, endColumn: 24 }], output: null },
    {
      code: 'DROP DATABASE IF EXISTS analytics WITH (FORCE);',
      settings: { migrationTransaction: 'wrapped' },
      errors: [{ message: MESSAGE('analytics', ', so here it fails: the migration tool runs this file inside a transaction') }],
    },
    {
      code: 'SELECT 1;\nDROP DATABASE analytics;',
      errors: [{ message: MESSAGE('analytics', ', so here it would fail: its statements run as one implicit transaction if the file is sent as one query string, which is assumed because no migration tool was recognised; `migrations.transaction` sets how your runner runs it'), line: 2 }],
    },
    { code: 'BEGIN;\nDROP DATABASE "Analytics";\nCOMMIT;', settings: { migrationTransaction: 'none' }, errors: [{ message: MESSAGE('Analytics', ', so here it fails: it is inside BEGIN ... COMMIT') }] },
  ],
});
