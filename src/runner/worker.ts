/**
 * The worker entry (built to dist/worker.js). `workerData.role` picks what this thread is:
 * - 'bundler': a long-lived thread that keeps esbuild warm and answers bundle requests;
 * - 'run': one run of a user's bundle, with the engine's observer attached, streaming
 *   TraceEvents to the host (src/runner/scratchRun.ts), which assembles the Trace.
 * User code runs only here, never in the host: an exit, a crash or an endless loop ends this
 * thread alone.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createRequire, SourceMap } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import util from 'node:util';
import v8 from 'node:v8';
import vm from 'node:vm';
import type { ConsoleLine, RunError, SourcePos } from '../protocol/trace';
import type { BundleRequest, BundleResponse, BundlerWorkerData, RunWorkerData, RunWorkerMessage, TraceEvent } from '../protocol/worker';
import { BUNDLE_BASENAME, bundleScratch } from './bundle';
import { posKey, scanNames, type NameIndex } from './names';
import { Recorder } from './recorder';

const port = parentPort!;
const data = workerData as BundlerWorkerData | RunWorkerData;

if (data.role === 'bundler') serveBundles(data);
else runScratchInThisThread(data);

// ──── Bundler thread ────

function serveBundles(d: BundlerWorkerData): void {
  port.on('message', (req: BundleRequest) => {
    void bundleScratch(d.backend, req.file, req.text).then(
      (r) => {
        const res: BundleResponse = 'code' in r ? { type: 'bundled', id: req.id, output: r } : { type: 'bundleFailed', id: req.id, error: r };
        port.postMessage(res);
      },
      (e: unknown) => {
        const res: BundleResponse = { type: 'bundleFailed', id: req.id, error: { kind: 'internal', name: 'Error', message: String(e) } };
        port.postMessage(res);
      },
    );
  });
}

// ──── Run thread ────

/** Events are sent in batches of at most this many, and at every record exit and gradient call. */
const BATCH = 512;
/** Heartbeat period while user code runs. */
const BEAT_MS = 200;

