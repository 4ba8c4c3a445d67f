/**
 * The unified model every rule reads. Dialect adapters (PostgreSQL via libpg-query today,
 * MySQL via node-sql-parser next) fill these shapes; rules never look at parser output
 * except through the `raw` escape hatch.
 *
 * All ranges are UTF-16 offsets into the original file text (what JavaScript strings,
 * ESLint and LSP use), half-open: [start, end).
 */

export interface Range {
  start: number;
  end: number;
}

interface BaseNode {
  range: Range;
  /** The dialect parser's own node, for rules that need something the model does not carry. */
  raw?: unknown;
}

/** `schema.name`; names are already case-folded the way the dialect folds identifiers. */
export interface QualifiedName {
  schema?: string;
  name: string;
  range: Range;
}

/** A data type as written, normalised to the dialect's canonical spelling (int4, varchar, timestamptz...). */
export interface TypeRef {
  type: 'TypeRef';
  range: Range;
  /** Canonical lower-case base type name without schema, e.g. `int4`, `numeric`, `bpchar`, `uuid`. */
  name: string;
  schema?: string;
  /** Type modifiers such as `(10)` or `(12, 2)`; non-numeric modifiers are omitted. */
  modifiers: number[];
  arrayDimensions: number;
  /** Source text of the type as written. */
  text: string;
}

// ---------------------------------------------------------------------------------------------
// Expressions

export type LiteralKind = 'string' | 'integer' | 'numeric' | 'boolean' | 'null' | 'bitstring';

export interface Literal extends BaseNode {
  type: 'Literal';
  /**
   * `string` is an untyped quoted literal: PostgreSQL resolves it to the type of the other
   * operand, so `uuid_col = '...'` involves no column-side cast.
   */
  kind: LiteralKind;
  value: string | number | boolean | null;
}

export interface ColumnRef extends BaseNode {
  type: 'ColumnRef';
  schema?: string;
  table?: string;
  column: string;
}

/** `*` or `t.*`, wherever it appears (select list, `count(*)`, `row_to_json(t.*)`). */
export interface Star extends BaseNode {
  type: 'Star';
  table?: string;
  schema?: string;
}

export interface Param extends BaseNode {
  type: 'Param';
  /** `$1` positional, `?` anonymous, `:name` / `@name` / `sqlc.arg(name)` named. */
  style: 'positional' | 'anonymous' | 'named';
  index?: number;
  name?: string;
}

export interface FuncCall extends BaseNode {
  type: 'FuncCall';
  /** Lower-case function name without schema (`lower`, `extract`, `date_trunc`, `coalesce`). */
  name: string;
  schema?: string;
  args: Expr[];
  /** `count(*)` */
  star: boolean;
  distinct: boolean;
  filter?: Expr;
  /** Window functions. */
  over: boolean;
}

export interface Cast extends BaseNode {
  type: 'Cast';
  expr: Expr;
  targetType: TypeRef;
  syntax: 'postfix' | 'function';
}

export type ComparisonOperator = '=' | '<>' | '!=' | '<' | '<=' | '>' | '>=' | 'IS DISTINCT FROM' | 'IS NOT DISTINCT FROM';

export interface Comparison extends BaseNode {
  type: 'Comparison';
  operator: ComparisonOperator;
  left: Expr;
  right: Expr;
}

/** Arithmetic, string concatenation and any other binary operator that is not a comparison. */
export interface BinaryExpr extends BaseNode {
  type: 'BinaryExpr';
  operator: string;
  left: Expr;
  right: Expr;
}

export interface UnaryExpr extends BaseNode {
  type: 'UnaryExpr';
  operator: string;
  operand: Expr;
}

export interface LogicalExpr extends BaseNode {
  type: 'LogicalExpr';
  operator: 'AND' | 'OR' | 'NOT';
  args: Expr[];
}

export interface LikeExpr extends BaseNode {
  type: 'LikeExpr';
  expr: Expr;
  pattern: Expr;
  caseInsensitive: boolean;
  negated: boolean;
  /** `SIMILAR TO` is reported separately from LIKE. */
  similar: boolean;
}

export interface NullTest extends BaseNode {
  type: 'NullTest';
  expr: Expr;
  /** `IS NOT NULL` */
  negated: boolean;
}

export interface BooleanTest extends BaseNode {
  type: 'BooleanTest';
  expr: Expr;
  test: 'IS TRUE' | 'IS NOT TRUE' | 'IS FALSE' | 'IS NOT FALSE' | 'IS UNKNOWN' | 'IS NOT UNKNOWN';
}

