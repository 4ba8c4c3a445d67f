import type { TypeRef } from '../model/nodes.ts';
import { SOURCES } from './sources.ts';
import type { SourceRef } from './types.ts';

/**
 * ALTER COLUMN TYPE changes that do not rewrite the table: the new type is binary-coercible
 * from the old one and no value can fail the new type modifier (ALTER TABLE Notes: "a table
 * rewrite is not needed ... when the old type is either binary coercible to the new type or an
 * unconstrained domain over the new type"). Anything not listed rewrites the table and every
 * index. The list follows the release notes that introduced each case and strong_migrations'
 * PostgreSQL adapter (`change_type_safe?`); the verification suite runs each row on PostgreSQL.
 */
export interface TypeChangeRule {
  id: string;
  description: string;
  /** First major version where the change skips the rewrite. */
  since: number;
  /** Whether indexes on the column keep their storage or are rebuilt (a scan, no table rewrite). */
  indexes: 'kept' | 'rebuilt';
  /** A condition the statement alone cannot show, e.g. the session's TimeZone. */
  condition?: string;
  matches(from: TypeRef, to: TypeRef): boolean;
  sources: SourceRef[];
}

const TIME_TYPES = new Set(['timestamp', 'timestamptz', 'time', 'timetz', 'interval']);

/** Modifier n of `to` is unlimited or at least `from`'s. */
function widened(from: number | undefined, to: number | undefined): boolean {
  if (to === undefined) return true;
  if (from === undefined) return false;
  return to >= from;
}

function scalar(t: TypeRef): boolean {
  return t.arrayDimensions === 0;
}

export const TYPE_CHANGE_RULES: readonly TypeChangeRule[] = [
  {
    id: 'same_type',
    description: 'the same type and modifiers',
    since: 9.1,
    indexes: 'kept',
    matches: (a, b) => a.name === b.name && a.arrayDimensions === b.arrayDimensions && a.modifiers.join(',') === b.modifiers.join(','),
    sources: [SOURCES.alterTableNotes],
  },
  {
    id: 'varchar_widen',
    description: 'varchar(n) to varchar(m) with m >= n, or to unlimited varchar',
    since: 9.2,
    indexes: 'kept',
    matches: (a, b) => scalar(a) && scalar(b) && a.name === 'varchar' && b.name === 'varchar' && widened(a.modifiers[0], b.modifiers[0]),
    sources: [SOURCES.release('9.2'), SOURCES.strongMigrations],
  },
  {
    id: 'varchar_to_text',
    description: 'varchar(n) to text, or text to unlimited varchar',
    since: 9.1,
    indexes: 'kept',
    matches: (a, b) => scalar(a) && scalar(b) && ((a.name === 'varchar' && b.name === 'text') || (a.name === 'text' && b.name === 'varchar' && b.modifiers.length === 0)),
    sources: [SOURCES.release('9.1'), SOURCES.strongMigrations],
  },
  {
    id: 'varbit_widen',
    description: 'varbit(n) to varbit(m) with m >= n, or to unlimited varbit',
    since: 9.2,
    indexes: 'kept',
    matches: (a, b) => scalar(a) && scalar(b) && a.name === 'varbit' && b.name === 'varbit' && widened(a.modifiers[0], b.modifiers[0]),
    sources: [SOURCES.release('9.2')],
  },
  {
    id: 'numeric_widen',
    description: 'numeric(p, s) to numeric(p2, s) with p2 >= p and the same scale, or to unconstrained numeric',
    since: 9.2,
    indexes: 'kept',
    matches: (a, b) =>
      scalar(a) &&
      scalar(b) &&
      a.name === 'numeric' &&
      b.name === 'numeric' &&
      (b.modifiers.length === 0 || (a.modifiers.length > 0 && widened(a.modifiers[0], b.modifiers[0]) && (a.modifiers[1] ?? 0) === (b.modifiers[1] ?? 0))),
    sources: [SOURCES.release('9.2'), SOURCES.strongMigrations],
  },
  {
    id: 'time_precision_widen',
    description: 'timestamp / timestamptz / time / timetz / interval to the same type with more or unlimited precision',
    since: 9.2,
    indexes: 'kept',
    matches: (a, b) => scalar(a) && scalar(b) && a.name === b.name && TIME_TYPES.has(a.name) && widened(a.modifiers[0] ?? 6, b.modifiers[0] ?? 6),
    sources: [SOURCES.release('9.2'), SOURCES.strongMigrations],
  },
  {
    id: 'timestamp_timestamptz',
    description: 'timestamp to timestamptz or back, precision not reduced',
    since: 12,
    indexes: 'rebuilt',
    condition: "only when the session's TimeZone is UTC; otherwise the table is rewritten",
    matches: (a, b) =>
      scalar(a) &&
      scalar(b) &&
      ((a.name === 'timestamp' && b.name === 'timestamptz') || (a.name === 'timestamptz' && b.name === 'timestamp')) &&
      widened(a.modifiers[0] ?? 6, b.modifiers[0] ?? 6),
    sources: [SOURCES.release('12'), SOURCES.strongMigrations],
  },
  {
    id: 'cidr_to_inet',
    description: 'cidr to inet',
    since: 9.2,
    indexes: 'kept',
    matches: (a, b) => scalar(a) && scalar(b) && a.name === 'cidr' && b.name === 'inet',
    sources: [SOURCES.strongMigrations],
  },
  {
    id: 'text_citext',
    description: 'text or varchar to citext, or citext to text',
    since: 9.1,
    indexes: 'rebuilt',
    matches: (a, b) => scalar(a) && scalar(b) && ((['text', 'varchar'].includes(a.name) && b.name === 'citext') || (a.name === 'citext' && b.name === 'text')),
    sources: [SOURCES.strongMigrations],
  },
];

