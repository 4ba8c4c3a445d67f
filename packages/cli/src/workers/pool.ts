/**
 * --concurrency: lints files (in replay order) on several threads with results identical to one
 * thread. A file's findings depend on the catalog every file before it built, so the files are
 * cut into consecutive shares: the main thread lints the first share; each worker first replays
 * the files before its share into its own catalog (no rules, and only the statements that can
 * change the schema are parsed: `replayOnly`), then lints its share. The shares shrink towards the
 * end by what that catch-up costs (`splitShares`).
 */
import { existsSync, statSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Linter, LintFileResult, ReadResult } from '@sqlwarden/core';
import type { Progress } from '../progress.ts';
import type { LintedInWorker, WorkerJob, WorkerMessage, WorkerResult } from './protocol.ts';

/**
 * What replaying a file (schema statements only, no rules) costs relative to linting it. On the
 * pg-migrations corpus (2,299 files, one thread, CPU time after warm-up): 3.3 s to replay all of
 * it, 13.0 s to lint it, 0.25; a little more here for the worker's own start-up.
 */
export const REPLAY_COST = 0.3;
/** Fewer files than this per thread are not worth a worker's start-up. */
export const MIN_FILES_PER_THREAD = 200;

/**
 * `auto`: one thread per available core but one, and no more than one per MIN_FILES_PER_THREAD
 * files: one thread on two cores. There, with catch-up replays at a quarter of a lint, two
 * threads should gain on an idle machine, but on the shared two-core machine of the benchmark
 * (load 5 to 7) `--concurrency 2` took 39 s against 31 s for one thread: the gain is not shown.
 */
export function threadCount(concurrency: 'auto' | number, files: number, cores = os.availableParallelism()): number {
  if (concurrency !== 'auto') return Math.max(1, Math.min(concurrency, files));
  return Math.max(1, Math.min(cores - 1, Math.floor(files / MIN_FILES_PER_THREAD)));
}

/**
 * Share boundaries `[0, b1, ..., n]` for `threads` threads, balancing each thread's cost (text
 * length as the cost of a file): thread 0 lints [0, b1); thread k replays [0, bk) and lints
 * [bk, bk+1). Binary search on the largest per-thread cost.
 */
export function splitShares(sizes: readonly number[], threads: number, replayCost = REPLAY_COST, replayedBefore = 0): number[] {
  const prefix = [0];
  for (const size of sizes) prefix.push(prefix[prefix.length - 1]! + size + 1);
  const n = sizes.length;
  const fits = (limit: number): number[] | undefined => {
    const bounds = [0];
    for (let thread = 0; thread < threads; thread++) {
      const start = bounds[bounds.length - 1]!;
      const budget = limit - replayCost * (replayedBefore + (thread === 0 ? 0 : prefix[start]!));
      let end = start;
      while (end < n && prefix[end + 1]! - prefix[start]! <= budget) end++;
      bounds.push(end);
      if (end === n) break;
    }
    return bounds[bounds.length - 1] === n ? bounds : undefined;
  };
  let low = 0;
  let high = prefix[n]! + Math.ceil(replayCost * (replayedBefore + prefix[n]!));
  let best = [0, n];
  while (low <= high) {
    const middle = Math.floor((low + high) / 2);
    const bounds = fits(middle);
    if (bounds) {
      best = bounds;
      high = middle - 1;
    } else {
      low = middle + 1;
    }
  }
  // Drop empty shares.
  return best.filter((bound, index) => index === 0 || bound !== best[index - 1]);
}

/** The worker bundle next to the CLI bundle; undefined when running from source (tests), which lints on one thread. */
export function workerEntry(): URL | undefined {
  const url = new URL('./sqlwarden-worker.mjs', import.meta.url);
  return url.protocol === 'file:' && existsSync(fileURLToPath(url)) ? url : undefined;
}

/**
 * A file to lint. `text` when it was read up front (--fix and --cache need every text first);
 * otherwise it is read when its turn comes and dropped once linted, so a run holds one file's
 * text at a time, not the history's.
 */
export interface LintInput {
  path: string;
  text?: string;
}

/** What sharing files between threads weighs a file not read yet by: its bytes; 0 when it cannot be examined (it is reported when read). */
function sizeOnDisk(filePath: string): number {
  try {
    return statSync(filePath).size;
  } catch {
    return 0;
  }
}

/** A file's result, or why a file given without its text could not be read. */
export type LintOutcome = { result: LintFileResult } | { unreadable: { filePath: string; message: string } };

export interface ParallelOptions {
  linter: Linter;
  /** In replay order. */
  files: readonly LintInput[];
  /** The first `replayed` files are only replayed into the catalog (their results are known; they count as progress); the rest are linted. */
  replayed: number;
  threads: number;
  fix: boolean;
  /** With `fix`: which files to fix (default every file); see LintFilesOptions.fixFile. */
  fixFile?: (filePath: string) => boolean;
  progress: Progress;
  job: Omit<WorkerJob, 'files' | 'start'>;
  summarize: (filePath: string, source: string, messages: LintedInWorker['messages']) => LintFileResult;
  /** Reads a file given without its text (readSourceFile with --max-file-bytes). */
  read: (filePath: string) => ReadResult;
  log: (line: string) => void;
}

function fromWorker(filePath: string, source: string, result: LintedInWorker, summarize: ParallelOptions['summarize']): LintFileResult {
  const converted = summarize(filePath, source, result.messages);
  if (result.classification !== undefined) converted.classification = result.classification;
  if (result.statementRanges !== undefined) converted.statementRanges = result.statementRanges.map(([start, end]) => ({ start, end }));
  return converted;
}

