/**
 * --changed-since <ref>: which files (and, with --changed-lines, which lines) a branch changed
 * relative to the merge base of HEAD and <ref>, from git.
 *
 * The set is: files committed since the merge base, plus staged and unstaged changes in the work
 * tree (`git diff <merge-base>`, with rename detection), plus untracked files that are not ignored
 * (`git ls-files --others --exclude-standard`). Deleted files are dropped. A file counts when its
 * content is new or changed; a pure rename (identical content) does not. Migrations (the config's
 * `migrations.include`) count only when added, unless `--changed-migrations modified`.
 *
 * The run still lints every file its patterns select, in order, so the schema catalog is the same
 * as in a full run; `restrict` then keeps only the results of changed files (and lines).
 */
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { isSqlFile } from '../discover.ts';
import { UsageError } from '../errors.ts';
import { withMessages, type CliMessage, type CliResult } from '../types.ts';
import { changedLinesFromPatch, intersectsIntervals, parseRawDiff, type LineInterval } from './diff.ts';
import { git, gitComplaint, splitNul } from './git.ts';

export type ChangedMigrationsMode = 'added' | 'modified';
export const changedMigrationsModes: readonly ChangedMigrationsMode[] = ['added', 'modified'];

/** The CLI options this module reads (part of CliOptions). */
export interface ChangedOptions {
  changedSince?: string;
  /** Undefined: `added`. */
  changedMigrations?: ChangedMigrationsMode;
  changedLines?: boolean;
}

/** Findings that --changed-lines keeps whatever their lines: the file could not be fully analysed. */
const WHOLE_FILE_RULE_IDS = new Set(['syntax-error', 'internal-error']);

export function checkChangedOptions(
  options: ChangedOptions & { stdin: boolean; printConfig?: string; fix: boolean; fixDryRun: boolean },
): void {
  if (options.changedSince === undefined) {
    if (options.changedLines) throw new UsageError('--changed-lines needs --changed-since.');
    if (options.changedMigrations !== undefined) throw new UsageError('--changed-migrations needs --changed-since.');
    return;
  }
  const ref = options.changedSince;
  if (ref.trim() === '' || ref.startsWith('-')) {
    throw new UsageError(`--changed-since expects a git ref such as origin/main or a commit id, not "${ref}".`);
  }
  if (options.stdin) throw new UsageError('--changed-since cannot be combined with --stdin.');
  if (options.printConfig !== undefined) throw new UsageError('--print-config cannot be combined with --changed-since.');
  if (options.changedLines && (options.fix || options.fixDryRun)) {
    throw new UsageError('--changed-lines cannot be combined with --fix or --fix-dry-run, which fix whole files.');
  }
}

type ChangeKind = 'added' | 'modified' | 'renamed';

interface ChangeRecord {
  /** Relative to the repository root, `/`-separated as git prints it. */
  path: string;
  kind: ChangeKind;
  /** For renames (pure or with edits): the path before, relative to the root. */
  oldPath?: string;
}

export interface FindChangedOptions {
  ref: string;
  cwd: string;
  migrations: ChangedMigrationsMode;
  lines: boolean;
  /** The config's `migrations.include`, for an absolute path (the Linter's `isMigrationPath`). */
  isMigrationPath: (absolutePath: string) => boolean;
}

