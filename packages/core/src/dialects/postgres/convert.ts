import type * as M from '../../model/nodes.ts';
import type { Locator } from './locator.ts';
import { canonicalTypeName } from './types.ts';
import { convertUtilityStatement, utilityAlterAction } from './convert-utility.ts';

/* The parser's JSON is loosely typed; we read it through this alias and check shapes as we go. */
type Raw = Record<string, any>;

/** `{ NodeType: {...} }` -> [NodeType, body] */
function unwrap(node: unknown): [string, Raw] | undefined {
  if (!node || typeof node !== 'object') return undefined;
  const keys = Object.keys(node);
  if (keys.length !== 1) return undefined;
  const key = keys[0]!;
  return [key, (node as Raw)[key] as Raw];
}

function str(node: unknown): string | undefined {
  const u = unwrap(node);
  if (!u) return undefined;
  if (u[0] === 'String') return u[1].sval ?? '';
  return undefined;
}

function strings(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  return list.map((n) => str(n)).filter((s): s is string => s !== undefined);
}

const COMPARISON_OPERATORS = new Set(['=', '<>', '!=', '<', '<=', '>', '>=']);
const LIKE_OPERATORS: Record<string, { ci: boolean; negated: boolean }> = {
  '~~': { ci: false, negated: false },
  '!~~': { ci: false, negated: true },
  '~~*': { ci: true, negated: false },
  '!~~*': { ci: true, negated: true },
};

const SQL_VALUE_FUNCTIONS: Record<string, string> = {
  SVFOP_CURRENT_DATE: 'current_date',
  SVFOP_CURRENT_TIME: 'current_time',
  SVFOP_CURRENT_TIME_N: 'current_time',
  SVFOP_CURRENT_TIMESTAMP: 'current_timestamp',
  SVFOP_CURRENT_TIMESTAMP_N: 'current_timestamp',
  SVFOP_LOCALTIME: 'localtime',
  SVFOP_LOCALTIME_N: 'localtime',
  SVFOP_LOCALTIMESTAMP: 'localtimestamp',
  SVFOP_LOCALTIMESTAMP_N: 'localtimestamp',
  SVFOP_CURRENT_ROLE: 'current_role',
  SVFOP_CURRENT_USER: 'current_user',
  SVFOP_USER: 'user',
  SVFOP_SESSION_USER: 'session_user',
  SVFOP_CURRENT_CATALOG: 'current_catalog',
  SVFOP_CURRENT_SCHEMA: 'current_schema',
};

const DROP_KINDS: Record<string, M.DropObjectKind> = {
  OBJECT_TABLE: 'table',
  OBJECT_INDEX: 'index',
  OBJECT_VIEW: 'view',
  OBJECT_MATVIEW: 'materialized_view',
  OBJECT_SCHEMA: 'schema',
  OBJECT_SEQUENCE: 'sequence',
  OBJECT_TYPE: 'type',
  OBJECT_DOMAIN: 'type',
  OBJECT_FUNCTION: 'function',
  OBJECT_PROCEDURE: 'function',
  OBJECT_TRIGGER: 'trigger',
  OBJECT_EXTENSION: 'extension',
};

const ALTER_OBJECT_KINDS: Record<string, M.AlterTable['objectKind']> = {
  OBJECT_TABLE: 'table',
  OBJECT_INDEX: 'index',
  OBJECT_VIEW: 'view',
  OBJECT_MATVIEW: 'materialized_view',
  OBJECT_SEQUENCE: 'sequence',
  OBJECT_FOREIGN_TABLE: 'foreign_table',
};

export interface ConvertOptions {
  /** Statement-relative byte locations of `$n` placeholders that stand for named parameters (`:name`). */
  namedParams?: ReadonlyMap<number, string>;
}

/** Converts one libpg-query statement into the unified model. */
export class PostgresConverter {
  constructor(
    private readonly loc: Locator,
    private readonly options: ConvertOptions = {},
  ) {}

  private range(raw: unknown, fallback?: M.Range): M.Range {
    return this.loc.rangeOf(raw, fallback ?? this.loc.statementRange);
  }

  /** Range of a statement nested in another: a CTE's query, a subquery, a view's or INSERT's SELECT. */
  private queryRange(raw: unknown, fallback: M.Range): M.Range {
    return this.loc.queryRangeOf(raw, fallback);
  }

  // -------------------------------------------------------------------------------------------
  // Statements

  statement(node: unknown, stmtRange: M.Range): M.Statement {
    const u = unwrap(node);
    if (!u) return { type: 'OtherStatement', kind: 'Unknown', range: stmtRange, raw: node };
    const [kind, body] = u;
    const r = stmtRange;
    switch (kind) {
      case 'SelectStmt':
        return this.select(body, r);
      case 'InsertStmt':
        return this.insert(body, r);
      case 'UpdateStmt':
        return this.update(body, r);
      case 'DeleteStmt':
        return this.delete(body, r);
      case 'CreateStmt':
        return this.createTable(body, r);
      case 'CreateTableAsStmt':
        return this.createTableAs(body, r);
      case 'IndexStmt':
        return this.createIndex(body, r);
      case 'AlterTableStmt':
        return this.alterTable(body, r);
      case 'RenameStmt': {
        const renamed = this.rename(body, r);
        if (renamed) return renamed;
        break;
      }
      case 'AlterObjectSchemaStmt': {
        if (body.relation && ALTER_OBJECT_KINDS[body.objectType]) {
          const action = this.action('set_schema', 'AlterObjectSchemaStmt', this.soleSubcommandRange(body.relation, r), { newName: body.newschema });
          return this.alterTableOf(body.relation, body.objectType, body.missing_ok, [action], r, node);
        }
        break;
      }
      case 'DropStmt':
        return this.drop(body, r);
      case 'DropdbStmt':
        return {
          type: 'Drop',
          objectKind: 'database',
          names: [{ name: body.dbname, range: r }],
          concurrently: false,
          ifExists: !!body.missing_ok,
          cascade: false,
          range: r,
          raw: node,
        };
      case 'TruncateStmt':
        return {
          type: 'Truncate',
          tables: (body.relations ?? []).map((rv: unknown) => this.qualifiedFromRangeVar(rv, r)),
          cascade: body.behavior === 'DROP_CASCADE',
          restartIdentity: !!body.restart_seqs,
          range: r,
          raw: node,
        };
      case 'ReindexStmt':
        return this.reindex(body, r, node);
      case 'TransactionStmt':
        return this.transaction(body, r, node);
      case 'VariableSetStmt':
        return this.setStatement(body, r, node);
      case 'ViewStmt':
        return {
          type: 'CreateView',
          name: this.qualifiedFromRangeVar({ RangeVar: body.view }, r),
          query: this.selectFromNode(body.query, r),
          materialized: false,
          orReplace: !!body.replace,
          range: r,
          raw: node,
        };
      case 'VacuumStmt':
      case 'ClusterStmt':
      case 'RefreshMatViewStmt':
      case 'AlterEnumStmt':
      case 'AlterSeqStmt':
      case 'CreateTrigStmt':
      case 'LockStmt': {
        const utility = convertUtilityStatement(this, kind, body, r, node);
        if (utility) return utility;
        break;
      }
      case 'ExplainStmt': {
        // EXPLAIN <query>: lint the query itself, as the planner sees it.
        const inner = this.statement(body.query, r);
        return inner;
      }
    }
    return { type: 'OtherStatement', kind, range: r, raw: node };
  }

