/**
 * The Python run worker (role 'python' of dist/worker.js): loads Pyodide and the runtime's modules
 * as soon as it starts (a warm worker waits with Python ready), then runs one .grad.py file with
 * the engine observed exactly as a .grad.ts run is (src/runner/run/recorder.ts), posting the same
 * RunWorkerMessages. Positions come from Python's frames, names from Python's `ast`
 * (src/python/runtime/_gradtape_run.py).
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import util from 'node:util';
import v8 from 'node:v8';
import type { ConsoleLine, RunError, SourcePos } from '../protocol/trace';
import type { RunWorkerMessage, TraceEvent } from '../protocol/worker';
import type { Pattern } from '../runner/run/names';
import { Recorder } from '../runner/run/recorder';
import { makeBridge, type BridgeState } from './bridge';
import { RUNTIME_FILES } from './runtime/files';
import type { PythonRunRequest, PythonStubs, PythonStubsRequest, PythonWorkerData } from './protocol';
import { ConsoleBudget } from '../runner/shared/consoleBudget';
import { dropSnapshot, readSnapshot, snapshotFile, SNAPSHOT_IMPORTS, writeSnapshot } from './snapshot';

const BATCH = 512;
const BEAT_MS = 200;
const FLUSH_MS = 50;

interface PyProxyFn {
  (...args: unknown[]): unknown;
  destroy?: () => void;
}
interface Pyodide {
  runPython(code: string): unknown;
  registerJsModule(name: string, module: object): void;
  pyimport(name: string): Record<string, PyProxyFn>;
  FS: { mkdirTree(p: string): void; writeFile(p: string, data: string): void };
  setInterruptBuffer(b: Int32Array | undefined): void;
  makeMemorySnapshot(): Uint8Array;
}

/** Where Pyodide's files are: dist/pyodide next to the built worker, else the package. */
export function pyodideDir(): string {
  const shipped = path.join(__dirname, 'pyodide');
  if (fs.existsSync(path.join(shipped, 'pyodide.asm.wasm'))) return shipped;
  return path.dirname(createRequire(__filename).resolve('pyodide/package.json'));
}

/** What the bridge's callbacks reach: set for the run in progress. */
interface RunHooks {
  newPosition(i: number, line: number, column: number, name: string | null, pattern: Pattern | null): void;
  nameValue(value: unknown, pattern: Pattern): void;
  plot(name: string, xs: number[], ys: number[]): void;
  log?(level: ConsoleLine['level'], text: string, at: number): void;
  sample?(line: number, column: number): void;
}

export interface LoadedPython {
  py: Pyodide;
  run: PyProxyFn;
  where: PyProxyFn;
  state: BridgeState;
}

