import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeSource, firstInvalidUtf8, readSourceFile, type ReadResult } from '../../src/source/read.ts';

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sqlwarden-read-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function write(name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

function expectFailure(result: ReadResult, reason: string): string {
  expect(result.ok).toBe(false);
  if (result.ok) throw new Error('unreachable');
  expect(result.reason).toBe(reason);
  expect(result.message).not.toMatch(/\n/); // one line
  expect(result.message).not.toMatch(/\bat .*\(.*:\d+:\d+\)/); // no stack frames
  return result.message;
}

describe('readSourceFile', () => {
  it('reads a UTF-8 file', () => {
    const path = write('plain.sql', "select '😀 中文 é';\n");
    expect(readSourceFile(path)).toEqual({ ok: true, text: "select '😀 中文 é';\n", bom: false, encoding: 'utf-8' });
  });

  it('strips a UTF-8 BOM from the text and reports it', () => {
    const path = write('bom.sql', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('select 1;')]));
    const result = readSourceFile(path);
    expect(result).toEqual({ ok: true, text: 'select 1;', bom: true, encoding: 'utf-8' });
  });

  it('reports a directory', () => {
    const sub = join(dir, 'migrations.sql');
    mkdirSync(sub);
    const message = expectFailure(readSourceFile(sub), 'is-directory');
    expect(message).toMatch(/directory/);
  });

  it('reports a missing file with the OS reason', () => {
    const message = expectFailure(readSourceFile(join(dir, 'nope.sql')), 'unreadable');
    expect(message).toContain('no such file or directory');
    expect(message).toContain('ENOENT');
  });

  it('reports a path through a regular file (ENOTDIR)', () => {
    const file = write('not-a-dir.sql', 'select 1;');
    const message = expectFailure(readSourceFile(join(file, 'child.sql')), 'unreadable');
    expect(message).toContain('ENOTDIR');
  });

  // root bypasses file permissions, so this one can only run as an ordinary user.
  it.skipIf(process.getuid?.() === 0)('reports a file without read permission', () => {
    const path = write('secret.sql', 'select 1;');
    chmodSync(path, 0o000);
    try {
      const message = expectFailure(readSourceFile(path), 'unreadable');
      expect(message).toContain('permission denied');
      expect(message).toContain('EACCES');
    } finally {
      chmodSync(path, 0o644);
    }
  });

  it('reports a binary file (NUL bytes in the first 8 KiB)', () => {
    const bytes = new Uint8Array(100).fill(0x41);
    bytes[50] = 0;
    const message = expectFailure(readSourceFile(write('image.sql', bytes)), 'binary');
    expect(message).toContain('offset 50');
  });

  it('does not look for NUL bytes past the first 8 KiB', () => {
    const bytes = Buffer.alloc(9000, 0x20);
    bytes[8500] = 0;
    const result = readSourceFile(write('late-nul.sql', bytes));
    expect(result.ok).toBe(true);
  });

  it('reports invalid UTF-8 with the offset and line of the bad byte', () => {
    // "é" in Latin-1 is the single byte 0xE9, which is not valid UTF-8 here.
    const bytes = Buffer.concat([Buffer.from("select 1;\nselect 'caf"), Buffer.from([0xe9]), Buffer.from("';\n")]);
    const message = expectFailure(readSourceFile(write('latin1.sql', bytes)), 'not-utf8');
    expect(message).toBe(
      "File is not valid UTF-8 (invalid byte 0xE9 at offset 21, line 2); sqlwarden reads SQL as UTF-8 — re-save the file as UTF-8 (it may be Latin-1 or Windows-1252)",
    );
  });

  it('refuses a file over the size limit without reading it', () => {
    const path = write('big.sql', 'select 1;\n'.repeat(200));
    const message = expectFailure(readSourceFile(path, { maxBytes: 1000 }), 'too-large');
    expect(message).toBe('File is 2 KiB, over the 1000 bytes limit; exclude it from linting or raise the limit (CLI: --max-file-size <MiB>)');
    expect(readSourceFile(path, { maxBytes: 2000 }).ok).toBe(true);
  });

  it.skipIf(!existsSync('/dev/zero'))('reads devices and pipes only up to the limit', () => {
    expect(expectFailure(readSourceFile('/dev/zero', { maxBytes: 1000 }), 'too-large')).toBe(
      'File is over the 1000 bytes limit; exclude it from linting or raise the limit (CLI: --max-file-size <MiB>)',
    );
    expect(readSourceFile('/dev/null')).toEqual({ ok: true, text: '', bom: false, encoding: 'utf-8' });
  });

  it('uses a 10 MiB default limit', () => {
    const path = write('huge.sql', Buffer.alloc(10 * 1024 * 1024 + 1, 0x20));
    const message = expectFailure(readSourceFile(path), 'too-large');
    expect(message).toContain('10 MiB limit');
  });
});

