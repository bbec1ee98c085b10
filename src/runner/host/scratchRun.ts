/**
 * Runs a scratch file and returns its Trace: the runner's public API, used by the extension host,
 * the CLI and the tests. No vscode import.
 *
 *   bundle (bundler process, esbuild) → run thread (dist/worker.js: engine + observer, in a process
 *   of its own: host/runProcess.ts) → TraceEvents → TraceAssembler → Trace
 *
 * The calling process never runs user code. A run ends when the worker says it finished, or when
 * the time limit, the memory limit, cancellation, process.exit or a crash ends the worker; in
 * every case the Trace holds everything recorded before, and the promise resolves (user errors
 * are in trace.error and trace.diagnostics, never a rejection).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT_MS } from '../../protocol/settings';
import type { ConsoleLine, RunError, Trace } from '../../protocol/trace';
import type { BundleOutput, BundlerBackend, RunWorkerMessage } from '../../protocol/worker';
import { TraceAssembler } from './assemble';
import { runProcessFile, type RunProcess } from './runProcess';
import { prewarmRun, recycleRun, rewarmRun, takeRunWorker } from './runWorkers';
import { bundleInProcess } from './bundlerProcess';
import type { InspectAnswer } from '../../engine/inspect';
import { inspectInThread, type InspectRequest } from './inspectThread';
import { currentPosition, newProbeBuffer, type RunThreadData } from '../shared/probe';
import { droppedLines, newDropCounter } from '../shared/consoleBudget';
import { isPythonFile } from '../../python/protocol';
import { prewarmPython, runPython } from '../../python/host';
import { assertNever } from '../../format/assertNever';

export interface RunOptions {
  /** Absolute path of the .grad.ts (used for relative imports, source maps, messages). */
  file: string;
  /** The editor's current text (unsaved); read from disk when absent. */
  text?: string;
  /** Default DEFAULT_TIMEOUT_MS (package.json's `gradtape.timeoutMs`). */
  timeoutMs?: number;
  /** Default DEFAULT_MEMORY_MB (package.json's `gradtape.memoryMb`): the heap and typed arrays, checked by the run thread (run/memoryGuard.ts) and, as resident memory, by the run's process (runProcess.ts). */
  memoryMb?: number;
  /** Cancellation. */
  signal?: AbortSignal;
  /** Streamed as the script prints. */
  onConsole?: (line: ConsoleLine) => void;
  /** Optional, for long runs: about five times a second while ops run. */
  onProgress?: (p: { ops: number; elapsedMs: number }) => void;
  /** Path of the built worker (dist/worker.js); by default found next to this bundle. */
  workerFile?: string;
  /**
   * Which esbuild bundles the file: 'wasm' (portable, what the .vsix ships), 'native' (the
   * platform binary, falls back to wasm when missing), or 'auto' (default: native when the
   * `esbuild` package can be loaded, else wasm). GRADTAPE_BUNDLER=wasm|native overrides 'auto'.
   */
  bundler?: BundlerBackend | 'auto';
  /** False: esbuild bundles the file even when Node's type stripping would do (the golden test runs both; src/runner/bundler/stripScratch.ts). */
  strip?: boolean;
  /**
   * Prepare the next run's worker (a run worker with the engine loaded, started as this run takes
   * its own; or a Python worker with Pyodide), so the next run starts warm (the extension). Each run
   * still has a process and thread of its own (host/runWorkers.ts, src/python/host.ts).
   */
  warm?: boolean;
  /** What the run is waiting for, when it waits ("Starting Python…" while Pyodide loads). */
  onStatus?: (text: string) => void;
  /** Each stage of a .grad.ts run as it ends, in ms since runScratch was called (bench/runStart.bench.ts prints the breakdown). */
  onStage?: (stage: RunStage, ms: number) => void;
}

/**
 * The stages of a .grad.ts run, in order: the text read, the bundle ready, a run worker taken and
 * the run's data sent, the worker running JavaScript (only when it was not yet), its first message
 * (the script is running), its 'didFinish' (or whatever ended the run), the Trace assembled.
 */
export type RunStage = 'read' | 'bundled' | 'taken' | 'online' | 'firstMessage' | 'ended' | 'assembled';

export { DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT_MS };
/** A heartbeat older than this (the worker beats every 200 ms while ops run) means no op is running. */
const STALE_BEAT_MS = 1000;
/** The bundle step's time limit is the run's, but at least this. */
const BUNDLE_MIN_MS = 30_000;
/** Time a run's worker thread may take to start before its time limit starts counting anyway. */
const STARTUP_GRACE_MS = 30_000;

