import * as path from 'path';
import * as os from 'os';
import * as vscode from 'vscode';
import type { ConsoleLine, Trace } from '../protocol/trace';
import type { RunOptions, RunStage } from '../runner/host/scratchRun';
import type { InspectRun } from './panel/panelSession';
import { ExternalCommandId } from './commands/commandIds';
import { readConfig } from './config';
import { Disposable } from './dispose';
import { clockTime } from './format/clock';
import { TraceIndex } from './format/traceIndex';
import type { Run, RunStore } from './runStore';
import type { StatusBar } from './statusBar';

/** The runner's entry point, loaded on the first run so activation stays light. */
export interface Runner {
  runScratch(opts: RunOptions): Promise<Trace>;
  /** The panel's inspector questions (src/runner/host/inspectThread.ts); absent in test doubles. */
  inspectTrace?: InspectRun;
  /** Gets a file's first run ready, or without a file any .grad.ts run's: esbuild warm and a run worker loaded (src/runner/host/scratchRun.ts). */
  prewarm?(opts: Partial<Pick<RunOptions, 'file' | 'text'>> & Pick<RunOptions, 'memoryMb'>): void;
}
export type RunnerLoader = () => Promise<Runner>;

/** What a finished run reports back to its caller (the command returns it; tests and the benchmark read it). */
export interface RunOutcome {
  run?: Run;
  /** Why nothing was stored: the workspace is untrusted, or a newer run replaced this one. */
  skipped?: 'untrusted' | 'superseded' | 'cancelled';
  /** From the command to the trace stored and indexed, i.e. hovers ready. */
  readyMs?: number;
  /**
   * Where readyMs went (the benchmark prints it): the runner's stages (ms since runScratch was called,
   * RunOptions.onStage), and this side's: the run (command → trace), the store's listeners (decorations,
   * CodeLens, diagnostics, the panel's post), the hover index.
   */
  stages?: Partial<Record<RunStage, number>>;
  phases?: { runMs: number; storeMs: number; indexMs: number };
}

/** A run longer than this shows a cancellable progress notification. */
const PROGRESS_AFTER_MS = 500;

/**
 * Runs scratch files: one run per document at a time (a new run aborts the old one), in a worker via
 * the runner, never in this process. Stores each finished trace in the RunStore.
 */
export class RunController extends Disposable {
  private readonly inFlight = new Map<string, { abort: AbortController; byUser: boolean }>();
  private runner: Promise<Runner> | undefined;

  constructor(
    private readonly store: RunStore,
    private readonly status: StatusBar,
    private readonly output: vscode.OutputChannel,
    private readonly loadRunner: RunnerLoader,
  ) {
    super();
    this._register({ dispose: () => this.inFlight.forEach((c) => c.abort.abort()) });
  }

  isRunning(uri: vscode.Uri): boolean {
    return this.inFlight.has(uri.toString());
  }

  /** The user stopped the run (status bar or progress notification): it ends as cancelled, not replaced. */
  cancel(uri: vscode.Uri): void {
    const current = this.inFlight.get(uri.toString());
    if (!current) return;
    current.byUser = true;
    current.abort.abort();
  }

  /**
   * A scratch file was shown: load the runner and get its first run ready (bundler and run worker,
   * or Python), once per document, so Compute Gradients does not wait for them. Trusted workspaces only.
   */
  prewarm(doc: vscode.TextDocument): void {
    const key = doc.uri.toString();
    if (!vscode.workspace.isTrusted || this.prewarmed.has(key)) return;
    this.prewarmed.add(key);
    void (this.runner ??= this.loadRunner()).then(
      (runner) => runner.prewarm?.({ file: scratchPath(doc), text: doc.getText(), memoryMb: readConfig(doc.uri).memoryMb }),
      () => (this.runner = undefined),
    );
  }
  private readonly prewarmed = new Set<string>();

  /** Activation: the runner loaded, esbuild started and a run worker waiting, so the first run after activation is warm. Trusted workspaces only. */
  prewarmRunner(): void {
    if (!vscode.workspace.isTrusted) return;
    void (this.runner ??= this.loadRunner()).then(
      (runner) => runner.prewarm?.({ memoryMb: readConfig().memoryMb }),
      () => (this.runner = undefined),
    );
  }

