import type { CatalogTable } from '../catalog/types.ts';
import type { AlterTable, AlterTableAction, ColumnDef, Constraint, Expr } from '../model/nodes.ts';
import { SERIAL_TYPES } from '../dialects/postgres/types.ts';
import { displayRelation, relationOf, type EffectBuilder, type EffectRequest } from './effects.ts';
import { reloptionLock } from './reloptions.ts';
import { classifyTypeChange } from './type-changes.ts';
import type { StatementEffect } from './types.ts';
import { expressionVolatility } from './volatility.ts';
import { hasValidatedNotNullCheck } from './not-null-proof.ts';

/** Effects of one ALTER TABLE / INDEX / VIEW / SEQUENCE statement, one or more per subcommand. */
export function alterTableEffects(b: EffectBuilder, stmt: AlterTable): StatementEffect[] {
  const target = relationOf(stmt.table);
  const table = b.table(stmt.table);
  const base = { relations: { target: [target] }, ...(stmt.only ? {} : { partitionsOf: stmt.table }) };
  const effects: StatementEffect[] = [];
  const add = (operation: string, action: AlterTableAction, extra: Partial<EffectRequest> = {}): void => {
    effects.push(b.build({ operation, action, ...base, ...extra, relations: { ...base.relations, ...extra.relations } }));
  };
  for (const action of stmt.actions) {
    if (stmt.objectKind === 'index') {
      indexAction(b, stmt, action, add);
      continue;
    }
    switch (action.action) {
      case 'add_column':
        if (action.columnDef) addColumn(b, action, action.columnDef, add);
        else add('alter_table.add_column', action);
        break;
      case 'drop_column':
        add('alter_table.drop_column', action);
        break;
      case 'alter_column_type':
        alterColumnType(b, table, action, add);
        break;
      case 'set_not_null':
        add(
          alreadyNotNull(table, action.column) ? 'alter_table.set_not_null.already' : b.version >= 12 && table !== undefined && action.column !== undefined && hasValidatedNotNullCheck(table, action.column) ? 'alter_table.set_not_null.proven' : 'alter_table.set_not_null',
          action,
        );
        break;
      case 'drop_not_null':
        add('alter_table.drop_not_null', action);
        break;
      case 'set_default':
        add('alter_table.set_default', action);
        break;
      case 'drop_default':
        add('alter_table.drop_default', action);
        break;
      case 'set_statistics':
        add('alter_table.set_statistics', action);
        break;
      case 'set_column_options':
      case 'reset_column_options':
        add('alter_table.set_column_options', action);
        break;
      case 'set_storage':
        add('alter_table.set_storage', action);
        break;
      case 'rename_column':
        add('alter_table.rename_column', action);
        break;
      case 'rename_constraint':
        add('alter_table.rename_constraint', action);
        break;
      case 'rename_table':
        add('alter_table.rename', action);
        break;
      case 'set_schema':
        add('alter_table.set_schema', action);
        break;
      case 'add_constraint':
        if (action.constraint) addConstraint(b, table, action, action.constraint, add);
        else add('alter_table.other', action);
        break;
      case 'drop_constraint': {
        const kind = constraintKind(table, action.constraintName);
        if (kind.kind === 'foreign_key') {
          add('alter_table.drop_constraint.foreign_key', action, {
            unresolvedName: { referenced_table: `the table ${action.constraintName ?? 'the foreign key'} references` },
            ...(kind.guessed ? { uncertain: `${action.constraintName} is not in the catalog; its name says it is a foreign key, which also locks the referenced table` } : {}),
          });
        } else {
          add('alter_table.drop_constraint', action, kind.known ? {} : { uncertain: `${action.constraintName ?? 'the constraint'} is not in the catalog: if it is a foreign key, the referenced table is locked ACCESS EXCLUSIVE too` });
        }
        break;
      }
      case 'validate_constraint': {
        const kind = constraintKind(table, action.constraintName);
        if (kind.kind === 'foreign_key') {
          add('alter_table.validate_constraint.foreign_key', action, {
            unresolvedName: { referenced_table: `the table ${action.constraintName ?? 'the foreign key'} references` },
            ...(kind.guessed ? { uncertain: `${action.constraintName} is not in the catalog; its name says it is a foreign key` } : {}),
          });
        } else {
          add('alter_table.validate_constraint', action, kind.known ? {} : { uncertain: `${action.constraintName ?? 'the constraint'} is not in the catalog: a foreign key also takes ROW SHARE on the referenced table` });
        }
        break;
      }
      case 'alter_constraint':
        add('alter_table.alter_constraint', action);
        break;
      case 'attach_partition':
        add('alter_table.attach_partition', action, {
          relations: { target: [target], ...(action.partition ? { partition: [relationOf(action.partition)] } : {}) },
          unresolvedName: { default_partition: `the DEFAULT partition of ${displayRelation(target)}, if there is one` },
        });
        break;
      case 'merge_partitions':
      case 'split_partition': {
        const partitions = (action.partitions ?? []).map(relationOf);
        add(action.action === 'merge_partitions' ? 'alter_table.merge_partitions' : 'alter_table.split_partition', action, { relations: { target: [target], partition: partitions } });
        break;
      }
      case 'detach_partition': {
        const relations = { target: [target], ...(action.partition ? { partition: [relationOf(action.partition)] } : {}) };
        const unresolvedName = {
          default_partition: `the DEFAULT partition of ${displayRelation(target)}, if there is one`,
          referencing_tables: `every table that references ${displayRelation(target)} by foreign key, if any`,
        };
        if (action.finalize) {
          add('alter_table.detach_partition.concurrently', action, {
            relations,
            uncertain: 'DETACH PARTITION ... FINALIZE completes an interrupted DETACH ... CONCURRENTLY; it is modelled like that statement (SHARE UPDATE EXCLUSIVE on the parent)',
          });
        } else add(action.concurrently ? 'alter_table.detach_partition.concurrently' : 'alter_table.detach_partition', action, { relations, unresolvedName });
        break;
      }
      case 'set_logged':
      case 'set_unlogged':
        add('alter_table.set_logged', action);
        break;
      case 'set_tablespace':
        add('alter_table.set_tablespace', action);
        break;
      case 'set_access_method':
        add('alter_table.set_access_method', action);
        break;
      case 'set_reloptions':
      case 'reset_reloptions': {
        const exclusive = (action.options ?? []).some((o) => reloptionLock(o, b.version) === 'AccessExclusive') || (action.options ?? []).length === 0;
        add(exclusive ? 'alter_table.set_storage_parameters.exclusive' : 'alter_table.set_storage_parameters', action);
        break;
      }
      case 'cluster_on':
      case 'set_without_cluster':
        add('alter_table.cluster_on', action);
        break;
      case 'enable_trigger':
      case 'disable_trigger':
        add('alter_table.enable_disable_trigger', action);
        break;
      default:
        add('alter_table.other', action);
    }
  }
  return effects;
}

