/**
 * Helpers for type-hygiene rules: the column types a statement declares (CREATE TABLE columns,
 * ALTER TABLE ADD COLUMN and ALTER COLUMN TYPE, the places a column's type is decided), and the
 * exact source span of a type as written, for fixes that replace it.
 *
 * The model's TypeRef range does not always cover the whole type (`timestamp(3) without time
 * zone`, `character varying`, `pg_catalog.varchar(20)` stop early), so the span is re-read from
 * the source with the shared scanner.
 */
import type { AlterTable, AlterTableAction, ColumnDef, CreateTable, Range, RuleContext, Statement, TypeRef } from '@sqlwarden/core';
import { isWord, scanTokens, skipParens, type SqlToken } from './migration.ts';

export interface DeclaredColumnType {
  /** `create`: a CREATE TABLE column; `add`: ALTER TABLE ADD COLUMN; `alter`: ALTER COLUMN TYPE. */
  where: 'create' | 'add' | 'alter';
  statement: CreateTable | AlterTable;
  table: { schema?: string; name: string };
  column: string;
  type: TypeRef;
  /** The column definition (CREATE TABLE and ADD COLUMN). */
  columnDef?: ColumnDef;
  /** The ALTER TABLE subcommand (ADD COLUMN and ALTER COLUMN TYPE). */
  action?: AlterTableAction;
}

/**
 * Several rules ask for the same statement's column types, and the engine re-lints a whole file on
 * every keystroke in an editor: statements the engine keeps between runs are frozen, so their
 * answer is kept too. Callers only read it.
 */
const declaredByStatement = new WeakMap<Statement, DeclaredColumnType[]>();

/** Every column type a CREATE TABLE or ALTER TABLE statement declares, in source order. */
export function declaredColumnTypes(stmt: Statement): DeclaredColumnType[] {
  const known = declaredByStatement.get(stmt);
  if (known) return known;
  const out = columnTypesOf(stmt);
  if (Object.isFrozen(stmt)) declaredByStatement.set(stmt, out);
  return out;
}

function columnTypesOf(stmt: Statement): DeclaredColumnType[] {
  const out: DeclaredColumnType[] = [];
  if (stmt.type === 'CreateTable') {
    for (const def of stmt.columns) {
      // `PARTITION OF` / `OF type` column entries carry options only, no type of their own.
      if (!def.dataType?.name) continue;
      out.push({ where: 'create', statement: stmt, table: stmt.table, column: def.name, type: def.dataType, columnDef: def });
    }
  } else if (stmt.type === 'AlterTable' && (stmt.objectKind === 'table' || stmt.objectKind === 'foreign_table')) {
    for (const action of stmt.actions) {
      if (action.action === 'add_column' && action.columnDef?.dataType?.name) {
        out.push({ where: 'add', statement: stmt, table: stmt.table, column: action.columnDef.name, type: action.columnDef.dataType, columnDef: action.columnDef, action });
      } else if (action.action === 'alter_column_type' && action.newType && action.column) {
        out.push({ where: 'alter', statement: stmt, table: stmt.table, column: action.column, type: action.newType, action });
      }
    }
  }
  return out;
}

export interface TypeSpan {
  /** The whole type as written, array suffix included. */
  range: Range;
  /** The type without its array suffix (`timestamp(3) without time zone` of `timestamp(3) without time zone[]`). */
  base: Range;
  /** The first token of the type name proper (after any schema qualifier). */
  nameToken: SqlToken;
  /** Whether the name was written quoted, e.g. `"char"` (which is not `char`). */
  quoted: boolean;
  /** The schema qualifier as written, e.g. `pg_catalog`. */
  schema?: string;
}

const MULTI_WORD_FOLLOWERS: Readonly<Record<string, readonly string[]>> = {
  double: ['precision'],
  character: ['varying'],
  char: ['varying'],
  nchar: ['varying'],
  bit: ['varying'],
};

/**
 * The source span of a type written at `type.range.start`, reading no further than `limit`.
 * Understands schema qualifiers, quoted names, the multi-word SQL spellings, modifiers,
 * `with[out] time zone`, interval fields and array suffixes (`[]`, `[3]`, `ARRAY`, `ARRAY[3]`).
 */
