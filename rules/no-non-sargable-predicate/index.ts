import { defineRule, excerpt, expressionKey } from '@sqlwarden/core';
import type { CatalogTable, ColumnRef, Comparison, Delete, Expr, FromItem, InList, LikeExpr, Node, Between, RuleContext, Select, Update } from '@sqlwarden/core';
import { columnRefsOf, containsAggregate, containsSubquery, exposedName, flattenFrom, isQueryParameter, joinsOf, quoteIdent, visibleCtes, type SourceItem } from '../_shared/query.ts';
import { columnSideTextCast } from '../_shared/column-side-cast.ts';
import { bound, flip, rangePredicate, truncationOf, type RangeOperator } from './date-range.ts';

type Query = Select | Update | Delete;
type Predicate = Comparison | Between | InList | LikeExpr;

/** Where a predicate sits: which query it filters, through which clause, and how it is nested. */
interface Position {
  query: Query;
  clause: 'where' | 'having' | 'on';
  /** Whether every logical operator between the clause and the predicate is AND (a top-level conjunct). */
  conjunct: boolean;
  /** The logical operator the predicate is a direct operand of. */
  parentOperator: 'AND' | 'OR' | 'NOT' | undefined;
}

const RANGE_OPERATORS = new Set(['=', '<', '<=', '>', '>=']);
/** Statement types that, in a migration, run once when the migration runs (CREATE TABLE covers CREATE TABLE AS). */
const ONE_OFF_STATEMENTS: ReadonlySet<string> = new Set(['Select', 'Insert', 'Update', 'Delete', 'CreateTable']);
const DATETIME_TYPES = new Set(['date', 'timestamp', 'timestamptz']);
/** Casts within each group are relabelings (binary-coercible): an index on the column still serves the comparison. */
const TEXT_LIKE = new Set(['text', 'varchar']);
const OID_LIKE = new Set(['oid', 'regclass', 'regtype', 'regproc', 'regprocedure', 'regoper', 'regoperator', 'regnamespace', 'regrole', 'regconfig', 'regdictionary', 'regcollation']);
/** Suggestion titles longer than this say what the rewrite does instead of showing it. */
const MAX_TITLE_LENGTH = 80;
/** Type names that, called like a function (`date(ts)`), are casts to that type. */
const CAST_FUNCTIONS = new Set(['date', 'text', 'timestamp', 'timestamptz', 'int4', 'int8', 'numeric']);

/**
 * An expression for a headline, cut here to the length the engine keeps of a value there (so it is
 * not cut again); details show more of it.
 */
function shorten(text: string): string {
  return excerpt(text, 48, '...');
}

function shortenForDetail(text: string): string {
  return excerpt(text, 120, '...');
}

const WRAPPED_MESSAGE = '`{{expression}}` cannot use an index on `{{column}}`; {{instead}}, or index the expression';
const WRAPPED_DETAIL =
  '`{{detailExpression}}` {{what}}, so a plain index on `{{column}}` cannot serve this condition: the index stores the values of `{{column}}`, not of the expression, so every candidate row is fetched and the expression computed. {{insteadDetail}} instead, or create an expression index on `({{detailExpression}})`, which PostgreSQL uses when the condition contains exactly that expression.';

const LIKE_MESSAGE = '`{{operator}}` with a leading wildcard cannot use a B-tree index on `{{operand}}`; use a pg_trgm GIN index or full-text search';
const LIKE_DETAIL =
  'A B-tree index serves `{{operator}}` only for a pattern anchored at the start (`\'abc%\'`), and in a non-C locale only with a text_pattern_ops or varchar_pattern_ops index; a pattern that starts with `%` or `_` can match anywhere, so no range of the index can be scanned and every row is read. The pg_trgm extension\'s GIN and GiST operator classes support index searches for LIKE and ILIKE wherever the wildcards are: `CREATE EXTENSION IF NOT EXISTS pg_trgm` and an index {{trigramIndex}}. Full-text search is the alternative for matching words.';

