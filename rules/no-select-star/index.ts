import { childNodes, defineRule, excerpt } from '@sqlwarden/core';
import type { Cte, Delete, Insert, Node, RuleContext, Select, SelectItem, Star, Statement, TableRef, Update } from '@sqlwarden/core';
import { exposedName, flattenFrom, joinsOf, quoteIdent, visibleCtes, type SourceItem } from '../_shared/query.ts';

interface Options {
  checkReturning: boolean;
}

type Place = 'query' | 'view' | 'insert' | 'ctas';

/** Headlines: what the star does here, and the remedy. */
const MESSAGES: Record<Place, string> = {
  query: '`{{star}}` makes the result depend on the current columns of {{sourcesShort}}; list the columns',
  view: '`{{star}}` in a view is frozen at CREATE VIEW and blocks dropping any column of {{sourcesShort}}; list the columns',
  insert: '`INSERT ... SELECT {{star}}` matches columns of {{sourcesShort}} to the target\'s by position; list the columns on both sides',
  ctas: '`CREATE TABLE ... AS SELECT {{star}}` copies the columns of {{sourcesShort}} as they are when it runs; list the columns',
};

const DETAILS: Record<Place, string> = {
  query:
    '`{{star}}` expands to the columns of {{sources}} as they are when the query runs, not as they were when it was written: a column added, dropped or reordered later silently changes what the application receives. Code that reads columns by position breaks; code that maps rows onto structs gets columns nobody asked for, or fails on a type it cannot decode; and unused columns (large text or jsonb values too) are read and sent on every call anyway. List the columns the query needs.',
  view: '`{{star}}` in a view is expanded once, at CREATE VIEW, and the expanded list is stored: columns added to {{sources}} later never appear in the view, and every expanded column becomes a dependency of the view, so a later DROP COLUMN or ALTER COLUMN ... TYPE of it fails (cannot drop column ... because other objects depend on it) even when nobody reads it through the view, and the view has to be dropped and recreated first. List the columns the view needs.',
  insert:
    '`INSERT ... SELECT {{star}}` matches the selected columns to the target columns by position, left to right: adding or reordering a column of {{sources}} or of the target table makes the insert fail, or, when the types happen to be compatible, write values into the wrong columns. List the columns on both sides: `INSERT INTO target (a, b) SELECT a, b FROM ...`.',
  ctas: '`CREATE TABLE ... AS SELECT {{star}}` copies the columns of {{sources}} as they are when this runs, so the shape of the new table depends on the schema at that moment: run against another schema state, it creates a different table. List the columns explicitly.',
};

const RETURNING_MESSAGE = '`RETURNING {{star}}` returns every column of `{{table}}`, including ones added later; list the columns you need';
const RETURNING_DETAIL =
  '`RETURNING {{star}}` returns every column `{{table}}` has when the statement runs: a column added later changes what the application receives, and every column is sent on every call. List the columns the caller needs.';

/** Suggestion titles name the columns' tables while that stays short; past this, only how many tables. */
const MAX_TITLE_LENGTH = 80;

/** `t` of `t.*`, `s.t` of `s.t.*`, as written. */
function starQualifier(star: Star, text: string): string {
  return text.slice(star.range.start, star.range.end).replace(/\s*\.\s*\*$/, '');
}

/** Walks up from a set-operation branch to the query the whole set operation is part of. */
function placeOf(node: Select, ancestors: readonly Node[]): Place | 'exists' {
  let current: Node = node;
  let i = ancestors.length - 1;
  while (i >= 0) {
    const parent = ancestors[i]!;
    if (parent.type === 'Select' && parent.setOperation && (parent.setOperation.left === current || parent.setOperation.right === current)) {
      current = parent;
      i--;
      continue;
    }
    break;
  }
  const parent = ancestors[i];
  if (parent?.type === 'SubqueryExpr' && parent.kind === 'exists') return 'exists';
  if (parent?.type === 'Insert' && parent.source === current) return 'insert';
  // Every star of a view or CREATE TABLE AS query, however deeply nested, is expanded once when it runs.
  if (ancestors.some((a) => a.type === 'CreateView')) return 'view';
  if (ancestors.some((a) => a.type === 'CreateTable')) return 'ctas';
  return 'query';
}

