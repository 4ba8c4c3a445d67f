/**
 * Helpers for the lock-hygiene rules (require-lock-timeout, no-slow-work-under-access-exclusive,
 * prefer-single-alter-table, no-blocking-alter-sequence...): which relations a lock falls on are
 * new in this file, what slow work a statement does according to the lock model, and how to point
 * at another statement in a message. Lock modes themselves always come from the lock model.
 */
import { blockedWork, childNodes, describeStatementLocks, displayRelation, excerpt, LineIndex, lockModeSql } from '@sqlwarden/core';
import type { CatalogTable, Expr, Node, UnparsedCreate, LockedRelation, Range, ResolvedLock, RuleContext, Statement, StatementEffect, StatementInfo, TransactionKind } from '@sqlwarden/core';
import { statementEffects as effectsOf } from './lock-messages.ts';
import { perFile } from './per-file.ts';
import { containsAggregate, flattenFrom } from './query.ts';
import { TRANSACTION_REMEDY, displayName, emptiedInFile, isNewTable, transactionKindReason } from './migration.ts';

/** The lock model's effects of `stmt` for the configured version and the catalog as it is now. */
export { effectsOf };

export function isUnresolved(relation: LockedRelation): boolean {
  return 'unresolved' in relation && relation.unresolved === true;
}

/** Whether a held lock of this mode makes plain reads or writes of the relation wait (Table 13.2). */
export function blocksReadsOrWrites(mode: ResolvedLock['mode']): boolean {
  const b = blockedWork(mode);
  return b.reads || b.writes;
}

export function sameName(a: { schema?: string; name: string }, b: { schema?: string; name: string }): boolean {
  // tableKey(a) === tableKey(b), without building the two strings (asked for every lock of every statement).
  return a.name === b.name && (a.schema ?? 'public') === (b.schema ?? 'public');
}

/** `CREATE SEQUENCE` / `CREATE VIEW` / `CREATE INDEX` names, which the catalog does not track as tables. */
function createdObject(node: Statement): { schema?: string; name: string } | undefined {
  if (node.type === 'CreateView') return node.name;
  if (node.type === 'CreateIndex' && node.name) return node.table.schema ? { schema: node.table.schema, name: node.name } : { name: node.name };
  if (node.type === 'OtherStatement' && node.kind === 'CreateSeqStmt') {
    const seq = (node.raw as { CreateSeqStmt?: { sequence?: { relname?: string; schemaname?: string } } } | undefined)?.CreateSeqStmt?.sequence;
    if (seq?.relname) return seq.schemaname ? { schema: seq.schemaname, name: seq.relname } : { name: seq.relname };
  }
  return undefined;
}

/** The view, sequence or index a CREATE that did not parse meant to create (tables go through the catalog). */
function unparsedObject(create: UnparsedCreate | undefined): { schema?: string; name: string } | undefined {
  if (create?.kind === 'view' || create?.kind === 'sequence') return create.name;
  if (create?.kind === 'index' && create.name) return create.table.schema ? { schema: create.table.schema, name: create.name } : { name: create.name };
  return undefined;
}

/**
 * True when the relation was created earlier in this file (same section): a table or
 * materialized view (`isNewTable`), or a view, sequence or index the file creates. Nobody else
 * can be using it, so locks on it block nobody.
 */
export function isNewRelation(context: RuleContext<any>, name: { schema?: string; name: string }): boolean {
  if (isNewTable(context, name)) return true;
  const current = context.statement;
  const creations = perFile(context, firstCreations, firstCreations).get(name.name);
  if (!creations) return false;
  const schema = name.schema ?? 'public';
  for (const c of creations) if (c.section === current.section && c.schema === schema) return c.index < current.index;
  return false;
}

/**
 * The first statement of each section that creates each view, sequence or index (`createdObject`),
 * by relation name (a list per name, told apart by section and schema: no key string is built per
 * question, which is asked for every lock of every statement).
 */
