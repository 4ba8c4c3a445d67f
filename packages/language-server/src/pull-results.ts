/**
 * Result ids for pulled diagnostics: when the client names the report it holds
 * (`previousResultId`, as VS Code does) and a new lint finds exactly the same diagnostics, the
 * answer is `unchanged` instead of the whole list again. Typing inside a statement often leaves
 * a large file's findings as they were, and then the list (hundreds of kilobytes of JSON for a
 * large migration) need not be encoded, sent and decoded on every keystroke.
 */
import { isDeepStrictEqual } from 'node:util';
import { type Diagnostic, type DocumentDiagnosticReport, DocumentDiagnosticReportKind } from 'vscode-languageserver';

export class PullResults {
  private readonly last = new Map<string, { resultId: string; items: Diagnostic[] }>();
  private counter = 0;

  report(uri: string, items: Diagnostic[], previousResultId: string | undefined): DocumentDiagnosticReport {
    const last = this.last.get(uri);
    if (last && previousResultId === last.resultId && isDeepStrictEqual(last.items, items)) {
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
