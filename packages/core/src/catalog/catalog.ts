import { expressionKey } from '../model/expression-key.ts';
import type * as M from '../model/nodes.ts';
import { storageTypeName } from '../dialects/postgres/types.ts';
import { resolveColumnInScopes } from '../engine/scope.ts';
import { type CatalogChange, type CatalogState, EMPTY_CATALOG_STATE, changesInto, recordChanges, stateAfter } from './state.ts';
import type { CatalogColumn, CatalogConstraint, CatalogIndex, CatalogReader, CatalogTable } from './types.ts';

const DEFAULT_SCHEMA = 'public';

function key(schema: string | undefined, name: string): string {
  return `${schema ?? DEFAULT_SCHEMA}.${name}`;
}

/**
 * The key of a frozen name (a model node, a lock-model relation), kept: rules look tables up for
 * every statement of a file on each keystroke, and the same string object each time also keeps
 * its hash for the map lookup.
 */
const keysOfNames = new WeakMap<object, string>();

function keyOf(name: { schema?: string; name: string }): string {
  if (!Object.isFrozen(name)) return key(name.schema, name.name);
  let k = keysOfNames.get(name);
  if (k === undefined) keysOfNames.set(name, (k = key(name.schema, name.name)));
  return k;
}

function columnFromDef(def: M.ColumnDef): CatalogColumn {
  const serial = storageTypeName(def.dataType.name) !== def.dataType.name;
  const type: M.TypeRef = serial ? { ...def.dataType, name: storageTypeName(def.dataType.name) } : def.dataType;
  return {
    name: def.name,
    type,
    notNull: def.notNull || serial,
    hasDefault: def.default !== undefined || serial || def.constraints.some((c) => c.kind === 'identity' || c.kind === 'generated'),
  };
}

function indexFromConstraint(c: M.Constraint, columns: string[]): CatalogIndex | undefined {
  if (c.kind !== 'unique' && c.kind !== 'primary_key' && c.kind !== 'exclusion') return undefined;
  const index: CatalogIndex = { unique: c.kind !== 'exclusion', method: c.kind === 'exclusion' ? 'gist' : 'btree', elements: columns.map((column) => ({ column })), partial: false };
  const name = c.usingIndex ?? c.name;
  if (name) index.name = name;
  return index;
}

/** `CREATE TABLE x (a, b) AS ...` / `CREATE MATERIALIZED VIEW x (a, b) AS ...`: the model keeps only the parser's node. */
function intoColumnNames(raw: unknown): string[] {
  const names = (raw as { CreateTableAsStmt?: { into?: { colNames?: unknown[] } } } | undefined)?.CreateTableAsStmt?.into?.colNames;
  if (!Array.isArray(names)) return [];
  return names.map((n) => (n as { String?: { sval?: string } })?.String?.sval ?? '');
}

function materializedViewIfNotExists(raw: unknown): boolean {
  return (raw as { CreateTableAsStmt?: { if_not_exists?: boolean } } | undefined)?.CreateTableAsStmt?.if_not_exists === true;
}

function flattenFrom(items: readonly M.FromItem[], out: M.FromItem[] = []): M.FromItem[] {
  for (const item of items) {
    if (item.type === 'Join') flattenFrom([item.left, item.right], out);
    else out.push(item);
  }
  return out;
}

function hasMergingJoin(items: readonly M.FromItem[]): boolean {
  return items.some((item) => item.type === 'Join' && (item.natural || item.using.length > 0 || hasMergingJoin([item.left, item.right])));
}

function constraintFromModel(c: M.Constraint, columns: string[]): CatalogConstraint {
  const out: CatalogConstraint = { kind: c.kind, columns, validated: !c.notValid };
  if (c.name) out.name = c.name;
  if (c.expr) out.expr = c.expr;
  return out;
}

/**
 * The schema as far as this run has seen it: CREATE/ALTER/DROP/RENAME replayed in path order.
 * Tables are copied on write so a snapshot (`clone`) taken before a file stays intact.
 */
export class Catalog implements CatalogReader {
  private byKey = new Map<string, CatalogTable>();
  private indexOwner = new Map<string, string>();
  private contents: CatalogState = EMPTY_CATALOG_STATE;

  /** Identifies the contents: catalogs with the same state hold the same tables (see state.ts). */
  get state(): CatalogState {
    return this.contents;
  }

  clone(): Catalog {
    const copy = new Catalog();
    copy.byKey = new Map(this.byKey);
    copy.indexOwner = new Map(this.indexOwner);
    copy.contents = this.contents;
    return copy;
  }

