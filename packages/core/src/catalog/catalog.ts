import { expressionKey } from '../model/expression-key.ts';
import type * as M from '../model/nodes.ts';
import { storageTypeName } from '../dialects/postgres/types.ts';
import { resolveColumnInScopes } from '../engine/scope.ts';
import { type CatalogChange, type CatalogState, EMPTY_CATALOG_STATE, changesInto, recordChanges, stateAfter } from './state.ts';
import { CatalogList } from './list.ts';
import { chooseRelationName, constraintIndexColumns, constraintIndexLabel, indexNameAddition } from './index-names.ts';
import type { CatalogColumn, CatalogConstraint, CatalogIndex, CatalogReader, CatalogTable, UnparsedCreate } from './types.ts';

const DEFAULT_SCHEMA = 'public';
/** PostgreSQL's MaxHeapAttributeNumber: "tables can have at most 1600 columns". */
const MAX_COLUMNS = 1600;

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
  if (!Object.isFrozen(name)) return name.schema === undefined ? publicKeyOf(name.name) : key(name.schema, name.name);
  let k = keysOfNames.get(name);
  if (k === undefined) keysOfNames.set(name, (k = key(name.schema, name.name)));
  return k;
}

/**
 * Keys of unqualified names, kept by name: a key built for each lookup is a new string, hashed
 * anew by the map, and rules look up the tables of every statement. Bounded, as an editor's
 * names come and go.
 */
const publicKeys = new Map<string, string>();
const MAX_PUBLIC_KEYS = 10_000;

function publicKeyOf(name: string): string {
  let k = publicKeys.get(name);
  if (k === undefined) {
    if (publicKeys.size >= MAX_PUBLIC_KEYS) publicKeys.clear();
    publicKeys.set(name, (k = key(undefined, name)));
  }
  return k;
}

/**
 * Catalog items are frozen when made: tables share them between versions and lint runs, so a
 * rule that changed one would corrupt every later statement (it gets a TypeError instead).
 */
function column(c: CatalogColumn): CatalogColumn {
  return Object.freeze(c);
}

function columnFromDef(def: M.ColumnDef): CatalogColumn {
  const serial = storageTypeName(def.dataType.name) !== def.dataType.name;
  const type: M.TypeRef = serial ? { ...def.dataType, name: storageTypeName(def.dataType.name) } : def.dataType;
  return column({
    name: def.name,
    type,
    notNull: def.notNull || serial,
    hasDefault: def.default !== undefined || serial || def.constraints.some((c) => c.kind === 'identity' || c.kind === 'generated'),
  });
}

function frozenIndex(index: CatalogIndex): CatalogIndex {
  Object.freeze(index.elements);
  for (const e of index.elements) Object.freeze(e);
  return Object.freeze(index);
}

function withNotNull(columns: readonly string[]): (c: CatalogColumn) => CatalogColumn {
  return (c) => (columns.includes(c.name) && !c.notNull ? column({ ...c, notNull: true }) : c);
}

