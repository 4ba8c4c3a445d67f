/**
 * Lints the run's readable files in replay order, one file at a time (so the progress bar can
 * follow), optionally through the --cache.
 *
 * With the cache: every file gets its chained key (keys.ts). A file whose key has an entry is
 * not linted. The misses still need the schema catalog the files before them build, so the hits
 * before the first miss are replayed without rules (`replayOnly`: parsing, most of the cost),
 * hits between the first and last miss are linted again, and hits after the last miss are not
 * touched. An unchanged tree lints nothing; a new last migration lints one file after replaying
 * the others.
 */
import type { LintFileResult, Linter } from '@sqlwarden/core';
import type { Progress } from '../progress.ts';
import { lintInOrder, type ParallelOptions } from '../workers/pool.ts';
import { chainedKeys, EnvironmentHasher } from './keys.ts';
import type { CacheEntry, CacheLog, LintCache } from './store.ts';

export interface LintSelectedOptions {
  linter: Linter;
  files: Array<{ path: string; text: string }>;
  fix: boolean;
  /** With `fix`: which files to fix (default every file); see LintFilesOptions.fixFile. */
  fixFile?: (filePath: string) => boolean;
  progress: Progress;
  /** Absent, and ignored when fixing: fix runs are never cached. */
  cache?: { store: LintCache; globalKey: string; log: CacheLog };
  summarize: (filePath: string, source: string, messages: CacheEntry['messages']) => LintFileResult;
  /** Threads to lint on (1: this one); see workers/pool.ts. */
  threads: number;
  /** What a worker needs to build the same Linter. */
  job: ParallelOptions['job'];
  /** DEBUG=sqlwarden:workers lines. */
  workersLog: (line: string) => void;
}

function byPath(a: LintFileResult, b: LintFileResult): number {
  return a.filePath < b.filePath ? -1 : a.filePath > b.filePath ? 1 : 0;
}

function toEntry(key: string, result: LintFileResult): CacheEntry {
  const entry: CacheEntry = { key, messages: result.messages };
  if (result.statementRanges !== undefined) entry.statements = result.statementRanges.map((range) => [range.start, range.end]);
  if (result.classification !== undefined) entry.classification = result.classification;
  return entry;
}

function fromEntry(file: { path: string; text: string }, entry: CacheEntry, summarize: LintSelectedOptions['summarize']): LintFileResult {
  const result = summarize(file.path, file.text, entry.messages);
  if (entry.classification !== undefined) result.classification = entry.classification;
  // Only the ranges are kept (what --baseline fingerprints use); the parse trees are not.
  if (entry.statements !== undefined) result.statementRanges = entry.statements.map(([start, end]) => ({ start, end }));
  return result;
}

/** Results in path order, as `Linter.lintFiles` returns them. */
export async function lintSelected(options: LintSelectedOptions): Promise<LintFileResult[]> {
  const { linter, progress } = options;
  const ordered = linter.replayOrder(options.files);
  const lint = (files: Array<{ path: string; text: string }>, replayed: number): Promise<LintFileResult[]> =>
    lintInOrder({ linter, files, replayed, threads: options.threads, fix: options.fix, fixFile: options.fixFile, progress, job: options.job, summarize: options.summarize, log: options.workersLog });

  const cache = options.fix ? undefined : options.cache;
  if (!cache) return (await lint(ordered, 0)).sort(byPath);

  const keys = await chainedKeys(ordered, cache.globalKey, new EnvironmentHasher(linter));
  const entries = ordered.map((file, index) => cache.store.get(file.path, keys[index]!));
  const firstMiss = entries.indexOf(undefined);
  const lastMiss = entries.lastIndexOf(undefined);
  // The hits before the first miss are only replayed (parse and catalog, no rules) to rebuild the
  // schema the misses are linted against; the hits between two misses are linted again.
  const linted = lastMiss < 0 ? [] : await lint(ordered.slice(0, lastMiss + 1), firstMiss);
  const results: LintFileResult[] = [];
  for (const [index, file] of ordered.entries()) {
    const entry = entries[index];
    if (index >= firstMiss && index <= lastMiss) {
      cache.log(`${entry === undefined ? 'miss' : 'relint'} ${file.path}`);
      const result = linted[index - firstMiss]!;
      if (entry === undefined) cache.store.set(file.path, toEntry(keys[index]!, result));
      results.push(result);
    } else {
      cache.log(`hit ${file.path}`);
      results.push(fromEntry(file, entry!, options.summarize));
      if (index > lastMiss) progress.tick(); // the ones before the first miss were ticked as they were replayed
    }
  }
  return results.sort(byPath);
}
