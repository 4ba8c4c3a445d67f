import { isUtf8 } from 'node:buffer';
import { lstatSync, readdirSync, realpathSync, statSync, type Dirent, type Stats } from 'node:fs';
import path from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import { UsageError } from './errors.ts';
import { findIgnoreRoot, GitignoreTree } from './gitignore.ts';

export const SQL_EXTENSIONS: readonly string[] = ['.sql', '.psql'];
const ALWAYS_SKIPPED = new Set(['node_modules', '.git']);

export interface DiscoverOptions {
  /** Files, directories or globs as typed; empty means the current directory. */
  patterns: readonly string[];
  cwd: string;
  /** The config's `ignores` (the engine's `isPathIgnored`), given absolute paths. */
  isPathIgnored?: (absolutePath: string) => boolean | Promise<boolean>;
  errorOnUnmatchedPattern: boolean;
  /** False for --no-ignore: neither .gitignore files nor the config's ignores apply. */
  useIgnoreFiles: boolean;
}

export interface DiscoverResult {
  /** Absolute paths, unique, sorted in code-unit order (the order the catalog replays them). */
  files: string[];
  /** Files named explicitly that the config's `ignores` (or node_modules/.git) exclude: reported with a warning, not linted. */
  ignoredFiles: string[];
  /** Directories under a searched directory (or named) that could not be listed. */
  unreadableDirectories: Array<{ path: string; message: string }>;
  /**
   * Paths named on the command line that exist but cannot be examined (permissions, broken
   * symlink, loop), and files and directories, named or found, whose names are not valid UTF-8
   * (their `path` shows the bad bytes as `\xNN`).
   */
  unreadablePaths: Array<{ path: string; message: string }>;
}

const OS_REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ELOOP: 'too many levels of symbolic links',
  ENAMETOOLONG: 'name too long',
  EIO: 'input/output error',
  ENOTDIR: 'a parent is not a directory',
  EMFILE: 'too many open files',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EISDIR: 'it is a directory',
};

/** `a parent is not a directory (ENOTDIR)`: the reason for a file-system error, without Node's syscall and path noise. */
export function osErrorReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? '';
  const reason = OS_REASONS[code];
  return reason !== undefined ? `${reason} (${code})` : code !== '' ? code : String((error as Error)?.message ?? error).split('\n')[0]!;
}

/** `permission denied (EACCES); check the directory permissions`, without Node's syscall and path noise. */
export function describeFsError(error: unknown, what: 'file' | 'directory'): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? '';
  const detail = osErrorReason(error);
  const advice = code === 'EACCES' || code === 'EPERM' ? `check the ${what} permissions` : `check the ${what} and try again`;
  return `${detail}; ${advice}`;
}

/** Why an existing-looking path cannot be used, or undefined when it simply does not exist. */
function unusablePath(absolutePath: string): string | undefined {
  let error: unknown;
  try {
    statSync(absolutePath);
    return undefined;
  } catch (caught) {
    error = caught;
  }
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') {
    try {
      if (lstatSync(absolutePath).isSymbolicLink()) return 'Cannot read file: broken symbolic link (its target does not exist); check the link';
    } catch {
      // Nothing there at all.
    }
    return undefined;
  }
  if (code === 'ENOTDIR') return undefined; // `file.sql/x.sql`: nothing by that name
  return `Cannot read file: ${describeFsError(error, 'file')}`;
}

/** Length of the UTF-8 sequence a lead byte starts (1 for a byte that cannot start one). */
function sequenceLength(lead: number): number {
  if (lead >= 0xf0) return 4;
  if (lead >= 0xe0) return 3;
  if (lead >= 0xc0) return 2;
  return 1;
}

/**
 * A file name that is not valid UTF-8, readable: valid characters as they are, every byte
 * that is not part of a valid sequence (and control characters) as `\xNN`.
 */
export function escapeFileName(name: Buffer): string {
  let out = '';
  for (let i = 0; i < name.length; ) {
    const length = sequenceLength(name[i]!);
    const sequence = name.subarray(i, i + length);
    if (sequence.length === length && isUtf8(sequence) && name[i]! >= 0x20 && name[i] !== 0x7f) {
      out += sequence.toString('utf8');
      i += length;
    } else {
      out += `\\x${name[i]!.toString(16).padStart(2, '0')}`;
      i++;
    }
  }
  return out;
}

