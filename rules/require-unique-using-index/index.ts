import { defineRule } from '@sqlwarden/core';
import type { AlterTable, AlterTableAction, CatalogTable, Constraint, ResolvedLock, RuleContext } from '@sqlwarden/core';
import { displayName, emptiedInFile, isNewTable, isWord, scanTokens } from '../_shared/migration.ts';
import { quoteIdent } from '../_shared/query.ts';
import { blockedOn, describeLocks, effectsOfAction, lockedRelations } from '../_shared/lock-messages.ts';
import { setNotNullScans } from '../_shared/not-null.ts';
import { whatItBlocksInTransaction } from '../_shared/transaction-locks.ts';

const MESSAGES = {
  build: 'ADD {{kind}} blocks {{blocked}} `{{table}}` while indexing; build the index CONCURRENTLY, then ADD ... USING INDEX',
  buildPartitioned: 'ADD {{kind}} blocks {{blocked}} `{{table}}` while it indexes every partition; add it to each partition USING INDEX first',
  column: 'ADD COLUMN `{{column}}` ... {{kind}} blocks {{blocked}} `{{table}}` while indexing; add it, then index it CONCURRENTLY',
  primaryKeyNullable12: 'ADD PRIMARY KEY USING INDEX blocks {{blocked}} `{{table}}` while it checks {{columns}} for NULLs; validate a NOT NULL CHECK first',
  primaryKeyNullable11: 'ADD PRIMARY KEY USING INDEX blocks {{blocked}} `{{table}}` while it checks {{columns}} for NULLs; run it at a quiet time',
};

const DETAILS = {
  build:
    'ADD {{kind}} {{constraint}} builds a unique index on `{{table}}` while holding {{locks}}, {{blocks}} for the whole build (a full scan and sort){{notNull}}. Build the index first, outside a transaction: `{{createIndex}}`; check it is VALID (pg_index.indisvalid); then `{{attach}}`, which only holds the lock for a moment. (There is no NOT VALID for UNIQUE or PRIMARY KEY.)',
  buildPartitioned:
    'ADD {{kind}} {{constraint}} builds a unique index on every partition of `{{table}}` while holding {{locks}}, {{blocks}} for the whole build{{notNull}}. Partitioned tables have no CREATE INDEX CONCURRENTLY and no USING INDEX: on each partition run CREATE UNIQUE INDEX CONCURRENTLY and `ALTER TABLE <partition> ADD CONSTRAINT ... {{kind}} USING INDEX ...`; adding the constraint to `{{table}}` afterwards attaches them instead of building. (There is no NOT VALID for UNIQUE or PRIMARY KEY.)',
  column:
    'ADD COLUMN `{{column}}` ... {{kind}} builds a unique index on `{{table}}` while holding {{locks}}, {{blocks}} for the whole build (a full scan and sort). Add the column without {{kind}}, build the index with `CREATE UNIQUE INDEX CONCURRENTLY` outside a transaction, then `ALTER TABLE {{tableSql}} ADD CONSTRAINT ... {{kind}} USING INDEX ...`. (There is no NOT VALID for UNIQUE or PRIMARY KEY.)',
  primaryKeyNullable:
    'ADD PRIMARY KEY USING INDEX {{index}} makes {{columns}} NOT NULL, which scans all of `{{table}}` while holding {{locks}}, {{blocks}} until every row is checked. {{recipe}}',
};


/** The safe way to make the columns NOT NULL before the primary key, on the target version. */
function notNullRecipe(version: number, columns: string[]): string {
  const list = columns.map((c) => `\`${c}\``).join(', ');
  if (version >= 12) {
    return `First make ${columns.length > 1 ? 'them' : 'it'} NOT NULL without that scan: backfill NULLs, \`ADD CONSTRAINT ... CHECK (${columns.map((c) => `${c} IS NOT NULL`).join(' AND ')}) NOT VALID\`, VALIDATE CONSTRAINT in a separate transaction (reads and writes continue), then SET NOT NULL on ${list} (no scan once the CHECK is valid).`;
  }
  return `Before PostgreSQL 12 (target: ${version}) SET NOT NULL always scans under this lock, even with a valid CHECK constraint; run it at a quiet time with a short lock_timeout.`;
}

