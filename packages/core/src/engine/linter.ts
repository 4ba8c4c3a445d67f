import path from 'node:path';
import { Catalog } from '../catalog/catalog.ts';
import {
  type ConfigOverrides,
  type ConfigPathMatchers,
  type LoadedConfig,
  type ResolvedConfig,
  ConfigLoader,
  configPathMatchers,
  loadPlugins,
  resolveConfig,
} from '../config/index.ts';
import type { DialectAdapter } from '../dialects/adapter.ts';
import { postgresAdapter } from '../dialects/postgres/index.ts';
import type { CatalogReader } from '../catalog/types.ts';
import type { Rule, StatementInfo } from '../rule.ts';
import type { Diagnostic, Dialect } from '../types.ts';
import type { Range } from '../model/nodes.ts';
import { type AppliedFix, applyFixes } from './fixes.ts';
import { fixesOf } from './group-repeats.ts';
import { FixWatch } from './fix-safety.ts';
import { type EnabledRule, lintSource } from './lint-source.ts';
import { SegmentParseCache } from './parse-cache.ts';
import { compareReplayOrder, type ReplayOrder } from './replay.ts';
import { changesExistingTables, declaresMigration, type FileClassification } from './classification.ts';

/** Diagnostics the engine itself emits; they are always on and cannot be configured away. */
export const ENGINE_RULE_IDS = ['syntax-error', 'internal-error', 'unused-suppression', 'not-analysed'] as const;

const MAX_FIX_PASSES = 10;

export interface LintFileResult {
  filePath: string;
  messages: Diagnostic[];
  errorCount: number;
  warningCount: number;
  fixableErrorCount: number;
  fixableWarningCount: number;
  source: string;
  /** The fixed text, when fixing changed it. */
  output?: string;
  /** With fixing: the fixes that made `output`, over every pass, in the order they went in. */
  appliedFixes?: AppliedFix[];
  stats?: { statements: number };
  /**
   * The statements as the engine split and parsed them, parse trees included (omitted when fixing
   * changed the text). `lintText` always sets it; `lintFiles` only with `keepStatements`.
   */
  statements?: readonly StatementInfo[];
  /** Where the statements are, in order (omitted when fixing changed the text): what `--baseline` fingerprints need. */
  statementRanges?: readonly Range[];
  /** Whether the file was linted as a migration, and why that may matter (`unrecognisedMigrationsNotice`). */
  classification?: FileClassification;
}

export interface LintFilesOptions {
  /**
   * Apply fixes. A guarded fix (see `ReportDescriptor.fixGuard`) is applied only when no later
   * statement of these files conflicts with it, so pass the whole history in one call: the files
   * are all linted before any fix is applied (and linted again after each round of fixes), and
   * the results show the withheld fixes as suggestions saying why. Without `fix`, a guarded fix
   * is checked against the rest of its own file only: a file's findings depend on the files
   * before it, never on those after it (what `--cache` and `--concurrency` rely on).
   */
  fix?: boolean;
  /**
   * With `fix`: whether to apply this file's fixes (default: every file's). A file left unfixed
   * (a migration that has already run, whose text must not change) is linted and replayed as
   * written, so the files after it see the schema it really built; its result keeps its fixes
   * and fixable counts and has no `output`, as without `fix`.
   */
  fixFile?: (filePath: string) => boolean;
  /**
   * Without `fix`: called for each parsed statement with the in-run catalog as it stands just
   * before that statement (the state the rules saw), so callers can describe it (`explain`).
   */
  onStatement?: (filePath: string, statement: StatementInfo, catalog: CatalogReader) => void;
  /**
   * Only replay the files into the in-run catalog: no rule runs, so the results carry no rule
   * findings (and no fixes). The catalog ends as after linting them (parallel CLI workers
   * catch up to their first file this way).
   */
  replayOnly?: boolean;
  /**
   * Keep each file's parsed statements (`LintFileResult.statements`) in the results. Off by
   * default: parse trees take several times the text's size, and a history's results would hold
   * every file's at once (250 MB of a 16 MB history's); the results keep `statementRanges`.
   */
  keepStatements?: boolean;
}

