/**
 * Whether the validated CHECK constraints (and NOT NULL columns) of a table prove a partition
 * bound, the way PostgreSQL's ATTACH PARTITION skips its validation scan
 * (PartConstraintImpliedByRelConstraint in tablecmds.c, predicate_implied_by). Checked on
 * PostgreSQL 15 with `client_min_messages = debug1` ("partition constraint for table ... is
 * implied by existing constraints" versus "verifying table ..."):
 *
 * - a range partition's constraint includes `key IS NOT NULL`: a CHECK of the range alone does
 *   not prove it, a NOT NULL column or `key IS NOT NULL` in a CHECK does;
 * - a CHECK narrower than the bound proves it, a wider one does not;
 * - a NOT VALID CHECK does not count until it is validated;
 * - a list partition that does not accept NULL needs `key IS NOT NULL` too.
 *
 * Only single-column keys whose bound values are constants are judged; anything else is
 * `unknown`.
 */
import type { CatalogTable, Expr } from '@sqlwarden/core';

export type Value = { kind: 'number'; n: number } | { kind: 'string'; s: string } | { kind: 'minvalue' } | { kind: 'maxvalue' } | { kind: 'null' };

export type Bound =
  | { strategy: 'range'; from: Value[]; to: Value[] }
  | { strategy: 'list'; values: Value[] }
  | { strategy: 'hash'; modulus: number; remainder: number }
  | { strategy: 'default' };

export type Verdict = { result: 'implied' } | { result: 'scan'; reason: string } | { result: 'unknown' };

type RawNode = Record<string, any>;

/** A constant of the parser's partition bound (`A_Const`, `'...'::date`, MINVALUE/MAXVALUE). */
function rawValue(node: RawNode | undefined): Value | undefined {
  if (!node) return undefined;
  if (node.TypeCast) return rawValue(node.TypeCast.arg);
  if (node.ColumnRef) {
    const word = node.ColumnRef.fields?.[0]?.String?.sval?.toLowerCase();
    if (word === 'minvalue') return { kind: 'minvalue' };
    if (word === 'maxvalue') return { kind: 'maxvalue' };
    return undefined;
  }
  const c = node.A_Const;
  if (!c) return undefined;
  if (c.isnull) return { kind: 'null' };
  if (c.ival) return { kind: 'number', n: Number(c.ival.ival ?? 0) };
  if (c.fval) return { kind: 'number', n: Number(c.fval.fval) };
  if (c.sval) return { kind: 'string', s: String(c.sval.sval ?? '') };
  return undefined;
}

/** The bound of `ATTACH PARTITION ... FOR VALUES ...` from the parser's node; undefined when a value is not a constant. */
export function boundOf(raw: unknown): Bound | undefined {
  const bound = (raw as RawNode | undefined)?.AlterTableCmd?.def?.PartitionCmd?.bound;
  if (!bound) return undefined;
  if (bound.is_default) return { strategy: 'default' };
  const list = (items: RawNode[] | undefined): Value[] | undefined => {
    const out = (items ?? []).map(rawValue);
    return out.every((v): v is Value => v !== undefined) ? out : undefined;
  };
  if (bound.strategy === 'r') {
    const from = list(bound.lowerdatums);
    const to = list(bound.upperdatums);
    return from && to ? { strategy: 'range', from, to } : undefined;
  }
  if (bound.strategy === 'l') {
    const values = list(bound.listdatums);
    return values ? { strategy: 'list', values } : undefined;
  }
  if (bound.strategy === 'h') return { strategy: 'hash', modulus: Number(bound.modulus ?? 0), remainder: Number(bound.remainder ?? 0) };
  return undefined;
}

