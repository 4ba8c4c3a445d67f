// Bundles every runnable entry point into one ESM file each (npm run build).
import { chmod, copyFile, mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * One line per bundle. `bin` adds the shebang and makes the file executable; every ESM bundle gets
 * the parser's libpg-query.wasm copied next to it (see `wasmNextToBundle`); `format: 'cjs'`
 * bundles get neither the banner nor the .wasm. `external` packages
 * stay imports resolved from node_modules at run time: PGlite loads its own .wasm and data files
 * from its package directory, and pg has optional native and platform imports; both are
 * dependencies of @sqlwarden/cli and loaded only by `sqlwarden trace`.
 */
export const entries = [
  { entry: 'packages/cli/src/main.ts', outfile: 'packages/cli/dist/sqlwarden.mjs', bin: true, external: ['@electric-sql/pglite', 'pg'] },
  // The CLI's lint worker (--concurrency), loaded by the CLI bundle from next to itself.
  { entry: 'packages/cli/src/workers/worker.ts', outfile: 'packages/cli/dist/sqlwarden-worker.mjs' },
  { entry: 'packages/language-server/src/server.ts', outfile: 'packages/language-server/dist/server.mjs', bin: true },
  // The VS Code extension's client: CommonJS, as VS Code loads it with require(); `vscode` is
  // provided by the extension host. It needs no parser. The .vsix is packaged after every entry
  // is built (packageExtension below), with a copy of the server bundle.
  { entry: 'extension/src/extension.ts', outfile: 'extension/dist/extension.js', format: 'cjs', external: ['vscode'] },
];

/*
 * Bundled CommonJS code (libpg-query's Emscripten loader, ajv, write-file-atomic) expects
 * `require`, `__filename` and `__dirname`. The banner defines them for the bundle file under
 * private names, and `define` points the free identifiers there, so a module that declares its
 * own `__dirname` cannot clash. Emscripten's Node path loads `__dirname + "/libpg-query.wasm"`,
 * so the .wasm must sit next to the bundle.
 */
const BANNER = [
  "import { createRequire as __sqlwardenCreateRequire } from 'node:module';",
  "import { fileURLToPath as __sqlwardenFileURLToPath } from 'node:url';",
  "import { dirname as __sqlwardenDirname } from 'node:path';",
  'const require = __sqlwardenCreateRequire(import.meta.url);',
  'const __sqlwarden_filename = __sqlwardenFileURLToPath(import.meta.url);',
  'const __sqlwarden_dirname = __sqlwardenDirname(__sqlwarden_filename);',
].join('\n');

function wasmSource() {
  const requireFromCore = createRequire(join(root, 'packages/core/package.json'));
  return join(dirname(requireFromCore.resolve('libpg-query')), 'libpg-query.wasm');
}

export async function buildEntry({ entry, outfile, bin = false, external = [], format = 'esm' }) {
  const out = resolve(root, outfile);
  await mkdir(dirname(out), { recursive: true });
  const esm = format === 'esm';
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: [resolve(root, entry)],
    outfile: out,
    bundle: true,
    platform: 'node',
    format,
    target: 'node20',
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'warning',
    ...(esm
      ? {
          banner: { js: (bin ? '#!/usr/bin/env node\n' : '') + BANNER },
          define: { __dirname: '__sqlwarden_dirname', __filename: '__sqlwarden_filename' },
        }
      : {}),
    external,
  });
  if (esm) await copyFile(wasmSource(), join(dirname(out), 'libpg-query.wasm'));
  if (bin) await chmod(out, 0o755);
  return out;
}

export async function build() {
  const outputs = [];
  for (const entry of entries) outputs.push(await buildEntry(entry));
  outputs.push(await packageExtension());
  return outputs;
}

/** extension/dist: the server bundle and icon next to the client, then `vsce package` (offline). */
async function packageExtension() {
  const { packageExtension: pack } = await import(pathToFileURL(join(root, 'extension/scripts/package.mjs')).href);
  return pack();
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    for (const out of await build()) console.log(`built ${out.slice(root.length + 1)}`);
  } catch (error) {
    // esbuild has already printed the located errors.
    if (!error?.errors) console.error(error);
    process.exitCode = 1;
  }
}