/**
 * dist/worker.js next to the running bundle (dist/extension.js, dist/cli.js); from the sources
 * (tests under tsx) the repository's dist/worker.js.
 */
export function defaultWorkerFile(): string {
  const here = __dirname;
  if (path.basename(here) === 'dist') return path.join(here, 'worker.js');
  return path.resolve(here, '..', '..', '..', 'dist', 'worker.js');
}

function chooseBackend(opt: RunOptions['bundler']): BundlerBackend {
  const choice = opt && opt !== 'auto' ? opt : process.env.GRADTAPE_BUNDLER;
  if (choice === 'wasm' || choice === 'native') return choice;
  try {
    require.resolve('esbuild');
    return 'native';
  } catch {
    return 'wasm';
  }
}

export async function runScratch(opts: RunOptions): Promise<Trace> {
  const startedAt = new Date();
  const t0 = performance.now();
  const file = path.resolve(opts.file);
  const asm = new TraceAssembler(file, startedAt);
  const elapsed = (): number => Math.round((performance.now() - t0) * 10) / 10;
  const fail = (error: RunError): Trace => asm.finish(error, elapsed());

  if (opts.signal?.aborted) return fail({ kind: 'cancelled', name: 'Cancelled', message: 'the run was cancelled before it started' });
  let text = opts.text;
  if (text === undefined) {
    try {
      text = await fs.promises.readFile(file, 'utf8');
    } catch (e) {
      return fail({ kind: 'internal', name: 'Error', message: `cannot read ${file}: ${(e as Error).message}` });
    }
  }
  asm.source = text;
  const stage = (st: RunStage): void => opts.onStage?.(st, performance.now() - t0);
  stage('read');
  const workerFile = opts.workerFile ?? defaultWorkerFile();
  for (const f of [workerFile, runProcessFile(workerFile)]) {
    if (!fs.existsSync(f)) return fail({ kind: 'internal', name: 'Error', message: `the runner's worker is missing: ${f} (build with node scripts/build.mjs)` });
  }
  // A .grad.py runs in a (warm) Python worker instead (src/python/host.ts); the same supervision.
  if (isPythonFile(file)) {
    const consoleDropped = newDropCounter();
    const probe = newProbeBuffer();
    const supervise = (worker: RunProcess): Promise<Trace> => {
      stage('taken');
      return superviseRun(opts, worker, [file], probe, consoleDropped, asm, t0, true);
    };
    return runPython(opts, file, text, workerFile, supervise, fail, consoleDropped, probe);
  }
  // Bundling has its own limit (a huge file can keep esbuild busy for minutes), never shorter than
  // BUNDLE_MIN_MS: on a loaded machine a small file's bundle takes seconds, and a 1 s run limit is the script's.
  const bundleTimeoutMs = Math.max(opts.timeoutMs ?? DEFAULT_TIMEOUT_MS, BUNDLE_MIN_MS);
  const bundled = await bundleInProcess(workerFile, chooseBackend(opts.bundler), file, text, { timeoutMs: bundleTimeoutMs, signal: opts.signal }, opts.strip);
  if (!('code' in bundled)) return fail(bundled);
  stage('bundled');
  if (opts.signal?.aborted) return fail({ kind: 'cancelled', name: 'Cancelled', message: 'the run was cancelled' });
  return runBundle(opts, file, text, bundled, workerFile, asm, t0);
}

/**
 * Gets the first run of a file ready before it is asked for (the extension, when a scratch file is
 * shown): a .grad.ts is bundled once, so esbuild is started and warm and the text's bundle is kept
 * (src/runner/bundler/serve.ts), and a run worker is loaded (host/runWorkers.ts); a .grad.py gets a
 * Python worker with Pyodide loaded. Without a file (the extension's activation), the .grad.ts
 * path: esbuild started (on an empty text) and a run worker loaded.
 */
