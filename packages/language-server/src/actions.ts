import type { Fix } from '@sqlwarden/core';
import { type CodeAction, CodeActionKind, type Diagnostic } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { type DiagnosticData, SOURCE, fixToEdit, isDiagnosticData } from './convert.ts';

export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.sqlwarden`;

/** Engine diagnostics that suppression comments cannot or should not silence. */
export const NOT_SUPPRESSIBLE: ReadonlySet<string> = new Set(['syntax-error', 'internal-error', 'unused-suppression', 'file-too-large']);

/**
 * The title of a rule's fix: the rule's own (`Fix.desc`, "Use CREATE INDEX CONCURRENTLY"), or,
 * for rules that give none (plugins), the headline it fixes.
 */
export function fixTitle(fix: Fix, headline: string): string {
  return fix.desc ?? `Fix: ${headline}`;
}

/** The rule's fix (preferred) and its suggestions as quick fixes; their edits are in document offsets. */
export function ruleFixActions(document: TextDocument, diagnostic: Diagnostic & { data: DiagnosticData }): CodeAction[] {
  const uri = document.uri;
  const { fix, suggestions } = diagnostic.data;
  const actions: CodeAction[] = [];
  if (fix) {
    actions.push({
      title: fixTitle(fix, typeof diagnostic.message === 'string' ? diagnostic.message : diagnostic.message.value),
      kind: CodeActionKind.QuickFix,
      diagnostics: [diagnostic],
      isPreferred: true,
      edit: { changes: { [uri]: [fixToEdit(document, fix)] } },
    });
  }
  for (const suggestion of suggestions ?? []) {
    actions.push({
      title: suggestion.desc,
      kind: CodeActionKind.QuickFix,
      diagnostics: [diagnostic],
      edit: { changes: { [uri]: [fixToEdit(document, suggestion.fix)] } },
    });
  }
  return actions;
}

/** Quick fixes for sqlwarden diagnostics: the rule's fix, its suggestions, and disable comments. */
export function quickFixes(document: TextDocument, diagnostics: readonly Diagnostic[]): CodeAction[] {
  const actions: CodeAction[] = [];
  const uri = document.uri;
  const seenDisable = new Set<string>();
  for (const diagnostic of diagnostics) {
    if (diagnostic.source !== SOURCE || !isDiagnosticData(diagnostic.data)) continue;
    const { ruleId } = diagnostic.data;
    actions.push(...ruleFixActions(document, { ...diagnostic, data: diagnostic.data }));
    if (NOT_SUPPRESSIBLE.has(ruleId)) continue;
    const line = diagnostic.range.start.line;
    const lineKey = `${ruleId}@${line}`;
    if (!seenDisable.has(lineKey)) {
      seenDisable.add(lineKey);
      const lineText = document.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } });
      const indent = /^[ \t]*/.exec(lineText)?.[0] ?? '';
      actions.push({
        title: `Disable ${ruleId} for this line`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        edit: { changes: { [uri]: [{ range: { start: { line, character: 0 }, end: { line, character: 0 } }, newText: `${indent}-- sqlwarden-ignore-next-line ${ruleId}\n` }] } },
      });
    }
    if (!seenDisable.has(ruleId)) {
      seenDisable.add(ruleId);
      actions.push({
        title: `Disable ${ruleId} for this file`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        edit: { changes: { [uri]: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: `-- sqlwarden-ignore-file ${ruleId}\n` }] } },
      });
    }
  }
  return actions;
}

/** `source.fixAll.sqlwarden`: the engine's fix passes applied to the whole document. */
export function fixAllAction(document: TextDocument, fixed: string | undefined): CodeAction | undefined {
  if (fixed === undefined || fixed === document.getText()) return undefined;
  return {
    title: 'Fix all sqlwarden problems',
    kind: FIX_ALL_KIND,
    edit: { changes: { [document.uri]: [{ range: { start: { line: 0, character: 0 }, end: document.positionAt(document.getText().length) }, newText: fixed }] } },
  };
}

/** Whether the client asked (via `context.only`) for a kind that includes `kind`. */
export function wants(only: readonly string[] | undefined, kind: string): boolean {
  if (!only) return true;
  return only.some((o) => kind === o || kind.startsWith(o + '.'));
}
