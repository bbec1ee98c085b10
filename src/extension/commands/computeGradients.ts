import * as vscode from 'vscode';
import type { RunController, RunOutcome } from '../runController';
import { isScratchFile } from './commandIds';

/**
 * GradTape: Compute Gradients. Runs the given or active `.grad.ts` file's current text (saved or not),
 * with the panel open beside the editor without taking focus. Returns the outcome (tests read it).
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
  // The panel is shown as the run starts (when the workspace lets it run), not after: a panel opened
  // now loads its page while the run goes on, where the first run of a 10,000-op tape waited 2.9 s
  // for it. The run's trace goes to the page when it is stored (PanelSession), however soon it is ready.
  if (vscode.workspace.isTrusted) deps.showPanel?.(doc.uri);
  const outcome = await deps.controller.run(doc);
  // Again: the person may have closed it meanwhile.
  if (outcome.run) deps.showPanel?.(doc.uri);
  return outcome;
}
