import { childNodes, defineRule, excerpt } from '@sqlwarden/core';
import type { Between, ColumnRef, Comparison, Expr, InList, Node, ResolvedColumn, RuleContext, TypeRef } from '@sqlwarden/core';
import { columnSideTextCast, plainType } from '../_shared/column-side-cast.ts';
import { FUNCTION_RETURNS, TEXT_LIKE, TYPE_CLASS, findMismatch, typeDisplay, type TypeMismatch } from '../_shared/types.ts';

/** Headlines: the problem and the remedy, with short type names (`timestamp`, not `timestamp without time zone`). */
const MESSAGES = {
  columnCast: '`{{column}}` is cast to {{castTo}} on every row, so an index on it is unusable; compare with {{article}} {{columnShort}} value',
  error: 'Comparing `{{column}}` ({{columnShort}}) with {{valueShort}} fails: operator does not exist; cast the value to {{columnShort}}, not the column',
  timeZone: 'Comparing `{{column}}` ({{columnShort}}) with {{valueShort}} depends on the session TimeZone; compare with {{article}} {{columnShort}} value',
  columnSideCast: '`{{cast}}` cannot use an index on `{{column}}`; {{remedy}}: `{{betterShort}}`',
};

const DETAILS = {
  columnCast:
    '`{{column}}` is {{columnType}} but the value is {{valueType}}. PostgreSQL has no `{{signature}}` operator, so it casts the column to {{castTo}} on every row and compares {{castTo}} values: an index on `{{column}}`, which stores {{columnType}} values, cannot serve the comparison, and the table is scanned. Compare with {{article}} {{columnShort}} value instead: cast the value, not the column ({{parameterHint}}). {{driverHint}}',
  error:
    '`{{column}}` is {{columnType}} but the value is {{valueType}}: PostgreSQL rejects this with "operator does not exist: {{signature}}" (there has been no implicit cast from text to other types since PostgreSQL 8.3). Cast the value to {{columnShort}} (for a parameter, `$1::{{columnShort}}`), not the column: `{{column}}::text` would make the query run, but it converts the column on every row, so an index on `{{column}}` could not be used.',
  timeZone:
    '`{{column}}` is {{columnType}} but the value is {{valueType}}: date, timestamp and timestamptz share an operator family, so an index on `{{column}}` stays usable, but PostgreSQL converts between the zone-free and the zoned type with the session TimeZone, so which rows match depends on the connection\'s TimeZone setting (the same query returns different rows for a session in UTC and one in Europe/Paris). {{hint}}',
  columnSideCast:
    'Casting `{{column}}` ({{columnType}}) to {{castType}} makes PostgreSQL convert the column on every row, so an index on `{{column}}` cannot be used. The cast is the tempting fix of "operator does not exist: {{columnType}} = text"; {{remedyDetail}}: `{{better}}`.',
};

/** What to compare with instead, per column type, when the mix depends on the session TimeZone. */
const TIME_ZONE_HINTS: Record<string, string> = {
  timestamp: "Compare with a timestamp value in the zone the column stores (e.g. `now() AT TIME ZONE 'UTC'`), or store the column as timestamptz.",
  timestamptz: "Compare with a timestamptz value (e.g. `'2024-01-01 00:00+00'::timestamptz`, or `x AT TIME ZONE 'UTC'` for a timestamp x).",
  date: 'Compare with a date value (e.g. `current_date`, or `now()::date`).',
};

/** Type names as written in SQL, for headlines and casts: PostgreSQL's long spellings only where they are the usual ones. */
const SHORT_TYPE_NAMES: Readonly<Record<string, string>> = {
  timestamp: 'timestamp',
  timestamptz: 'timestamptz',
  varchar: 'varchar',
  bpchar: 'char',
};

/**
 * A value that can be long (a literal, a CAST(...)) cut for a headline to the length the engine
 * keeps there, so that the engine does not cut it again; excerpt keeps surrogate pairs whole.
 */
function headlineValue(text: string): string {
  return excerpt(text, 48, '...');
}

