import type { Rule } from '@sqlwarden/core';
import noBlockingIndexBuild from './no-blocking-index-build/index.ts';
import noImplicitCast from './no-implicit-cast/index.ts';
import noNonSargablePredicate from './no-non-sargable-predicate/index.ts';
import noSelectStar from './no-select-star/index.ts';
import noUnsafeNotNull from './no-unsafe-not-null/index.ts';
import requireWhere from './require-where/index.ts';
import noCharType from './no-char-type/index.ts';
import preferTimestamptz from './prefer-timestamptz/index.ts';
import preferBigintId from './prefer-bigint-id/index.ts';
import preferIdentity from './prefer-identity/index.ts';
import noLongIdentifier from './no-long-identifier/index.ts';
import preferTextOverVarchar from './prefer-text-over-varchar/index.ts';
import noNestedTransaction from './no-nested-transaction/index.ts';
import noUncommittedTransaction from './no-uncommitted-transaction/index.ts';
import requireNotValidConstraint from './require-not-valid-constraint/index.ts';
import requireUniqueUsingIndex from './require-unique-using-index/index.ts';
import noExclusionConstraint from './no-exclusion-constraint/index.ts';
import noTableRewrite from './no-table-rewrite/index.ts';
import noDropColumn from './no-drop-column/index.ts';
import noDropTable from './no-drop-table/index.ts';
import noDropDatabase from './no-drop-database/index.ts';
import noDropSchema from './no-drop-schema/index.ts';
import noRenameColumn from './no-rename-column/index.ts';
import noRenameTable from './no-rename-table/index.ts';
import noDropNotNull from './no-drop-not-null/index.ts';
import noTruncateCascade from './no-truncate-cascade/index.ts';
import requireLockTimeout from './require-lock-timeout/index.ts';
import noSlowWorkUnderAccessExclusive from './no-slow-work-under-access-exclusive/index.ts';
import preferSingleAlterTable from './prefer-single-alter-table/index.ts';
import noUnsafeEnumAddValue from './no-unsafe-enum-add-value/index.ts';
import noBlockingAlterSequence from './no-blocking-alter-sequence/index.ts';
import noBlockingAttachPartition from './no-blocking-attach-partition/index.ts';
import noBlockingDetachPartition from './no-blocking-detach-partition/index.ts';
import noBlockingRefreshMaterializedView from './no-blocking-refresh-materialized-view/index.ts';

/** Every built-in rule, in the order the README lists them. */
export const builtinRules: Rule<any>[] = [
  noSelectStar,
  requireWhere,
  noNonSargablePredicate,
  noImplicitCast,
  noUnsafeNotNull,
  noBlockingIndexBuild,
  noNestedTransaction,
  noUncommittedTransaction,
  noCharType,
  preferTimestamptz,
  preferBigintId,
  preferIdentity,
  noLongIdentifier,
  preferTextOverVarchar,
  requireNotValidConstraint,
  requireUniqueUsingIndex,
  noExclusionConstraint,
  noTableRewrite,
  noDropColumn,
  noDropTable,
  noDropDatabase,
  noDropSchema,
  noRenameColumn,
  noRenameTable,
  noDropNotNull,
  noTruncateCascade,
  requireLockTimeout,
  noSlowWorkUnderAccessExclusive,
  preferSingleAlterTable,
  noUnsafeEnumAddValue,
  noBlockingAlterSequence,
  noBlockingAttachPartition,
  noBlockingDetachPartition,
  noBlockingRefreshMaterializedView,
];