function runWorker(entry: URL, job: WorkerJob, onResult: (index: number, result: WorkerResult) => void, started: Worker[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(entry, { workerData: job });
    started.push(worker);
    let settled = false;
    const finish = (error?: Error): void => {
      if (settled) return;
      settled = true;
      void worker.terminate();
      if (error) reject(error);
      else resolve();
    };
    worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'result') onResult(message.index, message.result);
      else if (message.type === 'done') finish();
      else finish(Object.assign(new Error(message.message), message.stack ? { stack: message.stack } : {}));
    });
    worker.on('error', (error) => finish(error));
    worker.on('exit', (code) => finish(new Error(`A lint worker stopped unexpectedly (exit code ${code}).`)));
  });
}

/**
 * Replays `files[0, replayed)`, lints the rest (replay order) and hands each file's outcome to
 * `onOutcome` (index into the linted files) as soon as it is known: the caller keeps what it
 * needs of it, so nothing here holds a result after its turn.
 */
export async function lintEach(options: ParallelOptions, onOutcome: (index: number, outcome: LintOutcome) => void): Promise<void> {
  const { linter, progress, replayed } = options;
  const all = options.files;
  const files = all.slice(replayed);
  const textOf = (file: LintInput): ReadResult | { ok: true; text: string } => (file.text !== undefined ? { ok: true, text: file.text } : options.read(file.path));
  const lintHere = async (from: number, to: number): Promise<void> => {
    for (const file of all.slice(0, replayed)) {
      const read = textOf(file);
      if (read.ok) await linter.lintFiles([{ path: file.path, text: read.text }], { replayOnly: true });
      progress.tick();
    }
    if (options.fix) {
      // One call for the whole history: a fix is applied only once every file after it was seen.
      const readable: Array<{ path: string; text: string }> = [];
      const indexOf = new Map<string, number>();
      for (let index = from; index < to; index++) {
        const file = files[index]!;
        const read = textOf(file);
        if (read.ok) {
          readable.push({ path: file.path, text: read.text });
          indexOf.set(file.path, index);
        } else {
          onOutcome(index, { unreadable: { filePath: file.path, message: read.message } });
          progress.tick();
        }
      }
      const fixed = await linter.lintFiles(readable, { fix: true, fixFile: options.fixFile });
      const byIndex = fixed.map((result) => [indexOf.get(result.filePath)!, result] as const).sort(([a], [b]) => a - b);
      for (const [index, result] of byIndex) {
        onOutcome(index, { result });
        progress.tick();
      }
      return;
    }
    for (let index = from; index < to; index++) {
      const file = files[index]!;
      const read = textOf(file);
      if (read.ok) {
        const [result] = await linter.lintFiles([{ path: file.path, text: read.text }]);
        onOutcome(index, { result: result! });
      } else {
        onOutcome(index, { unreadable: { filePath: file.path, message: read.message } });
      }
      progress.tick();
    }
  };
  const entry = options.threads > 1 && !options.fix && files.length > 1 ? workerEntry() : undefined;
  if (!entry) {
    if (options.threads > 1) options.log(options.fix ? 'fixing: one thread' : files.length <= 1 ? 'one file: one thread' : 'no worker bundle (running from source): one thread');
    await lintHere(0, files.length);
    return;
  }
  const sizeOf = (file: LintInput): number => file.text?.length ?? sizeOnDisk(file.path);
  const replayedSize = all.slice(0, replayed).reduce((sum, file) => sum + sizeOf(file) + 1, 0);
  const bounds = splitShares(files.map(sizeOf), options.threads, REPLAY_COST, replayedSize);
  options.log(`${bounds.length - 1} threads, shares starting at ${bounds.slice(0, -1).join(', ')} of ${files.length} files (after ${replayed} replayed)`);
  const started = Date.now();
  const workers: Array<Promise<void>> = [];
  const threads: Worker[] = [];
  for (let share = 1; share < bounds.length - 1; share++) {
    const job: WorkerJob = { ...options.job, files: all.slice(0, replayed + bounds[share + 1]!), start: replayed + bounds[share]! };
    workers.push(
      runWorker(entry, job, (index, result) => {
        const file = all[index]!;
        if ('unreadable' in result) onOutcome(index - replayed, { unreadable: { filePath: file.path, message: result.unreadable } });
        else onOutcome(index - replayed, { result: fromWorker(file.path, file.text ?? result.source ?? '', result, options.summarize) });
        progress.tick();
      }, threads).then(() => options.log(`worker ${share} done after ${Date.now() - started} ms`)),
    );
  }
  // The main thread's own share runs while the workers start; a worker failure is reported after it.
  const settled = Promise.allSettled(workers);
  try {
    await lintHere(0, bounds[1]!);
  } catch (error) {
    for (const thread of threads) void thread.terminate();
    throw error;
  }
  options.log(`main thread's share done after ${Date.now() - started} ms`);
  for (const outcome of await settled) if (outcome.status === 'rejected') throw outcome.reason;
}

/** `lintEach` for files given with their texts: their results, in the same order. */
export async function lintInOrder(options: Omit<ParallelOptions, 'files' | 'read'> & { files: ReadonlyArray<{ path: string; text: string }> }): Promise<LintFileResult[]> {
  const results: LintFileResult[] = new Array(options.files.length - options.replayed);
  const read = (filePath: string): never => {
    throw new Error(`${filePath} was given without its text`);
  };
  await lintEach({ ...options, read }, (index, outcome) => {
    if ('result' in outcome) results[index] = outcome.result;
  });
  return results;
}
