import type { StatementInfo, TransactionKind } from '../rule.ts';
import type { MigrationTransactionMode } from '../types.ts';

/**
 * Decides, for each statement, whether it runs inside a transaction block and why:
 * an explicit BEGIN...COMMIT, the migration tool wrapping the file, or a multi-statement file
 * sent as one query string (PostgreSQL runs that as one implicit transaction).
 */
export function assignTransactions(statements: StatementInfo[], mode: MigrationTransactionMode): void {
  for (const section of ['up', 'down'] as const) {
    const inSection = statements.filter((s) => s.section === section);
    let explicitDepth = 0;
    const implicitApplies = mode === 'implicit' && inSection.length > 1;
    for (const stmt of inSection) {
      const node = stmt.node;
      const isBegin = node?.type === 'Transaction' && node.kind === 'begin';
      const isEnd = node?.type === 'Transaction' && (node.kind === 'commit' || node.kind === 'rollback');
      let kind: TransactionKind | undefined;
      if (explicitDepth > 0 || isEnd) kind = 'explicit';
      else if (mode === 'wrapped') kind = 'wrapped';
      else if (implicitApplies && !isBegin) kind = 'implicit';
      if (kind) stmt.transaction = kind;
      else delete stmt.transaction;
      if (isBegin) explicitDepth++;
      if (isEnd && explicitDepth > 0) explicitDepth--;
    }
  }
}