export interface LinterOptions {
  cwd?: string;
  /** `--config`: use this file for every linted file instead of discovering one. */
  configPath?: string;
  overrides?: ConfigOverrides;
  /** Built-in rules; plugins named by the config are added to these. */
  rules?: Rule<any>[];
  /**
   * `false`: never import the plugins a config names (plugin code is workspace code, and the
   * host does not trust the workspace). Lints with the built-in rules; settings for plugin
   * rules are dropped. See `pluginsSkippedFor`.
   */
  loadPlugins?: boolean;
  /**
   * The host lints the same files again and again (an editor): keep what replaying each statement
   * did to the catalog, so re-lints reuse it (see Catalog). Costs memory per statement.
   */
  relint?: boolean;
  /**
   * `false`: every occurrence of a grouped finding is reported on its own (see
   * `RuleMeta.groupRepeats`). An editor wants a squiggle and quick fixes on each line; a report
   * for a terminal or CI wants one finding per cause (the default).
   */
  groupRepeats?: boolean;
}

const adapters: Partial<Record<Dialect, DialectAdapter>> = { postgresql: postgresAdapter };

function adapterFor(dialect: Dialect): DialectAdapter {
  const adapter = adapters[dialect];
  if (!adapter) throw new Error(`The ${dialect} dialect is not available yet; set "dialect": "postgresql"`);
  return adapter;
}

/** Registers another dialect's adapter (the MySQL adapter plugs in here). */
export function registerDialect(adapter: DialectAdapter): void {
  adapters[adapter.dialect] = adapter;
}

export function summarize(filePath: string, source: string, messages: Diagnostic[], output?: string): LintFileResult {
  const result: LintFileResult = { filePath, messages, errorCount: 0, warningCount: 0, fixableErrorCount: 0, fixableWarningCount: 0, source };
  for (const m of messages) {
    // A grouped finding counts once, and as fixable when any of its occurrences has a fix.
    const fixable = fixesOf(m).length > 0;
    if (m.severity === 2) {
      result.errorCount++;
      if (fixable) result.fixableErrorCount++;
    } else {
      result.warningCount++;
      if (fixable) result.fixableWarningCount++;
    }
  }
  if (output !== undefined && output !== source) result.output = output;
  return result;
}

/** Everything linting needs from one config file, computed once per config per Linter. */
interface PreparedConfig {
  resolved: ResolvedConfig;
  enabled: EnabledRule[];
  knownRuleIds: ReadonlySet<string>;
  adapter: DialectAdapter;
}

/**
 * The engine's front door for every surface: finds each file's config, loads plugins the config
 * names, lints files in path order against one catalog, and applies fixes when asked.
 *
 * Configs are cached per directory and per config file for the Linter's lifetime (a run never
 * invalidates them); a long-lived host calls `clearConfigCache()` when a config file changes.
 * Parsed statements are kept by their text (a bounded `SegmentParseCache`), so a host that
 * re-lints an edited file with the same Linter re-parses only the statements that changed.
 */
export class Linter {
  readonly cwd: string;
  private readonly builtinRules: Rule<any>[];
  private readonly configLoader = new ConfigLoader();
  private readonly explicitConfigPath: string | undefined;
  /** Keyed by the LoadedConfig objects `configLoader` hands out, so clearing it orphans them all. */
  private pluginRules = new Map<LoadedConfig, Promise<Rule<any>[]>>();
  private loadedPlugins = new Map<LoadedConfig, Rule<any>[]>();
  private rulesByConfig = new Map<LoadedConfig, Map<string, Rule<any>>>();
  private resolvedByConfig = new Map<LoadedConfig, ResolvedConfig>();
  private preparedByConfig = new Map<LoadedConfig, PreparedConfig>();
  private matchersByConfig = new Map<LoadedConfig, ConfigPathMatchers>();
  private catalog: Catalog;
  /**
   * Set while the catalog holds only what schema snapshot files built (they replay first): the
   * catalog before them and their paths. The first delta migration after them decides whether
   * the deltas are the history the snapshots summarise (see `lintOne`).
   */
  private snapshotBase: { catalog: Catalog; files: Set<string> } | undefined;
  /** Parses by statement text, shared by every file and run of this Linter (see SegmentParseCache). */
  private readonly parseCache: SegmentParseCache;

  constructor(private readonly options: LinterOptions = {}) {
    this.cwd = path.resolve(options.cwd ?? process.cwd());
    this.builtinRules = options.rules ?? [];
    this.explicitConfigPath = options.configPath === undefined ? undefined : path.resolve(this.cwd, options.configPath);
    this.catalog = this.newCatalog();
    this.parseCache = new SegmentParseCache(undefined, options.relint ?? false);
  }

