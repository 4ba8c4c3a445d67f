/**
 * Layer (c): lints each SQL fragment of a JS/TS file with the ordinary engine, as its own query,
 * and reports every message, fix and suggestion in host-file positions.
 */
import type { Range } from '../model/nodes.ts';
import { LineIndex } from '../source/line-index.ts';
import type { Diagnostic, Suggestion } from '../types.ts';
import { applyFixes } from '../engine/fixes.ts';
import { type LintFileResult, summarize } from '../engine/linter.ts';
import { groupedMessage, groupedScope } from '../engine/group-repeats.ts';
import type { SqlExtractOptions } from './extract.ts';
import { type SqlFragment, toHostFix, toHostRange } from './fragment.ts';
import { type HostLanguage, extractSqlFromSource } from './parse.ts';

/** What `lintEmbedded` needs of a linter; `Linter` has it, and a host can wrap its own queueing around it. */
export interface FragmentLinter {
  lintText(text: string, options: { filePath?: string }): Promise<LintFileResult>;
  /** Called before each fragment so that none sees the schema another one created; `Linter.resetCatalog`. */
  resetCatalog?(): void;
}

export interface LintEmbeddedOptions extends SqlExtractOptions {
  /** The host file: decides the config (and so rules and settings) and, by extension, the language. */
  filePath: string;
  language?: HostLanguage;
  /**
   * Fragments the caller already extracted from its own AST (an ESLint plugin); the file is then
   * not parsed again, except to re-extract after fixes when `fix` is set.
   */
  fragments?: readonly SqlFragment[];
  /** Apply host-mapped fixes, re-linting after each pass (as `Linter.lintText` does); `output` is the fixed text. */
  fix?: boolean;
}

export interface EmbeddedLintResult extends LintFileResult {
  /** The fragments found (of the original text), linted or not: see `SqlFragment.isStatement`. */
  fragments: SqlFragment[];
}

const MAX_FIX_PASSES = 10;

/** Whether the range starts on a placeholder's `$n`. */
function startsInPlaceholder(fragment: SqlFragment, range: Range): boolean {
  return fragment.placeholders.some((p) => range.start >= p.sql.start && range.start < p.sql.end);
}

export interface PositionSource {
  positionAt(offset: number): { line: number; column: number };
}

/**
 * One fragment's messages (SQL offsets, as the engine reports them) in host positions: ranges
 * mapped, line and column recomputed for the host file, fixes and suggestions mapped or dropped
 * when they would edit an interpolation. A syntax error at a placeholder is dropped: `${expr}`
 * there stands for an identifier or a piece of SQL, which `$n` cannot imitate, so the error says
 * nothing about the query.
 */
export function mapFragmentDiagnostics(fragment: SqlFragment, messages: readonly Diagnostic[], host: PositionSource): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const m of messages) {
    if (m.ruleId === 'syntax-error' && startsInPlaceholder(fragment, m.range)) continue;
    const range = toHostRange(fragment, m.range);
    const start = host.positionAt(range.start);
    const end = host.positionAt(range.end);
    const mapped: Diagnostic = { ruleId: m.ruleId, severity: m.severity, message: m.message, line: start.line, column: start.column, endLine: end.line, endColumn: end.column, range };
    if (m.detail) mapped.detail = m.detail;
    const fix = m.fix && toHostFix(fragment, m.fix);
    if (fix) mapped.fix = fix;
    const suggestions: Suggestion[] = [];
    for (const s of m.suggestions ?? []) {
      const sFix = toHostFix(fragment, s.fix);
      if (sFix) suggestions.push({ desc: s.desc, fix: sFix });
    }
    if (suggestions.length) mapped.suggestions = suggestions;
    if (m.occurrences) {
      // A grouped finding: each occurrence in host positions, and the lines its message names.
      mapped.occurrences = mapFragmentDiagnostics(fragment, m.occurrences.map((o) => ({ ...o, ruleId: m.ruleId, severity: m.severity })), host).map(
        ({ message, detail, line, column, endLine, endColumn, range, fix, suggestions }) => ({ message, ...(detail ? { detail } : {}), line, column, endLine, endColumn, range, ...(fix ? { fix } : {}), ...(suggestions ? { suggestions } : {}) }),
      );
      mapped.message = groupedMessage(mapped.occurrences, groupedScope(m.message));
    }
    out.push(mapped);
  }
  return out;
}

/**
 * Lints the statements of the given fragments, each on its own (the linter's catalog is reset
 * before each, and left empty afterwards), and returns their messages in host positions, sorted.
 */
export async function lintFragments(linter: FragmentLinter, hostText: string, fragments: readonly SqlFragment[], filePath: string): Promise<{ messages: Diagnostic[]; statements: number }> {
  const lines = new LineIndex(hostText);
  const messages: Diagnostic[] = [];
  let statements = 0;
  for (const fragment of fragments) {
    if (!fragment.isStatement) continue;
    linter.resetCatalog?.();
    const result = await linter.lintText(fragment.text, { filePath });
    statements += result.stats?.statements ?? 0;
    messages.push(...mapFragmentDiagnostics(fragment, result.messages, lines));
  }
  linter.resetCatalog?.();
  messages.sort((a, b) => a.range.start - b.range.start || a.range.end - b.range.end);
  return { messages, statements };
}

/**
 * Lints the SQL embedded in a JS/TS file (`hostText`) with the engine: `linter` is a `Linter` (or
 * anything with its `lintText`). Messages are ESLint-shaped with host offsets, lines and columns.
 */
export async function lintEmbedded(linter: FragmentLinter, hostText: string, options: LintEmbeddedOptions): Promise<EmbeddedLintResult> {
  const { filePath } = options;
  const extract = (text: string): SqlFragment[] => extractSqlFromSource(text, { ...options, filePath, ...(options.language ? { language: options.language } : {}) });
  const fragments = options.fragments ? [...options.fragments] : extract(hostText);
  let source = hostText;
  let current = fragments;
  let passes = 0;
  for (;;) {
    const { messages, statements } = await lintFragments(linter, source, current, filePath);
    if (options.fix && passes < MAX_FIX_PASSES) {
      const { output, fixed } = applyFixes(source, messages);
      if (fixed && output !== source) {
        source = output;
        current = extract(source);
        passes++;
        continue;
      }
    }
    const result = summarize(filePath, hostText, messages, options.fix ? source : undefined);
    result.stats = { statements };
    return { ...result, fragments };
  }
}
