/**
 * Numeric literal typing. libpg-query reports integers beyond int4 as `fval` text, in whatever
 * spelling PostgreSQL 16 accepts (`1_000_000`, `0x1F`, `0o17`, `0b101`); they are integers
 * (int8, or numeric beyond it, as PostgreSQL types them) with their value in decimal digits.
 * Only decimals and exponents are `numeric` literals.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Literal, Select } from '../../src/model/nodes.ts';
import { lint, ready } from './helpers.ts';

beforeAll(() => ready);

function literals(list: string): Array<[Literal['kind'], Literal['value']]> {
  const { statements, messages } = lint(`select ${list}`);
  expect(messages).toEqual([]);
  const select = statements[0]!.node as Select;
  return select.columns.map((c) => {
    expect(c.expr.type).toBe('Literal');
    const literal = c.expr as Literal;
    return [literal.kind, literal.value];
  });
}

describe('integer literals', () => {
  it('within int4, in every spelling', () => {
    expect(literals('42, 1_000_000, 0x1F, 0o17, 0b101, 0X1f, 0O17, 0B1_01')).toEqual([
      ['integer', 42],
      ['integer', 1000000],
      ['integer', 31],
      ['integer', 15],
      ['integer', 5],
      ['integer', 31],
      ['integer', 15],
      ['integer', 5],
    ]);
  });

  it('beyond int4, with separators or a radix prefix, are integers with decimal values', () => {
    expect(literals('9999999999, 1_000_000_000_000, 0xFFFF_FFFF_FF, 0o7777_7777_7777, 0b1_0000_0000_0000_0000_0000_0000_0000_0000')).toEqual([
      ['integer', '9999999999'],
      ['integer', '1000000000000'],
      ['integer', '1099511627775'],
      ['integer', '68719476735'],
      ['integer', '4294967296'],
    ]);
  });

  it('beyond int8 they are still integer literals (numeric typed by PostgreSQL)', () => {
    expect(literals('99999999999999999999, 0xFFFF_FFFF_FFFF_FFFF_F')).toEqual([
      ['integer', '99999999999999999999'],
      ['integer', '295147905179352825855'],
    ]);
  });

  it('negative, with the sign in the value and in the range', () => {
    expect(literals('-9_999_999_999, -0x1_0000_0000, - 5')).toEqual([
      ['integer', '-9999999999'],
      ['integer', '-4294967296'],
      ['integer', -5],
    ]);
    const text = "select '😀', -0x1_0000_0000, - 5";
    const select = lint(text).statements[0]!.node as Select;
    expect(select.columns.slice(1).map((c) => text.slice(c.expr.range.start, c.expr.range.end))).toEqual(['-0x1_0000_0000', '- 5']);
  });
});

describe('numeric literals', () => {
  it('decimals and exponents, with or without separators', () => {
    expect(literals('1.5, 1_000.000_5, .5, 1e5, 1E-3, 2.5e+10')).toEqual([
      ['numeric', '1.5'],
      ['numeric', '1_000.000_5'],
      ['numeric', '.5'],
      ['numeric', '1e5'],
      ['numeric', '1E-3'],
      ['numeric', '2.5e+10'],
    ]);
  });
});