/** Where such values come from without anyone writing the cast, by the value's type. */
function driverHint(valueType: string): string {
  return TEXT_LIKE.has(valueType)
    ? 'A driver that types string parameters as text produces exactly this comparison.'
    : 'A JDBC BigDecimal parameter (numeric) or a floating-point one produces exactly this comparison.';
}

/** A suggestion title names the column while that stays within this length. */
const MAX_TITLE_LENGTH = 80;

/** Nodes whose expressions are not queries: CHECK constraints, defaults, index definitions, ALTER ... USING. */
const DDL_CONTEXTS: ReadonlySet<string> = new Set(['Constraint', 'ColumnDef', 'CreateIndex', 'IndexElement', 'AlterTableAction']);

const INT8_MAX = 9223372036854775807n;

function isUntyped(expr: Expr): boolean {
  return (expr.type === 'Literal' && expr.kind === 'string') || expr.type === 'Param';
}

function article(word: string): string {
  return /^[aeiou]/i.test(word) ? 'an' : 'a';
}

/** How a column's type reads in messages: `char(5)` rather than PostgreSQL's bare "character". */
function columnTypeText(type: TypeRef): string {
  if (type.name === 'bpchar') return `char(${type.modifiers[0] ?? 1})`;
  return typeDisplay(type.name);
}

/** A type's short SQL name: `timestamp`, `varchar`, `integer`. */
function shortType(name: string): string {
  return SHORT_TYPE_NAMES[name] ?? typeDisplay(name);
}

/** How to write a parameter of the column's type; `$1::char` would be char(1), which truncates. */
function parameterHint(type: TypeRef): string {
  if (type.name === 'bpchar') return 'for a parameter, leave it untyped (`$1`) or cast it to varchar, which PostgreSQL compares as char';
  return `for a parameter, \`$1::${shortType(type.name)}\``;
}

interface Finding {
  column: ColumnRef;
  resolved: ResolvedColumn;
  valueType: string;
  mismatch: TypeMismatch;
  /** The operands' types around the operator, in the order written: `text = uuid`. */
  signature: string;
}

