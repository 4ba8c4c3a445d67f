/**
 * Rewrites of "truncate the timestamp, then compare" predicates into half-open ranges on the
 * bare column, which a plain B-tree index on the column serves:
 *
 *   created_at::date = '2024-01-01'          -> created_at >= '2024-01-01' AND created_at < '2024-01-02'
 *   date_trunc('month', ts) = $1             -> ts >= $1 AND ts < $1 + interval '1 month'
 *   extract(year from ts) = 2023             -> ts >= '2023-01-01' AND ts < '2024-01-01'
 *
 * Each truncation is a floor function f, so for any value D that f can produce:
 *   f(col) = D  <=>  col >= D AND col < next(D)     f(col) >= D  <=>  col >= D
 *   f(col) > D  <=>  col >= next(D)                 f(col) <  D  <=>  col < D
 *   f(col) <= D <=>  col < next(D)
 * A literal D that f cannot produce (`date_trunc('month', ts) = '2024-01-15'`) gets no rewrite.
 */
import type { ColumnRef, Expr } from '@sqlwarden/core';

export type Unit = 'minute' | 'hour' | 'day' | 'week' | 'month' | 'year';

export interface Truncation {
  column: ColumnRef;
  unit: Unit;
  /**
   * How the compared value is typed in the original: `date` for `col::date` / `date(col)` (the
   * other side is a date), `column` for date_trunc (the column's type), `year` for
   * extract/date_part (a number).
   */
  operand: 'date' | 'column' | 'year';
}

const UNITS = new Set<Unit>(['minute', 'hour', 'day', 'week', 'month', 'year']);

/** Recognises `col::date`, `CAST(col AS date)`, `date(col)`, `date_trunc('unit', col)`, `extract(year from col)`, `date_part('year', col)`. */
export function truncationOf(expr: Expr): Truncation | undefined {
  if (expr.type === 'Cast' && expr.targetType.name === 'date' && expr.targetType.arrayDimensions === 0 && expr.expr.type === 'ColumnRef') {
    return { column: expr.expr, unit: 'day', operand: 'date' };
  }
  if (expr.type !== 'FuncCall' || expr.schema !== undefined || expr.over || expr.distinct) return undefined;
  const [first, second] = expr.args;
  if (expr.name === 'date' && expr.args.length === 1 && first?.type === 'ColumnRef') return { column: first, unit: 'day', operand: 'date' };
  if (expr.args.length !== 2 || second?.type !== 'ColumnRef' || first?.type !== 'Literal' || first.kind !== 'string') return undefined;
  const unit = String(first.value).toLowerCase();
  if (expr.name === 'date_trunc' && UNITS.has(unit as Unit)) return { column: second, unit: unit as Unit, operand: 'column' };
  if ((expr.name === 'extract' || expr.name === 'date_part') && unit === 'year') return { column: second, unit: 'year', operand: 'year' };
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Literal timestamps, computed in UTC as wall-clock values (no time zone is involved: the
// rewritten literal is read by the server exactly as the original one was).

interface WallClock {
  ms: number;
  hasTime: boolean;
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/;

function parseWallClock(text: string): WallClock | undefined {
  const m = ISO.exec(text.trim());
  if (!m) return undefined;
  const [y, mo, d, h = '0', mi = '0', s = '0'] = m.slice(1).map((p) => p ?? '0');
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  const back = new Date(ms);
  // Reject dates like 2024-02-30, which Date.UTC would roll over.
  if (back.getUTCFullYear() !== Number(y) || back.getUTCMonth() !== Number(mo) - 1 || back.getUTCDate() !== Number(d)) return undefined;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return undefined;
  return { ms, hasTime: m[4] !== undefined };
}

function floorTo(ms: number, unit: Unit): number {
  const d = new Date(ms);
  switch (unit) {
    case 'minute':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes());
    case 'hour':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours());
    case 'day':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
    case 'week': {
      // ISO weeks start on Monday, as date_trunc('week', ...) does.
      const day = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
      return day - ((d.getUTCDay() + 6) % 7) * 86_400_000;
    }
    case 'month':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
    case 'year':
      return Date.UTC(d.getUTCFullYear(), 0, 1);
  }
}

function nextOf(ms: number, unit: Unit): number {
  const d = new Date(ms);
  switch (unit) {
    case 'minute':
      return ms + 60_000;
    case 'hour':
      return ms + 3_600_000;
    case 'day':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1, d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds());
    case 'week':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 7, d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds());
    case 'month':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
    case 'year':
      return Date.UTC(d.getUTCFullYear() + 1, d.getUTCMonth(), d.getUTCDate());
  }
}

function formatWallClock(ms: number, withTime: boolean): string {
  const d = new Date(ms);
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  const date = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const midnight = d.getUTCHours() === 0 && d.getUTCMinutes() === 0 && d.getUTCSeconds() === 0;
  if (!withTime && midnight) return `'${date}'`;
  return `'${date} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}'`;
}

// ---------------------------------------------------------------------------------------------
// Bounds: what `D` and `next(D)` are written as.

interface Bound {
  /** D as SQL text. */
  value: string;
  /**
   * next(D) as SQL text, or undefined when it cannot be written without changing how a
   * parameter's type is inferred (see `bound`).
   */
  next: string | undefined;
}