/** Resolves the merge base and collects the changed paths. Throws UsageError (exit 2) with advice. */
export async function findChangedFiles(options: FindChangedOptions): Promise<ChangedFiles> {
  const { ref, cwd } = options;
  const top = await git(['rev-parse', '--show-toplevel'], cwd);
  if (top.code !== 0) {
    if (/not a git repository/i.test(top.stderr)) {
      throw new UsageError(
        `--changed-since compares with git history, but ${cwd} is not in a git repository. Run sqlwarden inside the repository's work tree, or lint without --changed-since.`,
      );
    }
    throw new UsageError(`--changed-since: git cannot find the work tree: ${gitComplaint(top)}.`);
  }
  const root = top.stdout.replace(/\r?\n$/, '');

  const shallow = async (): Promise<boolean> => (await git(['rev-parse', '--is-shallow-repository'], root)).stdout.trim() === 'true';

  const target = await git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], root);
  if (target.code !== 0 || target.stdout.trim() === '') {
    throw new UsageError(await missingRefMessage(ref, root, await shallow()));
  }
  const head = await git(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'], root);
  if (head.code !== 0 || head.stdout.trim() === '') {
    throw new UsageError('--changed-since: HEAD has no commit yet (an empty repository); commit first, or lint without --changed-since.');
  }
  const base = await git(['merge-base', target.stdout.trim(), head.stdout.trim()], root);
  if (base.code !== 0 || base.stdout.trim() === '') {
    if (base.code > 1) throw new UsageError(`--changed-since: git merge-base failed: ${gitComplaint(base)}.`);
    if (await shallow()) {
      throw new UsageError(
        [
          `--changed-since: cannot find where HEAD and "${ref}" diverged: this clone is shallow and its history stops before their common ancestor.`,
          'Fetch more history (e.g. `git fetch --unshallow`, or `git fetch --deepen=<n>` with enough commits to reach it),',
          'or check out the full history in CI (actions/checkout: `fetch-depth: 0`; GitLab CI: `GIT_DEPTH: 0`).',
        ].join('\n'),
      );
    }
    throw new UsageError(`--changed-since: HEAD and "${ref}" have no common ancestor (unrelated histories); pass a ref that shares history with HEAD.`);
  }
  const mergeBase = base.stdout.trim();

  const diff = await git(
    ['-c', 'diff.relative=false', 'diff', '--raw', '-z', '--no-abbrev', '-M', '--no-ext-diff', '--no-textconv', '--ignore-submodules=all', mergeBase, '--'],
    root,
  );
  if (diff.code !== 0) throw new UsageError(`--changed-since: git diff failed: ${gitComplaint(diff)}.`);
  const untracked = await git(['ls-files', '-z', '--others', '--exclude-standard'], root);
  if (untracked.code !== 0) throw new UsageError(`--changed-since: git ls-files failed: ${gitComplaint(untracked)}.`);

  const records: ChangeRecord[] = [];
  /** Blob ids of deleted files, to recognise an untracked file as a moved one (`mv` without `git mv`). */
  const deletedBlobs = new Map<string, string[]>();
  for (const entry of parseRawDiff(diff.stdout)) {
    if (entry.status === 'D') {
      if (!/^0+$/.test(entry.srcBlob)) deletedBlobs.set(entry.srcBlob, [...(deletedBlobs.get(entry.srcBlob) ?? []), entry.path]);
      continue;
    }
    if (entry.dstMode === '160000') continue; // a submodule
    if (entry.status === 'A' || entry.status === 'C') records.push({ path: entry.path, kind: 'added' });
    else if (entry.status === 'R') {
      records.push({ path: entry.path, kind: entry.score === 100 ? 'renamed' : 'modified', oldPath: entry.oldPath! });
    } else records.push({ path: entry.path, kind: 'modified' });
  }

  const untrackedPaths = splitNul(untracked.stdout).filter((file) => !file.endsWith('/'));
  const movedFrom = deletedBlobs.size > 0 ? await pairMovedFiles(untrackedPaths.filter(isSqlFile), deletedBlobs, root) : new Map<string, string>();
  for (const file of untrackedPaths) {
    const oldPath = movedFrom.get(file);
    records.push(oldPath !== undefined ? { path: file, kind: 'renamed', oldPath } : { path: file, kind: 'added' });
  }

  return new ChangedFiles({ ...options, root, mergeBase, records });
}

/** Untracked files whose content is exactly that of a deleted file: moved, not added. */
async function pairMovedFiles(files: readonly string[], deletedBlobs: Map<string, string[]>, root: string): Promise<Map<string, string>> {
  const moved = new Map<string, string>();
  const available = new Map([...deletedBlobs].map(([blob, paths]) => [blob, [...paths]]));
  for (let i = 0; i < files.length; i += 200) {
    const chunk = files.slice(i, i + 200);
    const hashed = await git(['hash-object', '--', ...chunk], root);
    if (hashed.code !== 0) continue; // unreadable file: it just counts as added
    const blobs = hashed.stdout.split('\n');
    chunk.forEach((file, index) => {
      const from = available.get(blobs[index] ?? '')?.shift();
      if (from !== undefined) moved.set(file, from);
    });
  }
  return moved;
}

