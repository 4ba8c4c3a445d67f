/**
 * Entry of dist/sqlwarden.mjs: runs the CLI bundle (dist/sqlwarden-main.cjs, built from main.ts)
 * through V8's code cache (code-cache.ts). The bundle is one function expression,
 * `(function (exports, require, module, __sqlwarden_filename, __sqlwarden_dirname, __sqlwarden_url, __sqlwarden_import) { ... })`
 * (scripts/build.mjs wraps it), called here with what a CommonJS module gets, the file URL that
 * stands in for `import.meta.url`, and this module's `import()`, which the bundle's `importModule`
 * calls (a script compiled from V8's code cache cannot run an `import()` of its own on Node 20).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import v8 from 'node:v8';
import { fileURLToPath } from 'node:url';
import { debugLogger } from '../cache/debug.ts';
import { compileBundle } from './code-cache.ts';
import { BASELINE_WASM_FLAGS } from './wasm-tiering.ts';

type BundleFunction = (
  exports: object,
  require: NodeJS.Require,
  module: { exports: { main?: () => Promise<void> } },
  filename: string,
  dirname: string,
  url: string,
  importModule: (specifier: string) => Promise<unknown>,
) => void;

const url = new URL('./sqlwarden-main.cjs', import.meta.url);
const file = fileURLToPath(url);
// Before compiling: V8's flags are part of what its code cache must match (see wasm-tiering.ts).
v8.setFlagsFromString(BASELINE_WASM_FLAGS);
const compiled = compileBundle(file, readFileSync(file), process.env, debugLogger(process.env, 'startup', (text) => process.stderr.write(text)));
const bundle = compiled.run() as BundleFunction;
const module: { exports: { main?: () => Promise<void> } } = { exports: {} };
// Package names resolve from here, next to the bundle.
bundle(module.exports, createRequire(file), module, file, path.dirname(file), url.href, (specifier) => import(specifier));
await module.exports.main!();
// The run may have changed them (tuneWasmCompilation); the stored code must match the next start's.
v8.setFlagsFromString(BASELINE_WASM_FLAGS);
compiled.updateCache();
