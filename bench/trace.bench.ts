// Trace recording: what the observer costs, and how big a trace gets.
//   npm run bench -- trace
// For scripts of ~100,000 ops: the run's time without an observer (the engine alone), the same
// run recorded (observer + summaries + events serialised as postMessage would), the ratio, and
// the size of the assembled trace as JSON. Engine and runner are loaded as one esbuild bundle, as
// dist/worker.js ships them (through tsx, file by file, every call between modules pays an
// export getter, which hides the recorder's cost behind the engine's). Also: the bundle step with esbuild's native binary
// and with esbuild-wasm (in-thread, as the .vsix runs it), and end-to-end runScratch times.
// Prints figures; asserts nothing.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import * as esbuild from 'esbuild';
import type { EngineObserver } from '../src/engine/observer';
import { bundleScratch } from '../src/runner/bundler/bundleScratch';
import type { BundleOutput, RunWorkerMessage } from '../src/protocol/worker';
import { cpuModel } from './workloads';

const root = path.resolve(__dirname, '..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gradtape-bench-'));

/** Engine, observer hook, run thread and assembler in one bundle (one engine instance, as in dist/worker.js). */
function bundledRunner(): {
  engine: typeof import('../src/engine/index');
  setObserver: typeof import('../src/engine/observer').setObserver;
  runInThisThread: typeof import('../src/runner/run/runThread').runInThisThread;
  TraceAssembler: typeof import('../src/runner/host/assemble').TraceAssembler;
} {
  const entry = path.join(tmp, 'runner-entry.ts');
  const src = (f: string): string => JSON.stringify(path.join(root, 'src', f));
  fs.writeFileSync(
    entry,
    [`export * as engine from ${src('engine/index')};`, `export { setObserver } from ${src('engine/observer')};`, `export { runInThisThread } from ${src('runner/run/runThread')};`, `export { TraceAssembler } from ${src('runner/host/assemble')};`].join('\n'),
  );
  const outfile = path.join(tmp, 'runner.js');
  esbuild.buildSync({ entryPoints: [entry], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile, external: ['esbuild', 'esbuild-wasm'], logLevel: 'error' });
  return createRequire(__filename)(outfile);
}
const { engine, setObserver, runInThisThread, TraceAssembler } = bundledRunner();
const RUNNER_BUNDLE = path.join(tmp, 'runner.js');
/** What a scratch file's `import * as tf from "gradtape"` gets in a run (src/runner/run/runThread.ts). */
const userEngine = { ...engine };

/** A training loop: a two-layer net on a small batch, ~`steps` × 40 ops (forward + backward). */
const trainingLoop = (steps: number): string => `
import * as tf from "gradtape";
const x = tf.random.normal([16, 8], { seed: 1 });
const y = tf.random.normal([16, 1], { seed: 2 });
const w1 = tf.variable(tf.random.normal([8, 16], { seed: 3, stddev: 0.3 }));
const b1 = tf.variable(tf.zeros([16]));
const w2 = tf.variable(tf.random.normal([16, 1], { seed: 4, stddev: 0.3 }));
for (let step = 0; step < ${steps}; step++) {
  const tape = new tf.GradientTape();
  const loss = tape.record(() => {
    const hidden = tf.relu(tf.add(tf.linalg.matmul(x, w1), b1));
    const pred = tf.linalg.matmul(hidden, w2);
    return tf.reduceMean(tf.square(tf.subtract(pred, y)));
  });
  const [g1, gb1, g2] = tape.gradient(loss, [w1, b1, w2]);
  w1.assignSub(tf.multiply(0.01, g1));
  b1.assignSub(tf.multiply(0.01, gb1));
  w2.assignSub(tf.multiply(0.01, g2));
}
`;

/** One tape recording `n` elementwise ops in a chain: the worst case for the detail budget. */
const longTape = (n: number): string => `
import * as tf from "gradtape";
const x = tf.variable(tf.ones([4]));
const tape = new tf.GradientTape();
const total = tape.record(() => {
  let acc = x;
  for (let i = 0; i < ${n}; i++) acc = tf.add(acc, x);
  return tf.reduceSum(acc);
});
const dx = tape.gradient(total, x);
`;

async function bundle(name: string, text: string, backend: 'native' | 'wasm' = 'native'): Promise<{ file: string; out: BundleOutput }> {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, text);
  const out = await bundleScratch(backend, file, text);
  if (!('code' in out)) throw new Error(`bundle failed: ${out.message}`);
  return { file, out };
}

