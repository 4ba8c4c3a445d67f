import { blockedWork, CatalogList, defineRule, displayRelation, excerpt, truncateText, walk } from '@sqlwarden/core';
import type { AlterTable, AlterTableAction, CatalogReader, CatalogTable, ColumnDef, Constraint, Node, ResolvedLock, RuleContext, StatementInfo } from '@sqlwarden/core';
import { displayName, emptiedInFile, isEmptyNewTable, isNewTable, isWord, scanTokens } from '../_shared/migration.ts';
import { quoteIdent } from '../_shared/query.ts';
import { describeLocks, effectsOfAction, heldLocksBefore, lockedRelations, statementEffects, whatItBlocks } from '../_shared/lock-messages.ts';
import { earlierInSameTransaction, sameTable } from '../_shared/transactions.ts';
import { whatItBlocksInTransaction } from '../_shared/transaction-locks.ts';
import { joinAnd } from '../_shared/breaking-change-locks.ts';

const SEPARATE = 'in a separate transaction (a migration of its own, or after a COMMIT)';

const MESSAGES = {
  foreignKey: 'ADD FOREIGN KEY blocks {{blocked}}{{blockedToo}} for a full check; add it NOT VALID, then VALIDATE it separately',
  foreignKeyPartitioned: 'ADD FOREIGN KEY blocks {{blocked}}{{blockedToo}} while it checks every partition; add it NOT VALID to each partition first',
  check: 'ADD CHECK blocks {{blocked}}{{blockedToo}} for a full check; add it NOT VALID, then VALIDATE it separately',
  columnForeignKey: 'ADD COLUMN `{{column}}` ... REFERENCES blocks {{blocked}}{{blockedToo}} for a full check; add the foreign key NOT VALID after',
  columnCheck: 'ADD COLUMN `{{column}}` ... CHECK blocks {{blocked}}{{blockedToo}} for a full check; add the CHECK NOT VALID after',
  validateAfterAdd: 'VALIDATE runs while the ADD CONSTRAINT {{whereShort}} still blocks {{blocked}}{{blockedToo}}; commit before validating',
  validateAfterLock: 'VALIDATE runs while {{whatShort}} still blocks {{blocked}}{{blockedToo}}; validate in a separate transaction',
};

const DETAILS = {
  foreignKey:
    'ADD FOREIGN KEY {{constraint}} takes {{locks}} and scans all of `{{table}}` to check the existing rows, {{blocks}} for the whole scan. Add it NOT VALID (the same locks, held only for a moment; new and updated rows are checked at once), then run `ALTER TABLE {{tableSql}} VALIDATE CONSTRAINT {{name}}` {{separate}}: it takes {{validateLocks}}.',
  foreignKeyPartitioned:
    'ADD FOREIGN KEY {{constraint}} on partitioned table `{{table}}` takes {{locks}} and scans every partition to check the existing rows, {{blocks}} for the whole scan, and PostgreSQL {{version}} rejects NOT VALID foreign keys on partitioned tables (allowed from 18). Instead, on each partition add the same foreign key NOT VALID and VALIDATE it in a separate transaction; adding it to `{{table}}` afterwards attaches the validated partition constraints without a scan.',
  check:
    'ADD CHECK {{constraint}} takes {{locks}} and scans all of `{{table}}` to check the existing rows, {{blocks}} for the whole scan. Add it NOT VALID (held only for a moment; new and updated rows are checked at once), then run `ALTER TABLE {{tableSql}} VALIDATE CONSTRAINT {{name}}` {{separate}}: it takes {{validateLocks}}.',
  columnForeignKey:
    'ADD COLUMN `{{column}}` with a DEFAULT and a REFERENCES constraint takes {{locks}} and checks every existing row against `{{referenced}}`, {{blocks}} for the whole scan. A column constraint cannot be NOT VALID: add the column first, then `ADD CONSTRAINT ... FOREIGN KEY ({{column}}) REFERENCES ... NOT VALID` and VALIDATE CONSTRAINT {{separate}}.',
  columnCheck:
    'ADD COLUMN `{{column}}` with a CHECK constraint takes {{locks}} and scans all of `{{table}}` to check it, {{blocks}} for the whole scan. A column constraint cannot be NOT VALID: add the column first, then `ADD CONSTRAINT ... CHECK (...) NOT VALID` and VALIDATE CONSTRAINT {{separate}}.',
  validateAfterAdd:
    'VALIDATE CONSTRAINT {{name}} runs in the same transaction as its ADD CONSTRAINT ... NOT VALID {{where}}, which still holds {{held}} until the transaction ends: the validation scan of `{{table}}` runs while {{heldBlocks}}. Commit first and validate {{separate}}, where it takes {{validateLocks}}.',
  validateAfterLock:
    'VALIDATE CONSTRAINT {{name}} runs in the same transaction as {{what}} {{where}}, which holds {{held}} until the transaction ends: the validation scan of `{{table}}` runs while {{heldBlocks}}. Validate {{separate}}, where it takes {{validateLocks}}.',
};

