import * as vscode from 'vscode';
import type { RunController, RunOutcome } from '../runController';
import { isScratchFile } from './commandIds';

/**
 * A run whose script is still going this long after it started (the runner's stage 'taken') opens the
 * panel then, so its page loads while the rest of the run goes on; a shorter run opens it when it ends.
 * The first page of a window takes seconds of CPU (2.9 s of a 10,000-op tape's first run waited for
 * it, quiet machine), so opening it with every run cost the quick first run of a small file ~250 ms of
 * the cores it needed (hovers ready 133 ms with the panel opened after, 381 ms with it opened at the
 * start); 150 ms is about that quick run's length. Counted from the script's start, not the command's:
 * right after the window opens, a quick run can wait hundreds of ms for a core before its script
 * starts, and a page loading then only made it wait longer.
 */
export const PANEL_DURING_RUN_AFTER_MS = 150;
/** A run whose script has not started after this long (Python starting, a big file bundling) opens the panel then. */
export const PANEL_DURING_START_AFTER_MS = 1000;

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
  const during = showPanel && vscode.workspace.isTrusted ? onceDuring(() => showPanel(doc.uri)) : undefined;
  let outcome: RunOutcome;
  try {
    outcome = await deps.controller.run(doc, { onStage: (stage) => stage === 'taken' && during?.started() });
  } finally {
    during?.dispose();
  }
  // After the run (again, for a long one: the person may have closed it meanwhile).
  if (outcome.run) showPanel?.(doc.uri);
  return outcome;
}

/** The panel's one showing during a run: PANEL_DURING_RUN_AFTER_MS after the script starts, or PANEL_DURING_START_AFTER_MS after the command. */
function onceDuring(show: () => void): { started(): void; dispose(): void } {
  let shown = false;
  const once = (): void => {
    if (!shown) show();
    shown = true;
  };
  const timers = [setTimeout(once, PANEL_DURING_START_AFTER_MS)];
  return {
    started: () => void timers.push(setTimeout(once, PANEL_DURING_RUN_AFTER_MS)),
    dispose: () => timers.forEach(clearTimeout),
  };
}