function firstCreations(statements: readonly StatementInfo[]): Map<string, Array<{ section: string; schema: string; index: number }>> {
  const first = new Map<string, Array<{ section: string; schema: string; index: number }>>();
  for (const info of statements) {
    const created = info.node ? createdObject(info.node) : unparsedObject(info.unparsedCreate);
    if (!created) continue;
    const schema = created.schema ?? 'public';
    let list = first.get(created.name);
    if (!list) first.set(created.name, (list = []));
    if (!list.some((c) => c.section === info.section && c.schema === schema)) list.push({ section: info.section, schema, index: info.index });
  }
  return first;
}

/** The relation the statement creates, whose own lock blocks nobody (it is invisible until commit). */
export function createdByStatement(stmt: Statement): { schema?: string; name: string } | undefined {
  if (stmt.type === 'CreateTable') return stmt.table;
  if (stmt.type === 'CreateView' && (stmt.materialized || !stmt.orReplace)) return stmt.name;
  return createdObject(stmt);
}

/** The relation a statement names as its subject (the table altered, the index's table...). */
export function mainRelation(stmt: Statement): { schema?: string; name: string } | undefined {
  switch (stmt.type) {
    case 'AlterTable':
    case 'CreateIndex':
    case 'CreateTrigger':
    case 'Insert':
    case 'Update':
    case 'Delete':
      return stmt.table;
    case 'CreateTable':
      return stmt.partitionOf ?? stmt.table;
    case 'RefreshMaterializedView':
    case 'AlterSequence':
    case 'AlterEnum':
      return stmt.name;
    case 'Cluster':
    case 'Repack':
      return stmt.table;
    case 'Truncate':
    case 'LockTable':
    case 'Vacuum':
      return stmt.tables[0];
    case 'Drop':
      return stmt.table ?? stmt.names[0];
    default:
      return undefined;
  }
}

/**
 * Whether a lock of `stmt` falls on a relation nobody else can be using: one created earlier in
 * this file or by the statement itself. Relations the model could not name are judged by the
 * statement's subject: the DEFAULT partition, partitions, indexes or referencing tables of a new
 * table are new too; any other unnamed relation (the tables a foreign key references, each table
 * of a schema) may be in use.
 */
export function lockOnNewRelation(context: RuleContext<any>, stmt: Statement, lock: ResolvedLock): boolean {
  const created = createdByStatement(stmt);
  if (!isUnresolved(lock.relation)) {
    if (created && sameName(created, lock.relation)) return true;
    return isNewRelation(context, lock.relation);
  }
  if (lock.on === 'default_partition' || lock.on === 'partitions' || lock.on === 'referencing_tables' || lock.on === 'index' || lock.on === 'index_table') {
    const main = mainRelation(stmt);
    if (!main) return false;
    if (created && sameName(created, main)) return true;
    return isNewRelation(context, main);
  }
  return false;
}

/**
 * A lock on a relation that may not exist: the DEFAULT partition of a parent (the catalog does not
 * track partitions), the tables that reference the target by foreign key, or the tables a foreign
 * key of a table the catalog does not know references. Such a lock is worth naming next to a
 * definite one, but not reason enough to report a statement on its own.
 */
export function isConditionalLock(context: RuleContext<any>, stmt: Statement, lock: ResolvedLock): boolean {
  if (!isUnresolved(lock.relation)) return false;
  if (lock.on === 'default_partition' || lock.on === 'referencing_tables') return true;
  if (lock.on === 'referenced_table') {
    const main = mainRelation(stmt);
    return !main || context.resolveTable(main) === undefined;
  }
  return false;
}

/** Locks of the effects that make reads or writes of a relation already in use wait. */
export function trafficBlockingLocks(context: RuleContext<any>, stmt: Statement, effects: readonly StatementEffect[]): ResolvedLock[] {
  const out: ResolvedLock[] = [];
  // Index loops: the lock model's answers are frozen arrays, which for...of walks with an iterator object.
  for (let i = 0; i < effects.length; i++) {
    const locks = effects[i]!.locks;
    for (let j = 0; j < locks.length; j++) {
      const lock = locks[j]!;
      if (!blocksReadsOrWrites(lock.mode) || lockOnNewRelation(context, stmt, lock)) continue;
      out.push(lock);
    }
  }
  return out;
}

