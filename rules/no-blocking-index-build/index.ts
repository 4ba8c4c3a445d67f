import { defineRule } from '@sqlwarden/core';
import type { AlterTable, CreateIndex, Drop, Fix, Range, Reindex, ResolvedLock, RuleContext, Statement, StatementInfo, TransactionKind } from '@sqlwarden/core';
import { displayName, fillsRows, isIndexOfNewTable, newTableOrigin, isWord, matchWords, scanTokens, skipParens, type SqlToken } from '../_shared/migration.ts';
import { blockedTraffic, describeLocks, effectsOfAction, lockedRelations, statementEffects, whatItBlocks } from '../_shared/lock-messages.ts';
import { transactionReason, transactionRemedy, transactionRemedyHeadline } from '../_shared/lock-hygiene.ts';
import { whatItBlocksInTransaction } from '../_shared/transaction-locks.ts';

const OUTSIDE_TRANSACTION = ' in a migration of its own that runs outside a transaction (CONCURRENTLY cannot run in a transaction block, and here {{reason}})';

/**
 * Each finding: `message` is the headline (problem and remedy on one line), `detail` the
 * explanation with the lock facts from the lock model and the safe recipe.
 */
const MESSAGES = {
  createIndex: {
    message: 'CREATE INDEX blocks {{traffic}} `{{table}}` while it builds; use CREATE INDEX CONCURRENTLY{{outsideShort}}',
    detail: 'CREATE INDEX on `{{table}}` takes {{locks}}, {{blocks}} until the whole index is built. Use CREATE INDEX CONCURRENTLY{{outside}}: it takes {{concurrent}}.',
  },
  createIndexPartitioned: {
    message: 'CREATE INDEX on partitioned table `{{table}}` blocks {{traffic}} every partition while it builds; build it per partition instead',
    detail:
      "CREATE INDEX on partitioned table `{{table}}` takes {{locks}}, {{blocks}} until the index is built on every partition. Partitioned tables have no CONCURRENTLY: create the index ON ONLY `{{table}}`, build each partition's index with CREATE INDEX CONCURRENTLY, then attach each one with ALTER INDEX ... ATTACH PARTITION.",
  },
  dropIndex: {
    message: 'DROP INDEX blocks {{traffic}} {{tableShown}} until it commits; use DROP INDEX CONCURRENTLY{{outsideShort}}',
    detail: 'DROP INDEX takes {{locks}}, {{blocks}} while it waits for running queries and until the drop commits. Use DROP INDEX CONCURRENTLY{{outside}}: it takes {{concurrent}}.',
  },
  dropIndexes: {
    message: 'DROP INDEX of several indexes blocks {{traffic}} their tables until it commits; drop each with DROP INDEX CONCURRENTLY',
    detail: 'DROP INDEX takes {{locks}}, {{blocks}} while it waits for running queries and until the drop commits. Use DROP INDEX CONCURRENTLY, one statement per index (it drops a single index).',
  },
  dropIndexCascade: {
    message: 'DROP INDEX ... CASCADE blocks {{traffic}} {{tableShown}} until it commits; drop the dependents, then DROP INDEX CONCURRENTLY',
    detail:
      'DROP INDEX takes {{locks}}, {{blocks}} while it waits for running queries and until the drop commits. DROP INDEX CONCURRENTLY does not support CASCADE: drop the dependent objects first, then drop the index concurrently.',
  },
  dropIndexPartitioned: {
    message: 'DROP INDEX on partitioned table `{{table}}` blocks {{traffic}} it until it commits; set a short lock_timeout and retry',
    detail:
      'DROP INDEX on partitioned table `{{table}}` takes {{locks}} and locks its partitions too, {{blocks}} while it waits for running queries and until the drop commits. Indexes of partitioned tables cannot be dropped concurrently: run it with a short lock_timeout and retry.',
  },
  reindex: {
    message: 'REINDEX {{target}} blocks {{trafficWhat}} for the whole rebuild; use REINDEX {{target}} CONCURRENTLY{{outsideShort}}',
    detail: 'REINDEX {{target}} takes {{locks}}, {{blocks}} for the whole rebuild. Use REINDEX {{target}} CONCURRENTLY{{outside}}: it takes {{concurrent}}.',
  },
  reindexBefore12: {
    message: 'REINDEX {{target}} blocks {{trafficWhat}} for the whole rebuild on PostgreSQL {{version}}; build a replacement with CREATE INDEX CONCURRENTLY',
    detail:
      'REINDEX {{target}} takes {{locks}}, {{blocks}} for the whole rebuild, and PostgreSQL {{version}} has no REINDEX CONCURRENTLY (added in 12). Build a replacement with CREATE INDEX CONCURRENTLY, drop the old index with DROP INDEX CONCURRENTLY, then rename the new one.',
  },
  concurrentlyBefore12: {
    message: 'REINDEX ... CONCURRENTLY fails on PostgreSQL {{version}} (added in 12); build a replacement with CREATE INDEX CONCURRENTLY',
    detail:
      'REINDEX ... CONCURRENTLY needs PostgreSQL 12; on PostgreSQL {{version}} the statement fails. Build a replacement with CREATE INDEX CONCURRENTLY, drop the old index with DROP INDEX CONCURRENTLY, then rename the new one.',
  },
  inTransaction: {
    /** Completed by the remedy for this file (`transactionRemedyHeadline`), or NEW_TABLE_REMEDY. */
    message: '{{whatShort}} cannot run inside a transaction block; ',
    detail: '{{what}} cannot run inside a transaction block, and {{reason}}: PostgreSQL rejects it. {{remedy}}{{newTable}}',
  },
};

