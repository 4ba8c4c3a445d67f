import { describe, expect, it } from 'vitest';
import { clipToBytes, utf8ByteLength } from '../../src/source/identifiers.ts';

describe('utf8ByteLength', () => {
  const encoded = (text: string): number => new TextEncoder().encode(text).length;

  it('counts as TextEncoder does: 1 to 4 bytes a character, 3 for a lone surrogate', () => {
    for (const text of ['', 'users', 'é', 'ß\u07ff', '\u0800中文', '😀', '𝄞x', '\ud83d', '\ude00', '\ude00\ud83d', 'a\ud83d', '\ud83d\ud83d\ude00']) {
      expect(utf8ByteLength(text), JSON.stringify(text)).toBe(encoded(text));
    }
  });

  it('agrees with TextEncoder on pseudo-random text of every width', () => {
    const pool = ['a', '_', '$', '\u007f', '\u0080', 'é', '\u07ff', '\u0800', '中', '\uffff', '😀', '\ud800', '\udfff'];
    let seed = 7;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    for (let round = 0; round < 200; round++) {
      let text = '';
      for (let k = 0; k < 40; k++) text += pool[Math.floor(random() * pool.length)]!;
      expect(utf8ByteLength(text)).toBe(encoded(text));
    }
  });

  it('clips to whole characters', () => {
    expect(clipToBytes('é'.repeat(40), 63)).toBe('é'.repeat(31));
    expect(clipToBytes('a' + '😀'.repeat(20), 63)).toBe('a' + '😀'.repeat(15));
  });
});