/** PostgreSQL's name for an unnamed constraint: `<table>_<columns>_fkey`, `<table>_<column>_check` (ChooseConstraintName). */
function defaultConstraintName(table: string, constraint: Constraint): string {
  if (constraint.kind === 'foreign_key') return `${table}_${constraint.columns.join('_')}_fkey`;
  let column: string | undefined;
  if (constraint.expr) {
    walk(constraint.expr, {
      enter(node: Node) {
        if (column === undefined && node.type === 'ColumnRef') column = node.column;
      },
    });
  }
  return column ? `${table}_${column}_check` : `${table}_check`;
}

function tableSql(name: { schema?: string; name: string }): string {
  return name.schema ? `${quoteIdent(name.schema)}.${quoteIdent(name.name)}` : quoteIdent(name.name);
}

/**
 * What the locks block, short enough for a headline, in two parts that each stay under the
 * headline's limit for a value: `blocked` "writes to `orders` and `users`" or "reads and writes on
 * `orders`", and `blockedToo` " and writes to `users`" when the locks differ. The details give the
 * lock modes.
 */
function blockedShort(locks: readonly ResolvedLock[]): { blocked: string; blockedToo: string } {
  const named = (pick: (l: ResolvedLock) => boolean): string => joinAnd([...new Set(locks.filter(pick).map((l) => ('unresolved' in l.relation && l.relation.unresolved ? l.relation.name : `\`${displayRelation(l.relation)}\``)))]);
  const readsAndWrites = named((l) => blockedWork(l.mode).reads);
  const writes = named((l) => !blockedWork(l.mode).reads && blockedWork(l.mode).writes);
  if (readsAndWrites) return { blocked: `reads and writes on ${readsAndWrites}`, blockedToo: writes ? ` and writes to ${writes}` : '' };
  return { blocked: writes ? `writes to ${writes}` : 'other DDL', blockedToo: '' };
}

/** "the lock blocks" / "the locks block", followed by what they block. */
function heldBlocks(locks: readonly ResolvedLock[]): string {
  return whatItBlocks(locks, { verb: locks.length > 1 ? 'the locks block' : 'the lock blocks' });
}

