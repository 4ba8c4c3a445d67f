/**
 * `--fix` and `--fix-dry-run` leave committed migrations alone (unless --fix-committed-migrations).
 *
 * A migration in its repository's HEAD commit has probably run somewhere already: Flyway and
 * Liquibase store a checksum of every applied file and refuse to migrate once one changes;
 * golang-migrate, goose, dbmate and the rest record the version as applied and never run the
 * new text, so the databases silently differ from the file. Rewriting history is the user's
 * call, so only migrations that are not in HEAD are fixed: untracked files, and files staged but
 * not yet committed. A committed migration with uncommitted edits is still left alone: its
 * committed version is the one that may have run.
 *
 * Files outside any git repository are fixed, as ESLint would: nothing says they ran. Inside a
 * repository whose history git cannot read (git missing, a repository git refuses), migrations
 * are left alone too, with git's reason: they may be committed, and the notice names the flag.
 *
 * Each file belongs to the repository found by walking up from its real location to a `.git`
 * (a directory, or the file a worktree or submodule has), so nested repositories, submodules and
 * worktrees are asked about their own files; git runs once per repository, never per file.
 */
import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { git, gitComplaint, GitUnavailableError, splitNul } from './changed/git.ts';

/** Why a migration is left unfixed. */
export type KeptMigration = { why: 'committed' } | { why: 'history-unreadable'; problem: string };

function realPath(file: string): string {
  try {
    return realpathSync.native(file);
  } catch {
    return path.resolve(file);
  }
}

/** The closest directory at or above `directory` that holds a `.git`; undefined outside any repository. */
function makeRootFinder(): (directory: string) => string | undefined {
  const roots = new Map<string, string | undefined>();
  const find = (directory: string): string | undefined => {
    if (roots.has(directory)) return roots.get(directory);
    const parent = path.dirname(directory);
    const root = existsSync(path.join(directory, '.git')) ? directory : parent === directory ? undefined : find(parent);
    roots.set(directory, root);
    return root;
  };
  return find;
}

/**
 * A partial clone (`--filter=tree:0`, often with a sparse checkout) fetches the trees it lacks
 * from its remote on demand. The linter never touches the network: with this variable a missing
 * tree makes git fail instead, and the repository's migrations are left unfixed with git's
 * complaint. Listing only the migrations' directories (whose trees a checkout holds) avoids
 * needing the other trees at all.
 */
const OFFLINE = { GIT_NO_LAZY_FETCH: '1' };

/** More directories than fit in this many characters of arguments: list the whole tree instead. */
const MAX_PATHSPEC_CHARS = 8000;

/**
 * Paths (relative to the root, `/`-separated) in HEAD under `directories` (relative to the root;
 * '' for the root itself); an empty set before the first commit.
 */
async function committedPaths(root: string, directories: ReadonlySet<string>): Promise<{ paths: Set<string> } | { problem: string }> {
  const length = [...directories].reduce((sum, directory) => sum + directory.length + 1, 0);
  const pathspecs = directories.has('') || length > MAX_PATHSPEC_CHARS ? [] : ['--', ...directories];
  try {
    const listed = await git(['ls-tree', '-r', '-z', '--name-only', '--full-tree', 'HEAD', ...pathspecs], root, OFFLINE);
    if (listed.code === 0) return { paths: new Set(splitNul(listed.stdout)) };
    // No HEAD commit yet (a new repository): nothing is committed. Anything else is a real failure.
    const head = await git(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'], root, OFFLINE);
    if (head.code === 1 && head.stdout.trim() === '' && head.stderr.trim() === '') return { paths: new Set() };
    return { problem: `git ls-tree failed in ${root}: ${gitComplaint(listed)}` };
  } catch (error) {
    if (error instanceof GitUnavailableError) return { problem: error.reason };
    throw error;
  }
}

/**
 * Of `migrations` (absolute paths), those --fix must leave as they are, with the reason. One git
 * call per repository (two before its first commit).
 */
export async function migrationsToKeep(migrations: readonly string[]): Promise<Map<string, KeptMigration>> {
  const findRoot = makeRootFinder();
  const byRoot = new Map<string, Array<{ file: string; relative: string }>>();
  for (const file of migrations) {
    const real = realPath(file);
    const root = findRoot(path.dirname(real));
    if (root === undefined) continue;
    const relative = path.relative(root, real).split(path.sep).join('/');
    byRoot.set(root, [...(byRoot.get(root) ?? []), { file, relative }]);
  }
  const kept = new Map<string, KeptMigration>();
  for (const [root, files] of byRoot) {
    const listed = await committedPaths(root, new Set(files.map(({ relative }) => path.posix.dirname(relative)).map((directory) => (directory === '.' ? '' : directory))));
    for (const { file, relative } of files) {
      if ('problem' in listed) kept.set(file, { why: 'history-unreadable', problem: listed.problem });
      else if (listed.paths.has(relative)) kept.set(file, { why: 'committed' });
    }
  }
  return kept;
}

/**
 * One line for stderr about the kept migrations that had fixes to apply; undefined when there
 * were none.
 */
export function keptMigrationsNotice(kept: readonly KeptMigration[]): string | undefined {
  if (kept.length === 0) return undefined;
  const committed = kept.filter((migration) => migration.why === 'committed').length;
  const problems = kept.flatMap((migration) => (migration.why === 'history-unreadable' ? [migration.problem.replace(/\.$/, '')] : []));
  const one = kept.length === 1;
  let subject = `${kept.length} ${problems.length === 0 ? 'committed ' : ''}migration ${one ? 'file was' : 'files were'} not fixed`;
  if (problems.length > 0) {
    const unknown = committed === 0 ? `git could not tell whether ${one ? 'it is' : 'they are'} committed` : `${committed} committed; for ${problems.length}, git could not tell`;
    subject += ` (${unknown}: ${problems[0]})`;
  }
  const why = `${one ? 'it' : 'they'} may have run already, and rewriting an applied migration breaks migration tools' checksums and history`;
  return `sqlwarden: ${subject}: ${why}; --fix-committed-migrations fixes ${one ? 'it' : 'them'} too.\n`;
}
