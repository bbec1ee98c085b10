// The WebAssembly kernels against the TypeScript kernels and TensorFlow.js 4.22 (cpu and wasm
// backends), in one process: issue 7's table, the kernel crossovers that set the thresholds in
// src/engine/wasm/kernels.ts, the error against float64 and the fraction of peak.
// `npm run bench -- kernels`. Every GFLOP/s figure includes copying operands into WebAssembly
// memory and the result out. Prints figures; asserts nothing.
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import v8 from 'node:v8';
import { Worker } from 'node:worker_threads';
import * as tfjs from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-wasm';
import { jsKernels, type BinaryOp, type Kernels, type UnaryOp } from '../src/engine/kernels';
import { makeWasmKernels, thresholds } from '../src/engine/wasm/kernels';
import { instantiateFlavor, type KernelModule } from '../src/engine/wasm/loader';
import { CHAIN_OPS, bundledEngine, cpuModel, oursChain, oursMlpStep, oursSeed, seeded, tfjsChain, tfjsMlpStep, tfjsSeed, useTfjsBackend, type Engine } from './workloads';

// ──── Timing ────

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Wall-clock figures of the last timeMs call: the median, and the fastest repetition. On this
 * shared two-core machine the scheduler preempts long calls, which inflates wall time; CPU time,
 * what timeMs returns, holds (every contender computes on one thread).
 */
let lastWall = 0;
let lastBest = 0;

/**
 * Median CPU ms of fn per call (process.cpuUsage, user + system), after warm-up; reps adapt so
 * each figure takes about `budgetMs`. Calls shorter than ~0.2 ms are timed in batches.
 */
function timeMs(fn: () => void, { warmup = 3, minReps = 5, budgetMs = 300 } = {}): number {
  for (let i = 0; i < warmup; i++) fn();
  const t0 = performance.now();
  fn();
  const once = Math.max(performance.now() - t0, 1e-3);
  const reps = Math.max(minReps, Math.min(200, Math.floor(budgetMs / once)));
  const inner = Math.max(1, Math.ceil(0.2 / once));
  const cpu: number[] = [];
  const wall: number[] = [];
  for (let r = 0; r < reps; r++) {
    const c0 = process.cpuUsage();
    const s = performance.now();
    for (let i = 0; i < inner; i++) fn();
    wall.push((performance.now() - s) / inner);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000 / inner);
  }
  lastWall = median(wall);
  lastBest = Math.min(...wall);
  return median(cpu);
}

const gflops = (flop: number, ms: number) => flop / (ms * 1e6);
const fmt = (x: number | undefined, digits = 3): string =>
  x === undefined || Number.isNaN(x) ? '-' : x >= 100 ? x.toFixed(0) : x.toPrecision(digits);

function table(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const show = (cells: string[]) => '| ' + cells.map((c, i) => c.padEnd(widths[i])).join(' | ') + ' |';
  console.log(show(header));
  console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
  for (const r of rows) console.log(show(r));
}

// ──── Peaks ────

