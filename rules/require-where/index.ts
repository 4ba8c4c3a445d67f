import { defineRule, excerpt } from '@sqlwarden/core';
import type { ColumnRef, Delete, Range, RuleContext, Truncate, Update } from '@sqlwarden/core';
import { statementHead } from '../_shared/query.ts';
import { ConstantFolder } from './truth.ts';

interface Options {
  truncate: boolean;
}

/** What the statement does to the table, as the headline's problem. */
const EFFECT = {
  missing: '{{statement}} without `WHERE` {{verb}} every row of `{{table}}`',
  tautology: '`WHERE {{condition}}` is always true, selecting every row of `{{table}}`',
  nonNull: '`WHERE {{condition}}` matches every row of `{{table}}` where {{column}} is not NULL',
};

/** What to do instead, as the headline's remedy. */
const REMEDY = {
  migrationUpdate: 'backfill in batches',
  migrationDelete: 'delete in batches, or use TRUNCATE',
  missing: 'add the `WHERE` clause that selects the rows to change',
  tautology: 'write the condition that selects the rows',
};

/** Why it hurts: in a migration, how the statement runs; elsewhere, why it is almost always a bug. */
const CONSEQUENCE = {
  migrationUpdate:
    'In a migration this rewrites every row under a ROW EXCLUSIVE lock in one transaction: PostgreSQL writes a new version of each row (the table grows, every index gets a new entry per row unless the update is HOT, and the old versions stay as dead tuples until VACUUM removes them), and each row stays locked until the transaction commits, blocking concurrent UPDATE, DELETE and SELECT ... FOR UPDATE of those rows (reads continue). If the file also runs DDL in the same transaction, the lock the DDL takes (often ACCESS EXCLUSIVE, which blocks reads too) is held for the whole backfill. Backfill in batches instead: a primary-key range per batch, each batch in its own transaction, outside the DDL migration.',
  migrationDelete:
    'In a migration this locks every row until the transaction commits, blocking concurrent UPDATE, DELETE and SELECT ... FOR UPDATE of those rows (reads continue), and leaves them all as dead tuples for VACUUM. Delete in batches (a primary-key range per batch, each in its own transaction), or use TRUNCATE if its ACCESS EXCLUSIVE lock is acceptable: it reclaims the space at once but blocks all reads and writes of the table until the transaction commits.',
  query:
    'Outside migrations an UPDATE or DELETE of every row is almost always a bug: a dropped condition, or a parameter that was meant to narrow the statement. If every row is really meant, say so with a `sqlwarden-ignore-line require-where` comment and the reason.',
};

const NON_NULL_DETAIL =
  'A comparison of {{column}} with itself is NULL, not true, where {{column}} is NULL: `WHERE {{condition}}` is true for every other row, so besides touching all of them it silently skips the rows where {{column}} is NULL. ';

const TAUTOLOGY_DETAIL = 'An always-true condition only hides the missing filter (`WHERE 1 = 1` is the usual way around "WHERE required" guards). ';

const TRUNCATE_MESSAGE = '`TRUNCATE` empties {{tables}} under an ACCESS EXCLUSIVE lock; make sure emptying it is intended';
const TRUNCATE_DETAIL =
  'TRUNCATE removes every row of {{tables}} unconditionally and holds an ACCESS EXCLUSIVE lock, blocking all reads and writes until the transaction commits. To remove only some rows, use DELETE with a WHERE clause.';

/**
 * Long conditions are cut for the message (to the length the engine keeps of a value in a
 * headline); the report's range shows the whole clause.
 */
function shorten(text: string): string {
  return excerpt(text, 48, '...');
}

