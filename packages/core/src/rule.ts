import type { ColumnRef, FromItem, Node, NodeOfType, NodeType, QualifiedName, Range, Statement } from './model/nodes.ts';
import type { CatalogColumn, CatalogReader, CatalogTable } from './catalog/types.ts';
import type { Fix, SeverityName, Settings, Suggestion } from './types.ts';
import type { MigrationToolInfo } from './migration-tools/detect.ts';

export type RuleCategory = 'migration-safety' | 'performance' | 'correctness' | 'style';

export interface RuleMeta {
  /** kebab-case; plugin rules are namespaced `plugin/rule`. */
  id: string;
  description: string;
  docs?: { url?: string; recommended?: boolean };
  defaultSeverity: SeverityName;
  category: RuleCategory;
  /** Rules that attach `fix` to reports must declare it, as in ESLint. */
  fixable?: 'code';
  hasSuggestions?: boolean;
  /** JSON Schema of the rule's options object (the second element of `["warn", {...}]`). */
  schema?: Record<string, unknown>;
  defaultOptions?: Record<string, unknown>;
  /** Which dialects the rule understands; omitted means all. */
  dialects?: Settings['dialect'][];
  /** The same check in other tools, so users migrating from them can map their configuration. */
  sources?: RuleSource[];
}

export interface RuleSource {
  /** `squawk`, `strong_migrations`, `eugene`, `atlas`, `postgres-language-server`, `sqlfluff`... */
  tool: string;
  /** The tool's rule or check id, e.g. `require-concurrent-index-creation`, `E9`, `PG103`. */
  rule: string;
  /** How the two differ, when they do. */
  note?: string;
}

export interface Fixer {
  insertTextBefore(nodeOrRange: Node | Range, text: string): Fix;
  insertTextAfter(nodeOrRange: Node | Range, text: string): Fix;
  replaceText(nodeOrRange: Node | Range, text: string): Fix;
  remove(nodeOrRange: Node | Range): Fix;
  replaceTextRange(range: [number, number], text: string): Fix;
}

export type FixSpec = Fix | Fix[] | ((fixer: Fixer) => Fix | Fix[] | null | undefined);

export interface ReportDescriptor {
  node?: { range: Range };
  range?: Range;
  /** `{{name}}` placeholders are filled from `data`. */
  message: string;
  data?: Record<string, string | number>;
  fix?: FixSpec;
  suggestions?: Array<{ desc: string; fix: FixSpec }>;
}

/** Where the current statement runs, from explicit BEGIN/COMMIT and the migration tool's mode. */
export type TransactionKind = 'explicit' | 'implicit' | 'wrapped';

export interface StatementInfo {
  index: number;
  /** Undefined when the statement did not parse. */
  node?: Statement;
  /** UTF-16 range of the statement text, without the terminating semicolon. */
  range: Range;
  text: string;
  /** Set when the statement runs inside a transaction block. */
  transaction?: TransactionKind;
  /** Statements with the same id run in the same transaction (set whenever `transaction` is). */
  transactionId?: number;
  /** In a goose `-- +goose Down` / dbmate `-- migrate:down` section. */
  section: 'up' | 'down';
}

export interface FileContext {
  /** Path as the caller gave it (absolute for files, the `--stdin-filename` or `<text>`). */
  path: string;
  text: string;
  isMigration: boolean;
  /** Statements of the file in order, including ones that failed to parse. */
  statements: readonly StatementInfo[];
  /** Tables created by statements of this file before the current one (keys `schema.name`). */
  isTableCreatedInFile(name: { schema?: string; name: string }): boolean;
  /**
   * The migration tool that runs this file (detected from the layout, or `migrations.tool`) and
   * how it runs it, for messages such as "goose runs this file in a transaction; add
   * `-- +goose NO TRANSACTION`". Absent for non-migration files and when no tool is known.
   */
  migrationTool?: MigrationToolInfo;
}

export interface ResolvedColumn {
  table: CatalogTable;
  column: CatalogColumn;
}

export interface RuleContext<Options = Record<string, unknown>> {
  id: string;
  options: Options;
  settings: Settings;
  file: FileContext;
  /** Catalog state just before the current statement runs. */
  catalog: CatalogReader;
  /** The top-level statement being visited. */
  statement: StatementInfo;
  report(descriptor: ReportDescriptor): void;
  getText(nodeOrRange?: { range: Range } | Range): string;
  /** Enclosing nodes of the node being visited, outermost first. */
  getAncestors(): readonly Node[];
  /** Resolve a column reference against the enclosing queries' FROM items and the catalog. */
  resolveColumn(ref: ColumnRef): ResolvedColumn | undefined;
  /** Resolve a table name against the catalog (unqualified names search `public`, then any schema). */
  resolveTable(name: { schema?: string; name: string } | QualifiedName): CatalogTable | undefined;
  /** FROM items visible at the current node, innermost query first. */
  getScopes(): readonly FromItem[][];
}

type NodeVisitors = {
  [K in NodeType]?: (node: NodeOfType<K>) => void;
} & {
  [K in NodeType as `${K}:exit`]?: (node: NodeOfType<K>) => void;
};

export type RuleVisitor = NodeVisitors & {
  /** Every top-level statement that parsed, before its nodes are visited. */
  Statement?: (node: Statement) => void;
  'Statement:exit'?: (node: Statement) => void;
  /** Once per file, before the first statement and after the last one. */
  File?: () => void;
  'File:exit'?: () => void;
};

export interface Rule<Options = Record<string, unknown>> {
  meta: RuleMeta;
  create(context: RuleContext<Options>): RuleVisitor;
}

/** Identity helper that gives rule authors type checking; built-in and plugin rules use the same shape. */
export function defineRule<Options = Record<string, unknown>>(rule: Rule<Options>): Rule<Options> {
  return rule;
}

export type { Suggestion, MigrationToolInfo };
