import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const binary = path.join(repoRoot, 'packages/cli/dist/sqlwarden.mjs');
const fixturesRoot = path.join(repoRoot, 'fixtures/cli');

/** Everything the bundle is built from; a newer file than the bundle means it is stale. */
const BUILD_INPUTS = ['packages/cli/src', 'packages/cli/package.json', 'packages/core', 'rules', 'scripts/build.mjs'];

function newestMtime(entry: string): number {
  let stats;
  try {
    stats = statSync(entry);
  } catch {
    return 0;
  }
  if (!stats.isDirectory()) return stats.mtimeMs;
  let newest = stats.mtimeMs;
  for (const name of readdirSync(entry)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(path.join(entry, name)));
  }
  return newest;
}

function isFresh(): boolean {
  if (!existsSync(binary) || !existsSync(path.join(path.dirname(binary), 'libpg-query.wasm'))) return false;
  const built = statSync(binary).mtimeMs;
  return BUILD_INPUTS.every((input) => newestMtime(path.join(repoRoot, input)) <= built);
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Builds the bundle with scripts/build.mjs when it is missing or older than its sources. Test
 * files run in parallel processes, so a lock directory makes one of them build while the
 * others wait.
 */
export function ensureBuilt(): void {
  if (isFresh()) return;
  const lock = path.join(repoRoot, 'packages/cli/.build-lock');
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      try {
        if (Date.now() - statSync(lock).mtimeMs > 120_000) rmSync(lock, { recursive: true, force: true });
      } catch {
        // Released meanwhile.
      }
      if (Date.now() > deadline) throw new Error('Timed out waiting for another test process to build the CLI');
      sleep(200);
    }
  }
  try {
    if (isFresh()) return;
    const build = spawnSync(process.execPath, [path.join(repoRoot, 'scripts/build.mjs')], { cwd: repoRoot, encoding: 'utf8' });
    if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stdout}${build.stderr}`);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

const tempDirs: string[] = [];

/** A fresh temporary copy of fixtures/cli/<name> (or an empty directory for undefined). */
export function copyFixture(name?: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `sqlwarden-cli-${name ?? 'empty'}-`));
  tempDirs.push(dir);
  if (name !== undefined) cpSync(path.join(fixturesRoot, name), dir, { recursive: true });
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built binary (or `options.bin`, a copy of it) like a user would: `node sqlwarden.mjs ...args` in `cwd`. */
export function runCli(args: string[], options: { cwd: string; input?: string | Buffer; env?: Record<string, string>; bin?: string }): CliRun {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && key !== 'NO_COLOR' && key !== 'FORCE_COLOR' && key !== 'DEBUG') env[key] = value;
  }
  const result = spawnSync(process.execPath, [options.bin ?? binary, ...args], {
    cwd: options.cwd,
    input: options.input ?? '',
    env: { ...env, ...options.env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** ESLint-style JSON output parsed, with file paths made relative to `dir` for comparison. */
export function parseJsonOutput(stdout: string, dir: string): Array<Record<string, any>> {
  const results = JSON.parse(stdout) as Array<Record<string, any>>;
  return results.map((result) => ({
    ...result,
    filePath: path.isAbsolute(result.filePath) ? path.relative(dir, result.filePath).split(path.sep).join('/') : result.filePath,
  }));
}
