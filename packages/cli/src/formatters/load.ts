import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { importModule } from '@sqlwarden/core/import-module';
import { UsageError } from '../errors.ts';
import type { Formatter } from '../types.ts';
import { formatterNames, formatters, isFormatterName } from './index.ts';

/**
 * Resolves `-f <name>` like ESLint's `-f`:
 *
 * - a built-in formatter name (`stylish`, `codeframe`, `json`, `sarif`, `github`, `gitlab`, `junit`, `checkstyle`);
 * - a path to a module, relative to the working directory: anything that starts with `.`, is
 *   absolute, contains a path separator (and is not a scoped package name), or ends in
 *   `.js`/`.mjs`/`.cjs`;
 * - otherwise a package, resolved from the working directory as Node would: `x` loads
 *   `sqlwarden-formatter-x`, `@scope` loads `@scope/sqlwarden-formatter` and `@scope/x` loads
 *   `@scope/sqlwarden-formatter-x` (full names are taken as they are).
 *
 * The module's default export (`module.exports` for CommonJS) must be a Formatter:
 * `(results, context) => string | Promise<string>`. Loading runs the module's code: it is as
 * trusted as the command line that names it.
 */
export async function loadFormatter(name: string, cwd: string): Promise<Formatter> {
  if (isFormatterName(name)) return formatters[name];
  if (name.trim() === '') throw new UsageError(`The formatter name is empty. Built-in formatters: ${formatterNames.join(', ')}.`);
  let file: string;
  if (isPathSpecifier(name)) {
    file = path.resolve(cwd, name);
    if (!existsSync(file) || statSync(file).isDirectory()) {
      throw new UsageError(`Cannot find formatter "${name}": no module file at ${file}.`);
    }
  } else {
    const packageName = formatterPackageName(name);
    const resolved = resolvePackage(packageName, cwd);
    if (resolved === undefined) {
      throw new UsageError(
        `Cannot find formatter "${name}": it is not a built-in formatter (${formatterNames.join(', ')}), ` +
          `and no package "${packageName}" can be loaded from ${cwd}.`,
      );
    }
    file = resolved;
  }
  let loaded: unknown;
  try {
    loaded = await importModule<unknown>(pathToFileURL(file).href);
  } catch (error) {
    throw new UsageError(`Cannot load formatter "${name}" from ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const format = defaultExport(loaded);
  if (typeof format !== 'function') {
    throw new UsageError(`The formatter "${name}" (${file}) must export a function (results, context) => string as its default export.`);
  }
  const custom = format as (...args: Parameters<Formatter>) => unknown;
  return async (results, context) => {
    const text = await custom(results, context);
    if (typeof text !== 'string') throw new UsageError(`The formatter "${name}" (${file}) returned ${text === null ? 'null' : typeof text}, not a string.`);
    return text;
  };
}

export function isPathSpecifier(name: string): boolean {
  return name.startsWith('.') || path.isAbsolute(name) || (!name.startsWith('@') && /[\\/]/.test(name)) || /\.[cm]?js$/i.test(name);
}

/** The package `-f <name>` names (see loadFormatter). */
export function formatterPackageName(name: string): string {
  const prefix = 'sqlwarden-formatter';
  if (name.startsWith('@')) {
    const slash = name.indexOf('/');
    if (slash === -1) return `${name}/${prefix}`;
    const scope = name.slice(0, slash);
    const rest = name.slice(slash + 1);
    return rest === prefix || rest.startsWith(`${prefix}-`) ? name : `${scope}/${prefix}-${rest}`;
  }
  return name.startsWith(`${prefix}-`) ? name : `${prefix}-${name}`;
}

function defaultExport(module: unknown): unknown {
  let value = (module as { default?: unknown } | null)?.default ?? module;
  // CommonJS compiled from ESM: module.exports = { __esModule: true, default: fn }.
  if (typeof value !== 'function' && value !== null && typeof value === 'object' && 'default' in value) {
    value = (value as { default: unknown }).default;
  }
  return value;
}

/**
 * Node's resolution from the working directory. require.resolve covers `main` and `exports`
 * with `require`/`node`/`default` conditions; packages whose `exports` only has `import` are
 * found by reading their package.json from the node_modules directories up the tree.
 */
function resolvePackage(packageName: string, cwd: string): string | undefined {
  try {
    return createRequire(path.join(cwd, '__sqlwarden_formatter__.js')).resolve(packageName);
  } catch {
    // Not installed, or an import-only package: look for it directly.
  }
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    const packageDir = path.join(dir, 'node_modules', ...packageName.split('/'));
    const manifest = path.join(packageDir, 'package.json');
    if (existsSync(manifest)) {
      try {
        const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { exports?: unknown; main?: unknown };
        const target = pkg.exports !== undefined ? exportTarget(pkg.exports) : typeof pkg.main === 'string' ? pkg.main : 'index.js';
        if (target !== undefined) {
          const file = path.resolve(packageDir, target);
          if (existsSync(file)) return file;
        }
      } catch {
        // An unreadable manifest: keep looking further up, then report the package as missing.
      }
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

function exportTarget(exports: unknown): string | undefined {
  if (typeof exports === 'string') return exports;
  if (Array.isArray(exports)) {
    for (const entry of exports) {
      const target = exportTarget(entry);
      if (target !== undefined) return target;
    }
    return undefined;
  }
  if (exports === null || typeof exports !== 'object') return undefined;
  const map = exports as Record<string, unknown>;
  if ('.' in map) return exportTarget(map['.']);
  for (const condition of ['import', 'node', 'default']) {
    if (condition in map) {
      const target = exportTarget(map[condition]);
      if (target !== undefined) return target;
    }
  }
  return undefined;
}