  private withClause(body: Raw, r: M.Range): M.Cte[] {
    const w = body.withClause;
    if (!w) return [];
    return (w.ctes ?? []).map((c: unknown) => {
      const cte = unwrap(c)![1];
      const query = this.statement(cte.ctequery, this.queryRange(cte.ctequery, r));
      return {
        type: 'Cte' as const,
        name: cte.ctename,
        query,
        recursive: !!w.recursive,
        range: this.range(c, r),
        raw: c,
      };
    });
  }

  selectFromNode(node: unknown, fallback: M.Range): M.Select {
    const u = unwrap(node);
    if (u && u[0] === 'SelectStmt') return this.select(u[1], this.queryRange(node, fallback), node);
    return this.emptySelect(this.queryRange(node, fallback), node);
  }

  private emptySelect(r: M.Range, raw: unknown): M.Select {
    return {
      type: 'Select',
      with: [],
      distinct: false,
      columns: [],
      from: [],
      groupBy: [],
      orderBy: [],
      locking: [],
      range: r,
      raw,
    };
  }

  private select(body: Raw, r: M.Range, raw: unknown = { SelectStmt: body }): M.Select {
    const sel = this.emptySelect(r, raw);
    sel.with = this.withClause(body, r);
    if (body.op && body.op !== 'SETOP_NONE') {
      const op = body.op === 'SETOP_UNION' ? 'union' : body.op === 'SETOP_INTERSECT' ? 'intersect' : 'except';
      sel.setOperation = {
        operator: op,
        all: !!body.all,
        left: this.select(body.larg, this.queryRange({ SelectStmt: body.larg }, r)),
        right: this.select(body.rarg, this.queryRange({ SelectStmt: body.rarg }, r)),
      };
    }
    sel.distinct = Array.isArray(body.distinctClause);
    sel.columns = (body.targetList ?? []).map((t: unknown) => this.selectItem(t, r));
    sel.from = (body.fromClause ?? []).map((f: unknown) => this.fromItem(f, r));
    if (body.whereClause) sel.where = this.expr(body.whereClause, r);
    sel.groupBy = (body.groupClause ?? []).map((g: unknown) => this.expr(g, r));
    if (body.havingClause) sel.having = this.expr(body.havingClause, r);
    sel.orderBy = (body.sortClause ?? []).map((s: unknown) => this.orderItem(s, r));
    if (body.limitCount) sel.limit = this.expr(body.limitCount, r);
    if (body.limitOffset) sel.offset = this.expr(body.limitOffset, r);
    if (body.valuesLists) {
      sel.values = body.valuesLists.map((l: unknown) => {
        const list = unwrap(l);
        const items = list && list[0] === 'List' ? (list[1].items ?? []) : [];
        return items.map((e: unknown) => this.expr(e, r));
      });
    }
    if (body.intoClause?.rel) sel.into = this.qualifiedFromRangeVar({ RangeVar: body.intoClause.rel }, r);
    sel.locking = (body.lockingClause ?? []).map((l: unknown) => unwrap(l)?.[1]?.strength ?? 'LOCK');
    return sel;
  }

  private selectItem(node: unknown, r: M.Range): M.SelectItem {
    const body = unwrap(node)![1];
    const expr = this.expr(body.val, r);
    const item: M.SelectItem = { type: 'SelectItem', expr, range: this.range(node, expr.range), raw: node };
    if (body.name) item.alias = body.name;
    return item;
  }

  private orderItem(node: unknown, r: M.Range): M.OrderItem {
    const u = unwrap(node)!;
    const body = u[1];
    const expr = this.expr(body.node, r);
    const item: M.OrderItem = { type: 'OrderItem', expr, range: this.range(node, expr.range), raw: node };
    if (body.sortby_dir === 'SORTBY_ASC') item.direction = 'asc';
    if (body.sortby_dir === 'SORTBY_DESC') item.direction = 'desc';
    return item;
  }

  private returning(body: Raw, r: M.Range): M.SelectItem[] {
    const list = body.returningClause?.exprs ?? body.returningList ?? [];
    return list.map((t: unknown) => this.selectItem(t, r));
  }

  private insert(body: Raw, r: M.Range): M.Insert {
    const ins: M.Insert = {
      type: 'Insert',
      with: this.withClause(body, r),
      table: this.tableRef({ RangeVar: body.relation }, r),
      columns: (body.cols ?? []).map((c: unknown) => unwrap(c)?.[1]?.name ?? ''),
      returning: this.returning(body, r),
      range: r,
      raw: { InsertStmt: body },
    };
    if (body.selectStmt) ins.source = this.selectFromNode(body.selectStmt, r);
    const oc = body.onConflictClause;
    if (oc) {
      ins.onConflict = {
        action: oc.action === 'ONCONFLICT_UPDATE' ? 'update' : 'nothing',
        set: this.assignments(oc.targetList, r),
      };
      if (oc.whereClause) ins.onConflict.where = this.expr(oc.whereClause, r);
    }
    return ins;
  }

  private assignments(list: unknown, r: M.Range): M.Assignment[] {
    if (!Array.isArray(list)) return [];
    return list.map((t) => {
      const body = unwrap(t)![1];
      const value = this.expr(body.val, r);
      return { type: 'Assignment' as const, column: body.name ?? '', value, range: this.range(t, value.range), raw: t };
    });
  }

  private whereAndCursor(body: Raw, r: M.Range, target: { where?: M.Expr; currentOf?: string }): void {
    const w = unwrap(body.whereClause);
    if (!w) return;
    if (w[0] === 'CurrentOfExpr') target.currentOf = w[1].cursor_name ?? '';
    else target.where = this.expr(body.whereClause, r);
  }

