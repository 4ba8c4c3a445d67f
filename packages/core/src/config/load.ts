import { lstatSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { ConfigError } from './errors.ts';
import { blankJsoncExtras, findExcessiveNesting, findJsonSyntaxError, lineAndColumn } from './json-syntax.ts';
import { checkConfigShape, isPlainObject, MAX_CONFIG_NESTING, nestingProblemText, type RawConfig } from './shape.ts';

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

// These run for every directory above every linted file: a missing entry is the common answer,
// and an exception for it costs several times the system call.
function isFile(path: string): boolean {
  try {
    return statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
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

/** The config file that lives in `dir` itself, if any (sqlwarden.config.json wins over package.json). */
function configFileIn(dir: string): string | undefined {
  const candidate = join(dir, CONFIG_FILE_NAME);
  if (isFile(candidate)) return candidate;
  const packageJson = join(dir, 'package.json');
  if (isFile(packageJson) && packageJsonHasConfig(packageJson)) return packageJson;
  return undefined;
}

/** The nearest directory at or above `dir` with a package.json or a repository root, if any. */
export function projectRootOf(dir: string): string | undefined {
  for (let current = resolve(dir); ; ) {
    if (isFile(join(current, 'package.json')) || isRepositoryRoot(current)) return current;
    const parent = dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}

/** A `.git` directory, or the `.git` file of a worktree or submodule. */
function isRepositoryRoot(dir: string): boolean {
  try {
    return lstatSync(join(dir, '.git'), { throwIfNoEntry: false }) !== undefined;
  } catch {
    return false;
  }
}

/**
 * Outside a repository, a directory whose config the search may use: not writable by every
 * user (like the temp directory) and owned by the current user or root. A config another user
 * could have put there must not load plugins into this process. A directory that does not
 * exist (a `--stdin-filename`, an unsaved editor buffer) holds no config and is passed through.
 * (No check where the platform has no uids.)
 */
function isTrustedDirectory(dir: string): boolean {
  const uid = process.getuid?.();
  if (uid === undefined) return true;
  try {
    const stat = statSync(dir);
    return (stat.mode & 0o002) === 0 && (stat.uid === uid || stat.uid === 0);
  } catch {
    return true;
  }
}

/**
 * The directories whose config files apply to files in `startDir`, nearest first:
 * - inside a repository, from `startDir` up to the repository root (the nearest directory
 *   holding `.git`), inclusive — never above it;
 * - outside any repository, from `startDir` up to the filesystem root, stopping before the
 *   first directory that is writable by every user or owned by another user (not root).
 * `--config` (an explicit path) is not subject to these limits.
 */
export function configSearchDirs(startDir: string): string[] {
  const dirs: string[] = [];
  for (let dir = resolve(startDir); ; ) {
    dirs.push(dir);
    if (isRepositoryRoot(dir)) return dirs;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  const untrusted = dirs.findIndex((dir) => !isTrustedDirectory(dir));
  return untrusted === -1 ? dirs : dirs.slice(0, untrusted);
}

/** The nearest config for files in `startDir`, within the limits of `configSearchDirs`. Not cached. */
export function findConfigFile(startDir: string): string | undefined {
  for (const dir of configSearchDirs(startDir)) {
    const here = configFileIn(dir);
    if (here !== undefined) return here;
  }
  return undefined;
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
  // sqlwarden.config.json may hold comments and trailing commas (JSONC, as tsconfig.json and VS
  // Code settings do); package.json, which npm reads, may not. Blanking them keeps every offset,
  // so syntax errors are still reported where they are in the file.
  const body = basename(path) === 'package.json' ? stripBom(text) : blankJsoncExtras(stripBom(text));
  try {
    // Deep nesting in valid JSON is refused by checkConfigShape, before anything recurses over it.
    return JSON.parse(body);
  } catch (error) {
    // The syntax-error scanner recurses over nesting: refuse excessive nesting first.
    const tooDeep = findExcessiveNesting(body, MAX_CONFIG_NESTING);
    if (tooDeep !== undefined) {
      const { line, column } = lineAndColumn(body, tooDeep);
      throw new ConfigError(`Invalid config ${path}:${line}:${column}: ${nestingProblemText()}`, {
        configPath: path,
        line,
        column,
        cause: error,
      });
    }
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

/**
 * Finds and loads configs with caches kept until `clear()`: the config that applies to each
 * directory, what the search learnt about each directory on the way (repository root, project
 * root), so that sibling and nested directories cost a map lookup and no file system call, and
 * each config file's parsed and validated contents.
 * A run never invalidates them; a long-lived host (the language server) clears them when a
 * config file changes. Failed loads are not cached, so a fixed config is picked up next time.
 */
export class ConfigLoader {
  private readonly configPathByDir = new Map<string, string | null>();
  private readonly loadedByPath = new Map<string, LoadedConfig>();
  private readonly defaultsByCwd = new Map<string, LoadedConfig>();
  /** A directory -> its project root (`projectRootOf`), or null outside any project. */
  private readonly projectRootByDir = new Map<string, string | null>();
  /** A directory -> whether it holds `.git` (`isRepositoryRoot`). */
  private readonly repositoryRootByDir = new Map<string, boolean>();
  /** A directory -> whether it or a directory above it is a repository root. */
  private readonly inRepositoryByDir = new Map<string, boolean>();

  /**
   * The nearest config file for files in `dir`, or undefined. Same search as `findConfigFile`,
   * one directory at a time: the directories `configSearchDirs` lists for a directory are the
   * directory itself followed by its parent's list, unless it ends the search (a repository root,
   * the filesystem root) or, outside a repository, is one anyone may write to (then the list is
   * empty). So each directory's answer is its own config file or its parent's answer, and a run
   * over many folders of one tree examines each directory once.
   */
  findConfigFile(startDir: string): string | undefined {
    return this.configFileFor(resolve(startDir)) ?? undefined;
  }

  private configFileFor(dir: string): string | null {
    const cached = this.configPathByDir.get(dir);
    if (cached !== undefined) return cached;
    const parent = dirname(dir);
    let found: string | null;
    if (!this.inRepository(dir) && !isTrustedDirectory(dir)) found = null;
    else found = configFileIn(dir) ?? (this.isRepositoryRoot(dir) || parent === dir ? null : this.configFileFor(parent));
    this.configPathByDir.set(dir, found);
    return found;
  }

  private isRepositoryRoot(dir: string): boolean {
    let root = this.repositoryRootByDir.get(dir);
    if (root === undefined) this.repositoryRootByDir.set(dir, (root = isRepositoryRoot(dir)));
    return root;
  }

  private inRepository(dir: string): boolean {
    let inside = this.inRepositoryByDir.get(dir);
    if (inside === undefined) {
      const parent = dirname(dir);
      inside = this.isRepositoryRoot(dir) || (parent !== dir && this.inRepository(parent));
      this.inRepositoryByDir.set(dir, inside);
    }
    return inside;
  }

  /** `projectRootOf`, with the answer kept for every directory on the way up. */
  private projectRootFor(dir: string): string | null {
    let root = this.projectRootByDir.get(dir);
    if (root === undefined) {
      const parent = dirname(dir);
      root = isFile(join(dir, 'package.json')) || this.isRepositoryRoot(dir) ? dir : parent === dir ? null : this.projectRootFor(parent);
      this.projectRootByDir.set(dir, root);
    }
    return root;
  }

  loadConfigFile(path: string): LoadedConfig {
    return this.loadedConfigFile(resolve(path));
  }

  private loadedConfigFile(absolute: string): LoadedConfig {
    let loaded = this.loadedByPath.get(absolute);
    if (!loaded) {
      loaded = loadConfigFile(absolute);
      this.loadedByPath.set(absolute, loaded);
    }
    return loaded;
  }

  /** See `loadConfigForFile`. */
  loadConfigForFile(filePath: string, options: { explicitConfigPath?: string; cwd?: string } = {}): LoadedConfig {
    if (options.explicitConfigPath !== undefined) return this.loadConfigFile(resolve(options.cwd ?? process.cwd(), options.explicitConfigPath));
    // One resolve: the directories and config paths below are absolute and normalised already,
    // and resolving again cost more than the rest of a cached lookup.
    const fileDir = dirname(resolve(options.cwd ?? process.cwd(), filePath));
    const found = this.configFileFor(fileDir);
    if (found !== null) return this.loadedConfigFile(found);
    // Without a config, the defaults' globs are relative to the project the file belongs to (its
    // nearest package.json or repository root), so a file is a migration or not whatever the
    // directory a run or an editor starts from; outside any project, relative to that directory.
    const root = this.projectRootFor(fileDir) ?? resolve(options.cwd ?? process.cwd());
    let defaults = this.defaultsByCwd.get(root);
    if (!defaults) {
      defaults = { path: undefined, dir: root, raw: {} };
      this.defaultsByCwd.set(root, defaults);
    }
    return defaults;
  }

  /** Forget discovered and loaded configs (after a config file changes). */
  clear(): void {
    this.configPathByDir.clear();
    this.loadedByPath.clear();
    this.defaultsByCwd.clear();
    this.projectRootByDir.clear();
    this.repositoryRootByDir.clear();
    this.inRepositoryByDir.clear();
  }
}

const sharedLoader = new ConfigLoader();

/**
 * The config that applies to a file: `explicitConfigPath` (CLI `--config`) for every file
 * when given, else the nearest config in the file's directory or above it, up to the
 * repository root (see `configSearchDirs`), else defaults relative to `cwd`. Results are cached per directory and per config file in a process-wide loader; see
 * clearConfigCache. (Each `Linter` has its own `ConfigLoader` instead.)
 */
export function loadConfigForFile(
  filePath: string,
  options: { explicitConfigPath?: string; cwd?: string } = {},
): LoadedConfig {
  return sharedLoader.loadConfigForFile(filePath, options);
}

/** Forget what `loadConfigForFile` discovered and loaded (after a config file changes). */
export function clearConfigCache(): void {
  sharedLoader.clear();
}
