/**
 * A small constant folder for WHERE clauses: literals, comparisons of literals, NOT/AND/OR,
 * IS [NOT] NULL, IS [NOT] TRUE/FALSE, IN lists and BETWEEN over constants, plus the
 * self-comparison (`col = col`) and complementary-test (`x IS NULL OR x IS NOT NULL`) escape
 * hatches people use to get past "WHERE required" checks.
 */
import type { BooleanTest, ColumnRef, Expr } from '@sqlwarden/core';
import { sameExpr } from '../_shared/query.ts';

/**
 * `nonnull-true`: true for every row where a compared column is not NULL and NULL otherwise
 * (`col = col`); `nonnull-false` is its negation. `unknown`: depends on the row.
 */
export type Truth = 'true' | 'false' | 'null' | 'nonnull-true' | 'nonnull-false' | 'unknown';

type Value = { kind: 'number'; value: number } | { kind: 'string'; value: string } | { kind: 'bool'; value: boolean } | { kind: 'null' };

const TRUE_WORDS = new Set(['t', 'true', 'y', 'yes', 'on', '1']);
const FALSE_WORDS = new Set(['f', 'false', 'n', 'no', 'off', '0']);
const NUMERIC = /^\s*[-+]?(\d+(\.\d*)?|\.\d+)(e[-+]?\d+)?\s*$/i;
const NUMBER_TYPES = new Set(['int2', 'int4', 'int8', 'numeric', 'float4', 'float8']);
const TEXT_TYPES = new Set(['text', 'varchar', 'bpchar']);

export interface FoldResult {
  truth: Truth;
  /** The column whose NULLs a `nonnull-true` result skips. */
  nullColumn?: ColumnRef;
}

export class ConstantFolder {
  private nullColumn: ColumnRef | undefined;

  /** `sameColumn` decides whether two references name the same column of the same table. */
  constructor(private readonly sameColumn: (a: ColumnRef, b: ColumnRef) => boolean) {}

  fold(expr: Expr): FoldResult {
    this.nullColumn = undefined;
    const truth = this.truth(expr);
    return truth === 'nonnull-true' && this.nullColumn ? { truth, nullColumn: this.nullColumn } : { truth };
  }

  private truth(expr: Expr): Truth {
    switch (expr.type) {
      case 'Literal':
      case 'Cast':
      case 'UnaryExpr': {
        const v = this.value(expr);
        return v ? truthOfValue(v) : 'unknown';
      }
      case 'LogicalExpr':
        if (expr.operator === 'NOT') return not(expr.args[0] ? this.truth(expr.args[0]) : 'unknown');
        return expr.operator === 'AND' ? this.and(expr.args) : this.or(expr.args);
      case 'Comparison':
        return this.comparison(expr.operator, expr.left, expr.right);
      case 'NullTest': {
        const v = this.value(expr.expr);
        if (!v) return 'unknown';
        const isNull = v.kind === 'null';
        return isNull !== expr.negated ? 'true' : 'false';
      }
      case 'BooleanTest':
        return booleanTest(expr.test, this.truth(expr.expr));
      case 'InList': {
        const v = this.value(expr.expr);
        if (!v) return 'unknown';
        const items = expr.list.map((e) => this.value(e));
        if (items.some((i) => i === undefined)) return 'unknown';
        let result: Truth = 'false';
        for (const item of items) {
          const eq = compare('=', v, item!);
          if (eq === 'true') {
            result = 'true';
            break;
          }
          if (eq === 'null') result = 'null';
          else if (eq !== 'false') return 'unknown';
        }
        return expr.negated ? not(result) : result;
      }
      case 'Between': {
        const v = this.value(expr.expr);
        const low = this.value(expr.low);
        const high = this.value(expr.high);
        if (!v || !low || !high) return 'unknown';
        const inside = and2(compare('>=', v, low), compare('<=', v, high));
        return expr.negated ? not(inside) : inside;
      }
      default:
        return 'unknown';
    }
  }

  private and(args: Expr[]): Truth {
    const truths = args.map((a) => this.truth(a));
    return truths.reduce(and2, 'true');
  }

  private or(args: Expr[]): Truth {
    if (hasComplementaryPair(args)) return 'true';
    const truths = args.map((a) => this.truth(a));
    return truths.reduce(or2, 'false');
  }

