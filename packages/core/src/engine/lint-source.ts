import type { Catalog, CatalogCheckpoint } from '../catalog/catalog.ts';
import type { DialectAdapter } from '../dialects/adapter.ts';
import type { ColumnRef, FromItem, Node, Range, Statement } from '../model/nodes.ts';
import { nodeTypeId, walkDispatch, type NodeCallback } from '../model/walk.ts';
import type { FileContext, Rule, RuleContext, RuleVisitor, StatementInfo } from '../rule.ts';
import { LineIndex } from '../source/line-index.ts';
import { maskNonSql } from '../source/mask.ts';
import { PlaceholderNames } from '../source/unmask.ts';
import { applySuppressions, findSuppressions } from '../suppressions.ts';
import type { Diagnostic, Settings, Severity } from '../types.ts';
import { createFixer, normalizeFix } from './fixes.ts';
import { type FixCarrier, FixWatch } from './fix-safety.ts';
import { resolveColumnInScopes, scopesFromAncestors } from './scope.ts';
import { assignTransactions } from './transactions.ts';
import { CreatedRelations, isDownMigrationPath } from './replay.ts';
import { planFileTransactions, type FileTransactionPlan } from '../migration-tools/detect.ts';
import type { SegmentParseCache } from './parse-cache.ts';
import { NUL_BYTE_MESSAGE, parseWithinBudget } from './parse-budget.ts';
import { leavesSchemaUnchanged } from './schema-changes.ts';
import { type GroupKey, groupKeyOf, groupRepeats } from './group-repeats.ts';
import { fillHeadline, fillTemplate } from './messages.ts';

export interface EnabledRule {
  rule: Rule<any>;
  severity: Severity;
  options: Record<string, unknown>;
}

export interface LintSourceOptions {
  text: string;
  filePath: string;
  settings: Settings;
  isMigration: boolean;
  rules: EnabledRule[];
  /** Catalog state before this file; the file's statements are replayed into it. */
  catalog: Catalog;
  knownRuleIds: ReadonlySet<string>;
  adapter: DialectAdapter;
  /**
   * The file on disk, for recognising its migration tool from the directory layout; defaults to
   * `filePath` resolved against the process working directory.
   */
  absolutePath?: string;
  /** Called for each parsed statement after the rules saw it and before it is replayed into the catalog (`explain` reads the catalog here). */
  onStatement?: (statement: StatementInfo, catalog: Catalog) => void;
  /** Reuses the parses of statements whose text an earlier run already saw (the Linter keeps one). */
  parseCache?: SegmentParseCache;
  /**
   * The guarded fixes of the history so far (see fix-safety.ts): this file's statements are
   * shown to them, and this file's guarded fixes join them. Absent, the file's guarded fixes
   * are checked against the rest of the file only.
   */
  fixWatch?: FixWatch;
  /**
   * `false`: report every occurrence of the rules that group repeated findings (see
   * `RuleMeta.groupRepeats`), whatever their options say. The language server does this.
   */
  groupRepeats?: boolean;
  /**
   * Only the schema matters (a replay to catch up, `rules` empty, findings unused): statements
   * that cannot change the catalog are not parsed (see schema-changes.ts). Statement indices stay
   * those of a full lint.
   */
  schemaOnly?: boolean;
}

export interface LintSourceResult {
  messages: Diagnostic[];
  statements: StatementInfo[];
}

export { isDownMigrationPath };

/**
 * Statements recognised from their tokens because the parser is older than the server version
 * that added them (REPACK, MERGE/SPLIT PARTITION in PostgreSQL 19): an older configured server
 * rejects them as a syntax error, so they are reported as one and not linted.
 */
function newerThanConfigured(node: Statement, settings: Settings): { message: string; offset: number; length: number } | undefined {
  const newer = 'newerSyntax' in node ? node.newerSyntax : undefined;
  if (!newer || settings.dialect !== 'postgresql' || settings.postgresVersion >= newer.version) return undefined;
  const message = `${newer.syntax} needs PostgreSQL ${newer.version}; the configured postgresVersion (--pg-version) is ${settings.postgresVersion}, whose parser rejects it`;
  return { message, offset: newer.offset, length: newer.length };
}

