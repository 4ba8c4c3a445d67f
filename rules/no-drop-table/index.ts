import { defineRule } from '@sqlwarden/core';
import type { Drop, RuleContext } from '@sqlwarden/core';
import { isNameRestoredInTransaction, isTableNewInFile, judgesCompatibility, recreatedInTransaction, shownName } from '../_shared/backward-compat.ts';
import { lineAt } from '../_shared/lock-hygiene.ts';
import { joinAnd, linkedTables, lockSentence, relationLocks } from '../_shared/breaking-change-locks.ts';

const MESSAGE = 'Dropping {{whatShort}} breaks code still using {{it}} and loses {{its}} data; deploy code without {{it}} first';

const DETAIL =
  'Dropping {{what}} breaks every running instance of the application that still uses {{it}} (`relation "{{first}}" does not exist`), and {{its}} data is gone for good once this commits{{cascade}}.{{lock}} First deploy code that no longer uses {{it}}, then drop {{it}} in a later migration; drop {{its}} foreign keys{{referenced}} in earlier migrations, each with a short lock_timeout, so this statement does not have to lock the tables they reference.';

/** The name comes back in the same transaction: no "does not exist" for running code, but the rows are gone. */
const RECREATED = 'Dropping {{whatShort}} and re-creating {{it}} at line {{line}} loses {{its}} rows; fill a new table and swap names instead';

const RECREATED_DETAIL =
  'Dropping {{what}} and creating {{it}} again later in the same transaction (line {{line}}) leaves {{it}} empty: {{its}} data is gone for good once this commits{{cascade}}. Running code does not see the name missing (its queries wait for the lock, then use the new {{table}}), but prepared statements whose result columns changed fail with `cached plan must not change result type`.{{lock}} If the rows matter, build the new table under another name, copy them into it, then drop {{old}} and rename the new table to {{old}} in one transaction.';

/** "table `a`", "tables `a` and `b`", "tables `a` and 2 more": few enough names for a headline. */
function tablesShort(shown: readonly string[]): string {
  if (shown.length === 1) return `table ${shown[0]}`;
  return shown.length === 2 ? `tables ${joinAnd(shown)}` : `tables ${shown[0]} and ${shown.length - 1} more`;
}

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
        const dropped = stmt.names.filter((n) => !isTableNewInFile(context, n) && !isNameRestoredInTransaction(context, n));
        const recreated = dropped.map((n) => ({ name: n, at: recreatedInTransaction(context, n) })).filter((r) => r.at !== undefined);
        const existing = dropped.filter((n) => !recreated.some((r) => r.name === n));
        const cascade = (them: boolean): string => (stmt.cascade ? `; CASCADE also drops the views that use ${them ? 'them' : 'it'} and the foreign keys of other tables that reference ${them ? 'them' : 'it'}` : '');
        if (recreated.length > 0) {
          const shown = recreated.map((r) => `\`${shownName(r.name)}\``);
          const many = recreated.length > 1;
          context.report({
            range: stmt.range,
            message: RECREATED,
            detail: RECREATED_DETAIL,
            data: {
              what: many ? `tables ${joinAnd(shown)}` : `table ${shown[0]}`,
              whatShort: tablesShort(shown),
              it: many ? 'them' : 'it',
              its: many ? 'their' : 'its',
              table: many ? 'tables' : 'table',
              line: [...new Set(recreated.map((r) => String(lineAt(context.file.text, r.at!.range.start))))].join(', '),
              cascade: cascade(many),
              lock: lockSentence(context, stmt),
              old: many ? 'each old one' : shown[0]!,
            },
          });
        }
        if (existing.length === 0) return;
        const shown = existing.map((n) => `\`${shownName(n)}\``);
        const referenced = linkedTables(relationLocks(context, stmt), 'referenced_table');
        context.report({
          range: stmt.range,
          message: MESSAGE,
          detail: DETAIL,
          data: {
            what: existing.length > 1 ? `tables ${joinAnd(shown)}` : `table ${shown[0]}`,
            whatShort: tablesShort(shown),
            first: existing[0]!.name,
            it: existing.length > 1 ? 'them' : 'it',
            its: existing.length > 1 ? 'their' : 'its',
            cascade: cascade(existing.length > 1),
            lock: lockSentence(context, stmt),
            referenced: referenced.length ? ` (to ${joinAnd(referenced)})` : '',
          },
        });
      },
    };
  },
});
