/**
 * Warm start for .grad.ts runs: a run worker is started ahead of its run, so that starting its
 * process and thread and loading dist/worker.js (the engine with it) is not on the run's clock.
 * Each run takes the warm worker, whose thread has never run anything, and (Linux) has its process
 * start a spare thread beside it at once, which loads the engine while the run goes on. When the run
 * ends normally its process recycles itself: the run's thread ends and the spare is the next warm
 * worker, already loaded, so Compute Gradients twice in a row (or run on save) finds it ready; a
 * thread costs ~40 ms of CPU against a process's ~150 ms. A run that reached past the
 * engine (Node's modules), left anything behind, or ended otherwise (time limit, cancel, memory,
 * a crash) gets a new process instead. Every run has a thread of its own; no two runs share one
 * (src/python/host.ts does the same for Python, with a new process each time).
 */
import type { RunWorkerData, WarmRunWorkerData } from '../../protocol/worker';
import type { RunThreadData } from '../shared/probe';
import type { PythonWorkerData } from '../../python/protocol';
import { RunProcess } from './runProcess';

interface Warm {
  /** Its `online` and `ready` say how far its thread got (running JavaScript; the engine loaded). */
  worker: RunProcess;
  workerFile: string;
  memoryMb: number;
}

let warm: Warm | undefined;
/** A finished run's process, recycling itself into the next warm worker (recycleRun). */
let recycling: { workerFile: string; memoryMb: number; next: Promise<void> } | undefined;
let disposed = false;

/**
 * A worker that runs user code (a run, or Python's), in a process of its own (host/runProcess.ts):
 * the run's heap limit (fixed when it starts: a warm worker serves runs with the same memory limit
 * only), its memory its own, its output drained.
 */
export function newRunWorker(workerFile: string, memoryMb: number, workerData: RunThreadData | WarmRunWorkerData | PythonWorkerData): RunProcess {
  return new RunProcess(workerFile, memoryMb, workerData);
}

/** Keeps `worker` (its thread loading the engine, or loaded) as the next run's. */
function keepWarm(worker: RunProcess, workerFile: string, memoryMb: number): Warm {
  // An idle warm worker never keeps the process alive (the CLI, the tests).
  worker.unref();
  const w: Warm = { worker, workerFile, memoryMb };
  const gone = (): void => {
    if (warm === w) warm = undefined;
  };
  worker.once('error', gone);
  worker.once('exit', gone);
  return w;
}

const spawnWarm = (workerFile: string, memoryMb: number): Warm => keepWarm(newRunWorker(workerFile, memoryMb, { role: 'warmRun' }), workerFile, memoryMb);
const fits = (w: { workerFile: string; memoryMb: number } | undefined, workerFile: string, memoryMb: number): boolean => !!w && w.workerFile === workerFile && w.memoryMb === memoryMb;

/**
 * A worker running `data`: the warm one when it fits (then `online` is usually true, and the run's
 * time limit may start at once), else a new thread. The warm one is used once and never again.
 * A finished run's process still recycling itself (Compute Gradients right after a run) is waited
 * for: its next thread is ready sooner than a new process. `warmNext` (the extension): a warm
 * worker's process starts the next run's thread now, beside the run (Linux, where processes are
 * recycled; a new process gets its spare from its second run on, src/runner/runProcess.ts).
 */
export async function takeRunWorker(workerFile: string, data: RunThreadData, warmNext = false): Promise<{ worker: RunProcess; online: boolean }> {
  if (!fits(warm, workerFile, data.memoryMb) && recycling && fits(recycling, workerFile, data.memoryMb)) await recycling.next;
  const w = fits(warm, workerFile, data.memoryMb) ? warm! : undefined;
  if (!w) return { worker: newRunWorker(workerFile, data.memoryMb, data), online: false };
  warm = undefined;
  w.worker.ref();
  w.worker.postMessage(data satisfies RunWorkerData, { spare: warmNext && !disposed && process.platform === 'linux' });
  return { worker: w.worker, online: w.worker.online };
}

/**
 * After a run that ended normally: its process, asked to recycle itself (host/runProcess.ts
 * release()), becomes the next warm worker with a fresh thread; when it will not be reused (the
 * run reached past the engine, or left something behind), a new process is started instead.
 */
export function recycleRun(worker: RunProcess, workerFile: string, memoryMb: number): void {
  if (disposed || warm) {
    void worker.terminate();
    return;
  }
  const next = worker.release(workerFile, memoryMb).then((p) => {
    if (recycling?.next === next) recycling = undefined;
    if (!p) return rewarmRun(workerFile, memoryMb);
    if (disposed || warm) return void p.terminate();
    warm = keepWarm(p, workerFile, memoryMb);
  });
  recycling = { workerFile, memoryMb, next };
}

/** Prepares a run worker for the next run (the extension: when a scratch file is opened, and after each run). */
export function prewarmRun(workerFile: string, memoryMb: number): void {
  disposed = false;
  if (fits(warm, workerFile, memoryMb) || fits(recycling, workerFile, memoryMb)) return;
  void warm?.worker.terminate();
  warm = spawnWarm(workerFile, memoryMb);
}

/** The next warm worker, unless one is ready or coming, or warm start was stopped. */
export function rewarmRun(workerFile: string, memoryMb: number): void {
  if (!disposed && !warm && !recycling) warm = spawnWarm(workerFile, memoryMb);
}

/** Whether a warm run worker waits for these settings (benchmarks, tests); its engine may still be loading. */
export function runWarm(workerFile: string, memoryMb: number): boolean {
  return fits(warm, workerFile, memoryMb);
}

/** Whether a warm run worker for these settings has loaded the engine: the next run starts at once (benchmarks, tests). */
export function runReady(workerFile: string, memoryMb: number): boolean {
  return fits(warm, workerFile, memoryMb) && warm!.worker.ready;
}

/** Stops the warm run worker (deactivation, tests). */
export async function disposeRunWorkers(): Promise<void> {
  disposed = true;
  await recycling?.next;
  const w = warm;
  warm = undefined;
  if (w) await w.worker.terminate();
}