describe('decodeSource', () => {
  it('decodes UTF-16 LE and BE files that carry a byte-order mark', () => {
    const text = "select 'é😀';";
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    expect(decodeSource(le, 'x.sql')).toEqual({ ok: true, text, bom: true, encoding: 'utf-16le' });
    const be = Buffer.from(le);
    be.swap16();
    expect(be[0]).toBe(0xfe);
    expect(decodeSource(be, 'x.sql')).toEqual({ ok: true, text, bom: true, encoding: 'utf-16be' });
  });

  it('reports UTF-16 without a BOM as binary, with a hint', () => {
    const message = expectFailure(decodeSource(Buffer.from('select 1;', 'utf16le'), 'x.sql'), 'binary');
    expect(message).toContain('UTF-16');
  });

  it('reports a truncated UTF-16 file clearly', () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('ab', 'utf16le'), Buffer.from([0x41])]);
    expectFailure(decodeSource(bytes, 'x.sql'), 'not-utf8');
  });

  it('applies maxBytes to bytes already in memory', () => {
    expectFailure(decodeSource(new Uint8Array(11), 'x.sql', { maxBytes: 10 }), 'too-large');
  });

  it('accepts empty input', () => {
    expect(decodeSource(new Uint8Array(0), 'x.sql')).toEqual({ ok: true, text: '', bom: false, encoding: 'utf-8' });
  });

  it('gives offsets in the file (counting the BOM) for invalid UTF-8 after a BOM', () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, 0x61, 0xff]);
    expect(expectFailure(decodeSource(bytes, 'x.sql'), 'not-utf8')).toContain('at offset 4');
  });
});

describe('firstInvalidUtf8', () => {
  it('finds the first broken sequence and accepts valid text', () => {
    expect(firstInvalidUtf8(Buffer.from('ok é 中 😀'))).toBe(-1);
    expect(firstInvalidUtf8(new Uint8Array([0x61, 0xc3]))).toBe(1); // truncated é
    expect(firstInvalidUtf8(new Uint8Array([0xc0, 0x80]))).toBe(0); // overlong NUL
    expect(firstInvalidUtf8(new Uint8Array([0xed, 0xa0, 0x80]))).toBe(0); // UTF-16 surrogate
    expect(firstInvalidUtf8(new Uint8Array([0xf4, 0x90, 0x80, 0x80]))).toBe(0); // > U+10FFFF
    expect(firstInvalidUtf8(new Uint8Array([0x61, 0x62, 0x80]))).toBe(2); // stray continuation
  });

  it('agrees with TextDecoder on what is valid', () => {
    const samples = [[0xe2, 0x82, 0xac], [0xe2, 0x82], [0xf0, 0x9f, 0x98, 0x80], [0xf0, 0x8f, 0xbf, 0xbf], [0xe0, 0x9f, 0x80], [0xdf, 0xbf]];
    for (const sample of samples) {
      const bytes = new Uint8Array(sample);
      let valid = true;
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      } catch {
        valid = false;
      }
      expect(firstInvalidUtf8(bytes) === -1, sample.join(',')).toBe(valid);
    }
  });
});
