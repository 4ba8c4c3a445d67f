/**
 * Helpers for migration-safety rules: which tables are new in this file, how the current
 * statement's transaction is explained to users, and a small SQL scanner for placing fixes and
 * report ranges on keywords (the model does not carry keyword positions).
 */
import { isDownMigrationPath } from '@sqlwarden/core';
import type { AlterTable, AlterTableAction, Range, RuleContext, Statement, StatementInfo, TransactionKind } from '@sqlwarden/core';
import { lastBefore, perFile } from './per-file.ts';
import { tableKey } from './transactions.ts';

// ---------------------------------------------------------------------------------------------
// Tables and indexes created by this migration

/**
 * True when the table was created earlier in this file, so it is still empty and invisible to
 * other sessions: locks, scans and rewrites on it cost nothing. The catalog's `createdIn` follows
 * renames; the file's own statements cover what the catalog does not replay (down migrations,
 * materialized views, `SELECT ... INTO`). `CREATE TABLE IF NOT EXISTS` of a table an earlier
 * migration created does not make it new.
 */
export function isNewTable(context: RuleContext<any>, name: { schema?: string; name: string }): boolean {
  return newTableOrigin(context, name) !== undefined;
}

/**
 * True when the table is new (`isNewTable`) and was created empty: `CREATE TABLE ... AS SELECT`,
 * `SELECT ... INTO` and `CREATE MATERIALIZED VIEW` (without `WITH NO DATA`) copy rows into the
 * new table, so scans, validations and index builds on it do real work. Rules whose exemption
 * rests on "nothing to scan" use this; rules whose exemption rests on "nobody else sees it" use
 * `isNewTable`.
 */
export function isEmptyNewTable(context: RuleContext<any>, name: { schema?: string; name: string }): boolean {
  const origin = newTableOrigin(context, name);
  if (origin === undefined) return false;
  // A CREATE ... AS that did not parse still copied rows (see UnparsedCreate).
  const unparsed = origin.info?.unparsedCreate;
  if (unparsed && (unparsed.kind === 'table' || unparsed.kind === 'materialized_view')) return !unparsed.fillsRows;
  return !(origin.info?.node && fillsRows(origin.info.node));
}

/**
 * The statement of this file that created the table, when it is new: through the catalog's
 * `createdIn` (which follows renames) or the file's own statements of the same section. `info` is
 * undefined when the catalog knows the table is new but the statement is not at hand.
 */
export function newTableOrigin(context: RuleContext<any>, name: { schema?: string; name: string }): { info?: StatementInfo } | undefined {
  const createdIn = context.resolveTable(name)?.createdIn;
  const current = context.statement;
  if (createdIn?.file === context.file.path) {
    const info = context.file.statements[createdIn.statement];
    // The catalog replays up sections only; a Down section runs long after its Up section did.
    if (info && info.section === current.section && info.index < current.index) return { info };
    if (!info) return {};
  }
  // A down migration runs after its up migration, which the catalog has not replayed yet
  // (diesel's down.sql sorts first): there IF NOT EXISTS usually re-creates what the up dropped.
  const down = current.section === 'down' || isDownMigrationPath(context.file.path);
  let found: StatementInfo | undefined;
  for (const info of perFile(context, creatorsOf, creatorsOf).get(`${current.section}:${tableKey(name)}`) ?? []) {
    if (info.index >= current.index) break;
    const node = info.node!;
    if (node.type === 'CreateTable' && node.ifNotExists && createdIn !== undefined && !down) continue;
    found = info;
  }
  return found ? { info: found } : undefined;
}

/** The statements that create each relation (CREATE TABLE, materialized view, SELECT INTO), by section and name, in file order. */
function creatorsOf(statements: readonly StatementInfo[]): Map<string, StatementInfo[]> {
  const out = new Map<string, StatementInfo[]>();
  for (const info of statements) {
    const node = info.node;
    const created = node?.type === 'CreateTable' ? node.table : node?.type === 'CreateView' && node.materialized ? node.name : node?.type === 'Select' ? node.into : undefined;
    if (created === undefined) continue;
    const key = `${info.section}:${tableKey(created)}`;
    const list = out.get(key);
    if (list) list.push(info);
    else out.set(key, [info]);
  }
  return out;
}