export function lintSource(options: LintSourceOptions): LintSourceResult {
  const { text, adapter, catalog } = options;
  const fixWatch = options.fixWatch ?? new FixWatch();
  const lines = LineIndex.of(text);
  const masked = maskNonSql(text, { dialect: options.settings.dialect });
  const raw: Array<Omit<Diagnostic, 'line' | 'column' | 'endLine' | 'endColumn'>> = [];
  /** The findings of rules that group repeats (meta.groupRepeats), by the raw diagnostic. */
  const groups = new Map<object, GroupKey>();

  // 1. Split and parse; a statement that fails to parse is reported and skipped, never fatal.
  const statements: StatementInfo[] = [];
  const downSections = masked.directives.downSections;
  const inDown = (offset: number): boolean => {
    for (let i = 0; i < downSections.length; i++) if (offset >= downSections[i]!.start && offset < downSections[i]!.end) return true;
    return false;
  };
  const cached = options.parseCache ? options.parseCache.parseFile(adapter, options.filePath, masked.text) : undefined;
  const segments = cached ? cached.segments : adapter.split(masked.text);
  for (let s = 0; s < segments.length; s++) {
    const segment = segments[s]!;
    if (options.schemaOnly && !cached && leavesSchemaUnchanged(masked.text, segment.start, segment.end)) {
      statements.push({ index: statements.length, range: { start: segment.start, end: segment.end }, text: '', section: inDown(segment.start) ? 'down' : 'up' });
      continue;
    }
    const parsed = cached ? cached.parses[s]! : parseWithinBudget(adapter, masked.text, { start: segment.start, end: segment.end });
    const section = inDown(segment.start) ? 'down' : 'up';
    if (parsed.error || parsed.skipped || parsed.notAnalysed) {
      const range = { start: segment.start, end: segment.end };
      if (parsed.error) raw.push({ ruleId: 'syntax-error', severity: 2, message: parsed.error.message, range: { start: parsed.error.range.start, end: parsed.error.range.end } });
      if (parsed.notAnalysed) raw.push({ ruleId: 'not-analysed', severity: 1, message: parsed.notAnalysed.message, range: { start: parsed.notAnalysed.range.start, end: parsed.notAnalysed.range.end } });
      const info: StatementInfo = { index: statements.length, range, text: text.slice(range.start, range.end), section };
      // What a CREATE that did not parse meant to create is still created here (contents unknown),
      // so later statements on it are not judged as if it held production data.
      const create = parsed.error ? adapter.unparsedCreate?.(masked.text, range) : undefined;
      if (create) info.unparsedCreate = create;
      statements.push(info);
      continue;
    }
    // An index loop: cached parses are frozen arrays, which for...of walks with an iterator object.
    for (let i = 0; i < parsed.statements.length; i++) {
      const node = parsed.statements[i]!;
      // A copy: a cached node's range moves when a later lint finds its text elsewhere.
      const range = { start: node.range.start, end: node.range.end };
      const tooNew = newerThanConfigured(node, options.settings);
      if (tooNew) {
        raw.push({ ruleId: 'syntax-error', severity: 2, message: tooNew.message, range: { start: range.start + tooNew.offset, end: range.start + tooNew.offset + tooNew.length } });
        statements.push({ index: statements.length, range, text: text.slice(range.start, range.end), section });
        continue;
      }
      statements.push({ index: statements.length, node, range, text: text.slice(range.start, range.end), section });
    }
  }

  // A NUL between statements (in a comment, say) reaches no parser, but the server rejects the
  // whole query text that holds it, and psql cuts the line there: reported where it is.
  let segmentIndex = 0; // segments are in text order, and so are the NULs
  for (let nul = text.indexOf('\0'); nul !== -1; nul = text.indexOf('\0', nul + 1)) {
    while (segmentIndex < segments.length && segments[segmentIndex]!.end <= nul) segmentIndex++;
    if (segmentIndex < segments.length && segments[segmentIndex]!.start <= nul) continue;
    raw.push({ ruleId: 'syntax-error', severity: 2, message: NUL_BYTE_MESSAGE, range: { start: nul, end: nul + 1 } });
  }

  // 2. File context: transactions and the tables this file creates.
  const plan: FileTransactionPlan = options.isMigration
    ? planFileTransactions({
        filePath: options.absolutePath ?? options.filePath,
        text,
        statements,
        settings: options.settings,
        noTransactionDirective: masked.directives.noTransaction,
      })
    : { mode: 'none', notes: [] };
  for (const down of plan.downSections ?? []) {
    for (const stmt of statements) if (stmt.range.start >= down.start && stmt.range.start < down.end) stmt.section = 'down';
  }
  assignTransactions(statements, plan);
  const created = new CreatedRelations();
  let current: StatementInfo | undefined;
  const file: FileContext = {
    path: options.filePath,
    text,
    isMigration: options.isMigration,
    statements,
    isTableCreatedInFile: (name) => created.has(current?.section ?? 'up', name),
    ...(plan.tool ? { migrationTool: plan.tool } : {}),
    ...(plan.assumed ? { transactionAssumption: plan.assumed } : {}),
  };

  const downFile = isDownMigrationPath(options.filePath);
  /**
   * Whether a statement is part of a rollback: a down file by name, or a down section (goose,
   * dbmate, node-pg-migrate; a whole Sqitch revert script). There, `migrations.rollbacks`
   * ("failures" by default) keeps only reports that say `fails`; syntax errors and the engine's
   * own diagnostics do not go through report() and are always kept.
   */
  const inRollback = (stmt: StatementInfo | undefined): boolean => downFile || stmt?.section === 'down';

  // 3. Rules: each gets its own context; a throwing rule is disabled for the file and reported.
  let ancestors: readonly Node[] = [];
  const active: Array<{ enabled: EnabledRule; visitor: RuleVisitor; failed: boolean }> = [];
  const internalError = (enabled: EnabledRule, error: unknown, at: Range): void => {
    const detail = error instanceof Error ? error.message : String(error);
    raw.push({
      ruleId: 'internal-error',
      severity: 2,
      message: `Rule "${enabled.rule.meta.id}" crashed: ${detail}. Other rules still ran; please report this.`,
      range: { start: at.start, end: at.end },
    });
  };
  // What every rule's context does alike, made once per file rather than once per rule.
  const getText = (nodeOrRange?: { range: Range } | Range): string => {
    if (!nodeOrRange) return text;
    const r = 'range' in nodeOrRange ? nodeOrRange.range : nodeOrRange;
    return text.slice(r.start, r.end);
  };
  const getAncestors = (): readonly Node[] => ancestors;
  const getScopes = () => scopesFromAncestors(ancestors);
  const resolveColumn = (ref: ColumnRef) => resolveColumnInScopes(ref, scopesFromAncestors(ancestors), catalog, ancestors);
  const resolveTable = (name: { schema?: string; name: string }) => catalog.getTable(name);
  for (const enabled of options.rules) {
    const meta = enabled.rule.meta;
    if (meta.dialects && !meta.dialects.includes(options.settings.dialect)) continue;
    const context: RuleContext<any> = {
      id: meta.id,
      options: enabled.options,
      settings: options.settings,
      file,
      catalog,
      get statement() {
        return current ?? { index: -1, range: { start: 0, end: 0 }, text: '', section: 'up' as const };
      },
      report(descriptor) {
        const range = descriptor.range ?? descriptor.node?.range;
        if (!range) throw new Error('report() needs a node or a range');
        if (!descriptor.fails && options.settings.rollbacks !== 'all' && inRollback(current ?? statementAt(statements, range.start))) return;
        const message = fillHeadline(descriptor.message, descriptor.data);
        // A copy: node ranges belong to the (cached, frozen) model, diagnostics to the caller.
        const diagnostic: Omit<Diagnostic, 'line' | 'column' | 'endLine' | 'endColumn'> = { ruleId: meta.id, severity: enabled.severity, message, range: { start: range.start, end: range.end } };
        if (descriptor.detail) diagnostic.detail = fillTemplate(descriptor.detail, descriptor.data);
        if (descriptor.fix) {
          if (!meta.fixable) throw new Error(`rule reports a fix but its meta.fixable is not set`);
          const edit = normalizeFix(descriptor.fix, createFixer(), text);
          // A copy, so that the title never lands on an edit object the rule keeps.
          const fix = edit && { range: edit.range, text: edit.text, ...(descriptor.fixDesc ? { desc: fillTemplate(descriptor.fixDesc, descriptor.data) } : {}) };
          if (fix) diagnostic.fix = fix;
          if (fix && descriptor.fixGuard) fixWatch.watch(diagnostic, descriptor.fixGuard);
        }
        if (descriptor.suggestions?.length) {
          if (!meta.hasSuggestions) throw new Error(`rule reports suggestions but its meta.hasSuggestions is not set`);
          diagnostic.suggestions = descriptor.suggestions.flatMap((s) => {
            const fix = normalizeFix(s.fix, createFixer(), text);
            return fix ? [{ desc: fillTemplate(s.desc, descriptor.data), fix }] : [];
          });
        }
        // A report made outside a statement's visit (at File:exit) belongs to the statement it points into.
        const group = options.groupRepeats === false || !meta.groupRepeats ? undefined : groupKeyOf(meta, enabled.options, descriptor, current ?? statementAt(statements, range.start));
        if (group) groups.set(diagnostic, group);
        raw.push(diagnostic);
      },
      getText,
      getAncestors,
      getScopes,
      resolveColumn,
      resolveTable,
    };
    try {
      active.push({ enabled, visitor: enabled.rule.create(context), failed: false });
    } catch (error) {
      internalError(enabled, error, { start: 0, end: 0 });
    }
  }

  // The visitors of each key in rule order, looked up once: most node types interest no rule, and
  // asking every rule about every node cost more than most rules' own work.
  type Handler = { entry: (typeof active)[number]; fn: (arg: unknown) => void };
  const handlers = new Map<string, Handler[]>();
  /** The `Type:exit` visitors by node type, so leaving a node needs no key built for it. */
  const exitHandlers = new Map<string, Handler[]>();
  const addHandler = (map: Map<string, Handler[]>, key: string, handler: Handler): void => {
    const list = map.get(key);
    if (list) list.push(handler);
    else map.set(key, [handler]);
  };
  for (const entry of active) {
    for (const key in entry.visitor) {
      const fn = (entry.visitor as Record<string, ((arg: unknown) => void) | undefined>)[key];
      if (!fn) continue;
      addHandler(handlers, key, { entry, fn });
      if (key.endsWith(':exit')) addHandler(exitHandlers, key.slice(0, -':exit'.length), { entry, fn });
    }
  }
  const run = (list: Handler[] | undefined, arg: unknown, at: Range): void => {
    if (!list) return;
    for (const { entry, fn } of list) {
      if (entry.failed) continue;
      try {
        fn(arg);
      } catch (error) {
        entry.failed = true;
        internalError(entry.enabled, error, at);
      }
    }
  };
  const call = (key: string, arg: unknown, at: Range): void => run(handlers.get(key), arg, at);

  // Node visitors by node type id (the walk dispatches through arrays, not a map lookup per node).
  const enterById: Array<NodeCallback | undefined> = [];
  const exitById: Array<NodeCallback | undefined> = [];
  const dispatchTo = (table: Array<NodeCallback | undefined>, type: string, list: Handler[]): void => {
    table[nodeTypeId(type)] = (node, anc) => {
      ancestors = anc;
      run(list, node, node.range);
    };
  };
  for (const [key, list] of handlers) if (!key.endsWith(':exit')) dispatchTo(enterById, key, list);
  for (const [type, list] of exitHandlers) dispatchTo(exitById, type, list);

  const fileStart = { start: 0, end: 0 };
  call('File', undefined, fileStart);
  // Rollbacks (down files, goose/dbmate down sections) are linted against the schema as it stands
  // before them, with their own statements applied and then taken back (a catalog checkpoint), so
  // the run's catalog keeps none of them.
  let beforeRollback: CatalogCheckpoint | undefined;
  try {
    for (const stmt of statements) {
      current = stmt;
      const rollback = inRollback(stmt);
      if (rollback) beforeRollback ??= catalog.checkpoint();
      else if (beforeRollback) {
        catalog.rollBackTo(beforeRollback);
        beforeRollback = undefined;
      }
      // Before the rules: a fix reported for this statement is checked from the next one on.
      if (fixWatch.size > 0) fixWatch.observe({ statement: stmt, filePath: options.filePath, rollback, catalog, line: lines.positionAt(stmt.range.start).line });
      if (stmt.node) {
        const root: Statement = stmt.node;
        call('Statement', root, root.range);
        walkDispatch(root, enterById, exitById);
        ancestors = [];
        call('Statement:exit', root, root.range);
        options.onStatement?.(stmt, catalog);
        try {
          created.record(stmt.section, root, catalog);
          catalog.apply(root, { file: options.filePath, statement: stmt.index });
        } catch (error) {
          // A replay bug must not cost the file's other findings or the rest of the run.
          const detail = error instanceof Error ? error.message : String(error);
          raw.push({ ruleId: 'internal-error', severity: 2, message: `The schema catalog could not replay this statement: ${detail}. Later statements may see an incomplete schema; please report this.`, range: { start: root.range.start, end: root.range.end } });
        }
      } else if (stmt.unparsedCreate) {
        created.recordUnparsed(stmt.section, stmt.unparsedCreate, catalog);
        catalog.applyUnparsed(stmt.unparsedCreate, { file: options.filePath, statement: stmt.index });
      }
    }
  } finally {
    // Also when linting a statement threw: the run's catalog keeps nothing of a rollback.
    if (beforeRollback) catalog.rollBackTo(beforeRollback);
  }
  current = undefined;
  call('File:exit', undefined, { start: text.length, end: text.length });

  // Names held by `x___` stand-ins for template placeholders are shown as the source writes them.
  const placeholders = new PlaceholderNames(text, masked, (offset) => statements.find((s) => s.range.start <= offset && offset <= s.range.end)?.range);
  for (const d of raw) {
    if (d.message.includes('x_')) d.message = placeholders.unmask(d.message, d.range);
    if (d.detail?.includes('x_')) d.detail = placeholders.unmask(d.detail, d.range);
    if (d.fix?.desc?.includes('x_')) d.fix.desc = placeholders.unmask(d.fix.desc, d.range);
  }
  return { messages: finishDiagnostics(raw, text, lines, options, fixWatch, groups), statements };
}

