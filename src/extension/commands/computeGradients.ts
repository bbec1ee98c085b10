import * as vscode from 'vscode';
import type { RunController, RunOutcome } from '../runController';
import { isScratchFile } from './commandIds';

/**
 * A run still going after this long opens the panel then, so its page loads while the rest of the run
 * goes on; a shorter run opens it when it ends. The first page of a window takes seconds of CPU
 * (2.9 s of a 10,000-op tape's first run waited for it, quiet machine), so opening it with every run
 * cost the quick first run of a small file ~250 ms of the cores it needed (hovers ready 133 ms with the
 * panel opened after, 381 ms with it opened at the start); 150 ms is about that quick run's length.
 */
export const PANEL_DURING_RUN_AFTER_MS = 150;

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
  const { showPanel } = deps;
  // A long run shows the panel while it goes on (when the workspace lets it run); the run's trace goes
  // to the page when it is stored (PanelSession), however soon the page is ready.
  const during = showPanel && vscode.workspace.isTrusted ? setTimeout(() => showPanel(doc.uri), PANEL_DURING_RUN_AFTER_MS) : undefined;
  let outcome: RunOutcome;
  try {
    outcome = await deps.controller.run(doc);
  } finally {
    clearTimeout(during);
  }
  // After the run (again, for a long one: the person may have closed it meanwhile).
  if (outcome.run) showPanel?.(doc.uri);
  return outcome;
}
