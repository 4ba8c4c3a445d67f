import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFixes } from '../src/fix-writer.ts';
import { decodeSqlBytes, readAll } from '../src/stdin.ts';

describe('decodeSqlBytes', () => {
  it('decodes UTF-8 and removes a BOM', () => {
    expect(decodeSqlBytes(Buffer.from('\uFEFFSELECT 1;', 'utf8'))).toEqual({ ok: true, text: 'SELECT 1;', bom: true });
    expect(decodeSqlBytes(Buffer.from('SELECT \u00e9;', 'utf8'))).toEqual({ ok: true, text: 'SELECT \u00e9;', bom: false });
  });

  it('rejects binary and non-UTF-8 input', () => {
    expect(decodeSqlBytes(Buffer.from([0x53, 0x00, 0x01]))).toMatchObject({ ok: false, message: expect.stringMatching(/binary/) });
    expect(decodeSqlBytes(Buffer.from([0x53, 0xe9, 0x4c]))).toMatchObject({ ok: false, message: expect.stringMatching(/UTF-8/) });
  });

  it('reads a whole stream', async () => {
    expect((await readAll(Readable.from([Buffer.from('SEL'), 'ECT 1;']))).toString()).toBe('SELECT 1;');
  });
});

describe('writeFixes', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'sqlwarden-fix-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes only changed files, restores the BOM and keeps the mode', async () => {
    const changed = path.join(dir, 'a.sql');
    const same = path.join(dir, 'b.sql');
    writeFileSync(changed, '\uFEFFCREATE INDEX i ON t (a);');
    chmodSync(changed, 0o640);
    writeFileSync(same, 'SELECT 1;');
    const before = statSync(same).mtimeMs;
    const { written, failures } = await writeFixes([
      { filePath: changed, source: 'CREATE INDEX i ON t (a);', output: 'CREATE INDEX CONCURRENTLY i ON t (a);', bom: true },
      { filePath: same, source: 'SELECT 1;', output: 'SELECT 1;', bom: false },
      { filePath: path.join(dir, 'c.sql'), source: 'x', bom: false },
    ]);
    expect(failures).toEqual([]);
    expect(written).toEqual([changed]);
    expect(readFileSync(changed, 'utf8')).toBe('\uFEFFCREATE INDEX CONCURRENTLY i ON t (a);');
    expect(statSync(changed).mode & 0o777).toBe(0o640);
    expect(statSync(same).mtimeMs).toBe(before);
  });

  it('reports a file it cannot write instead of throwing', async () => {
    const { failures } = await writeFixes([
      { filePath: path.join(dir, 'missing-dir', 'a.sql'), source: 'a', output: 'b', bom: false },
    ]);
    expect(failures).toHaveLength(1);
    expect(failures[0]!.message).toMatch(/ENOENT/);
  });
});
