import { describe, expect, it } from 'vitest';
import { excerpt, stringifyWellFormed, toWellFormed, truncateText } from '../../src/source/text.ts';

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

describe('truncateText', () => {
  it('never splits a surrogate pair, wherever the emoji falls around the cut', () => {
    for (const ellipsis of ['…', '...', '']) {
      for (let at = 0; at < 14; at++) {
        const text = `${'x'.repeat(at)}😀${'y'.repeat(20)}`;
        const cut = truncateText(text, 10, ellipsis);
        expect(cut, `emoji at ${at}, ellipsis ${JSON.stringify(ellipsis)}`).not.toMatch(LONE_SURROGATE);
        expect(cut.length).toBeLessThanOrEqual(10);
        expect(cut.endsWith(ellipsis)).toBe(true);
        // The kept part is a prefix of the text: whole pair or none of it.
        expect(text.startsWith(cut.slice(0, cut.length - ellipsis.length))).toBe(true);
      }
    }
  });

  it('keeps text that fits, and cuts at the limit otherwise', () => {
    expect(truncateText('abc', 3)).toBe('abc');
    expect(truncateText('abcd', 3)).toBe('ab…');
    expect(truncateText('abcdef', 5, '...')).toBe('ab...');
    expect(truncateText('ab😀cd', 4)).toBe('ab…');
    expect(truncateText('a😀cd', 4)).toBe('a😀…');
  });

  it('excerpt folds whitespace first', () => {
    expect(excerpt('  select\n\t *   from t  ', 60)).toBe('select * from t');
    expect(excerpt('select\n\n😀😀😀', 9, '...')).toBe('select...');
  });
});

describe('toWellFormed', () => {
  it('replaces lone surrogates by U+FFFD, one unit for one, and leaves pairs alone', () => {
    expect(toWellFormed('a\ud83db')).toBe('a\ufffdb');
    expect(toWellFormed('a\ude00b')).toBe('a\ufffdb');
    expect(toWellFormed('\ude00\ud83d')).toBe('\ufffd\ufffd');
    expect(toWellFormed('😀 ok')).toBe('😀 ok');
    expect(toWellFormed('x\ud83d')).toHaveLength(2);
  });
});

describe('stringifyWellFormed', () => {
  it('is JSON.stringify for well-formed values, and replaces lone surrogates in every string otherwise', () => {
    const value = { a: ['😀', 'plain \\ud83d text'], b: 1 };
    expect(stringifyWellFormed(value, 2)).toBe(JSON.stringify(value, null, 2));
    const broken = { message: 'cut \ud83d', nested: [{ source: '\ude00x' }], n: null };
    const parsed = JSON.parse(stringifyWellFormed(broken)) as typeof broken;
    expect(parsed).toEqual({ message: 'cut \ufffd', nested: [{ source: '\ufffdx' }], n: null });
    expect(JSON.stringify(parsed)).not.toMatch(/\\ud[89a-f]/);
  });
});