export interface BoundContext {
  text: (expr: Expr) => string;
  /** The column's canonical type when the catalog knows it (`timestamptz`, `timestamp`, `date`). */
  columnType: string | undefined;
  /** Whether a bare occurrence of the value precedes `next(D)` in the rewrite (the `=` form). */
  valueAppearsFirst: boolean;
}

/** A string literal, or a typed literal such as `DATE '2024-01-01'` / `'2024-01-01'::timestamptz`. */
function literalText(expr: Expr): string | undefined {
  if (expr.type === 'Literal' && expr.kind === 'string') return String(expr.value);
  if (expr.type === 'Cast' && expr.expr.type === 'Literal' && expr.expr.kind === 'string' && ['date', 'timestamp', 'timestamptz'].includes(expr.targetType.name)) {
    return String(expr.expr.value);
  }
  return undefined;
}

const ATOMIC = new Set(['Param', 'Literal', 'ColumnRef', 'FuncCall', 'Cast']);

function paren(expr: Expr, text: string): string {
  return ATOMIC.has(expr.type) ? text : `(${text})`;
}

/**
 * D and next(D) for the compared value, or undefined when no faithful rewrite exists. An
 * untyped parameter takes its type from its first use, so `$1 + interval '1 day'` alone would
 * make `$1` an interval: a parameter is only used in arithmetic after a bare use of it, or
 * with an explicit cast to the type the original query gave it.
 */
export function bound(t: Truncation, value: Expr, ctx: BoundContext): Bound | undefined {
  if (t.operand === 'year') {
    let year: number | undefined;
    if (value.type === 'Literal' && value.kind === 'integer') year = Number(value.value);
    else if (value.type === 'Literal' && value.kind === 'string' && /^\s*\d{1,4}\s*$/.test(String(value.value))) year = Number(value.value);
    if (year !== undefined) {
      if (!Number.isInteger(year) || year < 1 || year > 9998) return undefined;
      const start = Date.UTC(2000, 0, 1);
      const d = new Date(start);
      d.setUTCFullYear(year);
      const next = new Date(start);
      next.setUTCFullYear(year + 1);
      return { value: formatWallClock(d.getTime(), false), next: formatWallClock(next.getTime(), false) };
    }
    if (value.type === 'Param') {
      // make_date(int, int, int) types the parameter as an integer year, as extract's comparison did.
      const p = ctx.text(value);
      return { value: `make_date(${p}, 1, 1)`, next: `make_date(${p} + 1, 1, 1)` };
    }
    return undefined;
  }

  const literal = literalText(value);
  if (literal !== undefined) {
    const wall = parseWallClock(literal);
    if (!wall) return undefined;
    // `col::date = '2024-01-01 10:00'` compares against the literal's date; keep to plain dates there.
    if (t.operand === 'date' && wall.hasTime) return undefined;
    if (floorTo(wall.ms, t.unit) !== wall.ms) return undefined;
    return { value: formatWallClock(wall.ms, wall.hasTime), next: formatWallClock(nextOf(wall.ms, t.unit), wall.hasTime) };
  }
  if (value.type === 'Literal') return undefined;

  if (t.operand === 'date') {
    // The original compared against a date: keep it a date, then `+ 1` is the next day.
    const typed = value.type === 'Param' ? `${ctx.text(value)}::date` : isDateTyped(value) ? paren(value, ctx.text(value)) : undefined;
    if (typed === undefined) return undefined;
    return { value: typed, next: `${typed} + 1` };
  }

  const interval = `interval '1 ${t.unit}'`;
  if (value.type === 'Param') {
    const p = ctx.text(value);
    if (ctx.columnType) {
      const typed = `${p}::${ctx.columnType}`;
      return { value: typed, next: `${typed} + ${interval}` };
    }
    return { value: p, next: ctx.valueAppearsFirst ? `${p} + ${interval}` : undefined };
  }
  if (value.type === 'FuncCall' || value.type === 'Cast' || value.type === 'BinaryExpr') {
    const v = paren(value, ctx.text(value));
    return { value: v, next: `${v} + ${interval}` };
  }
  return undefined;
}

function isDateTyped(expr: Expr): boolean {
  if (expr.type === 'Cast') return expr.targetType.name === 'date' && expr.targetType.arrayDimensions === 0;
  return expr.type === 'FuncCall' && expr.name === 'current_date';
}

export type RangeOperator = '=' | '<' | '<=' | '>' | '>=';

/** The operator as if the truncated column were on the left. */
export function flip(op: RangeOperator): RangeOperator {
  return op === '<' ? '>' : op === '>' ? '<' : op === '<=' ? '>=' : op === '>=' ? '<=' : op;
}

/** The range predicate for `f(col) op D`, or undefined when a needed bound cannot be written. */
export function rangePredicate(column: string, op: RangeOperator, b: Bound): string | undefined {
  switch (op) {
    case '=':
      return b.next === undefined ? undefined : `${column} >= ${b.value} AND ${column} < ${b.next}`;
    case '>=':
      return `${column} >= ${b.value}`;
    case '>':
      return b.next === undefined ? undefined : `${column} >= ${b.next}`;
    case '<':
      return `${column} < ${b.value}`;
    case '<=':
      return b.next === undefined ? undefined : `${column} < ${b.next}`;
  }
}