  private comparison(operator: string, left: Expr, right: Expr): Truth {
    if (left.type === 'ColumnRef' && right.type === 'ColumnRef' && this.sameColumn(left, right)) {
      switch (operator) {
        case 'IS NOT DISTINCT FROM':
          return 'true';
        case 'IS DISTINCT FROM':
          return 'false';
        case '=':
        case '<=':
        case '>=':
          this.nullColumn ??= left;
          return 'nonnull-true';
        default:
          return 'nonnull-false';
      }
    }
    const l = this.value(left);
    const r = this.value(right);
    if (!l || !r) return 'unknown';
    if (operator === 'IS DISTINCT FROM' || operator === 'IS NOT DISTINCT FROM') {
      const bothNull = l.kind === 'null' && r.kind === 'null';
      const oneNull = l.kind === 'null' || r.kind === 'null';
      const equal = bothNull ? 'true' : oneNull ? 'false' : compare('=', l, r);
      if (equal !== 'true' && equal !== 'false') return 'unknown';
      return (equal === 'true') === (operator === 'IS NOT DISTINCT FROM') ? 'true' : 'false';
    }
    return compare(operator, l, r);
  }

  /** The constant value of an expression, or undefined when it depends on the row or is not folded here. */
  private value(expr: Expr): Value | undefined {
    switch (expr.type) {
      case 'Literal':
        switch (expr.kind) {
          case 'integer':
          case 'numeric': {
            const n = Number(expr.value);
            return Number.isFinite(n) ? { kind: 'number', value: n } : undefined;
          }
          case 'string':
            return { kind: 'string', value: String(expr.value) };
          case 'boolean':
            return { kind: 'bool', value: expr.value === true };
          case 'null':
            return { kind: 'null' };
          default:
            return undefined;
        }
      case 'UnaryExpr': {
        const v = this.value(expr.operand);
        if (v?.kind !== 'number') return undefined;
        if (expr.operator === '-') return { kind: 'number', value: -v.value };
        if (expr.operator === '+') return v;
        return undefined;
      }
      case 'Cast': {
        const v = this.value(expr.expr);
        if (!v || expr.targetType.arrayDimensions > 0) return undefined;
        if (v.kind === 'null') return v;
        const target = expr.targetType.name;
        if (target === 'bool') {
          if (v.kind === 'bool') return v;
          const word = v.kind === 'string' ? v.value.trim().toLowerCase() : v.kind === 'number' && Number.isInteger(v.value) ? String(v.value) : undefined;
          if (word !== undefined && TRUE_WORDS.has(word)) return { kind: 'bool', value: true };
          if (word !== undefined && FALSE_WORDS.has(word)) return { kind: 'bool', value: false };
          return undefined;
        }
        if (NUMBER_TYPES.has(target)) {
          const n = v.kind === 'number' ? v.value : v.kind === 'string' && NUMERIC.test(v.value) ? Number(v.value) : undefined;
          // Integer casts round; only pass values that need no rounding.
          if (n === undefined || (target.startsWith('int') && !Number.isInteger(n))) return undefined;
          return { kind: 'number', value: n };
        }
        if (TEXT_TYPES.has(target) && v.kind === 'string' && target !== 'bpchar') return v;
        return undefined;
      }
      case 'Comparison':
      case 'LogicalExpr':
      case 'NullTest':
      case 'BooleanTest':
      case 'InList':
      case 'Between': {
        const t = this.truth(expr);
        if (t === 'true' || t === 'false') return { kind: 'bool', value: t === 'true' };
        if (t === 'null') return { kind: 'null' };
        return undefined;
      }
      case 'BinaryExpr': {
        const l = this.value(expr.left);
        const r = this.value(expr.right);
        if (l?.kind !== 'number' || r?.kind !== 'number') return undefined;
        // Division and modulo depend on integer vs numeric typing; leave them alone.
        if (expr.operator === '+') return { kind: 'number', value: l.value + r.value };
        if (expr.operator === '-') return { kind: 'number', value: l.value - r.value };
        if (expr.operator === '*') return { kind: 'number', value: l.value * r.value };
        return undefined;
      }
      default:
        return undefined;
    }
  }
}

function truthOfValue(v: Value): Truth {
  switch (v.kind) {
    case 'bool':
      return v.value ? 'true' : 'false';
    case 'null':
      return 'null';
    case 'number':
      // `WHERE 1`: MySQL treats non-zero numbers as true (PostgreSQL rejects a non-boolean WHERE).
      return v.value !== 0 ? 'true' : 'false';
    case 'string': {
      // PostgreSQL reads an untyped literal in a boolean position as a boolean input string.
      const word = v.value.trim().toLowerCase();
      if (TRUE_WORDS.has(word)) return 'true';
      if (FALSE_WORDS.has(word)) return 'false';
      return 'unknown';
    }
  }
}

