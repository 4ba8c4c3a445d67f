/**
 * Entry of the lint worker bundle (dist/sqlwarden-worker.mjs). It builds the same Linter as the
 * main thread, replays the files before its share into the catalog without running rules, then
 * lints its share and posts each file's findings.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Linter, readSourceFile } from '@sqlwarden/core';
import { builtinRules } from '@sqlwarden/rules';
import type { LintedInWorker, WorkerJob, WorkerMessage } from './protocol.ts';

async function work(job: WorkerJob, post: (message: WorkerMessage) => void): Promise<void> {
  const linter = new Linter({
    cwd: job.cwd,
    ...(job.configPath !== undefined ? { configPath: job.configPath } : {}),
    overrides: job.overrides,
    rules: builtinRules,
  });
  const limits = job.maxFileBytes === undefined ? undefined : { maxBytes: job.maxFileBytes };
  const textOf = (file: WorkerJob['files'][number]): { ok: true; text: string } | { ok: false; message: string } =>
    file.text !== undefined ? { ok: true, text: file.text } : readSourceFile(file.path, limits);
  // One file per call keeps the given (replay) order; the catalog carries over between calls.
  for (const file of job.files.slice(0, job.start)) {
    const read = textOf(file);
    if (read.ok) await linter.lintFiles([{ path: file.path, text: read.text }], { replayOnly: true });
  }
  for (let index = job.start; index < job.files.length; index++) {
    const file = job.files[index]!;
    const read = textOf(file);
    if (!read.ok) {
      post({ type: 'result', index, result: { unreadable: read.message } });
      continue;
    }
    const [result] = await linter.lintFiles([{ path: file.path, text: read.text }]);
    const slim: LintedInWorker = { messages: result!.messages };
    if (result!.statementRanges !== undefined) slim.statementRanges = result!.statementRanges.map((range) => [range.start, range.end]);
    if (result!.classification !== undefined) slim.classification = result!.classification;
    if (file.text === undefined) slim.source = read.text;
    post({ type: 'result', index, result: slim });
  }
  post({ type: 'done' });
}

if (parentPort) {
  const port = parentPort;
  const post = (message: WorkerMessage): void => port.postMessage(message);
  work(workerData as WorkerJob, post).catch((error: unknown) => {
    post({ type: 'error', message: error instanceof Error ? error.message : String(error), ...(error instanceof Error && error.stack ? { stack: error.stack } : {}) });
  });
}
