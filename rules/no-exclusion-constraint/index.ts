import { defineRule } from '@sqlwarden/core';
import type { AlterTable, ResolvedLock, RuleContext } from '@sqlwarden/core';
import { displayName, emptiedInFile, isNewTable } from '../_shared/migration.ts';
import { blockedOn, describeLocks, effectsOfAction, lockedRelations } from '../_shared/lock-messages.ts';
import { whatItBlocksInTransaction } from '../_shared/transaction-locks.ts';

const MESSAGE = 'ADD EXCLUDE blocks {{blocked}} `{{table}}` while every row is checked; build it on a copy and swap, or run it off-peak';
const DETAIL =
  'ADD EXCLUDE {{constraint}} builds an exclusion index on `{{table}}` and checks every existing row while holding {{locks}}, {{blocks}} for the whole scan and build. PostgreSQL has no NOT VALID and no concurrent form for exclusion constraints. On a large table, create a new table with the constraint, copy the rows in batches while writes go to both, and swap the tables; or run it in a maintenance window with a short lock_timeout.';


export default defineRule({
  meta: {
    id: 'no-exclusion-constraint',
    description: 'Exclusion constraints added to existing tables: a scan and index build under ACCESS EXCLUSIVE, with no NOT VALID or concurrent alternative.',
    docs: { url: 'https://github.com/sqlwarden/sqlwarden/blob/main/rules/no-exclusion-constraint/README.md', recommended: true },
    defaultSeverity: 'error',
    category: 'migration-safety',
    dialects: ['postgresql'],
    sources: [
      { tool: 'strong_migrations', rule: 'add_exclusion_constraint' },
      { tool: 'eugene', rule: 'E8' },
      { tool: 'postgres-language-server', rule: 'banAddExclusionConstraint' },
      { tool: 'squawk', rule: 'constraint-missing-not-valid', note: 'squawk suggests NOT VALID, which PostgreSQL does not accept for EXCLUDE.' },
    ],
  },
  create(context: RuleContext) {
    return {
      AlterTable(stmt: AlterTable) {
        if (!context.file.isMigration || stmt.objectKind !== 'table') return;
        // A table created or truncated earlier in this file is empty: the build is instant.
        if (isNewTable(context, stmt.table) || emptiedInFile(context, stmt.table) === 'truncate') return;
        for (const action of stmt.actions) {
          if (action.action !== 'add_constraint' || action.constraint?.kind !== 'exclusion') continue;
          const locks = lockedRelations(effectsOfAction(context, stmt, action));
          context.report({
            range: action.range,
            message: MESSAGE,
            detail: DETAIL,
            data: {
              blocked: blockedOn(locks),
              constraint: action.constraint.name ? `\`${action.constraint.name}\`` : '(unnamed)',
              table: displayName(stmt.table),
              locks: describeLocks(locks),
              blocks: whatItBlocksInTransaction(context, locks, { verb: 'blocking' }),
            },
          });
        }
      },
    };
  },
});