  tables(): Iterable<CatalogTable> {
    return this.byKey.values();
  }

  getTable(name: { schema?: string; name: string }): CatalogTable | undefined {
    if (name.schema) return this.byKey.get(keyOf(name));
    const inPublic = this.byKey.get(keyOf(name));
    if (inPublic) return inPublic;
    let match: CatalogTable | undefined;
    for (const t of this.byKey.values()) {
      if (t.name !== name.name) continue;
      if (match) return undefined; // ambiguous without a search_path
      match = t;
    }
    return match;
  }

  getColumn(table: CatalogTable, column: string): CatalogColumn | undefined {
    return table.columns.find((c) => c.name === column);
  }

  /** Replace a table with a modified copy (copy-on-write). */
  private update(table: CatalogTable, change: (t: CatalogTable) => void): void {
    const copy: CatalogTable = { ...table, columns: [...table.columns], indexes: [...table.indexes], constraints: [...table.constraints] };
    change(copy);
    this.setTable(key(copy.schema, copy.name), copy);
  }

  apply(stmt: M.Statement, origin: { file: string; statement: number }): void {
    const replay = this.replayOf(stmt);
    if (!replay) return; // the statement leaves the catalog (and its state) as it is
    this.contents = stateAfter(this.contents, stmt, origin);
    // The same statement from the same state was replayed before (an earlier lint of this text):
    // its changes are known, and tables are never changed in place, so they are reused as they are.
    const known = changesInto(this.contents);
    if (known) {
      for (let i = 0; i < known.length; i++) this.make(known[i]!);
      return;
    }
    const changes: CatalogChange[] = [];
    this.recording = Object.isFrozen(stmt) ? changes : undefined;
    try {
      replay(origin);
      if (this.recording) recordChanges(this.contents, changes);
    } finally {
      this.recording = undefined;
    }
  }

  /** How `apply` replays the statement; undefined for statements that change no schema. */
  private replayOf(stmt: M.Statement): ((origin: { file: string; statement: number }) => void) | undefined {
    switch (stmt.type) {
      case 'CreateTable':
        return (origin) => this.createTable(stmt, origin);
      case 'CreateIndex':
        return () => this.createIndex(stmt);
      case 'AlterTable':
        return () => this.alterTable(stmt);
      case 'Drop':
        return () => this.drop(stmt);
      case 'CreateView':
        if (!stmt.materialized) return undefined;
        return (origin) => this.createFromQuery(stmt.name, stmt.query, intoColumnNames(stmt.raw), materializedViewIfNotExists(stmt.raw), origin, 'materialized_view');
      case 'Select': {
        const into = stmt.into;
        if (!into) return undefined;
        return (origin) => this.createFromQuery(into, stmt, [], false, origin, 'table');
      }
      default:
        return undefined;
    }
  }

  /** The changes `apply` makes are recorded here while a frozen statement is replayed. */
  private recording: CatalogChange[] | undefined;

  /** Every change to the two maps goes through here, so that a replay can be recorded and redone. */
  private make(change: CatalogChange): void {
    const map: Map<string, unknown> = change.map === 'tables' ? this.byKey : this.indexOwner;
    if (change.value !== undefined) map.set(change.key, change.value);
    else map.delete(change.key);
    this.recording?.push(change);
  }

  private setTable(k: string, table: CatalogTable): void {
    this.make({ map: 'tables', key: k, value: table });
  }

  private deleteTable(k: string): void {
    this.make({ map: 'tables', key: k });
  }

  private setIndexOwner(k: string, owner: string): void {
    this.make({ map: 'indexes', key: k, value: owner });
  }

  private deleteIndexOwner(k: string): void {
    this.make({ map: 'indexes', key: k });
  }

  /** Makes this catalog's contents those of `snapshot` (a `clone()` taken earlier). */
  restore(snapshot: Catalog): void {
    this.byKey = new Map(snapshot.byKey);
    this.indexOwner = new Map(snapshot.indexOwner);
    this.contents = snapshot.contents;
  }

