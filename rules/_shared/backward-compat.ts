/**
 * Helpers for the backward-incompatibility rules: which statements to judge (migrations, up
 * direction) and which objects are new in this file, so no deployed code can depend on them.
 */
import type { AlterTable, AlterTableAction, CreateView, QualifiedName, RuleContext, StatementInfo } from '@sqlwarden/core';
import { isNewTable } from './migration.ts';
import { perFile } from './per-file.ts';
import { tableKey } from './transactions.ts';

/**
 * Whether the current statement is a change deployed code can be relying on: one in a migration
 * file. Rollbacks are left to the engine's rollback policy: a down migration undoes its up
 * migration and dropping what the up added is its job, so their findings are reported only with
 * `migrations.rollbacks: "all"` (or when the statement fails as written, `fails`).
 */
export function judgesCompatibility(context: RuleContext<any>): boolean {
  return context.file.isMigration;
}

/** True when an earlier statement of this file (same section) added the column to the table. */
export function isColumnAddedInFile(context: RuleContext<any>, table: { schema?: string; name: string }, column: string): boolean {
  const first = perFile(context, firstColumnAdds, firstColumnAdds).get(`${context.statement.section}\0${tableKey(table)}\0${column}`);
  return first !== undefined && first < context.statement.index;
}

/** The first statement of each section that adds each column, by section, table and column (NUL never occurs in a name). */
function firstColumnAdds(statements: readonly StatementInfo[]): Map<string, number> {
  const first = new Map<string, number>();
  for (const info of statements) {
    const node = info.node;
    if (node?.type !== 'AlterTable') continue;
    for (const action of node.actions) {
      if (action.action !== 'add_column' || action.columnDef?.name === undefined) continue;
      const k = `${info.section}\0${tableKey(node.table)}\0${action.columnDef.name}`;
      if (!first.has(k)) first.set(k, info.index);
    }
  }
  return first;
}

/** True when the table is new in this file (created earlier, so empty and unused by deployed code). */
export function isTableNewInFile(context: RuleContext<any>, table: { schema?: string; name: string }): boolean {
  return isNewTable(context, table);
}

/** Schemas created earlier in this file (`CREATE SCHEMA`), which the model keeps as OtherStatement. */
export function isSchemaCreatedInFile(context: RuleContext<any>, schema: string): boolean {
  const first = perFile(context, firstSchemaCreations, firstSchemaCreations).get(`${context.statement.section}\0${schema}`);
  return first !== undefined && first < context.statement.index;
}

/** The first statement of each section that creates each schema, by section and schema name. */
function firstSchemaCreations(statements: readonly StatementInfo[]): Map<string, number> {
  const first = new Map<string, number>();
  for (const info of statements) {
    const node = info.node;
    if (node?.type !== 'OtherStatement' || node.kind !== 'CreateSchemaStmt') continue;
    // `CREATE SCHEMA AUTHORIZATION role` names the schema after the role.
    const raw = node.raw as { CreateSchemaStmt?: { schemaname?: string; authrole?: { rolename?: string } } } | undefined;
    const name = raw?.CreateSchemaStmt?.schemaname ?? raw?.CreateSchemaStmt?.authrole?.rolename;
    const k = `${info.section}\0${name}`;
    if (name !== undefined && !first.has(k)) first.set(k, info.index);
  }
  return first;
}

/** Later statements of this file in the same section, in order. */
export function laterStatements(context: RuleContext<any>): StatementInfo[] {
  return context.file.statements.filter((info) => info.index > context.statement.index && info.section === context.statement.section);
}

/**
 * A view that keeps an old table name working after a rename: `CREATE VIEW old AS SELECT * FROM new`
 * with nothing else (no WHERE, join, grouping, DISTINCT, LIMIT, set operation or CTE), so it shows
 * every row and, being a simple view, is automatically updatable: old code can still read and write.
 */