  private newCatalog(): Catalog {
    return new Catalog({ keepReplays: this.options.relint ?? false });
  }

  /** Start again from an empty schema (the LSP and tests reuse one Linter). */
  resetCatalog(): void {
    this.catalog = this.newCatalog();
    this.snapshotBase = undefined;
  }

  /** Files in the reasons of withheld fixes are named relative to the cwd when they are under it. */
  private newFixWatch(): FixWatch {
    return new FixWatch((filePath) => {
      if (!path.isAbsolute(filePath)) return filePath;
      const relative = path.relative(this.cwd, filePath);
      return relative === '' || relative.startsWith('..') || path.isAbsolute(relative) ? filePath : relative.split(path.sep).join('/');
    });
  }

  /** Forget every discovered, loaded and resolved config (call after a config file changes). */
  clearConfigCache(): void {
    this.configLoader.clear();
    this.pluginRules = new Map();
    this.loadedPlugins = new Map();
    this.rulesByConfig = new Map();
    this.resolvedByConfig = new Map();
    this.preparedByConfig = new Map();
    this.matchersByConfig = new Map();
  }

  loadedConfigFor(filePath: string): LoadedConfig {
    const opts: { explicitConfigPath?: string; cwd?: string } = { cwd: this.cwd };
    if (this.explicitConfigPath !== undefined) opts.explicitConfigPath = this.explicitConfigPath;
    return this.configLoader.loadConfigForFile(path.resolve(this.cwd, filePath), opts);
  }

  private rulesFor(loaded: LoadedConfig): Map<string, Rule<any>> {
    const cached = this.rulesByConfig.get(loaded);
    if (cached) return cached;
    const plugins = this.loadedPlugins.get(loaded);
    if (!plugins && this.options.loadPlugins !== false && (loaded.raw.plugins?.length ?? 0) > 0) {
      throw new Error(
        `The plugins named by ${loaded.path ?? 'the config'} are not loaded yet: await linter.prepare(filePath) before asking for a resolved config synchronously.`,
      );
    }
    const map = new Map<string, Rule<any>>();
    for (const r of this.builtinRules) map.set(r.meta.id, r);
    for (const r of plugins ?? []) map.set(r.meta.id, r);
    this.rulesByConfig.set(loaded, map);
    return map;
  }

  /** Whether the file's config names plugins this Linter was told not to load. */
  pluginsSkippedFor(filePath: string): boolean {
    return this.options.loadPlugins === false && (this.loadedConfigFor(filePath).raw.plugins?.length ?? 0) > 0;
  }

  private async ensurePlugins(loaded: LoadedConfig): Promise<void> {
    if (this.loadedPlugins.has(loaded)) return;
    if (this.options.loadPlugins === false) {
      this.loadedPlugins.set(loaded, []);
      return;
    }
    let pending = this.pluginRules.get(loaded);
    if (!pending) {
      pending = loadPlugins(loaded);
      this.pluginRules.set(loaded, pending);
    }
    try {
      this.loadedPlugins.set(loaded, await pending);
    } catch (error) {
      this.pluginRules.delete(loaded); // a fixed plugin can be tried again
      throw error;
    }
  }

  private resolvedFor(loaded: LoadedConfig): ResolvedConfig {
    let resolved = this.resolvedByConfig.get(loaded);
    if (!resolved) {
      resolved = resolveConfig(loaded, this.rulesFor(loaded), this.options.overrides, { pluginsSkipped: this.options.loadPlugins === false });
      this.resolvedByConfig.set(loaded, resolved);
    }
    return resolved;
  }

  private matchersFor(loaded: LoadedConfig): ConfigPathMatchers {
    let matchers = this.matchersByConfig.get(loaded);
    if (!matchers) {
      matchers = configPathMatchers(loaded);
      this.matchersByConfig.set(loaded, matchers);
    }
    return matchers;
  }

  /**
   * The resolved config for a file. Synchronous, so it cannot load plugins: when the file's
   * config names plugins that no `prepare` or lint has loaded yet, it throws saying so.
   */
  resolvedConfigFor(filePath: string): ResolvedConfig {
    return this.resolvedFor(this.loadedConfigFor(filePath));
  }