  /**
   * `CREATE TABLE ... AS`, `CREATE MATERIALIZED VIEW` and `SELECT ... INTO`: a new relation whose
   * columns are known when every select-list item is a column the catalog knows (directly, through
   * a cast, or by `*` over known tables), else recorded as unknown.
   */
  private createFromQuery(
    name: M.QualifiedName,
    query: M.Select,
    columnNames: readonly string[],
    ifNotExists: boolean,
    origin: { file: string; statement: number },
    kind: 'table' | 'materialized_view',
  ): void {
    const k = key(name.schema, name.name);
    if (this.byKey.has(k) && ifNotExists) return;
    const columns = this.columnsFromQuery(query, columnNames);
    const table: CatalogTable = {
      schema: name.schema ?? DEFAULT_SCHEMA,
      name: name.name,
      columns: columns ?? [],
      indexes: [],
      constraints: [],
      createdIn: origin,
      partitioned: false,
      columnsKnown: columns !== undefined,
    };
    if (kind === 'materialized_view') table.kind = kind;
    this.setTable(k, table);
  }

  private columnsFromQuery(query: M.Select, columnNames: readonly string[]): CatalogColumn[] | undefined {
    if (query.setOperation || query.values || hasMergingJoin(query.from)) return undefined;
    const items = flattenFrom(query.from);
    const ctes = new Set(query.with.map((c) => c.name));
    const knownTable = (item: M.FromItem): CatalogTable | undefined => {
      if (item.type !== 'TableRef' || (item.schema === undefined && ctes.has(item.name))) return undefined;
      const table = this.getTable(item);
      return table?.columnsKnown ? table : undefined;
    };
    const columns: Array<{ name: string; type: M.TypeRef }> = [];
    for (const item of query.columns) {
      const expr = item.expr;
      if (expr.type === 'Star') {
        const sources = expr.table === undefined ? items : items.filter((i) => ('alias' in i && i.alias !== undefined ? i.alias === expr.table : i.type === 'TableRef' && i.name === expr.table));
        if (sources.length === 0) return undefined;
        for (const source of sources) {
          const table = knownTable(source);
          if (!table) return undefined;
          columns.push(...table.columns.map((c) => ({ name: c.name, type: c.type })));
        }
        continue;
      }
      const inner = expr.type === 'Cast' ? expr.expr : expr;
      if (inner.type !== 'ColumnRef' && item.alias === undefined) return undefined; // PostgreSQL names it after a function or type
      let type: M.TypeRef | undefined;
      if (expr.type === 'Cast') type = expr.targetType;
      else if (expr.type === 'ColumnRef') type = resolveColumnInScopes(expr, [query.from], this, [query])?.column.type;
      if (!type) return undefined;
      columns.push({ name: item.alias ?? (inner as M.ColumnRef).column, type });
    }
    if (columnNames.length > columns.length) return undefined;
    return columns.map((c, i) => ({ name: columnNames[i] || c.name, type: c.type, notNull: false, hasDefault: false }));
  }

  private createTable(stmt: M.CreateTable, origin: { file: string; statement: number }): void {
    if (stmt.asQuery) return this.createFromQuery(stmt.table, stmt.asQuery, intoColumnNames(stmt.raw), stmt.ifNotExists, origin, 'table');
    const k = key(stmt.table.schema, stmt.table.name);
    if (this.byKey.has(k) && stmt.ifNotExists) return;
    const table: CatalogTable = {
      schema: stmt.table.schema ?? DEFAULT_SCHEMA,
      name: stmt.table.name,
      columns: stmt.columns.map(columnFromDef),
      indexes: [],
      constraints: [],
      createdIn: origin,
      partitioned: stmt.partitioned,
      columnsKnown: stmt.likeTables.length === 0 && !stmt.partitionOf && !(stmt.raw as { CreateStmt?: { inhRelations?: unknown[] } })?.CreateStmt?.inhRelations?.length,
    };
    if (stmt.partitionOf) {
      const parent = this.getTable(stmt.partitionOf);
      if (parent) {
        table.columns = [...parent.columns];
        table.columnsKnown = parent.columnsKnown;
      }
    }
    for (const like of stmt.likeTables) {
      const source = this.getTable(like);
      if (source) table.columns.push(...source.columns);
    }
    for (const def of stmt.columns) {
      for (const c of def.constraints) this.addConstraintTo(table, c, [def.name], true);
    }
    for (const c of stmt.constraints) this.addConstraintTo(table, c, c.columns);
    this.setTable(k, table);
  }

