import type { Versioned } from './types.ts';

type Range<T> = { from?: number; until?: number; value: T };

function isRanges<T>(value: Versioned<T>): value is Array<Range<T>> {
  return Array.isArray(value);
}

/**
 * The value of a versioned fact for one server version. `from` is inclusive, `until`
 * exclusive. A version outside every range gets the nearest range's value, so a model that
 * starts at 9.4 still answers for 9.3.
 */
export function atVersion<T>(value: Versioned<T>, version: number): T {
  if (!isRanges(value)) return value;
  const hit = value.find((r) => (r.from === undefined || version >= r.from) && (r.until === undefined || version < r.until));
  if (hit) return hit.value;
  const sorted = [...value].sort((a, b) => (a.from ?? -Infinity) - (b.from ?? -Infinity));
  return version < (sorted[0]!.from ?? -Infinity) ? sorted[0]!.value : sorted[sorted.length - 1]!.value;
}

/** Whether the fact has different values across versions. */
export function variesByVersion<T>(value: Versioned<T>): boolean {
  return isRanges(value) && new Set(value.map((r) => JSON.stringify(r.value))).size > 1;
}

/** `before(11, a, b)`: a until 11, b from 11. */
export function since<T>(version: number, before: T, after: T): Versioned<T> {
  return [
    { until: version, value: before },
    { from: version, value: after },
  ];
}
