import { defineRule } from '@sqlwarden/core';
import type { RuleContext } from '@sqlwarden/core';
import { optOutHeadline, toolOptOutAdvice, toolTransactionPhrase, transactionRemedyHeadline } from '../_shared/lock-hygiene.ts';
import { analyzeTransactions, lineOf, transactionKeyword, type TransactionProblem } from '../_shared/transaction-blocks.ts';

/** Headlines: what the server does with the statement, and what to write instead. */
const HEADLINES = {
  /** Followed by what the next COMMIT or ROLLBACK then does, and the remedy. */
  nestedBegin: '{{keyword}} inside the transaction opened at line {{openLine}} is ignored',
  beginInToolTransaction: '{{keyword}} inside {{toolTransaction}} is ignored',
  commitEndsToolTransaction: 'COMMIT ends {{toolTransaction}} in mid-file; remove it and ',
  rollbackEndsToolTransaction: 'ROLLBACK silently undoes the file so far, yet the migration counts as done; raise an error instead',
  commitEndsImplicit: "COMMIT without BEGIN ends the file's implicit transaction early; add BEGIN where the transaction starts, or remove it",
  rollbackEndsImplicit: 'ROLLBACK without BEGIN discards the statements before it while the rest still runs; raise an error instead',
  commitWithoutTransaction: 'COMMIT with no transaction open does nothing but warn; add BEGIN where the transaction starts, or remove it',
  rollbackWithoutTransaction: 'ROLLBACK with no transaction open undoes nothing, each statement already committed; add BEGIN or remove it',
  needsTransactionBlock: '{{keyword}} fails outside a transaction block; add BEGIN before it, or remove it',
};

/** Details: what PostgreSQL does, step by step, and the way out with the project's migration tool. */
const MESSAGES = {
  nestedBegin:
    'PostgreSQL has no nested transactions: it ignores this BEGIN with a warning ("there is already a transaction in progress"), so {{consequence}}. Remove this BEGIN{{andEnd}}, or use SAVEPOINT / RELEASE SAVEPOINT for a nested scope.',
  beginInToolTransaction:
    'The migration tool already runs this file inside a transaction, so PostgreSQL ignores this BEGIN with a warning ("there is already a transaction in progress"){{consequence}}. Remove BEGIN and COMMIT from the file and let the tool\'s transaction cover it, or {{optOut}}.',
  commitEndsToolTransaction:
    'The migration tool runs this file inside a transaction, so this COMMIT commits it in the middle of the file: the statements before it stay applied even if a later one fails, the rest of the file runs outside a transaction, and the tool\'s own COMMIT finds none. To run a statement that cannot run in a transaction block (CREATE INDEX CONCURRENTLY...) without committing by hand, {{optOut}}.',
  rollbackEndsToolTransaction:
    'The migration tool runs this file inside a transaction, so this ROLLBACK silently undoes everything the file did before it, and the rest of the file still runs and commits: the tool sees no error, so the migration counts as done with part of its changes missing. Remove it; to abort a migration, raise an error so the tool rolls back and reports it.',
  commitEndsImplicit:
    'The file is sent as one multi-statement query, which PostgreSQL runs as one implicit transaction; this COMMIT has no BEGIN, so PostgreSQL warns ("there is no transaction in progress") but commits the statements before it, and they stay applied if a later statement fails. Add BEGIN where the transaction should start, or remove this COMMIT.',
  rollbackEndsImplicit:
    'The file is sent as one multi-statement query, which PostgreSQL runs as one implicit transaction; this ROLLBACK has no BEGIN, so PostgreSQL warns ("there is no transaction in progress") but discards every statement before it, and the rest of the file still runs. Remove it; to abort a migration, raise an error.',
  commitWithoutTransaction:
    'No transaction is open here: the statements before it ran outside a transaction block, each committed on its own, so this COMMIT does nothing but warn ("there is no transaction in progress"). Add BEGIN where the transaction should start, or remove this COMMIT.',
  rollbackWithoutTransaction:
    'No transaction is open here: the statements before it ran outside a transaction block and are already committed, so this ROLLBACK undoes nothing and only warns ("there is no transaction in progress"). Add BEGIN where the transaction should start, or remove this ROLLBACK.',
  needsTransactionBlock:
    '{{keyword}} can only be used in a transaction block, and {{where}}: PostgreSQL rejects it with an error and the migration stops here. Add BEGIN before it, or remove it.',
};