  /** Loads what the file's config needs (plugins, the dialect's parser) and returns the resolved config. */
  async prepare(filePath: string): Promise<ResolvedConfig> {
    const prepared = await this.prepared(this.loadedConfigFor(filePath));
    await prepared.adapter.init();
    return prepared.resolved;
  }

  /** The config with its plugins loaded; the parser is loaded by whoever parses (`lintOne`, `prepare`). */
  private async prepared(loaded: LoadedConfig): Promise<PreparedConfig> {
    const cached = this.preparedByConfig.get(loaded);
    if (cached) return cached;
    await this.ensurePlugins(loaded);
    const resolved = this.resolvedFor(loaded);
    const adapter = adapterFor(resolved.settings.dialect);
    const rules = this.rulesFor(loaded);
    const enabled: EnabledRule[] = [];
    for (const [id, setting] of resolved.rules) {
      const rule = rules.get(id);
      if (!rule || setting.severity === 'off') continue;
      enabled.push({ rule, severity: setting.severity === 'error' ? 2 : 1, options: setting.options });
    }
    const prepared: PreparedConfig = { resolved, enabled, knownRuleIds: new Set<string>([...rules.keys(), ...ENGINE_RULE_IDS]), adapter };
    this.preparedByConfig.set(loaded, prepared);
    return prepared;
  }

  /**
   * Whether the file's config (its `ignores`, after node_modules and .git) excludes the path.
   * Needs no `prepare`: ignores do not depend on rules or plugins. Throws ConfigError for an
   * invalid config file.
   */
  isPathIgnored(filePath: string): boolean {
    return this.matchersFor(this.loadedConfigFor(filePath)).isIgnoredPath(path.resolve(this.cwd, filePath));
  }

  /** Whether the file's config counts it as a migration (`migrations.include`). Needs no `prepare`. */
  isMigrationPath(filePath: string): boolean {
    return this.matchersFor(this.loadedConfigFor(filePath)).isMigrationPath(path.resolve(this.cwd, filePath));
  }

  /**
   * Whether the file is linted as a migration: its path is one (`isMigrationPath`) or its text
   * carries a migration tool's directive (`declaresMigration`). Throws ConfigError for an
   * invalid config file.
   */
  isMigrationFile(filePath: string, text: string): boolean {
    return this.isMigrationPath(filePath) || declaresMigration(text);
  }

  /** JSON-friendly view of a file's resolved config, for `--print-config`; loads the config's plugins itself. */
  async getConfigForFile(filePath: string): Promise<Record<string, unknown>> {
    const config = (await this.prepared(this.loadedConfigFor(filePath))).resolved;
    const rules: Record<string, unknown> = {};
    for (const [id, setting] of [...config.rules].sort(([a], [b]) => a.localeCompare(b))) {
      rules[id] = Object.keys(setting.options).length ? [setting.severity, setting.options] : setting.severity;
    }
    return {
      configFile: config.configPath ?? null,
      dialect: config.settings.dialect,
      postgresVersion: config.settings.postgresVersion,
      migrations: {
        include: config.migrationGlobs,
        tool: config.settings.migrationTool ?? 'auto',
        ...(config.settings.migrationTransaction ? { transaction: config.settings.migrationTransaction } : {}),
        rollbacks: config.settings.rollbacks ?? 'failures',
      },
      isMigration: config.isMigrationPath(path.resolve(this.cwd, filePath)),
      ignores: config.ignoreGlobs,
      rules,
    };
  }

  /**
   * `files` in the order `lintFiles` replays them: schema snapshots first (`migrations.snapshots`),
   * then by `migrations.order` ("version" unless every file's config says "path"; see
   * `compareReplayOrder`). Linting them one `lintFiles` call at a time in this order gives the
   * same results as one call: the in-run catalog carries over between calls.
   */
  replayOrder<T extends { path: string }>(files: readonly T[]): T[] {
    const keyed = files.map((file) => {
      let snapshot = false;
      let order: ReplayOrder = 'version';
      try {
        const matchers = this.matchersFor(this.loadedConfigFor(file.path));
        snapshot = matchers.isSnapshotPath(path.resolve(this.cwd, file.path));
        order = matchers.replayOrder;
      } catch {
        // An invalid config is reported when the file is linted; order it by the defaults.
      }
      return { file, snapshot, order };
    });
    const order: ReplayOrder = keyed.length > 0 && keyed.every((k) => k.order === 'path') ? 'path' : 'version';
    keyed.sort((a, b) => (a.snapshot !== b.snapshot ? (a.snapshot ? -1 : 1) : compareReplayOrder(a.file.path, b.file.path, order)));
    return keyed.map((k) => k.file);
  }

