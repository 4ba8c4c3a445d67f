/**
 * What a later `ALTER COLUMN ... TYPE` of a column would cost, in words, for the type-hygiene
 * rules (prefer-bigint-id, prefer-text-over-varchar). The answer comes from the lock model.
 *
 * Note: this file was accidentally overwritten while the migration-safety rules were written and
 * `hypotheticalTypeChange` was restored from how its callers use it; the message helpers of
 * those rules live in `lock-messages.ts`.
 */
import { CatalogList } from '@sqlwarden/core';
import type { AlterTable, AlterTableAction, CatalogColumn, CatalogReader, CatalogTable, RuleContext, TypeRef } from '@sqlwarden/core';
import { describeLocks, lockedRelations, statementEffects, whatItBlocks } from './lock-messages.ts';

/**
 * "rewrites `t` and all its indexes while holding an ACCESS EXCLUSIVE lock on `t`, blocking reads
 * and writes on `t` until it finishes", or "only changes the catalog, under a brief ACCESS
 * EXCLUSIVE lock on `t`": the lock model's answer for changing `column` (declared `from`) of
 * `table` to `toName(toModifiers)` on the configured PostgreSQL version.
 */
export function hypotheticalTypeChange(
  context: RuleContext<any>,
  table: { schema?: string; name: string },
  column: string,
  from: TypeRef,
  toName: string,
  toModifiers: number[] = [],
): string {
  const range = { start: 0, end: 0 };
  const qualified = { ...(table.schema ? { schema: table.schema } : {}), name: table.name, range };
  const newType: TypeRef = { type: 'TypeRef', range, name: toName, modifiers: toModifiers, arrayDimensions: from.arrayDimensions, text: toModifiers.length ? `${toName}(${toModifiers.join(', ')})` : toName };
  const action: AlterTableAction = { type: 'AlterTableAction', action: 'alter_column_type', subtype: 'AT_AlterColumnType', column, newType, concurrently: false, ifExists: false, ifNotExists: false, cascade: false, range };
  const stmt: AlterTable = { type: 'AlterTable', objectKind: 'table', table: qualified, only: false, ifExists: false, actions: [action], range };

  // The catalog as if the column existed with its declared type (it may be declared by this very statement).
  const known = context.catalog.getTable(table);
  const columnAsDeclared: CatalogColumn = { name: column, type: from, notNull: false, hasDefault: false };
  const hypothetical: CatalogTable = known
    ? { ...known, columns: known.columns.some((c) => c.name === column) ? known.columns.replace((c) => (c.name === column ? { ...c, type: from } : c)) : known.columns.push(columnAsDeclared) }
    : { schema: table.schema ?? 'public', name: table.name, columns: CatalogList.of([columnAsDeclared]), indexes: CatalogList.empty(), constraints: CatalogList.empty(), partitioned: false, columnsKnown: true };
  const same = (t: { schema?: string; name: string }): boolean => t.name === hypothetical.name && (t.schema ?? hypothetical.schema) === hypothetical.schema;
  const catalog: CatalogReader = {
    getTable: (name) => (same(name) ? hypothetical : context.catalog.getTable(name)),
    getColumn: (t, c) => (same(t) ? hypothetical.columns.find((col) => col.name === c) : context.catalog.getColumn(t, c)),
    tables: () => [...[...context.catalog.tables()].filter((t) => !same(t)), hypothetical],
    tableOfIndex: (name) => context.catalog.tableOfIndex(name),
  };

  const effects = statementEffects({ ...context, catalog }, stmt);
  const locks = lockedRelations(effects);
  if (effects.some((e) => e.rewrite === 'table' || e.rewrite === 'table_and_indexes')) {
    const indexes = effects.some((e) => e.rewrite === 'table_and_indexes') ? ' and all its indexes' : '';
    return `rewrites \`${table.name}\`${indexes} while holding ${describeLocks(locks)}, ${whatItBlocks(locks, { verb: 'blocking' })} until it finishes`;
  }
  if (effects.some((e) => e.rewrite === 'index')) {
    return `rebuilds the indexes on \`${column}\` while holding ${describeLocks(locks)}, ${whatItBlocks(locks, { verb: 'blocking' })} until it finishes`;
  }
  return `only changes the catalog, under a brief hold of ${describeLocks(locks)}`;
}