/** Whether the creating statement copies rows into the new relation. */
export function fillsRows(node: Statement): boolean {
  const skipData = (node.raw as { CreateTableAsStmt?: { into?: { skipData?: boolean } } } | undefined)?.CreateTableAsStmt?.into?.skipData === true;
  if (node.type === 'CreateTable') return node.asQuery !== undefined && !skipData;
  if (node.type === 'CreateView') return node.materialized && !skipData;
  return node.type === 'Select' && node.into !== undefined;
}

/**
 * True when the catalog knows the index and its table was created earlier in this file and
 * section (`isNewTable`): a goose/dbmate Down section runs long after its Up section, against a
 * table that is neither new nor empty any more.
 */
export function isIndexOfNewTable(context: RuleContext<any>, name: { schema?: string; name: string }): boolean {
  const table = context.catalog.tableOfIndex(name);
  return table?.createdIn?.file === context.file.path && isNewTable(context, { schema: table.schema, name: table.name });
}

/**
 * Whether an earlier statement of this file emptied the table and nothing inserted into it since:
 * `truncate` (TRUNCATE; the storage is gone, and the ACCESS EXCLUSIVE lock it took keeps the table
 * empty until the transaction ends) or `delete` (DELETE without WHERE: no live rows, though the
 * old pages stay until VACUUM, so a scan or rewrite still reads them).
 */
export function emptiedInFile(context: RuleContext<any>, name: { schema?: string; name: string }): 'truncate' | 'delete' | undefined {
  const current = context.statement;
  const events = perFile(context, emptyingEvents, emptyingEvents).get(current.section);
  const table = events?.byTable.get(tableKey(name));
  const last = table ? lastBefore(table.indexes, current.index) : -1;
  if (!events || !table || last < 0) return undefined;
  // A COPY after it may have filled the table again.
  const copy = lastBefore(events.copies, current.index);
  if (copy >= 0 && events.copies[copy]! > table.indexes[last]!) return undefined;
  return table.states[last];
}

interface EmptyingEvents {
  /** Per table: the statements that empty it (TRUNCATE, DELETE without WHERE) or insert into it, and the state each leaves. */
  byTable: Map<string, { indexes: number[]; states: Array<'truncate' | 'delete' | undefined> }>;
  /** COPY statements, which may fill any table. */
  copies: number[];
}

/** Per section, in file order: what `emptiedInFile` replays up to the current statement. */
function emptyingEvents(statements: readonly StatementInfo[]): Map<StatementInfo['section'], EmptyingEvents> {
  const out = new Map<StatementInfo['section'], EmptyingEvents>();
  for (const info of statements) {
    const node = info.node;
    if (!node) continue;
    let events = out.get(info.section);
    if (!events) out.set(info.section, (events = { byTable: new Map(), copies: [] }));
    const record = (table: { schema?: string; name: string }, state: 'truncate' | 'delete' | undefined): void => {
      const key = tableKey(table);
      let entry = events.byTable.get(key);
      if (!entry) events.byTable.set(key, (entry = { indexes: [], states: [] }));
      entry.indexes.push(info.index);
      entry.states.push(state);
    };
    if (node.type === 'Truncate') for (const t of node.tables) record(t, 'truncate');
    else if (node.type === 'Delete' && !node.where && node.currentOf === undefined && node.using.length === 0) record(node.table, 'delete');
    else if (node.type === 'Insert') record(node.table, undefined);
    else if (node.type === 'OtherStatement' && node.kind === 'CopyStmt') events.copies.push(info.index);
  }
  return out;
}

export function displayName(name: { schema?: string; name: string }): string {
  return name.schema ? `${name.schema}.${name.name}` : name.name;
}

// ---------------------------------------------------------------------------------------------
// Transactions

