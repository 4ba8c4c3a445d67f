import type { ErrorObject } from 'ajv';
import configSchema from '../../schema/sqlwarden.config.schema.json' with { type: 'json' };
import { REPLAY_ORDERS, type ReplayOrder } from '../engine/replay.ts';
import { MIGRATION_TOOL_IDS } from '../migration-tools/tools.ts';
import type { Dialect, MigrationToolSetting, MigrationTransactionMode, RollbacksSetting } from '../types.ts';
import { didYouMean } from './did-you-mean.ts';
import { formatValue, keyPath } from './errors.ts';
import { configShapeValidator } from './shape-validator.ts';

/** The config object as written (in sqlwarden.config.json or package.json's "sqlwarden"). */
export interface RawConfig {
  $schema?: string;
  dialect?: Dialect;
  postgresVersion?: number;
  migrations?: { include?: string[]; exclude?: string[]; transaction?: MigrationTransactionMode; tool?: MigrationToolSetting; order?: ReplayOrder; snapshots?: string[]; rollbacks?: RollbacksSetting };
  ignores?: string[];
  rules?: Record<string, unknown>;
  plugins?: string[];
}

/** What is wrong, as `key` (dotted path) and the text shown after the config file's name. */
export interface ShapeProblem {
  key?: string;
  message: string;
}

export const CONFIG_KEYS: readonly string[] = Object.keys(configSchema.properties);
export const DIALECTS: readonly Dialect[] = ['postgresql', 'mysql'];
export const TRANSACTION_MODES: readonly MigrationTransactionMode[] = ['implicit', 'wrapped', 'none'];
export const MIGRATION_TOOL_SETTINGS: readonly MigrationToolSetting[] = ['auto', 'none', ...MIGRATION_TOOL_IDS];
export const ROLLBACKS_SETTINGS: readonly RollbacksSetting[] = ['failures', 'all'];
export const MIN_POSTGRES_VERSION = 9;
export const MAX_POSTGRES_VERSION = 19;

const SEVERITY_NAMES = ['off', 'warn', 'error'] as const;
const MIGRATION_KEYS = Object.keys(configSchema.properties.migrations.properties);

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isSeverity(value: unknown): value is 'off' | 'warn' | 'error' | 0 | 1 | 2 {
  return (SEVERITY_NAMES as readonly unknown[]).includes(value) || value === 0 || value === 1 || value === 2;
}

export const SEVERITY_EXPECTATION = 'severity must be one of "off", "warn", "error" (or 0, 1, 2)';

/**
 * What is wrong with one rule entry (`"warn"`, `2`, `["error", {...}]`), without naming the
 * rule; undefined when it is well-formed. Shared by config files and `--rule`.
 */
export function describeRuleEntryProblem(entry: unknown): string | undefined {
  if (Array.isArray(entry)) {
    if (entry.length === 0 || entry.length > 2) {
      return `must be a severity or [severity, options]; got an array of ${entry.length} items`;
    }
    if (!isSeverity(entry[0])) return `${SEVERITY_EXPECTATION}; got ${formatValue(entry[0])}`;
    if (entry.length === 2 && !isPlainObject(entry[1])) return `options must be an object; got ${formatValue(entry[1])}`;
    if (entry.length === 2 && excessiveNesting(entry[1], MAX_CONFIG_NESTING - 1) !== undefined) return `options: ${nestingProblemText()}`;
    return undefined;
  }
  if (typeof entry === 'string' || typeof entry === 'number') {
    return isSeverity(entry) ? undefined : `${SEVERITY_EXPECTATION}; got ${formatValue(entry)}`;
  }
  return `must be a severity ("off", "warn", "error" or 0, 1, 2) or [severity, options]; got ${formatValue(entry)}`;
}

export function postgresVersionProblem(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value) && value >= MIN_POSTGRES_VERSION && value <= MAX_POSTGRES_VERSION) {
    return undefined;
  }
  return `must be a number between 9.0 and ${MAX_POSTGRES_VERSION}; got ${formatValue(value)}`;
}