  private update(body: Raw, r: M.Range): M.Update {
    const upd: M.Update = {
      type: 'Update',
      with: this.withClause(body, r),
      table: this.tableRef({ RangeVar: body.relation }, r),
      set: this.assignments(body.targetList, r),
      from: (body.fromClause ?? []).map((f: unknown) => this.fromItem(f, r)),
      returning: this.returning(body, r),
      range: r,
      raw: { UpdateStmt: body },
    };
    this.whereAndCursor(body, r, upd);
    return upd;
  }

  private delete(body: Raw, r: M.Range): M.Delete {
    const del: M.Delete = {
      type: 'Delete',
      with: this.withClause(body, r),
      table: this.tableRef({ RangeVar: body.relation }, r),
      using: (body.usingClause ?? []).map((f: unknown) => this.fromItem(f, r)),
      returning: this.returning(body, r),
      range: r,
      raw: { DeleteStmt: body },
    };
    this.whereAndCursor(body, r, del);
    return del;
  }

  private createTable(body: Raw, r: M.Range): M.CreateTable {
    const rel = body.relation ?? {};
    const ct: M.CreateTable = {
      type: 'CreateTable',
      table: this.qualifiedFromRangeVar({ RangeVar: rel }, r),
      columns: [],
      constraints: [],
      ifNotExists: !!body.if_not_exists,
      temporary: rel.relpersistence === 't',
      unlogged: rel.relpersistence === 'u',
      partitioned: !!body.partspec,
      likeTables: [],
      range: r,
      raw: { CreateStmt: body },
    };
    for (const elt of body.tableElts ?? []) {
      const u = unwrap(elt);
      if (!u) continue;
      if (u[0] === 'ColumnDef') ct.columns.push(this.columnDef(elt, r));
      else if (u[0] === 'Constraint') ct.constraints.push(this.constraint(elt, r));
      else if (u[0] === 'TableLikeClause') ct.likeTables.push(this.qualifiedFromRangeVar({ RangeVar: u[1].relation }, r));
    }
    if (body.partbound && Array.isArray(body.inhRelations) && body.inhRelations[0]) {
      ct.partitionOf = this.qualifiedFromRangeVar(body.inhRelations[0], r);
    }
    return ct;
  }

  private createTableAs(body: Raw, r: M.Range): M.Statement {
    const target = this.qualifiedFromRangeVar({ RangeVar: body.into?.rel ?? {} }, r);
    const query = this.selectFromNode(body.query, r);
    if (body.objtype === 'OBJECT_MATVIEW') {
      return { type: 'CreateView', name: target, query, materialized: true, orReplace: false, range: r, raw: { CreateTableAsStmt: body } };
    }
    return {
      type: 'CreateTable',
      table: target,
      columns: [],
      constraints: [],
      ifNotExists: !!body.if_not_exists,
      temporary: body.into?.rel?.relpersistence === 't',
      unlogged: body.into?.rel?.relpersistence === 'u',
      partitioned: false,
      asQuery: query,
      likeTables: [],
      range: r,
      raw: { CreateTableAsStmt: body },
    };
  }

  /**
   * A column definition runs from its name to the end of its list element (the next top-level
   * comma, the `)` of the table's column list, or the end of `within`); each inline constraint
   * runs to the next one. `DEFERRABLE` / `INITIALLY DEFERRED` after a constraint arrive as
   * separate parser nodes; they belong to the constraint before them.
   */
  columnDef(node: unknown, within: M.Range): M.ColumnDef {
    const body = unwrap(node)![1];
    const range = this.elementRange(node, within);
    const own = (body.constraints ?? []).filter((c: unknown) => !String(unwrap(c)?.[1]?.contype ?? '').startsWith('CONSTR_ATTR'));
    const starts = [...own, ...(body.collClause ? [{ CollateClause: body.collClause }] : [])]
      .map((c) => this.range(c, range).start)
      .filter((start) => start > range.start);
    const constraints = own.map((c: unknown) => {
      const start = this.range(c, range).start;
      const next = Math.min(range.end, ...starts.filter((s) => s > start));
      const end = next < range.end ? (this.loc.endOfTokenBefore(next) ?? range.end) : range.end;
      return this.constraint(c, { start, end }, body.colname);
    });
    const col: M.ColumnDef = {
      type: 'ColumnDef',
      name: body.colname ?? '',
      dataType: this.typeRef(body.typeName, range),
      notNull: !!body.is_not_null || constraints.some((c: M.Constraint) => c.kind === 'not_null' || c.kind === 'primary_key'),
      primaryKey: constraints.some((c: M.Constraint) => c.kind === 'primary_key'),
      unique: constraints.some((c: M.Constraint) => c.kind === 'unique'),
      constraints,
      range,
      raw: node,
    };
    const def = constraints.find((c: M.Constraint) => c.kind === 'default');
    if (def?.expr) col.default = def.expr;
    else if (body.raw_default) col.default = this.expr(body.raw_default, range);
    return col;
  }

  /** From a node's first token to the end of the list element holding it, inside `within`. */
  private elementRange(node: unknown, within: M.Range): M.Range {
    const own = this.range(node, within);
    const part = this.loc.listParts(this.loc.tokenIndexAtOrAfter(own.start), within)[0];
    return part && part.end >= own.end ? part : own;
  }

  /** A constraint runs from its first token (`CONSTRAINT name` or its keyword) to the end of `within`. */
  constraint(node: unknown, within: M.Range, column?: string): M.Constraint {
    const body = unwrap(node)![1];
    const kinds: Record<string, M.ConstraintKind> = {
      CONSTR_CHECK: 'check',
      CONSTR_FOREIGN: 'foreign_key',
      CONSTR_UNIQUE: 'unique',
      CONSTR_PRIMARY: 'primary_key',
      CONSTR_EXCLUSION: 'exclusion',
      CONSTR_NOTNULL: 'not_null',
      CONSTR_NULL: 'null',
      CONSTR_DEFAULT: 'default',
      CONSTR_GENERATED: 'generated',
      CONSTR_IDENTITY: 'identity',
    };
    const kind = kinds[body.contype] ?? 'check';
    const range = this.elementRange(node, within);
    const columns = kind === 'foreign_key' ? strings(body.fk_attrs) : kind === 'not_null' && body.keys ? strings(body.keys) : strings(body.keys);
    const con: M.Constraint = {
      type: 'Constraint',
      kind,
      columns: columns.length === 0 && column ? [column] : columns,
      notValid: !!body.skip_validation,
      range,
      raw: node,
    };
    if (body.conname) con.name = body.conname;
    if (body.raw_expr) con.expr = this.expr(body.raw_expr, range);
    if (body.indexname) con.usingIndex = body.indexname;
    if (body.pktable) {
      con.references = { table: this.qualifiedFromRangeVar({ RangeVar: body.pktable }, range), columns: strings(body.pk_attrs) };
    }
    if (kind === 'generated') con.generatedKind = body.generated_kind === 'ATTRIBUTE_GENERATED_VIRTUAL' || body.generated_kind === 'v' ? 'virtual' : 'stored';
    if (kind === 'identity') con.generatedKind = body.generated_when === 'a' ? 'always' : 'by_default';
    return con;
  }

