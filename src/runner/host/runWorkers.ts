/**
 * Warm start for .grad.ts runs: a run worker is started ahead of its run, so that starting its
 * process and thread and loading dist/worker.js (the engine with it) is not on the run's clock.
 * Each run takes the warm worker, which has never run anything, and the next one starts as soon as
 * it is taken, so that it boots while the run runs and is ready when the next run is asked for
 * (Compute Gradients twice in a row, run on save): every run still has a process and thread of its
 * own (src/python/host.ts does the same for Python).
 */
import type { RunWorkerData, WarmRunWorkerData } from '../../protocol/worker';
import type { RunThreadData } from '../shared/probe';
import type { PythonWorkerData } from '../../python/protocol';
import { RunProcess } from './runProcess';

interface Warm {
  worker: RunProcess;
  workerFile: string;
  memoryMb: number;
  /** The thread runs JavaScript (the 'online' event). */
  online: boolean;
}

let warm: Warm | undefined;
let disposed = false;

/**
 * A worker that runs user code (a run, or Python's), in a process of its own (host/runProcess.ts):
 * the run's heap limit (fixed when it starts: a warm worker serves runs with the same memory limit
 * only), its memory its own, its output drained.
 */
export function newRunWorker(workerFile: string, memoryMb: number, workerData: RunThreadData | WarmRunWorkerData | PythonWorkerData): RunProcess {
  return new RunProcess(workerFile, memoryMb, workerData);
}

function spawnWarm(workerFile: string, memoryMb: number): Warm {
  const worker = newRunWorker(workerFile, memoryMb, { role: 'warmRun' });
  // An idle warm worker never keeps the process alive (the CLI, the tests).
  worker.unref();
  const w: Warm = { worker, workerFile, memoryMb, online: false };
  worker.once('online', () => (w.online = true));
  const gone = (): void => {
    if (warm === w) warm = undefined;
  };
  worker.once('error', gone);
  worker.once('exit', gone);
  return w;
}

/**
 * A worker running `data`: the warm one when it fits (then `online` is usually true, and the run's
 * time limit may start at once), else a new thread. The warm one is used once and never again.
 * `rewarm`: the next run's worker starts now (unless warm start was stopped), beside this run.
 */
export function takeRunWorker(workerFile: string, data: RunThreadData, rewarm = false): { worker: RunProcess; online: boolean } {
  const w = warm && warm.workerFile === workerFile && warm.memoryMb === data.memoryMb ? warm : undefined;
  let taken: { worker: RunProcess; online: boolean };
  if (!w) taken = { worker: newRunWorker(workerFile, data.memoryMb, data), online: false };
  else {
    warm = undefined;
    w.worker.ref();
    w.worker.postMessage(data satisfies RunWorkerData);
    taken = { worker: w.worker, online: w.online };
  }
  if (rewarm) rewarmRun(workerFile, data.memoryMb);
  return taken;
}

/** Prepares a run worker for the next run (the extension: when a scratch file is opened, and after each run). */
export function prewarmRun(workerFile: string, memoryMb: number): void {
  disposed = false;
  if (warm && warm.workerFile === workerFile && warm.memoryMb === memoryMb) return;
  void warm?.worker.terminate();
  warm = spawnWarm(workerFile, memoryMb);
}

/** The next warm worker, unless one is ready or warm start was stopped. */
export function rewarmRun(workerFile: string, memoryMb: number): void {
  if (!disposed && !warm) warm = spawnWarm(workerFile, memoryMb);
}

/** Whether a warm run worker is ready for these settings (benchmarks, tests). */
export function runWarm(workerFile: string, memoryMb: number): boolean {
  return !!warm && warm.workerFile === workerFile && warm.memoryMb === memoryMb;
}

/** Stops the warm run worker (deactivation, tests). */
export async function disposeRunWorkers(): Promise<void> {
  disposed = true;
  const w = warm;
  warm = undefined;
  if (w) await w.worker.terminate();
}