export function prewarm(opts: Partial<Pick<RunOptions, 'file'>> & Pick<RunOptions, 'text' | 'memoryMb' | 'workerFile' | 'bundler'>): void {
  const workerFile = opts.workerFile ?? defaultWorkerFile();
  if (!fs.existsSync(workerFile)) return;
  const memoryMb = opts.memoryMb ?? DEFAULT_MEMORY_MB;
  if (opts.file && isPythonFile(opts.file)) return prewarmPython(workerFile, memoryMb);
  prewarmRun(workerFile, memoryMb);
  const file = opts.file ? path.resolve(opts.file) : path.join(os.tmpdir(), 'gradtape-prewarm.grad.ts');
  const text = opts.file ? opts.text : '';
  if (text !== undefined) void bundleInProcess(workerFile, chooseBackend(opts.bundler), file, text, { timeoutMs: BUNDLE_MIN_MS });
}

async function runBundle(opts: RunOptions, file: string, text: string, bundle: BundleOutput, workerFile: string, asm: TraceAssembler, t0: number): Promise<Trace> {
  const memoryMb = opts.memoryMb ?? DEFAULT_MEMORY_MB;
  const probe = newProbeBuffer();
  const consoleDropped = newDropCounter();
  const workerData: RunThreadData = { role: 'run', file, text, bundle, memoryMb, startedAtMs: Date.now(), probe, consoleDropped };
  const { worker, online } = await takeRunWorker(workerFile, workerData, opts.warm);
  opts.onStage?.('taken', performance.now() - t0);
  // With `warm`, the next run's worker: this run's process recycled (the spare thread it started
  // beside the run), or a new one.
  const trace = superviseRun(opts, worker, bundle.inputs, probe, consoleDropped, asm, t0, online, opts.warm ? (w) => recycleRun(w, workerFile, memoryMb) : undefined);
  if (opts.warm) void trace.then(() => rewarmRun(workerFile, memoryMb));
  return trace;
}

/**
 * Watches a run's worker until the run ends: its messages into the assembler, the time limit,
 * cancellation, memory, exits. `online`: the worker already runs JavaScript (a warm worker).
 * `onFinished`: a run that ended with didFinish hands its worker there (to be recycled) instead of
 * having it killed; every other end kills it.
 */
