import { defineRule, expressionVolatility, storageTypeName, walk } from '@sqlwarden/core';
import type { AlterTable, AlterTableAction, ColumnDef, Expr, Node, Range, RuleContext } from '@sqlwarden/core';
import { displayName, emptiedInFile, isEmptyNewTable, isNewTable } from '../_shared/migration.ts';
import { hasValidatedNotNullCheck, notNullProvenInFile } from '../_shared/not-null.ts';

type DefaultVolatility = { kind: 'volatile' | 'unknown'; fn: string } | { kind: 'stable' };

/** The lock model's volatility classification (one list for the whole engine). */
function volatilityOf(expr: Expr): DefaultVolatility {
  const { volatileFunction, unknownFunction } = expressionVolatility(expr);
  if (volatileFunction) return { kind: 'volatile', fn: volatileFunction };
  if (unknownFunction) return { kind: 'unknown', fn: unknownFunction };
  return { kind: 'stable' };
}

const REWRITE = 'rewrites `{{table}}` and all its indexes under an ACCESS EXCLUSIVE lock, blocking reads and writes for the whole rewrite';
const BACKFILL = 'Add the column without a default, set the default in a separate `ALTER COLUMN {{column}} SET DEFAULT ...` (it applies to new rows only), and backfill existing rows in batches.';
const WITHOUT_DEFAULT = 'add it without one, then SET DEFAULT';

const MESSAGES = {
  notNullWithoutDefault: 'ADD COLUMN `{{column}}` NOT NULL without a DEFAULT fails on a table with rows; add it nullable and backfill, or add a DEFAULT',
  volatileDefault: `ADD COLUMN \`{{column}}\` rewrites \`{{table}}\` for its volatile default \`{{fn}}()\`; ${WITHOUT_DEFAULT}`,
  maybeVolatileDefault: `ADD COLUMN \`{{column}}\` rewrites \`{{table}}\` if its default \`{{fn}}()\` is volatile; ${WITHOUT_DEFAULT}`,
  oldVersionDefault: `Before PostgreSQL 11, ADD COLUMN \`{{column}}\` with a DEFAULT rewrites \`{{table}}\`; ${WITHOUT_DEFAULT}`,
  // By target version: the way to NOT NULL without the scan differs.
  setNotNull18: '{{what}} on `{{table}}.{{column}}` blocks reads and writes for a full scan; add NOT NULL ... NOT VALID, then VALIDATE it',
  setNotNull12: '{{what}} on `{{table}}.{{column}}` blocks reads and writes for a full scan; prove it with a validated CHECK first',
  setNotNull11: '{{what}} on `{{table}}.{{column}}` blocks reads and writes for a full scan; before PostgreSQL 12, keep a validated CHECK instead',
};

const DETAILS = {
  notNullWithoutDefault:
    'The new column is NULL in every existing row, and PostgreSQL checks them all under an ACCESS EXCLUSIVE lock: on any non-empty table the statement fails (`column "{{column}}" of relation "{{relation}}" contains null values`), though it passes on an empty one. Add it nullable, backfill in batches, then enforce NOT NULL with {{recipe}}; or give it a constant DEFAULT (no rewrite on PostgreSQL 11+).',
  volatileDefault: `The default \`{{fn}}()\` of \`{{column}}\` is volatile: it is computed for every existing row, so ADD COLUMN ${REWRITE}. ${BACKFILL}`,
  maybeVolatileDefault: `If \`{{fn}}()\` is volatile, it is computed for every existing row, and ADD COLUMN \`{{column}}\` ${REWRITE}; a STABLE or IMMUTABLE default is evaluated once and rewrites nothing. Only the function's CREATE FUNCTION says which: if it is STABLE or IMMUTABLE, declare it so. If it is volatile: ${BACKFILL}`,
  oldVersionDefault: `Before PostgreSQL 11 (target: {{version}}), any DEFAULT on ADD COLUMN is written into every existing row: it ${REWRITE}. ${BACKFILL}`,
  setNotNull: '{{what}} on `{{table}}.{{column}}` scans the whole table under an ACCESS EXCLUSIVE lock, blocking reads and writes until every row is checked. {{recipe}}',
};

function setNotNullMessage(version: number): string {
  if (version >= 18) return MESSAGES.setNotNull18;
  return version >= 12 ? MESSAGES.setNotNull12 : MESSAGES.setNotNull11;
}

/** The safe way to make an existing column NOT NULL on the target version. */
function notNullRecipe(version: number, column: string): string {
  if (version >= 18) {
    return `Instead, backfill NULLs in batches, then \`ADD CONSTRAINT c NOT NULL ${column} NOT VALID\` and \`VALIDATE CONSTRAINT c\`, which scans without blocking reads or writes (PostgreSQL 18+).`;
  }
  if (version >= 12) {
    return `Instead, backfill NULLs in batches, \`ADD CONSTRAINT c CHECK (${column} IS NOT NULL) NOT VALID\`, \`VALIDATE CONSTRAINT c\` (does not block reads or writes), then SET NOT NULL (no scan) and drop the check.`;
  }
  return `Before PostgreSQL 12 (target: ${version}) it scans even when a CHECK constraint proves the column has no NULLs: keep a validated \`CHECK (${column} IS NOT NULL)\` (added NOT VALID, then VALIDATE CONSTRAINT) instead of NOT NULL until you upgrade.`;
}

/** Short form of the recipe for a column that does not exist yet. */
function shortRecipe(version: number, column: string): string {
  if (version >= 18) return `\`ADD CONSTRAINT c NOT NULL ${column} NOT VALID\` + \`VALIDATE CONSTRAINT c\``;
  return `\`CHECK (${column} IS NOT NULL) NOT VALID\` + \`VALIDATE CONSTRAINT\`${version >= 12 ? ' + SET NOT NULL' : ''}`;
}

