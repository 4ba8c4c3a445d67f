import { defineRule } from '@sqlwarden/core';
import type { AlterTable, CreateIndex, Drop, Range, Reindex, RuleContext, TransactionKind } from '@sqlwarden/core';
import {
  TRANSACTION_REASON,
  TRANSACTION_REMEDY,
  displayName,
  isIndexOfNewTable,
  isNewTable,
  isWord,
  matchWords,
  scanTokens,
  skipParens,
  type SqlToken,
} from '../_shared/migration.ts';

const OUTSIDE_TRANSACTION = 'in a migration of its own that runs outside a transaction (CONCURRENTLY cannot run in a transaction block, and here {{reason}})';

const MESSAGES = {
  createIndex: 'CREATE INDEX on `{{table}}` takes a SHARE lock that blocks INSERT, UPDATE and DELETE on the table until the whole index is built. Use CREATE INDEX CONCURRENTLY.',
  createIndexInTransaction: `CREATE INDEX on \`{{table}}\` takes a SHARE lock that blocks INSERT, UPDATE and DELETE on the table until the whole index is built. Use CREATE INDEX CONCURRENTLY ${OUTSIDE_TRANSACTION}.`,
  createIndexPartitioned:
    'CREATE INDEX on partitioned table `{{table}}` builds the index on every partition while SHARE locks block INSERT, UPDATE and DELETE. Partitioned tables have no CONCURRENTLY: create the index ON ONLY `{{table}}`, build each partition\'s index with CREATE INDEX CONCURRENTLY, then attach each one with ALTER INDEX ... ATTACH PARTITION.',
  dropIndex: 'DROP INDEX takes an ACCESS EXCLUSIVE lock on {{table}}, blocking all reads and writes while it waits for running queries and until the drop completes. Use DROP INDEX CONCURRENTLY.',
  dropIndexInTransaction: `DROP INDEX takes an ACCESS EXCLUSIVE lock on {{table}}, blocking all reads and writes while it waits for running queries and until the drop completes. Use DROP INDEX CONCURRENTLY ${OUTSIDE_TRANSACTION}.`,
  dropIndexes:
    'DROP INDEX takes an ACCESS EXCLUSIVE lock on {{table}}, blocking all reads and writes while it waits for running queries and until the drop completes. Use DROP INDEX CONCURRENTLY, one statement per index (it drops a single index).',
  dropIndexCascade:
    'DROP INDEX takes an ACCESS EXCLUSIVE lock on {{table}}, blocking all reads and writes while it waits for running queries and until the drop completes. DROP INDEX CONCURRENTLY does not support CASCADE: drop the dependent objects first, then drop the index concurrently.',
  dropIndexPartitioned:
    'DROP INDEX takes an ACCESS EXCLUSIVE lock on partitioned table {{table}} and its partitions, blocking all reads and writes while it waits for running queries and until the drop completes. Indexes of partitioned tables cannot be dropped concurrently: run it with a short lock_timeout and retry.',
  reindex:
    'REINDEX {{target}} holds a SHARE lock on the table (blocking writes) and an ACCESS EXCLUSIVE lock on each index it rebuilds (blocking reads that use it) for the whole rebuild. Use REINDEX {{target}} CONCURRENTLY.',
  reindexInTransaction: `REINDEX {{target}} holds a SHARE lock on the table (blocking writes) and an ACCESS EXCLUSIVE lock on each index it rebuilds (blocking reads that use it) for the whole rebuild. Use REINDEX {{target}} CONCURRENTLY ${OUTSIDE_TRANSACTION}.`,
  reindexBefore12:
    'REINDEX {{target}} holds a SHARE lock on the table (blocking writes) and an ACCESS EXCLUSIVE lock on each index it rebuilds (blocking reads that use it) for the whole rebuild, and PostgreSQL {{version}} has no REINDEX CONCURRENTLY (added in 12). Build a replacement with CREATE INDEX CONCURRENTLY, drop the old index with DROP INDEX CONCURRENTLY, then rename the new one.',
  inTransaction: '{{what}} cannot run inside a transaction block, and {{reason}}: PostgreSQL rejects it. {{remedy}}{{newTable}}',
};

const NEW_TABLE_NOTE = ' The table is created in this file, so the plain form without CONCURRENTLY is fine here.';

