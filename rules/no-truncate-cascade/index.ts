import { defineRule } from '@sqlwarden/core';
import type { RuleContext, Truncate } from '@sqlwarden/core';
import { isTableNewInFile, judgesCompatibility, shownName } from '../_shared/backward-compat.ts';
import { joinAnd, linkedTables, lockSentence, relationLocks } from '../_shared/breaking-change-locks.ts';

const MESSAGE = 'TRUNCATE ... CASCADE also empties every table that references {{tables}}, recursively; list every table to empty instead';
const DETAIL =
  'CASCADE follows foreign keys: every table that references {{tables}} is emptied too, and every table that references those, recursively{{known}}. Tables this statement does not name lose all their rows, and the data cannot be recovered once this commits.{{lock}} List every table to empty explicitly: without CASCADE, TRUNCATE fails instead of spreading when a referencing table is missing from the list.';

export default defineRule({
  meta: {
    id: 'no-truncate-cascade',
    description: 'Disallow `TRUNCATE ... CASCADE` in migrations: it silently empties every table that references the named ones by foreign key, recursively.',
    docs: { url: 'https://github.com/sqlwarden/sqlwarden/blob/main/rules/no-truncate-cascade/README.md', recommended: true },
    defaultSeverity: 'error',
    category: 'migration-safety',
    dialects: ['postgresql'],
    sources: [
      { tool: 'squawk', rule: 'ban-truncate-cascade' },
      { tool: 'postgres-language-server', rule: 'banTruncateCascade' },
    ],
  },
  create(context: RuleContext) {
    return {
      Truncate(stmt: Truncate) {
        if (!stmt.cascade || !judgesCompatibility(context)) return;
        // Only tables created in this file: nothing older can reference them.
        if (stmt.tables.every((t) => isTableNewInFile(context, t))) return;
        const referencing = linkedTables(relationLocks(context, stmt), 'referencing_tables');
        context.report({
          range: stmt.range,
          message: MESSAGE,
          detail: DETAIL,
          data: {
            tables: joinAnd(stmt.tables.map((t) => `\`${shownName(t)}\``)),
            known: referencing.length ? ` (the catalog knows of ${joinAnd(referencing)})` : '',
            lock: lockSentence(context, stmt),
          },
        });
      },
    };
  },
});
