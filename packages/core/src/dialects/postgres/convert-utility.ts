import type * as M from '../../model/nodes.ts';

/*
 * Conversion of the maintenance and utility statements the lock model needs (VACUUM, CLUSTER,
 * REFRESH MATERIALIZED VIEW, ALTER TYPE ... VALUE, ALTER SEQUENCE, CREATE TRIGGER, LOCK TABLE)
 * and of the ALTER TABLE subcommands that are more than `other` to it. Kept apart from
 * convert.ts so that file only dispatches here.
 */

type Raw = Record<string, any>;

/** What the converter lends this module: names from RangeVars, as convert.ts builds them. */
export interface UtilityContext {
  qualifiedFromRangeVar(node: unknown, r: M.Range): M.QualifiedName;
}

function unwrap(node: unknown): [string, Raw] | undefined {
  if (!node || typeof node !== 'object') return undefined;
  const keys = Object.keys(node);
  if (keys.length !== 1) return undefined;
  const key = keys[0]!;
  return [key, (node as Raw)[key] as Raw];
}

function strings(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  return list.map((n) => unwrap(n)).filter((u) => u?.[0] === 'String').map((u) => String(u![1].sval ?? ''));
}

function defNames(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  return list.map((d) => unwrap(d)?.[1]?.defname).filter((n): n is string => typeof n === 'string').map((n) => n.toLowerCase());
}

/** Option is on unless written `(name false)` / `off` / `0`. */
function optionOn(list: unknown, name: string): boolean {
  if (!Array.isArray(list)) return false;
  for (const d of list) {
    const def = unwrap(d)?.[1];
    if (!def || String(def.defname).toLowerCase() !== name) continue;
    const arg = def.arg ? unwrap(def.arg) : undefined;
    if (!arg) return true;
    if (arg[0] === 'Boolean') return !!arg[1].boolval;
    if (arg[0] === 'Integer') return Number(arg[1].ival ?? 0) !== 0;
    if (arg[0] === 'String') return !['false', 'off', '0', 'no'].includes(String(arg[1].sval).toLowerCase());
    return true;
  }
  return false;
}

/** `LockStmt.mode` is PostgreSQL's LOCKMODE number: 1 AccessShare ... 8 AccessExclusive. */
const LOCK_MODES_BY_NUMBER: Record<number, M.TableLockMode> = {
  1: 'AccessShare',
  2: 'RowShare',
  3: 'RowExclusive',
  4: 'ShareUpdateExclusive',
  5: 'Share',
  6: 'ShareRowExclusive',
  7: 'Exclusive',
  8: 'AccessExclusive',
};

function qualifiedFromNames(names: string[], r: M.Range): M.QualifiedName {
  const q: M.QualifiedName = { name: names[names.length - 1] ?? '', range: r };
  if (names.length > 1) q.schema = names[names.length - 2]!;
  return q;
}

/** The statement for `kind`, or undefined when this module does not handle it. */
export function convertUtilityStatement(ctx: UtilityContext, kind: string, body: Raw, r: M.Range, raw: unknown): M.Statement | undefined {
  const rangeVar = (rv: unknown): M.QualifiedName => ctx.qualifiedFromRangeVar({ RangeVar: rv }, r);
  switch (kind) {
    case 'VacuumStmt': {
      const vacuum = body.is_vacuumcmd === true;
      const options = defNames(body.options);
      return {
        type: 'Vacuum',
        vacuum,
        full: vacuum && optionOn(body.options, 'full'),
        analyze: !vacuum || optionOn(body.options, 'analyze'),
        tables: (body.rels ?? []).map((v: unknown) => rangeVar(unwrap(v)?.[1]?.relation ?? {})),
        options,
        range: r,
        raw,
      };
    }
    case 'ClusterStmt': {
      const stmt: M.Cluster = { type: 'Cluster', range: r, raw };
      if (body.relation) stmt.table = rangeVar(body.relation);
      if (body.indexname) stmt.index = body.indexname;
      return stmt;
    }
    case 'RefreshMatViewStmt':
      return { type: 'RefreshMaterializedView', name: rangeVar(body.relation ?? {}), concurrently: !!body.concurrent, withData: !body.skipData, range: r, raw };
    case 'AlterEnumStmt': {
      const name = qualifiedFromNames(strings(body.typeName), r);
      if (body.oldVal !== undefined) {
        return { type: 'AlterEnum', name, action: 'rename_value', value: body.newVal ?? '', oldValue: body.oldVal, ifNotExists: false, range: r, raw };
      }
      const stmt: M.AlterEnum = { type: 'AlterEnum', name, action: 'add_value', value: body.newVal ?? '', ifNotExists: !!body.skipIfNewValExists, range: r, raw };
      if (body.newValNeighbor !== undefined) stmt.neighbor = { value: body.newValNeighbor, position: body.newValIsAfter ? 'after' : 'before' };
      return stmt;
    }
    case 'AlterSeqStmt':
      return { type: 'AlterSequence', name: rangeVar(body.sequence ?? {}), options: defNames(body.options), ifExists: !!body.missing_ok, range: r, raw };
    case 'CreateTrigStmt':
      return { type: 'CreateTrigger', name: body.trigname ?? '', table: rangeVar(body.relation ?? {}), orReplace: !!body.replace, constraint: !!body.isconstraint, range: r, raw };
    case 'LockStmt':
      return {
        type: 'LockTable',
        tables: (body.relations ?? []).map((rv: unknown) => ctx.qualifiedFromRangeVar(rv, r)),
        mode: LOCK_MODES_BY_NUMBER[Number(body.mode)] ?? 'AccessExclusive',
        nowait: !!body.nowait,
        range: r,
        raw,
      };
  }
  return undefined;
}

