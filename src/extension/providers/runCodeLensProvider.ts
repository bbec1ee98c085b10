import * as vscode from 'vscode';
import { CommandId, ExternalCommandId } from '../commands/commandIds';
import { readConfig } from '../config';
import { NEW_TAPE, codeLenses } from '../format/editorMarks';
import type { RunStore } from '../runStore';
import { SCRATCH_SELECTOR } from './selector';

/** "3 ops recorded · ∂loss/∂weights · Show graph" above each tape the last run reached, once per tape. */
export class RunCodeLensProvider implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  static register(store: RunStore): vscode.Disposable {
    const provider = new RunCodeLensProvider(store);
    return vscode.Disposable.from(
      provider.changed,
      vscode.languages.registerCodeLensProvider(SCRATCH_SELECTOR, provider),
      store.onDidChangeRun(() => provider.changed.fire()),
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('gradtape.codeLens') && provider.changed.fire()),
    );
  }

  constructor(private readonly store: RunStore) {}

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    if (!readConfig(doc.uri).codeLens) return [];
    const lines = doc.getText().split(/\r?\n/);
    const run = this.store.get(doc.uri);
    if (!run) {
      // Before the first run: one lens that starts it, above the first tape.
      const line = lines.findIndex((l) => NEW_TAPE.test(l));
      return line < 0 ? [] : [new vscode.CodeLens(new vscode.Range(line, 0, line, 0), { title: '$(play) Compute Gradients', command: CommandId.ComputeGradients, arguments: [doc.uri] })];
    }
    return codeLenses(run.trace, lines).map((lens) => {
      const range = new vscode.Range(lens.line - 1, 0, lens.line - 1, 0);
      const command: vscode.Command = lens.nodeId !== undefined
        ? { title: lens.title, command: ExternalCommandId.ShowInGraph, arguments: [{ uri: doc.uri.toString(), nodeId: lens.nodeId }] }
        : { title: lens.title, command: ExternalCommandId.ShowPanel, arguments: [doc.uri] };
      return new vscode.CodeLens(range, command);
    });
  }
}
