import path from 'node:path';
import { Catalog } from '../catalog/catalog.ts';
import {
  type ConfigOverrides,
  type LoadedConfig,
  type ResolvedConfig,
  loadConfigForFile,
  loadPlugins,
  resolveConfig,
} from '../config/index.ts';
import type { DialectAdapter } from '../dialects/adapter.ts';
import { postgresAdapter } from '../dialects/postgres/index.ts';
import type { Rule } from '../rule.ts';
import type { Diagnostic, Dialect } from '../types.ts';
import { applyFixes } from './fixes.ts';
import { type EnabledRule, lintSource } from './lint-source.ts';

/** Diagnostics the engine itself emits; they are always on and cannot be configured away. */
export const ENGINE_RULE_IDS = ['syntax-error', 'internal-error', 'unused-suppression'] as const;

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
  stats?: { statements: number };
}

export interface LinterOptions {
  cwd?: string;
  /** `--config`: use this file for every linted file instead of discovering one. */
  configPath?: string;
  overrides?: ConfigOverrides;
  /** Built-in rules; plugins named by the config are added to these. */
  rules?: Rule<any>[];
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
    if (m.severity === 2) {
      result.errorCount++;
      if (m.fix) result.fixableErrorCount++;
    } else {
      result.warningCount++;
      if (m.fix) result.fixableWarningCount++;
    }
  }
  if (output !== undefined && output !== source) result.output = output;
  return result;
}

/**
 * The engine's front door for every surface: finds each file's config, loads plugins the config
 * names, lints files in path order against one catalog, and applies fixes when asked.
 */
export class Linter {
  readonly cwd: string;
  private readonly builtinRules: Rule<any>[];
  private readonly pluginRules = new Map<string, Rule<any>[]>();
  private catalog = new Catalog();

  constructor(private readonly options: LinterOptions = {}) {
    this.cwd = options.cwd ?? process.cwd();
    this.builtinRules = options.rules ?? [];
  }

  /** Start again from an empty schema (the LSP and tests reuse one Linter). */
  resetCatalog(): void {
    this.catalog = new Catalog();
  }

  loadedConfigFor(filePath: string): LoadedConfig {
    const opts: { explicitConfigPath?: string; cwd?: string } = { cwd: this.cwd };
    if (this.options.configPath) opts.explicitConfigPath = path.resolve(this.cwd, this.options.configPath);
    return loadConfigForFile(path.resolve(this.cwd, filePath), opts);
  }

  private rulesFor(loaded: LoadedConfig): Map<string, Rule<any>> {
    const map = new Map<string, Rule<any>>();
    for (const r of this.builtinRules) map.set(r.meta.id, r);
    for (const r of this.pluginRules.get(loaded.path ?? '') ?? []) map.set(r.meta.id, r);
    return map;
  }

  private async ensurePlugins(loaded: LoadedConfig): Promise<void> {
    const key = loaded.path ?? '';
    if (this.pluginRules.has(key)) return;
    this.pluginRules.set(key, await loadPlugins(loaded));
  }

  /** The resolved config for a file (plugins must have been loaded for it: call after a lint or `prepare`). */
  resolvedConfigFor(filePath: string): ResolvedConfig {
    const loaded = this.loadedConfigFor(filePath);
    return resolveConfig(loaded, this.rulesFor(loaded), this.options.overrides);
  }

  async prepare(filePath: string): Promise<ResolvedConfig> {
    const loaded = this.loadedConfigFor(filePath);
    await this.ensurePlugins(loaded);
    await adapterFor(resolveConfig(loaded, this.rulesFor(loaded), this.options.overrides).settings.dialect).init();
    return this.resolvedConfigFor(filePath);
  }

  isPathIgnored(filePath: string): boolean {
    return this.resolvedConfigFor(filePath).isIgnoredPath(path.resolve(this.cwd, filePath));
  }

  /** JSON-friendly view of a file's resolved config, for `--print-config`. */
  getConfigForFile(filePath: string): Record<string, unknown> {
    const config = this.resolvedConfigFor(filePath);
    const rules: Record<string, unknown> = {};
    for (const [id, setting] of [...config.rules].sort(([a], [b]) => a.localeCompare(b))) {
      rules[id] = Object.keys(setting.options).length ? [setting.severity, setting.options] : setting.severity;
    }
    return {
      configFile: config.configPath ?? null,
      dialect: config.settings.dialect,
      postgresVersion: config.settings.postgresVersion,
      migrations: { include: config.migrationGlobs, transaction: config.settings.migrationTransaction },
      isMigration: config.isMigrationPath(path.resolve(this.cwd, filePath)),
      ignores: config.ignoreGlobs,
      rules,
    };
  }

  /** Lints files in path order, so later migrations see the tables earlier ones created. */
  async lintFiles(files: Array<{ path: string; text: string }>, options: { fix?: boolean } = {}): Promise<LintFileResult[]> {
    const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const results: LintFileResult[] = [];
    for (const file of sorted) results.push(await this.lintOne(file.text, file.path, options.fix ?? false));
    return results;
  }

  async lintText(text: string, options: { filePath?: string; fix?: boolean } = {}): Promise<LintFileResult> {
    return this.lintOne(text, options.filePath ?? '<text>', options.fix ?? false);
  }

  private async lintOne(text: string, filePath: string, fix: boolean): Promise<LintFileResult> {
    const configPath = filePath === '<text>' ? path.join(this.cwd, '<text>.sql') : filePath;
    const config = await this.prepare(configPath);
    const absolute = path.resolve(this.cwd, configPath);
    const rules = this.rulesFor(this.loadedConfigFor(configPath));
    const enabled: EnabledRule[] = [];
    for (const [id, setting] of config.rules) {
      const rule = rules.get(id);
      if (!rule || setting.severity === 'off') continue;
      enabled.push({ rule, severity: setting.severity === 'error' ? 2 : 1, options: setting.options });
    }
    const knownRuleIds = new Set<string>([...rules.keys(), ...ENGINE_RULE_IDS]);
    const adapter = adapterFor(config.settings.dialect);
    const isMigration = config.isMigrationPath(absolute);
    const before = this.catalog;
    let source = text;
    let passes = 0;
    for (;;) {
      const catalog = before.clone();
      const { messages, statements } = lintSource({ text: source, filePath, settings: config.settings, isMigration, rules: enabled, catalog, knownRuleIds, adapter });
      if (fix && passes < MAX_FIX_PASSES) {
        const { output, fixed } = applyFixes(source, messages);
        if (fixed && output !== source) {
          source = output;
          passes++;
          continue;
        }
      }
      this.catalog = catalog;
      const result = summarize(filePath, text, messages, fix ? source : undefined);
      result.stats = { statements: statements.length };
      return result;
    }
  }
}