/** The index a UNIQUE / PRIMARY KEY / EXCLUDE constraint builds (`name`: its own or PostgreSQL's default). */
function indexFromConstraint(c: M.Constraint, columns: string[], name: string | undefined): CatalogIndex | undefined {
  if (c.kind !== 'unique' && c.kind !== 'primary_key' && c.kind !== 'exclusion') return undefined;
  const key = constraintIndexColumns(c, columns)?.key ?? columns;
  const method = c.kind === 'exclusion' ? ((c.raw as { Constraint?: { access_method?: string } } | undefined)?.Constraint?.access_method ?? 'gist') : 'btree';
  const index: CatalogIndex = { unique: c.kind !== 'exclusion', method, elements: key.map((column) => (column === undefined ? {} : { column })), partial: false };
  if (name) index.name = name;
  return frozenIndex(index);
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

function constraintFromModel(c: M.Constraint, columns: string[], name = c.name): CatalogConstraint {
  const out: CatalogConstraint = { kind: c.kind, columns: Object.freeze([...columns]) as string[], validated: !c.notValid };
  if (name) out.name = name;
  if (c.expr) out.expr = c.expr;
  return Object.freeze(out);
}


/**
 * What `Catalog.checkpoint` marks: the state of that moment, and how to undo every change made to
 * the catalog's maps since, in reverse order.
 */
export class CatalogCheckpoint {
  /** Each change to a map since the checkpoint, with what the key held before (`had`, `old`). */
  readonly undo: Array<{ map: Map<string, unknown>; key: string; had: boolean; old: unknown }> = [];
  /** Table keys added since the checkpoint (see `tableOrder`). */
  readonly addedTables = new Set<string>();
  /**
   * The tables' order at the checkpoint, once a table that was there is deleted: putting it back
   * would move it to the end, and `tables()` lists tables in their order. Until then the tables of
   * the checkpoint keep their places, and added ones come after them.
   */
  tableOrder: string[] | undefined;

  constructor(readonly contents: CatalogState) {}
}

/**
 * The schema as far as this run has seen it: CREATE/ALTER/DROP/RENAME replayed in path order.
 * Tables are copied on write so a snapshot (`clone`) taken before a file stays intact.
 */
export class Catalog implements CatalogReader {
  private byKey = new Map<string, CatalogTable>();
  /** Table keys by table name, for names written without a schema. Arrays are replaced, never changed, so clones share them. */
  private tableKeysByName = new Map<string, readonly string[]>();
  /** Index key -> the key of the table the index belongs to. */
  private indexOwner = new Map<string, string>();
  private indexKeysByName = new Map<string, readonly string[]>();
  private contents: CatalogState = EMPTY_CATALOG_STATE;

  /**
   * `keepReplays`: keep the changes each replayed statement made, by catalog state, so that a host
   * linting the same text again (an editor, on every keystroke) puts them back instead of
   * replaying. They hold a version of each changed table per statement, so a one-shot run (the
   * CLI) leaves it off and its memory stays bounded by the catalog itself.
   */
  constructor(private readonly options: { keepReplays?: boolean } = {}) {}

  /** Identifies the contents: catalogs with the same state hold the same tables (see state.ts). */
  get state(): CatalogState {
    return this.contents;
  }

  clone(): Catalog {
    const copy = new Catalog(this.options);
    copy.restore(this);
    return copy;
  }

  /**
   * Marks the contents as they are now, to come back to them with `rollBackTo` (a rollback is
   * linted against the schema before it, and its changes are then dropped). Cheaper than `clone`
   * and `restore`, which copy every map: the changes made after it are undone one by one. One
   * checkpoint at a time.
   */
  checkpoint(): CatalogCheckpoint {
    if (this.open) throw new Error('a catalog checkpoint is open already');
    this.open = new CatalogCheckpoint(this.contents);
    return this.open;
  }

  /** Makes the contents those marked by `checkpoint`, and closes it. */
  rollBackTo(checkpoint: CatalogCheckpoint): void {
    if (this.open !== checkpoint) throw new Error('not the open catalog checkpoint');
    const undo = checkpoint.undo;
    for (let i = undo.length - 1; i >= 0; i--) {
      const { map, key, had, old } = undo[i]!;
      if (had) map.set(key, old);
      else map.delete(key);
    }
    if (checkpoint.tableOrder) {
      const byKey = new Map<string, CatalogTable>();
      for (const k of checkpoint.tableOrder) byKey.set(k, this.byKey.get(k)!);
      this.byKey = byKey;
    }
    this.contents = checkpoint.contents;
    this.open = undefined;
  }

  /** The checkpoint whose changes are being recorded, if any. */
  private open: CatalogCheckpoint | undefined;

  /** Sets or deletes (`value` undefined) a key, recording what it held for an open checkpoint. */
  private change<V>(map: Map<string, V>, key: string, value: V | undefined): void {
    const open = this.open;
    if (open) {
      const had = map.has(key);
      if (map === (this.byKey as Map<string, unknown>)) {
        if (!had) open.addedTables.add(key);
        else if (value === undefined && !open.tableOrder && !open.addedTables.has(key)) open.tableOrder = [...this.byKey.keys()].filter((k) => !open.addedTables.has(k));
      }
      open.undo.push({ map: map as Map<string, unknown>, key, had, old: had ? map.get(key) : undefined });
    }
    if (value === undefined) map.delete(key);
    else map.set(key, value);
  }

  tables(): Iterable<CatalogTable> {
    return this.byKey.values();
  }

  getTable(name: { schema?: string; name: string }): CatalogTable | undefined {
    if (name.schema) return this.byKey.get(keyOf(name));
    const inPublic = this.byKey.get(keyOf(name));
    if (inPublic) return inPublic;
    const keys = this.tableKeysByName.get(name.name);
    if (keys?.length !== 1) return undefined; // unknown, or ambiguous without a search_path
    return this.byKey.get(keys[0]!);
  }

  getColumn(table: CatalogTable, column: string): CatalogColumn | undefined {
    return table.columns.find((c) => c.name === column);
  }

  /** Replace a table with a changed copy; its lists share what did not change (see CatalogList). */
  private update(table: CatalogTable, change: (t: CatalogTable) => void): void {
    const copy: CatalogTable = { ...table };
    change(copy);
    this.setTable(copy, copy);
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
    this.recording = this.options.keepReplays && Object.isFrozen(stmt) ? changes : undefined;
    try {
      replay(origin);
      if (this.recording) recordChanges(this.contents, changes);
    } finally {
      this.recording = undefined;
    }
  }

  /**
   * A CREATE that did not parse, from its head: the relation is created here with unknown columns
   * (`columnsKnown` false), so rules see a relation new in this history rather than an existing
   * one in use; an index gets one element of unknown column. Views and sequences are not kept.
   */
  applyUnparsed(create: UnparsedCreate, origin: { file: string; statement: number }): void {
    if (create.kind === 'view' || create.kind === 'sequence') return;
    // A state of its own: the statement has no frozen node to intern it on (see state.ts).
    this.contents = Object.freeze({});
    if (create.kind === 'index') {
      const table = this.getTable(create.table);
      if (!table || !create.name) return;
      if (create.ifNotExists && table.indexes.some((i) => i.name === create.name)) return;
      const index = frozenIndex({ name: create.name, unique: create.unique, method: 'btree', elements: [{}], partial: false });
      this.update(table, (t) => (t.indexes = t.indexes.push(index)));
      this.setIndexOwner(table, create.name);
      return;
    }
    const k = key(create.name.schema, create.name.name);
    if (this.byKey.has(k) && create.ifNotExists) return;
    const table: CatalogTable = {
      schema: create.name.schema ?? DEFAULT_SCHEMA,
      name: create.name.name,
      columns: CatalogList.empty(),
      indexes: CatalogList.empty(),
      constraints: CatalogList.empty(),
      createdIn: Object.freeze({ ...origin }),
      partitioned: create.partitioned,
      columnsKnown: false,
    };
    if (create.kind === 'materialized_view') table.kind = create.kind;
    this.replaceTable(k, table);
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
    const [map, byName]: [Map<string, unknown>, Map<string, readonly string[]>] =
      change.map === 'tables' ? [this.byKey, this.tableKeysByName] : [this.indexOwner, this.indexKeysByName];
    const had = map.has(change.key);
    if (change.value !== undefined) {
      this.change(map, change.key, change.value);
      if (!had) this.change(byName, change.name, [...(byName.get(change.name) ?? []), change.key]);
    } else if (had) {
      this.change(map, change.key, undefined);
      const rest = byName.get(change.name)?.filter((k) => k !== change.key) ?? [];
      this.change(byName, change.name, rest.length > 0 ? rest : undefined);
    }
    this.recording?.push(change);
  }

  private setTable(at: { schema: string; name: string }, table: CatalogTable): void {
    this.make({ map: 'tables', key: key(at.schema, at.name), name: at.name, value: table });
  }

  private deleteTable(table: CatalogTable): void {
    this.make({ map: 'tables', key: key(table.schema, table.name), name: table.name });
    for (const index of table.indexes) if (index.name) this.deleteIndexOwner(table, index.name);
  }

  private setIndexOwner(table: CatalogTable, indexName: string): void {
    this.make({ map: 'indexes', key: key(table.schema, indexName), name: indexName, value: key(table.schema, table.name) });
  }

  /** Forgets the index, when `table` owns it. */
  private deleteIndexOwner(table: CatalogTable, indexName: string): void {
    const k = key(table.schema, indexName);
    if (this.indexOwner.get(k) === key(table.schema, table.name)) this.make({ map: 'indexes', key: k, name: indexName });
  }

  /** Makes this catalog's contents those of `snapshot` (a `clone()` taken earlier). */
  restore(snapshot: Catalog): void {
    if (this.open) throw new Error('a catalog checkpoint is open');
    this.byKey = new Map(snapshot.byKey);
    this.tableKeysByName = new Map(snapshot.tableKeysByName);
    this.indexOwner = new Map(snapshot.indexOwner);
    this.indexKeysByName = new Map(snapshot.indexKeysByName);
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
      columns: CatalogList.of(columns ?? []),
      indexes: CatalogList.empty(),
      constraints: CatalogList.empty(),
      createdIn: Object.freeze({ ...origin }),
      partitioned: false,
      columnsKnown: columns !== undefined,
    };
    if (kind === 'materialized_view') table.kind = kind;
    this.replaceTable(k, table);
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
    return columns.map((c, i) => column({ name: columnNames[i] || c.name, type: c.type, notNull: false, hasDefault: false }));
  }

  private createTable(stmt: M.CreateTable, origin: { file: string; statement: number }): void {
    if (stmt.asQuery) return this.createFromQuery(stmt.table, stmt.asQuery, intoColumnNames(stmt.raw), stmt.ifNotExists, origin, 'table');
    const k = key(stmt.table.schema, stmt.table.name);
    if (this.byKey.has(k) && stmt.ifNotExists) return;
    const table: CatalogTable = {
      schema: stmt.table.schema ?? DEFAULT_SCHEMA,
      name: stmt.table.name,
      columns: CatalogList.of(stmt.columns.map(columnFromDef)),
      indexes: CatalogList.empty(),
      constraints: CatalogList.empty(),
      createdIn: Object.freeze({ ...origin }),
      partitioned: stmt.partitioned,
      columnsKnown: stmt.likeTables.length === 0 && !stmt.partitionOf && !(stmt.raw as { CreateStmt?: { inhRelations?: unknown[] } })?.CreateStmt?.inhRelations?.length,
    };
    if (stmt.partitionOf) {
      const parent = this.getTable(stmt.partitionOf);
      if (parent) {
        table.columns = parent.columns;
        table.columnsKnown = parent.columnsKnown;
      }
    }
    for (const like of stmt.likeTables) {
      const source = this.getTable(like);
      if (source) for (const c of source.columns) table.columns = table.columns.push(c);
    }
    // PostgreSQL builds one index for UNIQUE constraints on the same columns as the primary key or
    // an earlier UNIQUE (transformIndexConstraints): an unnamed repeat adds neither index nor constraint.
    const all: Array<[M.Constraint, string[], boolean]> = [...stmt.columns.flatMap((def) => def.constraints.map((c): [M.Constraint, string[], boolean] => [c, [def.name], true])), ...stmt.constraints.map((c): [M.Constraint, string[], boolean] => [c, c.columns, false])];
    const keyOfIndex = (c: M.Constraint, columns: string[]): string | undefined =>
      (c.kind === 'unique' || c.kind === 'primary_key') && !c.usingIndex ? JSON.stringify(constraintIndexColumns(c, columns)?.names) : undefined;
    const built = new Set(all.filter(([c]) => c.kind === 'primary_key').map(([c, columns]) => keyOfIndex(c, columns)));
    for (const [c, columns, inColumnDef] of all) {
      const indexKey = c.kind === 'unique' ? keyOfIndex(c, columns) : undefined;
      if (indexKey !== undefined && !c.name && built.has(indexKey)) continue;
      if (indexKey !== undefined) built.add(indexKey);
      this.addConstraintTo(table, c, columns, inColumnDef);
    }
    this.replaceTable(k, table);
  }

  /** CREATE of a relation under `k`: one that was there (OR REPLACE, or a lost DROP) goes with its indexes. */
  private replaceTable(k: string, table: CatalogTable): void {
    const old = this.byKey.get(k);
    if (old) this.deleteTable(old);
    this.setTable(table, table);
    for (const index of table.indexes) if (index.name) this.setIndexOwner(table, index.name);
  }

  /**
   * `inColumnDef`: the constraint was written on a column definition, whose `notNull` already
   * says what an unnamed NOT NULL there means.
   */
  private addConstraintTo(table: CatalogTable, c: M.Constraint, columns: string[], inColumnDef = false): void {
    if (c.kind === 'not_null') {
      if (inColumnDef && !c.name) return;
      table.constraints = table.constraints.push(constraintFromModel(c, columns));
      if (!c.notValid) table.columns = table.columns.replace(withNotNull(columns));
      return;
    }
    if (c.kind === 'null' || c.kind === 'default' || c.kind === 'generated' || c.kind === 'identity') return;
    const name = c.name ?? this.defaultIndexName(table, c, columns);
    table.constraints = table.constraints.push(constraintFromModel(c, columns, name));
    const index = indexFromConstraint(c, columns, name);
    if (index) table.indexes = table.indexes.push(index);
    if (c.kind === 'primary_key') table.columns = table.columns.replace(withNotNull(columns));
  }

  /**
   * PostgreSQL's name for the index of an unnamed UNIQUE / PRIMARY KEY / EXCLUDE constraint (see
   * index-names.ts): not taken by a relation of the table's schema nor by an index of `table`.
   */
  private defaultIndexName(table: CatalogTable, c: M.Constraint, columns: readonly string[]): string | undefined {
    const parts = constraintIndexColumns(c, columns);
    if (!parts) return undefined;
    const taken = (name: string): boolean =>
      table.indexes.some((i) => i.name === name) || this.indexOwner.has(key(table.schema, name)) || this.byKey.has(key(table.schema, name)) || name === table.name;
    return chooseRelationName(table.name, c.kind === 'primary_key' ? undefined : indexNameAddition(parts.names), constraintIndexLabel(c.kind), taken);
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
    frozenIndex(index);
    this.update(table, (t) => (t.indexes = t.indexes.push(index)));
    if (stmt.name) this.setIndexOwner(table, stmt.name);
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
      if ((action.action === 'rename_table' || action.action === 'set_schema') && action.newName) {
        const moved: CatalogTable = action.action === 'rename_table' ? { ...table, name: action.newName } : { ...table, schema: action.newName };
        if (key(moved.schema, moved.name) === key(table.schema, table.name)) continue; // SET SCHEMA to its own schema
        // Indexes move with the table (into its new schema); the old names are forgotten first.
        this.deleteTable(table);
        this.replaceTable(key(moved.schema, moved.name), moved);
        table = moved;
        continue;
      }
      const before: CatalogTable = table;
      const removed: CatalogIndex[] = [];
      this.update(before, (t) => this.applyAction(t, action, removed));
      table = this.byKey.get(key(before.schema, before.name));
      if (!table) continue;
      // The index names follow what the action did to the indexes (ADD CONSTRAINT, DROP COLUMN).
      for (const index of removed) if (index.name) this.deleteIndexOwner(before, index.name);
      for (let i = before.indexes.length - removed.length; i < table.indexes.length; i++) {
        const name = table.indexes.at(i)?.name;
        if (name) this.setIndexOwner(table, name);
      }
    }
  }

  /** Changes `t` as the action does; indexes it drops go to `removed` (indexes it adds are appended). */
  private applyAction(t: CatalogTable, a: M.AlterTableAction, removed: CatalogIndex[]): void {
    const col = a.column;
    const mapColumn = (name: string | undefined, change: (c: CatalogColumn) => CatalogColumn): void => {
      if (name === undefined) return;
      t.columns = t.columns.replace((c) => (c.name === name ? column(change(c)) : c));
    };
    switch (a.action) {
      case 'add_column':
        // PostgreSQL rejects a column past its limit, so the table keeps the columns it had.
        if (a.columnDef && t.columns.length < MAX_COLUMNS && !t.columns.some((c) => c.name === a.columnDef!.name)) {
          t.columns = t.columns.push(columnFromDef(a.columnDef));
          for (const c of a.columnDef.constraints) this.addConstraintTo(t, c, [a.columnDef.name], true);
        }
        return;
      case 'drop_column':
        t.columns = t.columns.keep((c) => c.name !== col);
        t.indexes = t.indexes.keep((i) => {
          const kept = !i.elements.some((e) => e.column === col);
          if (!kept) removed.push(i);
          return kept;
        });
        t.constraints = t.constraints.keep((c) => !c.columns.includes(col ?? ''));
        return;
      case 'alter_column_type':
        if (a.newType) mapColumn(col, (c) => ({ ...c, type: a.newType! }));
        return;
      case 'set_not_null':
        mapColumn(col, (c) => ({ ...c, notNull: true }));
        // PostgreSQL 18: SET NOT NULL validates a NOT VALID not-null constraint on the column.
        t.constraints = t.constraints.replace((c) => (c.kind === 'not_null' && !c.validated && c.columns.includes(col ?? '') ? Object.freeze({ ...c, validated: true }) : c));
        return;
      case 'drop_not_null':
        mapColumn(col, (c) => ({ ...c, notNull: false }));
        t.constraints = t.constraints.keep((c) => !(c.kind === 'not_null' && c.columns.includes(col ?? '')));
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
            const using = a.constraint.usingIndex;
            const idx = t.indexes.find((i) => i.name === using);
            columns = idx ? idx.elements.map((e) => e.column ?? '') : columns;
            // The index becomes the constraint's and takes its name; an unnamed constraint takes the index's.
            const name = a.constraint.name ?? using;
            t.constraints = t.constraints.push(constraintFromModel(a.constraint, columns, name));
            if (idx && name !== using) {
              t.indexes = t.indexes.keep((i) => i !== idx);
              removed.push(idx);
              t.indexes = t.indexes.push(frozenIndex({ ...idx, name, elements: idx.elements }));
            }
            if (a.constraint.kind === 'primary_key') t.columns = t.columns.replace(withNotNull(columns));
            return;
          }
          this.addConstraintTo(t, a.constraint, columns);
        }
        return;
      case 'drop_constraint': {
        const dropped = t.constraints.filter((c) => c.name === a.constraintName);
        t.constraints = t.constraints.keep((c) => c.name !== a.constraintName);
        // The index of a UNIQUE / PRIMARY KEY / EXCLUDE constraint goes with it.
        if (dropped.some((c) => c.kind === 'unique' || c.kind === 'primary_key' || c.kind === 'exclusion')) {
          t.indexes = t.indexes.keep((i) => {
            const kept = i.name !== a.constraintName;
            if (!kept) removed.push(i);
            return kept;
          });
        }
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
        t.constraints = t.constraints.replace((c) => (c.name === a.constraintName && !c.validated ? Object.freeze({ ...c, validated: true }) : c));
        for (const c of validated) {
          if (c.kind === 'not_null') for (const name of c.columns) mapColumn(name, (column) => ({ ...column, notNull: true }));
        }
        return;
      }
      case 'rename_column':
        if (col && a.newName) {
          const to = a.newName;
          mapColumn(col, (c) => ({ ...c, name: to }));
          t.indexes = t.indexes.replace((i) => (i.elements.some((e) => e.column === col) ? frozenIndex({ ...i, elements: i.elements.map((e) => (e.column === col ? { ...e, column: to } : e)) }) : i));
          t.constraints = t.constraints.replace((c) => (c.columns.includes(col) ? Object.freeze({ ...c, columns: Object.freeze(c.columns.map((n) => (n === col ? to : n))) as string[] }) : c));
        }
        return;
      case 'rename_constraint':
        t.constraints = t.constraints.replace((c) => (c.name === a.constraintName && a.newName ? Object.freeze({ ...c, name: a.newName }) : c));
        return;
      default:
        return;
    }
  }

  private renameIndex(name: M.QualifiedName, newName: string): void {
    const owner = this.findIndexOwner(name);
    if (!owner || name.name === newName) return;
    this.update(owner, (t) => {
      t.indexes = t.indexes.replace((i) => (i.name === name.name ? frozenIndex({ ...i, name: newName }) : i));
    });
    this.deleteIndexOwner(owner, name.name);
    this.setIndexOwner(owner, newName);
  }

  private findIndexOwner(name: { schema?: string; name: string }): CatalogTable | undefined {
    const ownerKey = this.indexOwner.get(key(name.schema, name.name));
    if (ownerKey) return this.byKey.get(ownerKey);
    if (name.schema) return undefined;
    const keys = this.indexKeysByName.get(name.name);
    if (keys?.length !== 1) return undefined; // unknown, or ambiguous without a search_path
    const owner = this.indexOwner.get(keys[0]!);
    return owner === undefined ? undefined : this.byKey.get(owner);
  }

  /** The table an index belongs to, when the catalog knows the index. */
  tableOfIndex(name: { schema?: string; name: string }): CatalogTable | undefined {
    return this.findIndexOwner(name);
  }

  private drop(stmt: M.Drop): void {
    for (const name of stmt.names) {
      if (stmt.objectKind === 'table' || stmt.objectKind === 'view' || stmt.objectKind === 'materialized_view') {
        const t = this.getTable(name);
        if (t) this.deleteTable(t);
      } else if (stmt.objectKind === 'index') {
        const owner = this.findIndexOwner(name);
        if (owner) {
          this.update(owner, (t) => (t.indexes = t.indexes.keep((i) => i.name !== name.name)));
          this.deleteIndexOwner(owner, name.name);
        }
      } else if (stmt.objectKind === 'schema') {
        // Collected first: deleting while iterating the map it deletes from.
        const inSchema = [...this.byKey.values()].filter((t) => t.schema === name.name);
        for (const t of inSchema) this.deleteTable(t);
      }
    }
  }
}