  private createIndex(body: Raw, r: M.Range): M.CreateIndex {
    const rel = body.relation ?? {};
    const params: unknown[] = body.indexParams ?? [];
    const parts = this.indexElementRanges(rel, r);
    const idx: M.CreateIndex = {
      type: 'CreateIndex',
      table: this.qualifiedFromRangeVar({ RangeVar: rel }, r),
      unique: !!body.unique,
      concurrently: !!body.concurrent,
      ifNotExists: !!body.if_not_exists,
      only: rel.inh === false || rel.inh === undefined,
      method: body.accessMethod ?? 'btree',
      elements: params.map((p: unknown, i) => {
        const e = unwrap(p)![1];
        const range = parts.length === params.length ? parts[i]! : this.range(p, r);
        const el: M.IndexElement = { type: 'IndexElement', range, raw: p };
        if (e.name) el.column = e.name;
        if (e.expr) el.expr = this.expr(e.expr, r);
        return el;
      }),
      range: r,
      raw: { IndexStmt: body },
    };
    if (body.idxname) idx.name = body.idxname;
    if (body.whereClause) idx.where = this.expr(body.whereClause, r);
    return idx;
  }

  /** The elements of `ON table [USING method] (a, lower(b) DESC, ...)`; a plain column has no location. */
  private indexElementRanges(relation: Raw, r: M.Range): M.Range[] {
    const name = this.loc.rangeOf({ RangeVar: relation }, { start: r.end, end: r.end });
    let i = this.loc.tokenIndexAtOrAfter(name.end);
    while (i < this.loc.code.length && this.loc.code[i]!.start < r.end && !this.loc.isWord(i, '(')) i++;
    return this.loc.closerOf(i) > i ? this.loc.listParts(i + 1, r) : [];
  }

  private action(
    action: M.AlterTableActionKind,
    subtype: string,
    range: M.Range,
    extra: Partial<M.AlterTableAction> = {},
  ): M.AlterTableAction {
    return {
      type: 'AlterTableAction',
      action,
      subtype,
      concurrently: false,
      ifExists: false,
      ifNotExists: false,
      cascade: false,
      range,
      ...extra,
    };
  }

  private alterTableOf(
    relation: Raw,
    objtype: string,
    missingOk: boolean,
    actions: M.AlterTableAction[],
    r: M.Range,
    raw: unknown,
  ): M.AlterTable {
    return {
      type: 'AlterTable',
      objectKind: ALTER_OBJECT_KINDS[objtype] ?? 'table',
      table: this.qualifiedFromRangeVar({ RangeVar: relation }, r),
      only: relation.inh === false || relation.inh === undefined,
      ifExists: !!missingOk,
      actions,
      range: r,
      raw,
    };
  }

  private alterTable(body: Raw, r: M.Range): M.AlterTable {
    const cmds: unknown[] = body.cmds ?? [];
    const parts = this.subcommandRanges(body.relation, r);
    const actions = cmds.map((c, i) => this.alterCommand(c, r, parts.length === cmds.length ? parts[i] : undefined));
    return this.alterTableOf(body.relation ?? {}, body.objtype, body.missing_ok, actions, r, { AlterTableStmt: body });
  }

  /**
   * The comma-separated subcommands after `ALTER TABLE [IF EXISTS] [ONLY] name [*]`, each from
   * its first keyword (ADD, ALTER, DROP, SET, RENAME, VALIDATE...) to its last token. The parser
   * gives most subcommands no location of their own.
   */
  private subcommandRanges(relation: unknown, r: M.Range): M.Range[] {
    if (!relation || typeof relation !== 'object') return [];
    const name = this.loc.rangeOf({ RangeVar: relation }, { start: r.end, end: r.end });
    let i = this.loc.tokenIndexAtOrAfter(name.end);
    if (this.loc.isWord(i, '*')) i++;
    return this.loc.listParts(i, r);
  }

  /** One subcommand range for statements with a single action (RENAME, SET SCHEMA). */
  private soleSubcommandRange(relation: unknown, r: M.Range): M.Range {
    const parts = this.subcommandRanges(relation, r);
    return parts.length > 0 ? { start: parts[0]!.start, end: parts[parts.length - 1]!.end } : r;
  }

