/**
 * V8's code cache for the CLI bundle. Node 20 compiles an ES module from source on every start
 * (`module.enableCompileCache` is Node 22), which for the 2.4 MB bundle costs more than the rest
 * of a one-file run; a `vm.Script` can instead be given the bytecode V8 serialized on an earlier
 * run (`cachedData`). The cache is an optimisation only: anything unexpected (no usable
 * directory, a corrupt, foreign or stale file, a failed write) means compiling from source, never
 * a failed run.
 *
 * One file per bundle location, so rebuilding replaces it rather than adding files: its name is
 * a hash of the bundle's path and of what V8 accepts (`cachedDataVersionTag`: version and flags);
 * its content starts with a header naming the bundle's size and CRC-32, so a rebuilt bundle
 * never gets the previous build's code (V8 itself only compares source lengths), and the CRC-32 of
 * the cached code, so a damaged file is never run.
 */
import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, lstatSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { crc32 } from 'node:zlib';

/** Set (to anything but "0") to compile from source every time. */
export const NO_CODE_CACHE_ENV = 'SQLWARDEN_NO_CODE_CACHE';

const MAGIC = 'sqlwarden-code-cache-1';
/** `MAGIC`, the bundle's byte length and CRC-32, the cached code's CRC-32 (space-separated, padded), a newline. */
const HEADER_BYTES = 64;

export interface CodeCacheLocation {
  /** The cache file; its directory exists and is private to this user. */
  file: string;
  /** `MAGIC size crc32` of the bundle the file belongs to. */
  bundle: string;
}

/**
 * The private per-user directory under the temporary directory (Node's own compile cache lives
 * there too). Shared temporary directories let other users create entries, so the directory must
 * be a real directory owned by this user and closed to others: planted bytecode would run as
 * this user.
 */
export function codeCacheDirectory(tmpdir = os.tmpdir()): string | undefined {
  const uid = process.getuid?.();
  const dir = path.join(tmpdir, `sqlwarden-code-cache-${uid ?? os.userInfo().username}`);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const stats = lstatSync(dir);
    if (!stats.isDirectory()) return undefined;
    if (uid !== undefined && (stats.uid !== uid || (stats.mode & 0o077) !== 0)) return undefined;
    return dir;
  } catch {
    return undefined;
  }
}

export function codeCacheLocation(bundleFile: string, bundle: Uint8Array, env: Record<string, string | undefined>, dir = codeCacheDirectory()): CodeCacheLocation | undefined {
  const disabled = env[NO_CODE_CACHE_ENV];
  if ((disabled !== undefined && disabled !== '' && disabled !== '0') || dir === undefined) return undefined;
  const name = createHash('sha256').update(`${path.resolve(bundleFile)}\0${v8.cachedDataVersionTag()}`).digest('hex').slice(0, 32);
  return { file: path.join(dir, `${name}.bin`), bundle: `${MAGIC} ${bundle.length} ${crc32(bundle)}` };
}

function header(location: CodeCacheLocation, data: Uint8Array): Buffer {
  const bytes = Buffer.alloc(HEADER_BYTES, ' ');
  bytes.write(`${location.bundle} ${crc32(data)}`, 'latin1');
  bytes[HEADER_BYTES - 1] = 0x0a;
  return bytes;
}

/** The cached code for this bundle, or undefined when there is none or it belongs to another build. */
export function readCodeCache(location: CodeCacheLocation): Buffer | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(location.file);
  } catch {
    return undefined;
  }
  const data = bytes.subarray(HEADER_BYTES);
  if (data.length === 0 || !bytes.subarray(0, HEADER_BYTES).equals(header(location, data))) return undefined;
  return data;
}

/** Replaces the cache file atomically (a temporary file renamed over it); false when that failed. */
export function writeCodeCache(location: CodeCacheLocation, data: Buffer): boolean {
  const temporary = `${location.file}.${process.pid}.tmp`;
  try {
    const fd = openSync(temporary, 'w', 0o600);
    try {
      writeSync(fd, header(location, data));
      writeSync(fd, data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, location.file);
    return true;
  } catch {
    try {
      unlinkSync(temporary);
    } catch {
      // never created
    }
    return false;
  }
}

export interface CompiledBundle {
  /** The bundle's value: what its source evaluates to. */
  run(): unknown;
  /** After the run: stores the code compiled so far when the cache was missing or rejected. */
  updateCache(): void;
}

/**
 * Compiles the bundle at `file` (its bytes: `bytes`) with the cached code when there is usable
 * cached code. The bundle must not use `import()` (Node 20 cannot run it in a script compiled from
 * cached code; see launch.ts). `log` gets one line per decision (DEBUG=sqlwarden:startup).
 */
export function compileBundle(file: string, bytes: Buffer, env: Record<string, string | undefined>, log: (line: string) => void = () => {}): CompiledBundle {
  const location = codeCacheLocation(file, bytes, env);
  const cachedData = location === undefined ? undefined : readCodeCache(location);
  const script = new vm.Script(bytes.toString('utf8'), { filename: file, ...(cachedData !== undefined ? { cachedData } : {}) });
  if (location === undefined) log('code cache off: compiled from source');
  else if (cachedData === undefined) log(`no cached code in ${location.file}: compiled from source`);
  else if (script.cachedDataRejected) log(`cached code in ${location.file} rejected by V8: compiled from source`);
  else log(`compiled with the cached code in ${location.file}`);
  return {
    run: () => script.runInThisContext(),
    updateCache() {
      if (location === undefined || (cachedData !== undefined && !script.cachedDataRejected)) return;
      // Taken after the run, so that it holds the functions the run compiled, not only the top level.
      const data = script.createCachedData();
      log(writeCodeCache(location, data) ? `stored ${data.length} bytes of cached code in ${location.file}` : `could not store cached code in ${location.file}`);
    },
  };
}
