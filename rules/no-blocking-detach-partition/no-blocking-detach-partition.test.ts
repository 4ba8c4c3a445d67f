import { RuleTester } from '@sqlwarden/core/testing';
import rule from './index.ts';

const schema = `
CREATE TABLE events (id bigint, k int) PARTITION BY RANGE (k);
CREATE TABLE events_1 PARTITION OF events FOR VALUES FROM (0) TO (100);
CREATE TABLE events_2 PARTITION OF events FOR VALUES FROM (100) TO (200);
`;
const none = { migrationTransaction: 'none' as const };

new RuleTester().run(rule, {
  valid: [
    { code: 'ALTER TABLE events DETACH PARTITION events_1 CONCURRENTLY;', schema },
    { code: 'ALTER TABLE events DETACH PARTITION events_1 FINALIZE;', schema },
    // Before 14 there is no CONCURRENTLY: nothing better to suggest (require-lock-timeout covers the wait).
    { code: 'ALTER TABLE events DETACH PARTITION events_1;', schema, settings: { postgresVersion: 13 } },
    // A partitioned table created in this file blocks nobody.
    { code: 'CREATE TABLE t (id int) PARTITION BY LIST (id);\nCREATE TABLE t1 PARTITION OF t FOR VALUES IN (1);\nALTER TABLE t DETACH PARTITION t1;', schema },
    { code: 'ALTER TABLE events DETACH PARTITION events_1;', schema, migration: false },
    { code: '-- +goose Up\n-- +goose NO TRANSACTION\nSELECT 1;\n-- +goose Down\nALTER TABLE events DETACH PARTITION events_1;', schema, name: 'a blocking DETACH in a goose Down section' },
  ],
  invalid: [
    {
      code: 'ALTER TABLE events DETACH PARTITION events_1;',
      schema,
      errors: [
        {
          message: 'DETACH PARTITION blocks reads and writes on `events` until commit; use DETACH PARTITION ... CONCURRENTLY',
          detail:
            'DETACH PARTITION `events_1` takes ACCESS EXCLUSIVE locks on `events` and `events_1`: it blocks reads and writes on `events` and `events_1` while it waits for every query already using them and until its transaction commits. It also locks the DEFAULT partition of events, if there is one, and every table that references events by foreign key, if any. Use `DETACH PARTITION events_1 CONCURRENTLY` instead: it takes an ACCESS EXCLUSIVE lock on `events_1` and a SHARE UPDATE EXCLUSIVE lock on `events`, so reads and writes of `events` continue (on `events_1`: SHARE UPDATE EXCLUSIVE in the first transaction, ACCESS EXCLUSIVE briefly in the second), and waits in between its two transactions for the queries that use the partitioned table. It cannot run inside a transaction block, and it is refused while the partitioned table has a DEFAULT partition. It cannot be rolled back as a whole: finish an interrupted one with `ALTER TABLE events DETACH PARTITION events_1 FINALIZE`.',
          line: 1,
          column: 20,
          suggestions: [{ desc: 'Add CONCURRENTLY', output: 'ALTER TABLE events DETACH PARTITION events_1 CONCURRENTLY;' }],
        },
      ],
      output: null,
    },
    { code: 'alter table events detach partition events_1', schema, errors: [{ suggestions: [{ output: 'alter table events detach partition events_1 concurrently' }] }] },
    // In a transaction block: no suggestion, the way out is said instead.
    {
      code: 'BEGIN;\nALTER TABLE events DETACH PARTITION events_1;\nCOMMIT;',
      schema,
      errors: [{ message: 'DETACH PARTITION blocks reads and writes on `events` until commit; use CONCURRENTLY outside a transaction', detail: /but it cannot run inside a transaction block, and it is inside BEGIN \.\.\. COMMIT\. Move it out of the BEGIN \.\.\. COMMIT block\./, suggestions: [] }],
    },
    {
      code: 'ALTER TABLE events DETACH PARTITION events_1;\nALTER TABLE events DETACH PARTITION events_2;',
      schema,
      errors: [{ detail: /its statements run as one implicit transaction if the file is sent as one query string, which is assumed because no migration tool was recognised; `migrations.transaction` sets how your runner runs it/, suggestions: [] }, { suggestions: [] }],
    },
    {
      code: '-- +goose Up\nALTER TABLE events DETACH PARTITION events_1;',
      schema,
      errors: [{ detail: /goose runs this file inside a transaction\. Use `-- \+goose NO TRANSACTION` and keep the statement in a migration of its own\./ }],
    },
    // A DEFAULT partition the file knows about: CONCURRENTLY is refused.
    {
      code: 'CREATE TABLE events_default PARTITION OF events DEFAULT;\nALTER TABLE events DETACH PARTITION events_1;',
      schema,
      settings: none,
      errors: [{ message: 'DETACH PARTITION blocks reads and writes on `events`; its DEFAULT partition rules out CONCURRENTLY, so set a short lock_timeout', detail: /DETACH PARTITION \.\.\. CONCURRENTLY is refused while `events` has a DEFAULT partition \(`events_default`, line 1\): run this one with a short lock_timeout and retry/, suggestions: [] }],
    },
    // CONCURRENTLY before 14: PostgreSQL rejects it.
    {
      code: 'ALTER TABLE events DETACH PARTITION events_1 CONCURRENTLY;',
      schema,
      settings: { postgresVersion: 13 },
      errors: [{ message: 'DETACH PARTITION ... CONCURRENTLY fails on PostgreSQL 13 (added in 14); drop CONCURRENTLY and set a short lock_timeout', detail: /^DETACH PARTITION \.\.\. CONCURRENTLY needs PostgreSQL 14; PostgreSQL 13 rejects the statement\. Without it, DETACH PARTITION takes ACCESS EXCLUSIVE locks on `events` and `events_1`/ }],
    },
    // It fails as written, so it is reported in a rollback too; the blocking form there only with `rollbacks: 'all'`.
    {
      code: '-- +goose Up\n-- +goose NO TRANSACTION\nSELECT 1;\n-- +goose Down\nALTER TABLE events DETACH PARTITION events_1 CONCURRENTLY;',
      schema,
      settings: { postgresVersion: 13 },
      errors: [{ message: /^DETACH PARTITION \.\.\. CONCURRENTLY fails on PostgreSQL 13/, line: 5 }],
    },
    { code: '-- +goose Up\n-- +goose NO TRANSACTION\nSELECT 1;\n-- +goose Down\nALTER TABLE events DETACH PARTITION events_1;', schema, settings: { rollbacks: 'all' }, errors: [{ line: 5 }] },
  ],
});