async function missingRefMessage(ref: string, root: string, isShallow: boolean): Promise<string> {
  const remotes = (await git(['remote'], root)).stdout.split('\n').filter((name) => name !== '');
  const remote = remotes.includes('origin') ? 'origin' : (remotes[0] ?? 'origin');
  const shortRef = ref.replace(/^refs\/remotes\//, '');
  const tracking = remotes.find((name) => shortRef.startsWith(`${name}/`));
  let fetch: string;
  let then = '';
  if (tracking !== undefined) {
    const branch = shortRef.slice(tracking.length + 1);
    fetch = `git fetch --no-tags --depth=100 ${tracking} +refs/heads/${branch}:refs/remotes/${tracking}/${branch}`;
  } else if (/^[0-9a-f]{7,64}$/i.test(ref)) {
    fetch = `git fetch --no-tags --depth=100 ${remote} ${ref}`;
  } else {
    const branch = ref.replace(/^refs\/heads\//, '');
    fetch = `git fetch --no-tags --depth=100 ${remote} +refs/heads/${branch}:refs/remotes/${remote}/${branch}`;
    then = ` and pass --changed-since ${remote}/${branch}`;
  }
  return [
    `--changed-since: "${ref}" does not name a commit in this repository${isShallow ? ' (a shallow clone)' : ''}.`,
    'CI checkouts often fetch only the commit under test: check out the full history (actions/checkout: `fetch-depth: 0`;',
    `GitLab CI: \`GIT_DEPTH: 0\`), or fetch the base first, e.g. \`${fetch}\`${then}.`,
  ].join('\n');
}

/** A path with its directory's symbolic links resolved, so `/tmp/x` and `/private/tmp/x` agree. */
function makeKeyer(): (absolutePath: string) => string {
  const directories = new Map<string, string>();
  return (absolutePath) => {
    const resolved = path.resolve(absolutePath);
    const directory = path.dirname(resolved);
    let real = directories.get(directory);
    if (real === undefined) {
      try {
        real = realpathSync.native(directory);
      } catch {
        real = directory;
      }
      directories.set(directory, real);
    }
    return path.join(real, path.basename(resolved));
  };
}

interface ChangedFilesInit extends FindChangedOptions {
  root: string;
  mergeBase: string;
  records: ChangeRecord[];
}

export class ChangedFiles {
  readonly ref: string;
  readonly mergeBase: string;
  readonly root: string;
  private readonly options: ChangedFilesInit;
  private readonly key = makeKeyer();
  private readonly records = new Map<string, ChangeRecord>();
  private readonly decisions = new Map<string, ChangeKind | undefined>();

  constructor(init: ChangedFilesInit) {
    this.options = init;
    this.ref = init.ref;
    this.mergeBase = init.mergeBase;
    this.root = init.root;
    for (const record of init.records) this.records.set(this.key(path.join(init.root, record.path)), record);
  }

  /** Whether the file (absolute path) is one this run reports: changed, and counted for its kind. */
  includes(filePath: string): boolean {
    return this.decide(filePath) !== undefined;
  }

  /** `added` (every line counts), `modified` (the diff's lines count), or undefined when not reported. */
  private decide(filePath: string): 'added' | 'modified' | undefined {
    if (!path.isAbsolute(filePath)) return undefined;
    const key = this.key(filePath);
    if (this.decisions.has(key)) return this.decisions.get(key) as 'added' | 'modified' | undefined;
    const record = this.records.get(key);
    let decision: 'added' | 'modified' | undefined;
    if (record !== undefined) {
      const isMigration = this.options.isMigrationPath(filePath);
      if (record.kind === 'renamed') {
        // Same content under a new name: history, unless it only now became a migration.
        const wasMigration = record.oldPath !== undefined && this.options.isMigrationPath(path.join(this.root, record.oldPath));
        decision = isMigration && !wasMigration ? 'added' : undefined;
      } else if (record.kind === 'added') {
        decision = 'added';
      } else {
        decision = !isMigration || this.options.migrations === 'modified' ? 'modified' : undefined;
      }
    }
    this.decisions.set(key, decision);
    return decision;
  }

  /**
   * Keeps the results of changed files (and results of files that could not be read at all,
   * which fail the run anyway); with --changed-lines, only their messages on changed lines.
   */
  async restrict(results: readonly CliResult[]): Promise<CliResult[]> {
    const kept = results.filter((result) => result.fatalErrorCount > 0 || this.includes(result.filePath));
    if (!this.options.lines) return kept;
    return mapLimit(kept, 4, async (result) => {
      if (result.fatalErrorCount > 0 || this.decide(result.filePath) !== 'modified') return result;
      const lines = await this.changedLines(result.filePath);
      if (lines === undefined) return result;
      return withMessages(
        result,
        result.messages.filter((message) => keepOnChangedLines(message, lines)),
      );
    });
  }

  /** Lines of a modified file that the diff from the merge base adds or changes; undefined: all. */
  private async changedLines(filePath: string): Promise<readonly LineInterval[] | undefined> {
    const record = this.records.get(this.key(filePath));
    if (record === undefined) return undefined;
    const paths = record.oldPath !== undefined ? [record.oldPath, record.path] : [record.path];
    const patch = await git(
      [
        '-c',
        'diff.relative=false',
        'diff',
        '--unified=0',
        '--no-color',
        '--no-ext-diff',
        '--no-textconv',
        '-M',
        '--ignore-submodules=all',
        this.mergeBase,
        '--',
        ...paths,
      ],
      this.root,
    );
    if (patch.code !== 0) throw new UsageError(`--changed-lines: git diff failed for ${record.path}: ${gitComplaint(patch)}.`);
    return changedLinesFromPatch(patch.stdout);
  }
}

function keepOnChangedLines(message: CliMessage, lines: readonly LineInterval[]): boolean {
  if (message.ruleId === null || message.fatal || WHOLE_FILE_RULE_IDS.has(message.ruleId)) return true;
  const end = Math.max(message.line, message.endLine ?? message.line);
  return intersectsIntervals(lines, message.line, end);
}

async function mapLimit<T, R>(items: readonly T[], limit: number, map: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      out[index] = await map(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