export default defineRule({
  meta: {
    id: 'no-blocking-index-build',
    description: 'Index builds, drops and rebuilds that block writes (or reads) for their whole duration, and CONCURRENTLY forms that cannot run in a transaction block.',
    docs: { url: 'https://github.com/sqlwarden/sqlwarden/blob/main/rules/no-blocking-index-build/README.md', recommended: true },
    defaultSeverity: 'error',
    category: 'migration-safety',
    fixable: 'code',
    hasSuggestions: true,
    dialects: ['postgresql'],
  },
  create(context: RuleContext) {
    const version = context.settings.postgresVersion;

    function tokensOf(range: Range): SqlToken[] {
      return scanTokens(context.file.text, range.start, range.end);
    }

    /** From the statement's first keyword to `last`, or the whole statement when the keywords were not found. */
    function headRange(stmt: { range: Range }, last: SqlToken | undefined): Range {
      return last ? { start: stmt.range.start, end: last.end } : stmt.range;
    }

    /** Inserts the keyword after `after`, in the same letter case as the statement's keywords. */
    function insertConcurrently(after: SqlToken | undefined): { range: [number, number]; text: string } | undefined {
      if (!after) return undefined;
      const written = context.file.text.slice(after.start, after.end);
      return { range: [after.end, after.end], text: written === written.toLowerCase() ? ' concurrently' : ' CONCURRENTLY' };
    }

    /** A suggestion to drop the CONCURRENTLY keyword (and the blank before it). */
    function removeConcurrently(before: SqlToken | undefined, keyword: SqlToken | undefined) {
      if (!before || !keyword) return [];
      return [{ desc: 'Remove CONCURRENTLY: the table is new, so a plain build blocks nobody and runs in the transaction.', fix: { range: [before.end, keyword.end] as [number, number], text: '' } }];
    }

    function reportInTransaction(kind: TransactionKind, range: Range, what: string, newTable: boolean, suggestions: ReturnType<typeof removeConcurrently> = []): void {
      context.report({
        range,
        message: MESSAGES.inTransaction,
        data: { what, reason: TRANSACTION_REASON[kind], remedy: TRANSACTION_REMEDY[kind], newTable: newTable ? NEW_TABLE_NOTE : '' },
        ...(suggestions.length ? { suggestions } : {}),
      });
    }

    return {
      CreateIndex(stmt: CreateIndex) {
        const tokens = tokensOf(stmt.range);
        const afterIndex = matchWords(tokens, 0, ['create', { optional: 'unique' }, 'index']);
        const indexToken = afterIndex > 0 ? tokens[afterIndex - 1] : undefined;
        const concurrentlyToken = afterIndex > 0 && isWord(tokens[afterIndex], 'concurrently') ? tokens[afterIndex] : undefined;
        const range = headRange(stmt, concurrentlyToken ?? indexToken);
        const newTable = isNewTable(context, stmt.table);
        const transaction = context.statement.transaction;
        if (stmt.concurrently) {
          if (transaction) reportInTransaction(transaction, range, 'CREATE INDEX CONCURRENTLY', newTable, newTable ? removeConcurrently(indexToken, concurrentlyToken) : []);
          return;
        }
        if (!context.file.isMigration || newTable) return;
        const table = context.resolveTable(stmt.table);
        // `ON ONLY parent` creates an empty, invalid index on a partitioned parent: the first
        // step of the per-partition recipe, not a build. Only a known plain table is built.
        if (stmt.only && (!table || table.partitioned)) return;
        const data = { table: displayName(stmt.table), reason: transaction ? TRANSACTION_REASON[transaction] : '' };
        if (table?.partitioned) context.report({ range, message: MESSAGES.createIndexPartitioned, data });
        else if (transaction) context.report({ range, message: MESSAGES.createIndexInTransaction, data });
        else {
          const fix = insertConcurrently(indexToken);
          context.report({ range, message: MESSAGES.createIndex, data, ...(fix ? { fix } : {}) });
        }
      },

      Drop(stmt: Drop) {
        if (stmt.objectKind !== 'index') return;
        const tokens = tokensOf(stmt.range);
        const afterIndex = matchWords(tokens, 0, ['drop', 'index']);
        const indexToken = afterIndex > 0 ? tokens[afterIndex - 1] : undefined;
        const concurrentlyToken = afterIndex > 0 && isWord(tokens[afterIndex], 'concurrently') ? tokens[afterIndex] : undefined;
        const range = headRange(stmt, concurrentlyToken ?? indexToken);
        const newTable = stmt.names.length > 0 && stmt.names.every((n) => isIndexOfNewTable(context, n));
        const transaction = context.statement.transaction;
        if (stmt.concurrently) {
          if (transaction) reportInTransaction(transaction, range, 'DROP INDEX CONCURRENTLY', newTable, newTable ? removeConcurrently(indexToken, concurrentlyToken) : []);
          return;
        }
        if (!context.file.isMigration || newTable) return;
        const tables = stmt.names.map((n) => context.catalog.tableOfIndex(n));
        const known = tables.filter((t) => t !== undefined);
        const names = [...new Set(known.map((t) => `\`${displayName(t.schema === 'public' ? { name: t.name } : t)}\``))];
        const data = {
          table: names.length > 0 && known.length === tables.length ? names.join(', ') : stmt.names.length > 1 ? 'the indexes\' tables' : 'the index\'s table',
          reason: transaction ? TRANSACTION_REASON[transaction] : '',
        };
        if (known.some((t) => t.partitioned)) context.report({ range, message: MESSAGES.dropIndexPartitioned, data });
        else if (stmt.names.length > 1) context.report({ range, message: MESSAGES.dropIndexes, data });
        else if (stmt.cascade) context.report({ range, message: MESSAGES.dropIndexCascade, data });
        else if (transaction) context.report({ range, message: MESSAGES.dropIndexInTransaction, data });
        else {
          const fix = insertConcurrently(indexToken);
          context.report({ range, message: MESSAGES.dropIndex, data, ...(fix ? { fix } : {}) });
        }
      },

      Reindex(stmt: Reindex) {
        const tokens = tokensOf(stmt.range);
        let i = matchWords(tokens, 0, ['reindex']);
        const options = i > 0 ? tokens.slice(i, skipParens(tokens, i)) : [];
        if (i > 0) i += options.length;
        const targetToken = i > 0 && isWord(tokens[i], 'index', 'table', 'schema', 'database', 'system') ? tokens[i] : undefined;
        const concurrentlyToken = targetToken && isWord(tokens[i + 1], 'concurrently') ? tokens[i + 1] : undefined;
        const range = headRange(stmt, concurrentlyToken ?? targetToken);
        const target = stmt.target.toUpperCase();
        const transaction = context.statement.transaction;
        // These forms cannot run in a transaction block even without CONCURRENTLY.
        const wholeSchema = stmt.target === 'schema' || stmt.target === 'database' || stmt.target === 'system';
        if (transaction && (stmt.concurrently || wholeSchema)) {
          reportInTransaction(transaction, range, `REINDEX ${stmt.concurrently ? 'CONCURRENTLY' : target}`, false);
          return;
        }
        if (stmt.concurrently || stmt.target === 'system' || !context.file.isMigration) return;
        if (stmt.name && (stmt.target === 'table' ? isNewTable(context, stmt.name) : stmt.target === 'index' && isIndexOfNewTable(context, stmt.name))) return;
        const data = { target, version, reason: transaction ? TRANSACTION_REASON[transaction] : '' };
        if (version < 12) context.report({ range, message: MESSAGES.reindexBefore12, data });
        else if (transaction) context.report({ range, message: MESSAGES.reindexInTransaction, data });
        else {
          // `REINDEX (CONCURRENTLY false) ...` would conflict with an added keyword.
          const optionSaysConcurrently = options.some((t) => isWord(t, 'concurrently'));
          const fix = optionSaysConcurrently ? undefined : insertConcurrently(targetToken);
          context.report({ range, message: MESSAGES.reindex, data, ...(fix ? { fix } : {}) });
        }
      },

      AlterTable(stmt: AlterTable) {
        const transaction = context.statement.transaction;
        if (!transaction) return;
        for (const action of stmt.actions) {
          if (action.action !== 'detach_partition' || !action.concurrently) continue;
          const tokens = tokensOf(stmt.range);
          const detach = tokens.find((t) => isWord(t, 'detach'));
          const concurrently = tokens.find((t) => isWord(t, 'concurrently') && (!detach || t.start > detach.start));
          const range = detach && concurrently ? { start: detach.start, end: concurrently.end } : stmt.range;
          reportInTransaction(transaction, range, 'ALTER TABLE ... DETACH PARTITION ... CONCURRENTLY', false);
        }
      },
    };
  },
});
