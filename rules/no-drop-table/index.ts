import { defineRule } from '@sqlwarden/core';
import type { Drop, RuleContext } from '@sqlwarden/core';
import { isNameRestoredInTransaction, isTableNewInFile, judgesCompatibility, shownName } from '../_shared/backward-compat.ts';
import { joinAnd, linkedTables, lockSentence, relationLocks } from '../_shared/breaking-change-locks.ts';

const MESSAGE =
  'Dropping {{what}} breaks every running instance of the application that still uses {{it}} (`relation "{{first}}" does not exist`), and {{its}} data is gone for good once this commits{{cascade}}.{{lock}} First deploy code that no longer uses {{it}}, then drop {{it}} in a later migration; drop {{its}} foreign keys{{referenced}} in earlier migrations, each with a short lock_timeout, so this statement does not have to lock the tables they reference.';

export default defineRule({
  meta: {
    id: 'no-drop-table',
    description: 'Disallow `DROP TABLE` of existing tables in migrations: running code that uses the table breaks, its data is lost, and the tables it references by foreign key are locked too.',
    docs: { url: 'https://github.com/sqlwarden/sqlwarden/blob/main/rules/no-drop-table/README.md', recommended: true },
    defaultSeverity: 'error',
    category: 'migration-safety',
    dialects: ['postgresql'],
    sources: [
      { tool: 'squawk', rule: 'ban-drop-table', note: 'squawk also reports tables created in the same file, and down migrations.' },
      { tool: 'atlas', rule: 'DS102' },
      { tool: 'postgres-language-server', rule: 'banDropTable' },
    ],
  },
  create(context: RuleContext) {
    return {
      Drop(stmt: Drop) {
        if (stmt.objectKind !== 'table' || !judgesCompatibility(context)) return;
        // New tables, and tables swapped for a replacement under the same name in the same transaction.
        const existing = stmt.names.filter((n) => !isTableNewInFile(context, n) && !isNameRestoredInTransaction(context, n));
        if (existing.length === 0) return;
        const shown = existing.map((n) => `\`${shownName(n)}\``);
        const referenced = linkedTables(relationLocks(context, stmt), 'referenced_table');
        context.report({
          range: stmt.range,
          message: MESSAGE,
          data: {
            what: existing.length > 1 ? `tables ${joinAnd(shown)}` : `table ${shown[0]}`,
            first: existing[0]!.name,
            it: existing.length > 1 ? 'them' : 'it',
            its: existing.length > 1 ? 'their' : 'its',
            cascade: stmt.cascade ? `; CASCADE also drops the views that use ${existing.length > 1 ? 'them' : 'it'} and the foreign keys of other tables that reference ${existing.length > 1 ? 'them' : 'it'}` : '',
            lock: lockSentence(context, stmt),
            referenced: referenced.length ? ` (to ${joinAnd(referenced)})` : '',
          },
        });
      },
    };
  },
});
