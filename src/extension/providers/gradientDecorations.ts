import * as vscode from 'vscode';
import { isScratchFile } from '../commands/commandIds';
import { readConfig } from '../config';
import { Disposable } from '../dispose';
import { gutterLines, inlineValues, type InlineValue } from '../format/editorMarks';
import type { Run, RunStore } from '../runStore';

/**
 * Inline values after line ends and gutter marks, Error Lens-style: decoration types are made once,
 * and one `update(editor)` path sets them all (clearing is an update with no run).
 */
export class GradientDecorations extends Disposable {
  private readonly inline: Record<InlineValue['kind'], vscode.TextEditorDecorationType>;
  private readonly gutter: Record<'recorded' | 'unrecorded' | 'error', vscode.TextEditorDecorationType>;

  constructor(private readonly store: RunStore, extensionUri: vscode.Uri) {
    super();
    const after = (color: string): vscode.DecorationRenderOptions => ({
      after: { color: new vscode.ThemeColor(color), margin: '0 0 0 2em', fontStyle: 'italic' },
      rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
    });
    this.inline = {
      gradient: this._register(vscode.window.createTextEditorDecorationType(after('editorCodeLens.foreground'))),
      loss: this._register(vscode.window.createTextEditorDecorationType(after('editorCodeLens.foreground'))),
      error: this._register(vscode.window.createTextEditorDecorationType(after('editorError.foreground'))),
    };
    const icon = (name: string, ruler: string): vscode.DecorationRenderOptions => ({
      light: { gutterIconPath: vscode.Uri.joinPath(extensionUri, 'media', 'gutter', `${name}-light.svg`) },
      dark: { gutterIconPath: vscode.Uri.joinPath(extensionUri, 'media', 'gutter', `${name}-dark.svg`) },
      gutterIconSize: 'contain',
      overviewRulerColor: new vscode.ThemeColor(ruler),
      overviewRulerLane: vscode.OverviewRulerLane.Left,
    });
    this.gutter = {
      recorded: this._register(vscode.window.createTextEditorDecorationType(icon('recorded', 'editorInfo.foreground'))),
      unrecorded: this._register(vscode.window.createTextEditorDecorationType({ ...icon('unrecorded', 'editorLineNumber.foreground'), overviewRulerColor: undefined })),
      error: this._register(vscode.window.createTextEditorDecorationType(icon('error', 'editorError.foreground'))),
    };
    this._register(store.onDidChangeRun((r) => this.updateFor(r.uri)));
    this._register(vscode.window.onDidChangeVisibleTextEditors((editors) => editors.forEach((e) => this.update(e))));
    this._register(vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('gradtape.inlineValues') || e.affectsConfiguration('gradtape.gutterMarks')) vscode.window.visibleTextEditors.forEach((ed) => this.update(ed));
    }));
    vscode.window.visibleTextEditors.forEach((e) => this.update(e));
  }

  private updateFor(uri: vscode.Uri): void {
    for (const e of vscode.window.visibleTextEditors) if (e.document.uri.toString() === uri.toString()) this.update(e);
  }

  /** Sets every GradTape decoration of an editor from its document's latest run. */
  update(editor: vscode.TextEditor): void {
    if (!isScratchFile(editor.document.uri)) return;
    const run: Run | undefined = this.store.get(editor.document.uri);
    const config = readConfig(editor.document.uri);
    const doc = editor.document;
    const lineEnd = (line: number) => doc.lineAt(Math.min(line - 1, doc.lineCount - 1)).range.end;

    const values = run && config.inlineValues ? inlineValues(run.trace) : [];
    for (const kind of ['gradient', 'loss', 'error'] as const) {
      editor.setDecorations(this.inline[kind], values.filter((v) => v.kind === kind && v.line <= doc.lineCount).map((v) => ({
        range: new vscode.Range(lineEnd(v.line), lineEnd(v.line)),
        renderOptions: { after: { contentText: v.text } },
      })));
    }
    const gutter = run && config.gutterMarks ? gutterLines(run.trace) : { recorded: [], unrecorded: [], error: [] };
    for (const kind of ['recorded', 'unrecorded', 'error'] as const) {
      editor.setDecorations(this.gutter[kind], gutter[kind].filter((l) => l <= doc.lineCount).map((l) => new vscode.Range(l - 1, 0, l - 1, 0)));
    }
  }
}
