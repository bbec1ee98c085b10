/**
 * One run of a user's bundle in the current thread (a run worker; the benchmarks call it in-process):
 * source positions, names, the engine's observer, console capture, limits, and the end of the run.
 * Everything leaves through `post` as RunWorkerMessages.
 *
 * This patches the thread's globals (console, process.exit, Error.prepareStackTrace), which is
 * why it runs in a worker of its own.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import util from 'node:util';
import type { ConsoleLine, RunError, SourcePos } from '../../protocol/trace';
import type { RunWorkerData, RunWorkerMessage, TraceEvent } from '../../protocol/worker';
import { BUNDLE_BASENAME } from '../shared/bundleNames';
import { compileBundle, ASYNC_HEAD } from './compileBundle';
import { memoryGuard } from './memoryGuard';
import { Recorder } from './recorder';
import { userProbes } from './probes';
import { sourceNames } from './sourceNames';
import { stackPositions } from './stacks';
import { instrument, withToBundle } from '../shared/instrument';
import { sourcePositions } from '../shared/sourcePositions';
import { probeSlots, type RunThreadData } from '../shared/probe';
import { ConsoleBudget } from '../shared/consoleBudget';

/** Events are sent in batches of at most this many, and at every record exit and gradient call. */
const BATCH = 512;
/** Heartbeat period while user code runs. */
const BEAT_MS = 200;
/** Events of undetailed steps wait at most this long before they are sent. */
const FLUSH_MS = 50;

export interface RunThreadOptions {
  /** End the run as soon as the bundle's top level returns (in-process benchmarks of sync scripts). */
  endOnReturn?: boolean;
  /** false: find positions by stack captures instead of instrumenting the bundle (benchmarks). */
  instrument?: boolean;
}

/**
 * Loads the engine into this thread ahead of a run (a warm run worker, src/runner/host/runWorkers.ts):
 * the bundle initialises its modules on first require, which is otherwise on the run's clock.
 * Nothing runs: no op, no tensor, so ids and names start as in a fresh thread.
 */
export function loadEngine(): void {
  /* eslint-disable @typescript-eslint/no-require-imports */
  require('../../engine/index');
  require('../../engine/observer');
  require('../../engine/tensor');
  /* eslint-enable @typescript-eslint/no-require-imports */
}

/**
 * Starts the run (synchronously runs the bundle's top level). Returns a function that undoes every
 * patch this made to the thread's globals: a worker never needs it, an in-process benchmark does.
 */