const NOT_UTF8_NAME = 'its name is not valid UTF-8 (bad bytes shown as \\xNN); rename it to lint it';

/**
 * Entries of `directory` whose names are not valid UTF-8 and that would be linted (SQL files, or
 * directories, which could hold some): Node decodes such names lossily (U+FFFD), and the decoded
 * path names no file. Reported with a clear message instead of a misleading ENOENT later.
 */
function invalidlyNamedEntry(directory: string, entry: Dirent<Buffer>): { path: string; message: string } | undefined {
  let isDirectory = entry.isDirectory();
  let isFile = entry.isFile();
  if (entry.isSymbolicLink()) {
    const target = statOrUndefined(Buffer.concat([Buffer.from(directory + path.sep), entry.name]));
    isDirectory = target?.isDirectory() ?? false;
    isFile = target?.isFile() ?? false;
  }
  const shown = path.join(directory, escapeFileName(entry.name));
  if (isDirectory) return { path: shown, message: `Cannot read directory: ${NOT_UTF8_NAME}` };
  if (isFile && isSqlFile(shown)) return { path: shown, message: `Cannot read file: ${NOT_UTF8_NAME}` };
  return undefined;
}

/**
 * A path typed on the command line that names nothing but whose last part, decoded from
 * invalid UTF-8 (Node turns those bytes into U+FFFD in process.argv), matches such an entry.
 */
function invalidlyNamedArgument(absolutePath: string): { path: string; message: string } | undefined {
  const name = path.basename(absolutePath);
  if (!name.includes('\uFFFD')) return undefined;
  const directory = path.dirname(absolutePath);
  let entries: Dirent<Buffer>[];
  try {
    entries = readdirSync(directory, { withFileTypes: true, encoding: 'buffer' });
  } catch {
    return undefined;
  }
  for (const entry of entries) {
    if (isUtf8(entry.name) || entry.name.toString('utf8') !== name) continue;
    const shown = path.join(directory, escapeFileName(entry.name));
    return { path: shown, message: `Cannot read ${entry.isDirectory() ? 'directory' : 'file'}: ${NOT_UTF8_NAME}` };
  }
  return undefined;
}

export function isSqlFile(filePath: string): boolean {
  return SQL_EXTENSIONS.includes(path.extname(filePath).toLowerCase());
}

function statOrUndefined(filePath: string | Buffer): Stats | undefined {
  try {
    return statSync(filePath);
  } catch {
    return undefined;
  }
}