/**
 * 4. Suppressions, positions, order. A function of its own: the diagnostics and lists here come
 * in several shapes, and inlined into lintSource this part deoptimized the whole function (and
 * had it compiled again) on every run.
 */
function finishDiagnostics(raw: Array<Omit<Diagnostic, 'line' | 'column' | 'endLine' | 'endColumn'>>, text: string, lines: LineIndex, options: LintSourceOptions, fixWatch: FixWatch, groups: ReadonlyMap<object, GroupKey>): Diagnostic[] {
  const withPositions: Diagnostic[] = raw.map((d) => withLineColumns(d, lines));
  const grouped = new Map<Diagnostic, GroupKey>();
  if (groups.size > 0) {
    for (let i = 0; i < raw.length; i++) {
      const group = groups.get(raw[i]!);
      if (group) grouped.set(withPositions[i]!, group);
    }
  }
  // Fixes still watched after this file are withheld, if at all, on the diagnostics returned.
  if (fixWatch.hasUnbound()) fixWatch.rebind(new Map<object, FixCarrier>(raw.map((d, i) => [d, withPositions[i]!])));
  const suppressions = findSuppressions(text, { dialect: options.settings.dialect });
  const kept = applySuppressions(withPositions, suppressions, options.knownRuleIds, lines, { source: text });
  // After suppressions: a comment on one occurrence suppresses that occurrence only.
  return groupRepeats(kept.sort(byPosition), grouped);
}

/** The statement whose range holds `offset` (statements are in text order), if any. */
function statementAt(statements: readonly StatementInfo[], offset: number): StatementInfo | undefined {
  let low = 0;
  let high = statements.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const range = statements[mid]!.range;
    if (offset < range.start) high = mid - 1;
    else if (offset > range.end) low = mid + 1;
    else return statements[mid];
  }
  return undefined;
}

function byPosition(a: Diagnostic, b: Diagnostic): number {
  return a.range.start - b.range.start || a.range.end - b.range.end || a.ruleId.localeCompare(b.ruleId);
}

export function withLineColumns(d: Omit<Diagnostic, 'line' | 'column' | 'endLine' | 'endColumn'>, lines: LineIndex): Diagnostic {
  const start = lines.positionAt(d.range.start);
  const end = lines.positionAt(d.range.end);
  // Object.assign, not spread: diagnostics come in many shapes, and V8's spread of objects of
  // many shapes cost microseconds each (milliseconds per run of a large file).
  return Object.assign({}, d, { line: start.line, column: start.column, endLine: end.line, endColumn: end.column }) as Diagnostic;
}

export type { FromItem };
