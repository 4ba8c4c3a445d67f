import { defineRule } from '@sqlwarden/core';
import type { AlterTable, RuleContext } from '@sqlwarden/core';
import { isColumnAddedInFile, isTableNewInFile, judgesCompatibility, shownName } from '../_shared/backward-compat.ts';
import { lockSentence } from '../_shared/breaking-change-locks.ts';

const MESSAGE = 'Renaming `{{table}}.{{column}}` to `{{newName}}` breaks code still using the old name; add a new column instead';

const DETAIL =
  'Every running instance of the application that still uses the old name breaks: from the moment this commits until the new code runs everywhere, its queries fail with `column "{{column}}" does not exist`.{{lock}} Instead, add the new column, write to both (a trigger can copy), backfill, move reads to it, and drop the old column in a later release; or keep the database name and rename only in the application (ORM column mapping).';

export default defineRule({
  meta: {
    id: 'no-rename-column',
    description: 'Disallow `ALTER TABLE ... RENAME COLUMN` on existing tables and views in migrations: running code that uses the old name breaks until it is redeployed.',
    docs: { url: 'https://github.com/sqlwarden/sqlwarden/blob/main/rules/no-rename-column/README.md', recommended: true },
    defaultSeverity: 'error',
    category: 'migration-safety',
    dialects: ['postgresql'],
    sources: [
      { tool: 'squawk', rule: 'renaming-column' },
      { tool: 'strong_migrations', rule: 'rename_column' },
      { tool: 'atlas', rule: 'BC102', note: 'atlas accepts a rename followed by a generated column with the old name; sqlwarden does not: writes to a generated column fail, and adding a STORED one rewrites the table.' },
      { tool: 'postgres-language-server', rule: 'renamingColumn' },
    ],
  },
  create(context: RuleContext) {
    return {
      AlterTable(stmt: AlterTable) {
        if (!judgesCompatibility(context) || stmt.objectKind === 'index' || stmt.objectKind === 'sequence') return;
        if (isTableNewInFile(context, stmt.table)) return;
        for (const action of stmt.actions) {
          if (action.action !== 'rename_column' || !action.column || !action.newName) continue;
          if (isColumnAddedInFile(context, stmt.table, action.column)) continue;
          context.report({
            range: stmt.range,
            message: MESSAGE,
            detail: DETAIL,
            data: { table: shownName(stmt.table), column: action.column, newName: action.newName, lock: lockSentence(context, stmt, action) },
          });
        }
      },
    };
  },
});
