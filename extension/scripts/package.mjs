// Assembles extension/dist and packages it as a .vsix (called by scripts/build.mjs after the
// bundles are built; runnable alone: `node extension/scripts/package.mjs`).
//
// extension/dist holds everything the extension runs: the client bundle (extension.js, built by
// scripts/build.mjs), a copy of the language server bundle with its libpg-query.wasm, the config
// file schemas (for jsonValidation), the icon, and a copy of the repository's LICENSE. Nothing is installed at run time, so vsce packages with --no-dependencies; the allowlist
// in extension/.vscodeignore keeps sources and node_modules out of the .vsix.
import { execFile } from 'node:child_process';
import { copyFile, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { makeIcon } from './icon.mjs';

const extensionDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const root = resolve(extensionDir, '..');
const SERVER_FILES = ['server.mjs', 'libpg-query.wasm'];
/** The config schemas the manifest's jsonValidation names (dist/...). */
export const CONFIG_SCHEMA = 'sqlwarden.config.schema.json';
export const PACKAGE_JSON_SCHEMA = 'package-json.schema.json';

/** Where `npm run build` writes the .vsix. */
export async function vsixPath() {
  const manifest = JSON.parse(await readFile(join(extensionDir, 'package.json'), 'utf8'));
  return join(extensionDir, 'dist', `${manifest.name}-${manifest.version}.vsix`);
}

/**
 * The schema of package.json's "sqlwarden" key (the other place a config lives), for the
 * manifest's jsonValidation: the config schema nested under that key, with its definitions at the
 * root so that its `#/definitions/...` references still resolve. VS Code combines it with the
 * schema it already applies to package.json.
 */
export function packageJsonSchema(configSchema) {
  const { $schema, definitions, ...config } = configSchema;
  return {
    $schema,
    title: 'sqlwarden configuration in package.json',
    type: 'object',
    properties: { sqlwarden: config },
    definitions,
  };
}

/** Copies the server bundle next to the client bundle, adds the config schemas and draws the icon. */
export async function assemble() {
  const dist = join(extensionDir, 'dist');
  await mkdir(dist, { recursive: true });
  for (const file of SERVER_FILES) await copyFile(join(root, 'packages/language-server/dist', file), join(dist, file));
  const schemaFile = join(root, 'packages/core/schema', CONFIG_SCHEMA);
  await copyFile(schemaFile, join(dist, CONFIG_SCHEMA));
  const schema = JSON.parse(await readFile(schemaFile, 'utf8'));
  await writeFile(join(dist, PACKAGE_JSON_SCHEMA), `${JSON.stringify(packageJsonSchema(schema), null, 2)}\n`);
  await writeFile(join(dist, 'icon.png'), makeIcon(128));
  // vsce takes the license from the extension's folder; the repository's one is the source.
  await copyFile(join(root, 'LICENSE'), join(extensionDir, 'LICENSE'));
}

/** Runs `vsce package` offline; resolves to the .vsix path. */
export async function packageVsix() {
  const out = await vsixPath();
  // vsce writes a temporary file that is renamed into place, so a concurrent reader (a test
  // installing the .vsix while a build runs) never sees a missing or half-written package.
  const temporary = join(dirname(out), `.${process.pid}-${Date.now()}.vsix`);
  const vsce = join(dirname(createRequire(join(root, 'package.json')).resolve('@vscode/vsce/package.json')), 'vsce');
  const args = [vsce, 'package', '--no-dependencies', '--out', temporary];
  // stdin closed: vsce must never wait for an answer to a prompt in a build.
  const { stdout, stderr } = await promisify(execFile)(process.execPath, args, { cwd: extensionDir, maxBuffer: 16 << 20, env: { ...process.env, NO_COLOR: '1' } }).catch(async (error) => {
    await rm(temporary, { force: true });
    throw new Error(`vsce package failed:\n${error.stdout ?? ''}${error.stderr ?? ''}`, { cause: error });
  });
  await rename(temporary, out);
  const warnings = `${stdout}\n${stderr}`.split('\n').filter((line) => /WARNING|ERROR/i.test(line));
  for (const line of warnings) console.warn(`vsce: ${line.trim()}`);
  return out;
}

export async function packageExtension() {
  await assemble();
  return packageVsix();
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    console.log(`packaged ${(await packageExtension()).slice(root.length + 1)}`);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
}