export interface InList extends BaseNode {
  type: 'InList';
  expr: Expr;
  list: Expr[];
  negated: boolean;
}

export interface Between extends BaseNode {
  type: 'Between';
  expr: Expr;
  low: Expr;
  high: Expr;
  negated: boolean;
}

export interface SubqueryExpr extends BaseNode {
  type: 'SubqueryExpr';
  kind: 'exists' | 'scalar' | 'in' | 'any' | 'all' | 'array';
  query: QueryStatement;
  /** The left operand for `x IN (SELECT ...)` / `x = ANY (SELECT ...)`. */
  testExpr?: Expr;
  operator?: string;
}

/** CASE, ARRAY[...], ROW(...), and anything else with sub-expressions the model does not name. */
export interface OtherExpr extends BaseNode {
  type: 'OtherExpr';
  kind: string;
  children: Expr[];
}

export type Expr =
  | Literal
  | ColumnRef
  | Star
  | Param
  | FuncCall
  | Cast
  | Comparison
  | BinaryExpr
  | UnaryExpr
  | LogicalExpr
  | LikeExpr
  | NullTest
  | BooleanTest
  | InList
  | Between
  | SubqueryExpr
  | OtherExpr;

// ---------------------------------------------------------------------------------------------
// Query pieces

export interface SelectItem extends BaseNode {
  type: 'SelectItem';
  expr: Expr;
  alias?: string;
}

export interface TableRef extends BaseNode {
  type: 'TableRef';
  schema?: string;
  name: string;
  alias?: string;
  only: boolean;
}

export interface DerivedTable extends BaseNode {
  type: 'DerivedTable';
  query: QueryStatement;
  alias?: string;
  lateral: boolean;
}

export interface FunctionSource extends BaseNode {
  type: 'FunctionSource';
  call: Expr;
  alias?: string;
}

export interface Join extends BaseNode {
  type: 'Join';
  kind: 'inner' | 'left' | 'right' | 'full' | 'cross';
  natural: boolean;
  left: FromItem;
  right: FromItem;
  on?: Expr;
  using: string[];
}

export type FromItem = TableRef | DerivedTable | FunctionSource | Join;

export interface Cte extends BaseNode {
  type: 'Cte';
  name: string;
  query: Statement;
  recursive: boolean;
}

export interface OrderItem extends BaseNode {
  type: 'OrderItem';
  expr: Expr;
  direction?: 'asc' | 'desc';
}

// ---------------------------------------------------------------------------------------------
// Statements

export interface Select extends BaseNode {
  type: 'Select';
  with: Cte[];
  distinct: boolean;
  columns: SelectItem[];
  from: FromItem[];
  where?: Expr;
  groupBy: Expr[];
  having?: Expr;
  orderBy: OrderItem[];
  limit?: Expr;
  offset?: Expr;
  /** `VALUES (...), (...)` is a Select with rows and no columns. */
  values?: Expr[][];
  /** `SELECT ... INTO new_table` */
  into?: QualifiedName;
  /** Set operations: `left UNION right`; columns/from are then empty. */
  setOperation?: { operator: 'union' | 'intersect' | 'except'; all: boolean; left: Select; right: Select };
  locking: string[];
}

export interface Insert extends BaseNode {
  type: 'Insert';
  with: Cte[];
  table: TableRef;
  columns: string[];
  /** The `SELECT` or `VALUES` that feeds the insert; absent for `DEFAULT VALUES`. */
  source?: Select;
  onConflict?: { action: 'nothing' | 'update'; set: Assignment[]; where?: Expr };
  returning: SelectItem[];
}

export interface Assignment extends BaseNode {
  type: 'Assignment';
  column: string;
  value: Expr;
}

export interface Update extends BaseNode {
  type: 'Update';
  with: Cte[];
  table: TableRef;
  set: Assignment[];
  from: FromItem[];
  where?: Expr;
  /** `WHERE CURRENT OF cursor` targets one row. */
  currentOf?: string;
  returning: SelectItem[];
  /** MySQL `UPDATE ... LIMIT n`. */
  limit?: Expr;
}

export interface Delete extends BaseNode {
  type: 'Delete';
  with: Cte[];
  table: TableRef;
  using: FromItem[];
  where?: Expr;
  currentOf?: string;
  returning: SelectItem[];
  limit?: Expr;
}