  private alterCommand(node: unknown, r: M.Range, own: M.Range | undefined): M.AlterTableAction {
    const cmd = unwrap(node)![1];
    // Without the statement's token layout to go by, commands like SET NOT NULL, which carry
    // no location, fall back to the statement's range.
    const range = own ?? this.range(node, r);
    const base = {
      ifExists: !!cmd.missing_ok,
      cascade: cmd.behavior === 'DROP_CASCADE',
      raw: node,
    };
    const subtype: string = cmd.subtype ?? '';
    const column: string | undefined = cmd.name;
    const withColumn = column ? { column } : {};
    switch (subtype) {
      case 'AT_AddColumn':
      case 'AT_AddColumnToView': {
        const def = this.columnDef(cmd.def, own ?? r);
        return this.action('add_column', subtype, own ?? (def.range.start < range.start ? def.range : range), {
          ...base,
          column: def.name,
          columnDef: def,
          ifNotExists: !!cmd.missing_ok,
          ifExists: false,
        });
      }
      case 'AT_DropColumn':
        return this.action('drop_column', subtype, range, { ...base, ...withColumn });
      case 'AT_AlterColumnType': {
        const def = unwrap(cmd.def)?.[1] ?? {};
        const extra: Partial<M.AlterTableAction> = { ...base, ...withColumn, newType: this.typeRef(def.typeName, range) };
        if (def.raw_default) extra.using = this.expr(def.raw_default, range);
        return this.action('alter_column_type', subtype, range, extra);
      }
      case 'AT_SetNotNull':
        return this.action('set_not_null', subtype, range, { ...base, ...withColumn });
      case 'AT_DropNotNull':
        return this.action('drop_not_null', subtype, range, { ...base, ...withColumn });
      case 'AT_ColumnDefault':
        if (cmd.def) return this.action('set_default', subtype, range, { ...base, ...withColumn, default: this.expr(cmd.def, range) });
        return this.action('drop_default', subtype, range, { ...base, ...withColumn });
      case 'AT_AddConstraint': {
        const con = this.constraint(cmd.def, range);
        return this.action('add_constraint', subtype, range, { ...base, constraint: con, ...(con.name ? { constraintName: con.name } : {}) });
      }
      case 'AT_DropConstraint':
        return this.action('drop_constraint', subtype, range, { ...base, ...(column ? { constraintName: column } : {}) });
      case 'AT_ValidateConstraint':
        return this.action('validate_constraint', subtype, range, { ...base, ...(column ? { constraintName: column } : {}) });
      case 'AT_AttachPartition':
      case 'AT_DetachPartition':
      case 'AT_DetachPartitionFinalize': {
        const pc = unwrap(cmd.def)?.[1] ?? {};
        const extra: Partial<M.AlterTableAction> = { ...base, concurrently: !!pc.concurrent };
        if (subtype === 'AT_DetachPartitionFinalize') extra.finalize = true;
        if (pc.name) extra.partition = this.qualifiedFromRangeVar({ RangeVar: pc.name }, range);
        return this.action(subtype === 'AT_AttachPartition' ? 'attach_partition' : 'detach_partition', subtype, range, extra);
      }
      case 'AT_SetLogged':
        return this.action('set_logged', subtype, range, base);
      case 'AT_SetUnLogged':
        return this.action('set_unlogged', subtype, range, base);
      case 'AT_SetTableSpace':
        return this.action('set_tablespace', subtype, range, { ...base, ...(column ? { newName: column } : {}) });
      case 'AT_AddIdentity':
        return this.action('add_identity', subtype, range, { ...base, ...withColumn });
    }
    const utility = utilityAlterAction(subtype, cmd);
    if (utility) return this.action(utility.action, subtype, range, { ...base, ...(utility.nameIsColumn ? withColumn : {}), ...utility.fields });
    return this.action('other', subtype, range, { ...base, ...withColumn });
  }

  private rename(body: Raw, r: M.Range): M.AlterTable | undefined {
    if (!body.relation) return undefined;
    const raw = { RenameStmt: body };
    const range = this.soleSubcommandRange(body.relation, r);
    switch (body.renameType) {
      case 'OBJECT_COLUMN':
        return this.alterTableOf(body.relation, body.relationType ?? 'OBJECT_TABLE', body.missing_ok, [
          this.action('rename_column', 'RenameStmt', range, { column: body.subname, newName: body.newname }),
        ], r, raw);
      case 'OBJECT_TABCONSTRAINT':
        return this.alterTableOf(body.relation, 'OBJECT_TABLE', body.missing_ok, [
          this.action('rename_constraint', 'RenameStmt', range, { constraintName: body.subname, newName: body.newname }),
        ], r, raw);
      case 'OBJECT_TABLE':
      case 'OBJECT_VIEW':
      case 'OBJECT_MATVIEW':
      case 'OBJECT_INDEX':
      case 'OBJECT_SEQUENCE':
      case 'OBJECT_FOREIGN_TABLE':
        return this.alterTableOf(body.relation, body.renameType, body.missing_ok, [
          this.action('rename_table', 'RenameStmt', range, { newName: body.newname }),
        ], r, raw);
    }
    return undefined;
  }

  private drop(body: Raw, r: M.Range): M.Drop {
    const objectKind = DROP_KINDS[body.removeType] ?? 'other';
    const names: M.QualifiedName[] = [];
    let table: M.QualifiedName | undefined;
    for (const obj of body.objects ?? []) {
      const u = unwrap(obj);
      let parts: string[] = [];
      if (u?.[0] === 'List') parts = strings(u[1].items);
      else if (u?.[0] === 'String') parts = [u[1].sval];
      else if (u?.[0] === 'TypeName') parts = strings(u[1].names);
      else if (u?.[0] === 'ObjectWithArgs') parts = strings(u[1].objname);
      if (parts.length === 0) continue;
      const name = parts[parts.length - 1]!;
      const q: M.QualifiedName = { name, range: this.range(obj, r) };
      if (parts.length > 1 && objectKind !== 'trigger') q.schema = parts[parts.length - 2]!;
      names.push(q);
      // DROP TRIGGER / RULE / POLICY name ON [schema.]table: the parts are schema?, table, name.
      if (parts.length > 1 && ['OBJECT_TRIGGER', 'OBJECT_RULE', 'OBJECT_POLICY'].includes(body.removeType)) {
        table = { name: parts[parts.length - 2]!, range: q.range };
        if (parts.length > 2) table.schema = parts[parts.length - 3]!;
      }
    }
    return {
      type: 'Drop',
      objectKind,
      names,
      ...(table ? { table } : {}),
      concurrently: !!body.concurrent,
      ifExists: !!body.missing_ok,
      cascade: body.behavior === 'DROP_CASCADE',
      range: r,
      raw: { DropStmt: body },
    };
  }

  private reindex(body: Raw, r: M.Range, raw: unknown): M.Reindex {
    const targets: Record<string, M.Reindex['target']> = {
      REINDEX_OBJECT_INDEX: 'index',
      REINDEX_OBJECT_TABLE: 'table',
      REINDEX_OBJECT_SCHEMA: 'schema',
      REINDEX_OBJECT_DATABASE: 'database',
      REINDEX_OBJECT_SYSTEM: 'system',
    };
    const concurrently = (body.params ?? []).some((p: unknown) => {
      const d = unwrap(p)?.[1];
      if (!d || String(d.defname).toLowerCase() !== 'concurrently') return false;
      // `(CONCURRENTLY false)` turns it off.
      const arg = d.arg ? unwrap(d.arg) : undefined;
      if (arg?.[0] === 'Boolean') return !!arg[1].boolval;
      if (arg?.[0] === 'String') return !['false', 'off', '0'].includes(String(arg[1].sval).toLowerCase());
      return true;
    });
    const stmt: M.Reindex = { type: 'Reindex', target: targets[body.kind] ?? 'table', concurrently, range: r, raw };
    if (body.relation) stmt.name = this.qualifiedFromRangeVar({ RangeVar: body.relation }, r);
    else if (body.name) stmt.name = { name: body.name, range: r };
    return stmt;
  }