  /**
   * Runs the document's current text, saved or not. `quiet` (run on save) skips the trust prompt;
   * `onStage` hears the runner's stages as they end (the command opens the panel by them).
   */
  async run(doc: vscode.TextDocument, { quiet = false, onStage }: { quiet?: boolean; onStage?: (stage: RunStage) => void } = {}): Promise<RunOutcome> {
    const started = performance.now();
    if (!vscode.workspace.isTrusted) {
      if (!quiet) void explainUntrusted();
      return { skipped: 'untrusted' };
    }
    const key = doc.uri.toString();
    this.inFlight.get(key)?.abort.abort();
    const entry = { abort: new AbortController(), byUser: false };
    const abort = entry.abort;
    this.inFlight.set(key, entry);
    const version = doc.version;
    const file = scratchPath(doc);
    const config = readConfig(doc.uri);
    this.status.running(doc.uri);
    this.output.appendLine(`▶ ${path.basename(file)} (${clockTime(new Date())})`);

    const progressTimer = setTimeout(() => {
      void vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `GradTape: running ${path.basename(file)}`, cancellable: true },
        (_progress, token) => {
          token.onCancellationRequested(() => this.cancel(doc.uri));
          return tracePromise.then(() => undefined, () => undefined);
        },
      );
    }, PROGRESS_AFTER_MS);

    const stages: Partial<Record<RunStage, number>> = {};
    const tracePromise = (async () => {
      const runner = await (this.runner ??= this.loadRunner());
      return runner.runScratch({
        file,
        text: doc.getText(),
        timeoutMs: config.timeoutMs,
        memoryMb: config.memoryMb,
        signal: abort.signal,
        onConsole: (line) => this.output.appendLine(consoleText(line)),
        // Keep a warm worker (the engine loaded, or Python) for the next run; say so while Pyodide starts cold (~2.5 s).
        warm: true,
        onStage: (s, ms) => {
          stages[s] = ms;
          onStage?.(s);
        },
        onStatus: (text) => {
          this.output.appendLine(text);
          void vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `GradTape: ${text}` }, () => tracePromise.then(() => undefined, () => undefined));
        },
      });
    })();

    let trace: Trace;
    let tracedAt = started;
    try {
      trace = await tracePromise;
      tracedAt = performance.now();
    } catch (err) {
      // The runner never rejects for user errors: this is ours (e.g. the worker failed to start).
      this.runner = undefined;
      trace = internalErrorTrace(file, err);
    } finally {
      clearTimeout(progressTimer);
      if (this.inFlight.get(key) === entry) this.inFlight.delete(key);
    }

    if (abort.signal.aborted && !entry.byUser) return { skipped: 'superseded' };
    if (trace.error?.kind === 'cancelled' || entry.byUser) {
      this.output.appendLine('■ cancelled');
      this.status.cancelled(doc.uri);
      return { skipped: 'cancelled' };
    }
    if (trace.error) this.output.appendLine(`✖ ${trace.error.name}: ${trace.error.message}${trace.error.pos ? ` (line ${trace.error.pos.line})` : ''}`);
    const wall = (t: number) => Math.round(performance.timeOrigin + t);
    const run: Run = { uri: doc.uri, version, trace, timing: { commandAt: wall(started), tracedAt: wall(tracedAt) } };
    this.store.set(run);
    const storedAt = performance.now();
    // Build the hover index now, so the first hover costs nothing, but after the panel's message has
    // left (a listener posted it just now): for a 10,000-op tape the index takes longer than the post.
    await new Promise((resolve) => setTimeout(resolve, 0));
    TraceIndex.of(trace);
    const readyMs = performance.now() - started;
    const phases = { runMs: tracedAt - started, storeMs: storedAt - tracedAt, indexMs: readyMs - (storedAt - started) };
    const timing = `run ${Math.round(phases.runMs)} ms, store listeners ${Math.round(phases.storeMs)} ms, hover index ${Math.round(phases.indexMs)} ms`;
    this.output.appendLine(`${trace.ok ? '✔' : '✖'} ${trace.stats.recordedOps} ops recorded on ${trace.stats.tapes} tape(s), ${trace.stats.gradientCalls} gradient call(s) in ${Math.round(trace.durationMs)} ms (${timing})`);
    this.status.finished(doc.uri, trace);
    return outcome(run, readyMs, stages, phases);
  }
}

/**
 * The outcome of a stored run. Callers in this process (tests, the benchmark) read the whole run; a
 * caller in another process (the palette and keybindings run the command from the workbench) gets
 * it as JSON, and there it is only the document, its version and the time: the trace of a
 * 10,000-op tape is 8.7 MB of JSON that the host would serialise and the workbench parse for nothing.
 */
function outcome(run: Run, readyMs: number, stages: RunOutcome['stages'], phases: RunOutcome['phases']): RunOutcome {
  return Object.defineProperty({ run, readyMs, stages, phases }, 'toJSON', {
    value: () => ({ run: { uri: run.uri, version: run.version, ok: run.trace.ok }, readyMs }),
    enumerable: false,
  });
}

/** Untitled documents have no path: give the runner an absolute one next to the workspace, for relative imports. */
function scratchPath(doc: vscode.TextDocument): string {
  if (doc.uri.scheme === 'file' || (doc.uri.scheme === 'untitled' && path.isAbsolute(doc.uri.fsPath))) return doc.uri.fsPath;
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? os.tmpdir();
  return path.join(folder, `${doc.uri.path.replace(/[^\w.-]/g, '_')}.grad.${doc.languageId === 'python' ? 'py' : 'ts'}`);
}

function consoleText(line: ConsoleLine): string {
  const where = line.pos ? `:${line.pos.line}` : '';
  return line.level === 'log' || line.level === 'info' ? `${line.text}` : `[${line.level}${where}] ${line.text}`;
}

async function explainUntrusted(): Promise<void> {
  const manage = 'Manage Workspace Trust';
  // Modal: the person asked for a run and gets none, so the reason must not hide in the notification center.
  const pick = await vscode.window.showWarningMessage(
    'GradTape runs scratch files only in a trusted workspace.',
    { modal: true, detail: 'Computing gradients executes the file\'s code. Trust this workspace to run it; results from earlier runs stay visible.' },
    manage,
  );
  if (pick === manage) await vscode.commands.executeCommand(ExternalCommandId.ManageTrust);
}

function internalErrorTrace(file: string, err: unknown): Trace {
  const e = err instanceof Error ? err : new Error(String(err));
  return {
    version: 1, file, startedAt: new Date().toISOString(), durationMs: 0, ok: false,
    error: { kind: 'internal', name: e.name, message: e.message, stack: e.stack },
    console: [], tapes: [], gradients: [], curves: [], diagnostics: [], unrecordedLines: [],
    stats: { ops: 0, recordedOps: 0, tapes: 0, gradientCalls: 0, droppedSteps: 0 },
  };
}
