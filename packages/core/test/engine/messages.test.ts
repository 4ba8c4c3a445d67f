import { describe, expect, it } from 'vitest';
import { HEADLINE_MAX_LENGTH, fillHeadline, fillTemplate, titleProblem } from '../../src/engine/messages.ts';

describe('headlines', () => {
  it('fill placeholders on one line and shorten long values, which details keep whole', () => {
    const long = 'a_table_name_that_is_much_longer_than_anything_fits_in_a_headline';
    expect(fillHeadline('DROP TABLE `{{t}}`;\n use a view', { t: long })).toBe('DROP TABLE `a_table_name_that_is_much_longer_than_anything_…`; use a view');
    expect(fillTemplate('DROP TABLE `{{t}}`', { t: long })).toBe(`DROP TABLE \`${long}\``);
    expect(fillHeadline('{{missing}} stays', {})).toBe('{{missing}} stays');
  });

  it('never cut a value inside a surrogate pair', () => {
    const value = `${'x'.repeat(46)}🐘 and more text after it`;
    const headline = fillHeadline('`{{v}}`', { v: value });
    expect(headline).toBe(`\`${'x'.repeat(46)}…\``);
    expect(headline.isWellFormed()).toBe(true);
  });
});

describe('fix and suggestion titles', () => {
  it('are imperative one-liners without backticks or a final period', () => {
    expect(titleProblem('Use CREATE INDEX CONCURRENTLY')).toBeUndefined();
    expect(titleProblem('Use `text`')).toBe('contains backticks');
    expect(titleProblem('Use text.')).toBe('ends with punctuation');
    expect(titleProblem('Use\ntext')).toBe('spans several lines');
    expect(titleProblem('')).toBe('is empty');
    expect(titleProblem('x'.repeat(81))).toBe('is 81 characters long (at most 80)');
  });
});

describe('headlines with several long values', () => {
  it('shorten the values further until the headline fits, keeping the words around them', () => {
    const name = (c: string) => `${c}_${'n'.repeat(60)}`;
    const headline = fillHeadline('Renaming `{{a}}.{{b}}` to `{{c}}` breaks code using the old name; add a new column instead', { a: name('a'), b: name('b'), c: name('c') });
    expect(headline.length).toBeLessThanOrEqual(HEADLINE_MAX_LENGTH);
    expect(headline).toMatch(/^Renaming `a_n+….b_n+…` to `c_n+…` breaks code using the old name; add a new column instead$/);
  });
});
