/**
 * Helpers for rules that read queries: FROM items, column references, CTE visibility,
 * structural expression equality and identifier quoting.
 */
import type { ColumnRef, Cte, Expr, FromItem, Join, Node, Range } from '@sqlwarden/core';
import { childNodes } from '@sqlwarden/core';

export type SourceItem = Exclude<FromItem, Join>;

/** The tables, derived tables and function sources of a FROM list, joins opened up, in source order. */
export function flattenFrom(items: readonly FromItem[], out: SourceItem[] = []): SourceItem[] {
  for (const item of items) {
    if (item.type === 'Join') flattenFrom([item.left, item.right], out);
    else out.push(item);
  }
  return out;
}

/** Every join of a FROM list, nested joins included. */
export function joinsOf(items: readonly FromItem[], out: Join[] = []): Join[] {
  for (const item of items) {
    if (item.type !== 'Join') continue;
    out.push(item);
    joinsOf([item.left, item.right], out);
  }
  return out;
}

/** The name a query uses for a FROM item: its alias, else a table's own name. */
export function exposedName(item: SourceItem): string | undefined {
  if (item.alias !== undefined) return item.alias;
  return item.type === 'TableRef' ? item.name : undefined;
}

/**
 * Column references of an expression, without those inside subqueries: a subquery's columns
 * belong to its own FROM list (correlated references aside), and rules judge it when they visit it.
 */
export function columnRefsOf(expr: Node, skip?: (node: Node) => boolean): ColumnRef[] {
  const found: ColumnRef[] = [];
  const visit = (node: Node): void => {
    if (skip?.(node)) return;
    if (node.type === 'ColumnRef') {
      found.push(node);
      return;
    }
    if (node.type === 'SubqueryExpr') {
      if (node.testExpr) visit(node.testExpr);
      return;
    }
    for (const child of childNodes(node)) visit(child);
  };
  visit(expr);
  return found;
}

/** Query-compiler functions that stand for a bound parameter: `sqlc.arg(name)`, `sqlc.narg(name)`, `sqlc.slice(name)`, `pggen.arg('Name')`. */
const PARAMETER_FUNCTIONS: Readonly<Record<string, ReadonlySet<string>>> = {
  sqlc: new Set(['arg', 'narg', 'slice']),
  pggen: new Set(['arg']),
};

/**
 * Whether an expression is a query parameter written in a query compiler's syntax, which the
 * parser reads as something else: `sqlc.arg(name)` as a function call, sqlc's `@name` as the
 * prefix operator `@` (absolute value) applied to a column `name` (`@name::text` to its cast). The compiler replaces both with
 * `$n` before the query reaches PostgreSQL. `@ name` with a blank stays the operator.
 */
export function isQueryParameter(node: Node, text: string): boolean {
  if (node.type === 'Param') return true;
  if (node.type === 'FuncCall') return node.schema !== undefined && (PARAMETER_FUNCTIONS[node.schema]?.has(node.name) ?? false);
  if (node.type === 'UnaryExpr' && node.operator === '@') {
    // `@name::text` parses as `@ (name::text)`: `::` binds tighter than a prefix operator.
    let operand: Node = node.operand;
    while (operand.type === 'Cast') operand = operand.expr;
    return operand.type === 'ColumnRef' && operand.table === undefined && text.charCodeAt(operand.range.start - 1) === 0x40; // `@` glued to the name
  }
  return false;
}

/** True when the expression contains a subquery anywhere. */
export function containsSubquery(expr: Node): boolean {
  if (expr.type === 'SubqueryExpr') return true;
  return childNodes(expr).some(containsSubquery);
}

/** A comparable form of a node: everything but positions and parser output. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shape);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (key === 'range' || key === 'raw' || key === 'parent') continue;
    // TypeRef.text keeps the spelling (`int` vs `integer`); the canonical name already compares.
    if (key === 'text' && (value as { type?: unknown }).type === 'TypeRef') continue;
    out[key] = shape(v);
  }
  return out;
}

/** Structural equality of two expressions as written, table qualifiers included. */
export function sameExpr(a: Expr, b: Expr): boolean {
  return JSON.stringify(shape(a)) === JSON.stringify(shape(b));
}

/**
 * CTEs visible from a node, innermost definition first for each name. `self` is the node being
 * visited, which `getAncestors()` does not include but whose own WITH list is in scope.
 */
