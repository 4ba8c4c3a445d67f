import { Buffer } from 'node:buffer';
import { loadModule, parseSync } from 'libpg-query';
import { beforeAll, describe, expect, it } from 'vitest';
import { ByteOffsetMap, LineIndex } from '../../src/source/line-index.ts';

describe('LineIndex', () => {
  it('counts LF lines and converts offsets to 1-based line/column', () => {
    const index = new LineIndex('a\nbc\n');
    expect(index.lineCount).toBe(3);
    expect(index.positionAt(0)).toEqual({ line: 1, column: 1 });
    expect(index.positionAt(1)).toEqual({ line: 1, column: 2 }); // the \n itself ends line 1
    expect(index.positionAt(2)).toEqual({ line: 2, column: 1 });
    expect(index.positionAt(4)).toEqual({ line: 2, column: 3 });
    expect(index.positionAt(5)).toEqual({ line: 3, column: 1 });
  });

  it('treats \\r\\n as one line break', () => {
    const index = new LineIndex('ab\r\ncd\r\n');
    expect(index.lineCount).toBe(3);
    expect(index.positionAt(2)).toEqual({ line: 1, column: 3 }); // \r
    expect(index.positionAt(3)).toEqual({ line: 1, column: 4 }); // \n of the same break
    expect(index.positionAt(4)).toEqual({ line: 2, column: 1 });
    expect(index.positionAt(5)).toEqual({ line: 2, column: 2 });
    expect(index.positionAt(8)).toEqual({ line: 3, column: 1 });
    expect(index.offsetAt(2, 1)).toBe(4);
    expect(index.offsetAt(3, 1)).toBe(8);
  });

  it('treats a lone \\r as a line break, and \\r\\r as two', () => {
    const index = new LineIndex('a\rb\r\rc');
    expect(index.lineCount).toBe(4);
    expect(index.positionAt(2)).toEqual({ line: 2, column: 1 });
    expect(index.positionAt(4)).toEqual({ line: 3, column: 1 });
    expect(index.positionAt(5)).toEqual({ line: 4, column: 1 });
    expect(index.offsetAt(4, 1)).toBe(5);
  });

  it('handles mixed line endings in one file', () => {
    const text = 'one\ntwo\r\nthree\rfour';
    const index = new LineIndex(text);
    expect(index.lineCount).toBe(4);
    expect(index.positionAt(text.indexOf('two'))).toEqual({ line: 2, column: 1 });
    expect(index.positionAt(text.indexOf('three'))).toEqual({ line: 3, column: 1 });
    expect(index.positionAt(text.indexOf('four') + 2)).toEqual({ line: 4, column: 3 });
  });

  it('round-trips every offset that is not the \\n of a \\r\\n', () => {
    const text = 'select 1;\r\n-- é\n\rinsert into "t😀" values (1);\r\r\n\nx';
    const index = new LineIndex(text);
    for (let offset = 0; offset <= text.length; offset++) {
      if (text[offset] === '\n' && text[offset - 1] === '\r') continue;
      const { line, column } = index.positionAt(offset);
      expect(index.offsetAt(line, column), `offset ${offset}`).toBe(offset);
    }
  });

  it('gives text with \\n breaks only the lines and positions a line-by-line count gives', () => {
    const text = '\n\nselect 1;\n\n  -- é\ninsert into t values (1);\n\n';
    const index = new LineIndex(text);
    const lines = text.split('\n');
    expect(index.lineCount).toBe(lines.length);
    let start = 0;
    lines.forEach((line, i) => {
      expect(index.lineStart(i + 1)).toBe(start);
      expect(index.offsetAt(i + 1, 999)).toBe(start + line.length);
      for (let column = 1; column <= line.length + 1; column++) expect(index.positionAt(start + column - 1)).toEqual({ line: i + 1, column });
      start += line.length + 1;
    });
  });

  it('is built once for the text of consecutive callers (LineIndex.of)', () => {
    const text = 'a\nb\n';
    const index = LineIndex.of(text);
    expect(LineIndex.of(text)).toBe(index);
    expect(LineIndex.of('a\n')).not.toBe(index);
    expect(LineIndex.of('a\nb\r\nc').positionAt(5)).toEqual({ line: 3, column: 1 });
  });

  it('clamps offsets and positions outside the text', () => {
    const index = new LineIndex('ab\ncd');
    expect(index.positionAt(-3)).toEqual({ line: 1, column: 1 });
    expect(index.positionAt(99)).toEqual({ line: 2, column: 3 });
    expect(index.positionAt(Number.NaN)).toEqual({ line: 1, column: 1 });
    expect(index.offsetAt(0, 0)).toBe(0);
    expect(index.offsetAt(1, 99)).toBe(2); // end of line 1's content, never into its break
    expect(index.offsetAt(99, 1)).toBe(3);
    expect(index.offsetAt(99, 99)).toBe(5);
  });

  it('works on empty text and text ending without a newline', () => {
    const empty = new LineIndex('');
    expect(empty.lineCount).toBe(1);
    expect(empty.positionAt(0)).toEqual({ line: 1, column: 1 });
    expect(empty.offsetAt(1, 1)).toBe(0);
    expect(new LineIndex('x').lineCount).toBe(1);
    expect(new LineIndex('x\n').lineCount).toBe(2);
  });

  it('counts columns in UTF-16 code units (emoji = 2, CJK = 1, é = 1)', () => {
    const text = "select '😀 中文 é', x";
    const index = new LineIndex(text);
    expect(text.indexOf('x')).toBe(18);
    expect(index.positionAt(text.indexOf('x'))).toEqual({ line: 1, column: 19 });
    expect(index.positionAt(text.indexOf('中'))).toEqual({ line: 1, column: 12 });
  });
});