/** An observer that keeps nothing: what the engine's own observer-mode bookkeeping costs. */
// A plain object (a Proxy's trap on every method read cost more than the engine's own work); it keeps no adjoints.
const noop = (): void => {};
const noopObserver: EngineObserver = {
  locate: () => undefined,
  tapeCreated: noop,
  recordEntered: noop,
  recordExited: noop,
  watched: noop,
  opRan: noop,
  opRanFast: noop,
  tensorCreated: noop,
  variableAssigned: noop,
  valueRead: noop,
  gradientComputed: noop,
  summary: noop,
  warning: noop,
  tapeReset: noop,
  callStarted: noop,
  callEnded: noop,
  keepsAdjoint: () => false,
};

/** CPU time (user + system, all threads of this process) in ms: steadier than wall time on a shared machine. */
const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

function runPlain(file: string, out: BundleOutput, observer: EngineObserver | null = null): { ms: number; cpu: number } {
  setObserver(observer);
  const req = createRequire(file);
  const fn = vm.compileFunction(out.code, ['exports', 'require', 'module'], { filename: path.join(tmp, 'plain.js') });
  const c0 = cpuMs();
  const t0 = performance.now();
  fn({}, (id: string) => (id === 'gradtape' ? userEngine : req(id)), { exports: {} });
  const ms = performance.now() - t0;
  setObserver(null);
  return { ms, cpu: cpuMs() - c0 };
}

function runRecorded(file: string, text: string, out: BundleOutput): { ms: number; cpu: number } {
  const c0 = cpuMs();
  const t0 = performance.now();
  // What postMessage does in the worker: serialise, and let go of both (the copy leaves the thread).
  const restore = runInThisThread({ role: 'run', file, text, bundle: out, memoryMb: 4096, startedAtMs: Date.now() }, (m: RunWorkerMessage) => {
    v8.serialize(m);
  }, { endOnReturn: true });
  const ms = performance.now() - t0;
  const cpu = cpuMs() - c0;
  restore();
  return { ms, cpu };
}

/** One more recorded run, untimed, assembled as the host does: the trace's size and counts. */
function traceOf(file: string, text: string, out: BundleOutput): { json: number; ops: number; tapes: number; nodes: number } {
  const asm = new TraceAssembler(file, new Date());
  const messages: Buffer[] = [];
  const restore = runInThisThread({ role: 'run', file, text, bundle: out, memoryMb: 4096, startedAtMs: Date.now() }, (m: RunWorkerMessage) => {
    messages.push(v8.serialize(m));
  }, { endOnReturn: true });
  restore();
  for (const b of messages) {
    const m = v8.deserialize(b) as RunWorkerMessage;
    if (m.type === 'didRecord') for (const e of m.events) asm.apply(e);
  }
  const trace = asm.finish(undefined, 0);
  return { json: JSON.stringify(trace).length, ops: trace.stats.ops, tapes: trace.tapes.length, nodes: trace.tapes.reduce((n, t) => n + t.nodes.length, 0) };
}

/**
 * Cold: each run in a fresh worker thread, as the extension runs a scratch file (a new heap, the
 * JIT starting over), timed from the first line of the script to its end. Plain and recorded take
 * turns; `runner` is the bundle from bundledRunner().
 */
async function runCold(runner: string, file: string, text: string, out: BundleOutput, recorded: boolean): Promise<{ ms: number; cpu: number }> {
  const body = `
const v8 = require('node:v8'), vm = require('node:vm'), { parentPort, workerData: d } = require('node:worker_threads');
const { engine, runInThisThread } = require(d.runner);
const userEngine = { ...engine };
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const c0 = cpu(), t0 = performance.now();
if (d.recorded) runInThisThread({ role: 'run', file: d.file, text: d.text, bundle: d.out, memoryMb: 4096, startedAtMs: Date.now() }, (m) => { v8.serialize(m); }, { endOnReturn: true });
else vm.compileFunction(d.out.code, ['exports', 'require', 'module'], { filename: d.file + '.plain.js' })({}, (id) => (id === 'gradtape' ? userEngine : require(id)), { exports: {} });
parentPort.postMessage({ ms: performance.now() - t0, cpu: cpu() - c0 });`;
  const w = new Worker(body, { eval: true, workerData: { runner, file, text, out, recorded } });
  try {
    return await new Promise((resolve, reject) => {
      w.once('message', resolve);
      w.once('error', reject);
    });
  } finally {
    await w.terminate();
  }
}

