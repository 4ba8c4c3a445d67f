import type { Rule } from '@sqlwarden/core';
import noBlockingIndexBuild from './no-blocking-index-build/index.ts';
import noImplicitCast from './no-implicit-cast/index.ts';
import noNonSargablePredicate from './no-non-sargable-predicate/index.ts';
import noSelectStar from './no-select-star/index.ts';
import noUnsafeNotNull from './no-unsafe-not-null/index.ts';
import requireWhere from './require-where/index.ts';

/** Every built-in rule, in the order the README lists them. */
export const builtinRules: Rule<any>[] = [
  noSelectStar,
  requireWhere,
  noNonSargablePredicate,
  noImplicitCast,
  noUnsafeNotNull,
  noBlockingIndexBuild,
];