export function superviseRun(
  opts: RunOptions,
  worker: RunProcess,
  inputs: readonly string[],
  probe: SharedArrayBuffer | undefined,
  consoleDropped: SharedArrayBuffer,
  asm: TraceAssembler,
  t0: number,
  online: boolean,
  onFinished?: (worker: RunProcess) => void,
): Promise<Trace> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const memoryMb = opts.memoryMb ?? DEFAULT_MEMORY_MB;
  return new Promise<Trace>((resolve) => {
    let settled = false;
    let exitCall: { code: number; pos?: RunError['pos'] } | undefined;
    let memory: { usedMb: number; inOp: boolean; pos?: RunError['pos'] } | undefined;
    const stage = (st: RunStage): void => opts.onStage?.(st, performance.now() - t0);
    let messages = 0;
    const settle = (error: RunError | undefined, finished = false): void => {
      if (settled) return;
      settled = true;
      stage('ended');
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      if (finished && onFinished) onFinished(worker);
      else void worker.terminate();
      asm.droppedConsole(droppedLines(consoleDropped));
      const trace = asm.finish(error, Math.round((performance.now() - t0) * 10) / 10);
      stage('assembled');
      resolve(trace);
    };
    const lastPos = (): RunError['pos'] => asm.lastPos;
    const withPos = (e: RunError): RunError => {
      const pos = e.pos ?? lastPos();
      return pos ? { ...e, pos } : e;
    };
    /**
     * Where a busy (or dead) worker is: while ops run, the heartbeat's op; when none came lately
     * (a loop that runs no op sends nothing), the latest call its probes wrote to shared memory.
     */
    let lastBeat = -Infinity;
    const whereNow = (): { pos?: RunError['pos']; opRan: boolean } => {
      if (performance.now() - lastBeat < STALE_BEAT_MS && lastPos()) return { pos: lastPos(), opRan: true };
      const pos = probe ? currentPosition(probe, inputs) : undefined;
      return pos ? { pos, opRan: false } : { pos: lastPos(), opRan: true };
    };
    const onTimeout = (): void => {
      const { pos, opRan } = whereNow();
      const of = pos?.file ? ` of ${path.basename(pos.file)}` : '';
      const where = !pos ? '' : opRan ? `; the last op ran at line ${pos.line}${of}` : `; it was at line ${pos.line}${of}`;
      settle({ kind: 'timeout', name: 'Timeout', message: `stopped after ${formatSeconds(timeoutMs)}${where}`, ...(pos ? { pos } : {}) });
    };
    // The limit is the script's: it starts when the worker runs JavaScript, not while the thread
    // starts (slow on a loaded machine). A worker that never comes up is stopped all the same.
    let timer = setTimeout(onTimeout, online ? timeoutMs : timeoutMs + STARTUP_GRACE_MS);
    if (!online) {
      worker.once('online', () => {
        stage('online');
        clearTimeout(timer);
        timer = setTimeout(onTimeout, timeoutMs);
      });
    }
    const onAbort = (): void => {
      const { pos } = whereNow();
      settle({ kind: 'cancelled', name: 'Cancelled', message: 'the run was cancelled', ...(pos ? { pos } : {}) });
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    // Memory the run thread's own guard did not stop in time: the run process's resident set says
    // (src/runner/runProcess.ts), and the process is gone by then.
    worker.once('memory', (grownMb: number) => {
      const { pos, opRan } = whereNow();
      settle(memoryError(memoryMb, grownMb, pos, opRan));
    });

    worker.on('message', (m: RunWorkerMessage) => {
      if (settled) return;
      if (messages++ === 0) stage('firstMessage');
      switch (m.type) {
        case 'didLog':
          asm.log(m.line);
          opts.onConsole?.(m.line);
          break;
        case 'didRecord':
          for (const e of m.events) asm.apply(e);
          break;
        case 'didProgress':
          lastBeat = performance.now();
          asm.progress(m.ops, m.pos);
          opts.onProgress?.({ ops: m.ops, elapsedMs: m.elapsedMs });
          break;
        case 'didExceedMemory':
          memory = { usedMb: m.usedMb, inOp: m.inOp, ...(m.pos ? { pos: m.pos } : {}) };
          break;
        case 'didCallExit':
          exitCall = { code: m.code, ...(m.pos ? { pos: m.pos } : {}) };
          break;
        case 'didFinish':
          settle(m.error, true);
          break;
        default:
          assertNever(m, 'worker message');
      }
    });
    worker.on('error', (e: Error & { code?: string }) => {
      if (e.code === 'ERR_WORKER_OUT_OF_MEMORY') {
        const { pos, opRan } = whereNow();
        settle(memoryError(memoryMb, undefined, pos, opRan));
      }
      else settle(withPos({ kind: 'internal', name: e.name, message: `the run's worker failed: ${e.message}` }));
    });
    worker.on('exit', (code) => {
      if (memory) return settle(memoryError(memoryMb, memory.usedMb, memory.pos ?? lastPos(), memory.inOp || !memory.pos));
      if (exitCall) {
        const at = exitCall.pos ? ` at line ${exitCall.pos.line}` : '';
        if (exitCall.code === 0) return settle(undefined);
        return settle({
          kind: 'exception',
          name: 'ProcessExit',
          message: `the script called process.exit(${exitCall.code})${at}; only its worker stopped, and everything recorded before is kept`,
          ...(exitCall.pos ? { pos: exitCall.pos } : {}),
        });
      }
      settle(withPos({ kind: 'internal', name: 'Error', message: `the run's worker exited unexpectedly (code ${code})` }));
    });
  });
}

function memoryError(limitMb: number, usedMb: number | undefined, pos: RunError['pos'], opRan = true): RunError {
  const used = usedMb ? ` (${usedMb} MB in use)` : '';
  const where = !pos ? '' : opRan ? `; the last op ran at line ${pos.line}` : `; it was at line ${pos.line}`;
  return {
    kind: 'memory',
    name: 'OutOfMemory',
    message: `stopped: the script needed more than its ${limitMb} MB memory limit${used}${where}`,
    ...(pos ? { pos } : {}),
  };
}

function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}


/** Stops the bundler processes (extension deactivation, tests); re-exported for dist/runner.js users. */
export { disposeBundlers } from './bundlerProcess';
/** Stops the warm Python worker, if any. */
export { disposePython, prewarmPython, pythonWarm } from '../../python/host';
/** Warm start of .grad.ts runs (host/runWorkers.ts). */
export { disposeRunWorkers, prewarmRun, runReady, runWarm } from './runWorkers';

/** The panel's inspector questions about a run (host/inspectThread.ts), answered in the inspect thread of dist/worker.js. */
export function inspectTrace(trace: Trace, req: InspectRequest, workerFile: string = defaultWorkerFile()): Promise<InspectAnswer> {
  return inspectInThread(trace, req, workerFile);
}
export { disposeInspector } from './inspectThread';