const NEW_TABLE_REMEDY = 'remove CONCURRENTLY, the table is new';
const NEW_TABLE_NOTE = ' The table is created in this file, so the plain form without CONCURRENTLY is fine here.';

/** "writes" or "reads and writes": what the locks block on the tables, for a headline. */
function trafficOf(locks: readonly ResolvedLock[]): string {
  // An index's own ACCESS EXCLUSIVE lock stops only the queries that use the index: the table's lock says what stops.
  const onTables = locks.filter((l) => l.on !== 'index');
  return blockedTraffic(onTables.length ? onTables : locks) === 'reads and writes' ? 'reads and writes' : 'writes';
}

/**
 * A statement that runs as well outside a transaction as inside one, so that the whole file may
 * run without one: index statements (which is what a migration that opts out is for), session
 * settings, and constant SELECTs (goose's template writes `SELECT 'down SQL query';`).
 */
function runsOutsideTransaction(info: StatementInfo): boolean {
  const node = info.node;
  if (!node) return false;
  switch (node.type) {
    case 'CreateIndex':
    case 'Reindex':
      return true;
    case 'Drop':
      return node.objectKind === 'index';
    case 'Set':
      // SET LOCAL does nothing outside a transaction block: the timeout it sets would be lost.
      return !node.local;
    case 'Select':
      return node.from.length === 0 && !node.into && !node.setOperation && node.with.length === 0 && node.columns.every((c) => c.expr.type === 'Literal');
    default:
      return false;
  }
}

