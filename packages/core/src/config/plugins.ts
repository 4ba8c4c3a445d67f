import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { importModule } from '../import-module.ts';
import type { Rule } from '../rule.ts';
import { ConfigError, formatValue } from './errors.ts';
import { configErrorPrefix, type LoadedConfig } from './load.ts';
import { isPlainObject } from './shape.ts';

const SEVERITIES = ['off', 'warn', 'error'];
/** Plugin rules are namespaced (`acme/no-foo`, `@acme/no-foo`, `@acme/x/no-foo`) so they cannot shadow built-in rules. */
const NAMESPACED_ID = /^(?:@[\w.-]+\/(?:[\w.-]+\/)?|[\w.-]+\/)[\w.-]+$/;

function isPathSpecifier(spec: string): boolean {
  return spec.startsWith('./') || spec.startsWith('../') || spec === '.' || spec === '..' || isAbsolute(spec);
}

function splitPackageSpecifier(spec: string): { name: string; subpath: string } {
  const parts = spec.split('/');
  const count = spec.startsWith('@') ? 2 : 1;
  const name = parts.slice(0, count).join('/');
  const rest = parts.slice(count).join('/');
  return { name, subpath: rest === '' ? '.' : `./${rest}` };
}

const IMPORT_CONDITIONS = new Set(['import', 'node', 'default']);

function conditionalTarget(target: unknown): string | undefined {
  if (typeof target === 'string') return target;
  if (Array.isArray(target)) {
    for (const item of target) {
      const found = conditionalTarget(item);
      if (found) return found;
    }
    return undefined;
  }
  if (isPlainObject(target)) {
    for (const [condition, value] of Object.entries(target)) {
      if (IMPORT_CONDITIONS.has(condition)) {
        const found = conditionalTarget(value);
        if (found) return found;
      }
    }
  }
  return undefined;
}

/**
 * `require.resolve` misses packages that only export an `import` condition; find those the
 * way `import` would, from the node_modules directories above the config.
 */
function resolveImportOnlyPackage(spec: string, fromDir: string): string | undefined {
  const { name, subpath } = splitPackageSpecifier(spec);
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const packageDir = join(dir, 'node_modules', name);
    const manifestPath = join(packageDir, 'package.json');
    if (existsSync(manifestPath)) {
      const manifest: unknown = JSON.parse(readFileSync(manifestPath, 'utf8'));
      if (!isPlainObject(manifest)) return undefined;
      const exportsField = manifest.exports;
      let target: string | undefined;
      if (exportsField !== undefined) {
        const keyed = isPlainObject(exportsField) && Object.keys(exportsField).some((key) => key.startsWith('.'));
        if (keyed) target = conditionalTarget((exportsField as Record<string, unknown>)[subpath]);
        else if (subpath === '.') target = conditionalTarget(exportsField);
      } else {
        target = subpath === '.' ? (typeof manifest.main === 'string' ? manifest.main : 'index.js') : subpath;
      }
      const file = target === undefined ? undefined : join(packageDir, target);
      return file !== undefined && existsSync(file) ? file : undefined;
    }
    if (dirname(dir) === dir) return undefined;
  }
}

function resolvePlugin(spec: string, configDir: string, fail: (problem: string, cause?: unknown) => never): string {
  if (isPathSpecifier(spec)) {
    const file = resolve(configDir, spec);
    if (!existsSync(file)) fail(`file not found: ${file}`);
    return file;
  }
  try {
    return createRequire(join(configDir, '/')).resolve(spec);
  } catch (error) {
    let fallback: string | undefined;
    try {
      fallback = resolveImportOnlyPackage(spec, configDir);
    } catch {
      fallback = undefined;
    }
    if (fallback) return fallback;
    return fail(`cannot find package "${spec}" from ${configDir} (is it installed? local files must start with ./ or ../)`, error);
  }
}

