// Runs a TypeScript script of this repo on Node 20: bundles it with esbuild to a temp file first.
import { build } from 'esbuild';
import { mkdirSync, mkdtempSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// Workspace packages are TypeScript and get bundled; npm dependencies load from node_modules.
const externalDependencies = {
  name: 'external-dependencies',
  setup(b) {
    // Externals resolved where the importing package would find them (a workspace package's own
    // node_modules included), since the bundle runs from a cache directory.
    b.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.path.startsWith('@sqlwarden/') || args.path.startsWith('node:') || args.pluginData?.resolving) return undefined;
      const resolved = await b.resolve(args.path, { resolveDir: args.resolveDir, kind: args.kind, pluginData: { resolving: true } });
      return resolved.errors.length || !path.isAbsolute(resolved.path) ? { path: args.path, external: true } : { path: pathToFileURL(resolved.path).href, external: true };
    });
  },
};

const [entry, ...rest] = process.argv.slice(2);
// Inside the repo so the bundle's bare imports resolve from its node_modules.
const cacheDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'node_modules', '.cache', 'sqlwarden-scripts');
mkdirSync(cacheDir, { recursive: true });
const outfile = path.join(mkdtempSync(path.join(cacheDir, 'run-')), 'script.mjs');
await build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile, logLevel: 'error', plugins: [externalDependencies] });
process.argv = [process.argv[0], entry, ...rest];
await import(pathToFileURL(outfile).href);
