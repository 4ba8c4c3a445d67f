/** Messages between the CLI's main thread and its lint workers (see pool.ts). */
import type { Diagnostic, FileClassification } from '@sqlwarden/core';

export interface WorkerJob {
  cwd: string;
  configPath?: string;
  overrides: { rules?: Record<string, unknown>; postgresVersion?: number };
  /**
   * Files in replay order: the first `start` are only replayed into the catalog, the rest are
   * linted. A file without `text` is read by the worker when its turn comes (`maxFileBytes`).
   */
  files: Array<{ path: string; text?: string }>;
  start: number;
  maxFileBytes?: number;
}

/** A LintFileResult without what the main thread already has or cannot use (parse trees). */
export interface LintedInWorker {
  messages: Diagnostic[];
  statementRanges?: Array<[number, number]>;
  classification?: FileClassification;
  /** The text the worker read, for a file the main thread did not send it. */
  source?: string;
}

/** A file given without its text that the worker could not read: the reason, as readSourceFile gives it. */
export interface UnreadableInWorker {
  unreadable: string;
}

export type WorkerResult = LintedInWorker | UnreadableInWorker;

export type WorkerMessage =
  | { type: 'result'; index: number; result: WorkerResult }
  | { type: 'done' }
  | { type: 'error'; message: string; stack?: string };