export default defineRule({
  meta: {
    id: 'no-blocking-index-build',
    description: 'Index builds, drops and rebuilds that block writes (or reads) for their whole duration, and CONCURRENTLY forms that cannot run in a transaction block.',
    docs: { url: 'https://github.com/sqlwarden/sqlwarden/blob/main/rules/no-blocking-index-build/README.md', recommended: true },
    defaultSeverity: 'error',
    category: 'migration-safety',
    groupRepeats: 'transaction',
    fixable: 'code',
    hasSuggestions: true,
    dialects: ['postgresql'],
    sources: [
      { tool: 'squawk', rule: 'require-concurrent-index-creation', note: 'squawk also fires on tables created earlier in the same file outside a transaction (squawk #349).' },
      { tool: 'squawk', rule: 'require-concurrent-index-deletion' },
      { tool: 'squawk', rule: 'require-concurrent-reindex', note: 'squawk suggests CONCURRENTLY whatever the target version; it needs PostgreSQL 12.' },
      { tool: 'squawk', rule: 'ban-concurrent-index-creation-in-transaction', note: 'squawk checks only CREATE INDEX CONCURRENTLY; this rule also covers DROP/REINDEX CONCURRENTLY, REINDEX SCHEMA/DATABASE/SYSTEM and DETACH PARTITION CONCURRENTLY.' },
      { tool: 'strong_migrations', rule: 'add_index' },
      { tool: 'strong_migrations', rule: 'remove_index' },
      { tool: 'eugene', rule: 'E6' },
      { tool: 'atlas', rule: 'PG101' },
      { tool: 'atlas', rule: 'PG102' },
      { tool: 'atlas', rule: 'PG103' },
      { tool: 'postgres-language-server', rule: 'requireConcurrentIndexCreation' },
      { tool: 'postgres-language-server', rule: 'requireConcurrentIndexDeletion' },
      { tool: 'postgres-language-server', rule: 'requireConcurrentReindex' },
      { tool: 'postgres-language-server', rule: 'banConcurrentIndexCreationInTransaction' },
    ],
  },
  create(context: RuleContext) {
    const version = context.settings.postgresVersion;
    const tool = context.file.migrationTool;
    const text = context.file.text;

    function tokensOf(range: Range): SqlToken[] {
      return scanTokens(text, range.start, range.end);
    }

    /** From the statement's first keyword to `last`, or the whole statement when the keywords were not found. */
    function headRange(stmt: { range: Range }, last: SqlToken | undefined): Range {
      return last ? { start: stmt.range.start, end: last.end } : stmt.range;
    }

    /**
     * Inserts the keyword after `after`, in the same letter case as the statement's keywords.
     * The fix carries no fixGuard: it is offered only outside a transaction block (the whole file's
     * transactions are known before any rule runs) and never on a partitioned table, and when the
     * statement succeeds it leaves the same index (or none) as the plain form, so nothing run later
     * can tell them apart. Only a build that fails differs: CONCURRENTLY leaves an INVALID index.
     */
    function insertConcurrently(after: SqlToken | undefined): Fix | undefined {
      if (!after) return undefined;
      const written = text.slice(after.start, after.end);
      return { range: [after.end, after.end], text: written === written.toLowerCase() ? ' concurrently' : ' CONCURRENTLY' };
    }

    /** A suggestion to drop the CONCURRENTLY keyword (and the blank before it). */
    function removeConcurrently(before: SqlToken | undefined, keyword: SqlToken | undefined) {
      if (!before || !keyword) return [];
      return [{ desc: 'Remove CONCURRENTLY (the table is new, so a plain build blocks nobody)', fix: { range: [before.end, keyword.end] as [number, number], text: '' } }];
    }

    /**
     * The edit that takes this file out of the migration tool's transaction, and its name for a
     * title: goose's `-- +goose NO TRANSACTION` at the top of the file, or `transaction:false` on
     * dbmate's `-- migrate:up` (or `-- migrate:down`) line. Only where the result is correct:
     * - goose then runs every statement of the file, Up and Down, one by one in autocommit, so
     *   every other statement must run as well outside a transaction (`runsOutsideTransaction`);
     * - dbmate still sends the block as one query string, an implicit transaction as soon as it
     *   holds two statements, so the block must hold only this statement.
     */
    function optOut(): { name: string; edit: Fix } | undefined {
      const current = context.statement;
      if (current.transaction !== 'wrapped' || !tool || tool.optedOut) return undefined;
      const statements = context.file.statements;
      if (tool.id === 'goose') {
        // Annotations start a line, without leading blanks (goose's SQL file annotations docs).
        if (!/^--\s*\+goose\s+up\b/im.test(text)) return undefined;
        if (!statements.every((s) => s === current || runsOutsideTransaction(s))) return undefined;
        const at = text.startsWith('\uFEFF') ? 1 : 0;
        const eol = text.includes('\r\n') ? '\r\n' : '\n';
        return { name: '-- +goose NO TRANSACTION', edit: { range: [at, at], text: `-- +goose NO TRANSACTION${eol}` } };
      }
      if (tool.id === 'dbmate') {
        if (statements.some((s) => s !== current && s.section === current.section)) return undefined;
        const directive = (current.section === 'up' ? /^--[ \t]*migrate:up(?:[ \t][^\r\n]*)?(?=\r?$)/m : /^--[ \t]*migrate:down(?:[ \t][^\r\n]*)?(?=\r?$)/m).exec(text);
        if (!directive || /(^|\s)transaction:false(\s|$)/i.test(directive[0])) return undefined;
        const end = directive.index + directive[0].replace(/\s+$/, '').length;
        return { name: `-- migrate:${current.section} transaction:false`, edit: { range: [end, end], text: ' transaction:false' } };
      }
      return undefined;
    }

    /**
     * The suggestion for a statement that would be fine with CONCURRENTLY outside the tool's
     * transaction: the tool's opt-out, plus the keyword when `concurrently` inserts it.
     */
    function optOutSuggestion(concurrently: Fix | undefined): Array<{ desc: string; fix: Fix[] }> {
      const out = optOut();
      if (!out) return [];
      return [{ desc: concurrently ? `Add ${out.name} and CONCURRENTLY` : `Add ${out.name}`, fix: concurrently ? [out.edit, concurrently] : [out.edit] }];
    }

    function reportInTransaction(kind: TransactionKind, range: Range, what: string, newTable: boolean, suggestions: Array<{ desc: string; fix: Fix | Fix[] }> = []): void {
      context.report({
        range,
        message: MESSAGES.inTransaction.message + (newTable ? NEW_TABLE_REMEDY : transactionRemedyHeadline(context, kind)),
        detail: MESSAGES.inTransaction.detail,
        // PostgreSQL rejects the statement: reported in rollbacks too.
        fails: true,
        data: { what, whatShort: what.replace(/^ALTER TABLE \.\.\. /, ''), reason: transactionReason(context, kind), remedy: transactionRemedy(context, kind), newTable: newTable ? NEW_TABLE_NOTE : '' },
        ...(suggestions.length ? { suggestions } : {}),
      });
    }

    /** Lock facts of `stmt`, and of its concurrent form, from the lock model. */
    function lockData(stmt: Statement, concurrent?: Statement) {
      const locks = lockedRelations(statementEffects(context, stmt));
      const data = { locks: describeLocks(locks), blocks: whatItBlocksInTransaction(context, locks, { verb: 'blocking' }), concurrent: '', trafficWhat: trafficOf(locks), traffic: trafficOf(locks) === 'writes' ? 'writes to' : 'reads and writes on' };
      if (concurrent) {
        const other = lockedRelations(statementEffects(context, concurrent));
        data.concurrent = `${describeLocks(other)}, ${whatItBlocks(other, { verb: 'blocking' })}`;
      }
      return data;
    }

    /** Whether the lock model says the statement cannot run in a transaction block on this version. */
    function forbiddenInTransaction(stmt: Statement): boolean {
      return statementEffects(context, stmt).some((e) => e.forbiddenInTransaction);
    }

    /** `{{outside}}`: where the concurrent form has to run when this statement is in a transaction. */
    function outside(transaction: TransactionKind | undefined): string {
      if (!transaction) return '';
      const optOutNote = transaction !== 'explicit' && tool?.optOut && !tool.optedOut ? `; with ${tool.name}, use ${tool.optOut}` : '';
      return OUTSIDE_TRANSACTION.replace('{{reason}}', transactionReason(context, transaction) + optOutNote);
    }

    /** The same for the headline. */
    function outsideShort(transaction: TransactionKind | undefined): string {
      return transaction ? ' outside a transaction' : '';
    }

    /**
     * A table created earlier in this file that nobody else uses yet: created empty (the build is
     * instant), or filled by CREATE TABLE AS / SELECT INTO in this statement's transaction, which
     * hides it from other sessions until commit. A filled table committed by an earlier
     * transaction is visible and holds rows: building on it blocks like on any table.
     */
    function isNewTable(name: { schema?: string; name: string }): boolean {
      const origin = newTableOrigin(context, name);
      if (!origin) return false;
      if (!origin.info?.node || !fillsRows(origin.info.node)) return true;
      const current = context.statement;
      return current.transaction !== undefined && current.transactionId !== undefined && origin.info.transactionId === current.transactionId;
    }

    return {
      CreateIndex(stmt: CreateIndex) {
        const newTable = isNewTable(stmt.table);
        const transaction = context.statement.transaction;
        if (!stmt.concurrently && (!context.file.isMigration || newTable)) return; // before scanning the keywords: most index builds end here
        const tokens = tokensOf(stmt.range);
        const afterIndex = matchWords(tokens, 0, ['create', { optional: 'unique' }, 'index']);
        const indexToken = afterIndex > 0 ? tokens[afterIndex - 1] : undefined;
        const concurrentlyToken = afterIndex > 0 && isWord(tokens[afterIndex], 'concurrently') ? tokens[afterIndex] : undefined;
        const range = headRange(stmt, concurrentlyToken ?? indexToken);
        if (stmt.concurrently) {
          if (transaction && forbiddenInTransaction(stmt)) {
            reportInTransaction(transaction, range, 'CREATE INDEX CONCURRENTLY', newTable, newTable ? removeConcurrently(indexToken, concurrentlyToken) : optOutSuggestion(undefined));
          }
          return;
        }
        const table = context.resolveTable(stmt.table);
        // `ON ONLY parent` creates an empty, invalid index on a partitioned parent: the first
        // step of the per-partition recipe, not a build. Only a known plain table is built.
        if (stmt.only && (!table || table.partitioned)) return;
        const data = { table: displayName(stmt.table), outside: outside(transaction), outsideShort: outsideShort(transaction), ...lockData(stmt, { ...stmt, concurrently: true }) };
        // CREATE INDEX CONCURRENTLY is not supported on partitioned tables: no fix there.
        if (table?.partitioned) context.report({ range, ...MESSAGES.createIndexPartitioned, data });
        else {
          const fix = transaction ? undefined : insertConcurrently(indexToken);
          const suggestions = transaction ? optOutSuggestion(insertConcurrently(indexToken)) : [];
          context.report({ range, ...MESSAGES.createIndex, data, ...(fix ? { fix, fixDesc: 'Use CREATE INDEX CONCURRENTLY' } : {}), ...(suggestions.length ? { suggestions } : {}) });
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
          if (transaction && forbiddenInTransaction(stmt)) {
            reportInTransaction(transaction, range, 'DROP INDEX CONCURRENTLY', newTable, newTable ? removeConcurrently(indexToken, concurrentlyToken) : optOutSuggestion(undefined));
          }
          return;
        }
        if (!context.file.isMigration || newTable) return;
        const tables = stmt.names.map((n) => context.catalog.tableOfIndex(n));
        const partitioned = tables.find((t) => t?.partitioned);
        const onlyTable = tables.length === 1 ? tables[0] : undefined;
        const data = {
          table: partitioned ? displayName(partitioned.schema === 'public' ? { name: partitioned.name } : partitioned) : '',
          tableShown: onlyTable ? `\`${displayName(onlyTable.schema === 'public' ? { name: onlyTable.name } : onlyTable)}\`` : 'its table',
          outside: outside(transaction),
          outsideShort: outsideShort(transaction),
          ...lockData(stmt, { ...stmt, concurrently: true }),
        };
        if (partitioned) context.report({ range, ...MESSAGES.dropIndexPartitioned, data });
        else if (stmt.names.length > 1) context.report({ range, ...MESSAGES.dropIndexes, data });
        else if (stmt.cascade) context.report({ range, ...MESSAGES.dropIndexCascade, data });
        else {
          const fix = transaction ? undefined : insertConcurrently(indexToken);
          const suggestions = transaction ? optOutSuggestion(insertConcurrently(indexToken)) : [];
          context.report({ range, ...MESSAGES.dropIndex, data, ...(fix ? { fix, fixDesc: 'Use DROP INDEX CONCURRENTLY' } : {}), ...(suggestions.length ? { suggestions } : {}) });
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
        if (stmt.concurrently && version < 12) {
          // PostgreSQL rejects the statement: reported in rollbacks too.
          context.report({ range, ...MESSAGES.concurrentlyBefore12, fails: true, data: { version } });
          return;
        }
        // REINDEX SCHEMA/DATABASE/SYSTEM cannot run in a transaction block even without CONCURRENTLY.
        if (transaction && forbiddenInTransaction(stmt)) {
          reportInTransaction(transaction, range, `REINDEX ${stmt.concurrently ? 'CONCURRENTLY' : target}`, false, optOutSuggestion(undefined));
          return;
        }
        if (stmt.concurrently || stmt.target === 'system' || !context.file.isMigration) return;
        if (stmt.name && (stmt.target === 'table' ? isNewTable(stmt.name) : stmt.target === 'index' && isIndexOfNewTable(context, stmt.name))) return;
        if (version < 12) {
          context.report({ range, ...MESSAGES.reindexBefore12, data: { target, version, ...lockData(stmt) } });
          return;
        }
        const data = { target, version, outside: outside(transaction), outsideShort: outsideShort(transaction), ...lockData(stmt, { ...stmt, concurrently: true }) };
        // `REINDEX (CONCURRENTLY false) ...` would conflict with an added keyword.
        const optionSaysConcurrently = options.some((t) => isWord(t, 'concurrently'));
        const concurrently = optionSaysConcurrently ? undefined : insertConcurrently(targetToken);
        const fix = transaction ? undefined : concurrently;
        const suggestions = transaction && concurrently ? optOutSuggestion(concurrently) : [];
        context.report({ range, ...MESSAGES.reindex, data, ...(fix ? { fix, fixDesc: 'Use REINDEX {{target}} CONCURRENTLY' } : {}), ...(suggestions.length ? { suggestions } : {}) });
      },

      AlterTable(stmt: AlterTable) {
        const transaction = context.statement.transaction;
        if (!transaction) return;
        for (const action of stmt.actions) {
          // FINALIZE completes an interrupted detach and is not itself CONCURRENTLY.
          if (action.action !== 'detach_partition' || !action.concurrently || action.finalize) continue;
          if (!effectsOfAction(context, stmt, action).some((e) => e.forbiddenInTransaction)) continue;
          const tokens = tokensOf(stmt.range);
          const detach = tokens.find((t) => isWord(t, 'detach'));
          const concurrently = tokens.find((t) => isWord(t, 'concurrently') && (!detach || t.start > detach.start));
          const range = detach && concurrently ? { start: detach.start, end: concurrently.end } : stmt.range;
          reportInTransaction(transaction, range, 'ALTER TABLE ... DETACH PARTITION ... CONCURRENTLY', false, stmt.actions.length === 1 ? optOutSuggestion(undefined) : []);
        }
      },
    };
  },
});
