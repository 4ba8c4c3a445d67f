import { readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { ConfigError } from './errors.ts';
import { findJsonSyntaxError, lineAndColumn } from './json-syntax.ts';
import { checkConfigShape, isPlainObject, type RawConfig } from './shape.ts';

export const CONFIG_FILE_NAME = 'sqlwarden.config.json';
/** The key of package.json that holds the config. */
export const PACKAGE_JSON_KEY = 'sqlwarden';

export interface LoadedConfig {
  /** The config file; undefined when none was found and defaults apply. */
  path?: string;
  /** Directory that globs (migrations.include, ignores) and plugin paths are relative to. */
  dir: string;
  raw: RawConfig;
}

/** `Invalid config <path>` with a note when the config lives inside package.json. */
export function configErrorPrefix(path: string | undefined): string {
  if (path === undefined) return 'Invalid config';
  return basename(path) === 'package.json' ? `Invalid config ${path} ("${PACKAGE_JSON_KEY}" key)` : `Invalid config ${path}`;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * A package.json counts only when it has the "sqlwarden" key. One that does not parse but
 * mentions the key is returned anyway, so loading it reports the syntax error instead of
 * silently falling back to another config.
 */
function packageJsonHasConfig(path: string): boolean {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return false;
  }
  try {
    const parsed: unknown = JSON.parse(stripBom(text));
    return isPlainObject(parsed) && Object.hasOwn(parsed, PACKAGE_JSON_KEY);
  } catch {
    return text.includes(`"${PACKAGE_JSON_KEY}"`);
  }
}

/** Walks up from `startDir` to the filesystem root; the nearest config wins. */
export function findConfigFile(startDir: string): string | undefined {
  let dir = resolve(startDir);
  for (;;) {
    const candidate = join(dir, CONFIG_FILE_NAME);
    if (isFile(candidate)) return candidate;
    const packageJson = join(dir, 'package.json');
    if (isFile(packageJson) && packageJsonHasConfig(packageJson)) return packageJson;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function readConfigText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'it is a directory' : (error as Error).message;
    throw new ConfigError(`Cannot read config ${path}: ${reason}`, { configPath: path, cause: error });
  }
}

function parseJson(text: string, path: string): unknown {
  const body = stripBom(text);
  try {
    return JSON.parse(body);
  } catch (error) {
    const { offset, reason } = findJsonSyntaxError(body);
    const { line, column } = lineAndColumn(body, offset);
    throw new ConfigError(`Invalid config ${path}:${line}:${column}: invalid JSON: ${reason}`, {
      configPath: path,
      line,
      column,
      cause: error,
    });
  }
}

/** Reads, parses and validates one config file (sqlwarden.config.json, package.json or any JSON file). */
export function loadConfigFile(path: string): LoadedConfig {
  const absolute = resolve(path);
  const parsed = parseJson(readConfigText(absolute), absolute);
  let raw: unknown = parsed;
  if (basename(absolute) === 'package.json') {
    if (!isPlainObject(parsed) || !Object.hasOwn(parsed, PACKAGE_JSON_KEY)) {
      throw new ConfigError(`Invalid config ${absolute}: package.json has no "${PACKAGE_JSON_KEY}" key`, {
        configPath: absolute,
      });
    }
    raw = parsed[PACKAGE_JSON_KEY];
  }
  const problem = checkConfigShape(raw);
  if (problem) {
    throw new ConfigError(`${configErrorPrefix(absolute)}: ${problem.message}`, {
      configPath: absolute,
      ...(problem.key === undefined ? {} : { key: problem.key }),
    });
  }
  return { path: absolute, dir: dirname(absolute), raw: raw as RawConfig };
}

const configPathByDir = new Map<string, string | null>();
const loadedByPath = new Map<string, LoadedConfig>();
const defaultsByCwd = new Map<string, LoadedConfig>();

function loadCached(path: string): LoadedConfig {
  let loaded = loadedByPath.get(path);
  if (!loaded) {
    loaded = loadConfigFile(path);
    loadedByPath.set(path, loaded);
  }
  return loaded;
}

/**
 * The config that applies to a file: `explicitConfigPath` (CLI `--config`) for every file
 * when given, else the nearest config above the file's directory, else defaults relative to
 * `cwd`. Results are cached per directory and per config file; see clearConfigCache.
 */
export function loadConfigForFile(
  filePath: string,
  options: { explicitConfigPath?: string; cwd?: string } = {},
): LoadedConfig {
  const cwd = resolve(options.cwd ?? process.cwd());
  if (options.explicitConfigPath !== undefined) return loadCached(resolve(cwd, options.explicitConfigPath));
  const dir = dirname(resolve(cwd, filePath));
  let found = configPathByDir.get(dir);
  if (found === undefined) {
    found = findConfigFile(dir) ?? null;
    configPathByDir.set(dir, found);
  }
  if (found !== null) return loadCached(found);
  let defaults = defaultsByCwd.get(cwd);
  if (!defaults) {
    defaults = { path: undefined, dir: cwd, raw: {} };
    defaultsByCwd.set(cwd, defaults);
  }
  return defaults;
}

/** Forget discovered and loaded configs (after a config file changes, e.g. in the language server). */
export function clearConfigCache(): void {
  configPathByDir.clear();
  loadedByPath.clear();
  defaultsByCwd.clear();
}
