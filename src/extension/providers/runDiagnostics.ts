import * as vscode from 'vscode';
import type { SourcePos, Trace, TraceDiagnostic } from '../../protocol/trace';
import { Disposable } from '../dispose';
import { diagnosticRange } from '../format/sourceEdits';
import type { RunStore } from '../runStore';

export const DIAGNOSTIC_SOURCE = 'gradtape';

const SEVERITY: Record<TraceDiagnostic['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

/**
 * One `gradtape` diagnostic collection, filled from each run's trace (codes are trace.ts's
 * DiagnosticCode, which the quick fixes key on). A document's diagnostics clear as soon as its text
 * changes: their positions belong to the text that ran, and the next run brings them back.
 */
export class RunDiagnostics extends Disposable {
  readonly collection = this._register(vscode.languages.createDiagnosticCollection(DIAGNOSTIC_SOURCE));

  constructor(private readonly store: RunStore) {
    super();
    this._register(store.onDidChangeRun((r) => {
      const run = store.get(r.uri);
      const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === r.uri.toString());
      if (!run || !doc || doc.version !== run.version) this.collection.delete(r.uri);
      else this.collection.set(r.uri, toDiagnostics(run.trace, doc, r.uri));
    }));
    this._register(vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.contentChanges.length) this.collection.delete(e.document.uri);
    }));
    this._register(vscode.workspace.onDidCloseTextDocument((d) => this.collection.delete(d.uri)));
  }
}

export function toDiagnostics(trace: Trace, doc: vscode.TextDocument, uri: vscode.Uri): vscode.Diagnostic[] {
  const lines = doc.getText().split(/\r?\n/);
  const toRange = (pos: SourcePos, end?: SourcePos) => {
    const r = diagnosticRange(lines, pos, end);
    return new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
  };
  const entries = [...trace.diagnostics];
  // The run's error, unless the runner already reported it as a diagnostic.
  const err = trace.error;
  if (err && err.kind !== 'cancelled' && !entries.some((d) => d.severity === 'error')) {
    const code = err.kind === 'timeout' ? 'timeout' : err.kind === 'memory' ? 'memory' : 'error';
    entries.push({ severity: 'error', code, message: `${err.name}: ${err.message}`, pos: err.pos && !err.pos.file ? err.pos : { line: 1, column: 1 } });
  }
  return entries.filter((d) => !d.pos.file).map((d) => {
    const diag = new vscode.Diagnostic(toRange(d.pos, d.endPos), d.message, SEVERITY[d.severity]);
    diag.source = DIAGNOSTIC_SOURCE;
    diag.code = d.code;
    if (d.related?.length) {
      diag.relatedInformation = d.related.map((r) => new vscode.DiagnosticRelatedInformation(
        new vscode.Location(r.pos.file ? vscode.Uri.file(r.pos.file) : uri, toRange(r.pos)),
        r.message,
      ));
    }
    return diag;
  });
}
