/*
 * Schemas the `verify` cases build before running their statement. Each case runs in a fresh
 * schema (search_path points at it), so the names are short and reused.
 */

/** `t`: 100 rows, a primary key and a secondary index `t_v`. Typed columns for ALTER COLUMN TYPE. */
export const TABLE_T = [
  'CREATE TABLE t (id int PRIMARY KEY, v varchar(10), n int, num numeric(10,2), ts timestamp(3), c text)',
  "INSERT INTO t SELECT g, g::text, g, g, timestamp '2024-01-01' + g * interval '1 hour', g::text FROM generate_series(1, 100) g",
  'CREATE INDEX t_v ON t (v)',
];

/** `p` (referenced, 100 rows) and `ch` (referencing column `pid`, 100 rows), not yet linked. */
export const PARENT_CHILD = [
  'CREATE TABLE p (id int PRIMARY KEY)',
  'INSERT INTO p SELECT generate_series(1, 100)',
  'CREATE TABLE ch (id int PRIMARY KEY, pid int)',
  'INSERT INTO ch SELECT g, g FROM generate_series(1, 100) g',
];

/** `p` and `ch` linked by `ch_pid_fkey`. */
export const LINKED = [...PARENT_CHILD, 'ALTER TABLE ch ADD CONSTRAINT ch_pid_fkey FOREIGN KEY (pid) REFERENCES p (id)'];

/** `pt` range-partitioned on k: `pt1` [0, 100) and the DEFAULT partition `ptd`; `pt2` is a standalone table for [100, 200). */
export const PARTITIONED = [
  'CREATE TABLE pt (id int, k int) PARTITION BY RANGE (k)',
  'CREATE TABLE pt1 PARTITION OF pt FOR VALUES FROM (0) TO (100)',
  'CREATE TABLE ptd PARTITION OF pt DEFAULT',
  'INSERT INTO pt SELECT g, g FROM generate_series(0, 99) g',
  "INSERT INTO pt SELECT g, g FROM generate_series(300, 309) g",
  'CREATE TABLE pt2 (id int, k int)',
  'INSERT INTO pt2 SELECT g, g FROM generate_series(100, 150) g',
];

/** Same as PARTITIONED without the DEFAULT partition. */
export const PARTITIONED_NO_DEFAULT = PARTITIONED.filter((s) => !s.includes('DEFAULT') && !s.includes('300'));

export const TRIGGER_FUNCTION = 'CREATE FUNCTION tf() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$';

/** `t` with a row trigger `tr`. */
export const TABLE_WITH_TRIGGER = [...TABLE_T, TRIGGER_FUNCTION, 'CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION tf()'];

/** Materialized view `mv` over `t`, with the unique index REFRESH ... CONCURRENTLY needs. */
export const MATERIALIZED_VIEW = [...TABLE_T, 'CREATE MATERIALIZED VIEW mv AS SELECT id, n FROM t', 'CREATE UNIQUE INDEX mv_id ON mv (id)'];