export interface TypeChangeVerdict {
  rewrite: 'none' | 'index' | 'table_and_indexes';
  rule?: TypeChangeRule;
  /** Set when the verdict depends on something unknown (the old type, the session TimeZone). */
  uncertain?: string;
  reason: string;
}

function display(t: TypeRef): string {
  return t.text || `${t.name}${t.modifiers.length ? `(${t.modifiers.join(',')})` : ''}${'[]'.repeat(t.arrayDimensions)}`;
}

/**
 * Whether `ALTER COLUMN ... TYPE to` rewrites the table, given the column's current type when
 * the catalog knows it. A `USING` expression that is not just the column (or the column cast to
 * the new type) computes new values and always rewrites.
 */
export function classifyTypeChange(from: TypeRef | undefined, to: TypeRef, version: number, options: { usingComputes?: boolean; column?: string } = {}): TypeChangeVerdict {
  const column = options.column ? `column ${options.column}` : 'the column';
  if (options.usingComputes) return { rewrite: 'table_and_indexes', reason: 'USING computes new values, so every row is rewritten' };
  if (!from) {
    return {
      rewrite: 'table_and_indexes',
      uncertain: `the current type of ${column} is unknown, so whether ${display(to)} is a binary-coercible change cannot be decided; it rewrites the table unless it is one of the binary-coercible changes (e.g. varchar widening, varchar to text)`,
      reason: 'a type change rewrites the table and its indexes unless it is binary-coercible',
    };
  }
  if (from.schema !== to.schema && from.schema !== undefined && to.schema !== undefined) {
    return { rewrite: 'table_and_indexes', reason: `${display(from)} to ${display(to)} is not a known binary-coercible change` };
  }
  const rule = TYPE_CHANGE_RULES.find((r) => r.matches(from, to));
  if (!rule) return { rewrite: 'table_and_indexes', reason: `${display(from)} to ${display(to)} is not a binary-coercible change` };
  if (version < rule.since) {
    return { rewrite: 'table_and_indexes', rule, reason: `${display(from)} to ${display(to)} skips the rewrite only from PostgreSQL ${rule.since}` };
  }
  const verdict: TypeChangeVerdict = {
    rewrite: rule.indexes === 'rebuilt' ? 'index' : 'none',
    rule,
    reason: `${display(from)} to ${display(to)} is binary-coercible (${rule.description})${rule.indexes === 'rebuilt' ? '; indexes on the column are rebuilt' : ''}`,
  };
  if (rule.condition) verdict.uncertain = `${display(from)} to ${display(to)} skips the rewrite ${rule.condition}`;
  return verdict;
}