const ROUNDS = Number(process.env.TRACE_BENCH_ROUNDS ?? 7);
const COLD_ROUNDS = Number(process.env.TRACE_BENCH_COLD_ROUNDS ?? 9);
const median = (xs: number[]): number => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function recording(label: string, name: string, text: string): Promise<void> {
  const { file, out } = await bundle(name, text);
  runPlain(file, out); // warm-up
  runRecorded(file, text, out);
  runPlain(file, out, noopObserver);
  const plain: { ms: number; cpu: number }[] = [];
  const noop: { ms: number; cpu: number }[] = [];
  const rec: { ms: number; cpu: number }[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    plain.push(runPlain(file, out));
    noop.push(runPlain(file, out, noopObserver));
    rec.push(runRecorded(file, text, out));
  }
  const trace = traceOf(file, text, out);
  const cold = { plain: [] as { ms: number; cpu: number }[], rec: [] as { ms: number; cpu: number }[] };
  for (let i = 0; i < COLD_ROUNDS; i++) {
    cold.plain.push(await runCold(RUNNER_BUNDLE, file, text, out, false));
    cold.rec.push(await runCold(RUNNER_BUNDLE, file, text, out, true));
  }
  console.log(`${label}: ${trace.ops} ops, ${trace.tapes} tapes, ${trace.nodes} detailed nodes (${ROUNDS} rounds, interleaved)`);
  // On a shared machine the best of N is the steadier figure (other jobs only ever add time); medians too.
  for (const [stat, f] of [['best', (xs: number[]) => Math.min(...xs)], ['median', median]] as const) {
    for (const k of ['cpu', 'ms'] as const) {
      const p = f(plain.map((x) => x[k]));
      const n = f(noop.map((x) => x[k]));
      const r = f(rec.map((x) => x[k]));
      const what = k === 'cpu' ? 'CPU time' : 'wall time';
      console.log(`  ${stat} ${what}: without observer ${p.toFixed(0)} ms; engine with an empty observer ${n.toFixed(0)} ms (${(n / p).toFixed(2)}x); recorded ${r.toFixed(0)} ms (${(r / p).toFixed(2)}x)`);
    }
  }
  for (const [stat, f] of [['best', (xs: number[]) => Math.min(...xs)], ['median', median]] as const) {
    const line = (['ms', 'cpu'] as const).map((k) => {
      const p = f(cold.plain.map((x) => x[k]));
      const r = f(cold.rec.map((x) => x[k]));
      return `${k === 'ms' ? 'wall' : 'CPU'} ${p.toFixed(0)} -> ${r.toFixed(0)} ms (${(r / p).toFixed(2)}x)`;
    });
    console.log(`  cold, a fresh worker per run (${COLD_ROUNDS} each), ${stat}: ${line.join('; ')}`);
  }
  console.log(`  trace ${(trace.json / 1e6).toFixed(2)} MB as JSON`);
}

async function main(): Promise<void> {
  const which = process.env.TRACE_BENCH ?? 'all';
  console.log(`node ${process.version}, ${cpuModel()} x${os.cpus().length}, ${new Date().toISOString()}`);
  if (which === 'all' || which === 'record') {
    if (process.env.TRACE_BENCH_ONLY !== 'tape') await recording('training loop (2500 steps)', 'loop.grad.ts', trainingLoop(2500));
    if (process.env.TRACE_BENCH_ONLY !== 'loop') await recording('one tape of 100,000 ops', 'tape.grad.ts', longTape(100_000));
  }
  // The bundle step last: loadEsbuild keeps one backend per thread, so each runs in its own process.
  if (which === 'bundle-native' || which === 'bundle-wasm') await bundlingOne(which === 'bundle-native' ? 'native' : 'wasm');
  else if (which === 'all') {
    const { spawnSync } = await import('node:child_process');
    for (const b of ['bundle-native', 'bundle-wasm']) {
      spawnSync(process.execPath, ['--import', 'tsx', __filename], { stdio: 'inherit', env: { ...process.env, TRACE_BENCH: b } });
    }
  }
  fs.rmSync(tmp, { recursive: true, force: true });
  process.exit(0);
}

async function bundlingOne(backend: 'native' | 'wasm'): Promise<void> {
  const seeds = ['01-squared-difference', '02-watch-persistent', '03-training-loop'].map((s) => path.join(root, 'examples', `${s}.grad.ts`));
  const times: number[] = [];
  for (let round = 0; round < 5; round++) {
    for (const f of seeds) {
      const s = performance.now();
      const out = await bundleScratch(backend, f, fs.readFileSync(f, 'utf8'));
      if (!('code' in out)) throw new Error(out.message);
      times.push(performance.now() - s);
    }
  }
  const rss = process.memoryUsage().rss / 1e6;
  console.log(`bundle step (${backend}): first call incl. start-up ${times[0].toFixed(0)} ms; warm median ${median(times.slice(3)).toFixed(1)} ms per seed example; process RSS ${rss.toFixed(0)} MB`);
}

void main();
