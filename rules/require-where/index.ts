import { defineRule, excerpt } from '@sqlwarden/core';
import type { ColumnRef, Delete, Range, RuleContext, Truncate, Update } from '@sqlwarden/core';
import { statementHead } from '../_shared/query.ts';
import { ConstantFolder } from './truth.ts';

interface Options {
  truncate: boolean;
}

const MIGRATION_CONSEQUENCE = {
  update:
    'in a migration this rewrites every row under a ROW EXCLUSIVE lock in one transaction, bloating the table and blocking concurrent updates of those rows: backfill in batches.',
  delete:
    'in a migration this locks every row until the transaction commits, blocking concurrent updates of those rows, and leaves them all as dead tuples for VACUUM: delete in batches, or use TRUNCATE if its ACCESS EXCLUSIVE lock is acceptable.',
};

const QUERY_CONSEQUENCE = {
  missing: 'add the `WHERE` clause that selects the rows to change.',
  tautology: 'write the condition that selects the rows to change; an always-true condition only hides the missing filter.',
};

const TRUNCATE_MESSAGE =
  '`TRUNCATE` removes every row of {{tables}} and holds an ACCESS EXCLUSIVE lock, blocking all reads and writes of the table until the transaction commits; make sure emptying it is intended.';

/** Long conditions are cut for the message; the report's range shows the whole clause. */
function shorten(text: string): string {
  return excerpt(text, 60, '...');
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
      const verb = context.file.isMigration ? (keyword === 'update' ? 'updates' : 'deletes') : 'affects';
      const statement = keyword === 'update' ? '`UPDATE`' : '`DELETE`';
      const tableName = table.schema ? `${table.schema}.${table.name}` : table.name;
      let effect: string;
      let range: Range;
      let tautology = false;
      if (!node.where) {
        effect = `${statement} without \`WHERE\` ${verb} every row of \`${tableName}\``;
        range = statementHead(text, node, keyword);
      } else {
        const folder = new ConstantFolder((a, b) => sameColumn(node, a, b));
        const { truth, nullColumn } = folder.fold(node.where);
        if (truth !== 'true' && truth !== 'nonnull-true') return;
        tautology = true;
        const whereRange = node.where.range;
        const condition = shorten(context.getText(whereRange));
        if (truth === 'true') {
          effect = `\`WHERE ${condition}\` is always true, so this ${statement} ${verb} every row of \`${tableName}\``;
        } else {
          const column = nullColumn ? shorten(context.getText(nullColumn)) : 'the column';
          effect = `\`WHERE ${condition}\` is true for every row where \`${column}\` is not NULL and silently skips the rows where it is NULL, so this ${statement} ${verb} almost every row of \`${tableName}\``;
        }
        range = whereRange;
      }
      const consequence = context.file.isMigration ? MIGRATION_CONSEQUENCE[keyword] : tautology ? QUERY_CONSEQUENCE.tautology : QUERY_CONSEQUENCE.missing;
      context.report({ range, message: `${effect}; ${consequence}` });
    };

    const checkTruncate = (node: Truncate): void => {
      if (!context.options.truncate) return;
      const tables = node.tables.filter((t) => !context.file.isTableCreatedInFile(t));
      if (tables.length === 0) return;
      const names = tables.map((t) => `\`${t.schema ? `${t.schema}.` : ''}${t.name}\``).join(', ');
      context.report({ range: statementHead(text, { range: node.range, table: tables[0]! }, 'truncate'), message: TRUNCATE_MESSAGE, data: { tables: names } });
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