/**
 * Whether a source's columns are fixed by the query text. `closed`: every select list on the way
 * to the data is explicit. `deferred`: open only because of a star further in that is reported
 * where it is written, so fixing that one closes this one too. `open`: a table, view or function
 * whose columns change with the schema. A CTE in progress counts as closed: a recursive CTE's
 * columns come from its first branch.
 */
type Openness = 'closed' | 'deferred' | 'open';

/**
 * How many CTEs and derived tables deep a star is followed. Beyond it the star is taken as
 * `deferred` (silent here): thousands of nested subqueries must not overflow the stack, and the
 * innermost star over a table is still reported where it is written.
 */
const MAX_DEPTH = 64;

function queryOpenness(query: Statement, ctes: Map<string, Cte>, visiting: Set<Cte>, checkReturning: boolean, depth = 0): Openness {
  if (depth > MAX_DEPTH) return 'deferred';
  switch (query.type) {
    case 'Select': {
      // Copied only when this query adds CTEs: a long chain of CTEs must not copy the map at every step.
      const scope = query.with.length > 0 ? new Map(ctes) : ctes;
      for (const cte of query.with) scope.set(cte.name, cte);
      if (query.setOperation) {
        const left = queryOpenness(query.setOperation.left, scope, visiting, checkReturning, depth + 1);
        const right = queryOpenness(query.setOperation.right, scope, visiting, checkReturning, depth + 1);
        return left === 'closed' && right === 'closed' ? 'closed' : 'deferred';
      }
      if (query.values) return 'closed';
      const sources = flattenFrom(query.from);
      const closed = query.columns.every((item) => {
        if (item.expr.type !== 'Star') return true;
        const starred = starredSources(item.expr, sources);
        return starred !== undefined && starred.every((s) => sourceOpenness(s, scope, visiting, checkReturning, depth + 1) === 'closed');
      });
      // Any star left open in this select list is reported (or deferred) at that select.
      return closed ? 'closed' : 'deferred';
    }
    case 'Insert':
    case 'Update':
    case 'Delete':
      // A data-modifying CTE's columns are its RETURNING list; `RETURNING *` is the whole table.
      if (query.returning.every((item) => item.expr.type !== 'Star')) return 'closed';
      return checkReturning ? 'deferred' : 'open';
    default:
      return 'open';
  }
}

function sourceOpenness(item: SourceItem, ctes: Map<string, Cte>, visiting: Set<Cte>, checkReturning: boolean, depth = 0): Openness {
  if (depth > MAX_DEPTH) return 'deferred';
  if (item.type === 'DerivedTable') return queryOpenness(item.query, ctes, visiting, checkReturning, depth + 1);
  if (item.type === 'TableRef' && item.schema === undefined) {
    const cte = ctes.get(item.name);
    if (cte) {
      if (visiting.has(cte)) return 'closed';
      visiting.add(cte);
      try {
        return queryOpenness(cte.query, ctes, visiting, checkReturning, depth + 1);
      } finally {
        visiting.delete(cte);
      }
    }
  }
  if (item.type === 'FunctionSource' && item.call.type === 'FuncCall' && item.call.schema === undefined && FIXED_SHAPE_FUNCTIONS.has(item.call.name)) return 'closed';
  // Tables and views change with the schema, and so does a user function returning a table type.
  return 'open';
}

/** Built-in set-returning functions whose result columns are fixed by their signature or a column definition list. */
const FIXED_SHAPE_FUNCTIONS = new Set([
  'generate_series',
  'generate_subscripts',
  'unnest',
  'json_array_elements',
  'json_array_elements_text',
  'jsonb_array_elements',
  'jsonb_array_elements_text',
  'json_each',
  'json_each_text',
  'jsonb_each',
  'jsonb_each_text',
  'json_object_keys',
  'jsonb_object_keys',
  'json_to_record',
  'json_to_recordset',
  'jsonb_to_record',
  'jsonb_to_recordset',
  'jsonb_path_query',
  'regexp_matches',
  'regexp_split_to_table',
  'string_to_table',
]);

/** The FROM items a star expands: the one it names, or all of them. Undefined when `t.*` names nothing visible here. */
function starredSources(star: Star, sources: SourceItem[]): SourceItem[] | undefined {
  if (star.table === undefined) return sources;
  const match = sources.find((s) => exposedName(s) === star.table && (star.schema === undefined || (s.type === 'TableRef' && s.alias === undefined && s.schema === star.schema)));
  return match ? [match] : undefined;
}

