import { defineRule } from '@sqlwarden/core';
import type { Drop, RuleContext } from '@sqlwarden/core';
import { judgesCompatibility } from '../_shared/backward-compat.ts';
import { transactionKindReason } from '../_shared/migration.ts';

const MESSAGE =
  'DROP DATABASE `{{name}}` deletes the whole database and everything in it, irreversibly. PostgreSQL refuses while any other session is connected to it (WITH (FORCE), PostgreSQL 13+, terminates those sessions), cannot drop the database the migration is connected to, and cannot run it inside a transaction block{{transaction}}. Drop databases by hand, not in a migration.';

export default defineRule({
  meta: {
    id: 'no-drop-database',
    description: 'Disallow `DROP DATABASE` in migrations: it deletes everything, disconnects or fails on every other session, and cannot run in a transaction block.',
    docs: { url: 'https://github.com/sqlwarden/sqlwarden/blob/main/rules/no-drop-database/README.md', recommended: true },
    defaultSeverity: 'error',
    category: 'migration-safety',
    dialects: ['postgresql'],
    sources: [
      { tool: 'squawk', rule: 'ban-drop-database' },
      { tool: 'postgres-language-server', rule: 'banDropDatabase' },
    ],
  },
  create(context: RuleContext) {
    return {
      Drop(stmt: Drop) {
        if (stmt.objectKind !== 'database' || !judgesCompatibility(context)) return;
        const transaction = context.statement.transaction;
        context.report({
          range: stmt.range,
          message: MESSAGE,
          data: {
            name: stmt.names[0]?.name ?? '',
            transaction: transaction ? `, so here it ${transaction === 'implicit' && context.file.transactionAssumption !== undefined ? 'would fail' : 'fails'}: ${transactionKindReason(context, transaction)}` : '',
          },
        });
      },
    };
  },
});
