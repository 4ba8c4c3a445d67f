/**
 * The rule's verdict on whether ATTACH PARTITION scans the partition, checked against PostgreSQL
 * itself (PGlite, PostgreSQL 18 in WASM): with `client_min_messages = debug1` the server says
 * "partition constraint for table ... is implied by existing constraints" when it skips the scan
 * and "verifying table ..." when it scans. Every case runs both ways: with the partitioned table
 * from an earlier migration (key unknown to the rule) and created in the same file (key known).
 */
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initTesting, lintWithRule } from '@sqlwarden/core/testing';
import rule from './index.ts';

interface Case {
  name: string;
  parent: string;
  /** Statements that create and constrain the partition `p`. */
  partition: string[];
  bound: string;
}

const RANGE = 'CREATE TABLE pt (id int, k int, note text) PARTITION BY RANGE (k)';
const LIST = 'CREATE TABLE pt (id int, k text, note text) PARTITION BY LIST (k)';
const DATES = 'CREATE TABLE pt (id int, k date, note text) PARTITION BY RANGE (k)';

const CASES: Case[] = [
  { name: 'no constraint', parent: RANGE, partition: ['CREATE TABLE p (id int, k int, note text)'], bound: 'FROM (100) TO (200)' },
  { name: 'range CHECK without NOT NULL', parent: RANGE, partition: ['CREATE TABLE p (id int, k int, note text)', 'ALTER TABLE p ADD CHECK (k >= 100 AND k < 200)'], bound: 'FROM (100) TO (200)' },
  { name: 'range CHECK with IS NOT NULL', parent: RANGE, partition: ['CREATE TABLE p (id int, k int, note text)', 'ALTER TABLE p ADD CHECK (k IS NOT NULL AND k >= 100 AND k < 200)'], bound: 'FROM (100) TO (200)' },
  { name: 'NOT NULL column and range CHECK', parent: RANGE, partition: ['CREATE TABLE p (id int, k int NOT NULL, note text)', 'ALTER TABLE p ADD CHECK (k >= 100 AND k < 200)'], bound: 'FROM (100) TO (200)' },
  { name: 'two CHECKs', parent: RANGE, partition: ['CREATE TABLE p (id int, k int, note text)', 'ALTER TABLE p ADD CHECK (k IS NOT NULL), ADD CHECK (k >= 100 AND k < 200)'], bound: 'FROM (100) TO (200)' },
  { name: 'NOT VALID CHECK', parent: RANGE, partition: ['CREATE TABLE p (id int, k int, note text)', 'ALTER TABLE p ADD CONSTRAINT b CHECK (k IS NOT NULL AND k >= 100 AND k < 200) NOT VALID'], bound: 'FROM (100) TO (200)' },
  {
    name: 'validated NOT VALID CHECK',
    parent: RANGE,
    partition: ['CREATE TABLE p (id int, k int, note text)', 'ALTER TABLE p ADD CONSTRAINT b CHECK (k IS NOT NULL AND k >= 100 AND k < 200) NOT VALID', 'ALTER TABLE p VALIDATE CONSTRAINT b'],
    bound: 'FROM (100) TO (200)',
  },
  { name: 'narrower CHECK', parent: RANGE, partition: ['CREATE TABLE p (id int, k int NOT NULL, note text)', 'ALTER TABLE p ADD CHECK (k > 120 AND k <= 150)'], bound: 'FROM (100) TO (200)' },
  { name: 'wider CHECK', parent: RANGE, partition: ['CREATE TABLE p (id int, k int NOT NULL, note text)', 'ALTER TABLE p ADD CHECK (k >= 0 AND k < 500)'], bound: 'FROM (100) TO (200)' },
  { name: 'upper bound inclusive at the limit', parent: RANGE, partition: ['CREATE TABLE p (id int, k int NOT NULL, note text)', 'ALTER TABLE p ADD CHECK (k >= 100 AND k <= 200)'], bound: 'FROM (100) TO (200)' },
  { name: 'BETWEEN', parent: RANGE, partition: ['CREATE TABLE p (id int, k int NOT NULL, note text)', 'ALTER TABLE p ADD CHECK (k BETWEEN 100 AND 199)'], bound: 'FROM (100) TO (200)' },
  { name: 'MINVALUE', parent: RANGE, partition: ['CREATE TABLE p (id int, k int NOT NULL, note text)', 'ALTER TABLE p ADD CHECK (k < 200)'], bound: 'FROM (MINVALUE) TO (200)' },
  { name: 'CHECK on another column', parent: RANGE, partition: ['CREATE TABLE p (id int NOT NULL, k int, note text)', 'ALTER TABLE p ADD CHECK (id >= 100 AND id < 200)'], bound: 'FROM (100) TO (200)' },
  { name: 'dates', parent: DATES, partition: ['CREATE TABLE p (id int, k date NOT NULL, note text)', "ALTER TABLE p ADD CHECK (k >= '2024-01-01' AND k < '2024-02-01')"], bound: "FROM ('2024-01-01') TO ('2024-02-01')" },
  { name: 'dates, wider', parent: DATES, partition: ['CREATE TABLE p (id int, k date NOT NULL, note text)', "ALTER TABLE p ADD CHECK (k >= '2024-01-01' AND k < '2024-03-01')"], bound: "FROM ('2024-01-01') TO ('2024-02-01')" },
  { name: 'list with IS NOT NULL', parent: LIST, partition: ['CREATE TABLE p (id int, k text, note text)', "ALTER TABLE p ADD CHECK (k IS NOT NULL AND k IN ('a', 'b'))"], bound: "IN ('a', 'b', 'c')" },
  { name: 'list without IS NOT NULL', parent: LIST, partition: ['CREATE TABLE p (id int, k text, note text)', "ALTER TABLE p ADD CHECK (k = 'a')"], bound: "IN ('a')" },
  { name: 'list with a value outside', parent: LIST, partition: ['CREATE TABLE p (id int, k text NOT NULL, note text)', "ALTER TABLE p ADD CHECK (k IN ('a', 'z'))"], bound: "IN ('a', 'b')" },
  { name: 'list accepting NULL', parent: LIST, partition: ['CREATE TABLE p (id int, k text, note text)', "ALTER TABLE p ADD CHECK (k IN ('a'))"], bound: "IN ('a', NULL)" },
];

