/**
 * The host side of .grad.py runs: a warm Python worker (Pyodide loaded, the runtime imported) is
 * kept ready, each run takes it, and the next one is prepared when the run ends, so every run has
 * a fresh interpreter and engine (isolated) without waiting for Pyodide (~2.5 s).
 */
import type { RunProcess } from '../runner/host/runProcess';
import { DEFAULT_MEMORY_MB } from '../protocol/settings';
import type { RunError, Trace } from '../protocol/trace';
import type { RunOptions } from '../runner/host/scratchRun';
import { newRunWorker } from '../runner/host/runWorkers';
import type { PythonRunRequest, PythonWorkerData } from './protocol';


interface Warm {
  worker: RunProcess;
  workerFile: string;
  memoryMb: number;
  ready: Promise<boolean>;
  isReady: boolean;
  failure?: string;
}

let warm: Warm | undefined;
let disposed = false;

function spawn(workerFile: string, memoryMb: number): Warm {
  const workerData: PythonWorkerData = { role: 'python', memoryMb };
  const worker = newRunWorker(workerFile, memoryMb, workerData);
  // An idle warm worker never keeps the process alive (the CLI, the tests).
  worker.unref();
  const w: Warm = { worker, workerFile, memoryMb, isReady: false, ready: Promise.resolve(false) };
  w.ready = new Promise<boolean>((resolve) => {
    const onMessage = (m: { type: string; error?: RunError }): void => {
      worker.off('message', onMessage);
      w.isReady = m.type === 'pythonReady';
      if (!w.isReady) w.failure = m.error?.message ?? 'Python did not start';
      resolve(w.isReady);
    };
    worker.on('message', onMessage);
    worker.once('error', (e) => {
      w.failure = `Python did not start: ${e.message}`;
      resolve(false);
    });
    worker.once('exit', () => resolve(false));
  });
  return w;
}

/** Starts a Python worker now (the extension calls it when a .grad.py is opened), unless one is warm. */
export function prewarmPython(workerFile: string, memoryMb = DEFAULT_MEMORY_MB): void {
  disposed = false;
  if (warm && warm.workerFile === workerFile && warm.memoryMb === memoryMb) return;
  void warm?.worker.terminate();
  warm = spawn(workerFile, memoryMb);
}

/** Whether the warm worker (if any) has Python loaded: resolves when it has (benchmarks, tests). */
export function pythonWarm(): Promise<boolean> {
  return warm ? warm.ready : Promise.resolve(false);
}

/** Stops the warm worker (deactivation, tests). */
export async function disposePython(): Promise<void> {
  disposed = true;
  const w = warm;
  warm = undefined;
  if (w) await w.worker.terminate();
}

/** Runs one .grad.py: takes the warm worker (or starts one), hands it to `supervise`, sends the run. */
export async function runPython(
  opts: RunOptions,
  file: string,
  text: string,
  workerFile: string,
  supervise: (worker: RunProcess) => Promise<Trace>,
  fail: (e: RunError) => Trace,
  consoleDropped?: SharedArrayBuffer,
  probe?: SharedArrayBuffer,
): Promise<Trace> {
  const memoryMb = opts.memoryMb ?? DEFAULT_MEMORY_MB;
  let w = warm && warm.workerFile === workerFile && warm.memoryMb === memoryMb ? warm : undefined;
  if (!w) void warm?.worker.terminate();
  warm = undefined;
  w ??= spawn(workerFile, memoryMb);
  w.worker.ref();
  if (!w.isReady) opts.onStatus?.('Starting Python…');
  const ok = await new Promise<boolean | 'cancelled'>((resolve) => {
    const onAbort = (): void => resolve('cancelled');
    if (opts.signal?.aborted) return resolve('cancelled');
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    void w.ready.then((r) => {
      opts.signal?.removeEventListener('abort', onAbort);
      resolve(r);
    });
  });
  if (ok !== true) {
    void w.worker.terminate();
    if (ok === 'cancelled') return fail({ kind: 'cancelled', name: 'Cancelled', message: 'the run was cancelled while Python started' });
    return fail({ kind: 'internal', name: 'Error', message: w.failure ?? 'Python did not start' });
  }
  const trace = supervise(w.worker);
  // Pyodide's interrupt buffer: its presence is the request. The run is in a process of its own
  // (RunProcess), where a SharedArrayBuffer cannot reach; src/runner/runProcess.ts makes the run
  // thread's buffer there and writes SAMPLE_SIGNAL into it every SAMPLE_MS, so Python writes the
  // user's line into the probe (a loop that runs no op sends no heartbeat).
  const interrupt = new SharedArrayBuffer(4);
  const req: PythonRunRequest = { file, text, startedAtMs: Date.now(), consoleDropped, probe, interrupt };
  w.worker.postMessage(req);
  const result = await trace;
  if (opts.warm && !disposed && !warm) warm = spawn(workerFile, memoryMb);
  return result;
}
