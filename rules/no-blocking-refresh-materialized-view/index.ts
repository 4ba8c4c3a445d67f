import { defineRule } from '@sqlwarden/core';
import type { CatalogTable, RefreshMaterializedView, RuleContext } from '@sqlwarden/core';
import { blockedTraffic, describeLocks, lockedRelations, whatItBlocks } from '../_shared/lock-messages.ts';
import { displayName, matchWords, scanTokens } from '../_shared/migration.ts';
import { quoteIdent } from '../_shared/query.ts';
import { effectWork, effectsOf, headRange, isNewRelation } from '../_shared/lock-hygiene.ts';
import { whatItBlocksInTransaction } from '../_shared/transaction-locks.ts';

/** Headlines: what the refresh blocks, and the remedy that fits what the catalog knows of the view's indexes. */
const HEADLINES = {
  hasIndex: 'REFRESH MATERIALIZED VIEW blocks {{traffic}} {{view}} while it recomputes; use REFRESH MATERIALIZED VIEW CONCURRENTLY',
  noIndex: 'REFRESH MATERIALIZED VIEW blocks {{traffic}} {{view}} while it recomputes; add a unique index, then refresh CONCURRENTLY',
  unknown: 'REFRESH MATERIALIZED VIEW blocks {{traffic}} {{view}} while it recomputes; refresh CONCURRENTLY (needs a unique index)',
};

/** Details: the locks of both forms and what CONCURRENTLY needs. */
const MESSAGES = {
  refresh:
    'REFRESH MATERIALIZED VIEW {{view}} takes {{locks}}: it {{blocks}} for as long as it {{work}}, i.e. the whole time the view\'s query runs. REFRESH MATERIALIZED VIEW CONCURRENTLY takes {{concurrent}} instead, which {{concurrentBlocks}}: it computes the new result beside the old one and applies only the differences, which is slower. {{requirement}}',
  hasIndex: 'It needs a unique index on plain columns of the view, which {{view}} has ({{index}}), and a view that is already populated.',
  noIndex:
    'It needs a unique index on plain columns (no expression, no WHERE) covering every row, which {{view}} does not have yet: create one first, e.g. `CREATE UNIQUE INDEX CONCURRENTLY ON {{viewSql}} (...)`. It also needs a view that is already populated.',
  unknown: 'It needs a unique index on plain columns of the view (no expression, no WHERE) and a view that is already populated.',
};

/** A unique index PostgreSQL accepts for REFRESH ... CONCURRENTLY: plain columns, no WHERE (checked on PostgreSQL 15). */
function refreshIndex(view: CatalogTable): string | undefined {
  const index = view.indexes.find((i) => i.unique && !i.partial && i.elements.length > 0 && i.elements.every((e) => e.column !== undefined));
  if (!index) return undefined;
  return index.name ? `\`${index.name}\`` : `a unique index on (${index.elements.map((e) => e.column).join(', ')})`;
}

export default defineRule({
  meta: {
    id: 'no-blocking-refresh-materialized-view',
    description:
      'REFRESH MATERIALIZED VIEW without CONCURRENTLY on a view already in use: its lock blocks every read of the view for the whole recompute.',
    docs: { url: 'https://github.com/sqlwarden/sqlwarden/blob/main/rules/no-blocking-refresh-materialized-view/README.md', recommended: true },
    defaultSeverity: 'error',
    category: 'migration-safety',
    hasSuggestions: true,
    dialects: ['postgresql'],
    sources: [
      { tool: 'postgres-language-server', rule: 'requireConcurrentRefreshMatview' },
      { tool: 'sqlfluff', rule: 'PG01', note: 'sqlfluff `postgres.excessive_locks` (off by default) reports REFRESH MATERIALIZED VIEW without CONCURRENTLY among other forms, without checking for the unique index CONCURRENTLY needs.' },
    ],
  },
  create(context: RuleContext) {
    const text = context.file.text;
    return {
      RefreshMaterializedView(stmt: RefreshMaterializedView) {
        if (!context.file.isMigration || stmt.concurrently || !stmt.withData) return;
        // A view created in this file has no readers yet (and one created WITH NO DATA cannot be read at all).
        if (isNewRelation(context, stmt.name)) return;
        const effects = effectsOf(context, stmt);
        const locks = lockedRelations(effects).filter((l) => l.on === 'target');
        const concurrentLocks = lockedRelations(effectsOf(context, { ...stmt, concurrently: true })).filter((l) => l.on === 'target');
        const view = context.resolveTable(stmt.name);
        const index = view ? refreshIndex(view) : undefined;
        const names = { view: `\`${displayName(stmt.name)}\``, viewSql: stmt.name.schema ? `${quoteIdent(stmt.name.schema)}.${quoteIdent(stmt.name.name)}` : quoteIdent(stmt.name.name) };
        const requirement = !view ? MESSAGES.unknown : index ? MESSAGES.hasIndex.replace('{{index}}', index) : MESSAGES.noIndex;
        const work = effects.map(effectWork).find((w) => w !== undefined) ?? 'recomputes the view';
        let suggestion: { desc: string; fix: { range: [number, number]; text: string } } | undefined;
        if (index) {
          const tokens = scanTokens(text, stmt.range.start, stmt.range.end);
          const after = matchWords(tokens, 0, ['refresh', 'materialized', 'view']);
          const viewToken = after > 0 ? tokens[after - 1] : undefined;
          if (viewToken) {
            const lower = text.slice(viewToken.start, viewToken.end) === 'view';
            suggestion = { desc: 'Use REFRESH MATERIALIZED VIEW CONCURRENTLY', fix: { range: [viewToken.end, viewToken.end], text: lower ? ' concurrently' : ' CONCURRENTLY' } };
          }
        }
        context.report({
          range: headRange(text, stmt.range),
          message: !view ? HEADLINES.unknown : index ? HEADLINES.hasIndex : HEADLINES.noIndex,
          detail: MESSAGES.refresh.replace('{{requirement}}', requirement),
          data: {
            ...names,
            traffic: blockedTraffic(locks) === 'writes' ? 'writes to' : 'reads of',
            locks: describeLocks(locks),
            blocks: whatItBlocksInTransaction(context, locks),
            work,
            concurrent: describeLocks(concurrentLocks),
            concurrentBlocks: whatItBlocks(concurrentLocks),
          },
          ...(suggestion ? { suggestions: [suggestion] } : {}),
        });
      },
    };
  },
});