type Add = (operation: string, action: AlterTableAction, extra?: Partial<EffectRequest>) => void;

function indexAction(b: EffectBuilder, stmt: AlterTable, action: AlterTableAction, add: Add): void {
  const index = relationOf(stmt.table);
  if (action.action === 'rename_table') {
    // `ALTER INDEX` naming what the catalog knows as a table renames the table (ACCESS EXCLUSIVE).
    if (b.table(stmt.table)) add('alter_table.rename', action);
    else add('alter_index.rename', action, { relations: { index: [index] } });
    return;
  }
  if (action.action === 'set_reloptions' || action.action === 'reset_reloptions') {
    const exclusive = (action.options ?? []).some((o) => reloptionLock(o, b.version) === 'AccessExclusive');
    add(exclusive ? 'alter_table.set_storage_parameters.exclusive' : 'alter_table.set_storage_parameters', action);
    return;
  }
  add('alter_table.other', action, { uncertain: `ALTER INDEX ... ${action.subtype} is not modelled individually; ACCESS EXCLUSIVE is the ALTER TABLE default` });
}

function addColumn(b: EffectBuilder, action: AlterTableAction, def: ColumnDef, add: Add): void {
  const kinds = new Set(def.constraints.map((c) => c.kind));
  const generated = def.constraints.find((c) => c.kind === 'generated');
  const notes: string[] = [];
  let uncertain: string | undefined;
  let base: string;
  if (SERIAL_TYPES.has(def.dataType.name)) base = 'alter_table.add_column.serial';
  else if (kinds.has('identity')) base = 'alter_table.add_column.identity';
  else if (generated) base = generated.generatedKind === 'virtual' ? 'alter_table.add_column.generated_virtual' : 'alter_table.add_column.generated_stored';
  else if (def.default && !isNullLiteral(def.default)) {
    const { volatility, functions } = expressionVolatility(def.default);
    if (volatility === 'volatile') base = 'alter_table.add_column.volatile_default';
    else {
      if (volatility === 'unknown') {
        base = 'alter_table.add_column.volatile_default';
        uncertain = `the default calls ${functions.join(', ')}, whose volatility is unknown here: a VOLATILE function (the default for user-defined functions) rewrites the table; a STABLE or IMMUTABLE one does not (PostgreSQL 11+)`;
      } else base = def.notNull ? 'alter_table.add_column.not_null_default' : 'alter_table.add_column.default';
    }
  } else base = def.notNull && !def.primaryKey ? 'alter_table.add_column.not_null' : 'alter_table.add_column';
  if (generated?.generatedKind === 'virtual' && b.version < 18) notes.push('Virtual generated columns need PostgreSQL 18; before 18 write STORED.');
  add(base, action, { ...(uncertain ? { uncertain } : {}), notes });
  for (const c of def.constraints) {
    if (c.kind === 'foreign_key' && c.references) {
      // Any DEFAULT (even DEFAULT NULL: transformAlterTableStmt only looks for a default
      // expression) makes PostgreSQL validate the foreign key against every existing row; without
      // one the column is NULL everywhere and the check is skipped.
      const filled = def.default !== undefined;
      add(filled ? 'alter_table.add_column.references.with_default' : 'alter_table.add_column.references', action, { relations: { referenced_table: [relationOf(c.references.table)] } });
    } else if (c.kind === 'unique' || c.kind === 'primary_key') {
      add('alter_table.add_column.unique', action);
    } else if (c.kind === 'check') {
      add('alter_table.add_column.check', action);
    }
  }
}

