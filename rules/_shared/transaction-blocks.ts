/**
 * Replays a file's transaction-control statements the way the PostgreSQL server sees them
 * (src/backend/access/transam/xact.c), for the rules about transaction structure. Checked on
 * PostgreSQL 15 with psql -f and with multi-statement query strings:
 *
 * - BEGIN inside a transaction block is ignored with WARNING "there is already a transaction in
 *   progress"; there are no nested transactions, so the next COMMIT ends the outer one.
 * - COMMIT/ROLLBACK outside a transaction block only warn "there is no transaction in progress".
 * - In a multi-statement query string (an implicit transaction block) BEGIN turns the block into
 *   a regular one; COMMIT/ROLLBACK warn but do commit or roll back the statements before them,
 *   and the rest of the string runs in a new implicit block.
 * - SAVEPOINT, RELEASE and ROLLBACK TO outside a regular block, and COMMIT/ROLLBACK AND CHAIN
 *   outside one, are errors.
 * - A file that the migration tool wraps starts inside the tool's transaction block.
 */
import type { RuleContext, StatementInfo, TransactionStatement } from '@sqlwarden/core';
import { lineAt } from './lock-hygiene.ts';

/** How the statements of one section (goose Up or Down...) reach the server. */
export type FileMode = 'wrapped' | 'implicit' | 'none';

export type TransactionProblem =
  /** BEGIN while a BEGIN of this file is open. */
  | { kind: 'nested-begin'; statement: StatementInfo; node: TransactionStatement; openedBy: StatementInfo; nextEnd?: StatementInfo }
  /** BEGIN inside the transaction the migration tool wraps the file in. */
  | { kind: 'begin-in-tool-transaction'; statement: StatementInfo; node: TransactionStatement; nextEnd?: StatementInfo }
  /** COMMIT/ROLLBACK that ends the tool's transaction in the middle of the file. */
  | { kind: 'ends-tool-transaction'; statement: StatementInfo; node: TransactionStatement }
  /** COMMIT/ROLLBACK in a multi-statement query string without BEGIN: ends the implicit transaction. */
  | { kind: 'ends-implicit-transaction'; statement: StatementInfo; node: TransactionStatement }
  /** COMMIT/ROLLBACK with no transaction open. */
  | { kind: 'end-without-transaction'; statement: StatementInfo; node: TransactionStatement }
  /** SAVEPOINT, RELEASE, ROLLBACK TO, or COMMIT/ROLLBACK AND CHAIN outside a transaction block: an error. */
  | { kind: 'needs-transaction-block'; statement: StatementInfo; node: TransactionStatement; implicit: boolean };

export interface TransactionAnalysis {
  section: 'up' | 'down';
  mode: FileMode;
  problems: TransactionProblem[];
  /** The BEGIN whose transaction is still open after the last statement, unless the tool commits it. */
  leftOpen?: StatementInfo;
  /** The last statement of the section, where a missing COMMIT goes. */
  last?: StatementInfo;
}

/** The mode the engine assigned to the section, read back from its statements. */
export function sectionMode(statements: readonly StatementInfo[]): FileMode {
  if (statements.some((s) => s.toolWrapped || s.transaction === 'wrapped')) return 'wrapped';
  if (statements.some((s) => s.transaction === 'implicit')) return 'implicit';
  return 'none';
}

function isChain(node: TransactionStatement): boolean {
  const raw = node.raw as { TransactionStmt?: { chain?: boolean } } | undefined;
  return raw?.TransactionStmt?.chain === true;
}

