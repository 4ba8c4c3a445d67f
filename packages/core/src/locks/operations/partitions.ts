import { SOURCES } from '../sources.ts';
import type { LockOperation } from '../types.ts';
import { since } from '../versioned.ts';
import { AE, lock, SUE } from './build.ts';
import { PARTITIONED, PARTITIONED_NO_DEFAULT } from './fixtures.ts';

export const PARTITION_OPERATIONS: LockOperation[] = [
  {
    id: 'alter_table.attach_partition',
    sql: 'ALTER TABLE parent ATTACH PARTITION p FOR VALUES ...',
    locks: [
      lock('target', [
        { from: 10, until: 12, value: AE },
        { from: 12, value: SUE },
      ]),
      lock('partition', AE),
      lock('default_partition', since(11, null, AE), 'scanned for rows that belong in the new partition'),
    ],
    rewrite: 'none',
    scan: 'table',
    scanOn: ['partition', 'default_partition'],
    brief: false,
    versionNotes: [
      'PostgreSQL 12+: SHARE UPDATE EXCLUSIVE on the parent, so its reads and writes continue; 10 and 11 take ACCESS EXCLUSIVE on it.',
      'The partition is scanned to check the bounds unless a valid CHECK constraint implies them (include IS NOT NULL on the key); the DEFAULT partition is scanned unless a CHECK excludes the new range.',
    ],
    saferAlternative:
      'Before attaching: ADD CONSTRAINT bounds CHECK (<key> IS NOT NULL AND <partition bounds>) NOT VALID on the new table, VALIDATE it, ATTACH (no scan), then drop the CHECK.',
    sources: [SOURCES.alterTableAttachPartition, SOURCES.partitionMaintenance, SOURCES.release('12')],
    verify: [
      {
        setup: PARTITIONED,
        statement: 'ALTER TABLE pt ATTACH PARTITION pt2 FOR VALUES FROM (100) TO (200)',
        relations: { target: 'pt', partition: 'pt2', default_partition: 'ptd', partitions: 'pt1' },
        minVersion: 11,
      },
      {
        setup: PARTITIONED_NO_DEFAULT,
        statement: 'ALTER TABLE pt ATTACH PARTITION pt2 FOR VALUES FROM (100) TO (200)',
        relations: { target: 'pt', partition: 'pt2', partitions: 'pt1' },
        minVersion: 10,
      },
    ],
  },
  {
    id: 'alter_table.detach_partition',
    sql: 'ALTER TABLE parent DETACH PARTITION p',
    locks: [
      lock('target', AE),
      lock('partition', AE),
      lock('default_partition', since(11, null, AE)),
      lock('referencing_tables', since(12, null, AE), 'tables whose foreign keys reference the partitioned table lose the constraint rows of the partition'),
    ],
    rewrite: 'none',
    scan: 'none',
    brief: true,
    versionNotes: ['Tables referencing the partitioned table by foreign key are also checked for rows that point into the detached partition (a scan).'],
    saferAlternative: 'PostgreSQL 14+: DETACH PARTITION ... CONCURRENTLY (outside a transaction block, not with a DEFAULT partition).',
    sources: [SOURCES.alterTableDetachPartition],
    verify: [
      { setup: PARTITIONED, statement: 'ALTER TABLE pt DETACH PARTITION pt1', relations: { target: 'pt', partition: 'pt1', default_partition: 'ptd' }, minVersion: 11 },
      {
        setup: [
          'CREATE TABLE pk (id int PRIMARY KEY) PARTITION BY RANGE (id)',
          'CREATE TABLE pk1 PARTITION OF pk FOR VALUES FROM (0) TO (100)',
          'CREATE TABLE pk2 PARTITION OF pk FOR VALUES FROM (100) TO (200)',
          'INSERT INTO pk SELECT generate_series(0, 150)',
          'CREATE TABLE r (id int, pk_id int REFERENCES pk (id))',
          'INSERT INTO r SELECT g, g FROM generate_series(120, 130) g',
        ],
        statement: 'ALTER TABLE pk DETACH PARTITION pk1',
        relations: { target: 'pk', partition: 'pk1', referencing_tables: 'r', partitions: 'pk2' },
        minVersion: 12,
      },
    ],
  },
  {
    id: 'alter_table.detach_partition.concurrently',
    sql: 'ALTER TABLE parent DETACH PARTITION p CONCURRENTLY',
    locks: [lock('target', SUE), lock('partition', AE, 'SHARE UPDATE EXCLUSIVE in the first transaction, ACCESS EXCLUSIVE briefly in the second')],
    rewrite: 'none',
    scan: 'none',
    forbiddenInTransaction: true,
    brief: false,
    versionNotes: [
      'PostgreSQL 14+. Cannot run inside a transaction block, nor when the parent has a DEFAULT partition.',
      'Runs two transactions and waits for every transaction using the parent in between; if interrupted, finish with DETACH PARTITION ... FINALIZE.',
    ],
    sources: [SOURCES.alterTableDetachPartition, SOURCES.release('14')],
    verify: [
      {
        setup: PARTITIONED_NO_DEFAULT,
        statement: 'ALTER TABLE pt DETACH PARTITION pt1 CONCURRENTLY',
        relations: { target: 'pt', partition: 'pt1' },
        outsideTransaction: true,
        note: 'between its two transactions the statement holds no relation lock; the late blocker makes the second one wait',
        lateBlocker: ['BEGIN', 'SELECT count(*) FROM pt1'],
        minVersion: 14,
      },
    ],
  },
  {
    id: 'alter_table.merge_partitions',
    sql: 'ALTER TABLE parent MERGE PARTITIONS (p1, p2 [, ...]) INTO p (PostgreSQL 19)',
    locks: [lock('target', AE, 'held for the whole operation, the copy of the rows included'), lock('partition', AE, 'the merged partitions, dropped at the end')],
    rewrite: 'table_and_indexes',
    scan: 'none',
    scanOn: ['partition'],
    brief: false,
    versionNotes: ['PostgreSQL 19+. Creates the new partition, copies the rows of the merged ones into it and builds its indexes, all under ACCESS EXCLUSIVE on the parent.'],
    saferAlternative:
      'Keep the parent readable: create the new table, copy the rows in batches, then in one short transaction DETACH the old partitions (CONCURRENTLY outside a transaction block) and ATTACH the new one with a CHECK constraint that proves its bounds.',
    sources: [SOURCES.alterTableMergePartitions, SOURCES.partitionMaintenance],
    verify: [
      {
        setup: [...PARTITIONED_NO_DEFAULT, 'CREATE TABLE pt3 PARTITION OF pt FOR VALUES FROM (100) TO (200)'],
        statement: 'ALTER TABLE pt MERGE PARTITIONS (pt1, pt3) INTO pt13',
        relations: { target: 'pt', partition: ['pt1', 'pt3'] },
        minVersion: 19,
      },
    ],
  },
  {
    id: 'alter_table.split_partition',
    sql: 'ALTER TABLE parent SPLIT PARTITION p INTO (PARTITION p1 ..., PARTITION p2 ...) (PostgreSQL 19)',
    locks: [lock('target', AE, 'held for the whole operation, the routing of the rows included'), lock('partition', AE, 'the split partition, dropped at the end')],
    rewrite: 'table_and_indexes',
    scan: 'none',
    scanOn: ['partition'],
    brief: false,
    versionNotes: ['PostgreSQL 19+. Creates the new partitions, routes every row of the split one into them and builds their indexes, all under ACCESS EXCLUSIVE on the parent.'],
    saferAlternative:
      'Keep the parent readable: create the new tables, copy the rows in batches, then in one short transaction DETACH the old partition (CONCURRENTLY outside a transaction block) and ATTACH the new ones with CHECK constraints that prove their bounds.',
    sources: [SOURCES.alterTableSplitPartition, SOURCES.partitionMaintenance],
    verify: [
      {
        setup: PARTITIONED_NO_DEFAULT,
        statement: 'ALTER TABLE pt SPLIT PARTITION pt1 INTO (PARTITION pt1a FOR VALUES FROM (0) TO (50), PARTITION pt1b FOR VALUES FROM (50) TO (100))',
        relations: { target: 'pt', partition: 'pt1' },
        minVersion: 19,
      },
    ],
  },
];