/** 1-based line of an offset, counted as diagnostics count them (core's LineIndex of the current file, which the engine built). */
export function lineAt(text: string, offset: number): number {
  return LineIndex.of(text).positionAt(offset).line;
}

/** "`ALTER TABLE users ADD COLUMN note text`", whitespace folded and cut at 60 characters. */
export function quoteStatement(text: string, range: Range): string {
  return `\`${excerpt(text.slice(range.start, range.end), 60, '...')}\``;
}

/** From the statement's start to the end of its first line: where a statement-level report goes. */
export function headRange(text: string, range: Range): Range {
  const nl = text.indexOf('\n', range.start);
  const end = nl < 0 || nl > range.end ? range.end : nl;
  const trimmed = text.slice(range.start, end).replace(/\s+$/, '');
  return { start: range.start, end: range.start + Math.max(trimmed.length, 1) };
}

/** Statements of the current section before the current one, in file order. */
export function earlierInSection(context: RuleContext<any>): StatementInfo[] {
  return context.file.statements.filter((s) => s.index < context.statement.index && s.section === context.statement.section);
}

// ---------------------------------------------------------------------------------------------
// Slow work

export interface SlowWork {
  /** "rewrites `orders` and its indexes", "scans all of `orders`", "updates every row of `orders`". */
  what: string;
  /** The same in a few words, for a headline: "rewrites `orders`", "builds an index on `orders`", "updates rows of `users`". */
  short: string;
}

function relationText(rel: LockedRelation | undefined, fallback: string): string {
  if (!rel) return fallback;
  return isUnresolved(rel) ? rel.name : `\`${displayRelation(rel)}\``;
}

/** What an effect of the lock model does that takes time in proportion to the table's size. */
export function effectWork(effect: StatementEffect): string | undefined {
  const on = relationText(effect.subject, 'the table');
  if (effect.rewrite === 'table_and_indexes') return `rewrites ${on} and its indexes`;
  if (effect.rewrite === 'table') return `rewrites ${on}`;
  if (effect.rewrite === 'index') return `rebuilds indexes of ${on}`;
  if (effect.scan === 'two_table_scans') return `scans all of ${on} twice`;
  if (effect.scan === 'table') return effect.operation.id.startsWith('create_index') ? `builds an index by scanning all of ${on}` : `scans all of ${on}`;
  return undefined;
}

/** `effectWork` in a few words, for a headline: "rewrites `orders`", "scans `orders`", "builds an index on `orders`". */
export function effectWorkShort(effect: StatementEffect): string | undefined {
  const on = relationText(effect.subject, 'the table');
  if (effect.rewrite === 'table_and_indexes' || effect.rewrite === 'table') return `rewrites ${on}`;
  if (effect.rewrite === 'index') return `rebuilds indexes of ${on}`;
  if (effect.scan === 'two_table_scans' || effect.scan === 'table') return effect.operation.id.startsWith('create_index') ? `builds an index on ${on}` : `scans ${on}`;
  return undefined;
}

/** Whether the relation an effect works on is empty: created or truncated earlier in this file. */
function workOnEmptyRelation(context: RuleContext<any>, stmt: Statement, effect: StatementEffect): boolean {
  const subject = effect.subject;
  if (!subject || isUnresolved(subject)) {
    const main = mainRelation(stmt);
    return main !== undefined && (isNewRelation(context, main) || emptiedInFile(context, main) === 'truncate');
  }
  const created = createdByStatement(stmt);
  if (created && sameName(created, subject)) return true;
  return isNewRelation(context, subject) || emptiedInFile(context, subject) === 'truncate';
}

