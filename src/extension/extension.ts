import * as vscode from 'vscode';
import { RunStore } from './runStore';

// Wiring only: construct the store, the runner and the providers; every disposable goes to subscriptions.
export function activate(context: vscode.ExtensionContext): void {
  const store = new RunStore();
  context.subscriptions.push(
    store,
    vscode.commands.registerCommand('gradtape.computeGradients', () => {
      void vscode.window.showInformationMessage('GradTape: Compute Gradients is not wired to the runner yet.');
    }),
  );
}

export function deactivate(): void {}