/** Finds the files to lint. Throws UsageError for patterns that match nothing. */
export async function discoverFiles(options: DiscoverOptions): Promise<DiscoverResult> {
  const cwd = path.resolve(options.cwd);
  const gitignore = options.useIgnoreFiles ? new GitignoreTree(findIgnoreRoot(cwd)) : undefined;
  const configIgnores = options.useIgnoreFiles ? options.isPathIgnored : undefined;
  const files = new Set<string>();
  const ignoredFiles = new Set<string>();
  const unreadableDirectories: DiscoverResult['unreadableDirectories'] = [];
  const unreadablePaths: DiscoverResult['unreadablePaths'] = [];

  const isIgnored = async (absolutePath: string, isDirectory: boolean): Promise<boolean> =>
    (gitignore?.isIgnored(absolutePath, isDirectory) ?? false) || ((await configIgnores?.(absolutePath)) ?? false);

  const unmatched = (message: string): void => {
    if (options.errorOnUnmatchedPattern) throw new UsageError(message);
  };

  const walk = async (directory: string): Promise<{ found: string[]; ignored: number; unreadable: number }> => {
    const found: string[] = [];
    let ignored = 0;
    let unreadable = 0;
    const visited = new Set<string>();
    const visit = async (current: string): Promise<void> => {
      let real: string;
      try {
        real = realpathSync(current);
      } catch {
        real = current;
      }
      if (visited.has(real)) return; // symlink cycle
      visited.add(real);
      let entries: Dirent<Buffer>[];
      try {
        entries = readdirSync(current, { withFileTypes: true, encoding: 'buffer' });
      } catch (error) {
        unreadableDirectories.push({ path: current, message: `Cannot read directory: ${describeFsError(error, 'directory')}` });
        unreadable++;
        return;
      }
      for (const entry of entries) {
        if (!isUtf8(entry.name)) {
          const problem = invalidlyNamedEntry(current, entry);
          if (problem && !gitignore?.isIgnoredEntry(problem.path, problem.message.includes('directory'))) {
            unreadablePaths.push(problem);
            unreadable++;
          }
          continue;
        }
        const name = entry.name.toString('utf8');
        if (ALWAYS_SKIPPED.has(name)) continue;
        const entryPath = path.join(current, name);
        let isDirectory = entry.isDirectory();
        let isFile = entry.isFile();
        if (entry.isSymbolicLink()) {
          const target = statOrUndefined(entryPath);
          isDirectory = target?.isDirectory() ?? false;
          isFile = target?.isFile() ?? false;
        }
        if (isDirectory) {
          if (gitignore?.isIgnoredEntry(entryPath, true) || (await configIgnores?.(entryPath))) continue;
          await visit(entryPath);
        } else if (isFile && isSqlFile(entryPath)) {
          if (gitignore?.isIgnoredEntry(entryPath, false) || (await configIgnores?.(entryPath))) ignored++;
          else found.push(entryPath);
        }
      }
    };
    await visit(directory);
    return { found, ignored, unreadable };
  };

  const patterns = options.patterns.length > 0 ? options.patterns : ['.'];
  for (const pattern of patterns) {
    const absolute = path.resolve(cwd, pattern);
    const stats = statOrUndefined(absolute);

    if (stats?.isDirectory()) {
      if (isSkippedByDefault(absolute, cwd) || (await isIgnored(absolute, true))) {
        unmatched(`All files matched by "${pattern}" are ignored.`);
        continue;
      }
      const { found, ignored, unreadable } = await walk(absolute);
      // Directories that could not be listed are reported as results; "no SQL files" would mislead.
      if (found.length === 0 && unreadable === 0) {
        unmatched(
          ignored > 0
            ? `All files matched by "${pattern}" are ignored.`
            : `No SQL files (*.sql, *.psql) found in directory "${pattern}".`,
        );
      }
      for (const file of found) files.add(file);
      continue;
    }

    if (stats) {
      // Named explicitly: linted whatever its extension, unless the config's `ignores` say otherwise.
      // `.gitignore` only prunes what a directory walk or a glob finds: like ESLint, a file the
      // user names is linted even when git ignores it.
      if (isSkippedByDefault(absolute, cwd) || ((await configIgnores?.(absolute)) ?? false)) ignoredFiles.add(absolute);
      else files.add(absolute);
      continue;
    }

    if (isDynamicPattern(pattern)) {
      const matches = await glob(pattern, {
        cwd,
        absolute: true,
        onlyFiles: true,
        dot: true,
        expandDirectories: false,
        followSymbolicLinks: true,
        ignore: ['**/node_modules/**', '**/.git/**'],
      });
      let ignored = 0;
      let added = 0;
      for (const match of matches) {
        const file = path.resolve(match);
        if (!isSqlFile(file)) continue;
        if (await isIgnored(file, false)) {
          ignored++;
          continue;
        }
        files.add(file);
        added++;
      }
      if (added === 0) {
        unmatched(
          ignored > 0 ? `All files matched by "${pattern}" are ignored.` : `No files matching the pattern "${pattern}" were found.`,
        );
      }
      continue;
    }

    const problem = unusablePath(absolute);
    if (problem !== undefined) {
      unreadablePaths.push({ path: absolute, message: problem });
      continue;
    }
    const badName = invalidlyNamedArgument(absolute);
    if (badName !== undefined) {
      unreadablePaths.push(badName);
      continue;
    }
    unmatched(`No files matching the pattern "${pattern}" were found.`);
  }

  for (const file of ignoredFiles) files.delete(file);
  return {
    files: [...files].sort(compareCodeUnits),
    ignoredFiles: [...ignoredFiles].sort(compareCodeUnits),
    unreadableDirectories,
    unreadablePaths,
  };
}

function isSkippedByDefault(absolutePath: string, cwd: string): boolean {
  const relative = path.relative(cwd, absolutePath);
  const segments = relative.startsWith('..') || path.isAbsolute(relative) ? [path.basename(absolutePath)] : relative.split(path.sep);
  return segments.some((segment) => ALWAYS_SKIPPED.has(segment));
}

export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