/** Analyses each section of the file (sections run as separate invocations). */
export function analyzeTransactions(context: RuleContext<any>): TransactionAnalysis[] {
  const out: TransactionAnalysis[] = [];
  for (const section of ['up', 'down'] as const) {
    const statements = context.file.statements.filter((s) => s.section === section);
    if (statements.length === 0) continue;
    const mode = sectionMode(statements);
    const problems: TransactionProblem[] = [];
    // What the server has open: the tool's transaction, one a BEGIN of this file opened, or an
    // implicit block of a multi-statement query string.
    // After a transaction ends, the rest of a multi-statement query string runs in a new implicit
    // block; otherwise each statement autocommits.
    const idle: 'implicit' | undefined = mode === 'implicit' ? 'implicit' : undefined;
    let open: 'tool' | 'begin' | 'implicit' | undefined = mode === 'wrapped' ? 'tool' : idle;
    let openedBy: StatementInfo | undefined;
    // BEGINs the server ignored; the extra COMMIT each one leaves behind is explained by its report.
    let ignoredBegins = 0;
    // The COMMIT or ROLLBACK after each statement, worked out in one pass from the end: a file
    // of thousands of BEGINs must not search the rest of the file for each one.
    const endAfter = new Map<StatementInfo, StatementInfo>();
    let followingEnd: StatementInfo | undefined;
    for (let i = statements.length - 1; i >= 0; i--) {
      const s = statements[i]!;
      if (followingEnd) endAfter.set(s, followingEnd);
      if (s.node?.type === 'Transaction' && (s.node.kind === 'commit' || s.node.kind === 'rollback')) followingEnd = s;
    }
    const nextEnd = (from: StatementInfo): StatementInfo | undefined => endAfter.get(from);

    for (const statement of statements) {
      const node = statement.node;
      if (node?.type !== 'Transaction') continue;
      switch (node.kind) {
        case 'begin': {
          if (open === 'begin' && openedBy) {
            const end = nextEnd(statement);
            problems.push({ kind: 'nested-begin', statement, node, openedBy, ...(end ? { nextEnd: end } : {}) });
            ignoredBegins++;
          } else if (open === 'tool') {
            const end = nextEnd(statement);
            problems.push({ kind: 'begin-in-tool-transaction', statement, node, ...(end ? { nextEnd: end } : {}) });
            ignoredBegins++;
          } else {
            open = 'begin';
            openedBy = statement;
          }
          break;
        }
        case 'commit':
        case 'rollback': {
          const chain = isChain(node);
          if (open === 'begin') {
            if (!chain) {
              open = idle;
              openedBy = undefined;
            }
          } else if (open === 'tool') {
            if (ignoredBegins > 0) ignoredBegins--;
            else problems.push({ kind: 'ends-tool-transaction', statement, node });
            if (!chain) open = undefined;
          } else if (chain) {
            problems.push({ kind: 'needs-transaction-block', statement, node, implicit: open === 'implicit' });
          } else if (open === 'implicit') {
            problems.push({ kind: 'ends-implicit-transaction', statement, node });
          } else if (ignoredBegins > 0) {
            ignoredBegins--;
          } else {
            problems.push({ kind: 'end-without-transaction', statement, node });
          }
          break;
        }
        case 'prepare':
          if (open === 'begin' || open === 'tool') {
            open = idle;
            openedBy = undefined;
          }
          break;
        case 'savepoint':
        case 'release':
        case 'rollback_to':
          if (open !== 'begin' && open !== 'tool') problems.push({ kind: 'needs-transaction-block', statement, node, implicit: open === 'implicit' });
          break;
        default:
          break;
      }
    }
    const analysis: TransactionAnalysis = { section, mode, problems };
    // In a wrapped file the tool's own COMMIT ends whatever is open.
    if (open === 'begin' && openedBy && mode !== 'wrapped') analysis.leftOpen = openedBy;
    const last = statements[statements.length - 1];
    if (last) analysis.last = last;
    out.push(analysis);
  }
  return out;
}

/** "COMMIT", "ROLLBACK", "SAVEPOINT"... as written at the start of the statement. */
export function transactionKeyword(statement: StatementInfo): string {
  const match = /^\s*([A-Za-z]+(?:\s+(?:TRANSACTION|WORK|TO|SAVEPOINT|PREPARED))?)/i.exec(statement.text);
  return (match?.[1] ?? statement.text.split(/\s+/)[0] ?? '').replace(/\s+/g, ' ').toUpperCase();
}

/** 1-based line of an offset, for messages that point at another statement. */
export function lineOf(context: RuleContext<any>, offset: number): number {
  return lineAt(context.file.text, offset);
}
