// SQL embedded in JS/TS: (a) extraction from any ESTree AST, (b) babel parsing for hosts without a
// parser of their own, (c) linting with the engine in host positions.
export type { EstreeComment, EstreeNode, EstreeProgram } from './estree.ts';
export type { PositionSegment } from './decode.ts';
export {
  type Bias,
  type FragmentOrigin,
  type SqlFragment,
  type SqlPlaceholder,
  escapeForHost,
  fragmentAt,
  toHostFix,
  toHostOffset,
  toHostRange,
  toSqlOffset,
  touchesPlaceholder,
} from './fragment.ts';
export { DEFAULT_EXTRACT_OPTIONS, STATEMENT_KEYWORDS, type SqlExtractOptions, extractSqlFragments, leadingKeyword } from './extract.ts';
export { type HostLanguage, type ParseHostOptions, type ParsedHost, extractSqlFromSource, hostLanguageOf, parseHostFile } from './parse.ts';
export { type EmbeddedLintResult, type FragmentLinter, type LintEmbeddedOptions, lintEmbedded, lintFragments, mapFragmentDiagnostics } from './lint.ts';
