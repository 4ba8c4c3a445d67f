import type { Expr } from '../model/nodes.ts';
import { walk } from '../model/walk.ts';
import { NON_VOLATILE_BUILTINS } from './builtin-functions.ts';

/**
 * Built-in functions marked VOLATILE in pg_proc (`provolatile = 'v'`) that appear in column
 * defaults. A volatile default must be evaluated per row, so ADD COLUMN rewrites the table
 * (ALTER TABLE Notes: "Adding a column with a volatile DEFAULT ... will require the entire
 * table and its indexes to be rewritten"). Checked against `pg_proc` by the verification suite.
 */
export const VOLATILE_FUNCTIONS: ReadonlySet<string> = new Set([
  'clock_timestamp',
  'timeofday',
  'random',
  'random_normal',
  'setseed',
  'gen_random_uuid',
  'uuidv4',
  'uuidv7',
  'uuid_generate_v1',
  'uuid_generate_v1mc',
  'uuid_generate_v4',
  'nextval',
  'setval',
  'currval',
  'lastval',
  'gen_random_bytes',
  'gen_salt',
  'set_config',
  'pg_sleep',
]);

/**
 * Built-in functions that are STABLE or IMMUTABLE and common in defaults: evaluated once by
 * ADD COLUMN ... DEFAULT and stored as the missing value (PostgreSQL 11+). `now()` and
 * `current_timestamp` are STABLE: every existing row gets the same timestamp.
 */
export const NON_VOLATILE_FUNCTIONS: ReadonlySet<string> = new Set([
  'now',
  'current_timestamp',
  'current_date',
  'current_time',
  'localtime',
  'localtimestamp',
  'transaction_timestamp',
  'statement_timestamp',
  'current_user',
  'current_role',
  'session_user',
  'user',
  'current_schema',
  'current_catalog',
  'current_setting',
  'lower',
  'upper',
  'coalesce',
  'nullif',
  'greatest',
  'least',
  'concat',
  'length',
  'abs',
  'round',
  'to_timestamp',
  'to_char',
  'to_date',
  'date_trunc',
  'make_date',
  'make_interval',
  'jsonb_build_object',
  'json_build_object',
  'jsonb_build_array',
  'json_build_array',
  'array_fill',
  'md5',
  // Every other pg_catalog function whose overloads are all STABLE or IMMUTABLE (PostgreSQL 15).
  ...NON_VOLATILE_BUILTINS,
]);

export type Volatility = 'none' | 'non_volatile' | 'volatile' | 'unknown';

/**
 * Whether evaluating the expression can give a different value per row: `volatile` if it calls
 * a known volatile function (extension functions such as uuid_generate_v4 match in any schema),
 * `unknown` if it calls a function this list does not know (a user-defined function is VOLATILE
 * unless declared otherwise), `non_volatile` if every call is a known STABLE or IMMUTABLE
 * built-in, `none` for constants. `volatileFunction` / `unknownFunction` name the first such call.
 */
export function expressionVolatility(expr: Expr): { volatility: Volatility; functions: string[]; volatileFunction?: string; unknownFunction?: string } {
  const functions: string[] = [];
  let volatileFunction: string | undefined;
  let unknownFunction: string | undefined;
  walk(expr, {
    enter(node) {
      if (node.type !== 'FuncCall') return;
      const name = node.schema ? `${node.schema}.${node.name}` : node.name;
      functions.push(name);
      const builtin = !node.schema || node.schema === 'pg_catalog';
      if (VOLATILE_FUNCTIONS.has(node.name)) volatileFunction ??= name;
      else if (!(builtin && NON_VOLATILE_FUNCTIONS.has(node.name))) unknownFunction ??= name;
    },
  });
  const volatility: Volatility = volatileFunction ? 'volatile' : unknownFunction ? 'unknown' : functions.length ? 'non_volatile' : 'none';
  return { volatility, functions, ...(volatileFunction ? { volatileFunction } : {}), ...(unknownFunction ? { unknownFunction } : {}) };
}
