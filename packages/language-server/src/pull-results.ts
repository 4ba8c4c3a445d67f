/**
 * Result ids for pulled diagnostics: when the client names the report it holds
 * (`previousResultId`, as VS Code does) and a new lint finds exactly the same diagnostics, the
 * answer is `unchanged` instead of the whole list again. Typing inside a statement often leaves
 * a large file's findings as they were, and then the list (hundreds of kilobytes of JSON for a
 * large migration) need not be encoded, sent and decoded on every keystroke.
 */
import { type Diagnostic, type DocumentDiagnosticReport, DocumentDiagnosticReportKind } from 'vscode-languageserver';

export class PullResults {
  private readonly last = new Map<string, { resultId: string; items: Diagnostic[] }>();
  private counter = 0;

  report(uri: string, items: Diagnostic[], previousResultId: string | undefined): DocumentDiagnosticReport {
    const last = this.last.get(uri);
    if (last && previousResultId === last.resultId && sameJson(last.items, items)) {
      return { kind: DocumentDiagnosticReportKind.Unchanged, resultId: last.resultId };
    }
    const resultId = String(++this.counter);
    this.last.set(uri, { resultId, items });
    return { kind: DocumentDiagnosticReportKind.Full, resultId, items };
  }

  /** The document was closed: the client drops its diagnostics, and its next report starts afresh. */
  forget(uri: string): void {
    this.last.delete(uri);
  }
}

/** Equality of JSON values as the client would decode them (absent and undefined fields alike). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  for (const key in left) if (!sameJson(left[key], right[key])) return false;
  for (const key in right) if (!(key in left) && right[key] !== undefined) return false;
  return true;
}