/** The rules a plugin module provides: default export or namespace, as `{ rules }`, a rule or an array. */
function exportedRules(module: Record<string, unknown>): { rules: unknown[]; names?: string[] } | undefined {
  const candidates = module.default === undefined ? [module] : [module.default, module];
  for (const candidate of candidates) {
    if (Array.isArray(candidate)) return { rules: candidate };
    if (!isPlainObject(candidate)) continue;
    if ('rules' in candidate) {
      const rules = candidate.rules;
      if (Array.isArray(rules)) return { rules };
      if (isPlainObject(rules)) return { rules: Object.values(rules), names: Object.keys(rules) };
      return { rules: [rules] };
    }
    if ('meta' in candidate || 'create' in candidate) return { rules: [candidate] };
  }
  return undefined;
}

function ruleProblem(rule: unknown): string | undefined {
  if (!isPlainObject(rule) && typeof rule !== 'function') return `must be an object with meta and create; got ${formatValue(rule)}`;
  const { meta, create } = rule as { meta?: unknown; create?: unknown };
  if (!isPlainObject(meta)) return `meta must be an object; got ${formatValue(meta)}`;
  if (typeof meta.id !== 'string' || meta.id === '') return `meta.id must be a string; got ${formatValue(meta.id)}`;
  if (!NAMESPACED_ID.test(meta.id)) return `meta.id must be namespaced like "my-plugin/${meta.id}"; got "${meta.id}"`;
  if (typeof meta.description !== 'string') return `meta.description must be a string; got ${formatValue(meta.description)}`;
  if (!SEVERITIES.includes(meta.defaultSeverity as string)) {
    return `meta.defaultSeverity must be one of "off", "warn", "error"; got ${formatValue(meta.defaultSeverity)}`;
  }
  if (meta.schema !== undefined && !isPlainObject(meta.schema)) return `meta.schema must be a JSON Schema object; got ${formatValue(meta.schema)}`;
  if (meta.defaultOptions !== undefined && !isPlainObject(meta.defaultOptions)) {
    return `meta.defaultOptions must be an object; got ${formatValue(meta.defaultOptions)}`;
  }
  if (typeof create !== 'function') return `create must be a function; got ${formatValue(create)}`;
  return undefined;
}

/**
 * Imports the plugins the config lists, in order, and returns their rules. Plugin code runs
 * only because a config names it; nothing is discovered. Problems are ConfigErrors naming
 * the plugin.
 */
export async function loadPlugins(loaded: LoadedConfig): Promise<Rule<any>[]> {
  const specs = loaded.raw.plugins ?? [];
  const rules: Rule<any>[] = [];
  const definedBy = new Map<string, string>();
  const prefix = configErrorPrefix(loaded.path);

  for (const [index, spec] of specs.entries()) {
    const key = `plugins[${index}]`;
    const fail = (problem: string, cause?: unknown): never => {
      throw new ConfigError(`${prefix}: plugin "${spec}": ${problem}`, {
        ...(loaded.path === undefined ? {} : { configPath: loaded.path }),
        key,
        ...(cause === undefined ? {} : { cause }),
      });
    };

    const file = resolvePlugin(spec, loaded.dir, fail);
    let module: Record<string, unknown>;
    try {
      module = await importModule(pathToFileURL(file).href);
    } catch (error) {
      return fail(`failed to load ${file}: ${(error as Error)?.message ?? String(error)}`, error);
    }

    const exported = exportedRules(module);
    if (!exported || exported.rules.length === 0) {
      fail('exports no rules (expected a default export that is a rule, an array of rules, or { rules })');
    }
    for (const [position, rule] of exported!.rules.entries()) {
      const name = exported!.names?.[position];
      const id = isPlainObject(rule) && isPlainObject(rule.meta) && typeof rule.meta.id === 'string' ? rule.meta.id : undefined;
      const label = name !== undefined ? `rule "${name}"` : id !== undefined ? `rule "${id}"` : `rule #${position + 1}`;
      const problem = ruleProblem(rule);
      if (problem) fail(`${label}: ${problem}`);
      const typed = rule as Rule<any>;
      const previous = definedBy.get(typed.meta.id);
      if (previous !== undefined) {
        fail(`rule "${typed.meta.id}" is already defined by ${previous === spec ? 'this plugin' : `plugin "${previous}"`}`);
      }
      definedBy.set(typed.meta.id, spec);
      rules.push(typed);
    }
  }
  return rules;
}