/**
 * Query-compiler annotations on the comment lines right before a statement. sqlc (and pggen, which
 * reads the same `-- name: X :one` syntax) resolve every `*` against the schema when code is
 * generated — sqlc rewrites it into the column list — and PgTyped (`/* @name X *\/`) types the
 * result from the database at build time, so a schema change breaks the build, not production.
 * yesql/HugSQL `-- name:` files are only read at run time and are not exempt.
 */
const COMPILED_QUERY_ANNOTATION = /(?:--|\/\*)[ \t]*name:[ \t]*[A-Za-z_][\w]*[ \t]+:[a-z]+\b|\/\*[\s*]*@name[ \t]+[A-Za-z_$][\w$]*/;

/** The text between the previous statement (or the file start) and this one: comments and blanks. */
function leadingComments(context: RuleContext<Options>): string {
  const { statement, file } = context;
  const previous = statement.index > 0 ? file.statements[statement.index - 1] : undefined;
  const start = previous ? previous.range.end : 0;
  return file.text.slice(start, statement.range.start);
}

/** The Select that reads a FROM item: the nearest enclosing Select whose FROM list holds it. */
function readerOf(item: SourceItem, parents: Map<Node, Node>): Select | undefined {
  let node: Node | undefined = parents.get(item);
  while (node && node.type === 'Join') node = parents.get(node);
  return node?.type === 'Select' && flattenFrom(node.from).includes(item) ? node : undefined;
}

/** Every node's parent and the unqualified table references of a statement by name, by an explicit stack (no recursion). */
function indexStatement(root: Node): { parents: Map<Node, Node>; tableRefs: Map<string, TableRef[]> } {
  const parents = new Map<Node, Node>();
  const tableRefs = new Map<string, TableRef[]>();
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type === 'TableRef' && node.schema === undefined) {
      const named = tableRefs.get(node.name);
      if (named) named.push(node);
      else tableRefs.set(node.name, [node]);
    }
    for (const child of childNodes(node)) {
      parents.set(child, node);
      stack.push(child);
    }
  }
  return { parents, tableRefs };
}

/** The CTE a table reference names: the innermost WITH list around it that defines the name. */
function cteBinding(ref: TableRef, parents: Map<Node, Node>): Cte | undefined {
  for (let p = parents.get(ref); p; p = parents.get(p)) {
    if (!('with' in p) || !Array.isArray(p.with)) continue;
    const cte = (p.with as Cte[]).find((c) => c.name === ref.name);
    if (cte) return cte;
  }
  return undefined;
}

/** The starred sources for messages: `users`, `orders`, `a subquery`; with `quote: false` for titles, without backticks. */
function describeSources(sources: SourceItem[], quote = true): string {
  return sourceNames(sources, quote).join(', ');
}

function sourceNames(sources: SourceItem[], quote = true): string[] {
  const q = (name: string): string => (quote ? `\`${name}\`` : name);
  return sources.map((s) => {
    const name = exposedName(s);
    if (name !== undefined) return q(name);
    if (s.type === 'FunctionSource' && s.call.type === 'FuncCall') return q(`${s.call.name}()`);
    return s.type === 'DerivedTable' ? 'a subquery' : 'a function';
  });
}

/** The length the engine keeps of a value in a headline. */
const HEADLINE_VALUE_LENGTH = 48;

/**
 * The starred sources for a headline: whole names while they fit, then "and N more", so that no
 * name is cut in the middle (the detail names them all).
 */
function describeSourcesShort(sources: SourceItem[]): string {
  const names = sourceNames(sources);
  const all = names.join(', ');
  if (all.length <= HEADLINE_VALUE_LENGTH) return all;
  for (let kept = names.length - 1; kept > 0; kept--) {
    const short = `${names.slice(0, kept).join(', ')} and ${names.length - kept} more`;
    if (short.length <= HEADLINE_VALUE_LENGTH) return short;
  }
  // Even the first name is too long: cut it (excerpt keeps surrogate pairs whole).
  return excerpt(all, HEADLINE_VALUE_LENGTH, '...');
}

/**
 * A suggestion title: "Replace u.* with the 4 columns of u"; when long names make that too long,
 * "... of 3 tables", and at last without the names at all.
 */
function replaceTitle(what: string, count: number, tables: string[]): string {
  const columns = count === 1 ? 'the column' : `the ${count} columns`;
  const candidates = [`Replace ${what} with ${columns} of ${tables.join(', ')}`, ...(tables.length > 1 ? [`Replace ${what} with ${columns} of ${tables.length} tables`] : [])];
  return candidates.find((title) => title.length <= MAX_TITLE_LENGTH) ?? `Replace the star with ${columns}`;
}