const NEGATION_MESSAGE = 'Only negations like `{{expression}}` filter `{{table}}`, forcing a full scan; use `IN (...)` or a partial index';
const NEGATION_DETAIL =
  'Every condition on `{{table}}` here is a negation like `{{detailExpression}}`. `<>` is not a B-tree search operator and `NOT IN (...)` is a chain of `<>`, so the planner has nothing to search an index for and scans the whole table. If few rows match, test for the values you want (`IN (...)`), or create a partial index `WHERE {{detailExpression}}`, which serves this condition.';

function unwrapCollate(expr: Expr): Expr {
  return expr.type === 'OtherExpr' && expr.kind === 'Collate' && expr.children[0] ? unwrapCollate(expr.children[0]) : expr;
}

/** Expression shapes that hide a column from an index on it. */
function isWrapper(expr: Expr): boolean {
  switch (expr.type) {
    case 'FuncCall':
    case 'Cast':
    case 'BinaryExpr':
    case 'UnaryExpr':
      return true;
    case 'OtherExpr':
      return expr.kind === 'Case' || expr.kind === 'Indirection';
    default:
      return false;
  }
}

/** Keys an expression index could be stored under: `date(ts)` and `ts::date` are the same cast. */
function indexKeys(expr: Expr): string[] {
  const keys = [expressionKey(expr)];
  if (expr.type === 'Cast' && expr.targetType.arrayDimensions === 0 && CAST_FUNCTIONS.has(expr.targetType.name)) {
    keys.push(`${expr.targetType.name}(${expressionKey(expr.expr)})`);
  }
  if (expr.type === 'FuncCall' && !expr.schema && expr.args.length === 1 && CAST_FUNCTIONS.has(expr.name)) {
    keys.push(`(${expressionKey(expr.args[0]!)})::${expr.name}`);
  }
  return keys;
}

/** The leading literal of a LIKE pattern: the literal itself, or the first operand of `||` / concat(). */
function leadingLiteral(pattern: Expr): string | undefined {
  if (pattern.type === 'Literal' && pattern.kind === 'string') return String(pattern.value);
  if (pattern.type === 'BinaryExpr' && pattern.operator === '||') return leadingLiteral(pattern.left);
  if (pattern.type === 'FuncCall' && pattern.name === 'concat' && pattern.args[0]) return leadingLiteral(pattern.args[0]);
  if (pattern.type === 'OtherExpr' && pattern.kind === 'Collate' && pattern.children[0]) return leadingLiteral(pattern.children[0]);
  return undefined;
}

function isNegation(expr: Expr): boolean {
  switch (expr.type) {
    case 'Comparison':
      return expr.operator === '<>' || expr.operator === '!=' || expr.operator === 'IS DISTINCT FROM';
    case 'InList':
    case 'Between':
      return expr.negated;
    case 'LikeExpr':
      return expr.negated;
    case 'LogicalExpr':
      return expr.operator === 'NOT';
    default:
      return false;
  }
}

function conjuncts(expr: Expr | undefined, out: Expr[] = []): Expr[] {
  if (!expr) return out;
  if (expr.type === 'LogicalExpr' && expr.operator === 'AND') for (const a of expr.args) conjuncts(a, out);
  else out.push(expr);
  return out;
}

/** System catalogs and the information schema: nobody can add an index to them, and they are small. */
const CATALOG_SCHEMAS = new Set(['pg_catalog', 'information_schema']);

/** Output column names of a CTE's or subquery's query, when its select list names them all. */
function outputNames(query: Node, raw: unknown): Set<string> | undefined {
  // `WITH t(a, b) AS` / `(...) AS s(a, b)` rename the columns; not worth following.
  const body = raw && typeof raw === 'object' ? Object.values(raw as Record<string, unknown>)[0] : undefined;
  if (body && typeof body === 'object' && ('aliascolnames' in body || ((body as { alias?: { colnames?: unknown } }).alias?.colnames !== undefined))) return undefined;
  let select: Node = query;
  while (select.type === 'Select' && select.setOperation) select = select.setOperation.left;
  if (select.type !== 'Select' || select.values) return undefined;
  const names = new Set<string>();
  for (const item of select.columns) {
    if (item.alias !== undefined) names.add(item.alias);
    else if (item.expr.type === 'ColumnRef') names.add(item.expr.column);
    else if (item.expr.type === 'FuncCall') names.add(item.expr.name);
    else if (item.expr.type === 'Star') return undefined;
  }
  return names;
}

