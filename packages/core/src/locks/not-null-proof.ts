/**
 * Whether a CHECK constraint proves a column NOT NULL, so that PostgreSQL 12+ skips the scan of
 * SET NOT NULL (ALTER TABLE, "SET/DROP NOT NULL"). Used by the lock model and by the rules.
 */
import type { CatalogTable } from '../catalog/types.ts';
import type { Expr } from '../model/nodes.ts';

/**
 * True when `expr` proves `column IS NOT NULL`, in the forms PostgreSQL's predicate prover
 * accepts for SET NOT NULL (verified on 15 with client_min_messages = debug1): `col IS NOT NULL`,
 * `NOT (col IS NULL)`, and either as one conjunct of an AND; the column may be qualified with its
 * table's name.
 */
export function provesNotNull(expr: Expr, column: string, table: string): boolean {
  const isColumn = (e: Expr): boolean => e.type === 'ColumnRef' && e.column === column && (e.table === undefined || e.table === table);
  if (expr.type === 'NullTest') return expr.negated && isColumn(expr.expr);
  if (expr.type !== 'LogicalExpr') return false;
  if (expr.operator === 'NOT') {
    const inner = expr.args[0];
    return expr.args.length === 1 && inner?.type === 'NullTest' && !inner.negated && isColumn(inner.expr);
  }
  return expr.operator === 'AND' && expr.args.some((a) => provesNotNull(a, column, table));
}

/** A validated CHECK constraint of the table proves the column NOT NULL. */
export function hasValidatedNotNullCheck(table: CatalogTable, column: string): boolean {
  return table.constraints.some((c) => c.kind === 'check' && c.validated && c.expr !== undefined && provesNotNull(c.expr, column, table.name));
}

