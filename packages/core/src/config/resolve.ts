import type { Rule } from '../rule.ts';
import { isSchemaSnapshotPath, type ReplayOrder } from '../engine/replay.ts';
import { DEFAULT_SETTINGS, type Dialect, type SeverityName, type Settings } from '../types.ts';
import { nearMatches, quoteList } from './did-you-mean.ts';
import { ConfigError } from './errors.ts';
import { createPathMatcher, DEFAULT_IGNORE_GLOBS, DEFAULT_MIGRATION_GLOBS } from './globs.ts';
import { configErrorPrefix, type LoadedConfig } from './load.ts';
import { ruleOptionsProblem } from './rule-options.ts';
import {
  checkConfigShape,
  describeRuleEntryProblem,
  dialectProblem,
  isPlainObject,
  postgresVersionProblem,
  severityName,
} from './shape.ts';

export interface RuleSetting {
  severity: SeverityName;
  options: Record<string, unknown>;
}

export interface ResolvedConfig {
  configPath?: string;
  dir: string;
  settings: Settings;
  /** Every known rule: the user's setting, else the rule's default severity; options merged over meta.defaultOptions. */
  rules: Map<string, RuleSetting>;
  migrationGlobs: string[];
  /** The config's ignores after the built-in ones (node_modules, .git). */
  ignoreGlobs: string[];
  /** Path absolute or relative to the process cwd. */
  isMigrationPath(filePath: string): boolean;
  isIgnoredPath(filePath: string): boolean;
}

/** Command-line settings (`--rule`, `--pg-version`, `--dialect`) applied on top of the config file. */
export interface ConfigOverrides {
  rules?: Record<string, unknown>;
  postgresVersion?: number;
  dialect?: string;
}

export interface ResolveOptions {
  /**
   * The config's plugins were deliberately not loaded (an untrusted workspace): settings for
   * namespaced plugin rules are dropped instead of being reported as unknown rules.
   */
  pluginsSkipped?: boolean;
}

type Source = 'file' | 'cli';

interface UserRuleSetting {
  severity: SeverityName;
  options?: Record<string, unknown>;
  optionsSource?: Source;
}

function unknownRuleHint(id: string, knownRules: ReadonlyMap<string, unknown>): string {
  const ids = [...knownRules.keys()].sort();
  if (ids.length === 0) return '(no rules are loaded)';
  const near = nearMatches(id, ids);
  if (near.length > 0) return `(did you mean ${quoteList(near)}?)`;
  const slash = id.indexOf('/');
  if (slash > 0) {
    const namespace = id.slice(0, slash + 1);
    if (!ids.some((known) => known.startsWith(namespace))) {
      return `(no loaded plugin provides "${namespace}" rules; is the plugin listed in "plugins"?)`;
    }
  }
  const shown = ids.slice(0, 5).join(', ');
  return `(known: ${shown}${ids.length > 5 ? `, and ${ids.length - 5} more` : ''})`;
}

function parseEntry(entry: unknown): { severity: SeverityName; options?: Record<string, unknown> } {
  const [severity, options] = Array.isArray(entry) ? entry : [entry];
  const parsed: { severity: SeverityName; options?: Record<string, unknown> } = { severity: severityName(severity) };
  if (isPlainObject(options)) parsed.options = options;
  return parsed;
}

function numericOverride(value: unknown): unknown {
  return typeof value === 'string' && /^\s*\d+(?:\.\d+)?\s*$/.test(value) ? Number(value) : value;
}

export interface ConfigPathMatchers {
  migrationGlobs: string[];
  /** The config's ignores after the built-in ones (node_modules, .git). */
  ignoreGlobs: string[];
  isMigrationPath(filePath: string): boolean;
  isIgnoredPath(filePath: string): boolean;
  /** `migrations.order`. */
  replayOrder: ReplayOrder;
  /** Whether the file is a full-schema snapshot: `migrations.snapshots`, else the conventions of `isSchemaSnapshotPath`. */
  isSnapshotPath(filePath: string): boolean;
}

/**
 * Which paths a config treats as migrations and which it ignores. These depend only on the
 * config file (not on rules or plugins), so they can be answered before plugins are loaded.
 */
function excluding(match: (filePath: string) => boolean, excluded: ((filePath: string) => boolean) | undefined): (filePath: string) => boolean {
  return excluded ? (filePath) => match(filePath) && !excluded(filePath) : match;
}

export function configPathMatchers(loaded: LoadedConfig): ConfigPathMatchers {
  const raw = loaded.raw;
  // `migrations.include` adds to the defaults (a project's own folder must not silently drop the
  // conventional ones); `migrations.exclude` takes files out.
  const migrationGlobs = [...DEFAULT_MIGRATION_GLOBS, ...(raw.migrations?.include ?? []).filter((glob) => !DEFAULT_MIGRATION_GLOBS.includes(glob))];
  const migrationExcludes = [...(raw.migrations?.exclude ?? [])];
  const ignoreGlobs = [...DEFAULT_IGNORE_GLOBS, ...(raw.ignores ?? [])];
  return {
    migrationGlobs,
    ignoreGlobs,
    isMigrationPath: excluding(createPathMatcher(migrationGlobs, loaded.dir), migrationExcludes.length ? createPathMatcher(migrationExcludes, loaded.dir) : undefined),
    isIgnoredPath: createPathMatcher(ignoreGlobs, loaded.dir),
    replayOrder: raw.migrations?.order ?? 'version',
    isSnapshotPath: raw.migrations?.snapshots === undefined ? isSchemaSnapshotPath : createPathMatcher(raw.migrations.snapshots, loaded.dir),
  };
}