export function dialectProblem(value: unknown): string | undefined {
  if ((DIALECTS as readonly unknown[]).includes(value)) return undefined;
  const hint = typeof value === 'string' ? didYouMean(value, DIALECTS) : undefined;
  return `must be one of ${DIALECTS.map((d) => `"${d}"`).join(', ')}; got ${formatValue(value)}${hint ? ` (${hint})` : ''}`;
}

function unknownKeyProblem(key: string, prefix: string, allowed: readonly string[]): string {
  const hint = didYouMean(key, allowed);
  return `unknown key "${prefix}${key}" (allowed: ${allowed.join(', ')})${hint ? `; ${hint}` : ''}`;
}

function stringListProblem(key: string, value: unknown, what: string): ShapeProblem {
  if (!Array.isArray(value)) return { key, message: `"${key}" must be an array of ${what}s; got ${formatValue(value)}` };
  const index = value.findIndex((item) => typeof item !== 'string' || item.length === 0);
  const itemKey = `${key}[${Math.max(index, 0)}]`;
  return { key: itemKey, message: `"${itemKey}" must be a non-empty ${what}; got ${formatValue(value[index])}` };
}

function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Turns the first schema violation into one message that names the key and what is allowed. */
function explain(raw: unknown, error: ErrorObject): ShapeProblem {
  const segments = pointerSegments(error.instancePath);
  const [top, second] = segments;
  if (top === undefined) {
    if (!isPlainObject(raw)) return { message: `the configuration must be a JSON object; got ${formatValue(raw)}` };
    if (error.keyword === 'additionalProperties') {
      const key = String(error.params.additionalProperty);
      return { key, message: unknownKeyProblem(key, '', CONFIG_KEYS) };
    }
  }
  const config = raw as Record<string, unknown>;
  const value = top === undefined ? undefined : config[top];
  switch (top) {
    case '$schema':
      return { key: top, message: `"$schema" must be a string; got ${formatValue(value)}` };
    case 'dialect':
      return { key: top, message: `"dialect" ${dialectProblem(value)}` };
    case 'postgresVersion':
      return { key: top, message: `"postgresVersion" ${postgresVersionProblem(value)}` };
    case 'migrations': {
      if (!isPlainObject(value)) {
        return { key: top, message: `"migrations" must be an object with ${MIGRATION_KEYS.slice(0, -1).map((k) => `"${k}"`).join(', ')} and/or "${MIGRATION_KEYS[MIGRATION_KEYS.length - 1]}"; got ${formatValue(value)}` };
      }
      if (second === undefined && error.keyword === 'additionalProperties') {
        const key = String(error.params.additionalProperty);
        return { key: `migrations.${key}`, message: unknownKeyProblem(key, 'migrations.', MIGRATION_KEYS) };
      }
      if (second === 'include') return stringListProblem('migrations.include', value.include, 'glob string');
      if (second === 'exclude') return stringListProblem('migrations.exclude', value.exclude, 'glob string');
      if (second === 'transaction') {
        return {
          key: 'migrations.transaction',
          message: `"migrations.transaction" must be one of ${TRANSACTION_MODES.map((m) => `"${m}"`).join(', ')}; got ${formatValue(value.transaction)}`,
        };
      }
      if (second === 'snapshots') return stringListProblem('migrations.snapshots', value.snapshots, 'glob string');
      if (second === 'order') {
        const hint = typeof value.order === 'string' ? didYouMean(value.order, REPLAY_ORDERS) : undefined;
        return {
          key: 'migrations.order',
          message: `"migrations.order" must be one of ${REPLAY_ORDERS.map((m) => `"${m}"`).join(', ')}; got ${formatValue(value.order)}${hint ? ` (${hint})` : ''}`,
        };
      }
      if (second === 'tool') {
        const hint = typeof value.tool === 'string' ? didYouMean(value.tool, MIGRATION_TOOL_SETTINGS) : undefined;
        return {
          key: 'migrations.tool',
          message: `"migrations.tool" must be one of ${MIGRATION_TOOL_SETTINGS.map((m) => `"${m}"`).join(', ')}; got ${formatValue(value.tool)}${hint ? ` (${hint})` : ''}`,
        };
      }
      if (second === 'rollbacks') {
        const hint = typeof value.rollbacks === 'string' ? didYouMean(value.rollbacks, ROLLBACKS_SETTINGS) : undefined;
        return {
          key: 'migrations.rollbacks',
          message: `"migrations.rollbacks" must be one of ${ROLLBACKS_SETTINGS.map((m) => `"${m}"`).join(', ')}; got ${formatValue(value.rollbacks)}${hint ? ` (${hint})` : ''}`,
        };
      }
      break;
    }
    case 'ignores':
      return stringListProblem('ignores', value, 'glob string');
    case 'plugins':
      if (!Array.isArray(value)) {
        return { key: top, message: `"plugins" must be an array of module paths or package names; got ${formatValue(value)}` };
      }
      return stringListProblem('plugins', value, 'module path or package name');
    case 'rules': {
      if (!isPlainObject(value)) {
        return { key: top, message: `"rules" must be an object mapping rule ids to severities; got ${formatValue(value)}` };
      }
      if (second === undefined) {
        if (error.keyword === 'propertyNames' || error.propertyName !== undefined) {
          return { key: top, message: `"rules" contains an empty rule id` };
        }
        break;
      }
      const problem = describeRuleEntryProblem(value[second]);
      if (problem) return { key: `rules.${second}`, message: `"rules.${second}" ${problem}` };
      break;
    }
  }
  const key = keyPath(segments);
  return { key, message: `"${key}" ${error.message ?? 'is invalid'}` };
}

