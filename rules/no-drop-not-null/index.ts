import { defineRule } from '@sqlwarden/core';
import type { AlterTable, RuleContext } from '@sqlwarden/core';
import { isColumnAddedInFile, isTableNewInFile, judgesCompatibility, shownName } from '../_shared/backward-compat.ts';
import { lockSentence } from '../_shared/breaking-change-locks.ts';
import { alterActionRange } from '../_shared/migration.ts';

const MESSAGES = {
  dropNotNull:
    'Dropping NOT NULL on `{{table}}.{{column}}` lets NULLs in: code, reports and other services that assume it always has a value break at the first NULL written (null dereferences, `NOT IN (SELECT {{column}} ...)` matching nothing, counts that skip rows).{{lock}} Make every reader handle NULL before any code writes one. When this is the first step of removing the column, suppress this report with that reason.',
  primaryKey: 'PostgreSQL rejects DROP NOT NULL on `{{table}}.{{column}}`: the column is part of the primary key (`column "{{column}}" is in a primary key`), so the migration fails here.',
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
        if (!judgesCompatibility(context) || (stmt.objectKind !== 'table' && stmt.objectKind !== 'foreign_table')) return;
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
          if (table?.constraints.some((c) => c.kind === 'primary_key' && c.columns.includes(column))) context.report({ range, message: MESSAGES.primaryKey, data });
          else context.report({ range, message: MESSAGES.dropNotNull, data });
        }
      },
    };
  },
});