/**
 * Combines a loaded config, the rules that exist (built-in and plugin) and CLI overrides
 * into the settings linting uses. Unknown rule ids and invalid options are ConfigErrors.
 */
export function resolveConfig(
  loaded: LoadedConfig,
  knownRules: ReadonlyMap<string, Rule<any>>,
  overrides: ConfigOverrides = {},
  options: ResolveOptions = {},
): ResolvedConfig {
  const prefix = configErrorPrefix(loaded.path);
  const fileError = (key: string | undefined, text: string) =>
    new ConfigError(`${prefix}: ${text}`, {
      ...(loaded.path === undefined ? {} : { configPath: loaded.path }),
      ...(key === undefined ? {} : { key }),
    });
  const cliError = (flag: string, text: string) => new ConfigError(`Invalid ${flag}${text}`, { key: flag });

  // Configs built in code (language server settings) have not been through loadConfigFile.
  const shapeProblem = checkConfigShape(loaded.raw);
  if (shapeProblem) throw fileError(shapeProblem.key, shapeProblem.message);
  const raw = loaded.raw;

  const user = new Map<string, UserRuleSetting>();
  for (const [id, entry] of Object.entries(raw.rules ?? {})) {
    if (!knownRules.has(id) && options.pluginsSkipped && id.includes('/')) continue;
    if (!knownRules.has(id)) throw fileError(`rules.${id}`, `"rules.${id}": unknown rule ${unknownRuleHint(id, knownRules)}`);
    const parsed = parseEntry(entry);
    user.set(id, parsed.options ? { ...parsed, optionsSource: 'file' } : parsed);
  }
  for (const [id, entry] of Object.entries(overrides.rules ?? {})) {
    const problem = describeRuleEntryProblem(entry);
    if (problem) throw cliError('--rule', ` "${id}": ${problem}`);
    if (!knownRules.has(id)) throw cliError('--rule', ` "${id}": unknown rule ${unknownRuleHint(id, knownRules)}`);
    const parsed = parseEntry(entry);
    const previous = user.get(id);
    // Like ESLint: a severity alone keeps the options the config file gave.
    if (parsed.options) user.set(id, { ...parsed, optionsSource: 'cli' });
    else user.set(id, { ...previous, severity: parsed.severity });
  }

  const rules = new Map<string, RuleSetting>();
  for (const [id, rule] of knownRules) {
    const setting = user.get(id);
    const options = { ...rule.meta.defaultOptions, ...setting?.options };
    if (setting?.options) {
      let problem: string | undefined;
      try {
        problem = ruleOptionsProblem(rule, options);
      } catch (error) {
        throw new ConfigError(`Rule "${id}" has an invalid options schema: ${(error as Error).message}`, {
          key: `rules.${id}`,
          cause: error,
        });
      }
      if (problem) {
        throw setting.optionsSource === 'cli'
          ? cliError('--rule', ` "${id}": ${problem}`)
          : fileError(`rules.${id}`, `"rules.${id}" ${problem}`);
      }
    }
    rules.set(id, { severity: setting?.severity ?? rule.meta.defaultSeverity, options });
  }

  let dialect: Dialect = raw.dialect ?? DEFAULT_SETTINGS.dialect;
  if (overrides.dialect !== undefined) {
    const problem = dialectProblem(overrides.dialect);
    if (problem) throw cliError('--dialect', `: ${problem}`);
    dialect = overrides.dialect as Dialect;
  }
  let postgresVersion = raw.postgresVersion ?? DEFAULT_SETTINGS.postgresVersion;
  if (overrides.postgresVersion !== undefined) {
    const version = numericOverride(overrides.postgresVersion);
    const problem = postgresVersionProblem(version);
    if (problem) throw cliError('--pg-version', `: ${problem}`);
    postgresVersion = version as number;
  }

  const { migrationGlobs, ignoreGlobs, isMigrationPath, isIgnoredPath } = configPathMatchers(loaded);

  const resolved: ResolvedConfig = {
    dir: loaded.dir,
    settings: {
      dialect,
      postgresVersion,
      ...(raw.migrations?.transaction === undefined ? {} : { migrationTransaction: raw.migrations.transaction }),
      ...(raw.migrations?.tool === undefined ? {} : { migrationTool: raw.migrations.tool }),
      ...(raw.migrations?.rollbacks === undefined ? {} : { rollbacks: raw.migrations.rollbacks }),
    },
    rules,
    migrationGlobs,
    ignoreGlobs,
    isMigrationPath,
    isIgnoredPath,
  };
  if (loaded.path !== undefined) resolved.configPath = loaded.path;
  return resolved;
}
