/**
 * Benchmark (not a test): re-analysis latency of the built language server for a 2,000-line
 * migration after a one-character edit. Each iteration sends one incremental didChange and times
 * the pull `textDocument/diagnostic` round trip (no push debounce in the measurement): with the
 * client naming its last report as VS Code does (the server may answer `unchanged`) and without
 * (the whole list every time), for a replaced character and for a typed or deleted one.
 *   npm run build && node scripts/run-ts.mjs scripts/bench-lsp.ts [iterations]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { StreamMessageReader, StreamMessageWriter, createMessageConnection } from 'vscode-jsonrpc/node';

const iterations = Number(process.argv[2] ?? 200);
const WARM_UP = 100;
const server = path.resolve('packages/language-server/dist/server.mjs');
const dir = mkdtempSync(path.join(tmpdir(), 'sqlwarden-bench-'));

// 2,000 lines of a realistic migration mix: tables, columns, indexes, backfills, queries.
const lines: string[] = [];
for (let i = 0; lines.length < 2000; i++) {
  lines.push(
    `CREATE TABLE t${i} (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text, created_at timestamptz);`,
    `ALTER TABLE t${i} ADD COLUMN status text;`,
    `CREATE INDEX t${i}_name_idx ON t${i} (name);`,
    `UPDATE t${i} SET status = 'new' WHERE id < 1000;`,
    `SELECT id, name FROM t${i} WHERE lower(name) = 'x';`,
  );
}
const text = lines.slice(0, 2000).join('\n') + '\n';

const child = spawn(process.execPath, [server, '--stdio'], { stdio: 'pipe' });
const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
connection.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => ({})));
connection.onRequest('client/registerCapability', () => null);
connection.listen();
const rootUri = pathToFileURL(dir).href;
await connection.sendRequest('initialize', { processId: process.pid, rootUri, workspaceFolders: [{ uri: rootUri, name: 'bench' }], capabilities: { textDocument: { diagnostic: {} } } });
await connection.sendNotification('initialized', {});
const uri = pathToFileURL(path.join(dir, 'migrations', '20240101000000_big.sql')).href;
await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'sql', version: 1, text } });
let findings = 0;
for (let i = 0; i < 10; i++) findings = ((await connection.sendRequest('textDocument/diagnostic', { textDocument: { uri } })) as { items: unknown[] }).items.length; // warm-up

type Report = { kind: 'full' | 'unchanged'; resultId?: string; items?: unknown[] };
let version = 1;
/**
 * `previousResultId`: name the last report, as VS Code does, so that the server may answer
 * `unchanged`. `insert`: type a character (text after it moves) instead of replacing one.
 */
async function measure(options: { previousResultId: boolean; insert: boolean }): Promise<string> {
  let last = ((await connection.sendRequest('textDocument/diagnostic', { textDocument: { uri } })) as Report).resultId;
  const times: number[] = [];
  let unchanged = 0;
  // The first WARM_UP edits of each kind are not measured: the server's code is still being
  // compiled and the heap still settling after parsing the whole file on open.
  for (let i = -WARM_UP; i < iterations; i++) {
    // One character inside a string literal on line 1000: swapped, or typed and then deleted.
    const character = lines[999]!.indexOf("'") + 1;
    const change = options.insert
      ? i % 2
        ? { range: { start: { line: 999, character }, end: { line: 999, character: character + 1 } }, text: '' }
        : { range: { start: { line: 999, character }, end: { line: 999, character } }, text: 'y' }
      : { range: { start: { line: 999, character }, end: { line: 999, character: character + 1 } }, text: i % 2 ? 'n' : 'y' };
    await connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: ++version }, contentChanges: [change] });
    const start = performance.now();
    const report = (await connection.sendRequest('textDocument/diagnostic', { textDocument: { uri }, ...(options.previousResultId && last ? { previousResultId: last } : {}) })) as Report;
    if (i < 0) {
      last = report.resultId;
      continue;
    }
    times.push(performance.now() - start);
    if (report.kind === 'unchanged') unchanged++;
    last = report.resultId;
  }
  times.sort((a, b) => a - b);
  const pct = (p: number) => times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))]!.toFixed(1);
  const how = `${options.insert ? 'typed/deleted' : 'replaced'}, ${options.previousResultId ? `previousResultId sent (${unchanged} unchanged)` : 'full report each time'}`;
  return `  ${how}: p50 ${pct(50)} ms, p95 ${pct(95)} ms, max ${times[times.length - 1]!.toFixed(1)} ms`;
}

const results: string[] = [];
for (const insert of [false, true]) for (const previousResultId of [true, false]) results.push(await measure({ previousResultId, insert }));
console.log(`2000-line migration, ${findings} findings, ${iterations} one-character edits each (after ${WARM_UP} unmeasured):`);
console.log(results.join('\n'));
connection.dispose();
child.kill();
rmSync(dir, { recursive: true, force: true });
