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
import vm from 'node:vm';
import type { ConsoleLine, RunError, SourcePos } from '../../protocol/trace';
import type { RunWorkerData, RunWorkerMessage, TraceEvent } from '../../protocol/worker';
import { BUNDLE_BASENAME, IMPORT_META } from '../shared/bundleNames';
import { posKey, scanBindings, type NameIndex, type Pattern } from './names';
import { memoryGuard } from './memoryGuard';
import { Recorder } from './recorder';
import { instrument, PROBE_PARAMS, withToBundle } from '../shared/instrument';
import { sourcePositions } from '../shared/sourcePositions';
import { probeSlots, type RunThreadData } from '../shared/probe';

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
  // bundler thread has instrumented the bundle already; its positions become this thread's
  // objects for their call heads, so a stack frame at a call maps to the very object the probe gives.
  const pre = opts.instrument === false ? undefined : d.bundle.instrumented;
  if (pre) pre.heads.forEach((key, i) => posCache.set(key, pre.positions[i] ?? null));
  const inst = opts.instrument === false ? undefined : pre ? withToBundle(pre) : instrument(d.bundle.code, mapPosition, positions.identifierAt);
  // The current index lives in memory the host can read while this thread is busy (src/runner/shared/probe.ts).
  const cur = probeSlots((d as RunThreadData).probe, inst?.positions ?? [], d.bundle.inputs);
  /** Columns the compiled code's line 1 has before the bundle's (the async head, when there is one). */
  let linePrefix = 0;

  type Site = NodeJS.CallSite;
  const rawSites = (_e: Error, sites: Site[]): Site[] => sites;
  /** A stack frame of the (instrumented) bundle → the user's position. */
  const sitePos = (s: Site): SourcePos | undefined => {
    const line = s.getLineNumber() ?? 0;
    // An async body starts with ASYNC_HEAD on line 1 (see "Run the bundle").
    const column = (s.getColumnNumber() ?? 0) - (line === 1 ? linePrefix : 0);
    const b = inst ? inst.toBundle(line, column) : { line, column };
    return mapPosition(b.line, b.column);
  };
  const firstUserPos = (sites: Site[]): SourcePos | undefined => {
    for (const s of sites) {
      if (s.getFileName() === bundleFile) {
        const p = sitePos(s);
        if (p) return p;
      }
    }
    return undefined;
  };
  /** A stack overflow: the user position repeated most on the stack is the recursive call. */
  const recursionPos = (sites: Site[]): SourcePos | undefined => {
    const counts = new Map<SourcePos, number>();
    let best: SourcePos | undefined;
    for (const s of sites) {
      if (s.getFileName() !== bundleFile) continue;
      const p = sitePos(s);
      if (!p) continue;
      const n = (counts.get(p) ?? 0) + 1;
      counts.set(p, n);
      if (!best || n > counts.get(best)!) best = p;
    }
    return best ?? firstUserPos(sites);
  };
  /** The position of the latest call in user code (instrumented), or of the first user frame on the stack. */
  const locate = (): SourcePos | undefined => {
    if (!inst) return stackLocate();
    const at = cur[0];
    return at >= 0 ? inst.positions[at] : undefined;
  };
  const stackLocate = (): SourcePos | undefined => {
    const prepare = Error.prepareStackTrace;
    const limit = Error.stackTraceLimit;
    Error.prepareStackTrace = rawSites as typeof Error.prepareStackTrace;
    // A user call is usually a few frames up: capture few frames first, more only if needed.
    let pos: SourcePos | undefined;
    for (const depth of [8, 40]) {
      Error.stackTraceLimit = depth;
      const holder: { stack?: Site[] } = {};
      Error.captureStackTrace(holder, stackLocate);
      const sites = holder.stack;
      pos = Array.isArray(sites) ? firstUserPos(sites) : undefined;
      if (pos || !Array.isArray(sites) || sites.length < depth) break;
    }
    Error.prepareStackTrace = prepare;
    Error.stackTraceLimit = limit;
    return pos;
  };

  // Errors' stacks show .grad.ts positions; engine and Node frames are folded away.
  const errorPos = new WeakMap<object, SourcePos>();
  patch(Error, 'stackTraceLimit', 30);
  patch(Error, 'prepareStackTrace', (err: Error, sites: Site[]): string => {
    const pos = err instanceof RangeError && /call stack/i.test(String(err.message)) ? recursionPos(sites) : firstUserPos(sites);
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
      const p = s.getFileName() === bundleFile ? sitePos(s) : undefined;
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
  });

  // ── Names: per source file, scanned on first use ──
  const nameIndexes = new Map<string, { names: NameIndex; patterns: Map<string, Pattern> }>();
  const nameIndex = (file: string): { names: NameIndex; patterns: Map<string, Pattern> } => {
    let idx = nameIndexes.get(file);
    if (!idx) {
      idx = scanBindings(sourceText(file));
      nameIndexes.set(file, idx);
    }
    return idx;
  };
  // Positions are shared objects (one per call site), so answers are cached per object: asked
  // for every op and gradient call, they cost a map lookup, not a key string and two lookups.
  const perPosition = <T>(pick: (idx: { names: NameIndex; patterns: Map<string, Pattern> }, key: string) => T | undefined): ((pos: SourcePos | undefined) => T | undefined) => {
    const cache = new Map<SourcePos, T | null>();
    return (pos) => {
      if (!pos) return undefined;
      let v = cache.get(pos);
      if (v === undefined) {
        v = pick(nameIndex(pos.file ?? d.file), posKey(pos.line, pos.column)) ?? null;
        cache.set(pos, v);
      }
      return v ?? undefined;
    };
  };
  const nameAt = perPosition((idx, key) => idx.names.get(key));
  const patternAt = perPosition((idx, key) => idx.patterns.get(key));

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
    post({ type: 'didExceedMemory', usedMb: Math.round(used / 1048576), ...(pos ? { pos } : {}) });
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

  // ── Parameters name what has no name yet (destructuring and for-of always name: rec.nameValue) ──
  /**
   * A variable has its own name; any other tensor has one when the recorder gave it one (at its
   * creation, from a pattern, or from an earlier parameter): the engine's TensorDebug.name, which
   * the observer owns. The first name a tensor gets wins.
   */
  const hasName = (t: import('../../engine/tensor').Tensor): boolean => t._debug?.name !== undefined || t instanceof VariableClass;
  const paramNames = inst?.params ?? [];
  // `function lossOf(w) { … }` called with an unnamed tensor: inside, that tensor is `w`.
  const probeN = (id: number, ...values: unknown[]): void => {
    const names = paramNames[id];
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      const name = names[i];
      if (name !== null && v instanceof TensorClass && !hasName(v)) {
        rec.nameValue(v, name);
      }
    }
  };

  // ── Console: every line goes to the host at once, with the line that printed it ──
  let consoleLines = 0;
  for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    patch(console, level, (...args: unknown[]): void => {
      if (++consoleLines > 20_000) return; // a print in a hot loop must not flood the host
      const line: ConsoleLine = { level, text: util.format(...args), timeMs: Date.now() - d.startedAtMs };
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

  // ── The probes the instrumented bundle calls (src/runner/shared/instrument.ts) ──
  const EMPTY: unknown[] = [];
  const probeP = <T>(id: number, v: T): T => {
    cur[0] = id;
    guard.countCall();
    return v;
  };
  const probeE = (id: number): unknown[] => {
    cur[0] = id;
    guard.countCall();
    return EMPTY;
  };
  const probeI = (id: number, iterable: unknown): unknown => {
    const make = (iterable as { [Symbol.iterator]?: () => Iterator<unknown> } | null | undefined)?.[Symbol.iterator];
    if (typeof make !== 'function') return iterable; // the original TypeError, unchanged
    // Built-in collections run no ops while iterating: keep their fast paths.
    if (Array.isArray(iterable) || ArrayBuffer.isView(iterable) || typeof iterable === 'string' || iterable instanceof Map || iterable instanceof Set) return iterable;
    return {
      [Symbol.iterator](): Iterator<unknown> {
        const it = make.call(iterable);
        // `for (const [x, y] of dataset)`: the tensors of each element take the pattern's names.
        const pattern = inst ? patternAt(inst.positions[id]) : undefined;
        return {
          next(v?: unknown) {
            cur[0] = id;
            const r = it.next(v);
            if (pattern !== undefined && r && !r.done) rec.nameValue(r.value, pattern);
            return r;
          },
          return(v?: unknown) {
            return typeof it.return === 'function' ? it.return(v) : { done: true, value: v };
          },
        };
      },
    };
  };

  // ── Run the bundle ──
  const userRequire = createRequire(d.file);
  // The engine's exports as plain properties: the bundled module object reads each through a
  // getter, and `tf.add` & co. run on every op (all exports are constants, so a copy is the same).
  const userEngine = { ...engine };
  const requireShim = (id: string): unknown => (id === 'gradtape' ? userEngine : userRequire(id));
  const mod = { exports: {} as unknown };
  // Every module of the bundle sees the entry's (relative imports are inlined into it).
  const importMeta = { url: pathToFileURL(d.file).href, filename: d.file, dirname: path.dirname(d.file) };
  setObserver(rec);
  try {
    const fn = compileBundle(inst ? inst.code : d.bundle.code, bundleFile, inst?.topLevelAwait);
    linePrefix = fn.async ? ASYNC_HEAD.length : 0;
    const result: unknown = fn.body.call(mod.exports, mod.exports, requireShim, mod, d.file, path.dirname(d.file), importMeta, probeP, probeE, probeI, probeN);
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


const BUNDLE_PARAMS = ['exports', 'require', 'module', '__filename', '__dirname', IMPORT_META, ...PROBE_PARAMS];
/**
 * A bundle with a top-level await runs as the body of an async arrow inside the compiled function
 * (which keeps `this`, the parameters and the probes in scope). The head shares line 1 with the
 * bundle's first line, so no line moves; only line 1's columns shift, by its length.
 */
const ASYNC_HEAD = 'return (async () => {';

/**
 * Compiles the bundle as a function body, async when it awaits at the top level. `topLevelAwait`
 * comes from the instrumentation's parse; without one, a plain compile that fails tells.
 */
function compileBundle(code: string, filename: string, topLevelAwait: boolean | undefined): { body: (...args: unknown[]) => unknown; async: boolean } {
  const compile = (body: string): ((...args: unknown[]) => unknown) => vm.compileFunction(body, BUNDLE_PARAMS, { filename }) as (...args: unknown[]) => unknown;
  const asAsync = (): string => `${ASYNC_HEAD}${code}\n})();`;
  if (topLevelAwait === true) return { body: compile(asAsync()), async: true };
  try {
    return { body: compile(code), async: false };
  } catch (e) {
    // esbuild checked the syntax: a SyntaxError here is an await outside any function (or a real
    // error, which the async compile reports the same).
    if (topLevelAwait === false || !(e instanceof SyntaxError)) throw e;
    try {
      return { body: compile(asAsync()), async: true };
    } catch {
      throw e;
    }
  }
}