describe('ByteOffsetMap', () => {
  const text = "select '😀 中文 é', x";

  function expectedByte(s: string, utf16: number): number {
    return Buffer.byteLength(s.slice(0, utf16), 'utf8');
  }

  it('maps every character boundary both ways (emoji 4 bytes, CJK 3, é 2)', () => {
    const map = new ByteOffsetMap(text);
    expect(map.byteLength).toBe(Buffer.byteLength(text));
    for (let u = 0; u <= text.length; u++) {
      const code = text.charCodeAt(u - 1);
      if (code >= 0xd800 && code <= 0xdbff) continue; // between the halves of the emoji
      const b = expectedByte(text, u);
      expect(map.toByte(u), `toByte(${u})`).toBe(b);
      expect(map.toUtf16(b), `toUtf16(${b})`).toBe(u);
    }
  });

  it('maps known positions exactly', () => {
    const map = new ByteOffsetMap(text);
    const emoji = text.indexOf('😀'); // 8
    const cjk = text.indexOf('中'); // 11
    const eAcute = text.indexOf('é'); // 14
    const x = text.indexOf('x'); // 18
    expect([emoji, cjk, eAcute, x]).toEqual([8, 11, 14, 18]);
    expect(map.toByte(emoji)).toBe(8);
    expect(map.toByte(cjk)).toBe(13); // after the 4-byte emoji and a space
    expect(map.toByte(eAcute)).toBe(20); // after two 3-byte characters and a space
    expect(map.toByte(x)).toBe(25);
    expect(map.toUtf16(25)).toBe(x);
  });

  it('maps a byte offset inside a multi-byte character to its start', () => {
    const map = new ByteOffsetMap(text);
    for (const b of [9, 10, 11]) expect(map.toUtf16(b)).toBe(8); // inside 😀
    for (const b of [14, 15]) expect(map.toUtf16(b)).toBe(11); // inside 中
    expect(map.toUtf16(21)).toBe(14); // second byte of é
    expect(map.toByte(9)).toBe(8); // low surrogate of 😀 -> start of the pair
  });

  it('clamps out-of-range offsets', () => {
    const map = new ByteOffsetMap(text);
    expect(map.toUtf16(-1)).toBe(0);
    expect(map.toUtf16(10_000)).toBe(text.length);
    expect(map.toByte(-1)).toBe(0);
    expect(map.toByte(10_000)).toBe(Buffer.byteLength(text));
  });

  it('is the identity on ASCII text and works on empty text', () => {
    const ascii = new ByteOffsetMap('select 1;');
    for (let i = 0; i <= 9; i++) {
      expect(ascii.toByte(i)).toBe(i);
      expect(ascii.toUtf16(i)).toBe(i);
    }
    const empty = new ByteOffsetMap('');
    expect(empty.toByte(3)).toBe(0);
    expect(empty.toUtf16(3)).toBe(0);
  });

  it('agrees with Buffer on pseudo-random mixed-script text', () => {
    const pool = ['a', ' ', '\n', 'é', 'ß', '中', '文', '😀', '𝄞', 'ü', ';', 'Ω', '\u0800', '\u07ff'];
    let seed = 12345;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    for (let round = 0; round < 20; round++) {
      let s = '';
      for (let k = 0; k < 200; k++) s += pool[Math.floor(random() * pool.length)]!;
      const map = new ByteOffsetMap(s);
      const bytes = Buffer.from(s, 'utf8');
      let u = 0;
      for (const ch of s) {
        const b = expectedByte(s, u);
        expect(map.toByte(u)).toBe(b);
        expect(map.toUtf16(b)).toBe(u);
        u += ch.length;
      }
      expect(map.byteLength).toBe(bytes.length);
    }
  });

  it('converts real libpg-query byte locations to the right UTF-16 offsets', async () => {
    const result = parseSync(text) as unknown as {
      stmts: Array<{ stmt: { SelectStmt: { targetList: Array<{ ResTarget: { location: number } }> } } }>;
    };
    const locations = result.stmts[0]!.stmt.SelectStmt.targetList.map((t) => t.ResTarget.location);
    const map = new ByteOffsetMap(text);
    expect(locations).toEqual([7, 25]); // bytes
    expect(text[map.toUtf16(locations[0]!)]).toBe("'");
    expect(text[map.toUtf16(locations[1]!)]).toBe('x');
  });
});

beforeAll(async () => {
  await loadModule();
});