export default defineRule({
  meta: {
    id: 'no-implicit-cast',
    description: 'Comparisons whose types make PostgreSQL cast the column (index unusable), reject the query, or depend on the session TimeZone.',
    docs: { url: 'https://github.com/sqlwarden/sqlwarden/blob/main/rules/no-implicit-cast/README.md', recommended: true },
    defaultSeverity: 'warn',
    category: 'performance',
    hasSuggestions: true,
    dialects: ['postgresql'],
  },
  create(context: RuleContext) {
    /** The canonical type of a value expression, when it can be told without guessing. */
    function typeOf(expr: Expr): string | undefined {
      switch (expr.type) {
        case 'Literal':
          if (expr.kind === 'boolean') return 'bool';
          if (expr.kind !== 'integer' && expr.kind !== 'numeric') return undefined;
          if (typeof expr.value !== 'string') return expr.kind === 'integer' ? 'int4' : 'numeric';
          // Literals beyond int4 arrive as text: int8 when they fit, numeric otherwise.
          if (expr.kind === 'numeric') return 'numeric';
          return integerLiteralType(expr.value);
        case 'Cast':
          return plainType(expr.targetType);
        case 'ColumnRef': {
          const resolved = context.resolveColumn(expr);
          return resolved ? plainType(resolved.column.type) : undefined;
        }
        case 'UnaryExpr':
          return expr.operator === '-' || expr.operator === '+' ? typeOf(expr.operand) : undefined;
        case 'OtherExpr':
          return expr.kind === 'Collate' && expr.children[0] ? typeOf(expr.children[0]) : undefined;
        case 'FuncCall':
          return functionType(expr.schema, expr.name, expr.args, expr.over);
        case 'BinaryExpr':
          return binaryType(expr.operator, expr.left, expr.right);
        default:
          return undefined;
      }
    }

    function isTextish(expr: Expr): boolean {
      if (isUntyped(expr)) return true;
      const t = typeOf(expr);
      return t !== undefined && TEXT_LIKE.has(t);
    }

    function functionType(schema: string | undefined, name: string, args: Expr[], over: boolean): string | undefined {
      if (schema !== undefined || over) return undefined;
      const rule = FUNCTION_RETURNS[name];
      if (!rule) return undefined;
      if ('type' in rule) {
        if (rule.textArg && !(args[0] && isTextish(args[0]))) return undefined;
        return rule.type;
      }
      if ('sameAsArg' in rule) {
        const arg = args[rule.sameAsArg];
        const t = arg && typeOf(arg);
        if (t === 'timestamp' || t === 'timestamptz' || t === 'interval') return t;
        return t === 'date' ? 'timestamptz' : undefined;
      }
      if ('timezone' in rule) {
        const t = args[1] && typeOf(args[1]);
        return t === 'timestamptz' ? 'timestamp' : t === 'timestamp' ? 'timestamptz' : undefined;
      }
      for (const arg of args) {
        const t = typeOf(arg);
        if (t !== undefined) return t;
      }
      return undefined;
    }

    function binaryType(operator: string, left: Expr, right: Expr): string | undefined {
      if (operator === '||') {
        // text || anynonarray is text; arrays, jsonb, bytea and tsvector have their own `||`.
        const sides = [left, right].map((e) => (isUntyped(e) ? 'untyped' : typeOf(e)));
        if (sides.some((s) => s === undefined || (s !== 'untyped' && !TEXT_LIKE.has(s) && !TYPE_CLASS[s]))) return undefined;
        return sides.some((s) => s === 'untyped' || TEXT_LIKE.has(s!)) ? 'text' : undefined;
      }
      if (operator !== '+' && operator !== '-') return undefined;
      const l = typeOf(left);
      const r = typeOf(right);
      if (r === 'interval' && (l === 'timestamptz' || l === 'timestamp')) return l;
      if (operator === '+' && l === 'interval' && (r === 'timestamptz' || r === 'timestamp')) return r;
      if (r === 'interval' && l === 'date') return 'timestamp';
      if (l === 'date' && (r === 'int4' || r === 'int2')) return 'date';
      return undefined;
    }

    function textOf(node: Expr): string {
      return context.getText(node);
    }

    function inDdl(): boolean {
      return context.getAncestors().some((a: Node) => DDL_CONTEXTS.has(a.type));
    }

    function check(columnSide: Expr, value: Expr, operator: string, columnOnLeft: boolean, inList = false): Finding | undefined {
      if (columnSide.type !== 'ColumnRef') return undefined;
      const resolved = context.resolveColumn(columnSide);
      if (!resolved) return undefined;
      const columnType = plainType(resolved.column.type);
      const valueType = typeOf(value);
      if (!columnType || !valueType) return undefined;
      const mismatch = findMismatch(columnType, valueType);
      if (!mismatch || (inList && mismatch.inListKeepsColumnType)) return undefined;
      const [l, r] = columnOnLeft ? [columnType, valueType] : [valueType, columnType];
      // IS [NOT] DISTINCT FROM looks up `=`; PostgreSQL spells `!=` as `<>`.
      const op = operator.includes('DISTINCT') ? '=' : operator === '!=' ? '<>' : operator;
      return { column: columnSide, resolved, valueType, mismatch, signature: `${typeDisplay(l)} ${op} ${typeDisplay(r)}` };
    }

    function report(node: { range: Comparison['range'] }, f: Finding): void {
      const columnType = columnTypeText(f.resolved.column.type);
      const columnShort = f.resolved.column.type.name === 'bpchar' ? columnType : shortType(f.resolved.column.type.name);
      const data = {
        column: textOf(f.column),
        columnType,
        columnShort,
        valueType: typeDisplay(f.valueType),
        valueShort: shortType(f.valueType),
        castTo: f.mismatch.castTo ?? '',
        article: article(columnShort),
        signature: f.signature,
        parameterHint: parameterHint(f.resolved.column.type),
        driverHint: driverHint(f.valueType),
        hint: TIME_ZONE_HINTS[f.resolved.column.type.name] ?? '',
      };
      const outcome = f.mismatch.outcome === 'column-cast' ? 'columnCast' : f.mismatch.outcome === 'error' ? 'error' : 'timeZone';
      // Only the missing operator makes PostgreSQL reject the statement; the others run (slowly, or zone-dependent).
      context.report({ node, message: MESSAGES[outcome], detail: DETAILS[outcome], data, ...(outcome === 'error' ? { fails: true } : {}) });
    }

    /** `uuid_col::text = $1`: the cast that silences "operator does not exist" on the wrong side. */
    function checkColumnSideCast(node: Comparison): boolean {
      const found = columnSideTextCast(context, node);
      if (!found) return false;
      const { cast, value, param, columnType, castType, castOnLeft } = found;
      const column = textOf(found.column);
      const sqlType = typeDisplay(columnType);
      const isParameter = param.type === 'Param';
      // An untyped literal is resolved as the column's type; a parameter needs the cast.
      const valueText = isParameter ? `${textOf(param)}::${sqlType}` : textOf(param);
      const better = castOnLeft ? `${column} ${node.operator} ${valueText}` : `${valueText} ${node.operator} ${column}`;
      const title = isParameter ? `Compare ${column} with the parameter cast to ${sqlType}` : `Compare ${column} itself with the literal`;
      context.report({
        node,
        message: MESSAGES.columnSideCast,
        detail: DETAILS.columnSideCast,
        data: {
          cast: headlineValue(textOf(cast)),
          column,
          columnType: typeDisplay(columnType),
          castType: typeDisplay(castType),
          better,
          betterShort: headlineValue(better),
          remedy: isParameter ? 'cast the parameter instead' : 'compare the column itself',
          remedyDetail: isParameter ? `cast the parameter to ${sqlType} instead` : `compare the column itself with the literal, which PostgreSQL reads as ${sqlType}`,
        },
        suggestions: [
          {
            desc: title.length <= MAX_TITLE_LENGTH ? title : isParameter ? `Cast the parameter to ${sqlType} instead of the column` : 'Compare the column itself with the literal',
            fix: (fixer) => [fixer.replaceText(cast, column), fixer.replaceText(value, valueText)],
          },
        ],
      });
      return true;
    }

    return {
      Comparison(node: Comparison) {
        if (inDdl()) return;
        if (checkColumnSideCast(node)) return;
        const found = check(node.left, node.right, node.operator, true) ?? check(node.right, node.left, node.operator, false);
        if (found) report(node, found);
      },
      InList(node: InList) {
        if (inDdl()) return;
        // Values without column references are converted to one common type first when there
        // are two or more of them; the rest are compared one by one with `=`.
        const constants = new Set(node.list.filter((e) => !containsColumn(e)));
        const arrayPath = constants.size >= 2;
        for (const value of node.list) {
          const found = check(node.expr, value, '=', true, arrayPath && constants.has(value));
          if (found) return report(node, found);
        }
      },
      Between(node: Between) {
        if (inDdl()) return;
        const found = check(node.expr, node.low, '>=', true) ?? check(node.expr, node.high, '<=', true);
        if (found) report(node, found);
      },
    };
  },
});

/** The type PostgreSQL gives an integer literal written as text, or undefined when it is not one. */
function integerLiteralType(text: string): 'int8' | 'numeric' | undefined {
  const match = /^([-+]?)(0[xX][\da-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|\d[\d_]*)$/.exec(text);
  if (!match) return undefined;
  try {
    const magnitude = BigInt(match[2]!.replace(/_/g, ''));
    const value = match[1] === '-' ? -magnitude : magnitude;
    return value <= INT8_MAX && value >= -INT8_MAX - 1n ? 'int8' : 'numeric';
  } catch {
    return undefined;
  }
}

function containsColumn(node: Node): boolean {
  if (node.type === 'ColumnRef') return true;
  if (node.type === 'SubqueryExpr') return false;
  return childNodes(node).some(containsColumn);
}