export default defineRule({
  meta: {
    id: 'no-unsafe-not-null',
    description: 'NOT NULL columns and defaults added to existing tables in ways that fail, scan or rewrite the table under an ACCESS EXCLUSIVE lock.',
    docs: { url: 'https://github.com/sqlwarden/sqlwarden/blob/main/rules/no-unsafe-not-null/README.md', recommended: true },
    defaultSeverity: 'error',
    category: 'migration-safety',
    dialects: ['postgresql'],
    sources: [
      { tool: 'squawk', rule: 'adding-required-field' },
      { tool: 'squawk', rule: 'adding-not-nullable-field', note: 'squawk flags every SET NOT NULL; sqlwarden stays silent when a validated CHECK proves it (PG 12+)' },
      { tool: 'squawk', rule: 'adding-field-with-default', note: 'volatile defaults only; serial, identity and stored generated columns are no-table-rewrite' },
      { tool: 'strong_migrations', rule: 'add_column_default' },
      { tool: 'strong_migrations', rule: 'change_column_null' },
      { tool: 'eugene', rule: 'E2' },
      { tool: 'atlas', rule: 'MF103' },
      { tool: 'atlas', rule: 'PG302' },
      { tool: 'atlas', rule: 'PG303' },
    ],
  },
  create(context: RuleContext) {
    const version = context.settings.postgresVersion;

    function addColumn(stmt: AlterTable, action: AlterTableAction, def: ColumnDef, noLiveRows: boolean, unused: boolean): void {
      const data = { table: displayName(stmt.table), relation: stmt.table.name, column: def.name, version, type: def.dataType.text || def.dataType.name };
      const node = action;
      // Generated, identity and serial columns rewrite the table too; no-table-rewrite reports them.
      if (def.constraints.some((c) => c.kind === 'generated' || c.kind === 'identity')) return;
      if (storageTypeName(def.dataType.name) !== def.dataType.name) return;
      const defaultExpr = def.default && !(def.default.type === 'Literal' && def.default.kind === 'null') ? def.default : undefined;
      if (defaultExpr) {
        if (unused) return;
        const volatility = volatilityOf(defaultExpr);
        if (volatility.kind === 'volatile') context.report({ node, message: MESSAGES.volatileDefault, detail: DETAILS.volatileDefault, data: { ...data, fn: volatility.fn } });
        else if (version < 11) context.report({ node, message: MESSAGES.oldVersionDefault, detail: DETAILS.oldVersionDefault, data });
        else if (volatility.kind === 'unknown') context.report({ node, message: MESSAGES.maybeVolatileDefault, detail: DETAILS.maybeVolatileDefault, data: { ...data, fn: volatility.fn } });
        return;
      }
      if (def.notNull && !noLiveRows) {
        // PostgreSQL rejects the statement on any table with rows: worth reporting in a rollback too.
        context.report({ node, message: MESSAGES.notNullWithoutDefault, detail: DETAILS.notNullWithoutDefault, data: { ...data, recipe: shortRecipe(version, def.name) }, fails: true });
      }
    }

    function setNotNull(stmt: AlterTable, range: Range, column: string, what: string): void {
      const table = context.resolveTable(stmt.table);
      const known = table && context.catalog.getColumn(table, column);
      // Already NOT NULL: PostgreSQL does nothing.
      if (known?.notNull) return;
      // PostgreSQL 12+ skips the scan when a validated CHECK proves the column has no NULLs: known
      // to the catalog, or shown by this file (the recipe on a table whose CREATE TABLE was not seen).
      if (version >= 12 && ((table && hasValidatedNotNullCheck(table, column)) || notNullProvenInFile(context, stmt.table, column))) return;
      context.report({ range, message: setNotNullMessage(version), detail: DETAILS.setNotNull, data: { what, table: displayName(stmt.table), column, recipe: notNullRecipe(version, column) } });
    }

    return {
      AlterTable(stmt: AlterTable) {
        if (!context.file.isMigration || stmt.objectKind !== 'table') return;
        // A table created empty earlier in this file: nothing to scan, fail on or rewrite. (One
        // created by CREATE TABLE AS / SELECT INTO holds the copied rows.)
        if (isEmptyNewTable(context, stmt.table)) return;
        // Filled by CREATE TABLE AS earlier in this file: nobody else uses it yet, so a scan or
        // rewrite under its lock blocks nobody; only a NOT NULL column without a default still fails.
        const filledNew = isNewTable(context, stmt.table);
        // Emptied earlier in this file: a NOT NULL column cannot fail; after TRUNCATE, scans and
        // rewrites are also instant (after DELETE the dead rows are still read).
        const emptied = emptiedInFile(context, stmt.table);
        if (emptied === 'truncate') return;
        for (const action of stmt.actions) {
          if (action.action === 'add_column' && action.columnDef) addColumn(stmt, action, action.columnDef, emptied === 'delete', filledNew);
          else if (filledNew) continue;
          else if (action.action === 'set_not_null' && action.column) setNotNull(stmt, action.range, action.column, 'SET NOT NULL');
          else if (action.action === 'add_constraint' && action.constraint?.kind === 'not_null' && !action.constraint.notValid && action.constraint.columns[0]) {
            // PostgreSQL 18's `ADD CONSTRAINT c NOT NULL col` without NOT VALID scans like SET NOT NULL.
            setNotNull(stmt, action.range, action.constraint.columns[0], 'ADD CONSTRAINT ... NOT NULL');
          }
        }
      },
    };
  },
});