/** Equality with a constant or parameter on one column: `id = 5`, `id = $1`, `id IN (1, 2)`. */
function pinnedColumns(where: Expr): Set<string> {
  const out = new Set<string>();
  const constant = (e: Expr): boolean => e.type === 'Literal' || e.type === 'Param' || (e.type === 'Cast' && constant(e.expr));
  const visit = (e: Expr): void => {
    if (e.type === 'LogicalExpr' && e.operator === 'AND') e.args.forEach(visit);
    else if (e.type === 'Comparison' && e.operator === '=') {
      if (e.left.type === 'ColumnRef' && constant(e.right)) out.add(e.left.column);
      else if (e.right.type === 'ColumnRef' && constant(e.left)) out.add(e.right.column);
    } else if (e.type === 'InList' && !e.negated && e.expr.type === 'ColumnRef' && e.list.every(constant)) out.add(e.expr.column);
  };
  visit(where);
  return out;
}

/** A WHERE that pins every column of a primary key or unique index: the statement touches a few rows. */
function isKeyLookup(table: CatalogTable | undefined, where: Expr): boolean {
  if (!table) return false;
  const pinned = pinnedColumns(where);
  const keys = [
    ...table.constraints.filter((c) => (c.kind === 'primary_key' || c.kind === 'unique') && c.columns.length > 0).map((c) => c.columns),
    ...table.indexes.filter((i) => i.unique && !i.partial && i.elements.every((e) => e.column !== undefined)).map((i) => i.elements.map((e) => e.column!)),
  ];
  return keys.some((cols) => cols.every((c) => pinned.has(c)));
}

/** A window function call outside subqueries (`row_number() OVER ()` returns every row). */
function containsWindow(expr: Node): boolean {
  if (expr.type === 'SubqueryExpr') return false;
  if (expr.type === 'FuncCall' && expr.over) return true;
  return childNodes(expr).some(containsWindow);
}

/**
 * Whether the query of an INSERT ... SELECT yields a few rows rather than a copy of a table: one
 * aggregate row (`SELECT max(version) + 1 FROM t`, no GROUP BY), or a read restricted by a
 * constant key equality on a single table (`WHERE id = 1`: a primary or unique key the catalog
 * knows; for a table it does not know, any equality with a constant). Every UNION branch must qualify.
 */
function readsFewRows(context: RuleContext<any>, query: Statement): boolean {
  const branches: Statement[] = [query];
  for (let i = 0; i < branches.length; i++) {
    const branch = branches[i]!;
    if (branch.type !== 'Select') return false;
    if (branch.setOperation) {
      branches.push(branch.setOperation.left, branch.setOperation.right);
      continue;
    }
    if (branch.values) continue;
    if (branch.groupBy.length === 0 && branch.columns.some((c) => containsAggregate(c.expr)) && !branch.columns.some((c) => containsWindow(c.expr))) continue;
    // One table: the WHERE's column names are its own (a join's `o.id = 1` says nothing of `u`).
    const sources = flattenFrom(branch.from);
    const source = sources[0];
    if (!branch.where || sources.length !== 1 || source?.type !== 'TableRef') return false;
    const table = context.resolveTable(source);
    if (table ? !isKeyLookup(table, branch.where) : pinnedColumns(branch.where).size === 0) return false;
  }
  return true;
}

/**
 * Work of `stmt` whose duration grows with the size of a table already in use: a rewrite, a scan
 * or an index build according to the lock model, an UPDATE or DELETE that is not a key lookup (a
 * backfill), or an INSERT ... SELECT that copies rows out of another table (not one that reads
 * a few rows, see readsFewRows). Tables created or
 * truncated earlier in this file are empty and cost nothing.
 */
