/**
 * PostgreSQL type data for rules that reason about comparisons: which canonical types behave
 * alike, which (column type, value type) pairs make PostgreSQL cast the column or reject the
 * query, and the result types of the built-in functions a value side commonly uses.
 *
 * Sources (PostgreSQL 15 docs; the outcomes below were also checked with EXPLAIN on a real
 * PostgreSQL 15 server):
 * - typeconv-oper: operator type resolution. An operator with more exact-type matches wins; on a
 *   tie, the one taking the category's preferred type (text, float8, timestamptz) where a
 *   conversion is needed. https://www.postgresql.org/docs/current/typeconv-oper.html
 * - typeconv-union-case: common type of `IN (a, b, ...)` lists (select_common_type).
 * - btree-behavior / xindex: an operator is usable by a btree index only if it belongs to the
 *   index's operator family: integer_ops (int2/int4/int8 and their cross-type operators),
 *   numeric_ops, float_ops, bpchar_ops, text_ops, uuid_ops, datetime_ops (date, timestamp and
 *   timestamptz with cross-type operators). https://www.postgresql.org/docs/current/btree-behavior.html
 * - datatype-datetime: timestamp <-> timestamptz conversions use the session TimeZone.
 */

/** Canonical type names (pg_type.typname, as the model spells them) grouped by how they compare. */
export type TypeClass = 'integer' | 'numeric' | 'float' | 'bpchar' | 'varchar' | 'text' | 'uuid' | 'timestamp' | 'timestamptz' | 'date' | 'interval' | 'bool';

export const TYPE_CLASS: Readonly<Record<string, TypeClass>> = {
  int2: 'integer',
  int4: 'integer',
  int8: 'integer',
  numeric: 'numeric',
  float4: 'float',
  float8: 'float',
  bpchar: 'bpchar',
  varchar: 'varchar',
  text: 'text',
  uuid: 'uuid',
  timestamp: 'timestamp',
  timestamptz: 'timestamptz',
  date: 'date',
  interval: 'interval',
  bool: 'bool',
};

/** How PostgreSQL spells a type in messages such as "operator does not exist: integer = text" (format_type). */
export const TYPE_DISPLAY: Readonly<Record<string, string>> = {
  int2: 'smallint',
  int4: 'integer',
  int8: 'bigint',
  float4: 'real',
  float8: 'double precision',
  bpchar: 'character',
  varchar: 'character varying',
  timestamp: 'timestamp without time zone',
  timestamptz: 'timestamp with time zone',
  bool: 'boolean',
};

export function typeDisplay(name: string): string {
  return TYPE_DISPLAY[name] ?? name;
}

/**
 * - `column-cast`: the chosen operator takes another type on the column's side, so the column is
 *   converted for every row and a btree index on it (whose operator family has no operator for
 *   this pair) cannot serve the comparison.
 * - `error`: no operator exists for the pair; PostgreSQL rejects the query
 *   ("operator does not exist: uuid = text"). There has been no implicit cast from text to other
 *   types since PostgreSQL 8.3.
 * - `time-zone`: datetime_ops has a cross-type operator, so the index stays usable, but the
 *   comparison converts one side using the session TimeZone: the result depends on it.
 */
export type CastOutcome = 'column-cast' | 'error' | 'time-zone';

export interface TypeMismatch {
  column: TypeClass;
  value: readonly TypeClass[];
  outcome: CastOutcome;
  /** For `column-cast`: the type PostgreSQL converts the column to. */
  castTo?: string;
  /**
   * `col IN (v1, v2, ...)` with two or more values first converts the values to a common type,
   * starting from the column's type; when casts run both ways implicitly (bpchar <-> text), the
   * column's type stays and no column-side cast happens (typeconv-union-case, verified with EXPLAIN).
   */
  inListKeepsColumnType?: boolean;
}

const TEXT_VALUES: readonly TypeClass[] = ['text', 'varchar', 'bpchar'];

