// Bundles every runnable entry point into one ESM file each (npm run build).
import { chmod, copyFile, mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * One line per bundle. `bin` adds the shebang and makes the file executable; every ESM or script
 * bundle gets the parser's libpg-query.wasm copied next to it (see `BANNER`); `format: 'cjs'`
 * bundles get neither the banner nor the .wasm. `format: 'script'` is the CLI's code as one
 * function expression that its launcher compiles with V8's code cache (see `SCRIPT_WRAPPER`).
 * `external` packages stay imports resolved from node_modules at run time: PGlite loads its own
 * .wasm and data files from its package directory, and pg has optional native and platform
 * imports; both are dependencies of @sqlwarden/cli and loaded only by `sqlwarden trace`.
 */
export const entries = [
  // The `sqlwarden` command: a small launcher (packages/cli/src/startup) that runs the next bundle.
  { entry: 'packages/cli/src/startup/launch.ts', outfile: 'packages/cli/dist/sqlwarden.mjs', bin: true },
  { entry: 'packages/cli/src/main.ts', outfile: 'packages/cli/dist/sqlwarden-main.cjs', format: 'script', external: ['@electric-sql/pglite', 'pg'] },
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

/**
 * A `format: 'script'` bundle is CommonJS code wrapped in one function expression; the launcher
 * (packages/cli/src/startup/launch.ts) calls it with these parameters, in this order: what a
 * CommonJS module gets, stand-ins for `__filename`, `__dirname` and `import.meta.url`, and the
 * launcher's `import()` (see `launcherImport`).
 */
const SCRIPT_WRAPPER = {
  banner: '(function (exports, require, module, __sqlwarden_filename, __sqlwarden_dirname, __sqlwarden_url, __sqlwarden_import) {',
  footer: '})',
};

const IMPORT_MODULE = resolve(root, 'packages/core/src/import-module.ts');

/**
 * In a script bundle, core's `importModule` calls the launcher's `import()`: Node 20 runs no
 * `import()` of a script compiled from V8's code cache ("A dynamic import callback was not
 * specified"). `buildEntry` refuses a script bundle that still imports a package it leaves
 * external; the CLI tests that load plugins, formatters and PGlite through the bundle catch the rest.
 */
function launcherImport() {
  return {
    name: 'launcher-import',
    setup(build) {
      build.onLoad({ filter: /[\\/]import-module\.ts$/ }, (args) =>
        resolve(args.path) === IMPORT_MODULE ? { contents: 'export function importModule(specifier) { return __sqlwarden_import(specifier); }\n', loader: 'js' } : undefined,
      );
    },
  };
}

const CONFIG_SHAPE_VALIDATOR = resolve(root, 'packages/core/src/config/shape-validator.ts');

/**
 * Replaces core's config/shape-validator.ts, which compiles the config schema with Ajv on first
 * use, by the validator Ajv generates for it ahead of time ("standalone code"), compiled with the
 * same schema and options: a run then validates configs without compiling the schema (a
 * noticeable part of a one-file run). Records whether the module was replaced: a bundle with
 * core's config code but not this replacement fails the build (a rename must not turn it off).
 */
function precompiledConfigShape(replaced) {
  return {
    name: 'precompiled-config-shape',
    setup(build) {
      build.onLoad({ filter: /[\\/]config[\\/]shape-validator\.ts$/ }, async (args) => {
        if (resolve(args.path) !== CONFIG_SHAPE_VALIDATOR) return undefined;
        const requireFromCore = createRequire(join(root, 'packages/core/package.json'));
        const { Ajv } = requireFromCore('ajv');
        const standaloneCode = requireFromCore('ajv/dist/standalone').default;
        const readJson = async (file) => JSON.parse(await readFile(resolve(root, file), 'utf8'));
        const options = await readJson('packages/core/src/config/shape-ajv-options.json');
        const schema = await readJson('packages/core/schema/sqlwarden.config.schema.json');
        const ajv = new Ajv({ ...options, code: { source: true, esm: true } });
        const code = standaloneCode(ajv, ajv.compile(schema));
        replaced.add(args.path);
        return {
          contents: `${code}\nexport function configShapeValidator() { return validate; }\n`,
          loader: 'js',
          resolveDir: dirname(args.path),
        };
      });
    },
  };
}

function wasmSource() {
  const requireFromCore = createRequire(join(root, 'packages/core/package.json'));
  return join(dirname(requireFromCore.resolve('libpg-query')), 'libpg-query.wasm');
}

export async function buildEntry({ entry, outfile, bin = false, external = [], format = 'esm' }) {
  const out = resolve(root, outfile);
  await mkdir(dirname(out), { recursive: true });
  const esm = format === 'esm';
  const script = format === 'script';
  const replaced = new Set();
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: [resolve(root, entry)],
    outfile: out,
    bundle: true,
    platform: 'node',
    format: script ? 'cjs' : format,
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
    ...(script
      ? {
          banner: { js: SCRIPT_WRAPPER.banner },
          footer: { js: SCRIPT_WRAPPER.footer },
          define: { __dirname: '__sqlwarden_dirname', __filename: '__sqlwarden_filename', 'import.meta.url': '__sqlwarden_url' },
        }
      : {}),
    external,
    plugins: [precompiledConfigShape(replaced), ...(script ? [launcherImport()] : [])],
    metafile: true,
  });
  const bundlesConfig = Object.keys(result.metafile.inputs).some((input) => input.startsWith('packages/core/src/config/'));
  if (bundlesConfig && replaced.size === 0) throw new Error(`${outfile}: the config validator was not precompiled (see precompiledConfigShape)`);
  const dynamicImports = Object.values(result.metafile.outputs).flatMap((output) => output.imports.filter((i) => i.kind === 'dynamic-import' && i.external));
  if (script && dynamicImports.length > 0) throw new Error(`${outfile}: a script bundle cannot import() (${dynamicImports.map((i) => i.path).join(', ')}); use importModule from @sqlwarden/core/import-module`);
  if (esm || script) await copyFile(wasmSource(), join(dirname(out), 'libpg-query.wasm'));
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