function compare(operator: string, l: Value, r: Value): Truth {
  if (l.kind === 'null' || r.kind === 'null') return 'null';
  let order: number | undefined;
  if (l.kind === 'number' && r.kind === 'number') order = Math.sign(l.value - r.value);
  else if (l.kind === 'bool' && r.kind === 'bool') order = Number(l.value) - Number(r.value);
  else if (l.kind === 'string' && r.kind === 'string') {
    // String order depends on the collation; only equality is certain.
    if (operator === '=' || operator === '<>' || operator === '!=') order = l.value === r.value ? 0 : 1;
    else return 'unknown';
  } else if (l.kind === 'number' && r.kind === 'string' && NUMERIC.test(r.value)) order = Math.sign(l.value - Number(r.value));
  else if (l.kind === 'string' && r.kind === 'number' && NUMERIC.test(l.value)) order = Math.sign(Number(l.value) - r.value);
  else return 'unknown';
  switch (operator) {
    case '=':
      return order === 0 ? 'true' : 'false';
    case '<>':
    case '!=':
      return order !== 0 ? 'true' : 'false';
    case '<':
      return order < 0 ? 'true' : 'false';
    case '<=':
      return order <= 0 ? 'true' : 'false';
    case '>':
      return order > 0 ? 'true' : 'false';
    case '>=':
      return order >= 0 ? 'true' : 'false';
    default:
      return 'unknown';
  }
}

function not(t: Truth): Truth {
  switch (t) {
    case 'true':
      return 'false';
    case 'false':
      return 'true';
    case 'nonnull-true':
      return 'nonnull-false';
    case 'nonnull-false':
      return 'nonnull-true';
    default:
      return t;
  }
}

/** Three-valued AND; `nonnull-true` behaves like true on the rows where it is true. */
function and2(a: Truth, b: Truth): Truth {
  if (a === 'false' || b === 'false') return 'false';
  if (a === 'true') return b;
  if (b === 'true') return a;
  if (a === 'null' && b === 'null') return 'null';
  if (a === 'nonnull-true' && b === 'nonnull-true') return 'nonnull-true';
  return 'unknown';
}

/**
 * Three-valued OR. `nonnull-true OR x` is true at least wherever the column is not NULL, which
 * is the "almost every row" this rule reports, so it stays `nonnull-true` whatever `x` is.
 */
function or2(a: Truth, b: Truth): Truth {
  if (a === 'true' || b === 'true') return 'true';
  if (a === 'false') return b;
  if (b === 'false') return a;
  if (a === 'nonnull-true' || b === 'nonnull-true') return 'nonnull-true';
  if (a === 'null' && b === 'null') return 'null';
  return 'unknown';
}

function booleanTest(test: BooleanTest['test'], t: Truth): Truth {
  if (t === 'true' || t === 'false' || t === 'null') {
    const v = t === 'null' ? null : t === 'true';
    const result = {
      'IS TRUE': v === true,
      'IS NOT TRUE': v !== true,
      'IS FALSE': v === false,
      'IS NOT FALSE': v !== false,
      'IS UNKNOWN': v === null,
      'IS NOT UNKNOWN': v !== null,
    }[test];
    return result ? 'true' : 'false';
  }
  if (t === 'nonnull-true') {
    // True on non-NULL rows, NULL on the others.
    if (test === 'IS NOT FALSE') return 'true';
    if (test === 'IS TRUE') return 'nonnull-true';
  }
  return 'unknown';
}

/** Two-valued tests of the same operand, one the negation of the other. */
const OPPOSITE_TESTS: Record<BooleanTest['test'], BooleanTest['test']> = {
  'IS TRUE': 'IS NOT TRUE',
  'IS NOT TRUE': 'IS TRUE',
  'IS FALSE': 'IS NOT FALSE',
  'IS NOT FALSE': 'IS FALSE',
  'IS UNKNOWN': 'IS NOT UNKNOWN',
  'IS NOT UNKNOWN': 'IS UNKNOWN',
};

/** `x IS NULL OR x IS NOT NULL`, `p IS TRUE OR p IS NOT TRUE`, `NOT (x IS NULL) OR x IS NULL`: always true. */
function hasComplementaryPair(args: Expr[]): boolean {
  const unwrapNot = (e: Expr): { test: Expr; negated: boolean } =>
    e.type === 'LogicalExpr' && e.operator === 'NOT' && e.args[0] ? { test: unwrapNot(e.args[0]).test, negated: !unwrapNot(e.args[0]).negated } : { test: e, negated: false };
  const tests = args.map(unwrapNot).filter((t) => t.test.type === 'NullTest' || t.test.type === 'BooleanTest');
  for (let i = 0; i < tests.length; i++) {
    for (let j = i + 1; j < tests.length; j++) {
      const a = tests[i]!;
      const b = tests[j]!;
      if (a.test.type === 'NullTest' && b.test.type === 'NullTest') {
        if (sameExpr(a.test.expr, b.test.expr) && a.test.negated !== a.negated !== (b.test.negated !== b.negated)) return true;
      } else if (a.test.type === 'BooleanTest' && b.test.type === 'BooleanTest' && sameExpr(a.test.expr, b.test.expr)) {
        const aTest = a.negated ? OPPOSITE_TESTS[a.test.test] : a.test.test;
        const bTest = b.negated ? OPPOSITE_TESTS[b.test.test] : b.test.test;
        if (OPPOSITE_TESTS[aTest] === bTest) return true;
      }
    }
  }
  return false;
}
