/**
 * `uuid_col::text = $1`: the cast that silences PostgreSQL's "operator does not exist" on the
 * wrong side. no-implicit-cast reports it and names the fix (cast the parameter); other rules
 * that would flag the same comparison for the cast on the column stay silent about it.
 */
import type { Cast, ColumnRef, Comparison, Expr, Literal, Param, RuleContext, TypeRef } from '@sqlwarden/core';
import { TEXT_LIKE } from './types.ts';

/** Column types for which `col::text = $1` is the tempting wrong fix of an "operator does not exist" error. */
const CAST_BACK_TYPES: ReadonlySet<string> = new Set(['uuid', 'int2', 'int4', 'int8']);

export interface ColumnSideTextCast {
  /** `col::text` as written. */
  cast: Cast;
  column: ColumnRef;
  /** The other operand: a parameter (possibly itself cast to text) or an untyped string literal. */
  value: Expr;
  /** The parameter or literal inside `value`. */
  param: Param | Literal;
  /** Canonical type names: the column's (`uuid`, `int4`...) and the cast's (`text`, `varchar`...). */
  columnType: string;
  castType: string;
  castOnLeft: boolean;
}

/** The canonical name of a plain built-in type; undefined for arrays and types of other schemas. */
export function plainType(type: TypeRef): string | undefined {
  if (type.arrayDimensions > 0 || (type.schema !== undefined && type.schema !== 'pg_catalog')) return undefined;
  return type.name;
}

export function columnSideTextCast(context: RuleContext<any>, node: Comparison): ColumnSideTextCast | undefined {
  return match(context, node.left, node.right, true) ?? match(context, node.right, node.left, false);
}

function match(context: RuleContext<any>, cast: Expr, value: Expr, castOnLeft: boolean): ColumnSideTextCast | undefined {
  if (cast.type !== 'Cast' || cast.expr.type !== 'ColumnRef') return undefined;
  const castType = plainType(cast.targetType);
  if (!castType || !TEXT_LIKE.has(castType)) return undefined;
  const param = value.type === 'Cast' && value.expr.type === 'Param' && TEXT_LIKE.has(plainType(value.targetType) ?? '') ? value.expr : value;
  if (param.type !== 'Param' && !(param.type === 'Literal' && param.kind === 'string')) return undefined;
  const resolved = context.resolveColumn(cast.expr);
  const columnType = resolved && plainType(resolved.column.type);
  if (!columnType || !CAST_BACK_TYPES.has(columnType)) return undefined;
  return { cast, column: cast.expr, value, param, columnType, castType, castOnLeft };
}
