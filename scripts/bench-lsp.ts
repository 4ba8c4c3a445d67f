/**
 * Benchmark (not a test): re-analysis latency of the built language server for a 2,000-line
 * migration after a one-character edit (see scripts/bench-lsp-latency.ts for what is measured).
 * `npm run bench` runs the same measurement as its `lsp` section (`npm run bench -- --only lsp`).
 *   npm run build && node scripts/run-ts.mjs scripts/bench-lsp.ts [iterations]
 */
import path from 'node:path';
import { LSP_P95_TARGET_MS, describeMode, measureLspLatency } from './bench-lsp-latency.ts';

const iterations = Number(process.argv[2] ?? 200);
const result = await measureLspLatency({ server: path.resolve('packages/language-server/dist/server.mjs'), iterations });
console.log(`${result.lines}-line migration, ${result.findings} findings, ${result.iterations} one-character edits each (after ${result.warmUp} unmeasured):`);
for (const mode of result.modes) console.log(`  ${describeMode(mode)}${mode.p95Ms < LSP_P95_TARGET_MS ? '' : ` (p95 over the ${LSP_P95_TARGET_MS} ms target)`}`);