function isNullLiteral(e: Expr): boolean {
  return e.type === 'Literal' && e.kind === 'null';
}

function alterColumnType(b: EffectBuilder, table: CatalogTable | undefined, action: AlterTableAction, add: Add): void {
  if (!action.newType) {
    add('alter_table.alter_column_type', action);
    return;
  }
  const column = table && action.column ? table.columns.find((c) => c.name === action.column) : undefined;
  const verdict = classifyTypeChange(column?.type, action.newType, b.version, {
    usingComputes: action.using !== undefined && !usingKeepsValues(action.using, action.column),
    ...(action.column ? { column: action.column } : {}),
  });
  const operation =
    verdict.rewrite === 'none' ? 'alter_table.alter_column_type.no_rewrite' : verdict.rewrite === 'index' ? 'alter_table.alter_column_type.index_rebuild' : 'alter_table.alter_column_type';
  add(operation, action, { notes: [verdict.reason], ...(verdict.uncertain ? { uncertain: verdict.uncertain } : {}) });
}

/** `USING col` or `USING col::newtype`: the values are only relabelled. */
function usingKeepsValues(using: Expr, column: string | undefined): boolean {
  const inner = using.type === 'Cast' ? using.expr : using;
  return inner.type === 'ColumnRef' && inner.column === column;
}

/** The catalog knows the column is NOT NULL already (then SET NOT NULL checks nothing). */
function alreadyNotNull(table: CatalogTable | undefined, column: string | undefined): boolean {
  return !!table && !!column && table.columnsKnown && table.columns.some((c) => c.name === column && c.notNull);
}

function constraintKind(table: CatalogTable | undefined, name: string | undefined): { kind?: string; known: boolean; guessed?: boolean } {
  const found = name ? table?.constraints.find((c) => c.name === name) : undefined;
  if (found) return { kind: found.kind, known: true };
  if (name && /_fkey\d*$|^fk_|_fk$/i.test(name)) return { kind: 'foreign_key', known: false, guessed: true };
  return { known: false };
}

function addConstraint(b: EffectBuilder, table: CatalogTable | undefined, action: AlterTableAction, c: Constraint, add: Add): void {
  switch (c.kind) {
    case 'check':
      add(c.notValid ? 'alter_table.add_check.not_valid' : 'alter_table.add_check', action);
      return;
    case 'foreign_key':
      add(c.notValid ? 'alter_table.add_foreign_key.not_valid' : 'alter_table.add_foreign_key', action, {
        relations: c.references ? { referenced_table: [relationOf(c.references.table)] } : {},
      });
      return;
    case 'unique':
    case 'primary_key': {
      if (!c.usingIndex) {
        add('alter_table.add_unique', action);
        return;
      }
      if (c.kind === 'unique') {
        add('alter_table.add_unique.using_index', action);
        return;
      }
      const notNull = indexColumnsNotNull(b, table, c.usingIndex);
      if (notNull === true) add('alter_table.add_unique.using_index', action);
      else {
        add('alter_table.add_primary_key.using_index.nullable', action, notNull === undefined ? { uncertain: `the columns of ${c.usingIndex} are not known: if they are already NOT NULL there is no scan` } : {});
      }
      return;
    }
    case 'exclusion':
      add('alter_table.add_exclusion', action);
      return;
    case 'not_null':
      add(c.notValid ? 'alter_table.add_check.not_valid' : 'alter_table.set_not_null', action);
      return;
  }
  add('alter_table.other', action);
}

function indexColumnsNotNull(b: EffectBuilder, table: CatalogTable | undefined, indexName: string): boolean | undefined {
  const owner = b.catalog?.tableOfIndex({ name: indexName }) ?? table;
  const index = owner?.indexes.find((i) => i.name === indexName);
  if (!owner || !index || !owner.columnsKnown) return undefined;
  const columns = index.elements.map((e) => e.column);
  if (columns.some((c) => c === undefined)) return undefined;
  return columns.every((name) => owner.columns.find((col) => col.name === name)?.notNull === true);
}