export default defineRule({
  meta: {
    id: 'require-unique-using-index',
    description:
      'UNIQUE and PRIMARY KEY constraints added to existing tables without USING INDEX of a concurrently built index (an index build under ACCESS EXCLUSIVE), and primary keys over columns that are not yet NOT NULL.',
    docs: { url: 'https://github.com/sqlwarden/sqlwarden/blob/main/rules/require-unique-using-index/README.md', recommended: true },
    defaultSeverity: 'error',
    category: 'migration-safety',
    groupRepeats: 'transaction',
    dialects: ['postgresql'],
    sources: [
      { tool: 'squawk', rule: 'disallowed-unique-constraint' },
      { tool: 'squawk', rule: 'adding-serial-primary-key-field' },
      { tool: 'squawk', rule: 'constraint-missing-not-valid', note: 'squawk suggests NOT VALID for UNIQUE and PRIMARY KEY, which PostgreSQL does not accept; the fix is USING INDEX.' },
      { tool: 'strong_migrations', rule: 'add_unique_constraint' },
      { tool: 'eugene', rule: 'E7' },
      { tool: 'eugene', rule: 'W14' },
      { tool: 'atlas', rule: 'PG104' },
      { tool: 'atlas', rule: 'PG105' },
      { tool: 'atlas', rule: 'PG304' },
      { tool: 'postgres-language-server', rule: 'disallowUniqueConstraint' },
      { tool: 'postgres-language-server', rule: 'addingPrimaryKeyConstraint' },
    ],
  },
  create(context: RuleContext) {
    const version = context.settings.postgresVersion;

    function tableSql(stmt: AlterTable): string {
      return stmt.table.schema ? `${quoteIdent(stmt.table.schema)}.${quoteIdent(stmt.table.name)}` : quoteIdent(stmt.table.name);
    }

    function lockData(stmt: AlterTable, action: AlterTableAction) {
      const locks = lockedRelations(effectsOfAction(context, stmt, action));
      return { locks: describeLocks(locks), blocks: whatItBlocksInTransaction(context, locks, { verb: 'blocking' }), blocked: blockedOn(locks) };
    }

    /** Columns of a primary key that would need SET NOT NULL, when the catalog knows them. */
    function nullableColumns(table: CatalogTable | undefined, columns: string[]): string[] {
      if (!table) return [];
      return columns.filter((c) => setNotNullScans(table, c, version) === true);
    }

    function addConstraint(stmt: AlterTable, action: AlterTableAction, constraint: Constraint): void {
      const range = action.range;
      const table = context.resolveTable(stmt.table);
      const kind = constraint.kind === 'primary_key' ? 'PRIMARY KEY' : 'UNIQUE';
      if (constraint.usingIndex !== undefined) {
        if (constraint.kind !== 'primary_key') return;
        // The lock model says whether the primary key has to make its columns NOT NULL (a scan);
        // when it cannot tell (an index or table the catalog does not know), stay silent.
        const effects = effectsOfAction(context, stmt, action);
        if (!effects.some((e) => e.scan !== 'none' && e.uncertain === undefined)) return;
        const owner = context.catalog.tableOfIndex({ ...(stmt.table.schema ? { schema: stmt.table.schema } : {}), name: constraint.usingIndex });
        const index = owner?.indexes.find((i) => i.name === constraint.usingIndex);
        if (!owner || !index || index.elements.some((e) => e.column === undefined)) return;
        // The columns that still need the scan; none when validated CHECKs prove them all NOT
        // NULL, which PostgreSQL 12+ accepts instead of scanning (verified on 15).
        const columns = nullableColumns(owner, index.elements.map((e) => e.column!));
        if (columns.length === 0) return;
        context.report({
          range,
          message: version >= 12 ? MESSAGES.primaryKeyNullable12 : MESSAGES.primaryKeyNullable11,
          detail: DETAILS.primaryKeyNullable,
          data: { index: quoteIdent(constraint.usingIndex), columns: columns.map((c) => `\`${c}\``).join(', '), table: displayName(stmt.table), recipe: notNullRecipe(version, columns), ...lockData(stmt, action) },
        });
        return;
      }
      const columns = constraint.columns;
      const needNotNull = constraint.kind === 'primary_key' ? nullableColumns(table, columns) : [];
      const indexName = constraint.name ?? `${stmt.table.name}_${constraint.kind === 'primary_key' ? 'pkey' : `${columns.join('_')}_key`}`;
      // The index must match the constraint, NULLS NOT DISTINCT (PostgreSQL 15+) included.
      const nullsNotDistinct = scanTokens(context.file.text, range.start, range.end).some((t, i, all) => isWord(t, 'nulls') && isWord(all[i + 1], 'not') && isWord(all[i + 2], 'distinct'));
      const data = {
        kind,
        constraint: constraint.name ? `\`${constraint.name}\`` : `(${columns.join(', ')})`,
        table: displayName(stmt.table),
        notNull: needNotNull.length ? `, and also scans it to make ${needNotNull.map((c) => `\`${c}\``).join(', ')} NOT NULL` : '',
        createIndex: `CREATE UNIQUE INDEX CONCURRENTLY ${quoteIdent(indexName)} ON ${tableSql(stmt)} (${columns.map(quoteIdent).join(', ')})${nullsNotDistinct ? ' NULLS NOT DISTINCT' : ''}`,
        attach: `ALTER TABLE ${tableSql(stmt)} ADD CONSTRAINT ${quoteIdent(indexName)} ${kind} USING INDEX ${quoteIdent(indexName)}`,
        ...lockData(stmt, action),
      };
      context.report({ range, message: table?.partitioned ? MESSAGES.buildPartitioned : MESSAGES.build, detail: table?.partitioned ? DETAILS.buildPartitioned : DETAILS.build, data });
    }

    return {
      AlterTable(stmt: AlterTable) {
        if (!context.file.isMigration || stmt.objectKind !== 'table') return;
        // A table created earlier in this file: nobody else uses it yet, so its lock blocks nobody,
        // even while a CREATE TABLE AS table's copied rows are indexed. Truncated: the build is instant.
        if (isNewTable(context, stmt.table) || emptiedInFile(context, stmt.table) === 'truncate') return;
        for (const action of stmt.actions) {
          const c = action.constraint;
          if (action.action === 'add_constraint' && c && (c.kind === 'unique' || c.kind === 'primary_key')) addConstraint(stmt, action, c);
          else if (action.action === 'add_column' && action.columnDef) {
            const def = action.columnDef;
            const unique = def.constraints.find((k) => k.kind === 'unique' || k.kind === 'primary_key');
            if (!unique) continue;
            const kind = unique.kind === 'primary_key' ? 'PRIMARY KEY' : 'UNIQUE';
            context.report({
              range: action.range,
              message: MESSAGES.column,
              detail: DETAILS.column,
              data: { column: def.name, kind, table: displayName(stmt.table), tableSql: tableSql(stmt), ...lockData(stmt, action) },
            });
          }
        }
      },
    };
  },
});
