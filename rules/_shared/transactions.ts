/**
 * Which earlier statements of a file share the current statement's transaction block, so rules
 * can tell that a lock taken earlier is still held (PostgreSQL releases table locks only at the
 * end of the transaction).
 */
import type { RuleContext, StatementInfo } from '@sqlwarden/core';

/**
 * Earlier statements of this file that run in the same transaction block as the current one,
 * nearest first; empty when the current statement runs on its own (autocommit). The engine
 * numbers the transactions (`transactionId`), from BEGIN/COMMIT, the migration tool and the
 * `migrations.transaction` setting. Transaction-control statements themselves are left out.
 */
export function earlierInSameTransaction(context: RuleContext<any>): StatementInfo[] {
  const current = context.statement;
  if (!current.transaction || current.transactionId === undefined) return [];
  return context.file.statements
    .filter((s) => s.index < current.index && s.section === current.section && s.transactionId === current.transactionId && s.node?.type !== 'Transaction')
    .reverse();
}

/** `schema.name` with the default schema filled in, to compare table names across statements. */
export function tableKey(name: { schema?: string; name: string }): string {
  return `${name.schema ?? 'public'}.${name.name}`;
}

/** Whether two names denote the same table, through the catalog when it knows them. */
export function sameTable(context: RuleContext<any>, a: { schema?: string; name: string }, b: { schema?: string; name: string }): boolean {
  const ta = context.resolveTable(a);
  const tb = context.resolveTable(b);
  if (ta && tb) return ta.schema === tb.schema && ta.name === tb.name;
  return tableKey(a) === tableKey(b);
}