/** ALTER TABLE subcommands with their own action kind, beyond the ones convert.ts names itself. */
export function utilityAlterAction(subtype: string, cmd: Raw): { action: M.AlterTableActionKind; fields: Partial<M.AlterTableAction>; nameIsColumn?: boolean } | undefined {
  const optionNames = (): string[] => {
    const list = unwrap(cmd.def);
    const items = list?.[0] === 'List' ? list[1].items : Array.isArray(cmd.def) ? cmd.def : [];
    return (items ?? []).map((d: unknown) => {
      const def = unwrap(d)?.[1] ?? {};
      const name = String(def.defname ?? '').toLowerCase();
      return def.defnamespace ? `${String(def.defnamespace).toLowerCase()}.${name}` : name;
    });
  };
  const stringDef = (): string | undefined => {
    const u = unwrap(cmd.def);
    return u?.[0] === 'String' ? String(u[1].sval ?? '') : undefined;
  };
  switch (subtype) {
    case 'AT_SetStatistics':
      return { action: 'set_statistics', fields: {}, nameIsColumn: true };
    case 'AT_SetStorage': {
      const value = stringDef();
      return { action: 'set_storage', fields: value ? { value: value.toLowerCase() } : {}, nameIsColumn: true };
    }
    case 'AT_SetOptions':
      return { action: 'set_column_options', fields: { options: optionNames() }, nameIsColumn: true };
    case 'AT_ResetOptions':
      return { action: 'reset_column_options', fields: { options: optionNames() }, nameIsColumn: true };
    case 'AT_SetRelOptions':
      return { action: 'set_reloptions', fields: { options: optionNames() } };
    case 'AT_ResetRelOptions':
      return { action: 'reset_reloptions', fields: { options: optionNames() } };
    case 'AT_SetAccessMethod':
      return { action: 'set_access_method', fields: cmd.name ? { value: String(cmd.name) } : {} };
    case 'AT_ClusterOn':
      return { action: 'cluster_on', fields: cmd.name ? { index: String(cmd.name) } : {} };
    case 'AT_DropCluster':
      return { action: 'set_without_cluster', fields: {} };
    case 'AT_EnableTrig':
    case 'AT_EnableAlwaysTrig':
    case 'AT_EnableReplicaTrig':
      return { action: 'enable_trigger', fields: cmd.name ? { trigger: String(cmd.name) } : {} };
    case 'AT_EnableTrigAll':
      return { action: 'enable_trigger', fields: { trigger: 'ALL' } };
    case 'AT_EnableTrigUser':
      return { action: 'enable_trigger', fields: { trigger: 'USER' } };
    case 'AT_DisableTrig':
      return { action: 'disable_trigger', fields: cmd.name ? { trigger: String(cmd.name) } : {} };
    case 'AT_DisableTrigAll':
      return { action: 'disable_trigger', fields: { trigger: 'ALL' } };
    case 'AT_DisableTrigUser':
      return { action: 'disable_trigger', fields: { trigger: 'USER' } };
    case 'AT_AlterConstraint': {
      const def = unwrap(cmd.def);
      const name = def?.[1]?.conname;
      return { action: 'alter_constraint', fields: typeof name === 'string' ? { constraintName: name } : {} };
    }
  }
  return undefined;
}