  private transaction(body: Raw, r: M.Range, raw: unknown): M.TransactionStatement {
    const kinds: Record<string, M.TransactionStatement['kind']> = {
      TRANS_STMT_BEGIN: 'begin',
      TRANS_STMT_START: 'begin',
      TRANS_STMT_COMMIT: 'commit',
      TRANS_STMT_ROLLBACK: 'rollback',
      TRANS_STMT_SAVEPOINT: 'savepoint',
      TRANS_STMT_RELEASE: 'release',
      TRANS_STMT_ROLLBACK_TO: 'rollback_to',
      TRANS_STMT_PREPARE: 'prepare',
      TRANS_STMT_COMMIT_PREPARED: 'commit_prepared',
      TRANS_STMT_ROLLBACK_PREPARED: 'rollback_prepared',
    };
    return { type: 'Transaction', kind: kinds[body.kind] ?? 'begin', range: r, raw };
  }

  private setStatement(body: Raw, r: M.Range, raw: unknown): M.SetStatement {
    const reset = typeof body.kind === 'string' && body.kind.startsWith('VAR_RESET');
    const stmt: M.SetStatement = { type: 'Set', name: String(body.name ?? '').toLowerCase(), local: !!body.is_local, reset, range: r, raw };
    const args: unknown[] = body.args ?? [];
    if (args.length === 1) {
      const c = unwrap(args[0]);
      if (c?.[0] === 'A_Const') {
        const v = c[1];
        if (v.sval) stmt.value = v.sval.sval;
        else if (v.ival) stmt.value = String(v.ival.ival ?? 0);
        else if (v.fval) stmt.value = v.fval.fval;
      }
    }
    if (stmt.value === undefined && args.length > 0) {
      const first = this.range(args[0], r);
      const last = this.range(args[args.length - 1], r);
      stmt.value = this.loc.tokensIn({ start: first.start, end: last.end }).map((t) => t.text).join(' ');
    }
    return stmt;
  }

  // -------------------------------------------------------------------------------------------
  // FROM items and names

  qualifiedFromRangeVar(node: unknown, r: M.Range): M.QualifiedName {
    const rv = unwrap(node)?.[1] ?? {};
    const q: M.QualifiedName = { name: rv.relname ?? '', range: this.range(node, r) };
    if (rv.schemaname) q.schema = rv.schemaname;
    return q;
  }

  private tableRef(node: unknown, r: M.Range): M.TableRef {
    const rv = unwrap(node)?.[1] ?? {};
    const ref: M.TableRef = { type: 'TableRef', name: rv.relname ?? '', only: !rv.inh, range: this.range(node, r), raw: node };
    if (rv.schemaname) ref.schema = rv.schemaname;
    if (rv.alias?.aliasname) ref.alias = rv.alias.aliasname;
    return ref;
  }

  private fromItem(node: unknown, r: M.Range): M.FromItem {
    const u = unwrap(node);
    const range = this.range(node, r);
    if (!u) return { type: 'FunctionSource', call: this.other('Unknown', [], range, node), range, raw: node };
    const [kind, body] = u;
    switch (kind) {
      case 'RangeVar':
        return this.tableRef(node, r);
      case 'JoinExpr': {
        const kinds: Record<string, M.Join['kind']> = { JOIN_INNER: 'inner', JOIN_LEFT: 'left', JOIN_RIGHT: 'right', JOIN_FULL: 'full' };
        const join: M.Join = {
          type: 'Join',
          kind: body.quals || body.usingClause || body.isNatural ? (kinds[body.jointype] ?? 'inner') : body.jointype === 'JOIN_INNER' ? 'cross' : (kinds[body.jointype] ?? 'inner'),
          natural: !!body.isNatural,
          left: this.fromItem(body.larg, r),
          right: this.fromItem(body.rarg, r),
          using: strings(body.usingClause),
          range,
          raw: node,
        };
        if (body.quals) join.on = this.expr(body.quals, r);
        return join;
      }
      case 'RangeSubselect': {
        const d: M.DerivedTable = {
          type: 'DerivedTable',
          query: this.queryFromNode(body.subquery, range),
          lateral: !!body.lateral,
          range,
          raw: node,
        };
        if (body.alias?.aliasname) d.alias = body.alias.aliasname;
        return d;
      }
      case 'RangeFunction': {
        const first = body.functions?.[0];
        const items = unwrap(first)?.[1]?.items ?? [];
        const call = items[0] ? this.expr(items[0], range) : this.other('RangeFunction', [], range, node);
        const f: M.FunctionSource = { type: 'FunctionSource', call, range, raw: node };
        if (body.alias?.aliasname) f.alias = body.alias.aliasname;
        return f;
      }
    }
    return { type: 'FunctionSource', call: this.other(kind, [], range, node), range, raw: node };
  }

  private queryFromNode(node: unknown, fallback: M.Range): M.QueryStatement {
    const range = this.queryRange(node, fallback);
    const stmt = this.statement(node, range);
    if (stmt.type === 'Select' || stmt.type === 'Insert' || stmt.type === 'Update' || stmt.type === 'Delete') return stmt;
    return this.emptySelect(range, node);
  }

  // -------------------------------------------------------------------------------------------
  // Types

  typeRef(node: unknown, r: M.Range): M.TypeRef {
    const body: Raw = (node as Raw) ?? {};
    const names = strings(body.names);
    const range = this.range({ TypeName: body }, r);
    const rawName = names[names.length - 1] ?? 'unknown';
    const t: M.TypeRef = {
      type: 'TypeRef',
      name: canonicalTypeName(rawName),
      modifiers: [],
      arrayDimensions: Array.isArray(body.arrayBounds) ? body.arrayBounds.length : 0,
      text: this.textOf(range),
      range,
    };
    if (names.length > 1 && names[0] !== 'pg_catalog') t.schema = names[0]!;
    for (const m of body.typmods ?? []) {
      const c = unwrap(m);
      if (c?.[0] === 'A_Const' && c[1].ival) t.modifiers.push(Number(c[1].ival.ival ?? 0));
    }
    return t;
  }

  private textOf(range: M.Range): string {
    const tokens = this.loc.tokensIn(range);
    if (tokens.length === 0) return '';
    return tokens.map((t) => t.text).join(' ');
  }

  // -------------------------------------------------------------------------------------------
  // Expressions

  private other(kind: string, children: M.Expr[], range: M.Range, raw: unknown): M.OtherExpr {
    return { type: 'OtherExpr', kind, children, range, raw };
  }

  private exprs(list: unknown, r: M.Range): M.Expr[] {
    if (!Array.isArray(list)) return [];
    return list.map((e) => this.expr(e, r));
  }

