import type { Constraint, Expr } from '@sqlwarden/core';
import type { DeclaredColumnType } from '../_shared/column-types.ts';

/** `CHECK (col = 1)` (either way round) or `CHECK (col IN (1))`: the column holds one value, so the table one row. */
function pinsToOneValue(expr: Expr | undefined, column: string): boolean {
  if (!expr) return false;
  const isColumn = (e: Expr): boolean => e.type === 'ColumnRef' && e.table === undefined && e.column === column;
  const isConstant = (e: Expr): boolean => e.type === 'Literal' || (e.type === 'Cast' && e.expr.type === 'Literal');
  if (expr.type === 'Comparison' && expr.operator === '=') return (isColumn(expr.left) && isConstant(expr.right)) || (isColumn(expr.right) && isConstant(expr.left));
  if (expr.type === 'InList' && !expr.negated) return isColumn(expr.expr) && expr.list.length === 1 && isConstant(expr.list[0]!);
  if (expr.type === 'LogicalExpr' && expr.operator === 'AND') return expr.args.some((a) => pinsToOneValue(a, column));
  return false;
}

export function isSingletonColumn(constraints: readonly Pick<Constraint, 'kind' | 'expr'>[], column: string): boolean {
  return constraints.some((c) => c.kind === 'check' && pinsToOneValue(c.expr, column));
}

/**
 * A `serial`/`smallserial` declared in CREATE TABLE or ADD COLUMN that prefer-bigint-id reports as
 * a growing id: every one except in a temporary table or pinned to one row by its statement's
 * CHECK. prefer-identity proposes the bigint identity for these, so the two rules' edits agree.
 */
export function isGrowingSmallSerial(declared: DeclaredColumnType): boolean {
  if (declared.where === 'alter' || declared.type.arrayDimensions > 0) return false;
  if (!['serial', 'serial4', 'smallserial', 'serial2'].includes(declared.type.name)) return false;
  if (declared.statement.type === 'CreateTable' && declared.statement.temporary) return false;
  const constraints: Pick<Constraint, 'kind' | 'expr'>[] = [
    ...(declared.columnDef?.constraints ?? []),
    ...(declared.statement.type === 'CreateTable' ? declared.statement.constraints : declared.statement.actions.flatMap((a) => (a.action === 'add_constraint' && a.constraint ? [a.constraint] : []))),
  ];
  return !isSingletonColumn(constraints, declared.column);
}
