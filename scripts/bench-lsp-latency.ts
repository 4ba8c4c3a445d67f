/**
 * Re-analysis latency of the built language server for a 2,000-line migration after a
 * one-character edit (used by scripts/bench-lsp.ts and the `lsp` section of scripts/bench.ts).
 * Each iteration sends one incremental didChange and times the pull `textDocument/diagnostic`
 * round trip (no push debounce in the measurement): with the client naming its last report as VS
 * Code does (the server may answer `unchanged`) and without (the whole list every time), for a
 * replaced character and for a typed or deleted one.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { StreamMessageReader, StreamMessageWriter, createMessageConnection } from 'vscode-jsonrpc/node';

/** Issue 13: the language server's re-lint after an edit must stay under this at the 95th percentile. */
export const LSP_P95_TARGET_MS = 30;
export const LSP_LINES = 2000;

export interface LatencyMode {
  edit: 'replaced' | 'typed/deleted';
  /** The client named its last report (the server may answer `unchanged`). */
  previousResultId: boolean;
  /** Reports answered `unchanged`. */
  unchanged: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

export interface LspLatency {
  lines: number;
  findings: number;
  iterations: number;
  warmUp: number;
  modes: LatencyMode[];
}

/** 2,000 lines of a realistic migration mix: tables, columns, indexes, backfills, queries. */
function migrationLines(): string[] {
  const lines: string[] = [];
  for (let i = 0; lines.length < LSP_LINES; i++) {
    lines.push(
      `CREATE TABLE t${i} (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text, created_at timestamptz);`,
      `ALTER TABLE t${i} ADD COLUMN status text;`,
      `CREATE INDEX t${i}_name_idx ON t${i} (name);`,
      `UPDATE t${i} SET status = 'new' WHERE id < 1000;`,
      `SELECT id, name FROM t${i} WHERE lower(name) = 'x';`,
    );
  }
  return lines.slice(0, LSP_LINES);
}

/**
 * `server`: the built server bundle (packages/language-server/dist/server.mjs). `iterations`
 * measured edits per mode, after `warmUp` unmeasured ones: the server's code is still being
 * compiled and the heap still settling after parsing the whole file on open.
 */
export async function measureLspLatency(options: { server: string; iterations?: number; warmUp?: number }): Promise<LspLatency> {
  const iterations = options.iterations ?? 200;
  const warmUp = options.warmUp ?? 100;
  const lines = migrationLines();
  const text = lines.join('\n') + '\n';
  const dir = mkdtempSync(path.join(tmpdir(), 'sqlwarden-bench-lsp-'));
  const child = spawn(process.execPath, [options.server, '--stdio'], { stdio: 'pipe' });
  const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  try {
    connection.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => ({})));
    connection.onRequest('client/registerCapability', () => null);
    connection.listen();
    const rootUri = pathToFileURL(dir).href;
    await connection.sendRequest('initialize', { processId: process.pid, rootUri, workspaceFolders: [{ uri: rootUri, name: 'bench' }], capabilities: { textDocument: { diagnostic: {} } } });
    await connection.sendNotification('initialized', {});
    const uri = pathToFileURL(path.join(dir, 'migrations', '20240101000000_big.sql')).href;
    await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'sql', version: 1, text } });
    let findings = 0;
    for (let i = 0; i < 10; i++) findings = ((await connection.sendRequest('textDocument/diagnostic', { textDocument: { uri } })) as { items: unknown[] }).items.length;

    type Report = { kind: 'full' | 'unchanged'; resultId?: string; items?: unknown[] };
    let version = 1;
    const measure = async (mode: { previousResultId: boolean; insert: boolean }): Promise<LatencyMode> => {
      let last = ((await connection.sendRequest('textDocument/diagnostic', { textDocument: { uri } })) as Report).resultId;
      const times: number[] = [];
      let unchanged = 0;
      for (let i = -warmUp; i < iterations; i++) {
        // One character inside a string literal on line 1000: swapped, or typed and then deleted.
        const character = lines[999]!.indexOf("'") + 1;
        const change = mode.insert
          ? i % 2
            ? { range: { start: { line: 999, character }, end: { line: 999, character: character + 1 } }, text: '' }
            : { range: { start: { line: 999, character }, end: { line: 999, character } }, text: 'y' }
          : { range: { start: { line: 999, character }, end: { line: 999, character: character + 1 } }, text: i % 2 ? 'n' : 'y' };
        await connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: ++version }, contentChanges: [change] });
        const start = performance.now();
        const report = (await connection.sendRequest('textDocument/diagnostic', { textDocument: { uri }, ...(mode.previousResultId && last ? { previousResultId: last } : {}) })) as Report;
        if (i < 0) {
          last = report.resultId;
          continue;
        }
        times.push(performance.now() - start);
        if (report.kind === 'unchanged') unchanged++;
        last = report.resultId;
      }
      times.sort((a, b) => a - b);
      const percentile = (p: number) => times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))]!;
      return { edit: mode.insert ? 'typed/deleted' : 'replaced', previousResultId: mode.previousResultId, unchanged, p50Ms: percentile(50), p95Ms: percentile(95), maxMs: times[times.length - 1]! };
    };

    const modes: LatencyMode[] = [];
    for (const insert of [false, true]) for (const previousResultId of [true, false]) modes.push(await measure({ previousResultId, insert }));
    return { lines: lines.length, findings, iterations, warmUp, modes };
  } finally {
    connection.dispose();
    child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One line per mode: `replaced, previousResultId sent (0 unchanged): p50 4.1 ms, p95 6.0 ms, max 9.3 ms`. */
export function describeMode(mode: LatencyMode): string {
  const how = `${mode.edit}, ${mode.previousResultId ? `previousResultId sent (${mode.unchanged} unchanged)` : 'full report each time'}`;
  return `${how}: p50 ${mode.p50Ms.toFixed(1)} ms, p95 ${mode.p95Ms.toFixed(1)} ms, max ${mode.maxMs.toFixed(1)} ms`;
}
