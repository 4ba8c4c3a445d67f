import { RuleTester } from '@sqlwarden/core/testing';
import rule from './index.ts';

const message = (column: string, written: string): string => `\`${column}\` is declared \`${written}\`, a wall-clock time that ignores input offsets; use timestamptz`;
const detail = (written: string): string =>
  `\`${written}\` (timestamp without time zone) stores a wall-clock reading, not an instant. PostgreSQL silently ignores any offset in the input, so \`2024-03-10 09:00+01\` and \`2024-03-10 09:00-05\` are stored as the same value although they are six hours apart, and comparing it with now() or a timestamptz converts it using each session's TimeZone setting. timestamptz takes the same 8 bytes, stored as UTC and shown in the session's time zone. The change is only a suggestion: existing values, and values the application sends without an offset, are then read in the session's TimeZone.`;

new RuleTester().run(rule, {
  valid: [
    'CREATE TABLE t (a timestamptz, b timestamp with time zone, c timestamptz(3), d TIMESTAMP(6) WITH TIME ZONE, e date, f time)',
    'ALTER TABLE t ADD COLUMN at timestamptz NOT NULL DEFAULT now()',
    'ALTER TABLE t ALTER COLUMN at TYPE timestamptz USING at AT TIME ZONE \'UTC\'',
    // Casts, functions and the squawk false positive on path-typed varchar.
    "SELECT now()::timestamp, CAST('2024-01-01' AS timestamp without time zone)",
    "CREATE FUNCTION f(at timestamp) RETURNS timestamp LANGUAGE sql AS 'SELECT at'",
    'CREATE TABLE t (a pg_catalog.varchar(100), b "varchar"(20))',
  ],
  invalid: [
    {
      code: 'CREATE TABLE events (id bigint, created_at timestamp NOT NULL DEFAULT now());',
      errors: [
        {
          message: message('created_at', 'timestamp'),
          detail: detail('timestamp'),
          line: 1,
          column: 44,
          endColumn: 53,
          suggestions: [{ desc: 'Use timestamptz', output: 'CREATE TABLE events (id bigint, created_at timestamptz NOT NULL DEFAULT now());' }],
        },
      ],
      output: null,
    },
    {
      code: 'CREATE TABLE t (at TIMESTAMP(3) WITHOUT TIME ZONE)',
      errors: [{ message: message('at', 'TIMESTAMP(3) WITHOUT TIME ZONE'), column: 20, endColumn: 50, suggestions: [{ desc: 'Use TIMESTAMPTZ(3)', output: 'CREATE TABLE t (at TIMESTAMPTZ(3))' }] }],
    },
    { code: 'CREATE TABLE t (at timestamp (0) without time zone [])', errors: [{ message: /^`at` is declared `timestamp \(0\) without time zone \[\]`/, suggestions: [{ output: 'CREATE TABLE t (at timestamptz(0) [])' }] }] },
    { code: 'CREATE TABLE t (at pg_catalog.timestamp)', errors: [{ message: message('at', 'pg_catalog.timestamp'), suggestions: [{ output: 'CREATE TABLE t (at timestamptz)' }] }] },
    { code: 'CREATE TABLE t (at "timestamp")', errors: [{ message: message('at', '"timestamp"'), suggestions: [{ output: 'CREATE TABLE t (at timestamptz)' }] }] },
    {
      code: "ALTER TABLE t ADD COLUMN seen_at timestamp, ALTER COLUMN at TYPE timestamp USING at AT TIME ZONE 'UTC'",
      errors: [{ message: message('seen_at', 'timestamp') }, { message: message('at', 'timestamp'), column: 66, endColumn: 75 }],
    },
    { code: 'ALTER TABLE IF EXISTS ONLY app.t ADD COLUMN IF NOT EXISTS at timestamp', errors: 1 },
    { code: 'CREATE TABLE t (at timestamp)', migration: false, errors: 1 },
    { code: 'CREATE TEMP TABLE t (at timestamp)', errors: 1 },
  ],
});