/**
 * How deeply arrays and objects may nest in a config (a real one needs a handful of levels).
 * Validation and messages walk values recursively, so deeper values are refused up front
 * instead of overflowing the stack.
 */
export const MAX_CONFIG_NESTING = 100;

/** The key path of the first array or object nested deeper than `limit` levels in `value`, or undefined. Iterative. */
export function excessiveNesting(value: unknown, limit = MAX_CONFIG_NESTING): Array<string | number> | undefined {
  const pending: Array<{ value: unknown; depth: number; path: Array<string | number> }> = [{ value, depth: 0, path: [] }];
  for (let item = pending.pop(); item !== undefined; item = pending.pop()) {
    if (typeof item.value !== 'object' || item.value === null) continue;
    const depth = item.depth + 1;
    if (depth > limit) return item.path;
    // Only the first few segments are kept: they are for the message.
    const entries: Array<[string | number, unknown]> = Array.isArray(item.value)
      ? item.value.map((v, i) => [i, v])
      : Object.entries(item.value);
    for (const [key, child] of entries) {
      if (typeof child === 'object' && child !== null) {
        pending.push({ value: child, depth, path: item.path.length < 3 ? [...item.path, key] : item.path });
      }
    }
  }
  return undefined;
}

export function nestingProblemText(limit = MAX_CONFIG_NESTING): string {
  return `arrays and objects are nested deeper than the limit of ${limit} levels`;
}

/** Checks the config object against the JSON Schema; undefined when it is valid. */
export function checkConfigShape(raw: unknown): ShapeProblem | undefined {
  const deep = excessiveNesting(raw);
  if (deep !== undefined) {
    const key = deep.length === 0 ? undefined : keyPath(deep);
    return { ...(key === undefined ? {} : { key }), message: `${key === undefined ? '' : `"${key}": `}${nestingProblemText()}` };
  }
  const validate = configShapeValidator();
  if (validate(raw)) return undefined;
  const first = validate.errors?.[0];
  if (!first) return { message: 'the configuration is invalid' };
  return explain(raw, first);
}

export function severityName(value: 'off' | 'warn' | 'error' | 0 | 1 | 2): 'off' | 'warn' | 'error' {
  return typeof value === 'number' ? SEVERITY_NAMES[value] : value;
}

