/**
 * How V8 compiles the parser's WebAssembly (libpg-query, 1.7 MB). By default V8 recompiles a
 * function with its optimizing compiler (TurboFan) once it has run enough; for libpg-query's
 * large functions that compilation costs more than it saves unless the run lints a lot of SQL,
 * and a run that is done still waits for it before the process exits. Measured on this
 * repository's machine, with Liftoff (the baseline compiler) only: one 10-byte file 0.40 to
 * 0.27 s CPU, one 20 KB migration 0.70 to 0.40 s, 500 files (0.8 MB) 4.7-5.6 to 4.3-4.6 s; the
 * 2,299 files (16 MB) of the reference corpus 30.1 to 32.0 s.
 *
 * So the launcher (launch.ts) starts every run with `--liftoff-only`, set before it compiles
 * the bundle (the flags are part of what V8's code cache must match, and the launcher sets them
 * back before storing the cache), and a run of many files turns TurboFan back on before it
 * loads the parser. Outside the launcher (tests, the language server) nothing changes.
 */
import v8 from 'node:v8';

export const BASELINE_WASM_FLAGS = '--liftoff-only';

/** From this many files on, optimizing the parser pays for itself. */
export const OPTIMIZE_WASM_FROM_FILES = 1000;

/** Before the parser is loaded: lets V8 optimize it when the run has many files to lint. */
export function tuneWasmCompilation(fileCount: number): void {
  if (fileCount >= OPTIMIZE_WASM_FROM_FILES) v8.setFlagsFromString('--no-liftoff-only');
}
