import * as vscode from 'vscode';
import type { RunController, RunOutcome } from '../runController';
import { isScratchFile } from './commandIds';

/**
 * GradTape: Compute Gradients. Runs the given or active `.grad.ts` file's current text (saved or not),
 * then opens the panel beside the editor without taking focus. Returns the outcome (tests read it).
 */
export async function computeGradientsCommand(
  deps: { controller: RunController; showPanel?: (uri: vscode.Uri) => void },
  arg?: unknown,
): Promise<RunOutcome | undefined> {
  const uri = arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri;
  const doc = uri && vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (!doc || !isScratchFile(doc.uri)) {
    void vscode.window.showInformationMessage('GradTape: open a .grad.ts or .grad.py file to compute its gradients.');
    return undefined;
  }
  const outcome = await deps.controller.run(doc);
  if (outcome.run) deps.showPanel?.(doc.uri);
  return outcome;
}
