import { defineRule } from '@sqlwarden/core';
import type { AlterTable, AlterTableAction, QualifiedName, ResolvedLock, RuleContext, Statement } from '@sqlwarden/core';
import { blockedTraffic, describeLocks, lockedRelations } from '../_shared/lock-messages.ts';
import { displayName, isWord, scanTokens } from '../_shared/migration.ts';
import { effectsOf, isNewRelation, isUnresolved, lineAt, sameName, transactionReason, transactionRemedy } from '../_shared/lock-hygiene.ts';
import { whatItBlocksInTransaction } from '../_shared/transaction-locks.ts';

/** First release with `DETACH PARTITION ... CONCURRENTLY` (PostgreSQL 14 release notes). */
const CONCURRENTLY_SINCE = 14;

/** Headlines: what the plain DETACH blocks, and the way out that fits the file. */
const HEADLINES = {
  concurrently: 'DETACH PARTITION blocks {{traffic}} on {{parent}} until commit; use DETACH PARTITION ... CONCURRENTLY',
  concurrentlyInTransaction: 'DETACH PARTITION blocks {{traffic}} on {{parent}} until commit; use CONCURRENTLY outside a transaction',
  defaultPartition: 'DETACH PARTITION blocks {{traffic}} on {{parent}}; its DEFAULT partition rules out CONCURRENTLY, so set a short lock_timeout',
  before14: 'DETACH PARTITION ... CONCURRENTLY fails on PostgreSQL {{version}} (added in {{since}}); drop CONCURRENTLY and set a short lock_timeout',
};

/** Details: the locks of the plain and the concurrent form, and when CONCURRENTLY is refused. */
const MESSAGES = {
  blocking:
    'DETACH PARTITION {{partition}} takes {{locks}}: it {{blocks}} while it waits for every query already using them and until its transaction commits.{{extra}} {{advice}}',
  extra: ' It also locks {{others}}.',
  concurrently:
    'Use `DETACH PARTITION {{partitionSql}} CONCURRENTLY` instead: it takes {{concurrent}}, so reads and writes of {{parent}} continue{{partitionNote}}, and waits in between its two transactions for the queries that use the partitioned table. It cannot run inside a transaction block, and it is refused while the partitioned table has a DEFAULT partition. It cannot be rolled back as a whole: finish an interrupted one with `ALTER TABLE {{parentSql}} DETACH PARTITION {{partitionSql}} FINALIZE`.',
  concurrentlyInTransaction:
    'DETACH PARTITION ... CONCURRENTLY takes {{concurrent}}, so reads and writes of {{parent}} continue{{partitionNote}}, but it cannot run inside a transaction block, and {{reason}}. {{remedy}} It is also refused while the partitioned table has a DEFAULT partition.',
  defaultPartition:
    'DETACH PARTITION ... CONCURRENTLY is refused while {{parent}} has a DEFAULT partition ({{default}}, line {{line}}): run this one with a short lock_timeout and retry, or drop or detach the DEFAULT partition first.',
  before14:
    'DETACH PARTITION ... CONCURRENTLY needs PostgreSQL {{since}}; PostgreSQL {{version}} rejects the statement. Without it, DETACH PARTITION takes {{locks}}: run it with a short lock_timeout and retry.',
};