  /**
   * `inColumnDef`: the constraint was written on a column definition, whose `notNull` already
   * says what an unnamed NOT NULL there means.
   */
  private addConstraintTo(table: CatalogTable, c: M.Constraint, columns: string[], inColumnDef = false): void {
    if (c.kind === 'not_null') {
      if (inColumnDef && !c.name) return;
      table.constraints.push(constraintFromModel(c, columns));
      if (!c.notValid) table.columns = table.columns.map((col) => (columns.includes(col.name) ? { ...col, notNull: true } : col));
      return;
    }
    if (c.kind === 'null' || c.kind === 'default' || c.kind === 'generated' || c.kind === 'identity') return;
    table.constraints.push(constraintFromModel(c, columns));
    const index = indexFromConstraint(c, columns);
    if (index) {
      table.indexes.push(index);
      if (index.name) this.setIndexOwner(key(table.schema, index.name), key(table.schema, table.name));
    }
    if (c.kind === 'primary_key') {
      table.columns = table.columns.map((col) => (columns.includes(col.name) ? { ...col, notNull: true } : col));
    }
  }

  private createIndex(stmt: M.CreateIndex): void {
    const table = this.getTable(stmt.table);
    if (!table) return;
    if (stmt.name && stmt.ifNotExists && table.indexes.some((i) => i.name === stmt.name)) return;
    const index: CatalogIndex = {
      unique: stmt.unique,
      method: stmt.method,
      partial: stmt.where !== undefined,
      elements: stmt.elements.map((e) => (e.column !== undefined ? { column: e.column } : e.expr ? { expressionKey: expressionKey(e.expr) } : {})),
    };
    if (stmt.name) index.name = stmt.name;
    this.update(table, (t) => t.indexes.push(index));
    if (stmt.name) this.setIndexOwner(key(table.schema, stmt.name), key(table.schema, table.name));
  }

  private alterTable(stmt: M.AlterTable): void {
    if (stmt.objectKind === 'index') {
      for (const a of stmt.actions) if (a.action === 'rename_table' && a.newName) this.renameIndex(stmt.table, a.newName);
      return;
    }
    let table: CatalogTable | undefined = this.getTable(stmt.table);
    if (!table) return;
    for (const action of stmt.actions) {
      if (!table) return;
      if (action.action === 'rename_table' && action.newName) {
        const renamed: CatalogTable = { ...table, name: action.newName };
        this.deleteTable(key(table.schema, table.name));
        this.setTable(key(renamed.schema, renamed.name), renamed);
        this.moveIndexOwners(table, renamed);
        table = renamed;
        continue;
      }
      if (action.action === 'set_schema' && action.newName) {
        const moved: CatalogTable = { ...table, schema: action.newName };
        this.deleteTable(key(table.schema, table.name));
        this.setTable(key(moved.schema, moved.name), moved);
        this.moveIndexOwners(table, moved);
        table = moved;
        continue;
      }
      this.update(table, (t) => this.applyAction(t, action));
      table = this.byKey.get(key(table.schema, table.name));
    }
  }