export async function loadPython(hooks: { current?: RunHooks }): Promise<LoadedPython> {
  const dir = pyodideDir();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { loadPyodide } = require(path.join(dir, 'pyodide.js')) as { loadPyodide: (o: object) => Promise<Pyodide> };
  const options = { indexURL: dir + path.sep, stdout: () => undefined, stderr: () => undefined };
  // A cached memory snapshot of Pyodide with the standard library imported (snapshot.ts): restored,
  // or made on this start, before the engine is registered (a snapshot cannot hold JS objects).
  const file = snapshotFile(dir);
  const saved = readSnapshot(file);
  let py: Pyodide | undefined;
  if (saved) {
    try {
      py = await loadPyodide({ ...options, _loadSnapshot: saved });
    } catch {
      dropSnapshot(file);
    }
  }
  if (!py) {
    py = await loadPyodide({ ...options, _makeSnapshot: file !== undefined });
    py.runPython(SNAPSHOT_IMPORTS);
    if (file) {
      try {
        writeSnapshot(file, py.makeMemorySnapshot());
      } catch {
        // Pyodide refused (a state it cannot serialize): this start goes on, the next one tries again.
      }
    }
  }
  const state: BridgeState = { at: -1 };
  py.registerJsModule(
    '_gradtape',
    makeBridge({
      newPosition: (i: number, line: number, column: number, name: string | null, pattern: { toJs?: (o: object) => unknown } | null) =>
        hooks.current?.newPosition(i, line, column, name, pattern && typeof pattern.toJs === 'function' ? (pattern.toJs({ dict_converter: Object.fromEntries }) as Pattern) : (pattern as Pattern | null)),
      nameValue: (value: unknown, pattern: unknown) => hooks.current?.nameValue(value, pattern as Pattern),
      plot: (name: string, xs: unknown, ys: unknown) => hooks.current?.plot(name, toNumbers(xs), toNumbers(ys)),
      iterator: (o: Iterable<unknown>) => o[Symbol.iterator](),
      log: (level: ConsoleLine['level'], text: string, at: number) => hooks.current?.log?.(level, text, at),
      sample: (line: number, column: number) => hooks.current?.sample?.(line, column),
    }, state),
  );
  const site = '/lib/gradtape';
  for (const [file, text] of Object.entries(RUNTIME_FILES)) {
    const full = `${site}/${file}`;
    py.FS.mkdirTree(full.slice(0, full.lastIndexOf('/')));
    py.FS.writeFile(full, text);
  }
  py.runPython(`import sys\nsys.path.insert(0, ${JSON.stringify(site)})\nimport tensorflow, numpy, matplotlib.pyplot, _gradtape_run`);
  const runner = py.pyimport('_gradtape_run');
  return { py, run: runner.run, where: runner.where, state };
}

/** The runtime's .pyi stubs, written by Python from the imported modules (_gradtape_stubs.py). */
function writeStubs(p: LoadedPython): Record<string, string> {
  const files = p.py.pyimport('_gradtape_stubs').stubs() as { toJs(o: object): Map<string, string> | Record<string, string> };
  const js = files.toJs({ dict_converter: Object.fromEntries });
  return js instanceof Map ? Object.fromEntries(js) : js;
}

function toNumbers(x: unknown): number[] {
  const v = x as { toJs?: () => unknown } | number[];
  const arr = typeof (v as { toJs?: unknown }).toJs === 'function' ? ((v as { toJs: () => unknown }).toJs() as number[]) : (v as number[]);
  return Array.from(arr, Number);
}

/** The worker's entry for role 'python': load at once, run on request. */
export function servePython(d: PythonWorkerData, port: { on(e: 'message', f: (m: PythonRunRequest) => void): void; postMessage(m: unknown): void }): void {
  const hooks: { current?: RunHooks } = {};
  const loaded = loadPython(hooks);
  loaded.then(
    () => port.postMessage({ type: 'pythonReady' }),
    (e: unknown) => port.postMessage({ type: 'didFinish', error: { kind: 'internal', name: 'Error', message: `Python did not start: ${String(e)}` } }),
  );
  port.on('message', (req: PythonRunRequest | PythonStubsRequest) => {
    if ('type' in req) {
      void loaded.then((p) => port.postMessage({ type: 'stubs', files: writeStubs(p) } satisfies PythonStubs));
      return;
    }
    const run: PythonRunRequest = req;
    void loaded.then((p) => runPython(p, hooks, { ...run, memoryMb: d.memoryMb }, (m) => port.postMessage(m)));
  });
}

