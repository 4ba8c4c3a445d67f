import { RuleTester } from '@sqlwarden/core/testing';
import rule from './index.ts';

const schema = `
CREATE TABLE bookings (id bigint PRIMARY KEY, room int, during tstzrange);
`;

new RuleTester().run(rule, {
  valid: [
    // New and truncated tables are empty.
    { code: 'CREATE TABLE b2 (room int, during tstzrange);\nALTER TABLE b2 ADD CONSTRAINT b2_excl EXCLUDE USING gist (room WITH =, during WITH &&);' },
    { code: 'TRUNCATE bookings;\nALTER TABLE bookings ADD EXCLUDE USING gist (during WITH &&);', schema },
    // CREATE TABLE, other constraints, non-migration files.
    { code: 'CREATE TABLE b3 (room int, during tstzrange, EXCLUDE USING gist (room WITH =, during WITH &&))' },
    { code: 'ALTER TABLE bookings ADD CONSTRAINT c CHECK (room > 0) NOT VALID', schema },
    { code: 'ALTER TABLE bookings ADD EXCLUDE USING gist (during WITH &&)', schema, migration: false },
    // A rollback's lock findings are not reported by default.
    { code: '-- +goose Up\nSELECT 1;\n-- +goose Down\nALTER TABLE bookings ADD EXCLUDE USING gist (during WITH &&);', schema },
  ],
  invalid: [
    {
      code: 'ALTER TABLE bookings ADD CONSTRAINT bookings_no_overlap EXCLUDE USING gist (room WITH =, during WITH &&);',
      schema,
      errors: [
        {
          message: 'ADD EXCLUDE blocks reads and writes on `bookings` while every row is checked; build it on a copy and swap, or run it off-peak',
          detail:
            'ADD EXCLUDE `bookings_no_overlap` builds an exclusion index on `bookings` and checks every existing row while holding an ACCESS EXCLUSIVE lock on `bookings`, blocking reads and writes on `bookings` for the whole scan and build. PostgreSQL has no NOT VALID and no concurrent form for exclusion constraints. On a large table, create a new table with the constraint, copy the rows in batches while writes go to both, and swap the tables; or run it in a maintenance window with a short lock_timeout.',
          line: 1,
          column: 22,
          endColumn: 105,
        },
      ],
      output: null,
    },
    { code: 'alter table bookings add exclude using gist (during with &&) where (room > 0), add column note text', schema, errors: [{ detail: /^ADD EXCLUDE \(unnamed\) builds/, column: 22, endColumn: 78 }] },
    { code: 'ALTER TABLE rooms ADD EXCLUDE USING gist (during WITH &&)', errors: [{ message: /on `rooms`/ }], name: 'unknown table' },
    // Rollbacks are reported only when asked for (a lock finding, not a failure).
    { code: '-- +goose Up\nSELECT 1;\n-- +goose Down\nALTER TABLE bookings ADD EXCLUDE USING gist (during WITH &&);', schema, settings: { rollbacks: 'all' }, errors: 1 },
  ],
});