export function typeSpan(text: string, type: TypeRef, limit: number): TypeSpan | undefined {
  const tokens = scanTokens(text, type.range.start, limit);
  let i = 0;
  let schema: string | undefined;
  if (tokens[1]?.value === '.' && (tokens[0]?.kind === 'word' || tokens[0]?.kind === 'quoted') && (tokens[2]?.kind === 'word' || tokens[2]?.kind === 'quoted')) {
    schema = tokens[0]!.kind === 'quoted' ? tokens[0]!.value.slice(1, -1) : tokens[0]!.value;
    i = 2;
  }
  const nameToken = tokens[i];
  if (!nameToken || (nameToken.kind !== 'word' && nameToken.kind !== 'quoted')) return undefined;
  const quoted = nameToken.kind === 'quoted';
  i++;
  if (!quoted) {
    let word = nameToken.value;
    if (word === 'national' && isWord(tokens[i], 'character', 'char')) word = tokens[i++]!.value;
    const followers = MULTI_WORD_FOLLOWERS[word];
    if (followers && isWord(tokens[i], ...followers)) i++;
    if (word === 'interval') {
      while (isWord(tokens[i], 'year', 'month', 'day', 'hour', 'minute', 'second', 'to')) i++;
    }
  }
  i = skipParens(tokens, i);
  if (!quoted && isWord(nameToken, 'timestamp', 'time') && isWord(tokens[i], 'with', 'without') && isWord(tokens[i + 1], 'time') && isWord(tokens[i + 2], 'zone')) i += 3;
  const baseEnd = tokens[i - 1]!.end;
  let end = baseEnd;
  for (;;) {
    if (tokens[i]?.value === '[') {
      let j = i + 1;
      while (j < tokens.length && tokens[j]!.value !== ']') j++;
      if (j >= tokens.length) break;
      end = tokens[j]!.end;
      i = j + 1;
    } else if (isWord(tokens[i], 'array')) {
      end = tokens[i]!.end;
      i++;
    } else break;
  }
  const span: TypeSpan = { range: { start: type.range.start, end }, base: { start: type.range.start, end: baseEnd }, nameToken, quoted };
  if (schema !== undefined) span.schema = schema;
  return span;
}

/** The span of a declared column type inside its statement. */
export function declaredTypeSpan(context: RuleContext<any>, declared: DeclaredColumnType): TypeSpan | undefined {
  return typeSpan(context.file.text, declared.type, declared.statement.range.end);
}

/** `replacement` in the letter case of `written` (all upper case stays upper case). */
export function matchCase(written: string, replacement: string): string {
  const letters = written.replace(/[^A-Za-z]/g, '');
  return letters.length > 0 && letters === letters.toUpperCase() ? replacement.toUpperCase() : replacement;
}

/** Whether the column is (part of) the table's primary key, from the statement itself. */
export function isPrimaryKeyColumn(declared: DeclaredColumnType): boolean {
  if (declared.columnDef?.primaryKey || declared.columnDef?.constraints.some((c) => c.kind === 'primary_key')) return true;
  if (declared.statement.type === 'CreateTable') {
    return declared.statement.constraints.some((c) => c.kind === 'primary_key' && c.columns.includes(declared.column));
  }
  return declared.statement.actions.some((a) => a.action === 'add_constraint' && a.constraint?.kind === 'primary_key' && a.constraint.columns.includes(declared.column));
}

/** The foreign key the statement declares on the column, if any: `{ table, column }` it references. */
export function referencedBy(declared: DeclaredColumnType): { table: { schema?: string; name: string }; column?: string } | undefined {
  const inline = declared.columnDef?.constraints.find((c) => c.kind === 'foreign_key' && c.references);
  if (inline?.references) {
    const ref: { table: { schema?: string; name: string }; column?: string } = { table: inline.references.table };
    if (inline.references.columns[0] !== undefined) ref.column = inline.references.columns[0];
    return ref;
  }
  const constraints =
    declared.statement.type === 'CreateTable'
      ? declared.statement.constraints
      : declared.statement.actions.flatMap((a) => (a.action === 'add_constraint' && a.constraint ? [a.constraint] : []));
  for (const c of constraints) {
    if (c.kind !== 'foreign_key' || !c.references) continue;
    const position = c.columns.indexOf(declared.column);
    if (position < 0) continue;
    const ref: { table: { schema?: string; name: string }; column?: string } = { table: c.references.table };
    const column = c.references.columns[position];
    if (column !== undefined) ref.column = column;
    return ref;
  }
  return undefined;
}