export function runPython(
  p: LoadedPython,
  hooks: { current?: RunHooks },
  d: PythonRunRequest & { memoryMb: number },
  post: (m: RunWorkerMessage) => void,
): void {
  const started = performance.now();
  // Positions: one object per source position the Python side has seen (index → SourcePos).
  const positions: SourcePos[] = [];
  const names = new Map<SourcePos, string>();
  const patterns = new Map<SourcePos, Pattern>();
  // The position comes with the call (p.state.at) when Python passed it; else ask Python's frames.
  const locate = (): SourcePos | undefined => {
    const i = p.state.at >= 0 ? p.state.at : (p.where() as number);
    return i >= 0 ? positions[i] : undefined;
  };

  let batch: TraceEvent[] = [];
  const ref: { recorder?: Recorder } = {};
  let lastFlush = 0;
  let asked = 0;
  const flush = (urgent = true): void => {
    if (!ref.recorder) return;
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
  const limitBytes = d.memoryMb * 1024 * 1024;
  let lastBeat = performance.now();
  let stopping = false;
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
        post({ type: 'didExceedMemory', usedMb: Math.round(used / 1048576), pos, inOp: true });
        process.exit(1);
      }
    }
  };

  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const engine = require('../engine/index') as typeof import('../engine/index');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { setObserver } = require('../engine/observer') as typeof import('../engine/observer');
  const rec = new Recorder({
    engine: {
      peekValues: engine.peekValues,
      isVariable: (t): t is import('../engine/tensor').Variable => t instanceof engine.Variable,
      isTensor: (x): x is import('../engine/tensor').Tensor => x instanceof engine.Tensor,
    },
    locate,
    cheapLocate: false,
    nameAt: (pos) => (pos ? names.get(pos) : undefined),
    // `g1, g2 = tape.gradient(loss, [w1, w2])`: the tuple target names each result.
    patternAt: (pos) => (pos ? patterns.get(pos) : undefined),
    emit,
    flush,
    tick,
  });
  ref.recorder = rec;
  hooks.current = {
    newPosition(i, line, column, name, pattern) {
      const pos: SourcePos = { line, column };
      positions[i] = pos;
      if (name) names.set(pos, name);
      if (pattern) patterns.set(pos, pattern);
    },
    nameValue: (value, pattern) => rec.nameValue(value, pattern),
    plot(name, xs, ys) {
      for (let i = 0; i < ys.length; i++) engine.summary.scalar(name, ys[i], { step: xs[i] });
    },
  };

  // print(): every line to the host at once, with the line that printed it (sys.stdout is
  // _gradtape_run._Out, which asks for the position while Python holds its lock).
  // Within the console's budget (lines, bytes), as the TypeScript run thread (src/runner/shared/consoleBudget.ts).
  const budget = new ConsoleBudget(d.consoleDropped);
  hooks.current.log = (level, raw, at) => {
    const text = budget.admit(() => raw);
    if (text === undefined) return;
    const line: ConsoleLine = { level, text, timeMs: Date.now() - d.startedAtMs };
    const pos = at >= 0 ? positions[at] : undefined;
    if (pos) line.pos = pos;
    post({ type: 'didLog', line });
  };

  // The host's sampler (src/python/host.ts): Python's handler of SAMPLE_SIGNAL writes the user's
  // line here, in probe.ts's layout (index 0, its line and column).
  if (d.probe && d.interrupt) {
    const slots = new Int32Array(d.probe);
    hooks.current.sample = (line, column) => {
      Atomics.store(slots, 1, line);
      Atomics.store(slots, 2, column);
      Atomics.store(slots, 0, 0);
    };
    p.py.setInterruptBuffer(new Int32Array(d.interrupt));
  }

  setObserver(rec);
  let error: RunError | undefined;
  try {
    const r = p.run(d.file, d.text) as { get?: unknown } | undefined | null;
    if (r) error = toRunError(r as unknown as Map<string, unknown> | Record<string, unknown>);
  } catch (e) {
    error = { kind: 'internal', name: 'Error', message: `the Python runtime failed: ${util.inspect(e)}` };
  }
  try {
    rec.finish();
  } catch (e) {
    error ??= { kind: 'internal', name: 'Error', message: `recording failed: ${String(e)}` };
  }
  setObserver(null);
  hooks.current = undefined;
  post({ type: 'didFinish', ...(error ? { error } : {}) });
}

function toRunError(r: Map<string, unknown> | Record<string, unknown>): RunError {
  const get = (k: string): unknown => (r instanceof Map ? r.get(k) : (r as Record<string, unknown>)[k]);
  const kind = get('kind') === 'syntax' ? 'syntax' : 'exception';
  const err: RunError = { kind, name: String(get('name')), message: String(get('message')) };
  const stack = get('stack');
  if (typeof stack === 'string') err.stack = stack;
  const line = get('line');
  if (typeof line === 'number') err.pos = { line, column: Number(get('column') ?? 1) };
  return err;
}