export type ConstraintKind =
  | 'check'
  | 'foreign_key'
  | 'unique'
  | 'primary_key'
  | 'exclusion'
  | 'not_null'
  | 'null'
  | 'default'
  | 'generated'
  | 'identity';

export interface Constraint extends BaseNode {
  type: 'Constraint';
  kind: ConstraintKind;
  name?: string;
  columns: string[];
  /** CHECK expression, DEFAULT value or generated expression. */
  expr?: Expr;
  notValid: boolean;
  /** `... USING INDEX idx` (UNIQUE / PRIMARY KEY built from an existing index). */
  usingIndex?: string;
  references?: { table: QualifiedName; columns: string[] };
  /** Generated columns: `stored` or `virtual`; identity: `always` or `by_default`. */
  generatedKind?: 'stored' | 'virtual' | 'always' | 'by_default';
}

export interface ColumnDef extends BaseNode {
  type: 'ColumnDef';
  name: string;
  dataType: TypeRef;
  notNull: boolean;
  primaryKey: boolean;
  unique: boolean;
  default?: Expr;
  /** Every inline constraint, including NOT NULL / DEFAULT / REFERENCES / CHECK / GENERATED. */
  constraints: Constraint[];
}

export interface CreateTable extends BaseNode {
  type: 'CreateTable';
  table: QualifiedName;
  columns: ColumnDef[];
  constraints: Constraint[];
  ifNotExists: boolean;
  temporary: boolean;
  unlogged: boolean;
  partitionOf?: QualifiedName;
  partitioned: boolean;
  /** `CREATE TABLE ... AS SELECT` / `CREATE TABLE ... (LIKE other)` sources. */
  asQuery?: Select;
  likeTables: QualifiedName[];
}

export interface IndexElement extends BaseNode {
  type: 'IndexElement';
  column?: string;
  expr?: Expr;
}

export interface CreateIndex extends BaseNode {
  type: 'CreateIndex';
  name?: string;
  table: QualifiedName;
  unique: boolean;
  concurrently: boolean;
  ifNotExists: boolean;
  /** `CREATE INDEX ... ON ONLY parent` */
  only: boolean;
  method: string;
  elements: IndexElement[];
  where?: Expr;
}

export type AlterTableActionKind =
  | 'add_column'
  | 'drop_column'
  | 'alter_column_type'
  | 'set_not_null'
  | 'drop_not_null'
  | 'set_default'
  | 'drop_default'
  | 'add_constraint'
  | 'drop_constraint'
  | 'validate_constraint'
  | 'rename_column'
  | 'rename_table'
  | 'rename_constraint'
  | 'set_schema'
  | 'attach_partition'
  | 'detach_partition'
  | 'set_logged'
  | 'set_unlogged'
  | 'set_tablespace'
  | 'add_identity'
  | 'set_statistics'
  | 'set_storage'
  /** `ALTER COLUMN ... SET (n_distinct = ...)` */
  | 'set_column_options'
  | 'reset_column_options'
  /** `SET (fillfactor = ...)` storage parameters of the table or index */
  | 'set_reloptions'
  | 'reset_reloptions'
  | 'set_access_method'
  | 'cluster_on'
  | 'set_without_cluster'
  | 'enable_trigger'
  | 'disable_trigger'
  /** `ALTER CONSTRAINT ... [NOT] DEFERRABLE` */
  | 'alter_constraint'
  /** PostgreSQL 19: `MERGE PARTITIONS (p1, p2) INTO p` */
  | 'merge_partitions'
  /** PostgreSQL 19: `SPLIT PARTITION p INTO (PARTITION p1 ..., PARTITION p2 ...)` */
  | 'split_partition'
  | 'other';