export function slowWorkOf(context: RuleContext<any>, stmt: Statement, effects: readonly StatementEffect[]): SlowWork | undefined {
  for (let i = 0; i < effects.length; i++) {
    const effect = effects[i]!;
    const what = effectWork(effect);
    if (what && !workOnEmptyRelation(context, stmt, effect)) return { what, short: effectWorkShort(effect) ?? what };
  }
  if (stmt.type === 'Update' || stmt.type === 'Delete') {
    if (stmt.currentOf !== undefined || stmt.limit !== undefined) return undefined;
    if (isNewRelation(context, stmt.table) || emptiedInFile(context, stmt.table) === 'truncate') return undefined;
    const table = context.resolveTable(stmt.table);
    const verb = stmt.type === 'Update' ? 'updates' : 'deletes';
    const name = `\`${displayName(stmt.table)}\``;
    if (!stmt.where) return { what: `${verb} every row of ${name}`, short: `${verb} every row of ${name}` };
    // Without the catalog nothing says whether the condition is selective: leave it.
    if (!table || isKeyLookup(table, stmt.where)) return undefined;
    return { what: `${verb} every row of ${name} that matches its WHERE (not a primary or unique key lookup)`, short: `${verb} rows of ${name}` };
  }
  if (stmt.type === 'Insert' && stmt.source && stmt.source.from.length > 0) {
    if (readsFewRows(context, stmt.source)) return undefined;
    const read = effects.flatMap((e) => e.locks).filter((l) => l.on === 'read_tables' && !isUnresolved(l.relation));
    const inUse = read.filter((l) => !isNewRelation(context, l.relation) && emptiedInFile(context, l.relation) !== 'truncate');
    if (inUse.length === 0) return undefined;
    const sources = inUse.map((l) => `\`${displayRelation(l.relation)}\``);
    return { what: `copies the rows of ${sources.join(', ')} into \`${displayName(stmt.table)}\``, short: `copies rows of ${namesShort(sources)}` };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Transactions, in words

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Why the statement is in a transaction block, naming the migration tool when it is known. */
export function transactionReason(context: RuleContext<any>, kind: TransactionKind): string {
  const tool = context.file.migrationTool;
  if (kind === 'wrapped' && tool && !tool.optedOut) return `${tool.name} runs this file inside a transaction`;
  return transactionKindReason(context, kind);
}

/** How to get a statement out of the transaction block: the tool's own opt-out when it has one. */
export function transactionRemedy(context: RuleContext<any>, kind: TransactionKind): string {
  const tool = context.file.migrationTool;
  if (!tool || tool.optedOut || tool.transaction === 'none') return TRANSACTION_REMEDY[kind];
  const toolRemedy = `${capitalize(tool.remedy)}.`;
  return kind === 'explicit' ? `${TRANSACTION_REMEDY.explicit} ${toolRemedy}` : toolRemedy;
}

/**
 * Each tool's per-file way out of its transaction, as a few words for a headline ("use X in a
 * migration of its own"); `MigrationToolInfo.remedy` has the full wording. dbmate's depends on
 * the section (see `optOutHeadline`).
 */
const TOOL_OPT_OUT_HEADLINE: Readonly<Record<string, string>> = {
  flyway: '`executeInTransaction=false`',
  liquibase: '`runInTransaction:false`',
  goose: '`-- +goose NO TRANSACTION`',
  dbmate: '`-- migrate:up transaction:false`',
  rails: '`disable_ddl_transaction!`',
  django: '`atomic = False`',
  diesel: '`run_in_transaction = false`',
  sqlx: '`-- no-transaction`',
  atlas: '`-- atlas:txmode none`',
};

/** What to do instead, in a few words, with the tools that cannot turn their transaction off per file. */
const TOOL_WORKAROUND_HEADLINE: Readonly<Record<string, string>> = {
  'golang-migrate': 'put it alone in a migration file of its own',
  sqitch: "move it outside the script's BEGIN ... COMMIT",
  prisma: 'put it alone in a migration of its own',
  'node-pg-migrate': 'write this migration in JS/TS with `pgm.noTransaction()`',
  supabase: 'put it in a migration of its own',
  psql: "move it out of the script's BEGIN ... COMMIT",
};

/** The tool's per-file opt-out in a few words ("`-- +goose NO TRANSACTION`"), for the section of the current statement. */
export function optOutHeadline(context: RuleContext<any>): string | undefined {
  const tool = context.file.migrationTool;
  if (!tool?.optOut) return undefined;
  if (tool.id === 'dbmate' && context.statement.section === 'down') return '`-- migrate:down transaction:false`';
  return TOOL_OPT_OUT_HEADLINE[tool.id] ?? tool.optOut;
}

/**
 * `transactionRemedy` in a few words for a headline, lower case and without a final period: "move
 * it out of the BEGIN ... COMMIT block", "use `-- +goose NO TRANSACTION` in a migration of its
 * own", "put it in a migration file of its own". Names the tool only when it is the file's.
 */
export function transactionRemedyHeadline(context: RuleContext<any>, kind: TransactionKind): string {
  if (kind === 'explicit') return 'move it out of the BEGIN ... COMMIT block';
  const tool = context.file.migrationTool;
  if (!tool || tool.optedOut || tool.transaction === 'none') return kind === 'implicit' ? 'put it in a migration file of its own' : "run it in a migration without the tool's transaction";
  const optOut = optOutHeadline(context);
  if (optOut) return `use ${optOut} in a migration of its own`;
  return TOOL_WORKAROUND_HEADLINE[tool.id] ?? `run it outside ${tool.name}'s transaction`;
}

/**
 * How to stop the migration tool from wrapping this file, as a clause for a detail: the tool's own
 * remedy when it is known, neutral advice otherwise (never another tool's opt-out).
 */
export function toolOptOutAdvice(context: RuleContext<any>): string {
  const tool = context.file.migrationTool;
  if (tool && !tool.optedOut && tool.transaction !== 'none') return tool.remedy;
  return 'turn the migration tool\'s transaction off for this migration, or set `migrations.transaction` to "none" if your tool does not wrap files';
}

/** "goose's transaction" when the tool is known, "the migration tool's transaction" otherwise. */
export function toolTransactionPhrase(context: RuleContext<any>): string {
  const tool = context.file.migrationTool;
  // "Liquibase (formatted SQL)" -> "Liquibase".
  return tool && !tool.optedOut ? `${tool.name.replace(/\s*\(.*\)$/, '')}'s transaction` : "the migration tool's transaction";
}

/** Names for a headline: "`a`", "`a` and `b`", "`a` and 3 more". */
export function namesShort(names: readonly string[]): string {
  if (names.length <= 1) return names[0] ?? '';
  if (names.length === 2) return `${names[0]} and ${names[1]}`;
  return `${names[0]} and ${names.length - 1} more`;
}

// ---------------------------------------------------------------------------------------------
// Versions

/** Server versions the lock model distinguishes, oldest first. */
export const MODEL_VERSIONS: readonly number[] = [9.4, 9.5, 9.6, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19];

/** The lock model's effects of `stmt` on another server version (same catalog). */
export function effectsAt(context: RuleContext<any>, stmt: Statement, version: number): StatementEffect[] {
  return describeStatementLocks(stmt, { postgresVersion: version, catalog: context.catalog }).effects;
}

/** The first version after the configured one where the lock model says `test` holds, e.g. where a lock got weaker. */
export function firstVersionAfter(context: RuleContext<any>, stmt: Statement, test: (effects: StatementEffect[]) => boolean): number | undefined {
  return MODEL_VERSIONS.find((v) => v > context.settings.postgresVersion && test(effectsAt(context, stmt, v)));
}

/** "a SHARE UPDATE EXCLUSIVE lock", "an ACCESS EXCLUSIVE lock", for a mode the lock model gave. */
export function aLock(mode: ResolvedLock['mode']): string {
  const sql = lockModeSql(mode);
  return `${/^[AEIOU]/.test(sql) ? 'an' : 'a'} ${sql} lock`;
}
