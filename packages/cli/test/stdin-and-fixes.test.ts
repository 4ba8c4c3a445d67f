import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeText, writeFixes } from '../src/fix-writer.ts';
import { readAll } from '../src/stdin.ts';

describe('readAll', () => {
  it('reads a whole stream of strings and buffers', async () => {
    expect((await readAll(Readable.from([Buffer.from('SEL'), 'ECT 1;']))).toString()).toBe('SELECT 1;');
  });
});

describe('encodeText', () => {
  it('writes UTF-8, with a BOM only when the file had one', () => {
    expect(encodeText('é')).toEqual(Buffer.from([0xc3, 0xa9]));
    expect(encodeText('a', 'utf-8', true)).toEqual(Buffer.from([0xef, 0xbb, 0xbf, 0x61]));
  });

  it('writes UTF-16 back in its byte order, with its byte-order mark', () => {
    expect(encodeText('a', 'utf-16le', true)).toEqual(Buffer.from([0xff, 0xfe, 0x61, 0x00]));
    expect(encodeText('a', 'utf-16be', true)).toEqual(Buffer.from([0xfe, 0xff, 0x00, 0x61]));
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
      { filePath: path.join(dir, 'u16.sql'), source: 'x', output: 'y', bom: true, encoding: 'utf-16le' },
    ]);
    expect(failures).toEqual([]);
    expect(written).toEqual([changed, path.join(dir, 'u16.sql')]);
    expect(readFileSync(path.join(dir, 'u16.sql'))).toEqual(Buffer.from([0xff, 0xfe, 0x79, 0x00]));
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
