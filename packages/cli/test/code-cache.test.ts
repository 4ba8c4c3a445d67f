import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { codeCacheDirectory, codeCacheLocation, compileBundle, readCodeCache, writeCodeCache } from '../src/startup/code-cache.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function scratch(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'sqlwarden-code-cache-test-'));
  dirs.push(dir);
  return dir;
}

const uid = process.getuid?.();
const BUNDLE = Buffer.from('(function () { return [1, 2, 3].map((n) => n * 2); })');

describe('the code cache directory', () => {
  it('is created private to the user under the temporary directory', () => {
    const dir = codeCacheDirectory(scratch());
    expect(dir).toBeDefined();
    expect(statSync(dir!).isDirectory()).toBe(true);
    if (uid !== undefined) expect(statSync(dir!).mode & 0o777).toBe(0o700);
  });

  it.skipIf(uid === undefined)('is refused when others may write to it, when it is a link or not a directory', () => {
    const tmp = scratch();
    const dir = codeCacheDirectory(tmp)!;
    chmodSync(dir, 0o777);
    expect(codeCacheDirectory(tmp)).toBeUndefined();
    rmSync(dir, { recursive: true });
    const elsewhere = path.join(tmp, 'elsewhere');
    mkdirSync(elsewhere, { mode: 0o700 });
    symlinkSync(elsewhere, dir);
    expect(codeCacheDirectory(tmp)).toBeUndefined();
    rmSync(dir);
    writeFileSync(dir, '');
    expect(codeCacheDirectory(tmp)).toBeUndefined();
  });
});

describe('code cache files', () => {
  it('are off with SQLWARDEN_NO_CODE_CACHE', () => {
    const dir = scratch();
    expect(codeCacheLocation('/x/sqlwarden-main.cjs', BUNDLE, { SQLWARDEN_NO_CODE_CACHE: '1' }, dir)).toBeUndefined();
    expect(codeCacheLocation('/x/sqlwarden-main.cjs', BUNDLE, { SQLWARDEN_NO_CODE_CACHE: '0' }, dir)).toBeDefined();
  });

  it('are one per bundle location: a rebuilt bundle replaces its file, another install has its own', () => {
    const dir = scratch();
    const here = codeCacheLocation('/a/sqlwarden-main.cjs', BUNDLE, {}, dir)!;
    const rebuilt = codeCacheLocation('/a/sqlwarden-main.cjs', Buffer.from(`${BUNDLE} `), {}, dir)!;
    const there = codeCacheLocation('/b/sqlwarden-main.cjs', BUNDLE, {}, dir)!;
    expect(rebuilt.file).toBe(here.file);
    expect(there.file).not.toBe(here.file);
    expect(path.dirname(here.file)).toBe(dir);
  });

  it('give back what was stored, for that bundle only, and nothing when damaged', () => {
    const dir = scratch();
    const location = codeCacheLocation('/a/sqlwarden-main.cjs', BUNDLE, {}, dir)!;
    expect(readCodeCache(location)).toBeUndefined();
    const data = Buffer.from('pretend bytecode');
    expect(writeCodeCache(location, data)).toBe(true);
    expect(readCodeCache(location)).toEqual(data);
    // Same length, other bytes: V8 would accept it, the header does not.
    const edited = Buffer.from(BUNDLE.toString().replace('n * 2', 'n * 3'));
    expect(edited).not.toEqual(BUNDLE);
    expect(edited.length).toBe(BUNDLE.length);
    expect(readCodeCache(codeCacheLocation('/a/sqlwarden-main.cjs', edited, {}, dir)!)).toBeUndefined();
    const stored = readFileSync(location.file);
    stored.writeUInt8(stored.readUInt8(stored.length - 1) ^ 1, stored.length - 1);
    writeFileSync(location.file, stored);
    expect(readCodeCache(location)).toBeUndefined();
    writeFileSync(location.file, stored.subarray(0, 10));
    expect(readCodeCache(location)).toBeUndefined();
  });

  it('report a write that failed instead of throwing', () => {
    const dir = scratch();
    const location = codeCacheLocation('/a/sqlwarden-main.cjs', BUNDLE, {}, dir)!;
    rmSync(dir, { recursive: true });
    expect(writeCodeCache(location, Buffer.from('x'))).toBe(false);
  });
});

describe('compileBundle', () => {
  it('stores the code after the first run and compiles with it on the next, with the same result', () => {
    const tmp = scratch();
    const bundleFile = path.join(tmp, 'bundle.cjs');
    writeFileSync(bundleFile, BUNDLE);
    const previousTmp = process.env.TMPDIR;
    process.env.TMPDIR = tmp;
    try {
      const launch = () => {
        const lines: string[] = [];
        const compiled = compileBundle(bundleFile, readFileSync(bundleFile), {}, (line) => lines.push(line));
        const result = (compiled.run() as () => number[])();
        compiled.updateCache();
        return { result, lines };
      };
      const first = launch();
      expect(first.result).toEqual([2, 4, 6]);
      expect(first.lines[0]).toMatch(/^no cached code in .*: compiled from source$/);
      expect(first.lines[1]).toMatch(/^stored \d+ bytes of cached code in /);
      const second = launch();
      expect(second.result).toEqual([2, 4, 6]);
      expect(second.lines).toEqual([expect.stringMatching(/^compiled with the cached code in /)]);
      expect(existsSync(codeCacheLocation(bundleFile, readFileSync(bundleFile), {})!.file)).toBe(true);
    } finally {
      if (previousTmp === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = previousTmp;
    }
  });

  it('compiles from source, and stores nothing, when the cache is off', () => {
    const tmp = scratch();
    const bundleFile = path.join(tmp, 'bundle.cjs');
    writeFileSync(bundleFile, BUNDLE);
    const lines: string[] = [];
    const compiled = compileBundle(bundleFile, readFileSync(bundleFile), { SQLWARDEN_NO_CODE_CACHE: '1' }, (line) => lines.push(line));
    expect((compiled.run() as () => number[])()).toEqual([2, 4, 6]);
    compiled.updateCache();
    expect(lines).toEqual(['code cache off: compiled from source']);
  });
});
