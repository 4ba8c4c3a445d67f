import { defineRule } from '@sqlwarden/core';
import type { Drop, RuleContext } from '@sqlwarden/core';
import { judgesCompatibility } from '../_shared/backward-compat.ts';
import { transactionKindReason } from '../_shared/migration.ts';

const MESSAGES = {
  /** Outside a transaction block: it runs, and deletes everything. */
  deletes: 'DROP DATABASE `{{name}}` deletes the whole database irreversibly; drop databases by hand, not in a migration',
  /** Inside one: PostgreSQL rejects it. */
  fails: 'DROP DATABASE `{{name}}` fails inside a transaction block, as here; drop databases by hand, not in a migration',
  /** Inside the implicit transaction assumed when no migration tool was recognised. */
  wouldFail: 'DROP DATABASE `{{name}}` would fail in the transaction assumed here; drop databases by hand, not in a migration',
};

const DETAIL =
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
        if (stmt.objectKind !== 'database' || !context.file.isMigration) return;
        const transaction = context.statement.transaction;
        // A rollback may drop what its up part created; it is reported only where it fails.
        if (!transaction && !judgesCompatibility(context)) return;
        const assumed = transaction === 'implicit' && context.file.transactionAssumption !== undefined;
        context.report({
          range: stmt.range,
          message: !transaction ? MESSAGES.deletes : assumed ? MESSAGES.wouldFail : MESSAGES.fails,
          detail: DETAIL,
          data: {
            name: stmt.names[0]?.name ?? '',
            transaction: transaction ? `, so here it ${assumed ? 'would fail' : 'fails'}: ${transactionKindReason(context, transaction)}` : '',
          },
          ...(transaction ? { fails: true } : {}),
        });
      },
    };
  },
});