export interface AlterTableAction extends BaseNode {
  type: 'AlterTableAction';
  action: AlterTableActionKind;
  /** The dialect's own name for the subcommand, e.g. `AT_SetStatistics`, for `other`. */
  subtype: string;
  column?: string;
  /** ADD COLUMN */
  columnDef?: ColumnDef;
  /** ALTER COLUMN TYPE */
  newType?: TypeRef;
  using?: Expr;
  /** ADD CONSTRAINT */
  constraint?: Constraint;
  /** DROP / VALIDATE / RENAME CONSTRAINT */
  constraintName?: string;
  /** RENAME ... TO / SET SCHEMA / SET TABLESPACE target */
  newName?: string;
  /** SET DEFAULT */
  default?: Expr;
  /** ATTACH / DETACH PARTITION */
  partition?: QualifiedName;
  /** SET / RESET ( ... ): the parameter names, lower-case, `toast.` prefix kept. */
  options?: string[];
  /** ENABLE / DISABLE TRIGGER: the trigger name, or `ALL` / `USER`. */
  trigger?: string;
  /** CLUSTER ON */
  index?: string;
  /** SET STORAGE plain|external|extended|main; SET ACCESS METHOD name */
  value?: string;
  /** DETACH PARTITION ... FINALIZE */
  finalize?: boolean;
  /** MERGE PARTITIONS: the partitions merged; SPLIT PARTITION: the partition split (one). */
  partitions?: QualifiedName[];
  /** MERGE PARTITIONS: the partition they become (one); SPLIT PARTITION: the partitions it becomes. */
  newPartitions?: QualifiedName[];
  concurrently: boolean;
  ifExists: boolean;
  ifNotExists: boolean;
  cascade: boolean;
}

export interface AlterTable extends BaseNode {
  type: 'AlterTable';
  objectKind: 'table' | 'index' | 'view' | 'materialized_view' | 'sequence' | 'foreign_table';
  table: QualifiedName;
  only: boolean;
  ifExists: boolean;
  actions: AlterTableAction[];
  /** Set when the statement uses syntax newer than the parser (MERGE/SPLIT PARTITION, PostgreSQL 19). */
  newerSyntax?: NewerSyntax;
}

/**
 * Syntax that libpg-query does not parse yet, recognised from the statement's tokens: the engine
 * reports it as a syntax error when the configured `postgresVersion` is older than `version`,
 * since that server rejects it too.
 */
export interface NewerSyntax {
  /** The first PostgreSQL major version that accepts the statement. */
  version: number;
  /** How users name the statement in a message, e.g. `REPACK`, `ALTER TABLE ... MERGE PARTITIONS`. */
  syntax: string;
  /** The words that need the newer version, relative to the statement's start (`REPACK`, `MERGE PARTITIONS`). */
  offset: number;
  length: number;
}

export type DropObjectKind =
  | 'table'
  | 'index'
  | 'view'
  | 'materialized_view'
  | 'schema'
  | 'database'
  | 'sequence'
  | 'type'
  | 'function'
  | 'trigger'
  | 'extension'
  | 'other';

export interface Drop extends BaseNode {
  type: 'Drop';
  objectKind: DropObjectKind;
  names: QualifiedName[];
  /** DROP TRIGGER / RULE / POLICY ... ON table: the table. */
  table?: QualifiedName;
  concurrently: boolean;
  ifExists: boolean;
  cascade: boolean;
}

export interface Truncate extends BaseNode {
  type: 'Truncate';
  tables: QualifiedName[];
  cascade: boolean;
  restartIdentity: boolean;
}

export interface Reindex extends BaseNode {
  type: 'Reindex';
  target: 'index' | 'table' | 'schema' | 'database' | 'system';
  name?: QualifiedName;
  concurrently: boolean;
}

export interface TransactionStatement extends BaseNode {
  type: 'Transaction';
  kind: 'begin' | 'commit' | 'rollback' | 'savepoint' | 'release' | 'rollback_to' | 'prepare' | 'commit_prepared' | 'rollback_prepared';
}

export interface SetStatement extends BaseNode {
  type: 'Set';
  name: string;
  /** Source text of the value(s), unquoted when a single string literal. */
  value?: string;
  local: boolean;
  reset: boolean;
}

export interface CreateView extends BaseNode {
  type: 'CreateView';
  name: QualifiedName;
  query: Select;
  materialized: boolean;
  orReplace: boolean;
}

/** `VACUUM [FULL] [ANALYZE]` and `ANALYZE` (one statement kind in PostgreSQL). */
export interface Vacuum extends BaseNode {
  type: 'Vacuum';
  /** False for a plain `ANALYZE`. */
  vacuum: boolean;
  full: boolean;
  analyze: boolean;
  /** Empty: every table the user may vacuum in the database. */
  tables: QualifiedName[];
  /** Option names as written, lower-case (`verbose`, `skip_locked`, ...). */
  options: string[];
}

export interface Cluster extends BaseNode {
  type: 'Cluster';
  /** Absent: every table that was clustered before. */
  table?: QualifiedName;
  index?: string;
}