export default defineRule({
  meta: {
    id: 'no-blocking-detach-partition',
    description:
      'ALTER TABLE ... DETACH PARTITION without CONCURRENTLY on PostgreSQL 14+, which locks the whole partitioned table against reads and writes; and CONCURRENTLY on servers that do not have it.',
    docs: { url: 'https://github.com/sqlwarden/sqlwarden/blob/main/rules/no-blocking-detach-partition/README.md', recommended: true },
    defaultSeverity: 'warn',
    category: 'migration-safety',
    hasSuggestions: true,
    dialects: ['postgresql'],
    sources: [
      {
        tool: 'squawk',
        rule: 'require-concurrent-partition-detach',
        note: 'squawk fixes every DETACH by adding CONCURRENTLY, whatever the version, inside transactions and with a DEFAULT partition, where PostgreSQL rejects it; sqlwarden suggests it only where it can run.',
      },
      { tool: 'postgres-language-server', rule: 'requireConcurrentDetachPartition' },
    ],
  },
  create(context: RuleContext) {
    const text = context.file.text;
    const version = context.settings.postgresVersion;

    /** A DEFAULT partition of `parent` this file creates or attaches before the current statement. */
    function knownDefault(parent: QualifiedName): { name: string; line: number } | undefined {
      for (const info of context.file.statements) {
        if (info.index >= context.statement.index || info.section !== context.statement.section) continue;
        const node: Statement | undefined = info.node;
        if (node?.type === 'CreateTable' && node.partitionOf && sameName(node.partitionOf, parent)) {
          const bound = (node.raw as { CreateStmt?: { partbound?: { is_default?: boolean } } }).CreateStmt?.partbound;
          if (bound?.is_default) return { name: displayName(node.table), line: lineAt(text, info.range.start) };
        }
        if (node?.type === 'AlterTable' && sameName(node.table, parent)) {
          for (const a of node.actions) {
            const bound = (a.raw as { AlterTableCmd?: { def?: { PartitionCmd?: { bound?: { is_default?: boolean } } } } } | undefined)?.AlterTableCmd?.def?.PartitionCmd?.bound;
            if (a.action === 'attach_partition' && bound?.is_default && a.partition) return { name: displayName(a.partition), line: lineAt(text, info.range.start) };
          }
        }
      }
      return undefined;
    }

    function locksOf(stmt: AlterTable, action: AlterTableAction): ResolvedLock[] {
      return lockedRelations(effectsOf(context, { ...stmt, actions: [action] }).filter((e) => e.action === action));
    }

    /** " concurrently" after the partition name, in the statement's letter case. */
    function insertion(action: AlterTableAction): { range: [number, number]; text: string } | undefined {
      const tokens = scanTokens(text, action.range.start, action.range.end);
      const last = tokens[tokens.length - 1];
      if (!last || isWord(last, 'concurrently', 'finalize')) return undefined;
      const lower = /^[a-z]/.test(text.slice(action.range.start, action.range.start + 1));
      return { range: [action.range.end, action.range.end], text: lower ? ' concurrently' : ' CONCURRENTLY' };
    }

    function detach(stmt: AlterTable, action: AlterTableAction): void {
      const partition = action.partition;
      if (!partition) return;
      if (action.finalize) return;
      const info = context.statement;
      const plainLocks = locksOf(stmt, { ...action, concurrently: false });
      const named = plainLocks.filter((l) => !isUnresolved(l.relation));
      const others = plainLocks.filter((l) => isUnresolved(l.relation)).map((l) => l.relation.name);
      const data = {
        partition: `\`${displayName(partition)}\``,
        partitionSql: displayName(partition),
        parent: `\`${displayName(stmt.table)}\``,
        parentSql: displayName(stmt.table),
        traffic: blockedTraffic(plainLocks.filter((l) => l.on === 'target')) ?? 'reads and writes',
        locks: describeLocks(named),
        blocks: whatItBlocksInTransaction(context, named),
        version,
        since: CONCURRENTLY_SINCE,
      };
      if (action.concurrently) {
        // PostgreSQL rejects the statement: reported in rollbacks too.
        if (version < CONCURRENTLY_SINCE) context.report({ range: action.range, message: HEADLINES.before14, detail: MESSAGES.before14, fails: true, data });
        return;
      }
      if (version < CONCURRENTLY_SINCE || isNewRelation(context, stmt.table)) return;
      const concurrentLocks = locksOf(stmt, { ...action, concurrently: true });
      const concurrent = describeLocks(concurrentLocks);
      const note = concurrentLocks.find((l) => l.on === 'partition')?.note;
      const partitionNote = note ? ` (on ${data.partition}: ${note})` : '';
      const dflt = knownDefault(stmt.table);
      let advice: string;
      let headline: string;
      let suggestion: { desc: string; fix: { range: [number, number]; text: string } } | undefined;
      if (dflt) {
        headline = HEADLINES.defaultPartition;
        advice = MESSAGES.defaultPartition.replace('{{default}}', `\`${dflt.name}\``).replace('{{line}}', String(dflt.line));
      } else if (info.transaction) {
        headline = HEADLINES.concurrentlyInTransaction;
        advice = MESSAGES.concurrentlyInTransaction.replace('{{reason}}', transactionReason(context, info.transaction)).replace('{{remedy}}', transactionRemedy(context, info.transaction));
      } else {
        headline = HEADLINES.concurrently;
        advice = MESSAGES.concurrently;
        const fix = stmt.actions.length === 1 ? insertion(action) : undefined;
        if (fix) suggestion = { desc: 'Add CONCURRENTLY', fix };
      }
      context.report({
        range: action.range,
        message: headline,
        detail: MESSAGES.blocking.replace('{{extra}}', others.length ? MESSAGES.extra : '').replace('{{advice}}', advice),
        data: { ...data, concurrent, partitionNote, others: others.length > 1 ? `${others.slice(0, -1).join(', ')}, and ${others[others.length - 1]}` : (others[0] ?? '') },
        ...(suggestion ? { suggestions: [suggestion] } : {}),
      });
    }

    return {
      AlterTable(stmt: AlterTable) {
        if (!context.file.isMigration || stmt.objectKind !== 'table') return;
        for (const action of stmt.actions) if (action.action === 'detach_partition') detach(stmt, action);
      },
    };
  },
});
