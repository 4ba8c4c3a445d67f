import type { ColumnRef, FromItem, Node, NodeOfType, NodeType, QualifiedName, Range, Statement } from './model/nodes.ts';
import type { CatalogColumn, CatalogReader, CatalogTable, UnparsedCreate } from './catalog/types.ts';
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
  /**
   * The rule's findings repeat one cause and one remedy (a type choice, a missing lock_timeout):
   * the engine reports the findings of one file (`'file'`) or of one transaction
   * (`'transaction'`; statements outside a transaction are never grouped) as one finding, the
   * first, with a count, the lines of the others, and every occurrence in
   * `Diagnostic.occurrences`. Grouping happens after suppression comments, so a comment
   * suppresses only its own occurrence; findings that carry a fix are never grouped (each keeps
   * its fix for `--fix`). The rule accepts the option `groupRepeats` (default `true`; `false`
   * reports every occurrence on its own). Only findings of one message template are grouped,
   * unless `ReportDescriptor.group` says otherwise.
   */
  groupRepeats?: 'file' | 'transaction';
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
  /**
   * The headline: one line that states the problem and the remedy, at most HEADLINE_MAX_LENGTH
   * characters once filled in ("CREATE INDEX blocks writes to `orders` while it builds; use
   * CREATE INDEX CONCURRENTLY"). It is what the Problems panel, stylish and CI annotations show.
   * `{{name}}` placeholders are filled from `data`; in the headline a long value is shortened.
   */
  message: string;
  /**
   * The explanation behind the headline: why it hurts, what it blocks, how to do it safely with
   * the project's migration tool. Shown by hover, `explain`, the codeframe format, JSON (`detail`)
   * and SARIF (`message.markdown`). `{{name}}` placeholders are filled from `data`.
   */
  detail?: string;
  data?: Record<string, string | number>;
  fix?: FixSpec;
  /**
   * What applying `fix` does, as a short imperative title without a final period ("Use CREATE
   * INDEX CONCURRENTLY"): the quick fix's title in editors and the line in `--fix` summaries.
   * `{{name}}` placeholders are filled from `data`.
   */
  fixDesc?: string;
  /**
   * What the fix changes that statements run after this one may depend on. With a guard, the
   * fix stays a fix (applied by `--fix`, the preferred quick fix) only while no later statement
   * of the replayed history conflicts with it (rollbacks included, see LaterStatement);
   * otherwise it becomes a suggestion. Without one, the fix must be correct whatever runs later.
   */
  fixGuard?: FixGuard;
  /**
   * The statement fails as written, or leaves the migration broken (PostgreSQL rejects it, a
   * transaction stays open): reported in rollbacks too. Rollbacks (down files such as
   * `1_x.down.sql`, diesel's `down.sql` and Flyway's `U1__x.sql`; goose, dbmate and
   * node-pg-migrate down sections; Sqitch `revert/` scripts) undo what their up part did, usually
   * right after it, so by default only such findings are reported there, as strong_migrations
   * checks only the up direction unless `check_down` is set; config `migrations.rollbacks: "all"`
   * reports every finding there. Syntax errors and the engine's own diagnostics are always
   * reported. Leave it unset for a hazard of running the statement (a lock, a rewrite, broken
   * running code): in a rollback that is the price of undoing the up part.
   */
  fails?: boolean;
  /** Each `desc` is a title as for `fixDesc`: imperative, one line, no final period. */
  suggestions?: Array<{ desc: string; fix: FixSpec }>;
  /**
   * For rules with `meta.groupRepeats`: findings with the same key (within the file or
   * transaction) are grouped. The default key is `message` as written, before `data` fills it
   * in: findings of one message template share a cause and a remedy. `false` keeps this finding
   * on its own.
   */
  group?: string | false;
}

/**
 * A statement replayed after the one whose fix is guarded: later in the same file, or in a later
 * file of the run (replay order). Rollbacks (down files and sections) are shown too, although
 * `migrations.rollbacks` reports only failing statements there by default: that setting decides
 * which findings a rollback gets, while a fix of an up migration must still leave its rollback
 * runnable, so a rollback that the fix breaks is a conflict like any other.
 */
export interface LaterStatement {
  statement: StatementInfo;
  /** The statement's file, as the caller named it. */
  filePath: string;
  /** In a down file or a down section: linted, never replayed into the schema. */
  rollback: boolean;
  /** The statement's text in lower case (computed once, shared by every guard). */
  readonly lowerText: string;
  /** Catalog state just before the statement. */
  catalog: CatalogReader;
}

/**
 * The verdict of a guard on one later statement: a conflict (why the statement depends on what
 * the fix changes, e.g. `drops the default of orders.id, which an identity column rejects`),
 * `'release'` when nothing later can depend on it any more (what it changes was dropped), or
 * undefined to keep watching.
 */
export type FixGuardVerdict = { conflict: string } | 'release' | undefined;

export interface FixGuard {
  /** What the fix does, the title of the suggestion it becomes when it is withheld (`Use integer GENERATED BY DEFAULT AS IDENTITY`). */
  desc: string;
  /** Called once per later statement, in replay order, until it returns a conflict or `'release'`. May keep state (renames). */
  check(later: LaterStatement): FixGuardVerdict;
  /**
   * The words (lower case; identifiers, sequence names) without which a statement cannot conflict
   * with the fix. When given, `check` sees only later statements whose text holds one of them
   * (asked again after each check, so renames can change them): a history with thousands of
   * guarded fixes is not checked statement by statement against each one. A word written with
   * trailing digits also counts without them (`t_id_seq1` holds `t_id_seq`).
   */
  words?(): readonly string[];
}

/** Where the current statement runs, from explicit BEGIN/COMMIT and the migration tool's mode. */
export type TransactionKind = 'explicit' | 'implicit' | 'wrapped';

export interface StatementInfo {
  index: number;
  /** Undefined when the statement did not parse. */
  node?: Statement;
  /**
   * Set when the statement did not parse but its head shows the relation it creates (`CREATE
   * TABLE name ...`): the catalog records that relation as created here, with unknown contents.
   */
  unparsedCreate?: UnparsedCreate;
  /** UTF-16 range of the statement text, without the terminating semicolon. */
  range: Range;
  text: string;
  /** Set when the statement runs inside a transaction block. */
  transaction?: TransactionKind;
  /** Statements with the same id run in the same transaction (set whenever `transaction` is). */
  transactionId?: number;
  /**
   * The migration tool wraps this part of the file in its own transaction. Set even where the
   * file's own COMMIT has already ended that transaction (then `transaction` is unset or explicit).
   */
  toolWrapped?: true;
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
  /**
   * Set for a migration file when nothing says how it runs (no tool recognised, no
   * `migrations.transaction`): what was assumed. Messages whose claim depends on the transaction
   * model say it is an assumption.
   */
  transactionAssumption?: string;
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