/** Why the current statement is inside a transaction block, as a clause for messages. */
export const TRANSACTION_REASON: Readonly<Record<TransactionKind, string>> = {
  explicit: 'it is inside BEGIN ... COMMIT',
  implicit: 'the statements of a multi-statement migration sent as one query string run as one implicit transaction',
  wrapped: 'the migration tool runs this file inside a transaction',
};

/**
 * TRANSACTION_REASON.implicit when no tool was recognised and `migrations.transaction` is unset:
 * the shared transaction is an assumption (psql -f would run the statements one by one).
 */
export const ASSUMED_IMPLICIT_REASON =
  'its statements run as one implicit transaction if the file is sent as one query string, which is assumed because no migration tool was recognised; `migrations.transaction` sets how your runner runs it';

/** Why the statement is in a transaction block, saying so when the transaction model was assumed. */
export function transactionKindReason(context: RuleContext<any>, kind: TransactionKind): string {
  return kind === 'implicit' && context.file.transactionAssumption !== undefined ? ASSUMED_IMPLICIT_REASON : TRANSACTION_REASON[kind];
}

/**
 * What to do so that a statement that cannot run in a transaction block runs outside one, when no
 * migration tool (or none that wraps the file) is known: neutral advice, naming no tool. With a
 * known tool, `transactionRemedy` (lock-hygiene.ts) gives the tool's own opt-out instead.
 */
export const TRANSACTION_REMEDY: Readonly<Record<TransactionKind, string>> = {
  explicit: 'Move it out of the BEGIN ... COMMIT block.',
  implicit:
    'Put it in a migration file of its own (a runner that sends the file as one query string runs all its statements in one transaction), or set `migrations.transaction` to "none" if your tool runs statements one at a time.',
  wrapped:
    "Turn the migration tool's transaction off for this migration (most tools have a per-file opt-out) and keep the statement in a migration of its own, or set `migrations.tool` or `migrations.transaction` to match your tool.",
};

// ---------------------------------------------------------------------------------------------
// A small SQL scanner

export interface SqlToken {
  /** `word`: keyword or unquoted identifier; `quoted`: "identifier"; `string`: any string or dollar-quoted literal. */
  kind: 'word' | 'quoted' | 'string' | 'number' | 'param' | 'punct';
  /** Lower-cased text for words, the raw text otherwise. */
  value: string;
  start: number;
  end: number;
}

/** `/\s/`, with a look at the character code first: most characters are ASCII. */
function isSpace(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (c < 0x80) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  return /\s/.test(text[i]!);
}

/** `[A-Za-z_\u0080-\uffff]` */
function isWordStart(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c >= 0x80;
}

