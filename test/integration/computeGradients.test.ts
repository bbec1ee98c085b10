// When Compute Gradients shows the panel: a long run opens it while it goes on (its page loads meanwhile),
// counted from its script's start (the runner's stage 'taken'), or from the command when the start itself
// is long; a quick run opens it once, after the run (a page loading beside a quick first run took the
// cores the run needed), and every finished run shows it again afterwards (the person may have closed it). The
// command is driven here with a run the test ends itself; the workspace is trusted (the untrusted
// case, no run and no panel, is covered end to end in test/e2e/editor.e2e.ts).
import * as assert from 'assert';
import * as vscode from 'vscode';
import { computeGradientsCommand, PANEL_DURING_RUN_AFTER_MS, PANEL_DURING_START_AFTER_MS } from '../../src/extension/commands/computeGradients';
import type { RunStage } from '../../src/runner/host/scratchRun';
import type { RunController, RunOutcome } from '../../src/extension/runController';
import { api, until } from './helpers';

/** A controller whose run ends when the test says, recording whether it was still running at each panel call. */
function heldRun({ started = true } = {}) {
  let end!: (o: RunOutcome) => void;
  let onStage: ((s: RunStage) => void) | undefined;
  const state = { running: false };
  const controller = {
    run: async (_doc: vscode.TextDocument, opts?: { onStage?: (s: RunStage) => void }) => {
      state.running = true;
      onStage = opts?.onStage;
      // The script starts at once, unless the test starts it later (a run waiting for a core).
      if (started) onStage?.('taken');
      const o = await new Promise<RunOutcome>((r) => (end = r));
      state.running = false;
      return o;
    },
  } as unknown as RunController;
  return { controller, state, end: (o: RunOutcome) => end(o), start: () => onStage?.('taken') };
}

describe('Compute Gradients shows the panel', () => {
  let doc: vscode.TextDocument;
  let finished: RunOutcome;

  before(async () => {
    await api();
    const [file] = await vscode.workspace.findFiles('**/*.grad.ts');
    doc = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(doc);
    finished = { run: { uri: doc.uri, version: doc.version, trace: {} as never } };
  });

  it('during a long run, then again after it', async () => {
    const { controller, state, end } = heldRun();
    const calls: { uri: string; running: boolean }[] = [];
    const command = computeGradientsCommand({ controller, showPanel: (uri) => calls.push({ uri: uri.toString(), running: state.running }) }, doc.uri);
    await until('the panel to be shown while the run goes on', () => calls.length === 1);
    assert.deepEqual(calls, [{ uri: doc.uri.toString(), running: true }]);
    end(finished);
    assert.equal(await command, finished);
    assert.deepEqual(calls.map((c) => c.running), [true, false], 'shown again after the run');
  });

  it('not while the script waits to start, then once it has run a while', async () => {
    const { controller, end, start } = heldRun({ started: false });
    const calls: number[] = [];
    const command = computeGradientsCommand({ controller, showPanel: () => calls.push(calls.length) }, doc.uri);
    // A timer set now with the same delay fires after one the command would have set at its start.
    await new Promise((r) => setTimeout(r, PANEL_DURING_RUN_AFTER_MS));
    assert.deepEqual(calls, [], 'not shown while the script has not started');
    start();
    await until('the panel to be shown once the script has run a while', () => calls.length === 1);
    end(finished);
    await command;
    assert.equal(calls.length, 2, 'shown again after the run');
  });

  it(`during a start longer than ${PANEL_DURING_START_AFTER_MS} ms (Python starting), once`, async () => {
    const { controller, state, end, start } = heldRun({ started: false });
    const calls: boolean[] = [];
    const command = computeGradientsCommand({ controller, showPanel: () => calls.push(state.running) }, doc.uri);
    await until('the panel to be shown while the run is still starting', () => calls.length === 1);
    start();
    await new Promise((r) => setTimeout(r, PANEL_DURING_RUN_AFTER_MS));
    assert.deepEqual(calls, [true], 'not shown a second time when the script starts');
    end(finished);
    await command;
    assert.deepEqual(calls, [true, false]);
  });

  it('once, after a quick run, and not later', async () => {
    const { controller, state, end } = heldRun();
    const calls: boolean[] = [];
    const command = computeGradientsCommand({ controller, showPanel: () => calls.push(state.running) }, doc.uri);
    // Ended in the same turn: whatever the load, before any timer of the command's can fire.
    end(finished);
    await command;
    assert.deepEqual(calls, [false], 'shown once, after the run');
    // A timer set now with the same delay fires after the command's own would have.
    await new Promise((r) => setTimeout(r, PANEL_DURING_RUN_AFTER_MS));
    assert.deepEqual(calls, [false], 'not shown again when the run had ended');
  });

  it('not at all when nothing ran (a newer run replaced this one)', async () => {
    const { controller, end } = heldRun();
    let calls = 0;
    const command = computeGradientsCommand({ controller, showPanel: () => calls++ }, doc.uri);
    end({ skipped: 'superseded' });
    assert.deepEqual(await command, { skipped: 'superseded' });
    await new Promise((r) => setTimeout(r, PANEL_DURING_RUN_AFTER_MS));
    assert.equal(calls, 0);
  });
});