export function isRenameShim(view: CreateView, oldName: { schema?: string; name: string }, newName: { schema?: string; name: string }): boolean {
  if (view.materialized || tableKey(view.name) !== tableKey(oldName)) return false;
  const q = view.query;
  if (q.setOperation || q.with.length > 0 || q.where || q.having || q.groupBy.length > 0 || q.distinct || q.limit || q.offset || q.values || q.locking.length > 0) return false;
  if (q.from.length !== 1) return false;
  const from = q.from[0]!;
  if (from.type !== 'TableRef' || tableKey(from) !== tableKey(newName)) return false;
  if (q.columns.length !== 1) return false;
  const star = q.columns[0]!.expr;
  return star.type === 'Star' && (star.table === undefined || star.table === (from.alias ?? from.name));
}

export function shownName(name: { schema?: string; name: string } | QualifiedName): string {
  return name.schema && name.schema !== 'public' ? `${name.schema}.${name.name}` : name.name;
}

/**
 * Whether a later statement of the same transaction gives the name back before it commits with
 * `ALTER TABLE other RENAME TO name`: the table-swap pattern (fill `x_new`, drop or rename `x`,
 * rename `x_new` to `x`). Other sessions never see the name missing, so code that uses it keeps
 * working. A plain `CREATE TABLE name` does not count (an empty table under the old name is data
 * loss), nor does a swap outside a transaction block (the name is missing in between).
 */
export function isNameRestoredInTransaction(context: RuleContext<any>, name: { schema?: string; name: string }): boolean {
  if (!context.statement.transaction) return false;
  const target = tableKey(name);
  for (const info of laterStatements(context)) {
    const node = info.node;
    if (!info.transaction) return false;
    if (node?.type === 'Transaction' && (node.kind === 'commit' || node.kind === 'rollback' || node.kind === 'prepare')) return false;
    if (node?.type === 'AlterTable' && node.objectKind === 'table') {
      for (const action of node.actions) {
        if (action.action === 'rename_table' && action.newName && tableKey({ ...(node.table.schema ? { schema: node.table.schema } : {}), name: action.newName }) === target) return true;
      }
    }
  }
  return false;
}

/**
 * The later statement of the same transaction that creates a table under `name` again
 * (`DROP TABLE x; CREATE TABLE x (...)`), if any. Other sessions never see the name missing: a
 * query on it waits for the drop's lock and, once the transaction commits, PostgreSQL looks the
 * name up again and runs it on the new table (PostgreSQL 15, VERIFICATION.md "Drop and re-create
 * in one transaction"). Outside a transaction block the name is missing in between.
 */
export function recreatedInTransaction(context: RuleContext<any>, name: { schema?: string; name: string }): StatementInfo | undefined {
  const current = context.statement;
  const id = current.transactionId;
  if (!current.transaction || id === undefined) return undefined;
  const target = tableKey(name);
  const statements = context.file.statements;
  for (let i = current.index + 1; i < statements.length; i++) {
    const info = statements[i]!;
    if (info.transactionId !== id || info.section !== current.section) return undefined;
    const node = info.node;
    if (node?.type === 'CreateTable' && tableKey(node.table) === target) return info;
  }
  return undefined;
}

/**
 * The statement that adds `column` back to `table` later in the same ALTER TABLE (after `action`)
 * or in a later statement of the same transaction block, if any. Then no query sees the column
 * missing: the ACCESS EXCLUSIVE lock of the drop holds them until COMMIT, after which the column
 * exists again, empty (PostgreSQL 15, as for a table dropped and re-created:
 * packages/core/src/locks/VERIFICATION.md).
 */
export function columnReaddedInTransaction(context: RuleContext<any>, stmt: AlterTable, action: AlterTableAction, column: string): StatementInfo | undefined {
  const current = context.statement;
  const target = tableKey(stmt.table);
  const adds = (node: AlterTable, from: number): boolean =>
    node.objectKind === stmt.objectKind && tableKey(node.table) === target && node.actions.slice(from).some((a) => a.action === 'add_column' && a.columnDef?.name === column);
  if (adds(stmt, stmt.actions.indexOf(action) + 1)) return current;
  const id = current.transactionId;
  if (!current.transaction || id === undefined) return undefined;
  const statements = context.file.statements;
  for (let i = current.index + 1; i < statements.length; i++) {
    const info = statements[i]!;
    if (info.transactionId !== id || info.section !== current.section) return undefined;
    if (info.node?.type === 'AlterTable' && adds(info.node, 0)) return info;
  }
  return undefined;
}