  private applyAction(t: CatalogTable, a: M.AlterTableAction): void {
    const col = a.column;
    const mapColumn = (name: string | undefined, change: (c: CatalogColumn) => CatalogColumn): void => {
      if (name === undefined) return;
      t.columns = t.columns.map((c) => (c.name === name ? change(c) : c));
    };
    switch (a.action) {
      case 'add_column':
        if (a.columnDef && !t.columns.some((c) => c.name === a.columnDef!.name)) {
          t.columns.push(columnFromDef(a.columnDef));
          for (const c of a.columnDef.constraints) this.addConstraintTo(t, c, [a.columnDef.name], true);
        }
        return;
      case 'drop_column':
        t.columns = t.columns.filter((c) => c.name !== col);
        t.indexes = t.indexes.filter((i) => !i.elements.some((e) => e.column === col));
        t.constraints = t.constraints.filter((c) => !c.columns.includes(col ?? ''));
        return;
      case 'alter_column_type':
        if (a.newType) mapColumn(col, (c) => ({ ...c, type: a.newType! }));
        return;
      case 'set_not_null':
        mapColumn(col, (c) => ({ ...c, notNull: true }));
        // PostgreSQL 18: SET NOT NULL validates a NOT VALID not-null constraint on the column.
        t.constraints = t.constraints.map((c) => (c.kind === 'not_null' && c.columns.includes(col ?? '') ? { ...c, validated: true } : c));
        return;
      case 'drop_not_null':
        mapColumn(col, (c) => ({ ...c, notNull: false }));
        t.constraints = t.constraints.filter((c) => !(c.kind === 'not_null' && c.columns.includes(col ?? '')));
        return;
      case 'set_default':
        mapColumn(col, (c) => ({ ...c, hasDefault: true }));
        return;
      case 'drop_default':
        mapColumn(col, (c) => ({ ...c, hasDefault: false }));
        return;
      case 'add_constraint':
        if (a.constraint) {
          let columns = a.constraint.columns;
          if (a.constraint.usingIndex) {
            const idx = t.indexes.find((i) => i.name === a.constraint!.usingIndex);
            columns = idx ? idx.elements.map((e) => e.column ?? '') : columns;
            t.constraints.push(constraintFromModel(a.constraint, columns));
            if (a.constraint.kind === 'primary_key') t.columns = t.columns.map((c) => (columns.includes(c.name) ? { ...c, notNull: true } : c));
            return;
          }
          this.addConstraintTo(t, a.constraint, columns);
        }
        return;
      case 'drop_constraint': {
        const dropped = t.constraints.filter((c) => c.name === a.constraintName);
        t.constraints = t.constraints.filter((c) => c.name !== a.constraintName);
        // Dropping a not-null constraint makes its column nullable again, unless something else keeps it NOT NULL.
        const keptNotNull = (name: string): boolean =>
          t.constraints.some((c) => c.columns.includes(name) && (c.kind === 'primary_key' || (c.kind === 'not_null' && c.validated)));
        for (const c of dropped) {
          if (c.kind !== 'not_null') continue;
          for (const name of c.columns) if (!keptNotNull(name)) mapColumn(name, (column) => ({ ...column, notNull: false }));
        }
        return;
      }
      case 'validate_constraint': {
        const validated = t.constraints.filter((c) => c.name === a.constraintName);
        t.constraints = t.constraints.map((c) => (c.name === a.constraintName ? { ...c, validated: true } : c));
        for (const c of validated) {
          if (c.kind === 'not_null') for (const name of c.columns) mapColumn(name, (column) => ({ ...column, notNull: true }));
        }
        return;
      }
      case 'rename_column':
        if (col && a.newName) {
          const to = a.newName;
          mapColumn(col, (c) => ({ ...c, name: to }));
          t.indexes = t.indexes.map((i) => ({ ...i, elements: i.elements.map((e) => (e.column === col ? { ...e, column: to } : e)) }));
          t.constraints = t.constraints.map((c) => ({ ...c, columns: c.columns.map((n) => (n === col ? to : n)) }));
        }
        return;
      case 'rename_constraint':
        t.constraints = t.constraints.map((c) => (c.name === a.constraintName && a.newName ? { ...c, name: a.newName } : c));
        return;
      default:
        return;
    }
  }

  private moveIndexOwners(from: CatalogTable, to: CatalogTable): void {
    const fromKey = key(from.schema, from.name);
    for (const [indexKey, owner] of this.indexOwner) {
      if (owner !== fromKey) continue;
      this.deleteIndexOwner(indexKey);
      this.setIndexOwner(key(to.schema, indexKey.slice(indexKey.indexOf('.') + 1)), key(to.schema, to.name));
    }
  }

  private renameIndex(name: M.QualifiedName, newName: string): void {
    const owner = this.findIndexOwner(name);
    if (!owner) return;
    this.update(owner, (t) => {
      t.indexes = t.indexes.map((i) => (i.name === name.name ? { ...i, name: newName } : i));
    });
    this.deleteIndexOwner(key(owner.schema, name.name));
    this.setIndexOwner(key(owner.schema, newName), key(owner.schema, owner.name));
  }

  private findIndexOwner(name: { schema?: string; name: string }): CatalogTable | undefined {
    const ownerKey = this.indexOwner.get(key(name.schema, name.name));
    if (ownerKey) return this.byKey.get(ownerKey);
    if (!name.schema) {
      for (const [k, v] of this.indexOwner) if (k.endsWith(`.${name.name}`)) return this.byKey.get(v);
    }
    return undefined;
  }

  /** The table an index belongs to, when the catalog knows the index. */
  tableOfIndex(name: { schema?: string; name: string }): CatalogTable | undefined {
    return this.findIndexOwner(name);
  }

  private drop(stmt: M.Drop): void {
    for (const name of stmt.names) {
      if (stmt.objectKind === 'table' || stmt.objectKind === 'view' || stmt.objectKind === 'materialized_view') {
        const t = this.getTable(name);
        if (t) this.deleteTable(key(t.schema, t.name));
      } else if (stmt.objectKind === 'index') {
        const owner = this.findIndexOwner(name);
        if (owner) this.update(owner, (t) => (t.indexes = t.indexes.filter((i) => i.name !== name.name)));
      } else if (stmt.objectKind === 'schema') {
        for (const [k, t] of this.byKey) if (t.schema === name.name) this.deleteTable(k);
      }
    }
  }
}