/** Native single-thread sgemm (numpy → OpenBLAS, best of 9 at 1024³) where python3 and numpy exist, in GFLOP/s. */
function nativeSgemmPeak(): number | undefined {
  const script = [
    'import numpy as np, time',
    'n=1024; a=np.random.rand(n,n).astype(np.float32); b=np.random.rand(n,n).astype(np.float32)',
    'for _ in range(3): a@b',
    'ts=[]',
    'for _ in range(9):',
    '  t=time.perf_counter(); a@b; ts.append(time.perf_counter()-t)',
    'ts.sort(); print(2*n**3/ts[0]/1e9)',
  ].join('\n');
  const env = { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
  const r = spawnSync('python3', ['-c', script], { env, encoding: 'utf8', timeout: 60_000 });
  const v = Number(r.stdout?.trim());
  return r.status === 0 && Number.isFinite(v) ? v : undefined;
}

/** The register-only probe's best repetition: a ceiling, so preempted repetitions do not count. */
function wasmPeak(mod: KernelModule): number {
  const iters = 500_000;
  timeMs(() => void mod.exports.peakProbe(iters, 1, 0), { warmup: 2, minReps: 15, budgetMs: 200 });
  return gflops(iters * mod.exports.peakProbeFlops(), lastBest);
}

// ──── Matmul ────

interface MatmulShape {
  name: string;
  m: number;
  k: number;
  n: number;
  tA: boolean;
  tB: boolean;
}

const SHAPES: MatmulShape[] = [
  { name: '512³', m: 512, k: 512, n: 512, tA: false, tB: false },
  { name: '1024³', m: 1024, k: 1024, n: 1024, tA: false, tB: false },
  { name: 'MLP fwd x·W1 64×784·784×256', m: 64, k: 784, n: 256, tA: false, tB: false },
  { name: 'MLP bwd xᵀ·dH 784×64·64×256', m: 784, k: 64, n: 256, tA: true, tB: false },
  { name: 'MLP bwd dH·W2ᵀ 64×10·10×256', m: 64, k: 10, n: 256, tA: false, tB: true },
];

function kernelMatmul(k: Kernels, s: MatmulShape) {
  const a = seeded(s.m * s.k, 4);
  const b = seeded(s.k * s.n, 5);
  const out = new Float32Array(s.m * s.n);
  return { run: () => k.matmul(a, 0, b, 0, out, 0, s.m, s.k, s.n, s.tA, s.tB), a, b, out };
}

function tfjsMatmul(s: MatmulShape) {
  const a = tfjs.tensor2d(seeded(s.m * s.k, 4), s.tA ? [s.k, s.m] : [s.m, s.k]);
  const b = tfjs.tensor2d(seeded(s.k * s.n, 5), s.tB ? [s.n, s.k] : [s.k, s.n]);
  return () => {
    const c = tfjs.matMul(a, b, s.tA, s.tB);
    c.dataSync();
    c.dispose();
  };
}

/** Normwise relative error ‖C − C64‖/‖C64‖ and max |c − c64| / Σ|a||b| against float64. */
function matmulError(s: MatmulShape, a: Float32Array, b: Float32Array, out: Float32Array) {
  let num = 0;
  let den = 0;
  let worst = 0;
  const rowStep = Math.max(1, Math.floor(s.m / 64));
  for (let i = 0; i < s.m; i += rowStep) {
    for (let j = 0; j < s.n; j++) {
      let c = 0;
      let mag = 0;
      for (let p = 0; p < s.k; p++) {
        const x = s.tA ? a[p * s.m + i] : a[i * s.k + p];
        const y = s.tB ? b[j * s.k + p] : b[p * s.n + j];
        c += x * y;
        mag += Math.abs(x * y);
      }
      const d = out[i * s.n + j] - c;
      num += d * d;
      den += c * c;
      worst = Math.max(worst, Math.abs(d) / mag);
    }
  }
  return { normwise: Math.sqrt(num / den), elementwise: worst };
}

// ──── Two cores ────

/**
 * C = A·B with the rows split between this thread and one worker thread running its own instance
 * of the same module; A, B and C live in SharedArrayBuffers and the two sides meet with
 * Atomics.wait, as a synchronous engine in the runner's worker would have to.
 */
async function twoCoreMatmul(simdB64: string, m: number, k: number, n: number) {
  const shared = new SharedArrayBuffer((m * k + k * n + m * n) * 4 + 16);
  const flag = new Int32Array(shared, 0, 4);
  const a = new Float32Array(shared, 16, m * k);
  const b = new Float32Array(shared, 16 + m * k * 4, k * n);
  const c = new Float32Array(shared, 16 + (m * k + k * n) * 4, m * n);
  a.set(seeded(m * k, 4));
  b.set(seeded(k * n, 5));
  const workerSource = `
    const { workerData } = require('node:worker_threads');
    const { shared, bytes, m, k, n } = workerData;
    const mod = new WebAssembly.Module(Buffer.from(bytes, 'base64'));
    const ex = new WebAssembly.Instance(mod, { env: { abort() {} } }).exports;
    const flag = new Int32Array(shared, 0, 4);
    const a = new Float32Array(shared, 16, m * k), b = new Float32Array(shared, 16 + m * k * 4, k * n);
    const c = new Float32Array(shared, 16 + (m * k + k * n) * 4, m * n);
    for (;;) {
      Atomics.wait(flag, 0, 0);
      if (Atomics.load(flag, 0) < 0) break;
      const r0 = flag[1], rows = flag[2];
      const base = (ex.heapBase() + 15) & ~15;
      const aP = base, bP = aP + rows * k * 4, cP = bP + k * n * 4, wP = cP + rows * n * 4;
      const need = wP + ex.sgemmWorkBytes();
      if (need > ex.memory.buffer.byteLength) ex.memory.grow(Math.ceil((need - ex.memory.buffer.byteLength) / 65536));
      const mem = new Float32Array(ex.memory.buffer);
      mem.set(a.subarray(r0 * k, (r0 + rows) * k), aP >> 2);
      mem.set(b, bP >> 2);
      ex.sgemm(rows, n, k, aP, k, 0, bP, n, 0, cP, n, wP);
      c.set(mem.subarray(cP >> 2, (cP >> 2) + rows * n), r0 * n);
      Atomics.store(flag, 0, 0);
      Atomics.notify(flag, 0);
    }`;
  const worker = new Worker(workerSource, { eval: true, workerData: { shared, bytes: simdB64, m, k, n } });
  const mod = instantiateFlavor('simd')!;
  const wk = makeWasmKernels(mod);
  const half = Math.floor(m / 2 / 4) * 4;
  const run = () => {
    flag[1] = half;
    flag[2] = m - half;
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
    wk.matmul(a, 0, b, 0, c, 0, half, k, n, false, false);
    // Spin-wait is not allowed on the main thread of a browser, but this is a Node worker model.
    while (Atomics.load(flag, 0) !== 0) Atomics.wait(flag, 0, 1, 1);
  };
  // Wall time here: the point is the elapsed time with two threads busy (CPU time would add both).
  timeMs(run, { warmup: 3, minReps: 7, budgetMs: 400 });
  const ms = lastWall;
  Atomics.store(flag, 0, -1);
  Atomics.notify(flag, 0);
  await worker.terminate();
  return ms;
}

// ──── Crossovers ────

function crossovers(wk: ReturnType<typeof makeWasmKernels>) {
  const saved = { ...thresholds };
  thresholds.matmul = 0;
  thresholds.elementwise = 0;
  thresholds.reduce = 0;
  console.log('\nCrossover: CPU time per call, TypeScript kernel vs WebAssembly (copies included); the thresholds come from here');
  const mmRows: string[][] = [];
  for (const d of [2, 4, 8, 16, 32, 64, 96]) {
    const s: MatmulShape = { name: `${d}³`, m: d, k: d, n: d, tA: false, tB: false };
    const ts = timeMs(kernelMatmul(jsKernels, s).run, { budgetMs: 100 });
    const wa = timeMs(kernelMatmul(wk as Kernels, s).run, { budgetMs: 100 });
    mmRows.push([`matmul ${d}³ (m·n·k ${d ** 3})`, fmt(ts * 1000), fmt(wa * 1000), (ts / wa).toFixed(2) + 'x']);
  }
  const elemRows: string[][] = [];
  for (const n of [16, 64]) {
    const a = seeded(n, 6);
    const out = new Float32Array(n);
    const ts = timeMs(() => jsKernels.binary('add', a, [n], a, [n], out, [n]), { budgetMs: 40 });
    const wa = timeMs(() => wk.binary('add', a, [n], a, [n], out, [n]), { budgetMs: 40 });
    elemRows.push([`add, n=${n}`, fmt(ts * 1000), fmt(wa * 1000), (ts / wa).toFixed(2) + 'x']);
  }
  for (const n of [256, 512, 1 << 10, 1 << 12, 1 << 14, 1 << 16, 1 << 18, 1 << 20]) {
    const a = seeded(n, 6);
    const b = seeded(n, 7);
    const bias = seeded(256, 8);
    const out = new Float32Array(n);
    const cases: [string, (k: Kernels) => void][] = [
      ['add', (k) => k.binary('add' as BinaryOp, a, [n], b, [n], out, [n])],
      ['add row-bias [n/256,256]+[256]', (k) => k.binary('add' as BinaryOp, a, [n / 256, 256], bias, [256], out, [n / 256, 256])],
      ['mul by scalar', (k) => k.binary('mul' as BinaryOp, a, [n], bias.subarray(0, 1), [], out, [n])],
      ['relu', (k) => k.unary('relu' as UnaryOp, a, out)],
      ['sum [n/256,256] → [n/256]', (k) => k.reduce('sum', a, n / 256, 256, out)],
    ];
    for (const [name, f] of cases) {
      const ts = timeMs(() => f(jsKernels), { budgetMs: 60 });
      const wa = timeMs(() => f(wk as Kernels), { budgetMs: 60 });
      elemRows.push([`${name}, n=${n}`, fmt(ts * 1000), fmt(wa * 1000), (ts / wa).toFixed(2) + 'x']);
    }
  }
  table(['kernel', 'TS µs', 'wasm µs', 'wasm speed-up'], [...mmRows, ...elemRows]);
  Object.assign(thresholds, saved);
}

// ──── Engine-level workloads ────

/** The chain split into its parts: forward without a tape, forward recorded, the gradient alone. */
function chainParts(tf: Engine) {
  const a = tf.constant(1.0001);
  const c = tf.constant(0.0001);
  const x = tf.variable(0.5, { name: 'x' });
  const plain = timeMs(oursChain(tf, false), { budgetMs: 200 });
  let tape = new tf.GradientTape();
  let y: InstanceType<Engine['Tensor']> = x;
  const record = () => {
    tape = new tf.GradientTape();
    y = tape.record(() => {
      let v: InstanceType<Engine['Tensor']> = x;
      for (let i = 0; i < CHAIN_OPS / 2; i++) v = tf.add(tf.multiply(v, a), c);
      return v;
    });
  };
  const recorded = timeMs(record, { budgetMs: 200 });
  const grads: number[] = [];
  for (let r = 0; r < 15; r++) {
    record();
    const t0 = performance.now();
    tape.gradient(y, x);
    grads.push(performance.now() - t0);
  }
  return { plain, recorded, gradient: median(grads) };
}

// ──── Run ────

async function main(): Promise<void> {
  const started = Date.now();
  const simd = instantiateFlavor('simd');
  if (!simd) throw new Error('WebAssembly SIMD is unavailable in this Node');
  const relaxedByDefault = instantiateFlavor('relaxed') !== null;
  console.log(`date ${new Date().toISOString()}, CPU ${cpuModel()}, nproc ${os.availableParallelism?.() ?? os.cpus().length}, ` +
    `Node ${process.version} (V8 ${process.versions.v8}), relaxed SIMD ${relaxedByDefault ? 'on by default' : 'off by default (flag)'}, ` +
    `load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);

  let tf: Engine | undefined;
  let tfSource: Engine | undefined;
  try {
    tf = bundledEngine();
    tfSource = await import('../src/engine/index');
  } catch (e) {
    console.log(`engine not loadable (${(e as Error).message.split('\n')[0]}): engine rows skipped`);
  }

  const native = nativeSgemmPeak();
  // The WebAssembly ceiling: the better of the plain-SIMD probe and, where this Node can be
  // switched to it, the relaxed-SIMD FMA probe (the flag is set at the end of the run otherwise).
  let peakWasm = wasmPeak(simd);
  if (relaxedByDefault) peakWasm = Math.max(peakWasm, wasmPeak(instantiateFlavor('relaxed')!));
  const peakRef = native ?? 150;
  console.log(`peaks: native sgemm, one thread ${native ? `${fmt(native)} GFLOP/s (numpy/OpenBLAS, best of 9, measured now)` : 'not measurable here; using issue 7\'s 150 GFLOP/s (AVX-512)'}; ` +
    `WebAssembly f32x4 mul+add, registers only, best repetition: ${fmt(peakWasm)} GFLOP/s`);

  const wk = makeWasmKernels(simd);

  // ── Matmul kernels ──
  console.log('\nMatmul, one thread, GFLOP/s from median CPU time (and from the best wall-clock repetition); kernel call incl. copy in/out; error vs float64 on the same inputs');
  const mmRows: string[][] = [];
  const mmOurs: Record<string, number> = {};
  const mmWall: Record<string, number> = {};
  for (const s of SHAPES) {
    const flop = 2 * s.m * s.n * s.k;
    const w = kernelMatmul(wk as Kernels, s);
    const wasmMs = timeMs(w.run, { budgetMs: s.m * s.n * s.k > 2e8 ? 800 : 300 });
    const bestMs = lastBest;
    mmWall[s.name] = gflops(flop, lastWall);
    const err = matmulError(s, w.a, w.b, w.out);
    const tsMs = s.m * s.n * s.k > 2e8 ? undefined : timeMs(kernelMatmul(jsKernels, s).run, { warmup: 1, minReps: 3, budgetMs: 300 });
    mmOurs[s.name] = gflops(flop, wasmMs);
    mmRows.push([s.name, fmt(gflops(flop, wasmMs)), fmt(gflops(flop, bestMs)), tsMs ? fmt(gflops(flop, tsMs)) : '-', err.normwise.toExponential(1), err.elementwise.toExponential(1),
      `${((100 * gflops(flop, wasmMs)) / peakRef).toFixed(0)}%`, `${((100 * gflops(flop, wasmMs)) / peakWasm).toFixed(0)}%`]);
  }
  table(['shape', 'wasm SIMD', 'best wall rep', 'TS kernel', 'rel err (norm)', 'max err/Σ|ab|', 'of native peak', 'of wasm peak'], mmRows);

  crossovers(wk);

  // ── Engine workloads on both backends ──
  const ours: Record<string, Record<string, number>> = { wasm: {}, ts: {} };
  // Wall-clock medians of the same runs, printed under the table.
  const wall: Record<string, Record<string, number>> = { wasm: {}, ts: {}, cpu: {}, tfwasm: {} };
  if (tf && tfSource) {
    // Warm both backends before timing either: the engine code they share is optimised by the
    // JIT during whichever runs first, which would otherwise pay for it.
    for (const backend of ['wasm', 'ts'] as const) {
      tf.setKernelBackend(backend, { flavor: 'simd' });
      const mlp = oursMlpStep(tf);
      const chain = oursChain(tf);
      const seed = oursSeed(tf);
      for (let i = 0; i < 3; i++) mlp();
      for (let i = 0; i < 5; i++) chain();
      for (let i = 0; i < 10000; i++) seed();
    }
    for (const backend of ['wasm', 'ts'] as const) {
      tf.setKernelBackend(backend, { flavor: 'simd' });
      const o = ours[backend];
      o.mlp = timeMs(oursMlpStep(tf), { warmup: 3, minReps: 9, budgetMs: backend === 'ts' ? 1500 : 600 });
      wall[backend].mlp = lastWall;
      o.chain = (timeMs(oursChain(tf), { warmup: 3, minReps: 9, budgetMs: 600 }) * 1000) / CHAIN_OPS;
      wall[backend].chain = (lastWall * 1000) / CHAIN_OPS;
      const seedRun = oursSeed(tf);
      o.seed = timeMs(() => { for (let i = 0; i < 1000; i++) seedRun(); }, { warmup: 3, minReps: 9, budgetMs: 600 });
      wall[backend].seed = lastWall;
    }
    tf.setKernelBackend('wasm', { flavor: 'simd' });
    const parts = chainParts(tf);
    console.log(`\nscalar chain, ${CHAIN_OPS} ops, split: forward without a tape ${fmt((parts.plain * 1000) / CHAIN_OPS)} µs/op, ` +
      `forward recorded ${fmt((parts.recorded * 1000) / CHAIN_OPS)} µs/op, gradient alone ${fmt((parts.gradient * 1000) / CHAIN_OPS)} µs/op`);
    const srcChain = (timeMs(oursChain(tfSource), { warmup: 3, minReps: 9, budgetMs: 600 }) * 1000) / CHAIN_OPS;
    const srcSeedRun = oursSeed(tfSource);
    const srcSeed = timeMs(() => { for (let i = 0; i < 1000; i++) srcSeedRun(); }, { warmup: 3, minReps: 9, budgetMs: 600 });
    console.log(`the same engine from source under tsx: scalar chain ${fmt(srcChain)} µs/op, seed ${fmt(srcSeed)} µs/rep ` +
      `(bundled: ${fmt(ours.wasm.chain)}, ${fmt(ours.wasm.seed)})`);
  }
  console.log(`ours done at ${((Date.now() - started) / 1000).toFixed(1)} s`);

  // ── Peers ──
  const peers: Record<string, Record<string, number>> = { cpu: {}, wasm: {} };
  for (const backend of ['cpu', 'wasm'] as const) {
    if (!(await useTfjsBackend(backend))) continue;
    const p = peers[backend];
    const heavy = backend === 'cpu';
    const w = wall[backend === 'cpu' ? 'cpu' : 'tfwasm'];
    p.mlp = timeMs(tfjsMlpStep(), { warmup: 2, minReps: heavy ? 5 : 9, budgetMs: heavy ? 1500 : 600 });
    w.mlp = lastWall;
    for (const s of SHAPES.slice(0, 2)) {
      p[s.name] = gflops(2 * s.m * s.n * s.k, timeMs(tfjsMatmul(s), { warmup: 1, minReps: 3, budgetMs: heavy ? 1500 : 600 }));
      w[s.name] = gflops(2 * s.m * s.n * s.k, lastWall);
    }
    p.chain = (timeMs(tfjsChain(), { warmup: 1, minReps: 3, budgetMs: heavy ? 800 : 800 }) * 1000) / CHAIN_OPS;
    w.chain = (lastWall * 1000) / CHAIN_OPS;
    const seedRun = tfjsSeed();
    p.seed = (timeMs(() => { for (let i = 0; i < 100; i++) seedRun(); }, { warmup: 2, minReps: 5, budgetMs: 500 }) * 1000) / 100;
    w.seed = (lastWall * 1000) / 100;
  }

  // ── Relaxed SIMD (fused multiply-add), where the host enables it ──
  if (!relaxedByDefault) v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
  const relaxed = instantiateFlavor('relaxed');
  const relaxedRows: string[][] = [];
  if (relaxed) {
    const rk = makeWasmKernels(relaxed);
    for (const s of SHAPES.slice(0, 3)) {
      const w = kernelMatmul(rk as Kernels, s);
      const ms = timeMs(w.run, { budgetMs: 500 });
      relaxedRows.push([s.name, fmt(gflops(2 * s.m * s.n * s.k, ms)), fmt(gflops(2 * s.m * s.n * s.k, lastBest)), matmulError(s, w.a, w.b, w.out).normwise.toExponential(1)]);
    }
    const probe = wasmPeak(relaxed);
    relaxedRows.push(['peak probe (registers only)', '-', fmt(probe), '-']);
    if (probe > peakWasm) {
      console.log(`(WebAssembly peak revised to the relaxed-SIMD FMA probe: ${fmt(probe)} GFLOP/s; matmul 512³ is ${((100 * mmOurs['512³']) / probe).toFixed(0)}% of it)`);
      peakWasm = probe;
    }
  }

  // ── Two cores ──
  const twoCore: string[][] = [];
  {
    const simdB64 = (await import('../src/engine/wasm/generated/kernelsWasm')).SIMD_BASE64;
    for (const s of [SHAPES[0], SHAPES[2]]) {
      const ms = await twoCoreMatmul(simdB64, s.m, s.k, s.n);
      const one = mmWall[s.name];
      const two = gflops(2 * s.m * s.n * s.k, ms);
      twoCore.push([s.name, fmt(one), fmt(two), (two / one).toFixed(2) + 'x']);
    }
  }

  // ── Issue 7's table ──
  console.log('\nIssue 7 targets (ours = the bundled engine with WebAssembly kernels, SIMD flavour; ratio = how many times better ours is)');
  const better = (o: number | undefined, p: number | undefined, lower: boolean) =>
    o === undefined || p === undefined ? '-' : (lower ? p / o : o / p).toFixed(2) + 'x';
  const rows: [string, string, number | undefined, number | undefined, number | undefined, number | undefined, boolean, string, boolean | undefined][] = [
    ['MLP step 64×784-256-10', 'ms', ours.wasm.mlp, ours.ts.mlp, peers.cpu.mlp, peers.wasm.mlp, true, '<= 8', ours.wasm.mlp === undefined ? undefined : ours.wasm.mlp <= 8],
    ['matmul 512³, one thread', 'GFLOP/s', mmOurs['512³'], undefined, peers.cpu['512³'], peers.wasm['512³'], false, '>= 30', mmOurs['512³'] >= 30],
    ['matmul 1024³, one thread', 'GFLOP/s', mmOurs['1024³'], undefined, peers.cpu['1024³'], peers.wasm['1024³'], false, '-', undefined],
    ['scalar chain (fwd+grad)', 'µs/op', ours.wasm.chain, ours.ts.chain, peers.cpu.chain, peers.wasm.chain, true, '<= 0.5', ours.wasm.chain === undefined ? undefined : ours.wasm.chain <= 0.5],
    ['seed gradient', 'µs/rep', ours.wasm.seed, ours.ts.seed, peers.cpu.seed, peers.wasm.seed, true, '<= 5', ours.wasm.seed === undefined ? undefined : ours.wasm.seed <= 5],
  ];
  table(['workload', 'unit', 'ours', 'ours TS-only', 'tfjs-cpu', 'tfjs-wasm', 'vs cpu', 'vs wasm', 'target', 'met'],
    rows.map(([name, unit, o, t, c, w, lower, target, met]) => [name, unit, fmt(o), fmt(t), fmt(c), fmt(w), better(o, c, lower), better(o, w, lower), target, met === undefined ? '-' : met ? 'yes' : 'NO']));
  const wl = (k: string) => ['wasm', 'ts', 'cpu', 'tfwasm'].map((b) => fmt(wall[b][k] ?? (b === 'wasm' ? mmWall[k] : undefined))).join(' / ');
  console.log(`(figures from median CPU time; wall-clock medians, ours / ours TS-only / tfjs-cpu / tfjs-wasm: MLP ${wl('mlp')} ms, ` +
    `matmul 512³ ${wl('512³')} GFLOP/s, chain ${wl('chain')} µs/op, seed ${wl('seed')} µs/rep; load average now ${os.loadavg()[0].toFixed(1)})`);
  console.log(`matmul 512³ is ${((100 * mmOurs['512³']) / peakRef).toFixed(0)}% of the ${native ? 'measured native' : "issue's"} sgemm peak (${fmt(peakRef)} GFLOP/s) and ` +
    `${((100 * mmOurs['512³']) / peakWasm).toFixed(0)}% of the WebAssembly SIMD register peak (${fmt(peakWasm)} GFLOP/s)`);

  if (relaxedRows.length) {
    console.log(`\nRelaxed-SIMD FMA module (${relaxedByDefault ? 'default here' : 'enabled by flag for this table; on by default in Node 22+ and current VS Code/Electron'})`);
    table(['shape', 'GFLOP/s', 'best wall rep', 'rel err (norm)'], relaxedRows);
  }
  console.log('\nTwo cores: rows split between this thread and a worker (shared memory, Atomics), GFLOP/s from wall-clock medians');
  table(['shape', 'one thread', 'two threads', 'speed-up'], twoCore);
  console.log(`total ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