  /**
   * Lints files in replay order (`replayOrder`), so later migrations see the tables earlier ones
   * created; a down migration file right after the up file it undoes. Results come back in path
   * order.
   */
  async lintFiles(files: Array<{ path: string; text: string }>, options: LintFilesOptions = {}): Promise<LintFileResult[]> {
    const sorted = this.replayOrder(files);
    const keepStatements = options.keepStatements ?? false;
    const results: LintFileResult[] = [];
    if (options.fix && !options.replayOnly) results.push(...(await this.fixHistory(sorted, options.fixFile ?? (() => true), keepStatements)));
    else {
      // One pass per file, and nothing keeps the catalog a file started from: it is replayed in place.
      for (const file of sorted) {
        const result = await this.lintOne(file.text, file.path, false, options.onStatement, options.replayOnly ?? false, undefined, true);
        if (!keepStatements) delete result.statements;
        results.push(result);
      }
    }
    return results.sort((a, b) => (a.filePath < b.filePath ? -1 : a.filePath > b.filePath ? 1 : 0));
  }

  /**
   * `--fix` over a history: lint every file (each fix watched against everything after it), apply
   * the fixes no later statement conflicts with, and start again from the same schema until a
   * round fixes nothing (or MAX_FIX_PASSES rounds). A fix is applied only once the whole history
   * after it has been seen: fixing file by file would apply it before the files that break it.
   */
  private async fixHistory(files: Array<{ path: string; text: string }>, fixFile: (filePath: string) => boolean, keepStatements: boolean): Promise<LintFileResult[]> {
    const start = this.catalog;
    const startBase = this.snapshotBase;
    const texts = files.map((file) => file.text);
    const applied = files.map((): AppliedFix[] => []);
    const fixing = files.map((file) => fixFile(file.path));
    for (let pass = 0; ; pass++) {
      this.catalog = start;
      this.snapshotBase = startBase && { catalog: startBase.catalog, files: new Set(startBase.files) };
      const watch = this.newFixWatch();
      const linted: LintFileResult[] = [];
      for (const [index, file] of files.entries()) {
        const result = await this.lintOne(texts[index]!, file.path, false, undefined, false, watch);
        // Every file of the history is linted before any is fixed: trees kept across it add up.
        if (!keepStatements) delete result.statements;
        linted.push(result);
      }
      let changed = false;
      if (pass < MAX_FIX_PASSES) {
        for (const [index, result] of linted.entries()) {
          if (!fixing[index]) continue;
          const round = applyFixes(texts[index]!, result.messages);
          if (round.fixed && round.output !== texts[index]) {
            texts[index] = round.output;
            applied[index]!.push(...round.applied);
            changed = true;
          }
        }
      }
      if (changed) continue;
      // The fixes still watched were checked against the whole history: they are safe.
      return linted.map((result, index) => {
        const file = files[index]!;
        const final = summarize(file.path, file.text, result.messages, texts[index]);
        if (final.output !== undefined && applied[index]!.length > 0) final.appliedFixes = applied[index];
        if (result.stats) final.stats = result.stats;
        if (result.classification) final.classification = result.classification;
        if (texts[index] === file.text) {
          if (result.statements) final.statements = result.statements;
          if (result.statementRanges) final.statementRanges = result.statementRanges;
        }
        return final;
      });
    }
  }

  /** Every rule available to the file's config: the built-in ones and its plugins' (loads the plugins). */
  async rulesForFile(filePath: string): Promise<Rule<any>[]> {
    const loaded = this.loadedConfigFor(filePath);
    await this.prepared(loaded);
    return [...this.rulesFor(loaded).values()];
  }

  async lintText(text: string, options: { filePath?: string; fix?: boolean } = {}): Promise<LintFileResult> {
    return this.lintOne(text, options.filePath ?? '<text>', options.fix ?? false);
  }

