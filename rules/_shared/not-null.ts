/**
 * Whether PostgreSQL can skip the full-table scan of SET NOT NULL (and of the implicit SET NOT
 * NULL that `ADD PRIMARY KEY` runs on nullable columns): since PostgreSQL 12 it skips it when a
 * valid CHECK constraint proves the column has no NULLs (ALTER TABLE, "SET/DROP NOT NULL").
 */
import type { CatalogTable, Expr } from '@sqlwarden/core';

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

/**
 * Whether making `column` NOT NULL scans the table on `version`: not when it is already NOT NULL
 * (or part of a primary key), nor on 12+ when a validated CHECK proves it. Undefined when the
 * catalog does not know the column.
 */
export function setNotNullScans(table: CatalogTable, column: string, version: number): boolean | undefined {
  const known = table.columns.find((c) => c.name === column);
  if (!known) return undefined;
  if (known.notNull) return false;
  if (table.constraints.some((c) => c.kind === 'primary_key' && c.columns.includes(column))) return false;
  if (version >= 12 && hasValidatedNotNullCheck(table, column)) return false;
  return true;
}
