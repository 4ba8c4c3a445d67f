import { RuleTester } from '@sqlwarden/core/testing';
import rule from './index.ts';

const schema = `
CREATE TABLE events (id bigint, k int, at date) PARTITION BY RANGE (k);
CREATE TABLE events_1 (id bigint, k int, at date);
CREATE TABLE events_2 (id bigint, k int NOT NULL, at date);
ALTER TABLE events_2 ADD CONSTRAINT events_2_bound CHECK (k >= 100 AND k < 200);
CREATE TABLE events_3 (id bigint, k int, at date);
ALTER TABLE events_3 ADD CONSTRAINT events_3_bound CHECK (k IS NOT NULL AND k >= 100 AND k < 200) NOT VALID;
CREATE TABLE events_4 (id bigint, k int, at date);
ALTER TABLE events_4 ADD CONSTRAINT events_4_bound CHECK (k >= 100 AND k < 200);
CREATE TABLE events_5 (id bigint, k int, at date);
ALTER TABLE events_5 ADD CONSTRAINT events_5_bound CHECK (k IS NOT NULL AND k BETWEEN 0 AND 500);
CREATE TABLE regions (id bigint, code text) PARTITION BY LIST (code);
CREATE TABLE regions_eu (id bigint, code text);
ALTER TABLE regions_eu ADD CONSTRAINT regions_eu_code CHECK (code IS NOT NULL AND code IN ('de', 'fr'));
`;

