import type { Expr } from './nodes.ts';

/**
 * A canonical text for an expression, used to match a predicate's expression against an
 * expression index (`lower(email)` in a query matches `CREATE INDEX ... (lower(email))`).
 * Table qualifiers are dropped because an index expression is always about its own table.
 */
export function expressionKey(expr: Expr): string {
  switch (expr.type) {
    case 'ColumnRef':
      return expr.column;
    case 'Literal':
      return expr.kind === 'string' ? `'${String(expr.value).replace(/'/g, "''")}'` : String(expr.value);
    case 'Param':
      return expr.style === 'positional' ? `$${expr.index}` : `:${expr.name ?? '?'}`;
    case 'FuncCall':
      return `${expr.schema ? `${expr.schema}.` : ''}${expr.name}(${expr.star ? '*' : expr.args.map(expressionKey).join(', ')})`;
    case 'Cast':
      return `(${expressionKey(expr.expr)})::${expr.targetType.name}${expr.targetType.arrayDimensions ? '[]' : ''}`;
    case 'BinaryExpr':
    case 'Comparison':
      return `(${expressionKey(expr.left)} ${expr.operator} ${expressionKey(expr.right)})`;
    case 'UnaryExpr':
      return `(${expr.operator} ${expressionKey(expr.operand)})`;
    case 'LogicalExpr':
      return `(${expr.args.map(expressionKey).join(` ${expr.operator} `)})`;
    case 'OtherExpr':
      // A collation does not change which index can serve the expression shape we match on.
      if (expr.kind === 'Collate' && expr.children[0]) return expressionKey(expr.children[0]);
      return `${expr.kind}(${expr.children.map(expressionKey).join(', ')})`;
    case 'Star':
      return `${expr.table ? `${expr.table}.` : ''}*`;
    default:
      return expr.type;
  }
}
