import { defineRule } from '@sqlwarden/core';
import type { AlterTable, RuleContext } from '@sqlwarden/core';
import { isNameRestoredInTransaction, isRenameShim, isTableNewInFile, judgesCompatibility, laterStatements, recreatedInTransaction, shownName } from '../_shared/backward-compat.ts';
import { lineAt } from '../_shared/lock-hygiene.ts';
import { lockSentence } from '../_shared/breaking-change-locks.ts';
import { quoteIdent } from '../_shared/query.ts';

const MESSAGE = 'Renaming {{kind}} `{{old}}` to `{{newName}}` breaks code still using the old name; keep the old name as a view';

const DETAIL =
  'Every running instance of the application that still uses the old name breaks: its queries fail with `relation "{{oldName}}" does not exist` until the new code runs everywhere.{{lock}} Keep the old name working in the same migration with `{{shim}}` (a simple view is updatable, so old code can still read and write), and drop the view once nothing uses the old name.';

/** The old name is given to a new table in the same transaction: it never goes missing, but the rows moved away. */
const RECREATED = 'Renaming {{kind}} `{{old}}` to `{{newName}}` and re-creating `{{old}}` hides its rows from running code; copy them over';

const RECREATED_DETAIL =
  'Renaming {{kind}} `{{old}}` to `{{newName}}` and creating `{{old}}` again later in the same transaction (line {{line}}): running code does not see the name missing (its queries wait for the lock, then use the new `{{old}}`), but it no longer sees the rows, which stay in `{{newName}}`, and prepared statements whose result columns changed fail with `cached plan must not change result type`.{{lock}} If running code still needs those rows, copy them into the new `{{old}}` before the transaction commits.';

const KIND: Readonly<Record<string, string>> = { table: 'table', foreign_table: 'foreign table', view: 'view', materialized_view: 'materialized view' };

function qualified(schema: string | undefined, name: string): string {
  return schema ? `${quoteIdent(schema)}.${quoteIdent(name)}` : quoteIdent(name);
}

export default defineRule({
  meta: {
    id: 'no-rename-table',
    description: 'Disallow renaming existing tables and views in migrations unless a view keeps the old name working: running code that uses the old name breaks.',
    docs: { url: 'https://github.com/sqlwarden/sqlwarden/blob/main/rules/no-rename-table/README.md', recommended: true },
    defaultSeverity: 'error',
    category: 'migration-safety',
    hasSuggestions: true,
    dialects: ['postgresql'],
    sources: [
      { tool: 'squawk', rule: 'renaming-table', note: 'squawk does not accept the compatibility view.' },
      { tool: 'strong_migrations', rule: 'rename_table' },
      { tool: 'atlas', rule: 'BC101', note: 'atlas accepts any later CREATE VIEW with the old name; sqlwarden only a view that passes every row and column through (SELECT * FROM new, updatable).' },
      { tool: 'postgres-language-server', rule: 'renamingTable' },
    ],
  },
  create(context: RuleContext) {
    const text = context.file.text;

    /** Just after the statement's semicolon (or the statement, when it has none). */
    function afterStatement(): { at: number; semicolon: boolean } {
      let i = context.statement.range.end;
      while (i < text.length && /[ \t]/.test(text[i]!)) i++;
      return text[i] === ';' ? { at: i + 1, semicolon: false } : { at: context.statement.range.end, semicolon: true };
    }

    return {
      AlterTable(stmt: AlterTable) {
        const kind = KIND[stmt.objectKind];
        if (!kind || !judgesCompatibility(context) || isTableNewInFile(context, stmt.table)) return;
        for (const action of stmt.actions) {
          if (action.action !== 'rename_table' || !action.newName) continue;
          const newName = { ...(stmt.table.schema ? { schema: stmt.table.schema } : {}), name: action.newName };
          const shimmed = laterStatements(context).some((info) => info.node?.type === 'CreateView' && isRenameShim(info.node, stmt.table, newName));
          if (shimmed || isNameRestoredInTransaction(context, stmt.table)) continue;
          const recreated = recreatedInTransaction(context, stmt.table);
          if (recreated) {
            context.report({
              range: stmt.range,
              message: RECREATED,
              detail: RECREATED_DETAIL,
              data: { kind, old: shownName(stmt.table), newName: action.newName, line: String(lineAt(text, recreated.range.start)), lock: lockSentence(context, stmt, action) },
            });
            continue;
          }
          const lower = /^[a-z]/.test(text.slice(stmt.range.start, stmt.range.start + 1));
          const kw = (words: string): string => (lower ? words.toLowerCase() : words);
          const shim = `${kw('CREATE VIEW')} ${qualified(stmt.table.schema, stmt.table.name)} ${kw('AS SELECT * FROM')} ${qualified(stmt.table.schema, action.newName)};`;
          const { at, semicolon } = afterStatement();
          context.report({
            range: stmt.range,
            message: MESSAGE,
            detail: DETAIL,
            data: { kind, old: shownName(stmt.table), oldName: stmt.table.name, newName: action.newName, lock: lockSentence(context, stmt, action), shim },
            suggestions: [{ desc: 'Add a view under the old name after the rename', fix: { range: [at, at], text: `${semicolon ? ';' : ''}\n${shim}` } }],
          });
        }
      },
    };
  },
});