/** The partition key of `CREATE TABLE ... PARTITION BY`: column names, or undefined for expression keys. */
export function partitionKeyOf(raw: unknown): string[] | undefined {
  const spec = (raw as RawNode | undefined)?.CreateStmt?.partspec;
  if (!spec) return undefined;
  const params: RawNode[] = spec.partParams ?? [];
  const names = params.map((p) => p.PartitionElem?.name as string | undefined);
  return names.every((n): n is string => typeof n === 'string') ? names : undefined;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$/;

/** -1, 0, 1, or undefined when the two constants cannot be ordered without knowing their type. */
function compare(a: Value, b: Value): number | undefined {
  if (a.kind === 'number' && b.kind === 'number') return Math.sign(a.n - b.n);
  if (a.kind === 'string' && b.kind === 'string') {
    if (a.s === b.s) return 0;
    // ISO dates and timestamps order like their text once the time part is filled in.
    if (ISO_DATE.test(a.s) && ISO_DATE.test(b.s)) {
      const norm = (s: string): string => `${s.replace('T', ' ')}${' 00:00:00.000000'.slice(s.length - 10)}`.slice(0, 26);
      const x = norm(a.s);
      const y = norm(b.s);
      return x < y ? -1 : x > y ? 1 : 0;
    }
    return undefined;
  }
  if (a.kind === 'number' && b.kind === 'string' && /^-?\d+(\.\d+)?$/.test(b.s)) return Math.sign(a.n - Number(b.s));
  if (a.kind === 'string' && b.kind === 'number' && /^-?\d+(\.\d+)?$/.test(a.s)) return Math.sign(Number(a.s) - b.n);
  return undefined;
}

function exprValue(e: Expr): Value | undefined {
  if (e.type === 'Cast') return exprValue(e.expr);
  if (e.type === 'UnaryExpr' && e.operator === '-') {
    const v = exprValue(e.operand);
    return v?.kind === 'number' ? { kind: 'number', n: -v.n } : undefined;
  }
  if (e.type !== 'Literal') return undefined;
  if (e.kind === 'null') return { kind: 'null' };
  if (e.kind === 'integer' || e.kind === 'numeric') return { kind: 'number', n: Number(e.value) };
  if (e.kind === 'string') return { kind: 'string', s: String(e.value) };
  return undefined;
}

interface Facts {
  notNull: boolean;
  lower?: { v: Value; inclusive: boolean };
  upper?: { v: Value; inclusive: boolean };
  set?: Value[];
  /** A condition on the column that could not be read (a function, an operator sqlwarden does not know). */
  unreadable: boolean;
  /** Some CHECK mentions the column at all. */
  mentioned: boolean;
}

function conjuncts(e: Expr): Expr[] {
  return e.type === 'LogicalExpr' && e.operator === 'AND' ? e.args.flatMap(conjuncts) : [e];
}

function mentions(e: Expr, column: string): boolean {
  if (e.type === 'ColumnRef') return e.column === column;
  return Object.values(e).some((v) => {
    if (Array.isArray(v)) return v.some((x) => x && typeof x === 'object' && 'type' in x && mentions(x as Expr, column));
    return v && typeof v === 'object' && 'type' in v && (v as { type: string }).type !== 'TypeRef' && mentions(v as Expr, column);
  });
}

const FLIP: Record<string, string> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=', '=': '=' };

function factsFor(table: CatalogTable, column: string, validatedOnly: boolean): Facts {
  const facts: Facts = { notNull: table.columns.find((c) => c.name === column)?.notNull === true, unreadable: false, mentioned: false };
  const tighten = (side: 'lower' | 'upper', v: Value, inclusive: boolean): void => {
    const cur = facts[side];
    if (!cur) {
      facts[side] = { v, inclusive };
      return;
    }
    const c = compare(v, cur.v);
    if (c === undefined) facts.unreadable = true;
    else if ((side === 'lower' && c > 0) || (side === 'upper' && c < 0) || (c === 0 && !inclusive)) facts[side] = { v, inclusive };
  };
  for (const constraint of table.constraints) {
    if (constraint.kind !== 'check' || !constraint.expr || (validatedOnly && !constraint.validated)) continue;
    for (const e of conjuncts(constraint.expr)) {
      if (!mentions(e, column)) continue;
      facts.mentioned = true;
      if (e.type === 'NullTest' && e.negated && e.expr.type === 'ColumnRef' && e.expr.column === column) facts.notNull = true;
      else if (e.type === 'Comparison' && FLIP[e.operator]) {
        const colLeft = e.left.type === 'ColumnRef' && e.left.column === column;
        const colRight = e.right.type === 'ColumnRef' && e.right.column === column;
        const v = colLeft ? exprValue(e.right) : colRight ? exprValue(e.left) : undefined;
        if (!v || v.kind === 'null') {
          facts.unreadable = true;
          continue;
        }
        const op = colLeft ? e.operator : FLIP[e.operator]!;
        // A comparison is never true for NULL, but a CHECK passes when it is NULL: no NOT NULL here.
        if (op === '=') {
          tighten('lower', v, true);
          tighten('upper', v, true);
          facts.set = [v];
        } else if (op === '>' || op === '>=') tighten('lower', v, op === '>=');
        else tighten('upper', v, op === '<=');
      } else if (e.type === 'Between' && !e.negated && e.expr.type === 'ColumnRef' && e.expr.column === column) {
        const lo = exprValue(e.low);
        const hi = exprValue(e.high);
        if (!lo || !hi) facts.unreadable = true;
        else {
          tighten('lower', lo, true);
          tighten('upper', hi, true);
        }
      } else if (e.type === 'InList' && !e.negated && e.expr.type === 'ColumnRef' && e.expr.column === column) {
        const values = e.list.map(exprValue);
        if (values.some((v) => !v)) facts.unreadable = true;
        else facts.set = values as Value[];
      } else facts.unreadable = true;
    }
  }
  return facts;
}

function show(v: Value): string {
  if (v.kind === 'number') return String(v.n);
  if (v.kind === 'string') return `'${v.s.replace(/'/g, "''")}'`;
  return v.kind.toUpperCase();
}

function judge(facts: Facts, column: string, bound: Bound): Verdict {
  const quoted = `\`${column}\``;
  if (bound.strategy === 'range') {
    if (bound.from.length !== 1 || bound.to.length !== 1) return { result: 'unknown' };
    const from = bound.from[0]!;
    const to = bound.to[0]!;
    if (!facts.mentioned && !facts.notNull) return { result: 'scan', reason: `no validated CHECK constraint of the table limits ${quoted}` };
    const allIn = (test: (v: Value) => boolean | undefined): boolean | undefined => {
      if (!facts.set) return undefined;
      const r = facts.set.map(test);
      return r.includes(undefined) ? undefined : r.every(Boolean);
    };
    const lowOk =
      from.kind === 'minvalue' ||
      (facts.lower ? (() => { const c = compare(facts.lower!.v, from); return c === undefined ? undefined : c >= 0; })() : undefined) ||
      allIn((v) => { const c = compare(v, from); return c === undefined ? undefined : c >= 0; });
    const highOk =
      to.kind === 'maxvalue' ||
      (facts.upper ? (() => { const c = compare(facts.upper!.v, to); return c === undefined ? undefined : c < 0 || (c === 0 && !facts.upper!.inclusive); })() : undefined) ||
      allIn((v) => { const c = compare(v, to); return c === undefined ? undefined : c < 0; });
    if (lowOk === true && highOk === true) {
      return facts.notNull ? { result: 'implied' } : { result: 'scan', reason: `${quoted} may be NULL, which a range partition does not accept: add \`${column} IS NOT NULL\` to the CHECK (or make the column NOT NULL)` };
    }
    if (facts.unreadable) return { result: 'unknown' };
    if (lowOk === undefined && facts.lower === undefined && highOk === undefined && facts.upper === undefined && facts.set === undefined) {
      return { result: 'scan', reason: `no validated CHECK constraint of the table limits the range of ${quoted}` };
    }
    return { result: 'scan', reason: `the validated CHECK constraints allow values of ${quoted} outside FROM (${show(from)}) TO (${show(to)})` };
  }
  if (bound.strategy === 'list') {
    const acceptsNull = bound.values.some((v) => v.kind === 'null');
    const listed = bound.values.filter((v) => v.kind !== 'null');
    if (!facts.set) {
      if (facts.unreadable) return { result: 'unknown' };
      return { result: 'scan', reason: `no validated CHECK constraint of the table limits ${quoted} to the listed values` };
    }
    const inside = facts.set.map((v) => listed.some((w) => compare(v, w) === 0) || (v.kind === 'null' && acceptsNull));
    if (!inside.every(Boolean)) return facts.unreadable ? { result: 'unknown' } : { result: 'scan', reason: `the validated CHECK constraints allow values of ${quoted} that are not in the list` };
    if (!acceptsNull && !facts.notNull) return { result: 'scan', reason: `${quoted} may be NULL, which this list partition does not accept: add \`${column} IS NOT NULL\` to the CHECK (or make the column NOT NULL)` };
    return { result: 'implied' };
  }
  return { result: 'unknown' };
}

/**
 * Whether `table`'s constraints prove `bound`. With the key known, it is judged on the key; with
 * the key unknown, any single column of the CHECK constraints that proves it counts.
 */
export function boundImplied(table: CatalogTable, bound: Bound, key: string[] | undefined): Verdict & { notValid?: string; guessedKey?: string } {
  if (bound.strategy === 'hash') return { result: 'scan', reason: 'a hash bound is not proven by ordinary CHECK constraints' };
  const validated = table.constraints.filter((c) => c.kind === 'check' && c.validated && c.expr);
  if (bound.strategy === 'default') return validated.length === 0 ? { result: 'scan', reason: 'the table has no validated CHECK constraint' } : { result: 'unknown' };
  const withNotValid = (verdict: Verdict, columns: string[]): Verdict & { notValid?: string } => {
    if (verdict.result !== 'scan') return verdict;
    // Would the NOT VALID constraints prove it once validated?
    for (const column of columns) {
      if (judge(factsFor(table, column, false), column, bound).result === 'implied') {
        const pending = table.constraints.find((c) => c.kind === 'check' && !c.validated && c.expr && mentions(c.expr, column));
        return { ...verdict, notValid: pending?.name ?? 'a NOT VALID CHECK' };
      }
    }
    return verdict;
  };
  if (key) {
    if (key.length !== 1) return validated.length === 0 ? withNotValid({ result: 'scan', reason: 'the table has no validated CHECK constraint' }, []) : { result: 'unknown' };
    return withNotValid(judge(factsFor(table, key[0]!, true), key[0]!, bound), key);
  }
  const candidates = [...new Set(table.constraints.filter((c) => c.kind === 'check' && c.expr).flatMap((c) => columnsOf(c.expr!)))];
  if (validated.length === 0) return withNotValid({ result: 'scan', reason: 'the table has no validated CHECK constraint' }, candidates);
  const verdicts = candidates.map((c) => judge(factsFor(table, c, true), c, bound));
  if (verdicts.some((v) => v.result === 'implied')) return { result: 'implied' };
  if (verdicts.some((v) => v.result === 'unknown')) return { result: 'unknown' };
  // The columns whose CHECK constraints bound them the way the partition bound would: likely the key.
  const bounded = candidates.filter((c) => {
    const f = factsFor(table, c, false);
    return f.lower !== undefined || f.upper !== undefined || f.set !== undefined;
  });
  const guessedKey = bounded.length === 1 ? bounded[0]! : undefined;
  const own = guessedKey ? verdicts[candidates.indexOf(guessedKey)] : undefined;
  const reason = own?.result === 'scan' ? own.reason : 'no validated CHECK constraint of the table implies the bound';
  return { ...withNotValid({ result: 'scan', reason }, candidates), ...(guessedKey ? { guessedKey } : {}) };
}

function columnsOf(e: Expr): string[] {
  const out: string[] = [];
  const visit = (x: unknown): void => {
    if (!x || typeof x !== 'object') return;
    if (Array.isArray(x)) return x.forEach(visit);
    const node = x as { type?: string; column?: string };
    if (node.type === 'ColumnRef' && node.column) out.push(node.column);
    if (node.type === 'TypeRef') return;
    for (const [k, v] of Object.entries(node)) if (k !== 'raw' && k !== 'range') visit(v);
  };
  visit(e);
  return out;
}

/** The CHECK expression that proves the bound, for the recipe: `k IS NOT NULL AND k >= 100 AND k < 200`. */
export function boundCheck(bound: Bound, key: string | undefined): string | undefined {
  const k = key ?? '<key>';
  if (bound.strategy === 'range' && bound.from.length === 1 && bound.to.length === 1) {
    const parts = [`${k} IS NOT NULL`];
    if (bound.from[0]!.kind !== 'minvalue') parts.push(`${k} >= ${show(bound.from[0]!)}`);
    if (bound.to[0]!.kind !== 'maxvalue') parts.push(`${k} < ${show(bound.to[0]!)}`);
    return parts.join(' AND ');
  }
  if (bound.strategy === 'list') {
    const listed = bound.values.filter((v) => v.kind !== 'null').map(show);
    const inList = `${k} IN (${listed.join(', ')})`;
    return bound.values.some((v) => v.kind === 'null') ? `${k} IS NULL OR ${inList}` : `${k} IS NOT NULL AND ${inList}`;
  }
  return undefined;
}