/** The table no-implicit-cast reads. Pairs not listed compare without a column-side cast. */
export const TYPE_MISMATCHES: readonly TypeMismatch[] = [
  // integer_ops has no operator taking numeric or float: `int_col = 1.5` runs as `int_col::numeric = 1.5`.
  { column: 'integer', value: ['numeric'], outcome: 'column-cast', castTo: 'numeric' },
  { column: 'integer', value: ['float'], outcome: 'column-cast', castTo: 'double precision' },
  // numeric -> float8 is implicit and float8 is the numeric category's preferred type.
  { column: 'numeric', value: ['float'], outcome: 'column-cast', castTo: 'double precision' },
  // bpchar = text resolves to text = text (text is preferred); bpchar = varchar stays bpchar = bpchar.
  { column: 'bpchar', value: ['text'], outcome: 'column-cast', castTo: 'text', inListKeepsColumnType: true },
  // Text-typed values never convert to these types implicitly.
  { column: 'integer', value: TEXT_VALUES, outcome: 'error' },
  { column: 'numeric', value: TEXT_VALUES, outcome: 'error' },
  { column: 'float', value: TEXT_VALUES, outcome: 'error' },
  { column: 'uuid', value: TEXT_VALUES, outcome: 'error' },
  { column: 'timestamp', value: TEXT_VALUES, outcome: 'error' },
  { column: 'timestamptz', value: TEXT_VALUES, outcome: 'error' },
  { column: 'date', value: TEXT_VALUES, outcome: 'error' },
  { column: 'bool', value: TEXT_VALUES, outcome: 'error' },
  // datetime_ops cross-type operators convert the zone-less side with the session TimeZone.
  { column: 'timestamp', value: ['timestamptz'], outcome: 'time-zone' },
  { column: 'timestamptz', value: ['timestamp', 'date'], outcome: 'time-zone' },
  { column: 'date', value: ['timestamptz'], outcome: 'time-zone' },
];

export function findMismatch(columnType: string, valueType: string): TypeMismatch | undefined {
  const column = TYPE_CLASS[columnType];
  const value = TYPE_CLASS[valueType];
  if (!column || !value) return undefined;
  return TYPE_MISMATCHES.find((m) => m.column === column && m.value.includes(value));
}

/**
 * Result types of built-in functions, for value sides such as `= lower($1)` or `> now()`.
 * - `type`: always returns that type.
 * - `type` + `textArg`: returns text only when the first argument is text-like or untyped;
 *   these names also have range or bytea variants (`lower(tsrange)`, `substr(bytea, ...)`).
 * - `sameAsArg`: returns the type of that argument when it is a timestamp type (date_trunc).
 * - `timezone`: `x AT TIME ZONE z` swaps timestamp and timestamptz.
 * - `firstTypedArg`: COALESCE / NULLIF / GREATEST / LEAST take their arguments' common type.
 * Volatility and signatures: PostgreSQL 15 pg_proc (functions-datetime, functions-string).
 */
export type FunctionReturn = { type: string; textArg?: true } | { sameAsArg: number } | { timezone: true } | { firstTypedArg: true };

const TIMESTAMPTZ: FunctionReturn = { type: 'timestamptz' };
const TEXT: FunctionReturn = { type: 'text' };
const TEXT_IF_TEXT_ARG: FunctionReturn = { type: 'text', textArg: true };

export const FUNCTION_RETURNS: Readonly<Record<string, FunctionReturn>> = {
  now: TIMESTAMPTZ,
  current_timestamp: TIMESTAMPTZ,
  transaction_timestamp: TIMESTAMPTZ,
  statement_timestamp: TIMESTAMPTZ,
  clock_timestamp: TIMESTAMPTZ,
  to_timestamp: TIMESTAMPTZ,
  localtimestamp: { type: 'timestamp' },
  current_date: { type: 'date' },
  date_trunc: { sameAsArg: 1 },
  timezone: { timezone: true },
  concat: TEXT,
  concat_ws: TEXT,
  format: TEXT,
  to_char: TEXT,
  md5: TEXT,
  initcap: TEXT,
  lpad: TEXT,
  rpad: TEXT,
  repeat: TEXT,
  replace: TEXT,
  translate: TEXT,
  left: TEXT,
  right: TEXT,
  reverse: TEXT,
  split_part: TEXT,
  regexp_replace: TEXT,
  quote_ident: TEXT,
  quote_literal: TEXT,
  chr: TEXT,
  lower: TEXT_IF_TEXT_ARG,
  upper: TEXT_IF_TEXT_ARG,
  substr: TEXT_IF_TEXT_ARG,
  substring: TEXT_IF_TEXT_ARG,
  btrim: TEXT_IF_TEXT_ARG,
  ltrim: TEXT_IF_TEXT_ARG,
  rtrim: TEXT_IF_TEXT_ARG,
  overlay: TEXT_IF_TEXT_ARG,
  gen_random_uuid: { type: 'uuid' },
  coalesce: { firstTypedArg: true },
  nullif: { firstTypedArg: true },
  greatest: { firstTypedArg: true },
  least: { firstTypedArg: true },
};

/** Text-like types: what the `||` operator and the text functions above accept as text. */
export const TEXT_LIKE: ReadonlySet<string> = new Set(['text', 'varchar', 'bpchar', 'name']);