/** How PostgreSQL's errors name the statements that need a transaction block. */
const BLOCK_ONLY: Partial<Record<string, string>> = {
  savepoint: 'SAVEPOINT',
  release: 'RELEASE SAVEPOINT',
  rollback_to: 'ROLLBACK TO SAVEPOINT',
  commit: 'COMMIT AND CHAIN',
  rollback: 'ROLLBACK AND CHAIN',
};

export default defineRule({
  meta: {
    id: 'no-nested-transaction',
    description: 'Disallow BEGIN inside an open transaction (including the one the migration tool wraps the file in), and COMMIT, ROLLBACK or SAVEPOINT that do not match an open transaction.',
    docs: { url: 'https://github.com/sqlwarden/sqlwarden/blob/main/rules/no-nested-transaction/README.md', recommended: true },
    defaultSeverity: 'error',
    category: 'correctness',
    dialects: ['postgresql'],
    sources: [
      {
        tool: 'squawk',
        rule: 'transaction-nesting',
        note: 'With --assume-in-transaction squawk flags every BEGIN/COMMIT/ROLLBACK; sqlwarden follows the server: a COMMIT that matches the file\'s own BEGIN is fine, and the report says what the server does.',
      },
      { tool: 'postgres-language-server', rule: 'transactionNesting' },
    ],
  },
  create(context: RuleContext) {
    /** How to leave the tool's transaction without committing by hand, in a few words: the file's own tool's opt-out, or neutral. */
    function optOutShort(): string {
      const optOut = optOutHeadline(context);
      if (optOut) return `use ${optOut} instead`;
      const tool = context.file.migrationTool;
      if (tool && !tool.optedOut && tool.transaction !== 'none') return transactionRemedyHeadline(context, 'wrapped');
      return "turn the tool's transaction off instead";
    }

    function report(problem: TransactionProblem): void {
      const { statement } = problem;
      const range = statement.range;
      switch (problem.kind) {
        case 'nested-begin': {
          const openLine = lineOf(context, problem.openedBy.range.start);
          let consequence = `this statement and the ones after it stay in the transaction opened at line ${openLine}`;
          let effect = '';
          let remedy = 'remove it or use SAVEPOINT';
          // A ROLLBACK then undoes more than what follows this BEGIN: the migration loses changes it meant to keep.
          let undoes = false;
          if (problem.nextEnd) {
            const endLine = lineOf(context, problem.nextEnd.range.start);
            const end = problem.nextEnd.node?.type === 'Transaction' && problem.nextEnd.node.kind === 'rollback' ? 'rollback' : 'commit';
            const endKeyword = transactionKeyword(problem.nextEnd);
            undoes = end === 'rollback';
            consequence =
              end === 'commit'
                ? `the ${endKeyword} at line ${endLine} ends the transaction opened at line ${openLine}, and the statements after it run outside any transaction: if one of them fails, everything before it stays applied`
                : `the ${endKeyword} at line ${endLine} rolls back the whole transaction opened at line ${openLine}, not just what follows this BEGIN, and the statements after it run outside any transaction`;
            effect = end === 'commit' ? `, so the ${endKeyword} at line ${endLine} ends that one` : `, so the ${endKeyword} at line ${endLine} undoes all of it`;
            if (undoes) remedy = 'use SAVEPOINT instead';
          }
          context.report({
            range,
            message: `${HEADLINES.nestedBegin}${effect}; ${remedy}`,
            detail: MESSAGES.nestedBegin,
            ...(undoes ? { fails: true } : {}),
            data: { keyword: transactionKeyword(statement), openLine, consequence, andEnd: problem.nextEnd ? ` and the ${transactionKeyword(problem.nextEnd)} at line ${lineOf(context, problem.nextEnd.range.start)}` : '' },
          });
          return;
        }
        case 'begin-in-tool-transaction': {
          let consequence = '; it does nothing else, since the tool commits at the end';
          let effect = '';
          let remedy = 'remove it, the tool commits at the end';
          let undoes = false;
          if (problem.nextEnd) {
            const endLine = lineOf(context, problem.nextEnd.range.start);
            const endKeyword = transactionKeyword(problem.nextEnd);
            undoes = problem.nextEnd.node?.type === 'Transaction' && problem.nextEnd.node.kind === 'rollback';
            consequence = undoes
              ? `, and the ${endKeyword} at line ${endLine} rolls back everything the file did so far, not just what follows this BEGIN`
              : `, and the ${endKeyword} at line ${endLine} commits the tool's transaction early: the statements after it and the tool's own bookkeeping run outside it, so a failure there leaves the migration half-applied`;
            effect = undoes ? `, so the ${endKeyword} at line ${endLine} undoes the file so far` : `, so the ${endKeyword} at line ${endLine} commits it early`;
            remedy = `remove BEGIN and ${endKeyword}`;
          }
          context.report({
            range,
            message: `${HEADLINES.beginInToolTransaction}${effect}; ${remedy}`,
            detail: MESSAGES.beginInToolTransaction,
            ...(undoes ? { fails: true } : {}),
            data: { keyword: transactionKeyword(statement), toolTransaction: toolTransactionPhrase(context), consequence, optOut: toolOptOutAdvice(context) },
          });
          return;
        }
        case 'ends-tool-transaction':
          if (problem.node.kind === 'rollback') {
            // The migration counts as applied with its changes undone.
            context.report({ range, message: HEADLINES.rollbackEndsToolTransaction, detail: MESSAGES.rollbackEndsToolTransaction, fails: true });
          } else {
            context.report({
              range,
              message: HEADLINES.commitEndsToolTransaction + optOutShort(),
              detail: MESSAGES.commitEndsToolTransaction,
              data: { toolTransaction: toolTransactionPhrase(context), optOut: toolOptOutAdvice(context) },
            });
          }
          return;
        case 'ends-implicit-transaction':
          if (problem.node.kind === 'rollback') context.report({ range, message: HEADLINES.rollbackEndsImplicit, detail: MESSAGES.rollbackEndsImplicit, fails: true });
          else context.report({ range, message: HEADLINES.commitEndsImplicit, detail: MESSAGES.commitEndsImplicit });
          return;
        case 'end-without-transaction':
          if (problem.node.kind === 'rollback') context.report({ range, message: HEADLINES.rollbackWithoutTransaction, detail: MESSAGES.rollbackWithoutTransaction });
          else context.report({ range, message: HEADLINES.commitWithoutTransaction, detail: MESSAGES.commitWithoutTransaction });
          return;
        case 'needs-transaction-block':
          context.report({
            range,
            message: HEADLINES.needsTransactionBlock,
            detail: MESSAGES.needsTransactionBlock,
            // PostgreSQL rejects the statement: reported in rollbacks too.
            fails: true,
            data: {
              keyword: BLOCK_ONLY[problem.node.kind] ?? transactionKeyword(statement),
              where: problem.implicit ? 'a multi-statement query without BEGIN is not one' : 'no transaction is open here',
            },
          });
          return;
      }
    }

    return {
      File() {
        for (const analysis of analyzeTransactions(context)) for (const problem of analysis.problems) report(problem);
      },
    };
  },
});
