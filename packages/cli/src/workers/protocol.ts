/** Messages between the CLI's main thread and its lint workers (see pool.ts). */
import type { Diagnostic, FileClassification } from '@sqlwarden/core';

export interface WorkerJob {
  cwd: string;
  configPath?: string;
  overrides: { rules?: Record<string, unknown>; postgresVersion?: number };
  /** Files in replay order: the first `start` are only replayed into the catalog, the rest are linted. */
  files: Array<{ path: string; text: string }>;
  start: number;
}

/** A LintFileResult without what the main thread already has (the source) or cannot use (parse trees). */
export interface WorkerResult {
  messages: Diagnostic[];
  statements?: Array<[number, number]>;
  classification?: FileClassification;
}

export type WorkerMessage =
  | { type: 'result'; index: number; result: WorkerResult }
  | { type: 'done' }
  | { type: 'error'; message: string; stack?: string };
