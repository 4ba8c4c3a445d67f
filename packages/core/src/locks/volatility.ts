import type { Expr } from '../model/nodes.ts';
import { walk } from '../model/walk.ts';

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
]);

export type Volatility = 'none' | 'non_volatile' | 'volatile' | 'unknown';

/**
 * Whether evaluating the expression can give a different value per row: `volatile` if it calls
 * a known volatile function, `unknown` if it calls a function this list does not know (a
 * user-defined function is VOLATILE unless declared otherwise), `non_volatile` if every call is
 * known to be STABLE or IMMUTABLE, `none` for constants.
 */
export function expressionVolatility(expr: Expr): { volatility: Volatility; functions: string[] } {
  let volatility: Volatility = 'none';
  const functions: string[] = [];
  walk(expr, {
    enter(node) {
      if (node.type !== 'FuncCall') return;
      const name = node.name;
      functions.push(node.schema ? `${node.schema}.${name}` : name);
      const known = !node.schema || node.schema === 'pg_catalog' || node.schema === 'public';
      if (known && VOLATILE_FUNCTIONS.has(name)) volatility = 'volatile';
      else if (known && NON_VOLATILE_FUNCTIONS.has(name)) {
        if (volatility === 'none') volatility = 'non_volatile';
      } else if (volatility !== 'volatile') volatility = 'unknown';
    },
  });
  return { volatility, functions };
}
