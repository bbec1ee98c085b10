// Timestamps as the bundle starts to evaluate: activation time includes loading this module.
// CPU time too, since on a loaded machine wall time mostly measures waiting for a core.
const moduleStart = performance.now();
const moduleCpuStart = process.cpuUsage();

import * as path from 'path';
import * as vscode from 'vscode';
import { CommandId, isScratchFile } from './commands/commandIds';
import { computeGradientsCommand } from './commands/computeGradients';
import { newScratchFileCommand, type ScratchLanguage } from './commands/newScratchFile';
import { toggleInlineValuesCommand } from './commands/toggleInlineValues';
import { readConfig } from './config';
import { PanelManager } from './panel/panelManager';
import { DerivativeHoverProvider } from './providers/derivativeHoverProvider';
import { GradientDecorations } from './providers/gradientDecorations';
import { QuickFixProvider } from './providers/quickFixProvider';
import { RunCodeLensProvider } from './providers/runCodeLensProvider';
import { RunDiagnostics } from './providers/runDiagnostics';
import { RunController, type Runner } from './runController';
import { RunStore } from './runStore';
import { StatusBar } from './statusBar';

/** What activate() returns: the integration tests and the benchmark read it through `extension.exports`. */
export interface GradTapeApi {
  store: RunStore;
  controller: RunController;
  statusBar: StatusBar;
  /** Milliseconds from this module starting to load to the end of activate(). */
  activationMs: number;
  /** CPU milliseconds (user + system, whole process) over the same span. */
  activationCpuMs: number;
}

// Wiring only: construct the store, the runner and the providers; every disposable goes to subscriptions.
export function activate(context: vscode.ExtensionContext): GradTapeApi {
  // Python's start-up snapshot (src/python/snapshot.ts, read by the run processes this host forks) is
  // kept in the extension's own storage, which VS Code removes with the extension; a user's own
  // GRADTAPE_CACHE_DIR (empty: no snapshot) wins.
  process.env.GRADTAPE_CACHE_DIR ??= path.join(context.globalStorageUri.fsPath, 'cache');
  const store = new RunStore();
  const output = vscode.window.createOutputChannel('GradTape');
  const statusBar = new StatusBar();
  // The runner (and through it esbuild and the worker) loads on the first run, never at activation:
  // it is its own bundle, dist/runner.js, so activation neither parses nor evaluates it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loadRunner = async (): Promise<Runner> => require(path.join(__dirname, 'runner.js')) as Runner;
  const controller = new RunController(store, statusBar, output, loadRunner);
  // The inspector's questions go to the runner's inspect thread (the engine, loaded there, replays the nodes).
  const panels = PanelManager.register(context, store, async (trace, req) => {
    const runner = await loadRunner();
    if (!runner.inspectTrace) throw new Error('this runner cannot inspect');
    return runner.inspectTrace(trace, req);
  });
  const showPanel = (uri: vscode.Uri) => panels.show(uri, { preserveFocus: true });

  context.subscriptions.push(
    store,
    output,
    statusBar,
    controller,
    vscode.commands.registerCommand(CommandId.ComputeGradients, (arg?: unknown) => computeGradientsCommand({ controller, showPanel }, arg)),
    vscode.commands.registerCommand(CommandId.NewScratchFile, (language?: ScratchLanguage) => newScratchFileCommand(language)),
    vscode.commands.registerCommand(CommandId.ToggleInlineValues, () => toggleInlineValuesCommand()),
    vscode.commands.registerCommand(CommandId.CancelRun, () => {
      const uri = vscode.window.activeTextEditor?.document.uri;
      if (uri) controller.cancel(uri);
    }),
    DerivativeHoverProvider.register(store),
    RunCodeLensProvider.register(store),
    QuickFixProvider.register(store),
    new RunDiagnostics(store),
    new GradientDecorations(store, context.extensionUri),
    // The first run starts warm: a shown scratch file gets the runner, esbuild and a run worker ready.
    vscode.window.onDidChangeActiveTextEditor((e) => {
      if (e && isScratchFile(e.document.uri)) controller.prewarm(e.document);
    }),
    // Quokka-style: run again on save when the setting is on; the controller cancels the run in flight.
    vscode.workspace.onDidSaveTextDocument((doc) => {
      if (isScratchFile(doc.uri) && readConfig(doc.uri).runOnSave) void controller.run(doc, { quiet: true });
    }),
  );
  // After activation (never inside it): the first run starts warm even before a scratch file is shown.
  const shown = vscode.window.activeTextEditor?.document;
  setImmediate(() => (shown && isScratchFile(shown.uri) ? controller.prewarm(shown) : controller.prewarmRunner()));
  const cpu = process.cpuUsage(moduleCpuStart);
  return { store, controller, statusBar, activationMs: performance.now() - moduleStart, activationCpuMs: (cpu.user + cpu.system) / 1000 };
}

export function deactivate(): void {}