  expr(node: unknown, r: M.Range): M.Expr {
    const u = unwrap(node);
    if (!u) return this.other('Unknown', [], r, node);
    const [kind, body] = u;
    switch (kind) {
      case 'A_Const':
        return this.constant(body, node, r);
      case 'ColumnRef':
        return this.columnRef(body, node, r);
      case 'ParamRef': {
        const range = this.range(node, r);
        const name = typeof body.location === 'number' ? this.options.namedParams?.get(body.location) : undefined;
        if (name !== undefined) return { type: 'Param', style: 'named', name, range, raw: node };
        return { type: 'Param', style: 'positional', index: body.number ?? 0, range, raw: node };
      }
      case 'FuncCall':
        return this.funcCall(body, node, r);
      case 'TypeCast': {
        const range = this.range(node, r);
        const arg = this.expr(body.arg, range);
        const castKeyword = this.loc.tokenStartingAt(range.start)?.text.toLowerCase() === 'cast';
        return {
          type: 'Cast',
          expr: arg,
          targetType: this.typeRef(body.typeName, range),
          syntax: castKeyword ? 'function' : 'postfix',
          range,
          raw: node,
        };
      }
      case 'A_Expr':
        return this.aExpr(body, node, r);
      case 'BoolExpr': {
        const ops: Record<string, M.LogicalExpr['operator']> = { AND_EXPR: 'AND', OR_EXPR: 'OR', NOT_EXPR: 'NOT' };
        return { type: 'LogicalExpr', operator: ops[body.boolop] ?? 'AND', args: this.exprs(body.args, r), range: this.range(node, r), raw: node };
      }
      case 'NullTest': {
        const range = this.range(node, r);
        return { type: 'NullTest', expr: this.expr(body.arg, range), negated: body.nulltesttype === 'IS_NOT_NULL', range, raw: node };
      }
      case 'BooleanTest': {
        const tests: Record<string, M.BooleanTest['test']> = {
          IS_TRUE: 'IS TRUE',
          IS_NOT_TRUE: 'IS NOT TRUE',
          IS_FALSE: 'IS FALSE',
          IS_NOT_FALSE: 'IS NOT FALSE',
          IS_UNKNOWN: 'IS UNKNOWN',
          IS_NOT_UNKNOWN: 'IS NOT UNKNOWN',
        };
        const range = this.range(node, r);
        return { type: 'BooleanTest', expr: this.expr(body.arg, range), test: tests[body.booltesttype] ?? 'IS TRUE', range, raw: node };
      }
      case 'SubLink':
        return this.subLink(body, node, r);
      case 'CoalesceExpr':
        return { type: 'FuncCall', name: 'coalesce', args: this.exprs(body.args, r), star: false, distinct: false, over: false, range: this.range(node, r), raw: node };
      case 'MinMaxExpr':
        return {
          type: 'FuncCall',
          name: body.op === 'IS_LEAST' ? 'least' : 'greatest',
          args: this.exprs(body.args, r),
          star: false,
          distinct: false,
          over: false,
          range: this.range(node, r),
          raw: node,
        };
      case 'NullIfExpr':
        return { type: 'FuncCall', name: 'nullif', args: this.exprs(body.args, r), star: false, distinct: false, over: false, range: this.range(node, r), raw: node };
      case 'SQLValueFunction': {
        const range = this.range(node, r);
        return { type: 'FuncCall', name: SQL_VALUE_FUNCTIONS[body.op] ?? String(body.op).toLowerCase(), args: [], star: false, distinct: false, over: false, range, raw: node };
      }
      case 'CollateClause':
        return this.other('Collate', [this.expr(body.arg, r)], this.range(node, r), node);
      case 'CaseExpr': {
        const children: M.Expr[] = [];
        if (body.arg) children.push(this.expr(body.arg, r));
        for (const w of body.args ?? []) {
          const cw = unwrap(w)?.[1] ?? {};
          children.push(this.expr(cw.expr, r), this.expr(cw.result, r));
        }
        if (body.defresult) children.push(this.expr(body.defresult, r));
        return this.other('Case', children, this.range(node, r), node);
      }
      case 'A_ArrayExpr':
        return this.other('Array', this.exprs(body.elements, r), this.range(node, r), node);
      case 'RowExpr':
        return this.other('Row', this.exprs(body.args, r), this.range(node, r), node);
      case 'A_Indirection':
        return this.other('Indirection', [this.expr(body.arg, r)], this.range(node, r), node);
      case 'List':
        return this.other('List', this.exprs(body.items, r), this.range(node, r), node);
      case 'GroupingSet':
        return this.other('GroupingSet', this.exprs(body.content, r), this.range(node, r), node);
      case 'ResTarget':
        return this.expr(body.val, r);
      case 'A_Star':
        return { type: 'Star', range: this.range(node, r), raw: node };
      case 'SetToDefault':
        return this.other('Default', [], this.range(node, r), node);
    }
    return this.other(kind, [], this.range(node, r), node);
  }

  private constant(body: Raw, node: unknown, r: M.Range): M.Literal {
    const range = this.range(node, r);
    if (body.isnull) return { type: 'Literal', kind: 'null', value: null, range, raw: node };
    if ('ival' in body) return { type: 'Literal', kind: 'integer', value: Number(body.ival?.ival ?? 0), range, raw: node };
    if ('fval' in body) {
      // Integers beyond int4 also arrive as fval, in any of the spellings PostgreSQL 16 accepts
      // (`1_000_000_000`, `0x7FFF_FFFF_FF`, `0o17...`, `0b1...`); the text tells them apart.
      const text: string = body.fval?.fval ?? '0';
      const integer = integerText(text);
      if (integer !== undefined) return { type: 'Literal', kind: 'integer', value: integer, range, raw: node };
      return { type: 'Literal', kind: 'numeric', value: text, range, raw: node };
    }
    if ('boolval' in body) return { type: 'Literal', kind: 'boolean', value: !!body.boolval?.boolval, range, raw: node };
    if ('bsval' in body) return { type: 'Literal', kind: 'bitstring', value: body.bsval?.bsval ?? '', range, raw: node };
    return { type: 'Literal', kind: 'string', value: body.sval?.sval ?? '', range, raw: node };
  }

  private columnRef(body: Raw, node: unknown, r: M.Range): M.ColumnRef | M.Star {
    const range = this.range(node, r);
    const fields: unknown[] = body.fields ?? [];
    const parts = fields.map((f) => (unwrap(f)?.[0] === 'A_Star' ? '*' : (str(f) ?? '')));
    const last = parts[parts.length - 1] ?? '';
    if (last === '*') {
      const star: M.Star = { type: 'Star', range, raw: node };
      if (parts.length >= 2) star.table = parts[parts.length - 2]!;
      if (parts.length >= 3) star.schema = parts[parts.length - 3]!;
      return star;
    }
    const ref: M.ColumnRef = { type: 'ColumnRef', column: last, range, raw: node };
    if (parts.length >= 2) ref.table = parts[parts.length - 2]!;
    if (parts.length >= 3) ref.schema = parts[parts.length - 3]!;
    return ref;
  }

