import { defineRule } from '@sqlwarden/core';
import type { AlterTable, RuleContext } from '@sqlwarden/core';
import { isColumnAddedInFile, isTableNewInFile, judgesCompatibility, shownName } from '../_shared/backward-compat.ts';
import { lockSentence } from '../_shared/breaking-change-locks.ts';
import { alterActionRange } from '../_shared/migration.ts';

const MESSAGES = {
  dropNotNull: 'DROP NOT NULL on `{{table}}.{{column}}` lets NULLs reach readers that expect a value; make them handle NULL first',
  primaryKey: 'PostgreSQL rejects DROP NOT NULL on `{{table}}.{{column}}`, a primary key column; drop the primary key first or keep NOT NULL',
};

const DETAILS = {
  dropNotNull:
    'Code, reports and other services that assume `{{table}}.{{column}}` always has a value break at the first NULL written (null dereferences, `NOT IN (SELECT {{column}} ...)` matching nothing, counts that skip rows).{{lock}} Make every reader handle NULL before any code writes one. When this is the first step of removing the column, suppress this report with that reason.',
  primaryKey: 'The column is part of the primary key, so PostgreSQL fails with `column "{{column}}" is in a primary key` and the migration stops here. A primary key column cannot allow NULLs: drop the primary key constraint first if the column really must become nullable.',
};

export default defineRule({
  meta: {
    id: 'no-drop-not-null',
    description: 'Warn on `ALTER COLUMN ... DROP NOT NULL` of existing columns in migrations: readers that assume the column always has a value break once NULLs are written.',
    docs: { url: 'https://github.com/sqlwarden/sqlwarden/blob/main/rules/no-drop-not-null/README.md', recommended: true },
    defaultSeverity: 'warn',
    category: 'migration-safety',
    dialects: ['postgresql'],
    sources: [
      { tool: 'squawk', rule: 'ban-drop-not-null' },
      { tool: 'postgres-language-server', rule: 'banDropNotNull' },
    ],
  },
  create(context: RuleContext) {
    return {
      AlterTable(stmt: AlterTable) {
        if (!context.file.isMigration || (stmt.objectKind !== 'table' && stmt.objectKind !== 'foreign_table')) return;
        // A rollback may drop NOT NULL (that is how it undoes a SET NOT NULL): there only the
        // statements PostgreSQL rejects are worth reporting.
        const judges = judgesCompatibility(context);
        if (isTableNewInFile(context, stmt.table)) return;
        const table = context.resolveTable(stmt.table);
        for (const action of stmt.actions) {
          if (action.action !== 'drop_not_null' || !action.column) continue;
          const column = action.column;
          if (isColumnAddedInFile(context, stmt.table, column)) continue;
          const known = table ? context.catalog.getColumn(table, column) : undefined;
          // Already nullable: nothing changes.
          if (known && !known.notNull) continue;
          const data = { table: shownName(stmt.table), column, lock: lockSentence(context, stmt, action) };
          const range = alterActionRange(context, stmt, action);
          if (table?.constraints.some((c) => c.kind === 'primary_key' && c.columns.includes(column))) context.report({ range, message: MESSAGES.primaryKey, detail: DETAILS.primaryKey, data, fails: true });
          else if (judges) context.report({ range, message: MESSAGES.dropNotNull, detail: DETAILS.dropNotNull, data });
        }
      },
    };
  },
});
