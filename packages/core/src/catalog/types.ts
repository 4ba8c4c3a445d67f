import type { ConstraintKind, Expr, TypeRef } from '../model/nodes.ts';
import type { CatalogList } from './list.ts';

export interface CatalogColumn {
  name: string;
  type: TypeRef;
  notNull: boolean;
  hasDefault: boolean;
}

export interface CatalogIndexElement {
  column?: string;
  /** Canonical text of an expression element (see `expressionKey`), e.g. `lower(email)`. */
  expressionKey?: string;
}

export interface CatalogIndex {
  name?: string;
  unique: boolean;
  method: string;
  elements: CatalogIndexElement[];
  partial: boolean;
}

export interface CatalogConstraint {
  name?: string;
  kind: ConstraintKind;
  columns: string[];
  expr?: Expr;
  /**
   * False for `NOT VALID` constraints until a `VALIDATE CONSTRAINT` is seen. A `not_null`
   * constraint (PostgreSQL 18 `ADD CONSTRAINT c NOT NULL col [NOT VALID]`, or a table-level
   * `CONSTRAINT c NOT NULL col`) makes its column `notNull` once validated.
   */
  validated: boolean;
}

export interface CatalogTable {
  schema: string;
  name: string;
  /** Columns in declaration order. */
  columns: CatalogList<CatalogColumn>;
  indexes: CatalogList<CatalogIndex>;
  constraints: CatalogList<CatalogConstraint>;
  /** Where the table was created: file path and statement index. */
  createdIn?: { file: string; statement: number };
  partitioned: boolean;
  /**
   * False when the column list is not fully known: LIKE or INHERITS, or CREATE TABLE AS /
   * CREATE MATERIALIZED VIEW / SELECT INTO whose select list the catalog cannot type.
   */
  columnsKnown: boolean;
  /** What the relation is; absent means an ordinary (or partitioned) table. */
  kind?: 'table' | 'materialized_view';
}

export interface CatalogReader {
  getTable(name: { schema?: string; name: string }): CatalogTable | undefined;
  getColumn(table: CatalogTable, column: string): CatalogColumn | undefined;
  tables(): Iterable<CatalogTable>;
  /** The table an index belongs to, when the catalog knows the index. */
  tableOfIndex(name: { schema?: string; name: string }): CatalogTable | undefined;
  /**
   * Identifies the contents, when the reader can tell: readers with the same state object hold
   * the same tables, so answers derived from one hold for the other (see catalog/state.ts).
   */
  readonly state?: object;
}

/**
 * What a CREATE statement that did not parse meant to create, read from its tokens by the dialect
 * (see dialects/postgres/unparsed-creates.ts). The catalog records tables and materialized views
 * with unknown columns, and an index (with unknown elements) on a table it knows.
 */
export type UnparsedCreate =
  | { kind: 'table' | 'materialized_view'; name: { schema?: string; name: string }; ifNotExists: boolean; fillsRows: boolean; partitioned: boolean }
  | { kind: 'view'; name: { schema?: string; name: string } }
  | { kind: 'sequence'; name: { schema?: string; name: string }; ifNotExists: boolean }
  | { kind: 'index'; name?: string; table: { schema?: string; name: string }; unique: boolean; ifNotExists: boolean };
