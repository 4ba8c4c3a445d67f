/**
 * Lookups computed once per lint of a file, for helpers that would otherwise scan every earlier
 * statement for every statement: quadratic in a long migration, which an editor re-lints on each
 * keystroke. The engine builds `context.file.statements` anew for each lint and never changes it
 * while rules run, so the array identifies the lint.
 */
import type { RuleContext, StatementInfo } from '@sqlwarden/core';

const byLint = new WeakMap<readonly StatementInfo[], Map<object, unknown>>();

/** The value `build` makes for this lint of the file, built on first use; `key` tells lookups apart. */
export function perFile<T>(context: RuleContext<any>, key: object, build: (statements: readonly StatementInfo[]) => T): T {
  const statements = context.file.statements;
  let values = byLint.get(statements);
  if (!values) byLint.set(statements, (values = new Map()));
  if (!values.has(key)) values.set(key, build(statements));
  return values.get(key) as T;
}

/** Position of the last entry of the ascending `indexes` below `index`, or -1. */
export function lastBefore(indexes: readonly number[], index: number): number {
  let lo = 0;
  let hi = indexes.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (indexes[mid]! < index) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}