/** `[A-Za-z0-9_$\u0080-\uffff]` */
function isWordPart(c: number): boolean {
  return isWordStart(c) || (c >= 0x30 && c <= 0x39) || c === 0x24;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/**
 * Tokens of `text` between `start` and `end`, skipping whitespace and comments (`--` and nested
 * `/* *\/`). Enough of PostgreSQL's lexer to walk the keywords at the head of a DDL statement
 * without being fooled by comments, quoted names or strings in between.
 */
export function scanTokens(text: string, start = 0, end = text.length): SqlToken[] {
  const tokens: SqlToken[] = [];
  let i = start;
  while (i < end) {
    if (isSpace(text, i)) {
      i++;
      continue;
    }
    const code = text.charCodeAt(i);
    const c = text[i]!;
    const next = text[i + 1];
    if (isWordStart(code) && !((c === 'E' || c === 'e') && next === "'")) {
      let j = i + 1;
      while (j < end && isWordPart(text.charCodeAt(j))) j++;
      tokens.push({ kind: 'word', value: text.slice(i, j).toLowerCase(), start: i, end: j });
      i = j;
    } else if (c === '-' && next === '-') {
      const nl = text.indexOf('\n', i);
      i = nl < 0 || nl > end ? end : nl + 1;
    } else if (c === '/' && next === '*') {
      let depth = 0;
      while (i < end) {
        if (text[i] === '/' && text[i + 1] === '*') {
          depth++;
          i += 2;
        } else if (text[i] === '*' && text[i + 1] === '/') {
          depth--;
          i += 2;
          if (depth === 0) break;
        } else i++;
      }
    } else if (c === '"') {
      let j = i + 1;
      while (j < end && !(text[j] === '"' && text[j + 1] !== '"')) j += text[j] === '"' ? 2 : 1;
      tokens.push({ kind: 'quoted', value: text.slice(i, j + 1), start: i, end: Math.min(j + 1, end) });
      i = j + 1;
    } else if (c === "'" || ((c === 'E' || c === 'e') && next === "'")) {
      const backslashes = c !== "'";
      let j = backslashes ? i + 2 : i + 1;
      while (j < end) {
        if (backslashes && text[j] === '\\') j += 2;
        else if (text[j] === "'" && text[j + 1] === "'") j += 2;
        else if (text[j] === "'") break;
        else j++;
      }
      tokens.push({ kind: 'string', value: text.slice(i, j + 1), start: i, end: Math.min(j + 1, end) });
      i = j + 1;
    } else if (c === '$' && /[0-9]/.test(next ?? '')) {
      let j = i + 1;
      while (j < end && /[0-9]/.test(text[j]!)) j++;
      tokens.push({ kind: 'param', value: text.slice(i, j), start: i, end: j });
      i = j;
    } else if (c === '$') {
      const tag = /^\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/.exec(text.slice(i, end));
      if (tag) {
        const close = text.indexOf(tag[0], i + tag[0].length);
        const j = close < 0 || close > end ? end : close + tag[0].length;
        tokens.push({ kind: 'string', value: text.slice(i, j), start: i, end: j });
        i = j;
      } else {
        tokens.push({ kind: 'punct', value: c, start: i, end: i + 1 });
        i++;
      }
    } else if (isDigit(code) || (c === '.' && /[0-9]/.test(next ?? ''))) {
      let j = i + 1;
      while (j < end && /[0-9.eE_]/.test(text[j]!)) j++;
      tokens.push({ kind: 'number', value: text.slice(i, j), start: i, end: j });
      i = j;
    } else {
      tokens.push({ kind: 'punct', value: c, start: i, end: i + 1 });
      i++;
    }
  }
  return tokens;
}

export function isWord(token: SqlToken | undefined, ...words: string[]): boolean {
  return token !== undefined && token.kind === 'word' && words.includes(token.value);
}

/**
 * Index just past a balanced parenthesised group starting at `tokens[i]` (which must be `(`),
 * or `i` when there is none.
 */
export function skipParens(tokens: readonly SqlToken[], i: number): number {
  if (tokens[i]?.value !== '(') return i;
  let depth = 0;
  for (let j = i; j < tokens.length; j++) {
    if (tokens[j]!.value === '(') depth++;
    else if (tokens[j]!.value === ')') {
      depth--;
      if (depth === 0) return j + 1;
    }
  }
  return tokens.length;
}

/**
 * Consumes `pattern` from `tokens[i]` on: each element is a word, a list of alternative words,
 * or `{ optional }`. Returns the index after the match, or -1.
 */
export function matchWords(tokens: readonly SqlToken[], i: number, pattern: ReadonlyArray<string | readonly string[] | { optional: string }>): number {
  let j = i;
  for (const part of pattern) {
    if (typeof part === 'object' && 'optional' in part) {
      if (isWord(tokens[j], part.optional)) j++;
      continue;
    }
    const words = typeof part === 'string' ? [part] : part;
    if (!isWord(tokens[j], ...words)) return -1;
    j++;
  }
  return j;
}

// ---------------------------------------------------------------------------------------------
// ALTER TABLE subcommand ranges

/**
 * The source range of one ALTER TABLE subcommand (`ALTER COLUMN email SET NOT NULL`).
 * @deprecated The model gives every subcommand its own range now: use `action.range`.
 */
export function alterActionRange(_context: RuleContext<any>, _stmt: AlterTable, action: AlterTableAction): Range {
  return action.range;
}