  private funcCall(body: Raw, node: unknown, r: M.Range): M.FuncCall {
    const names = strings(body.funcname);
    const range = this.range(node, r);
    const call: M.FuncCall = {
      type: 'FuncCall',
      name: (names[names.length - 1] ?? '').toLowerCase(),
      args: this.exprs(body.args, range),
      star: !!body.agg_star,
      distinct: !!body.agg_distinct,
      over: !!body.over,
      range,
      raw: node,
    };
    if (names.length > 1 && names[0] !== 'pg_catalog') call.schema = names[0]!;
    if (body.agg_filter) call.filter = this.expr(body.agg_filter, range);
    return call;
  }

  private aExpr(body: Raw, node: unknown, r: M.Range): M.Expr {
    const range = this.range(node, r);
    const op = strings(body.name).pop() ?? '';
    const kind: string = body.kind;
    const left = body.lexpr ? this.expr(body.lexpr, range) : undefined;
    switch (kind) {
      case 'AEXPR_OP': {
        if (!left) return { type: 'UnaryExpr', operator: op, operand: this.expr(body.rexpr, range), range, raw: node };
        const right = this.expr(body.rexpr, range);
        if (COMPARISON_OPERATORS.has(op)) return { type: 'Comparison', operator: op as M.ComparisonOperator, left, right, range, raw: node };
        const like = LIKE_OPERATORS[op];
        if (like) return { type: 'LikeExpr', expr: left, pattern: right, caseInsensitive: like.ci, negated: like.negated, similar: false, range, raw: node };
        return { type: 'BinaryExpr', operator: op, left, right, range, raw: node };
      }
      case 'AEXPR_DISTINCT':
      case 'AEXPR_NOT_DISTINCT':
        return {
          type: 'Comparison',
          operator: kind === 'AEXPR_DISTINCT' ? 'IS DISTINCT FROM' : 'IS NOT DISTINCT FROM',
          left: left ?? this.other('Unknown', [], range, node),
          right: this.expr(body.rexpr, range),
          range,
          raw: node,
        };
      case 'AEXPR_LIKE':
      case 'AEXPR_ILIKE':
      case 'AEXPR_SIMILAR': {
        const negated = op.startsWith('!');
        let pattern = this.expr(body.rexpr, range);
        // SIMILAR TO wraps its pattern in similar_to_escape(); unwrap for rules.
        if (kind === 'AEXPR_SIMILAR' && pattern.type === 'FuncCall' && pattern.name === 'similar_to_escape' && pattern.args[0]) pattern = pattern.args[0];
        return {
          type: 'LikeExpr',
          expr: left ?? this.other('Unknown', [], range, node),
          pattern,
          caseInsensitive: kind === 'AEXPR_ILIKE',
          negated,
          similar: kind === 'AEXPR_SIMILAR',
          range,
          raw: node,
        };
      }
      case 'AEXPR_IN': {
        const list = unwrap(body.rexpr);
        const items = list?.[0] === 'List' ? this.exprs(list[1].items, range) : [this.expr(body.rexpr, range)];
        return { type: 'InList', expr: left ?? this.other('Unknown', [], range, node), list: items, negated: op === '<>', range, raw: node };
      }
      case 'AEXPR_BETWEEN':
      case 'AEXPR_NOT_BETWEEN':
      case 'AEXPR_BETWEEN_SYM':
      case 'AEXPR_NOT_BETWEEN_SYM': {
        const list = unwrap(body.rexpr);
        const items = list?.[0] === 'List' ? this.exprs(list[1].items, range) : [];
        return {
          type: 'Between',
          expr: left ?? this.other('Unknown', [], range, node),
          low: items[0] ?? this.other('Unknown', [], range, node),
          high: items[1] ?? this.other('Unknown', [], range, node),
          negated: kind.includes('NOT'),
          range,
          raw: node,
        };
      }
      case 'AEXPR_NULLIF':
        return { type: 'FuncCall', name: 'nullif', args: [left ?? this.other('Unknown', [], range, node), this.expr(body.rexpr, range)], star: false, distinct: false, over: false, range, raw: node };
      case 'AEXPR_OP_ANY':
      case 'AEXPR_OP_ALL':
        return this.other(kind === 'AEXPR_OP_ANY' ? `${op} ANY` : `${op} ALL`, [...(left ? [left] : []), this.expr(body.rexpr, range)], range, node);
    }
    return this.other(kind, [...(left ? [left] : []), ...(body.rexpr ? [this.expr(body.rexpr, range)] : [])], range, node);
  }

  private subLink(body: Raw, node: unknown, r: M.Range): M.SubqueryExpr {
    const kinds: Record<string, M.SubqueryExpr['kind']> = {
      EXISTS_SUBLINK: 'exists',
      ANY_SUBLINK: 'any',
      ALL_SUBLINK: 'all',
      EXPR_SUBLINK: 'scalar',
      ARRAY_SUBLINK: 'array',
      MULTIEXPR_SUBLINK: 'scalar',
      ROWCOMPARE_SUBLINK: 'any',
    };
    const range = this.range(node, r);
    let kind = kinds[body.subLinkType] ?? 'scalar';
    const operator = strings(body.operName).pop();
    if (kind === 'any' && (operator === undefined || operator === '=')) kind = 'in';
    const sub: M.SubqueryExpr = { type: 'SubqueryExpr', kind, query: this.queryFromNode(body.subselect, range), range, raw: node };
    if (body.testexpr) sub.testExpr = this.expr(body.testexpr, range);
    if (operator) sub.operator = operator;
    return sub;
  }
}

const INTEGER_LITERAL = /^([-+]?)(0[xX](?:_?[\da-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|\d(?:_?\d)*)$/;

/** An integer literal's value in decimal digits, or undefined for decimals and exponents. */
function integerText(text: string): string | undefined {
  const match = INTEGER_LITERAL.exec(text);
  if (!match) return undefined;
  const digits = match[2]!.replace(/_/g, '');
  const value = /^0[xXoObB]/.test(digits) ? BigInt(digits).toString() : digits.replace(/^0+(?=\d)/, '');
  return match[1] === '-' && value !== '0' ? `-${value}` : value;
}