export default defineRule<Options>({
  meta: {
    id: 'require-where',
    description: 'Require an effective `WHERE` on `UPDATE` and `DELETE`: no missing clause and no always-true condition.',
    docs: { url: 'https://github.com/sqlwarden/sqlwarden/blob/main/rules/require-where/README.md', recommended: true },
    defaultSeverity: 'error',
    category: 'correctness',
    schema: {
      type: 'object',
      properties: {
        truncate: { type: 'boolean', description: 'Also report `TRUNCATE`, which empties the table unconditionally.' },
      },
      additionalProperties: false,
    },
    defaultOptions: { truncate: false },
  },
  create(context: RuleContext<Options>) {
    const text = context.file.text;

    const check = (node: Update | Delete): void => {
      // MySQL `LIMIT n` bounds the statement (and satisfies sql_safe_updates); WHERE CURRENT OF hits one row.
      if (node.limit !== undefined || node.currentOf !== undefined) return;
      const table = node.table;
      if (context.file.isTableCreatedInFile(table)) return;
      const keyword = node.type === 'Update' ? 'update' : 'delete';
      const verb = context.file.isMigration ? (keyword === 'update' ? 'rewrites and locks' : 'deletes and locks') : 'affects';
      const data: Record<string, string> = {
        statement: keyword === 'update' ? '`UPDATE`' : '`DELETE`',
        verb,
        table: table.schema ? `${table.schema}.${table.name}` : table.name,
      };
      let effect: string;
      let why = '';
      let range: Range;
      let tautology = false;
      if (!node.where) {
        effect = EFFECT.missing;
        range = statementHead(text, node, keyword);
      } else {
        const folder = new ConstantFolder((a, b) => sameColumn(node, a, b));
        const { truth, nullColumn } = folder.fold(node.where);
        if (truth !== 'true' && truth !== 'nonnull-true') return;
        tautology = true;
        const whereRange = node.where.range;
        data.condition = shorten(context.getText(whereRange));
        if (truth === 'true') {
          effect = EFFECT.tautology;
          why = TAUTOLOGY_DETAIL;
        } else {
          data.column = nullColumn ? `\`${shorten(context.getText(nullColumn))}\`` : 'the column';
          effect = EFFECT.nonNull;
          why = NON_NULL_DETAIL;
        }
        range = whereRange;
      }
      let remedy: string;
      let consequence: string;
      if (context.file.isMigration) {
        remedy = keyword === 'update' ? REMEDY.migrationUpdate : REMEDY.migrationDelete;
        consequence = keyword === 'update' ? CONSEQUENCE.migrationUpdate : CONSEQUENCE.migrationDelete;
      } else {
        remedy = tautology ? REMEDY.tautology : REMEDY.missing;
        consequence = CONSEQUENCE.query;
      }
      context.report({ range, message: `${effect}; ${remedy}`, detail: `${why}${consequence}`, data });
    };

    const checkTruncate = (node: Truncate): void => {
      if (!context.options.truncate) return;
      const tables = node.tables.filter((t) => !context.file.isTableCreatedInFile(t));
      if (tables.length === 0) return;
      const names = tables.map((t) => `\`${t.schema ? `${t.schema}.` : ''}${t.name}\``).join(', ');
      context.report({ range: statementHead(text, { range: node.range, table: tables[0]! }, 'truncate'), message: TRUNCATE_MESSAGE, detail: TRUNCATE_DETAIL, data: { tables: names } });
    };

    return { Update: check, Delete: check, Truncate: checkTruncate };
  },
});

/**
 * Whether two references name the same column. An unqualified reference is the target table's
 * when the statement reads no other table (no FROM / USING), so `t.a = a` is a self-comparison
 * there; with other tables only identical spellings count.
 */
function sameColumn(node: Update | Delete, a: ColumnRef, b: ColumnRef): boolean {
  if (a.column !== b.column) return false;
  const others = node.type === 'Update' ? node.from : node.using;
  const own = node.table.alias ?? node.table.name;
  const qualifier = (r: ColumnRef): string | undefined => r.table ?? (others.length === 0 ? own : undefined);
  const qa = qualifier(a);
  const qb = qualifier(b);
  if (qa === undefined || qb === undefined) return a.table === b.table && a.schema === b.schema;
  return qa === qb && (a.schema === b.schema || a.schema === undefined || b.schema === undefined);
}