/**
 * PostgreSQL 19: `REPACK [ (options) ] [ table [ (columns) ] ] [ USING INDEX [ index ] ]`, which
 * rewrites a table like VACUUM FULL (or CLUSTER with USING INDEX); `(CONCURRENTLY)` does it under
 * SHARE UPDATE EXCLUSIVE with a brief ACCESS EXCLUSIVE at the end. Recognised from tokens.
 */
export interface Repack extends BaseNode {
  type: 'Repack';
  /** Absent: every table the user may maintain (or, with USING INDEX, every clustered table). */
  table?: QualifiedName;
  usingIndex: boolean;
  /** The index named after USING INDEX; absent with USING INDEX: the table's clustering index. */
  index?: string;
  concurrently: boolean;
  analyze: boolean;
  /** Option names as written, lower-case (`concurrently`, `verbose`, `analyze`), those turned off left out. */
  options: string[];
  newerSyntax: NewerSyntax;
}

export interface RefreshMaterializedView extends BaseNode {
  type: 'RefreshMaterializedView';
  name: QualifiedName;
  concurrently: boolean;
  withData: boolean;
}

/** `ALTER TYPE enum ADD VALUE` / `RENAME VALUE`. */
export interface AlterEnum extends BaseNode {
  type: 'AlterEnum';
  name: QualifiedName;
  action: 'add_value' | 'rename_value';
  /** The added value, or the new name of a renamed value. */
  value: string;
  /** RENAME VALUE: the old name. */
  oldValue?: string;
  /** ADD VALUE ... BEFORE/AFTER neighbour */
  neighbor?: { value: string; position: 'before' | 'after' };
  ifNotExists: boolean;
}

export interface AlterSequence extends BaseNode {
  type: 'AlterSequence';
  name: QualifiedName;
  /** Option names, lower-case: `restart`, `increment`, `owned_by`, `as`, ... */
  options: string[];
  ifExists: boolean;
}

export interface CreateTrigger extends BaseNode {
  type: 'CreateTrigger';
  name: string;
  table: QualifiedName;
  orReplace: boolean;
  /** `CREATE CONSTRAINT TRIGGER` */
  constraint: boolean;
}

/** Table-level lock modes as `LOCK TABLE ... IN <mode> MODE` names them. */
export type TableLockMode =
  | 'AccessShare'
  | 'RowShare'
  | 'RowExclusive'
  | 'ShareUpdateExclusive'
  | 'Share'
  | 'ShareRowExclusive'
  | 'Exclusive'
  | 'AccessExclusive';

export interface LockTable extends BaseNode {
  type: 'LockTable';
  tables: QualifiedName[];
  mode: TableLockMode;
  nowait: boolean;
}

/** Statements the model does not describe in detail (functions, grants, comments, ...). */
export interface OtherStatement extends BaseNode {
  type: 'OtherStatement';
  /** The dialect's statement kind, e.g. `CreateFunctionStmt`, `CommentStmt`. */
  kind: string;
}

export type QueryStatement = Select | Insert | Update | Delete;

export type Statement =
  | Select
  | Insert
  | Update
  | Delete
  | CreateTable
  | CreateIndex
  | AlterTable
  | Drop
  | Truncate
  | Reindex
  | TransactionStatement
  | SetStatement
  | CreateView
  | Vacuum
  | Cluster
  | Repack
  | RefreshMaterializedView
  | AlterEnum
  | AlterSequence
  | CreateTrigger
  | LockTable
  | OtherStatement;

export type Node =
  | Statement
  | Expr
  | SelectItem
  | TableRef
  | DerivedTable
  | FunctionSource
  | Join
  | Cte
  | OrderItem
  | Assignment
  | Constraint
  | ColumnDef
  | IndexElement
  | AlterTableAction
  | TypeRef;

export type NodeType = Node['type'];
export type NodeOfType<T extends NodeType> = Extract<Node, { type: T }>;

export const STATEMENT_TYPES: ReadonlySet<string> = new Set<Statement['type']>([
  'Select',
  'Insert',
  'Update',
  'Delete',
  'CreateTable',
  'CreateIndex',
  'AlterTable',
  'Drop',
  'Truncate',
  'Reindex',
  'Transaction',
  'Set',
  'CreateView',
  'Vacuum',
  'Cluster',
  'Repack',
  'RefreshMaterializedView',
  'AlterEnum',
  'AlterSequence',
  'CreateTrigger',
  'LockTable',
  'OtherStatement',
]);
