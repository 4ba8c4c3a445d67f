import { defineRule, findAll } from '@sqlwarden/core';
import type { AlterTable, CatalogConstraint, ColumnRef, RuleContext } from '@sqlwarden/core';
import { columnReaddedInTransaction, isColumnAddedInFile, isTableNewInFile, judgesCompatibility, shownName } from '../_shared/backward-compat.ts';
import { joinAnd, lockSentence } from '../_shared/breaking-change-locks.ts';
import { lineAt } from '../_shared/lock-hygiene.ts';
import { alterActionRange } from '../_shared/migration.ts';

const MESSAGE = 'Dropping column `{{table}}.{{column}}` breaks code still using it and loses its data; deploy code without it first';

const DETAIL =
  'Every running instance of the application that still uses the column breaks: queries that name it fail with `column "{{column}}" does not exist`, and ORM models that still list it{{ormCache}} fail on every SELECT and INSERT of the table. Its data is gone once this commits{{dependents}}.{{lock}} First deploy code that no longer reads or writes the column{{ignore}}, then drop it in a later migration.';

const READDED_MESSAGE = 'Dropping and re-adding `{{table}}.{{column}}` empties it; change its type with ALTER COLUMN ... TYPE ... USING';

const READDED_DETAIL =
  'Dropping column `{{table}}.{{column}}` and adding it again {{where}} empties it: every row loses its value{{dependents}}, and nothing can be recovered once this commits. Queries never see the column missing (the ACCESS EXCLUSIVE lock holds them until COMMIT), but prepared statements fail with `cached plan must not change result type` if its type changed.{{lock}} To change the type and keep the data, use ALTER COLUMN ... TYPE ... USING, or add a new column, backfill it and switch over.';

/** Tool-specific steps: Rails caches a table's columns at boot and has `ignored_columns` for this. */
function ormAdvice(context: RuleContext, column: string): { ormCache: string; ignore: string } {
  if (context.file.migrationTool?.id === 'rails') return { ormCache: ' (Rails caches the columns at boot)', ignore: ` (\`self.ignored_columns += ["${column}"]\` in the model)` };
  return { ormCache: '', ignore: " (remove it from the application's models)" };
}

/** Whether dropping the column drops the constraint: it lists the column, or its CHECK expression names it. */
function usesColumn(constraint: CatalogConstraint, column: string): boolean {
  if (constraint.columns.includes(column)) return true;
  return constraint.expr !== undefined && findAll(constraint.expr, (n): n is ColumnRef => n.type === 'ColumnRef' && n.column === column).length > 0;
}

export default defineRule({
  meta: {
    id: 'no-drop-column',
    description: 'Disallow `ALTER TABLE ... DROP COLUMN` on existing tables in migrations: running application code that still uses the column breaks, and the data is lost.',
    docs: { url: 'https://github.com/sqlwarden/sqlwarden/blob/main/rules/no-drop-column/README.md', recommended: true },
    defaultSeverity: 'error',
    category: 'migration-safety',
    dialects: ['postgresql'],
    sources: [
      { tool: 'squawk', rule: 'ban-drop-column', note: 'squawk also reports columns of tables created in the same file, and down migrations.' },
      { tool: 'strong_migrations', rule: 'remove_column' },
      { tool: 'atlas', rule: 'DS103' },
      { tool: 'postgres-language-server', rule: 'banDropColumn' },
    ],
  },
  create(context: RuleContext) {
    return {
      AlterTable(stmt: AlterTable) {
        if (!judgesCompatibility(context)) return;
        if (stmt.objectKind !== 'table' && stmt.objectKind !== 'foreign_table') return;
        if (isTableNewInFile(context, stmt.table)) return;
        const table = context.resolveTable(stmt.table);
        for (const action of stmt.actions) {
          if (action.action !== 'drop_column' || !action.column) continue;
          const column = action.column;
          if (isColumnAddedInFile(context, stmt.table, column)) continue;
          // IF EXISTS of a column the catalog knows is absent: nothing is dropped.
          if (action.ifExists && table?.columnsKnown && !context.catalog.getColumn(table, column)) continue;
          const dependents: string[] = [];
          const indexes = (table?.indexes ?? []).filter((i) => i.name && i.elements.some((e) => e.column === column)).map((i) => `\`${i.name}\``);
          if (indexes.length) dependents.push(`${indexes.length > 1 ? 'the indexes' : 'the index'} ${joinAnd(indexes)}`);
          const constraints = (table?.constraints ?? []).filter((c) => c.name && c.kind !== 'primary_key' && c.kind !== 'unique' && usesColumn(c, column)).map((c) => `\`${c.name}\``);
          if (constraints.length) dependents.push(`${constraints.length > 1 ? 'the constraints' : 'the constraint'} ${joinAnd(constraints)}`);
          if (action.cascade) dependents.push('every view and foreign key that depends on it (CASCADE)');
          const readded = columnReaddedInTransaction(context, stmt, action, column);
          context.report({
            range: alterActionRange(context, stmt, action),
            message: readded ? READDED_MESSAGE : MESSAGE,
            detail: readded ? READDED_DETAIL : DETAIL,
            data: {
              ...ormAdvice(context, column),
              table: shownName(stmt.table),
              column,
              where: readded === context.statement ? 'in the same ALTER TABLE' : `at line ${lineAt(context.file.text, readded?.range.start ?? 0)} of the same transaction`,
              dependents: dependents.length ? `, along with ${joinAnd(dependents)}` : '',
              lock: lockSentence(context, stmt, action),
            },
          });
        }
      },
    };
  },
});