export function visibleCtes(ancestors: readonly Node[], self?: Node): Map<string, Cte> {
  const chain = self ? [...ancestors, self] : [...ancestors];
  const ctes = new Map<string, Cte>();
  for (let i = chain.length - 1; i >= 0; i--) {
    const node = chain[i]!;
    if (!('with' in node) || !Array.isArray(node.with)) continue;
    for (const cte of node.with as Cte[]) if (!ctes.has(cte.name)) ctes.set(cte.name, cte);
  }
  return ctes;
}

/** Aggregates never use an index on their argument, so predicates over them are not index questions. */
const AGGREGATES = new Set([
  'count',
  'sum',
  'avg',
  'min',
  'max',
  'array_agg',
  'string_agg',
  'bool_and',
  'bool_or',
  'every',
  'bit_and',
  'bit_or',
  'bit_xor',
  'json_agg',
  'jsonb_agg',
  'json_object_agg',
  'jsonb_object_agg',
  'json_arrayagg',
  'json_objectagg',
  'xmlagg',
  'range_agg',
  'range_intersect_agg',
  'any_value',
  'stddev',
  'stddev_pop',
  'stddev_samp',
  'variance',
  'var_pop',
  'var_samp',
  'corr',
  'covar_pop',
  'covar_samp',
  'regr_avgx',
  'regr_avgy',
  'regr_count',
  'regr_intercept',
  'regr_r2',
  'regr_slope',
  'regr_sxx',
  'regr_sxy',
  'regr_syy',
  'percentile_cont',
  'percentile_disc',
  'mode',
  'rank',
  'dense_rank',
  'percent_rank',
  'cume_dist',
  'group_concat',
]);

export function isAggregateOrWindow(expr: Expr): boolean {
  if (expr.type !== 'FuncCall') return false;
  return expr.over || expr.star || expr.filter !== undefined || (!expr.schema && AGGREGATES.has(expr.name));
}

/** True when an aggregate or window call occurs in the expression (outside subqueries). */
export function containsAggregate(expr: Node): boolean {
  if (expr.type === 'SubqueryExpr') return false;
  if (expr.type === 'FuncCall' && isAggregateOrWindow(expr)) return true;
  return childNodes(expr).some(containsAggregate);
}

/**
 * PostgreSQL's reserved key words (those that cannot be column names unquoted), from the
 * "SQL Key Words" appendix. Quoting a word that did not need it is harmless; missing one is a
 * syntax error, so the list errs on the side of the reserved and "requires AS" columns.
 */
const RESERVED = new Set(
  (
    'all analyse analyze and any array as asc asymmetric authorization binary both case cast check collate collation ' +
    'column concurrently constraint create cross current_catalog current_date current_role current_schema current_time ' +
    'current_timestamp current_user default deferrable desc distinct do else end except false fetch for foreign freeze ' +
    'from full grant group having ilike in initially inner intersect into is isnull join lateral leading left like limit ' +
    'localtime localtimestamp natural not notnull null offset on only or order outer overlaps placing primary references ' +
    'returning right select session_user similar some symmetric system_user table tablesample then to trailing true union ' +
    'unique user using variadic verbose when where window with'
  ).split(' '),
);

/** An identifier as SQL text, double-quoted unless it is a plain lower-case name. */
export function quoteIdent(name: string): string {
  if (/^[a-z_][a-z0-9_$]*$/.test(name) && !RESERVED.has(name)) return name;
  return `"${name.replace(/"/g, '""')}"`;
}

const HEAD_PATTERNS = {
  update: /\bupdate\s+(?:only\s+)?$/i,
  delete: /\bdelete\s+from\s+(?:only\s+)?$/i,
  truncate: /\btruncate\s+(?:table\s+)?(?:only\s+)?$/i,
};

/**
 * The head of an UPDATE/DELETE/TRUNCATE (`UPDATE t`, `DELETE FROM t`), a short range to report on.
 * A statement's range may start at `WITH`, so look for the keywords right before the table name.
 */
export function statementHead(text: string, stmt: { range: Range; table: { range: Range } }, keyword: 'update' | 'delete' | 'truncate'): Range {
  const tableStart = stmt.table.range.start;
  const tableEnd = Math.max(stmt.table.range.end, tableStart);
  const before = text.slice(Math.max(0, tableStart - 200), tableStart);
  const pattern = HEAD_PATTERNS[keyword];
  const match = pattern.exec(before);
  if (match) return { start: tableStart - match[0].length, end: tableEnd };
  return { start: Math.min(stmt.range.start, tableStart), end: tableEnd };
}