new RuleTester().run(rule, {
  valid: [
    // A validated CHECK (with the NOT NULL the range bound implies) proves the bound: no scan.
    { code: 'ALTER TABLE events ATTACH PARTITION events_2 FOR VALUES FROM (100) TO (200);', schema },
    { code: 'ALTER TABLE events ATTACH PARTITION events_2 FOR VALUES FROM (50) TO (300);', schema },
    { code: 'ALTER TABLE events ATTACH PARTITION events_2 FOR VALUES FROM (MINVALUE) TO (200);', schema },
    { code: "ALTER TABLE regions ATTACH PARTITION regions_eu FOR VALUES IN ('de', 'fr', 'it');", schema },
    // The recipe in one file: the VALIDATE runs before the attach (and in its own transaction).
    {
      code: 'ALTER TABLE events_1 ADD CONSTRAINT b CHECK (k IS NOT NULL AND k >= 100 AND k < 200) NOT VALID;\nALTER TABLE events_1 VALIDATE CONSTRAINT b;\nALTER TABLE events ATTACH PARTITION events_1 FOR VALUES FROM (100) TO (200);\nALTER TABLE events_1 DROP CONSTRAINT b;',
      schema,
      settings: { migrationTransaction: 'none' },
    },
    // A partition created empty in this file has nothing to scan.
    { code: 'CREATE TABLE events_9 (LIKE events);\nALTER TABLE events ATTACH PARTITION events_9 FOR VALUES FROM (900) TO (1000);', schema },
    // The key of a parent created in this file is known: a CHECK on another column does not count,
    // but one on the key does.
    {
      code: 'CREATE TABLE m (id bigint, k int NOT NULL) PARTITION BY RANGE (k);\nALTER TABLE events_5 RENAME TO m_1;\nALTER TABLE m ATTACH PARTITION m_1 FOR VALUES FROM (0) TO (1000);',
      schema,
    },
    // Not a migration.
    { code: 'ALTER TABLE events ATTACH PARTITION events_1 FOR VALUES FROM (100) TO (200);', schema, migration: false },
  ],
  invalid: [
    {
      code: 'ALTER TABLE events ATTACH PARTITION events_1 FOR VALUES FROM (100) TO (200);',
      schema,
      errors: [
        {
          message: 'ATTACH PARTITION scans `events_1` while blocking its reads and writes; prove the bound with a validated CHECK first',
          detail:
            'ATTACH PARTITION `events_1` scans all of `events_1` to check that every row fits the partition bound (the table has no validated CHECK constraint), holding an ACCESS EXCLUSIVE lock on `events_1` and a SHARE UPDATE EXCLUSIVE lock on `events`: it blocks reads and writes on `events_1` for the whole scan. If `events` has a DEFAULT partition, that one is locked the same way and scanned too, for rows that belong in the new partition (unless its own CHECK constraint excludes them). Prove the bound first so the attach skips the scan: `ALTER TABLE events_1 ADD CONSTRAINT events_1_bound CHECK (<key> IS NOT NULL AND <key> >= 100 AND <key> < 200) NOT VALID`, then `ALTER TABLE events_1 VALIDATE CONSTRAINT events_1_bound` in a separate transaction (it scans without blocking reads or writes), then ATTACH PARTITION, then drop the constraint.',
          line: 1,
          column: 20,
        },
      ],
    },
    // A range CHECK without NOT NULL does not prove a range bound (PostgreSQL still scans).
    { code: 'ALTER TABLE events ATTACH PARTITION events_4 FOR VALUES FROM (100) TO (200);', schema, errors: [{ detail: /\(`k` may be NULL, which a range partition does not accept: add `k IS NOT NULL` to the CHECK \(or make the column NOT NULL\)\)/ }] },
    // A NOT VALID CHECK does not count until validated.
    {
      code: 'ALTER TABLE events ATTACH PARTITION events_3 FOR VALUES FROM (100) TO (200);',
      schema,
      errors: [{ message: 'ATTACH PARTITION scans `events_3` while blocking its reads and writes; validate `events_3_bound` first', detail: /The CHECK constraint events_3_bound would prove the bound but is NOT VALID: run `ALTER TABLE events_3 VALIDATE CONSTRAINT events_3_bound` in a separate transaction first/ }],
    },
    // A CHECK wider than the bound.
    { code: 'ALTER TABLE events ATTACH PARTITION events_5 FOR VALUES FROM (100) TO (200);', schema, errors: [{ detail: /the validated CHECK constraints allow values of `k` outside FROM \(100\) TO \(200\).*CHECK \(k IS NOT NULL AND k >= 100 AND k < 200\) NOT VALID/ }] },
    { code: 'ALTER TABLE events ATTACH PARTITION events_2 FOR VALUES FROM (100) TO (150);', schema, errors: 1 },
    { code: "ALTER TABLE regions ATTACH PARTITION regions_eu FOR VALUES IN ('de');", schema, errors: [{ detail: /allow values of `code` that are not in the list/ }] },
    // With the parent's key known from this file, the recipe names it.
    {
      code: 'CREATE TABLE m (id bigint, day date) PARTITION BY RANGE (day);\nALTER TABLE m ATTACH PARTITION events_1 FOR VALUES FROM (\'2024-01-01\') TO (\'2024-02-01\');',
      schema,
      errors: [{ detail: /CHECK \(day IS NOT NULL AND day >= '2024-01-01' AND day < '2024-02-01'\) NOT VALID/ }],
    },
    // A partition filled in this file is scanned.
    { code: 'CREATE TABLE events_9 (LIKE events);\nINSERT INTO events_9 SELECT * FROM events_1;\nALTER TABLE events ATTACH PARTITION events_9 FOR VALUES FROM (900) TO (1000);', schema, errors: 1 },
    // A table sqlwarden has not seen.
    { code: 'ALTER TABLE events ATTACH PARTITION elsewhere FOR VALUES FROM (100) TO (200);', schema, errors: [{ detail: /\(the definition of `elsewhere` is not in the migrations sqlwarden has seen, so no validated CHECK constraint is known to prove the bound\)/ }] },
    // Before PostgreSQL 12 the partitioned table is locked too (the lock model's version data).
    {
      code: 'ALTER TABLE events ATTACH PARTITION events_1 FOR VALUES FROM (100) TO (200);',
      schema,
      settings: { postgresVersion: 11 },
      errors: [{ message: 'ATTACH PARTITION scans `events_1` while blocking reads and writes on it and on `events`; prove the bound with a validated CHECK first', detail: /; on PostgreSQL 11 that includes the partitioned table `events`, so reads and writes of every partition wait for the whole scan \(PostgreSQL 12\+ takes a SHARE UPDATE EXCLUSIVE lock on it instead\)\./ }],
    },
    {
      code: 'ALTER TABLE events ATTACH PARTITION events_2 FOR VALUES FROM (100) TO (200);',
      schema,
      settings: { postgresVersion: 10 },
      errors: [{ message: 'ATTACH PARTITION locks `events` against reads and writes on PostgreSQL 10; set a short lock_timeout and retry', detail: /^ATTACH PARTITION takes ACCESS EXCLUSIVE locks on `events` and `events_2` on PostgreSQL 10: .* PostgreSQL 12\+ takes a SHARE UPDATE EXCLUSIVE lock on the partitioned table instead\.$/ }],
    },
    // Hash bounds.
    {
      code: 'CREATE TABLE h (id bigint) PARTITION BY HASH (id);\nALTER TABLE h ATTACH PARTITION events_1 FOR VALUES WITH (MODULUS 4, REMAINDER 0);',
      schema,
      errors: [{ message: /; attach it while empty and load rows through `h`$/, detail: /a hash bound is not proven by ordinary CHECK constraints.* attach the partition while it is empty/ }],
    },
  ],
});