  /**
   * `fix` (lintText's): guarded fixes checked against the rest of this text. `watch`: the guarded
   * fixes of the earlier files of a `--fix` history, shown this file's statements, which this
   * file's own join; absent, the file's guarded fixes are checked against the rest of the file.
   */
  /**
   * `inPlace`: the caller keeps no reference to the catalog the file starts from, so a lint
   * without fixes may replay into it instead of a copy (copying a large schema for each of
   * thousands of files was a tenth of a history's lint time).
   */
  private async lintOne(text: string, filePath: string, fix: boolean, onStatement?: LintFilesOptions['onStatement'], replayOnly = false, watch?: FixWatch, inPlace = false): Promise<LintFileResult> {
    const configPath = filePath === '<text>' ? path.join(this.cwd, '<text>.sql') : filePath;
    const loaded = this.loadedConfigFor(configPath);
    const { resolved: config, enabled, knownRuleIds, adapter } = await this.prepared(loaded);
    await adapter.init();
    const absolutePath = path.resolve(this.cwd, configPath);
    const isMigration = config.isMigrationPath(absolutePath) || declaresMigration(text);
    const isSnapshot = filePath !== '<text>' && this.matchersFor(loaded).isSnapshotPath(absolutePath);
    // A schema snapshot replays first, into the schema the snapshots before it built. The first
    // delta migration after the snapshots is linted on top of them; when it creates a table a
    // snapshot created, the deltas are the history the snapshots summarise, so it (and the
    // deltas after it) replay from the schema before the snapshots instead: nothing is created
    // twice. Otherwise (a squashed base the deltas continue from) the snapshots stay.
    const base = this.snapshotBase;
    if (isSnapshot) {
      if (!base) this.snapshotBase = { catalog: this.catalog, files: new Set([filePath]) };
      else base.files.add(filePath);
    } else if (isMigration) {
      this.snapshotBase = undefined;
    }
    let before = this.catalog;
    if (!isSnapshot && isMigration && base) {
      // Replayed once without rules to see what it creates; rules and callers see one pass only.
      const probe = before.clone();
      const { statements } = lintSource({ text, filePath, absolutePath, settings: config.settings, isMigration, rules: [], catalog: probe, knownRuleIds, adapter, parseCache: this.parseCache, fixWatch: this.newFixWatch() });
      if (recreatesSnapshotTable(statements, before, base.files)) before = base.catalog;
    }
    let source = text;
    let passes = 0;
    const applied: AppliedFix[] = [];
    for (;;) {
      const catalog = inPlace && !fix && before === this.catalog && before !== this.snapshotBase?.catalog ? before : before.clone();
      const fixWatch = watch ?? this.newFixWatch();
      const { messages, statements } = lintSource({
        text: source,
        filePath,
        absolutePath,
        settings: config.settings,
        isMigration,
        rules: replayOnly ? [] : enabled,
        ...(replayOnly ? { schemaOnly: true } : {}),
        catalog,
        knownRuleIds,
        adapter,
        // A one-shot lint parses each file once: caching (anchoring, freezing) its parses only costs.
        ...(inPlace && !this.options.relint ? {} : { parseCache: this.parseCache }),
        fixWatch,
        ...(this.options.groupRepeats === false ? { groupRepeats: false } : {}),
        ...(onStatement ? { onStatement: (statement: StatementInfo, current: CatalogReader) => onStatement(filePath, statement, current) } : {}),
      });
      if (fix && passes < MAX_FIX_PASSES) {
        const round = applyFixes(source, messages);
        if (round.fixed && round.output !== source) {
          source = round.output;
          applied.push(...round.applied);
          passes++;
          continue;
        }
      }
      this.catalog = catalog;
      const result = summarize(filePath, text, messages, fix ? source : undefined);
      if (result.output !== undefined && applied.length > 0) result.appliedFixes = applied;
      result.stats = { statements: statements.length };
      result.classification = {
        migration: isMigration,
        snapshot: isSnapshot,
        ...(loaded.path !== undefined ? { configPath: loaded.path } : {}),
        globsDir: loaded.dir,
        changesTables: changesExistingTables(statements),
      };
      if (source === text) {
        result.statements = statements;
        result.statementRanges = statements.map((statement) => statement.range);
      }
      return result;
    }
  }
}

/** Whether the file's up part creates a table that, in `before`, one of the snapshot files created. */
function recreatesSnapshotTable(statements: readonly StatementInfo[], before: CatalogReader, snapshots: ReadonlySet<string>): boolean {
  return statements.some((s) => {
    if (s.section !== 'up' || s.node?.type !== 'CreateTable') return false;
    const origin = before.getTable(s.node.table)?.createdIn;
    return origin !== undefined && snapshots.has(origin.file);
  });
}