function runScratchInThisThread(d: RunWorkerData): void {
  const post = (m: RunWorkerMessage): void => port.postMessage(m);
  const started = performance.now();
  const bundleFile = path.join(path.dirname(d.file), BUNDLE_BASENAME);
  const map = new SourceMap(JSON.parse(d.bundle.map));

  // ── Positions: bundle line/column → .grad.ts line/column, cached per generated position ──
  const posCache = new Map<number, SourcePos | null>();
  const mapPosition = (line: number, column: number): SourcePos | undefined => {
    const key = line * 65536 + column;
    let p = posCache.get(key);
    if (p === undefined) {
      const e = map.findEntry(line - 1, column - 1) as { originalSource?: string; originalLine?: number; originalColumn?: number };
      p = null;
      if (e && e.originalLine !== undefined && e.originalColumn !== undefined && e.originalSource) {
        p = { line: e.originalLine + 1, column: e.originalColumn + 1 };
        if (path.resolve(e.originalSource) !== d.file) p.file = path.resolve(e.originalSource);
      }
      posCache.set(key, p);
    }
    return p ?? undefined;
  };

  type Site = NodeJS.CallSite;
  const rawSites = (_e: Error, sites: Site[]): Site[] => sites;
  const firstUserPos = (sites: Site[]): SourcePos | undefined => {
    for (const s of sites) {
      if (s.getFileName() === bundleFile) {
        const p = mapPosition(s.getLineNumber() ?? 0, s.getColumnNumber() ?? 0);
        if (p) return p;
      }
    }
    return undefined;
  };
  /** The observer's locate(): the first frame of the user's bundle on the current stack. */
  const locate = (): SourcePos | undefined => {
    const prepare = Error.prepareStackTrace;
    const limit = Error.stackTraceLimit;
    Error.prepareStackTrace = rawSites as typeof Error.prepareStackTrace;
    Error.stackTraceLimit = 24;
    const holder: { stack?: Site[] } = {};
    Error.captureStackTrace(holder, locate);
    const sites = holder.stack;
    Error.prepareStackTrace = prepare;
    Error.stackTraceLimit = limit;
    return Array.isArray(sites) ? firstUserPos(sites) : undefined;
  };

  // Errors' stacks show .grad.ts positions; engine and Node frames are folded away.
  const errorPos = new WeakMap<object, SourcePos>();
  Error.stackTraceLimit = 30;
  Error.prepareStackTrace = (err: Error, sites: Site[]): string => {
    const pos = firstUserPos(sites);
    if (pos) errorPos.set(err, pos);
    let header: string;
    try {
      header = `${err.name ?? 'Error'}: ${err.message ?? ''}`;
    } catch {
      header = 'Error';
    }
    const lines = [header];
    let folded = false;
    for (const s of sites) {
      const p = s.getFileName() === bundleFile ? mapPosition(s.getLineNumber() ?? 0, s.getColumnNumber() ?? 0) : undefined;
      if (p) {
        const where = `${p.file ?? d.file}:${p.line}:${p.column}`;
        const fn = s.getFunctionName();
        lines.push(fn ? `    at ${fn} (${where})` : `    at ${where}`);
        folded = false;
      } else if (!folded && s.getFileName() !== bundleFile && !String(s.getFileName() ?? '').startsWith('node:')) {
        lines.push('    at (gradtape engine)');
        folded = true;
      }
    }
    return lines.join('\n');
  };

  // ── Names: per source file, scanned on first use ──
  const nameIndexes = new Map<string, NameIndex>();
  const nameIndex = (file: string): NameIndex => {
    let idx = nameIndexes.get(file);
    if (!idx) {
      let text = '';
      try {
        text = file === d.file ? d.text : fs.readFileSync(file, 'utf8');
      } catch {
        // a file we cannot read has no names
      }
      idx = scanNames(text);
      nameIndexes.set(file, idx);
    }
    return idx;
  };
  const nameAt = (pos: SourcePos | undefined): string | undefined => (pos ? nameIndex(pos.file ?? d.file).get(posKey(pos.line, pos.column)) : undefined);

  // ── Events out ──
  let batch: TraceEvent[] = [];
  // Set once the recorder exists: flush() needs its totals, and the recorder needs flush().
  const ref: { recorder?: Recorder } = {};
  const flush = (): void => {
    if (!ref.recorder) return;
    batch.push(ref.recorder.statsEvent());
    post({ type: 'didRecord', events: batch });
    batch = [];
  };
  const emit = (e: TraceEvent): void => {
    batch.push(e);
    if (batch.length >= BATCH) flush();
  };

  // ── Limits: heartbeat, and memory the V8 heap limit does not see (typed arrays) ──
  const limitBytes = d.memoryMb * 1024 * 1024;
  let lastBeat = performance.now();
  let stopping = false;
  const realExit = process.exit.bind(process);
  const tick = (ops: number, pos: SourcePos | undefined, outputSize: number): void => {
    if ((ops & 63) === 0) {
      const now = performance.now();
      if (now - lastBeat > BEAT_MS) {
        lastBeat = now;
        flush();
        post({ type: 'didProgress', ops, elapsedMs: now - started, pos });
      }
    }
    if ((ops & 255) === 0 || outputSize > 1 << 20) {
      const h = v8.getHeapStatistics() as v8.HeapInfo & { external_memory?: number };
      const used = h.used_heap_size + (h.external_memory ?? 0);
      if (used > limitBytes && !stopping) {
        stopping = true;
        flush();
        post({ type: 'didExceedMemory', usedMb: Math.round(used / 1048576), pos });
        realExit(1);
      }
    }
  };

  // ── The engine, observed ──
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const engine = require('../engine/index') as typeof import('../engine/index');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { setObserver } = require('../engine/observer') as typeof import('../engine/observer');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tensorModule = require('../engine/tensor') as typeof import('../engine/tensor');
  const rec = new Recorder({
    engine: { peekValues: (t) => tensorModule.peekValues(t), isVariable: (t): t is import('../engine/tensor').Variable => t instanceof tensorModule.Variable },
    locate,
    nameAt,
    emit,
    flush,
    tick,
  });
  ref.recorder = rec;

  // ── Console: every line goes to the host at once, with the line that printed it ──
  let consoleLines = 0;
  for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    console[level] = (...args: unknown[]): void => {
      if (++consoleLines > 20_000) return; // a print in a hot loop must not flood the host
      const line: ConsoleLine = { level, text: util.format(...args), timeMs: Date.now() - d.startedAtMs };
      const pos = locate();
      if (pos) line.pos = pos;
      post({ type: 'didLog', line });
    };
  }

  // ── The end: exactly one of these runs ──
  let ended = false;
  const end = (error?: RunError): void => {
    if (ended) return;
    ended = true;
    try {
      rec.finish();
    } catch (e) {
      error ??= { kind: 'internal', name: 'Error', message: `recording failed: ${String(e)}` };
    }
    setObserver(null);
    post({ type: 'didFinish', ...(error ? { error } : {}) });
  };
  const toRunError = (e: unknown): RunError => {
    if (e instanceof Error) {
      const stack = String(e.stack ?? ''); // formats through prepareStackTrace, which finds the position
      const pos = errorPos.get(e);
      let message = e.message;
      if (e instanceof RangeError && /Array buffer allocation failed|Invalid typed array length|Array buffer/.test(message)) {
        message += ' (the tensor is too large to allocate)';
      }
      const err: RunError = { kind: 'exception', name: e.name || e.constructor?.name || 'Error', message, stack };
      if (pos) err.pos = pos;
      return err;
    }
    const pos = rec.lastPos;
    return { kind: 'exception', name: 'Error', message: `a non-Error value was thrown: ${util.inspect(e)}`, ...(pos ? { pos } : {}) };
  };

  // process.exit() in a worker ends only this thread; say where it happened, keep what was recorded.
  process.exit = ((code?: number | string | null) => {
    const c = Number(code ?? process.exitCode ?? 0) || 0;
    const pos = locate();
    if (!ended) {
      ended = true;
      rec.finish();
    }
    post({ type: 'didCallExit', code: c, ...(pos ? { pos } : {}) });
    realExit(c);
  }) as typeof process.exit;
  process.on('uncaughtException', (e) => end(toRunError(e)));
  process.on('unhandledRejection', (e) => end(toRunError(e)));
  process.on('beforeExit', () => end());

  // ── Run the bundle ──
  const userRequire = createRequire(d.file);
  const requireShim = (id: string): unknown => (id === 'gradtape' ? engine : userRequire(id));
  const mod = { exports: {} as unknown };
  setObserver(rec);
  try {
    const fn = vm.compileFunction(d.bundle.code, ['exports', 'require', 'module', '__filename', '__dirname'], { filename: bundleFile });
    fn.call(mod.exports, mod.exports, requireShim, mod, d.file, path.dirname(d.file));
  } catch (e) {
    end(toRunError(e));
  }
}
