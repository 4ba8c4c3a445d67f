import { describe, expect, it } from 'vitest';
import { messageMarkdown } from '../../src/index.ts';

describe('messageMarkdown', () => {
  it('keeps code spans, escapes other markup, and keeps line breaks and paragraphs', () => {
    expect(messageMarkdown('`SELECT *` is fine; SELECT * and a_b <x> [y](z) | ~ # & \\ are text')).toBe(
      '`SELECT *` is fine; SELECT \\* and a\\_b \\<x\\> \\[y\\](z) \\| \\~ \\# \\& \\\\ are text',
    );
    expect(messageMarkdown('one\r\ntwo\n\n  three\n')).toBe('one  \ntwo\n\nthree');
    // A backtick left without a partner is text, not the start of a code span.
    expect(messageMarkdown('`a` b`')).toBe('`a` b\\`');
  });
});