export function runInThisThread(d: RunWorkerData, post: (m: RunWorkerMessage) => void, opts: RunThreadOptions = {}): () => void {
  const undo: (() => void)[] = [];
  const patch = <T extends object, K extends keyof T>(target: T, key: K, value: T[K]): void => {
    const had = Object.prototype.hasOwnProperty.call(target, key);
    const before = target[key];
    target[key] = value;
    undo.push(() => {
      if (had) target[key] = before;
      else delete target[key];
    });
  };
  const started = performance.now();
  const bundleFile = path.join(path.dirname(d.file), BUNDLE_BASENAME);
  // ── Positions: bundle line/column → .grad.ts line/column, one object per generated position;
  // source texts (for names), read once per file (src/runner/shared/sourcePositions.ts) ──
  const positions = sourcePositions(d.bundle.map, d.file, d.text);
  const { mapPosition, sourceText, cache: posCache } = positions;

  // Every call in the user's code records its position index `at` (src/runner/shared/instrument.ts). The
  // bundler process has instrumented the bundle already; its positions become this thread's
  // objects for their call heads, so a stack frame at a call maps to the very object the probe gives.
  const pre = opts.instrument === false ? undefined : d.bundle.instrumented;
  if (pre) pre.heads.forEach((key, i) => posCache.set(key, pre.positions[i] ?? null));
  const inst = opts.instrument === false ? undefined : pre ? withToBundle(pre) : instrument(d.bundle.code, mapPosition, positions.identifierAt);
  // The current index lives in memory the host can read while this thread is busy (src/runner/shared/probe.ts).
  const cur = probeSlots((d as RunThreadData).probe, inst?.positions ?? [], d.bundle.inputs);
  /** Columns the compiled code's line 1 has before the bundle's (the async head, when there is one). */
  let linePrefix = 0;

  const stacks = stackPositions(d.file, bundleFile, mapPosition, inst, () => linePrefix);
  const { stackLocate, errorPos } = stacks;
  /** The position of the latest call in user code (instrumented), or of the first user frame on the stack. */
  const locate = (): SourcePos | undefined => {
    if (!inst) return stackLocate();
    const at = cur[0];
    return at >= 0 ? inst.positions[at] : undefined;
  };
  // Errors' stacks show .grad.ts positions; engine and Node frames are folded away.
  patch(Error, 'stackTraceLimit', 30);
  patch(Error, 'prepareStackTrace', stacks.prepareStackTrace);

  // ── Names: per source file, scanned on first use ──
  const { nameAt, patternAt } = sourceNames(sourceText, d.file);

  // ── Events out ──
  let batch: TraceEvent[] = [];
  // Set once the recorder exists: flush() needs its totals, and the recorder needs flush().
  const ref: { recorder?: Recorder } = {};
  let lastFlush = 0;
  let asked = 0;
  const flush = (urgent = true): void => {
    if (!ref.recorder) return;
    // Asked twice per loop step: reading the clock every time cost more than the check saves.
    if (!urgent && (++asked & 7) !== 0) return;
    const now = performance.now();
    if (!urgent && now - lastFlush < FLUSH_MS) return;
    lastFlush = now;
    for (const e of ref.recorder.pack()) batch.push(e);
    batch.push(ref.recorder.statsEvent());
    post({ type: 'didRecord', events: batch });
    batch = [];
  };
  const emit = (e: TraceEvent): void => {
    batch.push(e);
    if (batch.length >= BATCH) flush();
  };

  // ── Limits: heartbeat, and the memory guard (heap and typed arrays: src/runner/run/memoryGuard.ts) ──
  let lastBeat = performance.now();
  const realExit = process.exit.bind(process);
  const guard = memoryGuard(d.memoryMb * 1024 * 1024, (used, at) => {
    flush();
    const pos = (at as SourcePos | undefined) ?? locate();
    post({ type: 'didExceedMemory', usedMb: Math.round(used / 1048576), ...(pos ? { pos } : {}), inOp: at !== undefined });
    realExit(1);
  });
  const tick = (ops: number, pos: SourcePos | undefined, outputSize: number): void => {
    if ((ops & 63) === 0) {
      const now = performance.now();
      if (now - lastBeat > BEAT_MS) {
        lastBeat = now;
        flush();
        post({ type: 'didProgress', ops, elapsedMs: now - started, pos });
      }
    }
    if ((ops & 255) === 0 || outputSize > 1 << 20) guard.check(pos);
  };

  // ── The engine, observed ──
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const engine = require('../../engine/index') as typeof import('../../engine/index');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { setObserver } = require('../../engine/observer') as typeof import('../../engine/observer');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tensorModule = require('../../engine/tensor') as typeof import('../../engine/tensor');
  const VariableClass = tensorModule.Variable;
  const TensorClass = tensorModule.Tensor;
  const rec = new Recorder({
    // Read once: a module's exports may be getters (called per op otherwise).
    engine: {
      peekValues: tensorModule.peekValues,
      isVariable: (t): t is import('../../engine/tensor').Variable => t instanceof VariableClass,
      isTensor: (x): x is import('../../engine/tensor').Tensor => x instanceof TensorClass,
    },
    locate,
    cheapLocate: inst !== undefined,
    nameAt,
    patternAt,
    emit,
    flush,
    tick,
  });
  ref.recorder = rec;

  // ── Console: every line goes to the host at once, with the line that printed it ──
  // Within the console's budget (lines, bytes): a print in a hot loop must not flood the host.
  const budget = new ConsoleBudget((d as RunThreadData).consoleDropped);
  for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    patch(console, level, (...args: unknown[]): void => {
      const text = budget.admit(() => util.format(...args));
      if (text === undefined) return;
      const line: ConsoleLine = { level, text, timeMs: Date.now() - d.startedAtMs };
      const pos = locate();
      if (pos) line.pos = pos;
      post({ type: 'didLog', line });
    });
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
      // The stack's first user frame; only without one, the latest call (the probe, maybe stale).
      const at = pos ?? locate();
      if (at) err.pos = at;
      return err;
    }
    // A thrown non-Error has no stack: the probe at its `throw` (src/runner/shared/instrument.ts) says where.
    const pos = locate() ?? rec.lastPos;
    return { kind: 'exception', name: 'Error', message: `a non-Error value was thrown: ${util.inspect(e)}`, ...(pos ? { pos } : {}) };
  };

  // process.exit() in a worker ends only this thread; say where it happened, keep what was recorded.
  patch(process, 'exit', ((code?: number | string | null) => {
    const c = Number(code ?? process.exitCode ?? 0) || 0;
    const pos = locate();
    if (!ended) {
      ended = true;
      rec.finish();
    }
    post({ type: 'didCallExit', code: c, ...(pos ? { pos } : {}) });
    realExit(c);
  }) as typeof process.exit);
  const onError = (e: unknown): void => end(toRunError(e));
  /** A top-level await still waiting when nothing is left to run never settles (Node exits with 13 then). */
  let topLevelPending = false;
  const onBeforeExit = (): void => {
    if (!topLevelPending) return end();
    const pos = locate();
    end({
      kind: 'exception',
      name: 'Error',
      message: `a top-level await never settled: nothing was left to run that could resolve it${pos ? ` (the last call ran at line ${pos.line})` : ''}`,
      ...(pos ? { pos } : {}),
    });
  };
  process.on('uncaughtException', onError);
  process.on('unhandledRejection', onError);
  process.on('beforeExit', onBeforeExit);
  undo.push(() => {
    process.off('uncaughtException', onError);
    process.off('unhandledRejection', onError);
    process.off('beforeExit', onBeforeExit);
    setObserver(null);
  });

  // ── The probes the instrumented bundle calls ──
  const probes = userProbes({
    cur,
    guard,
    inst,
    patternAt,
    nameValue: (v, p) => rec.nameValue(v, p),
    nameLate: (t, name) => rec.nameLate(t, name),
    isTensor: (x): x is import('../../engine/tensor').Tensor => x instanceof TensorClass,
    hasName: (t) => t._debug?.name !== undefined || t instanceof VariableClass,
  });

  // ── Run the bundle ──
  const userRequire = createRequire(d.file);
  // The engine's exports as plain properties: the bundled module object reads each through a
  // getter, and `tf.add` & co. run on every op (all exports are constants, so a copy is the same).
  const userEngine = { ...engine };
  // A script that reaches past the engine (Node's modules, native code) may leave something in its
  // process: the run process is then not reused for another run (src/runner/runProcess.ts recycle()).
  const reachedBuf = (d as { reached?: SharedArrayBuffer }).reached;
  const reached = reachedBuf ? new Int32Array(reachedBuf) : undefined;
  const reach = (): void => void (reached && Atomics.store(reached, 0, 1));
  for (const key of ['getBuiltinModule', 'dlopen', 'binding', '_linkedBinding'] as const) {
    const f = (process as unknown as Record<string, unknown>)[key];
    if (typeof f !== 'function') continue;
    patch(process as unknown as Record<string, unknown>, key, function (this: unknown, ...args: unknown[]) {
      reach();
      return (f as (...a: unknown[]) => unknown).apply(this, args);
    });
  }
  const requireShim = (id: string): unknown => {
    if (id === 'gradtape') return userEngine;
    reach();
    return userRequire(id);
  };
  const mod = { exports: {} as unknown };
  // Every module of the bundle sees the entry's (relative imports are inlined into it).
  const importMeta = { url: pathToFileURL(d.file).href, filename: d.file, dirname: path.dirname(d.file) };
  setObserver(rec);
  try {
    const fn = compileBundle(inst ? inst.code : d.bundle.code, bundleFile, inst?.topLevelAwait);
    linePrefix = fn.async ? ASYNC_HEAD.length : 0;
    const result: unknown = fn.body.call(mod.exports, mod.exports, requireShim, mod, d.file, path.dirname(d.file), importMeta, ...probes);
    if (fn.async) {
      // The run ends as a sync one does (when nothing is left to run), or at once if the top level rejects.
      topLevelPending = true;
      (result as Promise<unknown>).then(
        () => {
          topLevelPending = false;
          if (opts.endOnReturn) end();
        },
        (e: unknown) => {
          topLevelPending = false;
          end(toRunError(e));
        },
      );
    } else if (opts.endOnReturn) end();
  } catch (e) {
    end(toRunError(e));
  }
  return () => {
    for (const u of undo.reverse()) u();
  };
}