function fromOf(query: Query): FromItem[] {
  if (query.type === 'Select') return query.from;
  return query.type === 'Update' ? [query.table, ...query.from] : [query.table, ...query.using];
}

export default defineRule({
  meta: {
    id: 'no-non-sargable-predicate',
    description: 'Disallow predicates that hide a column from its index: functions, casts or arithmetic on the column, leading-wildcard LIKE, and lone negations.',
    docs: { url: 'https://github.com/sqlwarden/sqlwarden/blob/main/rules/no-non-sargable-predicate/README.md', recommended: true },
    defaultSeverity: 'warn',
    category: 'performance',
    hasSuggestions: true,
  },
  create(context: RuleContext) {
    const text = context.file.text;
    const src = (node: Node): string => text.slice(node.range.start, node.range.end);

    /**
     * A data change or query a migration runs itself (a backfill, a one-off cleanup) runs once,
     * scanning as it must: an index for its predicate would be built for nothing. Views and
     * materialized views keep running after the migration, so they are still checked.
     */
    const runsOnce = (): boolean => context.file.isMigration && ONE_OFF_STATEMENTS.has(context.statement.node?.type ?? '');

    /** The clause a predicate belongs to, when it is WHERE / HAVING / JOIN ON reached only through AND/OR/NOT. */
    const positionOf = (node: Predicate): Position | undefined => {
      if (runsOnce()) return undefined;
      const ancestors = context.getAncestors();
      let child: Node = node;
      let conjunct = true;
      let i = ancestors.length - 1;
      const direct = ancestors[i];
      const parentOperator = direct?.type === 'LogicalExpr' ? direct.operator : undefined;
      while (i >= 0 && ancestors[i]!.type === 'LogicalExpr') {
        const logical = ancestors[i]!;
        if (logical.type === 'LogicalExpr' && logical.operator !== 'AND') conjunct = false;
        child = logical;
        i--;
      }
      const owner = ancestors[i];
      if (!owner) return undefined;
      const root = child as Expr;
      if ((owner.type === 'Select' || owner.type === 'Update' || owner.type === 'Delete') && owner.where === root) {
        return { query: owner, clause: 'where', conjunct, parentOperator };
      }
      if (owner.type === 'Select' && owner.having === root) return { query: owner, clause: 'having', conjunct, parentOperator };
      if (owner.type === 'Join' && owner.on === root) {
        for (let j = i - 1; j >= 0; j--) {
          const q = ancestors[j]!;
          if (q.type === 'Select' || q.type === 'Update' || q.type === 'Delete') return { query: q, clause: 'on', conjunct, parentOperator };
        }
      }
      return undefined;
    };

    const isCte = (item: SourceItem): boolean => item.type === 'TableRef' && item.schema === undefined && visibleCtes(context.getAncestors()).has(item.name);

    /** A system catalog or information schema relation (`pg_class`, `pg_catalog.pg_proc`, `information_schema.tables`). */
    const isCatalogRelation = (item: SourceItem | undefined): boolean => {
      if (!item || item.type !== 'TableRef') return false;
      if (item.schema !== undefined) return CATALOG_SCHEMAS.has(item.schema);
      return item.name.startsWith('pg_') && !isCte(item) && context.resolveTable(item) === undefined;
    };

    /** Column names a CTE or derived table visibly outputs. */
    const namesOf = (item: SourceItem): Set<string> | undefined => {
      if (item.type === 'DerivedTable') return outputNames(item.query, item.raw);
      if (item.type !== 'TableRef' || item.schema !== undefined) return undefined;
      const cte = visibleCtes(context.getAncestors()).get(item.name);
      return cte ? outputNames(cte.query, cte.raw) : undefined;
    };

    /** Column references that are not parameters in disguise (`sqlc.arg(x)`, `@x`). */
    const refsOf = (expr: Node): ColumnRef[] => columnRefsOf(expr, (node) => isQueryParameter(node, text));

    const tableOf = (item: SourceItem | undefined): CatalogTable | undefined => {
      if (!item || item.type !== 'TableRef' || isCte(item)) return undefined;
      return context.resolveTable(item);
    };

    /**
     * The FROM item a column belongs to, searching the enclosing queries innermost first.
     * Undefined when that cannot be told (unknown tables with an unqualified name, ambiguity).
     */
    const itemOf = (ref: ColumnRef): SourceItem | undefined => {
      for (const scope of context.getScopes()) {
        const items = flattenFrom(scope);
        if (ref.table !== undefined) {
          const match = items.find((item) => exposedName(item) === ref.table && (ref.schema === undefined || (item.type === 'TableRef' && item.schema === ref.schema)));
          if (match) return match;
          continue;
        }
        const having: SourceItem[] = [];
        const unsure: SourceItem[] = [];
        for (const item of items) {
          const table = tableOf(item);
          if (table) {
            if (context.catalog.getColumn(table, ref.column)) having.push(item);
            else if (!table.columnsKnown) unsure.push(item);
            continue;
          }
          // A CTE or subquery that names its output columns has the column or does not.
          const names = item.type === 'FunctionSource' ? undefined : namesOf(item);
          if (names?.has(ref.column)) having.push(item);
          else if (!names) unsure.push(item);
        }
        if (having.length === 1 && unsure.length === 0) return having[0];
        if (having.length === 0 && unsure.length === 0) continue;
        // An unqualified name in two FROM items is an error, so a CTE or subquery that outputs it is the one.
        if (having.length === 1 && having[0]!.type !== 'TableRef') return having[0];
        if (having.length === 1 && isCte(having[0]!)) return having[0];
        // Every other item is known not to have it: the one we cannot see into does.
        if (having.length === 0 && unsure.length === 1) return unsure[0];
        return items.length === 1 ? items[0] : undefined;
      }
      return undefined;
    };

    const columnType = (ref: ColumnRef): string | undefined => {
      const resolved = context.resolveColumn(ref) ?? (() => {
        const table = tableOf(itemOf(ref));
        const column = table && context.catalog.getColumn(table, ref.column);
        return table && column ? { table, column } : undefined;
      })();
      return resolved && resolved.column.type.arrayDimensions === 0 ? resolved.column.type.name : undefined;
    };

    /**
     * `varchar_col::text`, `ts::timestamptz` on a timestamptz column: the index still applies.
     * With the column's type unknown, a cast to text/varchar or an oid alias type is given the
     * benefit of the doubt: it is a mere relabeling for varchar (or oid) columns, and pg_dump
     * writes `(col)::text` on every varchar column a view compares.
     */
    const isNoOpCast = (expr: Expr): boolean => {
      // `::varchar(5)` truncates: a length coercion is a real function call.
      if (expr.type !== 'Cast' || expr.expr.type !== 'ColumnRef' || expr.targetType.arrayDimensions > 0 || expr.targetType.modifiers.length > 0) return false;
      const target = expr.targetType.name;
      const type = columnType(expr.expr);
      if (!type) return TEXT_LIKE.has(target) || OID_LIKE.has(target);
      return type === target || (TEXT_LIKE.has(type) && TEXT_LIKE.has(target)) || (OID_LIKE.has(type) && OID_LIKE.has(target));
    };

    const hasExpressionIndex = (wrapped: Expr, ref: ColumnRef): boolean => {
      const table = context.resolveColumn(ref)?.table ?? tableOf(itemOf(ref));
      if (!table) return false;
      const keys = indexKeys(unwrapCollate(wrapped));
      return table.indexes.some((index) => index.elements.some((e) => e.expressionKey !== undefined && keys.includes(e.expressionKey)));
    };

    /**
     * The wrapped column of one side of a comparison, when that side hides exactly one column
     * behind a function, cast or arithmetic and the other side does not read the same FROM item
     * (a constant, a parameter, an outer or other table's column).
     */
    const wrappedColumn = (side: Expr, others: Expr[]): ColumnRef | undefined => {
      const inner = unwrapCollate(side);
      if (!isWrapper(inner) || containsAggregate(inner) || containsSubquery(inner)) return undefined;
      const refs = refsOf(inner);
      if (refs.length !== 1) return undefined;
      const ref = refs[0]!;
      if (isNoOpCast(inner)) return undefined;
      const item = itemOf(ref);
      // Only a table's column can have an index to lose; a CTE, subquery or function column is
      // computed (or already covered where that query reads its own tables). System catalogs
      // take no user indexes.
      if (item && (item.type !== 'TableRef' || isCte(item) || isCatalogRelation(item))) return undefined;
      const otherRefs = others.flatMap((o) => refsOf(o));
      if (otherRefs.length > 0) {
        // Both sides read the same row (or we cannot tell): no index lookup could serve it anyway.
        if (!item) return undefined;
        for (const r of otherRefs) {
          const other = itemOf(r);
          if (other === undefined || other === item) return undefined;
        }
      }
      if (hasExpressionIndex(inner, ref)) return undefined;
      return ref;
    };

    /** The headline and detail of a wrapped column, with what to do instead for its kind of wrapper. */
    const describeWrapper = (side: Expr, ref: ColumnRef): { message: string; detail: string; data: Record<string, string> } => {
      const inner = unwrapCollate(side);
      const col = src(ref);
      const truncation = truncationOf(inner);
      const instead = truncation
        ? 'compare a range on the bare column'
        : inner.type === 'Cast'
          ? "cast the other side to the column's type"
          : inner.type === 'BinaryExpr' || inner.type === 'UnaryExpr'
            ? 'move the computation to the other side'
            : 'compare the bare column';
      let what: string;
      if (inner.type === 'FuncCall') what = `applies \`${inner.name}()\` to \`${col}\``;
      else if (inner.type === 'Cast') what = `casts \`${col}\` to \`${inner.targetType.name}\``;
      else if (inner.type === 'BinaryExpr' || inner.type === 'UnaryExpr') what = `computes on \`${col}\``;
      else what = `is an expression over \`${col}\``;
      return {
        message: WRAPPED_MESSAGE,
        detail: WRAPPED_DETAIL,
        data: { expression: shorten(src(side)), detailExpression: shortenForDetail(src(side)), column: col, what, instead, insteadDetail: instead.charAt(0).toUpperCase() + instead.slice(1) },
      };
    };

    /** The half-open range rewrite of a truncated timestamp comparison, as a suggestion. */
    const dateSuggestion = (node: Comparison | Between, side: Expr, position: Position): { desc: string; fix: { range: [number, number]; text: string } } | undefined => {
      const t = truncationOf(unwrapCollate(side));
      if (!t) return undefined;
      const type = columnType(t.column);
      if (type !== undefined && !DATETIME_TYPES.has(type)) return undefined;
      const col = src(t.column);
      const ctx = { text: (e: Expr) => src(e), columnType: type, valueAppearsFirst: false };
      let rewritten: string | undefined;
      if (node.type === 'Between') {
        const low = bound(t, node.low, ctx);
        const high = bound(t, node.high, ctx);
        if (!low || !high?.next) return undefined;
        rewritten = `${col} >= ${low.value} AND ${col} < ${high.next}`;
      } else {
        const op = (side === node.left ? node.operator : flip(node.operator as RangeOperator)) as RangeOperator;
        const value = side === node.left ? node.right : node.left;
        const b = bound(t, value, { ...ctx, valueAppearsFirst: op === '=' });
        rewritten = b && rangePredicate(col, op, b);
      }
      if (!rewritten) return undefined;
      // `a OR f(col) = x` must stay `a OR (col >= x AND col < y)`.
      const needsParens = (position.parentOperator === 'OR' || position.parentOperator === 'NOT') && rewritten.includes(' AND ');
      const replacement = needsParens ? `(${rewritten})` : rewritten;
      const { range } = node;
      // The title shows the rewrite when it is short enough to read at a glance.
      const title = `Rewrite as ${replacement}`;
      return { desc: title.length <= MAX_TITLE_LENGTH ? title : `Rewrite as a range on ${col}`, fix: { range: [range.start, range.end], text: replacement } };
    };

    const checkSides = (node: Comparison | Between | InList, position: Position, sides: Array<{ side: Expr; others: Expr[] }>): void => {
      for (const { side, others } of sides) {
        if (position.clause === 'having' && [side, ...others].some(containsAggregate)) continue;
        const ref = wrappedColumn(side, others);
        if (!ref) continue;
        const described = describeWrapper(side, ref);
        const suggestion = node.type === 'InList' ? undefined : dateSuggestion(node, side, position);
        context.report({ range: side.range, ...described, ...(suggestion ? { suggestions: [suggestion] } : {}) });
      }
    };

    /** Whether the catalog knows a trigram-capable (GIN/GiST) index over the LIKE operand. */
    const hasTrigramIndex = (operand: Expr, ref: ColumnRef): boolean => {
      const table = context.resolveColumn(ref)?.table ?? tableOf(itemOf(ref));
      if (!table) return false;
      const bare = unwrapCollate(operand);
      const keys = indexKeys(bare);
      return table.indexes.some(
        (index) =>
          (index.method === 'gin' || index.method === 'gist') &&
          index.elements.some((e) => (bare.type === 'ColumnRef' && e.column === bare.column) || (e.expressionKey !== undefined && keys.includes(e.expressionKey))),
      );
    };

    /**
     * The trigram index that would serve a leading-wildcard LIKE on `operand`, as index DDL names
     * it: the bare column, or the expression when its columns are unqualified (an index definition
     * cannot say `u.email`); an index on the column does not serve `lower(col) LIKE ...`.
     */
    const trigramIndexFor = (operand: Expr, refs: ColumnRef[]): string => {
      const bare = unwrapCollate(operand);
      if (bare.type === 'ColumnRef') return `\`USING gin (${quoteIdent(bare.column)} gin_trgm_ops)\``;
      const expression = src(bare);
      if (refs.every((r) => r.table === undefined) && expression.length <= 60) return `\`USING gin ((${expression}) gin_trgm_ops)\``;
      return 'on the same expression, with the `gin_trgm_ops` operator class';
    };

    /** The column of `col <> const`, `col != const`, `col NOT IN (consts)`; undefined for other shapes. */
    const negatedColumn = (expr: Expr): ColumnRef | undefined => {
      let column: Expr;
      let rest: Expr[];
      if (expr.type === 'InList' && expr.negated) {
        column = unwrapCollate(expr.expr);
        rest = expr.list;
      } else if (expr.type === 'Comparison' && (expr.operator === '<>' || expr.operator === '!=')) {
        const leftIsColumn = unwrapCollate(expr.left).type === 'ColumnRef';
        column = unwrapCollate(leftIsColumn ? expr.left : expr.right);
        rest = [leftIsColumn ? expr.right : expr.left];
      } else return undefined;
      if (column.type !== 'ColumnRef') return undefined;
      if (rest.some((e) => columnRefsOf(e).length > 0 || containsSubquery(e))) return undefined;
      return column;
    };

    /**
     * The first negation on `item` in the query's WHERE when every condition on the table is a
     * negation, else undefined. Worked out once per query and table: a WHERE of thousands of
     * `<>` terms would otherwise look at every term again for each one.
     */
    const loneNegations = new WeakMap<object, Map<FromItem, Expr | undefined>>();
    const loneNegationOf = (query: Query, from: FromItem[], item: FromItem): Expr | undefined => {
      let byItem = loneNegations.get(query);
      if (!byItem) loneNegations.set(query, (byItem = new Map()));
      if (byItem.has(item)) return byItem.get(item);
      const whereConditions = conjuncts(query.where);
      const conditions = [...whereConditions, ...joinsOf(from).flatMap((j) => conjuncts(j.on))];
      let found: Expr | undefined;
      // Any condition on the same table that is not a negation (or one we cannot attribute) may give the planner an index path.
      const indexable = conditions.some((condition) => !isNegation(condition) && columnRefsOf(condition).some((r) => itemOf(r) === item || itemOf(r) === undefined));
      if (!indexable) {
        found = whereConditions.find((c) => {
          const column = negatedColumn(c);
          return column !== undefined && itemOf(column) === item;
        });
      }
      byItem.set(item, found);
      return found;
    };

    /**
     * `col <> x` / `col NOT IN (...)` when every condition on its table in this query (WHERE and
     * JOIN ON, top-level conjuncts) is a negation: then no condition gives the planner an index
     * path. Reported once per table, at its first negation.
     */
    const checkNegation = (node: Comparison | InList, position: Position): void => {
      if (position.clause !== 'where' || !position.conjunct) return;
      const ref = negatedColumn(node);
      if (!ref) return;
      const item = itemOf(ref);
      if (!item || item.type !== 'TableRef' || isCte(item) || isCatalogRelation(item)) return;
      const from = fromOf(position.query);
      // USING / NATURAL join columns are conditions on the table too.
      if (joinsOf(from).some((j) => j.natural || j.using.length > 0)) return;
      if (loneNegationOf(position.query, from, item) !== node) return;
      const table = tableOf(item);
      // A partial index may be exactly for this negation; the catalog does not keep its predicate.
      if (table?.indexes.some((i) => i.partial)) return;
      context.report({ range: node.range, message: NEGATION_MESSAGE, detail: NEGATION_DETAIL, data: { table: exposedName(item) ?? '', expression: shorten(src(node)), detailExpression: shortenForDetail(src(node)) } });
    };

    return {
      Comparison(node) {
        const position = positionOf(node);
        if (!position) return;
        if (RANGE_OPERATORS.has(node.operator)) {
          // `uuid_col::text = $1`: no-implicit-cast reports this comparison and names the fix
          // (cast the parameter, not the column); a second report of the same cast adds nothing.
          if (columnSideTextCast(context, node)) return;
          checkSides(node, position, [
            { side: node.left, others: [node.right] },
            { side: node.right, others: [node.left] },
          ]);
        } else if (node.operator === '<>' || node.operator === '!=') {
          checkNegation(node, position);
        }
      },
      Between(node) {
        if (node.negated) return;
        const position = positionOf(node);
        if (position) checkSides(node, position, [{ side: node.expr, others: [node.low, node.high] }]);
      },
      InList(node) {
        const position = positionOf(node);
        if (!position) return;
        if (node.negated) checkNegation(node, position);
        else checkSides(node, position, [{ side: node.expr, others: node.list }]);
      },
      LikeExpr(node) {
        if (node.negated || node.similar) return;
        const position = positionOf(node);
        if (!position) return;
        const leading = leadingLiteral(node.pattern);
        if (leading === undefined || !(leading.startsWith('%') || leading.startsWith('_'))) return;
        const refs = refsOf(node.expr);
        if (refs.length === 0 || containsSubquery(node.expr)) return;
        if (refs.length === 1 && hasTrigramIndex(node.expr, refs[0]!)) return;
        if (refs.every((r) => isCatalogRelation(itemOf(r)))) return;
        const operand = shorten(src(node.expr));
        const op = node.caseInsensitive ? 'ILIKE' : 'LIKE';
        context.report({ range: node.range, message: LIKE_MESSAGE, detail: LIKE_DETAIL, data: { operator: op, operand, trigramIndex: trigramIndexFor(node.expr, refs) } });
      },
    };
  },
});
