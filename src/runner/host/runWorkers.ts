/**
 * Warm start for .grad.ts runs: a run worker is started ahead of its run, so that starting the
 * thread and loading dist/worker.js (the engine with it) is not on the run's clock. Each run takes
 * the warm worker, which has never run anything, and the next one is prepared when the run ends:
 * every run still has a thread of its own (src/python/host.ts does the same for Python).
 */
import { Worker } from 'node:worker_threads';
import type { RunWorkerData, WarmRunWorkerData } from '../../protocol/worker';
import type { RunThreadData } from '../shared/probe';
import type { PythonWorkerData } from '../../python/protocol';
import { heapLimitMb } from './memoryWatchdog';

interface Warm {
  worker: Worker;
  workerFile: string;
  memoryMb: number;
  /** The thread runs JavaScript (the 'online' event). */
  online: boolean;
}

let warm: Warm | undefined;
let disposed = false;

/** A thread that runs user code (a run, or Python's): the run's heap limit, its output drained. */
export function newRunWorker(workerFile: string, memoryMb: number, workerData: RunThreadData | WarmRunWorkerData | PythonWorkerData): Worker {
  const worker = new Worker(workerFile, {
    workerData,
    // Fixed when the thread starts: a warm worker serves runs with the same memory limit only.
    resourceLimits: { maxOldGenerationSizeMb: heapLimitMb(memoryMb) },
    // The user's console is patched inside the worker; keep stray stdout off the host's.
    // GRADTAPE_DEBUG=1 lets the worker's own stderr through (debugging the runner itself).
    stdout: true,
    stderr: !process.env.GRADTAPE_DEBUG,
  });
  worker.stdout.resume();
  worker.stderr?.resume();
  return worker;
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
 */
export function takeRunWorker(workerFile: string, data: RunThreadData): { worker: Worker; online: boolean } {
  const w = warm && warm.workerFile === workerFile && warm.memoryMb === data.memoryMb ? warm : undefined;
  if (!w) return { worker: newRunWorker(workerFile, data.memoryMb, data), online: false };
  warm = undefined;
  w.worker.ref();
  w.worker.postMessage(data satisfies RunWorkerData);
  return { worker: w.worker, online: w.online };
}

/** Prepares a run worker for the next run (the extension: when a scratch file is opened, and after each run). */
export function prewarmRun(workerFile: string, memoryMb: number): void {
  disposed = false;
  if (warm && warm.workerFile === workerFile && warm.memoryMb === memoryMb) return;
  void warm?.worker.terminate();
  warm = spawnWarm(workerFile, memoryMb);
}

/** After a run: the next warm worker, unless one is ready or warm start was stopped. */
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
