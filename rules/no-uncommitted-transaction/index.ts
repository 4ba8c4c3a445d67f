import { defineRule } from '@sqlwarden/core';
import type { RuleContext, StatementInfo } from '@sqlwarden/core';
import { analyzeTransactions, transactionKeyword } from '../_shared/transaction-blocks.ts';

const HEADLINE = 'This {{keyword}} is never committed: {{where}} ends with its transaction open; add COMMIT at the end';

/** What happens to the changes and the locks, explained. */
const MESSAGE =
  'This {{keyword}} is never committed: {{where}} ends with its transaction still open, so nothing after it is committed. When the session ends PostgreSQL rolls it all back while the migration still looks successful (psql -f exits with status 0), and until then every lock the transaction took stays held, blocking other sessions. Add COMMIT at the end.';

export default defineRule({
  meta: {
    id: 'no-uncommitted-transaction',
    description: 'Disallow files that end with a BEGIN still open: the migration appears to succeed, but its changes are rolled back when the session ends, and its locks are held until then.',
    docs: { url: 'https://github.com/sqlwarden/sqlwarden/blob/main/rules/no-uncommitted-transaction/README.md', recommended: true },
    defaultSeverity: 'error',
    category: 'correctness',
    hasSuggestions: true,
    dialects: ['postgresql'],
    sources: [
      { tool: 'squawk', rule: 'ban-uncommitted-transaction', note: 'squawk offers `COMMIT;` as a fix; here it is a suggestion (committing is a decision), and files the migration tool wraps are not reported: the tool\'s COMMIT ends the open transaction.' },
    ],
  },
  create(context: RuleContext) {
    /** Just after the statement's terminating semicolon, or after the statement when it has none. */
    function afterStatement(statement: StatementInfo): { at: number; needsSemicolon: boolean } {
      const text = context.file.text;
      let i = statement.range.end;
      while (i < text.length && /[ \t]/.test(text[i]!)) i++;
      if (text[i] === ';') return { at: i + 1, needsSemicolon: false };
      return { at: statement.range.end, needsSemicolon: true };
    }

    return {
      File() {
        for (const analysis of analyzeTransactions(context)) {
          const begin = analysis.leftOpen;
          if (!begin || !analysis.last) continue;
          const { at, needsSemicolon } = afterStatement(analysis.last);
          context.report({
            range: begin.range,
            message: HEADLINE,
            detail: MESSAGE,
            // The migration's changes are rolled back when the session ends: broken as written, reported in rollbacks too.
            fails: true,
            data: {
              keyword: transactionKeyword(begin),
              where: analysis.section === 'down' ? 'the down migration' : context.file.statements.some((s) => s.section === 'down') ? 'the up migration' : 'the file',
            },
            suggestions: [{ desc: 'Add COMMIT after the last statement', fix: { range: [at, at], text: `${needsSemicolon ? ';' : ''}\nCOMMIT;` } }],
          });
        }
      },
    };
  },
});
