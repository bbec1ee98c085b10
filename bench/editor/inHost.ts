// The part of bench/editor.bench.ts that runs inside VS Code's extension host (test-electron's run()
// contract): activation time, Compute Gradients → hovers ready on the seed training loop (cold; warm, each
// run with a warm worker ready; back to back; warm after an edit), and a hover's round trip. Prints `[gradtape-bench] {json}` lines; asserts nothing.
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { GradTapeApi } from '../../src/extension/extension';
import type { RunOutcome } from '../../src/extension/runController';
import { DEFAULT_MEMORY_MB } from '../../src/protocol/settings';

const say = (o: unknown) => console.log(`[gradtape-bench] ${JSON.stringify(o)}`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function run(): Promise<void> {
  const ext = vscode.extensions.getExtension<GradTapeApi>('gradtape.gradtape')!;
  const api = ext.isActive ? ext.exports : await ext.activate();
  // Loading the bundle again, fresh, times what activation's require() costs (parse + evaluate).
  const bundle = path.join(ext.extensionPath, 'dist', 'extension.js');
  const loads: number[] = [];
  for (let i = 0; i < 5; i++) {
    delete require.cache[require.resolve(bundle)];
    const t = performance.now();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(bundle);
    loads.push(performance.now() - t);
  }
  say({ activationMs: api.activationMs, activationCpuMs: api.activationCpuMs, bundleLoadMs: median(loads), bundleKb: Math.round(fs.statSync(bundle).size / 1024) });

  const folder = vscode.workspace.workspaceFolders![0].uri.fsPath;
  const doc = await vscode.workspace.openTextDocument(path.join(folder, 'training.grad.ts'));
  await vscode.window.showTextDocument(doc);
  // The host's event loop while a run goes on: a 5 ms timer's lateness; what it adds up to past 5 ms is time
  // the host was busy (or starved of a core) while the run's messages waited. The main thread's CPU time
  // over the same span tells the two apart: what the host itself computed (ours and other extensions'),
  // the rest of the lateness is waiting for a core.
  const threadCpu = (): number => {
    const u = (process as { threadCpuUsage?: () => NodeJS.CpuUsage }).threadCpuUsage?.();
    return u ? (u.user + u.system) / 1000 : NaN;
  };
  const lagProbe = () => {
    const cpu0 = threadCpu();
    let last = performance.now();
    let busyMs = 0;
    let maxMs = 0;
    const timer = setInterval(() => {
      const now = performance.now();
      const late = now - last - 5;
      if (late > 5) busyMs += late;
      maxMs = Math.max(maxMs, late);
      last = now;
    }, 5);
    return () => {
      clearInterval(timer);
      return { busyMs, maxMs, cpuMs: threadCpu() - cpu0 };
    };
  };
  const runOnce = async () => {
    const stop = lagProbe();
    const t = performance.now();
    const outcome = await vscode.commands.executeCommand<RunOutcome>('gradtape.computeGradients', doc.uri);
    const commandMs = performance.now() - t;
    const lag = stop();
    if (!outcome?.run) throw new Error(`no run: ${JSON.stringify(outcome)}`);
    return { commandMs, readyMs: outcome.readyMs!, runnerMs: outcome.run.trace.durationMs, stages: outcome.stages ?? {}, phases: outcome.phases, lag };
  };
  const cold = await runOnce();
  type Once = Awaited<ReturnType<typeof runOnce>>;
  const round = (x: number) => Math.round(x * 10) / 10;
  // Median per stage (the runner's, ms since runScratch) and per phase (the host's: run, store listeners, hover index).
  const where = (runs: Once[]) => {
    const out: Record<string, number> = {};
    for (const k of ['read', 'bundled', 'taken', 'online', 'firstMessage', 'ended', 'assembled'] as const) {
      const xs = runs.map((r) => r.stages[k]).filter((x): x is number => x !== undefined);
      if (xs.length > runs.length / 2) out[k] = round(median(xs));
    }
    for (const k of ['runMs', 'storeMs', 'indexMs'] as const) out[k] = round(median(runs.map((r) => r.phases?.[k] ?? NaN)));
    out.hostLateMs = round(median(runs.map((r) => r.lag.busyMs)));
    out.hostMaxLateMs = round(median(runs.map((r) => r.lag.maxMs)));
    out.hostCpuMs = round(median(runs.map((r) => r.lag.cpuMs)));
    return out;
  };
  const summary = (runs: Once[]) => ({
    readyMs: median(runs.map((w) => w.readyMs)),
    commandMs: median(runs.map((w) => w.commandMs)),
    runnerMs: median(runs.map((w) => w.runnerMs)),
    where: where(runs),
  });
  // Warm as a person runs it: the next run worker has loaded the engine (the extension's own runner module,
  // the one it loaded, says so) before Compute Gradients; then ten runs back to back, each starting as the
  // last ends, which may find the spare thread its predecessor started still loading the engine.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const runner = require(path.join(ext.extensionPath, 'dist', 'runner.js')) as { runReady(workerFile: string, memoryMb: number): boolean };
  const workerFile = path.join(ext.extensionPath, 'dist', 'worker.js');
  const warmReady = async (): Promise<void> => {
    const t = performance.now();
    while (!runner.runReady(workerFile, DEFAULT_MEMORY_MB)) {
      if (performance.now() - t > 30_000) throw new Error('no warm run worker after 30 s');
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  const warm = [];
  for (let i = 0; i < 10; i++) {
    await warmReady();
    warm.push(await runOnce());
  }
  const backToBack = [];
  for (let i = 0; i < 10; i++) backToBack.push(await runOnce());
  // Warm after an edit, as a person works: the text changed (a comment appended, unsaved), so the
  // bundler builds it anew instead of answering from its kept bundles.
  const editor = vscode.window.activeTextEditor!;
  const edited = [];
  for (let i = 0; i < 10; i++) {
    await editor.edit((e) => e.insert(doc.lineAt(doc.lineCount - 1).range.end, `\n// edit ${i}`));
    await warmReady();
    edited.push(await runOnce());
  }
  say({ cold: { commandMs: round(cold.commandMs), readyMs: round(cold.readyMs), runnerMs: cold.runnerMs, where: where([cold]) }, warm: summary(warm), backToBack: summary(backToBack), warmAfterEdit: summary(edited) });

  // A hover over `weights` (line 13), through the editor's hover machinery and back.
  const pos = new vscode.Position(12, doc.lineAt(12).text.indexOf('weights') + 2);
  const hovers: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t = performance.now();
    const h = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, pos);
    hovers.push(performance.now() - t);
    if (!h.some((x) => x.contents.some((c) => typeof c !== 'string' && 'value' in c && c.value.includes('∂loss/∂weights')))) throw new Error('no derivative hover');
  }
  say({ hoverRoundTripMs: median(hovers) });
}
