/**
 * SQL embedded in JS/TS documents: each fragment is linted through the server's Engine (one queued
 * lint per fragment, each from an empty schema) by core's `lintEmbedded`, which maps every range,
 * fix and suggestion back to the host document.
 */
import {
  type EmbeddedLintResult,
  type FragmentLinter,
  type HostLanguage,
  type LintFileResult,
  type Rule,
  extractSqlFromSource,
  fragmentAt,
  hostLanguageOf,
  lintEmbedded,
  toHostOffset,
  toSqlOffset,
} from '@sqlwarden/core';
import { type CodeAction, CodeActionKind, type Diagnostic } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { NOT_SUPPRESSIBLE, ruleFixActions } from './actions.ts';
import { SOURCE, isDiagnosticData } from './convert.ts';

const LANGUAGE_IDS: Readonly<Record<string, HostLanguage>> = {
  typescript: 'ts',
  typescriptreact: 'tsx',
  javascript: 'js',
  javascriptreact: 'jsx',
};

function pathOf(uri: string): string {
  return uri.replace(/[?#].*$/, '');
}

/** The JS/TS dialect of a document by its language id, else by its extension; undefined for SQL and everything else. */
export function embeddedLanguageOf(document: Pick<TextDocument, 'languageId' | 'uri'>): HostLanguage | undefined {
  if (document.languageId === 'sql' || /\.p?sql$/i.test(pathOf(document.uri))) return undefined;
  const byExtension = hostLanguageOf(pathOf(document.uri));
  const byId = LANGUAGE_IDS[document.languageId];
  // The extension refines the id where they agree on the family: `typescript` on a .tsx file is TSX.
  if (byId && byExtension && (byId === 'ts' || byId === 'tsx') === (byExtension === 'ts' || byExtension === 'tsx')) return byExtension;
  return byId ?? byExtension;
}

/** Documents linted through the embedded-SQL path: languages typescript(react), javascript(react), or .ts/.tsx/.mts/.cts/.js/.jsx/.mjs/.cjs files. */
export function isEmbeddedDocument(document: Pick<TextDocument, 'languageId' | 'uri'>): boolean {
  return embeddedLanguageOf(document) !== undefined;
}

/** What the embedded path uses of the server's Engine. */
export interface EmbeddedEngine {
  lint(filePath: string, text: string): Promise<{ result: LintFileResult; rules: Map<string, Rule<any>>; pluginsSkipped?: boolean }>;
  statementLocksAt(filePath: string, text: string, offset: number): Promise<{ summary: string } | undefined>;
}

/**
 * Lints a JS/TS document's SQL; `fix` applies the host-mapped fixes in passes (`result.output`).
 * The same shape as `Engine.lint`, so the server's diagnostics, fix-all and hover code take either.
 */
export async function lintEmbeddedDocument(
  engine: EmbeddedEngine,
  document: TextDocument,
  filePath: string,
  fix = false,
): Promise<{ result: EmbeddedLintResult; rules: Map<string, Rule<any>>; pluginsSkipped: boolean }> {
  let rules = new Map<string, Rule<any>>();
  let pluginsSkipped = false;
  // Engine.lint resets the schema before every lint, so fragments stay independent queries.
  const linter: FragmentLinter = {
    lintText: async (text) => {
      const linted = await engine.lint(filePath, text);
      rules = linted.rules;
      pluginsSkipped ||= linted.pluginsSkipped === true;
      return linted.result;
    },
  };
  const language = embeddedLanguageOf(document);
  const result = await lintEmbedded(linter, document.getText(), { filePath, ...(language ? { language } : {}), fix });
  return { result, rules, pluginsSkipped };
}

/** The lock summary of the statement under `offset` in the SQL fragment there, if any. */
export async function embeddedLocksAt(engine: EmbeddedEngine, document: TextDocument, filePath: string, offset: number): Promise<{ summary: string } | undefined> {
  const language = embeddedLanguageOf(document);
  const fragments = extractSqlFromSource(document.getText(), { filePath, ...(language ? { language } : {}) }).filter((f) => f.isStatement);
  const fragment = fragmentAt(fragments, offset);
  const sqlOffset = fragment && toSqlOffset(fragment, offset);
  if (!fragment || sqlOffset === undefined) return undefined;
  return engine.statementLocksAt(filePath, fragment.text, sqlOffset);
}

/**
 * Quick fixes for diagnostics in a JS/TS document: the rule's fix and suggestions (their edits are
 * already in host offsets) and disable comments written inside the SQL, since a `--` comment line
 * would break the host code: `/* sqlwarden-ignore-line rule *\/` just before the finding, and
 * `/* sqlwarden-ignore-file rule *\/` at the start of its query (each fragment is its own file).
 */
export function embeddedQuickFixes(document: TextDocument, diagnostics: readonly Diagnostic[]): CodeAction[] {
  const uri = document.uri;
  const actions: CodeAction[] = [];
  const seen = new Set<string>();
  let fragments: ReturnType<typeof extractSqlFromSource> | undefined;
  for (const diagnostic of diagnostics) {
    if (diagnostic.source !== SOURCE || !isDiagnosticData(diagnostic.data)) continue;
    const { ruleId } = diagnostic.data;
    actions.push(...ruleFixActions(document, { ...diagnostic, data: diagnostic.data }));
    if (NOT_SUPPRESSIBLE.has(ruleId)) continue;
    if (!fragments) {
      const language = embeddedLanguageOf(document);
      fragments = extractSqlFromSource(document.getText(), { filePath: pathOf(uri), ...(language ? { language } : {}) }).filter((f) => f.isStatement);
    }
    const at = document.offsetAt(diagnostic.range.start);
    const fragment = fragmentAt(fragments, at);
    if (!fragment) continue;
    const lineKey = `${ruleId}@${at}`;
    if (!seen.has(lineKey)) {
      seen.add(lineKey);
      const position = document.positionAt(at);
      actions.push({
        title: `Disable ${ruleId} for this line`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        edit: { changes: { [uri]: [{ range: { start: position, end: position }, newText: `/* sqlwarden-ignore-line ${ruleId} */ ` }] } },
      });
    }
    const queryKey = `${ruleId}#${fragment.contentRange.start}`;
    if (!seen.has(queryKey)) {
      seen.add(queryKey);
      const firstWord = fragment.text.length - fragment.text.trimStart().length;
      const position = document.positionAt(toHostOffset(fragment, firstWord, 'start'));
      actions.push({
        title: `Disable ${ruleId} for this query`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        edit: { changes: { [uri]: [{ range: { start: position, end: position }, newText: `/* sqlwarden-ignore-file ${ruleId} */ ` }] } },
      });
    }
  }
  return actions;
}