export default defineRule({
  meta: {
    id: 'require-not-valid-constraint',
    description:
      'FOREIGN KEY and CHECK constraints added to existing tables without NOT VALID (a full scan under a write- or read-blocking lock), and VALIDATE CONSTRAINT run while the transaction still holds such a lock.',
    docs: { url: 'https://github.com/sqlwarden/sqlwarden/blob/main/rules/require-not-valid-constraint/README.md', recommended: true },
    defaultSeverity: 'error',
    category: 'migration-safety',
    groupRepeats: 'transaction',
    hasSuggestions: true,
    dialects: ['postgresql'],
    sources: [
      { tool: 'squawk', rule: 'adding-foreign-key-constraint', note: 'squawk always flags ADD COLUMN ... REFERENCES; PostgreSQL skips the check when the new column has no DEFAULT, so we do not.' },
      { tool: 'squawk', rule: 'constraint-missing-not-valid', note: 'squawk also asks for NOT VALID on UNIQUE, PRIMARY KEY and EXCLUDE, which have none; see require-unique-using-index and no-exclusion-constraint.' },
      { tool: 'strong_migrations', rule: 'add_foreign_key' },
      { tool: 'strong_migrations', rule: 'add_check_constraint' },
      { tool: 'strong_migrations', rule: 'validate_foreign_key' },
      { tool: 'strong_migrations', rule: 'validate_check_constraint' },
      { tool: 'eugene', rule: 'E1' },
      { tool: 'atlas', rule: 'PG305' },
      { tool: 'atlas', rule: 'PG306' },
      { tool: 'postgres-language-server', rule: 'addingForeignKeyConstraint' },
      { tool: 'postgres-language-server', rule: 'constraintMissingNotValid' },
      { tool: 'postgres-language-server', rule: 'banNotValidValidateSameTransaction' },
    ],
  },
  create(context: RuleContext) {
    const version = context.settings.postgresVersion;
    const text = context.file.text;

    /**
     * The locks `ALTER TABLE ... VALIDATE CONSTRAINT name` takes for a constraint of this kind,
     * from the lock model. The constraint may not be in the catalog yet (it is added by this
     * statement), so the model is asked with a catalog that has it, and a foreign key's
     * referenced table, which the catalog does not record, is filled in from the constraint.
     */
    function validationLocks(stmt: AlterTable, name: string, constraint: Pick<Constraint, 'kind' | 'references'>): ResolvedLock[] {
      const action: AlterTableAction = {
        type: 'AlterTableAction',
        action: 'validate_constraint',
        subtype: 'AT_ValidateConstraint',
        constraintName: name,
        concurrently: false,
        ifExists: false,
        ifNotExists: false,
        cascade: false,
        range: stmt.range,
      };
      const validate: AlterTable = { ...stmt, actions: [action] };
      const known = context.catalog.getTable(stmt.table);
      const base: CatalogTable = known ?? { schema: stmt.table.schema ?? 'public', name: stmt.table.name, columns: CatalogList.empty(), indexes: CatalogList.empty(), constraints: CatalogList.empty(), partitioned: false, columnsKnown: false };
      const withConstraint: CatalogTable = { ...base, constraints: base.constraints.keep((c) => c.name !== name).push({ name, kind: constraint.kind, columns: [], validated: false }) };
      const same = (t: { schema?: string; name: string }): boolean => t.name === base.name && (t.schema ?? base.schema) === base.schema;
      const catalog: CatalogReader = {
        getTable: (t) => (same(t) ? withConstraint : context.catalog.getTable(t)),
        getColumn: (t, c) => context.catalog.getColumn(t, c),
        tables: () => context.catalog.tables(),
        tableOfIndex: (i) => context.catalog.tableOfIndex(i),
      };
      const locks = lockedRelations(statementEffects({ ...context, catalog }, validate));
      const referenced = constraint.references?.table;
      return locks.map((l) => (l.on === 'referenced_table' && referenced ? { ...l, relation: referenced } : l));
    }

    function addConstraint(stmt: AlterTable, action: AlterTableAction, constraint: Constraint): void {
      const range = action.range;
      const locks = lockedRelations(effectsOfAction(context, stmt, action));
      const name = constraint.name ?? defaultConstraintName(stmt.table.name, constraint);
      const data = {
        table: displayName(stmt.table),
        tableSql: tableSql(stmt.table),
        constraint: constraint.name !== undefined ? `\`${constraint.name}\`` : `(unnamed, PostgreSQL calls it \`${name}\`)`,
        name: quoteIdent(name),
        locks: describeLocks(locks),
        blocks: whatItBlocksInTransaction(context, locks, { verb: 'blocking' }),
        ...blockedShort(locks),
        separate: SEPARATE,
        version,
        validateLocks: '',
      };
      if (constraint.kind === 'foreign_key' && context.resolveTable(stmt.table)?.partitioned === true && version < 18) {
        context.report({ range, message: MESSAGES.foreignKeyPartitioned, detail: DETAILS.foreignKeyPartitioned, data });
        return;
      }
      const validation = validationLocks(stmt, name, constraint);
      data.validateLocks = `${describeLocks(validation)}, which ${whatItBlocks(validation, { verb: validation.length > 1 ? 'block' : 'blocks' })}`;
      context.report({
        range,
        message: constraint.kind === 'foreign_key' ? MESSAGES.foreignKey : MESSAGES.check,
        detail: constraint.kind === 'foreign_key' ? DETAILS.foreignKey : DETAILS.check,
        data,
        suggestions: [suggestion(stmt, action, constraint, name)],
      });
    }

    /**
     * Appends NOT VALID to the subcommand (naming an unnamed constraint the way PostgreSQL would,
     * so the VALIDATE can refer to it) and, when the statement runs on its own, a VALIDATE
     * statement after it. Inside a transaction block the VALIDATE would run under the same
     * locks, so it is left to a separate migration.
     */
    function suggestion(stmt: AlterTable, action: AlterTableAction, constraint: Constraint, name: string) {
      const range = action.range;
      const lower = /^[a-z]/.test(text.slice(stmt.range.start, stmt.range.start + 1));
      const kw = (s: string): string => (lower ? s.toLowerCase() : s);
      const edits: Array<{ range: [number, number]; text: string }> = [{ range: [range.end, range.end], text: ` ${kw('NOT VALID')}` }];
      if (constraint.name === undefined) {
        const tokens = scanTokens(text, range.start, range.end);
        if (isWord(tokens[0], 'add')) edits.push({ range: [tokens[0]!.end, tokens[0]!.end], text: ` ${kw('CONSTRAINT')} ${quoteIdent(name)}` });
      }
      const alone = !context.statement.transaction;
      if (alone) edits.push({ range: [stmt.range.end, stmt.range.end], text: `;\n${kw('ALTER TABLE')} ${tableSql(stmt.table)} ${kw('VALIDATE CONSTRAINT')} ${quoteIdent(name)}` });
      return {
        // The VALIDATE statement to run later is spelled out in the detail.
        desc: alone ? 'Add NOT VALID and validate in a statement of its own' : 'Add NOT VALID; validate in a separate migration',
        fix: edits,
      };
    }

    /** `blockedShort` for the altered table alone: a column's headline has no room for the referenced table, which the detail names. */
    function blockedOnTable(stmt: AlterTable, locks: readonly ResolvedLock[]): { blocked: string; blockedToo: string } {
      const own = locks.filter((l) => !('unresolved' in l.relation && l.relation.unresolved) && sameTable(context, l.relation, stmt.table));
      return blockedShort(own.length ? own : locks);
    }

    function addColumn(stmt: AlterTable, action: AlterTableAction, def: ColumnDef): void {
      const effects = effectsOfAction(context, stmt, action);
      const base = { table: displayName(stmt.table), column: def.name, separate: SEPARATE };
      for (const c of def.constraints) {
        if (c.notValid) continue;
        if (c.kind !== 'check' && c.kind !== 'foreign_key') continue;
        // The lock model says whether this constraint makes PostgreSQL check the existing rows:
        // a REFERENCES column added without a DEFAULT is NULL everywhere and is not checked.
        const operation = c.kind === 'check' ? 'alter_table.add_column.check' : 'alter_table.add_column.references';
        const own = effects.filter((e) => e.operation.id.startsWith(operation));
        if (!own.some((e) => e.scan !== 'none')) continue;
        const locks = lockedRelations(effects);
        const data = { ...base, locks: describeLocks(locks), blocks: whatItBlocksInTransaction(context, locks, { verb: 'blocking' }), ...blockedOnTable(stmt, locks), referenced: c.references ? displayName(c.references.table) : 'the referenced table' };
        context.report({ range: action.range, message: c.kind === 'check' ? MESSAGES.columnCheck : MESSAGES.columnForeignKey, detail: c.kind === 'check' ? DETAILS.columnCheck : DETAILS.columnForeignKey, data });
      }
    }

    function lineOf(info: StatementInfo): number {
      return text.slice(0, info.range.start).split('\n').length;
    }

    /** Where an earlier statement sits, for details: `(line 3)`. */
    function where(info: StatementInfo | undefined): string {
      if (!info) return 'in this statement';
      return `(line ${lineOf(info)})`;
    }

    /** The `ADD CONSTRAINT name ... NOT VALID` subcommand of `node` on the same table, before `before` if given. */
    function addedNotValid(node: StatementInfo['node'], table: AlterTable['table'], name: string, before?: AlterTableAction): { alter: AlterTable; action: AlterTableAction } | undefined {
      if (node?.type !== 'AlterTable' || !sameTable(context, node.table, table)) return undefined;
      const actions = before ? node.actions.slice(0, node.actions.indexOf(before)) : node.actions;
      const action = actions.find((a) => a.action === 'add_constraint' && a.constraint?.name === name && a.constraint.notValid);
      return action ? { alter: node, action } : undefined;
    }

    function validate(stmt: AlterTable, action: AlterTableAction): void {
      const name = action.constraintName;
      if (!name) return;
      const earlier = earlierInSameTransaction(context);
      let addInfo: StatementInfo | undefined;
      let add = addedNotValid(stmt, stmt.table, name, action);
      for (const info of add ? [] : earlier) {
        add = addedNotValid(info.node, stmt.table, name);
        if (add) {
          addInfo = info;
          break;
        }
      }
      const kind = add?.action.constraint?.kind ?? context.resolveTable(stmt.table)?.constraints.find((c) => c.name === name)?.kind ?? 'check';
      const validation = validationLocks(stmt, name, { kind, ...(add?.action.constraint?.references ? { references: add.action.constraint.references } : {}) });
      const data = {
        name: quoteIdent(name),
        table: displayName(stmt.table),
        separate: SEPARATE,
        validateLocks: `${describeLocks(validation)}, which ${whatItBlocks(validation, { verb: validation.length > 1 ? 'block' : 'blocks' })}`,
      };
      // Locks that block writes on a table the validation reads, taken earlier in this
      // transaction or by another subcommand of this statement, nearest first.
      const relations = validation.filter((l) => !('unresolved' in l.relation && l.relation.unresolved)).map((l) => l.relation);
      const held = heldLocksBefore(context, stmt, action, earlier, relations).filter((h) => h.blocks.writes);
      if (add) {
        const fromAdd = held.filter((h) => h.info === addInfo && h.action === add!.action).map((h) => h.lock);
        const locks = fromAdd.length ? fromAdd : lockedRelations(effectsOfAction(context, add.alter, add.action));
        context.report({
          range: action.range,
          message: MESSAGES.validateAfterAdd,
          detail: DETAILS.validateAfterAdd,
          data: { ...data, where: where(addInfo), whereShort: addInfo ? `on line ${lineOf(addInfo)}` : 'in this statement', held: describeLocks(locks), heldBlocks: heldBlocks(locks), ...blockedShort(locks) },
        });
        return;
      }
      const nearest = held[0];
      if (!nearest) return;
      // Name what took the lock by its own text: `ADD COLUMN note text`, `CREATE INDEX orders_amount ON orders ...`.
      const source = nearest.action ? nearest.action.range : nearest.info?.range;
      const what = `\`${source ? excerpt(text.slice(source.start, source.end), 60, '...') : truncateText(nearest.what, 60, '...')}\``;
      const locks = lockedRelations([{ locks: held.filter((h) => h.info === nearest.info && h.action === nearest.action).map((h) => h.lock) }]);
      context.report({
        range: action.range,
        message: MESSAGES.validateAfterLock,
        detail: DETAILS.validateAfterLock,
        data: {
          ...data,
          what,
          where: where(nearest.info),
          whatShort: nearest.info ? `line ${lineOf(nearest.info)} of this transaction` : 'another subcommand of this statement',
          held: describeLocks(locks),
          heldBlocks: heldBlocks(locks),
          ...blockedShort(locks),
        },
      });
    }

    return {
      AlterTable(stmt: AlterTable) {
        if (!context.file.isMigration || stmt.objectKind !== 'table') return;
        // A table created empty or truncated earlier in this file: the checks are instant. (One
        // created by CREATE TABLE AS / SELECT INTO holds the copied rows.)
        if (isEmptyNewTable(context, stmt.table) || emptiedInFile(context, stmt.table) === 'truncate') return;
        // Filled by CREATE TABLE AS earlier in this file: nobody else uses it yet, so only a foreign
        // key matters, whose check holds a lock on the referenced (existing) table for the scan.
        const filledNew = isNewTable(context, stmt.table);
        for (const action of stmt.actions) {
          const c = action.constraint;
          if (filledNew && !(action.action === 'add_constraint' && c?.kind === 'foreign_key')) continue;
          if (action.action === 'add_constraint' && c && !c.notValid && (c.kind === 'foreign_key' || c.kind === 'check')) addConstraint(stmt, action, c);
          else if (action.action === 'add_column' && action.columnDef) addColumn(stmt, action, action.columnDef);
          else if (action.action === 'validate_constraint') validate(stmt, action);
        }
      },
    };
  },
});
