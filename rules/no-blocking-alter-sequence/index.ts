import { blockedWork, defineRule } from '@sqlwarden/core';
import type { AlterSequence, AlterTable, ResolvedLock, RuleContext, Statement, StatementInfo } from '@sqlwarden/core';
import { describeLocks } from '../_shared/lock-messages.ts';
import { locksHeldByTransaction } from '../_shared/transaction-locks.ts';
import { displayName } from '../_shared/migration.ts';
import { effectsOf, headRange, isNewRelation, isUnresolved, lineAt, quoteStatement, slowWorkOf, transactionReason, type SlowWork } from '../_shared/lock-hygiene.ts';

/** Headline: what waits, for how long, and the remedy. */
const HEADLINE = 'ALTER SEQUENCE blocks nextval() on `{{sequence}}` until commit, while {{laterShort}} still {{verb}}; run it last or in its own transaction';

/** The explanation: the lock, what waits on it, the transaction, the later (slow) work. */
const MESSAGE =
  '{{statement}} takes {{locks}}, which makes every nextval() on it wait: every INSERT that takes its value from the sequence (a serial or identity default) waits until this transaction commits, {{reason}}, and {{later}} still {{verb}} after it{{slow}}. Run the ALTER SEQUENCE in a transaction of its own, or make it the last statement before COMMIT.';

export default defineRule({
  meta: {
    id: 'no-blocking-alter-sequence',
    description:
      'ALTER SEQUENCE followed by more work in the same transaction: from PostgreSQL 10 its lock makes every nextval() on the sequence, and so every INSERT that uses it, wait until the transaction commits.',
    docs: { url: 'https://github.com/sqlwarden/sqlwarden/blob/main/rules/no-blocking-alter-sequence/README.md', recommended: true },
    defaultSeverity: 'warn',
    category: 'migration-safety',
    dialects: ['postgresql'],
    sources: [],
  },
  create(context: RuleContext) {
    const text = context.file.text;

    /** Statements after the current one in the same transaction that do something (not SET, not transaction control). */
    function laterWork(info: StatementInfo): StatementInfo[] {
      return context.file.statements.filter(
        (s) => s.index > info.index && s.section === info.section && s.transactionId === info.transactionId && s.node !== undefined && s.node.type !== 'Transaction' && s.node.type !== 'Set',
      );
    }

    /**
     * Whether an earlier statement of the transaction holds a lock that blocks writes on the table
     * whose serial column the sequence is named after (`orders_id_seq` for `orders.id`): the
     * INSERTs that call nextval() on it already wait for that lock until commit, so the sequence's
     * lock makes nobody wait longer. Matched by PostgreSQL's serial naming, on the table's name when
     * the lock was taken (a table renamed earlier in the transaction still matches its old name).
     */
    function ownerAlreadyWriteLocked(name: { schema?: string; name: string }): boolean {
      const sequence = name.name.toLowerCase();
      if (!sequence.endsWith('_seq')) return false;
      return locksHeldByTransaction(context).some(
        (h) => blockedWork(h.mode).writes && (h.relation.schema ?? 'public') === (name.schema ?? 'public') && sequence.startsWith(`${h.relation.name.toLowerCase()}_`),
      );
    }

    function check(stmt: AlterSequence | AlterTable, name: { schema?: string; name: string }): void {
      const info = context.statement;
      if (!context.file.isMigration || !info.transaction || info.transactionId === undefined) return;
      if (isNewRelation(context, name)) return;
      // The lock model's lock on the sequence; nextval() takes ROW EXCLUSIVE on it (PostgreSQL 10+),
      // so whatever conflicts with writes stops nextval().
      const locks: ResolvedLock[] = effectsOf(context, stmt)
        .flatMap((e) => e.locks)
        .filter((l) => l.on === 'target' && !isUnresolved(l.relation) && blockedWork(l.mode).writes);
      if (locks.length === 0) return;
      if (ownerAlreadyWriteLocked(name)) return;
      const later = laterWork(info);
      if (later.length === 0) return;
      const first = lineAt(text, later[0]!.range.start);
      const last = lineAt(text, later[later.length - 1]!.range.start);
      // The first later statement that does slow work; asking the lock model about all of them cost
      // quadratic time in a long transaction.
      let slow: { s: StatementInfo; work: SlowWork } | undefined;
      for (const s of later) {
        const work = slowWorkOf(context, s.node as Statement, effectsOf(context, s.node as Statement));
        if (work === undefined) continue;
        slow = { s, work };
        break;
      }
      context.report({
        range: headRange(text, stmt.range),
        message: HEADLINE,
        detail: MESSAGE,
        data: {
          statement: quoteStatement(text, stmt.range),
          sequence: displayName(name),
          laterShort: later.length === 1 ? `line ${first}` : first === last ? `${later.length} statements on line ${first}` : `lines ${first}-${last}`,
          locks: describeLocks(locks),
          reason: transactionReason(context, info.transaction),
          later: later.length === 1 ? `the statement at line ${first}` : first === last ? `${later.length} statements on line ${first}` : `lines ${first}-${last}`,
          verb: later.length === 1 ? 'runs' : 'run',
          slow: slow ? `, including ${quoteStatement(text, slow.s.range)}, which ${slow.work.what}` : '',
        },
      });
    }

    return {
      AlterSequence(stmt: AlterSequence) {
        check(stmt, stmt.name);
      },
      AlterTable(stmt: AlterTable) {
        // ALTER SEQUENCE ... RENAME TO / SET SCHEMA / OWNER TO reach the model as ALTER TABLE on a sequence.
        if (stmt.objectKind === 'sequence') check(stmt, stmt.table);
      },
    };
  },
});