export default defineRule<Options>({
  meta: {
    id: 'no-select-star',
    description: 'Disallow `*` in select lists of queries, views, INSERT ... SELECT and CREATE TABLE AS, where the result depends on whatever columns the tables have.',
    docs: { url: 'https://github.com/sqlwarden/sqlwarden/blob/main/rules/no-select-star/README.md', recommended: true },
    defaultSeverity: 'warn',
    category: 'correctness',
    hasSuggestions: true,
    schema: {
      type: 'object',
      properties: {
        checkReturning: { type: 'boolean', description: 'Also report `RETURNING *` of INSERT, UPDATE and DELETE.' },
      },
      additionalProperties: false,
    },
    defaultOptions: { checkReturning: false },
  },
  create(context: RuleContext<Options>) {
    const text = context.file.text;

    /** Whether the current statement is annotated for a query compiler (sqlc, pggen, PgTyped). */
    let compiled: { statement: number; value: boolean } | undefined;
    const isCompiledQuery = (): boolean => {
      if (compiled?.statement !== context.statement.index) compiled = { statement: context.statement.index, value: COMPILED_QUERY_ANNOTATION.test(leadingComments(context)) };
      return compiled.value;
    };

    type StatementIndex = ReturnType<typeof indexStatement>;
    let index: (StatementIndex & { statement: Node }) | undefined;
    const statementIndex = (): StatementIndex | undefined => {
      const root = context.statement.node;
      if (!root) return undefined;
      if (index?.statement !== root) index = { statement: root, ...indexStatement(root) };
      return index;
    };

    /**
     * Whether the rows of a select reach what the statement returns or writes: always, unless the
     * select is (a branch of) the query of a CTE or derived table, whose columns only go further
     * through a star over it in a select that reaches the output itself. `SELECT id FROM (SELECT *
     * FROM t) s` names its columns, so the inner star changes nothing anyone receives. Depth-bounded:
     * beyond the bound it answers no (silent).
     */
    const reachesOutput = (select: Select, parents: Map<Node, Node>, tableRefs: ReadonlyMap<string, TableRef[]>, depth: number, seen: Set<Node>): boolean => {
      if (depth > MAX_DEPTH) return false;
      let current: Node = select;
      let parent = parents.get(current);
      while (parent?.type === 'Select' && parent.setOperation && (parent.setOperation.left === current || parent.setOperation.right === current)) {
        current = parent;
        parent = parents.get(current);
      }
      if (seen.has(current)) return false;
      seen.add(current);
      const passesOn = (reader: Select | undefined, item: SourceItem): boolean => {
        if (!reader) return false;
        const sources = flattenFrom(reader.from);
        const starred = reader.columns.some((c) => c.expr.type === 'Star' && (starredSources(c.expr, sources)?.includes(item) ?? false));
        return starred && reachesOutput(reader, parents, tableRefs, depth + 1, seen);
      };
      if (parent?.type === 'DerivedTable') return passesOn(readerOf(parent, parents), parent);
      if (parent?.type === 'Cte') {
        const cte = parent;
        return (tableRefs.get(cte.name) ?? []).some((ref) => cteBinding(ref, parents) === cte && passesOn(readerOf(ref, parents), ref));
      }
      return true;
    };

    /** The explicit column list for the starred tables, when the catalog knows all their columns. */
    const expansion = (star: Star, starred: SourceItem[], qualifyAll: boolean, ctes: Map<string, Cte>): { text: string; count: number } | undefined => {
      const parts: string[] = [];
      for (const source of starred) {
        if (source.type !== 'TableRef') return undefined;
        if (source.schema === undefined && ctes.has(source.name)) return undefined;
        const table = context.resolveTable(source);
        if (!table || !table.columnsKnown || table.columns.length === 0) return undefined;
        let qualifier = '';
        if (star.table !== undefined) {
          // Keep the qualifier exactly as written (`"T".*` stays `"T".col`).
          qualifier = `${starQualifier(star, text)}.`;
        } else if (qualifyAll) {
          qualifier = source.alias !== undefined ? `${quoteIdent(source.alias)}.` : `${source.schema !== undefined ? `${quoteIdent(source.schema)}.` : ''}${quoteIdent(source.name)}.`;
        }
        for (const column of table.columns) parts.push(`${qualifier}${quoteIdent(column.name)}`);
      }
      return { text: parts.join(', '), count: parts.length };
    };

    const checkSelect = (node: Select): void => {
      const stars = node.columns.filter((c): c is SelectItem & { expr: Star } => c.expr.type === 'Star');
      if (stars.length === 0) return;
      const ancestors = context.getAncestors();
      const place = placeOf(node, ancestors);
      if (place === 'exists') return;
      if (isCompiledQuery()) return;
      // A migration that copies a table's rows into a new one (CREATE TABLE ... AS, SELECT ... INTO)
      // runs once, on the schema the history before it built: the copy is meant to take every column.
      if (context.file.isMigration && (place === 'ctas' || (node.into && ancestors.length === 0))) return;
      // Any other query a migration runs (a backfill's subquery, a check) runs once, on the schema
      // its history built, and no application reads its result: only views, which store the
      // expansion, and INSERT ... SELECT *, which matches columns by position, stay findings.
      if (context.file.isMigration && place === 'query') return;
      // A view stores the expanded list of every star in its query, used or not: each column is a
      // dependency (checked on PostgreSQL), so only views keep the stars that stop inside.
      if (place !== 'view' && ancestors.some((a) => a.type === 'Cte' || a.type === 'DerivedTable')) {
        const indexed = statementIndex();
        if (indexed && !reachesOutput(node, indexed.parents, indexed.tableRefs, 0, new Set())) return;
      }
      const ctes = visibleCtes(ancestors, node);
      const sources = flattenFrom(node.from);
      // USING / NATURAL joins merge the join columns, so `a.*, b.*` is not what `*` means there.
      const mergedColumns = joinsOf(node.from).some((j) => j.natural || j.using.length > 0);
      for (const item of stars) {
        const star = item.expr;
        const starred = starredSources(star, sources);
        if (starred && starred.length === 0) continue;
        // Only sources whose columns can drift count; stars further in are reported where they are.
        if (starred && !starred.some((s) => sourceOpenness(s, ctes, new Set(), context.options.checkReturning) === 'open')) continue;
        const range = star.range;
        const starText = text.slice(range.start, range.end);
        const open = starred?.filter((s) => sourceOpenness(s, ctes, new Set(), context.options.checkReturning) === 'open');
        const data = open
          ? { star: starText, sources: describeSources(open), sourcesShort: describeSourcesShort(open) }
          : { star: starText, sources: `\`${star.table ?? ''}\``, sourcesShort: `\`${star.table ?? ''}\`` };
        const expanded = starred && !(star.table === undefined && mergedColumns) ? expansion(star, starred, star.table === undefined && starred.length > 1, ctes) : undefined;
        context.report({
          range,
          message: MESSAGES[place],
          detail: DETAILS[place],
          data,
          ...(expanded && starred
            ? {
                suggestions: [
                  {
                    desc: replaceTitle(starText, expanded.count, starred.map((source) => describeSources([source], false))),
                    fix: { range: [range.start, range.end] as [number, number], text: expanded.text },
                  },
                ],
              }
            : {}),
        });
      }
    };

    const checkReturning = (node: Insert | Update | Delete): void => {
      if (!context.options.checkReturning) return;
      if (isCompiledQuery()) return;
      const target = node.table;
      for (const item of node.returning) {
        if (item.expr.type !== 'Star') continue;
        const star = item.expr;
        const range = star.range;
        const table = context.resolveTable(target);
        const suggestions =
          table && table.columnsKnown && table.columns.length > 0
            ? [
                {
                  desc: replaceTitle(`RETURNING ${text.slice(range.start, range.end)}`, table.columns.length, [target.name]),
                  fix: {
                    range: [range.start, range.end] as [number, number],
                    text: table.columns.map((c) => `${star.table !== undefined ? `${starQualifier(star, text)}.` : ''}${quoteIdent(c.name)}`).join(', '),
                  },
                },
              ]
            : [];
        context.report({ range, message: RETURNING_MESSAGE, detail: RETURNING_DETAIL, data: { table: target.name, star: text.slice(range.start, range.end) }, ...(suggestions.length ? { suggestions } : {}) });
      }
    };

    return {
      Select: checkSelect,
      Insert: checkReturning,
      Update: checkReturning,
      Delete: checkReturning,
    };
  },
});
