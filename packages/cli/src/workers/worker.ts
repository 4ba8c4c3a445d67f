/**
 * Entry of the lint worker bundle (dist/sqlwarden-worker.mjs). It builds the same Linter as the
 * main thread, replays the files before its share into the catalog without running rules, then
 * lints its share and posts each file's findings.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Linter } from '@sqlwarden/core';
import { builtinRules } from '@sqlwarden/rules';
import type { WorkerJob, WorkerMessage } from './protocol.ts';

async function work(job: WorkerJob, post: (message: WorkerMessage) => void): Promise<void> {
  const linter = new Linter({
    cwd: job.cwd,
    ...(job.configPath !== undefined ? { configPath: job.configPath } : {}),
    overrides: job.overrides,
    rules: builtinRules,
  });
  // One file per call keeps the given (replay) order; the catalog carries over between calls.
  for (const file of job.files.slice(0, job.start)) await linter.lintFiles([file], { replayOnly: true });
  for (let index = job.start; index < job.files.length; index++) {
    const [result] = await linter.lintFiles([job.files[index]!]);
    const slim: WorkerMessage = { type: 'result', index, result: { messages: result!.messages } };
    if (result!.statements !== undefined) slim.result.statements = result!.statements.map((s) => [s.range.start, s.range.end]);
    if (result!.classification !== undefined) slim.result.classification = result!.classification;
    post(slim);
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