let db: PGlite;
let n = 0;

beforeAll(async () => {
  db = new PGlite();
  await db.waitReady;
  await initTesting();
});
afterAll(async () => {
  await db?.close();
});

/** What PostgreSQL does when the partition is attached: skip the scan ("implied") or scan it. */
async function postgresScans(c: Case): Promise<boolean> {
  const schema = `attach_${n++}`;
  const notices: string[] = [];
  await db.exec(`CREATE SCHEMA ${schema}; SET search_path = ${schema}; ${c.parent}; ${c.partition.join('; ')}; INSERT INTO p (id, k) SELECT 1, NULL WHERE false;`);
  await db.exec(`SET client_min_messages = debug1; BEGIN; ALTER TABLE pt ATTACH PARTITION p FOR VALUES ${c.bound}; ROLLBACK; RESET client_min_messages; SET search_path = public;`, {
    onNotice: (notice) => notices.push(notice.message ?? ''),
  });
  const implied = notices.some((m) => /partition constraint for table "p" is implied by existing constraints/.test(m));
  const verifying = notices.some((m) => /verifying table "p"/.test(m));
  expect(implied !== verifying, `PostgreSQL said: ${notices.join(' | ')}`).toBe(true);
  return verifying;
}

function ruleScans(messages: ReturnType<typeof lintWithRule>): boolean | 'unknown' {
  const own = messages.filter((m) => m.ruleId === rule.meta.id);
  expect(messages.filter((m) => m.ruleId === 'syntax-error' || m.ruleId === 'internal-error')).toEqual([]);
  return own.some((m) => m.message.startsWith('ATTACH PARTITION scans `p` '));
}

describe('no-blocking-attach-partition agrees with PostgreSQL on when ATTACH PARTITION scans', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const scans = await postgresScans(c);
      const attach = `ALTER TABLE pt ATTACH PARTITION p FOR VALUES ${c.bound};`;
      // The partitioned table comes from an earlier migration: the rule does not know its key.
      const earlier = lintWithRule(rule, { schema: `${c.parent};\n${c.partition.join(';\n')};`, code: attach, settings: { postgresVersion: 18 } });
      // The partitioned table is created in this file: the rule knows its key.
      const here = lintWithRule(rule, { schema: `${c.partition.join(';\n')};`, code: `${c.parent};\n${attach}`, settings: { postgresVersion: 18 } });
      expect(ruleScans(here), 'key known').toBe(scans);
      // Without the key a CHECK on some other column could be the one that matters; the rule then
      // tries every column, which can only make it miss a scan, never invent one.
      if (ruleScans(earlier)) expect(scans, 'key unknown').toBe(true);
      else if (c.name !== 'CHECK on another column') expect(scans, 'key unknown').toBe(false);
    });
  }
});
