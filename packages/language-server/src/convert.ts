import type { Diagnostic as EngineDiagnostic, Fix, Rule, Suggestion } from '@sqlwarden/core';
import { type Diagnostic, DiagnosticSeverity, type Range, type TextEdit } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';

export const SOURCE = 'sqlwarden';

/** What a diagnostic carries for code actions (`Diagnostic.data`). */
export interface DiagnosticData {
  ruleId: string;
  fix?: Fix;
  suggestions?: Suggestion[];
}

/** Engine lines and columns are 1-based UTF-16, LSP positions 0-based UTF-16. */
export function toLspDiagnostic(d: EngineDiagnostic, rules: ReadonlyMap<string, Rule<any>>): Diagnostic {
  const range: Range = {
    start: { line: Math.max(0, d.line - 1), character: Math.max(0, d.column - 1) },
    end: { line: Math.max(0, d.endLine - 1), character: Math.max(0, d.endColumn - 1) },
  };
  const data: DiagnosticData = { ruleId: d.ruleId };
  if (d.fix) data.fix = d.fix;
  if (d.suggestions?.length) data.suggestions = d.suggestions;
  const diagnostic: Diagnostic = {
    range,
    severity: d.severity === 2 ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
    source: SOURCE,
    code: d.ruleId,
    message: d.message,
    data,
  };
  const url = rules.get(d.ruleId)?.meta.docs?.url;
  if (url) diagnostic.codeDescription = { href: url };
  return diagnostic;
}

export function fixToEdit(document: TextDocument, fix: Fix): TextEdit {
  return { range: { start: document.positionAt(fix.range[0]), end: document.positionAt(fix.range[1]) }, newText: fix.text };
}

export function isDiagnosticData(value: unknown): value is DiagnosticData {
  return !!value && typeof value === 'object' && typeof (value as DiagnosticData).ruleId === 'string';
}
