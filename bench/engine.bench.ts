// The engine against TensorFlow.js 4.22 (tfjs-core on its `cpu` and `wasm` backends), in one process.
// Prints medians over repetitions after a warm-up, the ratio to each peer, and the issue's targets.
// Run with `npm run bench -- engine` (scripts/bench.mjs passes --expose-gc for the memory figure).
import os from 'node:os';
import * as tfjs from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
// tfjs-core's Node entry does not register its gradient functions; the full tfjs package does this.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-wasm';
import {
  CHAIN_OPS, CONV_DIMS, bundledEngine, cpuModel, oursChain, oursConvForward, oursConvStep, oursLenetStep, oursMatmul, oursMlpStep, oursSeed, oursSeedWarm, oursTanhChain,
  seeded, tfjsChain, tfjsConvForward, tfjsConvStep, tfjsLenetStep, tfjsMlpStep, tfjsSeed, tfjsSeedWarm, tfjsTanhChain, useTfjsBackend,
} from './workloads';

const tf = bundledEngine();

/**
 * ENGINE_BENCH=perop: only the rows that time the tape's bookkeeping per op (scalar chains and the
 * seed program), which take seconds where the whole file takes minutes on a loaded machine.
 */
const perOpOnly = process.env.ENGINE_BENCH === 'perop';

/** ours-ts: the engine on its plain TypeScript kernels (the issue's targets); ours-wasm: on its WebAssembly kernels (the default). */
type Peer = 'ours' | 'oursWasm' | 'cpu' | 'wasm';

interface Row {
  name: string;
  unit: string;
  /** Lower is better (time) or higher is better (throughput). */
  better: 'lower' | 'higher';
  /** Figures from CPU-time medians (the table). */
  values: Partial<Record<Peer, number>>;
  /** The same figures from wall-clock medians. */
  wall: Partial<Record<Peer, number>>;
  target: string;
  met?: (ours: number, row: Row) => boolean;
}

// ──── Timing ────

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Wall-clock median of the last timeMs call, in ms. The table uses CPU time (user + system)
 * instead: every implementation here computes on one thread (tfjs-wasm runs without threads in
 * Node), and on a shared machine CPU time stays put when other processes compete for the cores,
 * where wall time can triple. CPU time also counts V8's background GC threads, so it is a little
 * pessimistic for allocation-heavy code; both are printed.
 */
let lastWallMs = 0;

/** Median CPU time of `fn` in ms, after `warmup` untimed runs; sets lastWallMs. */
function timeMs(fn: () => void, { warmup, reps }: { warmup: number; reps: number }): number {
  for (let i = 0; i < warmup; i++) fn();
  const cpu: number[] = [];
  const wall: number[] = [];
  for (let i = 0; i < reps; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  lastWallMs = median(wall);
  return median(cpu);
}

/** Deterministic inputs shared by every implementation (a small LCG; only the values matter, not their quality). */
// The workloads (MLP step, matmul, scalar chain, seed) are in bench/workloads.ts, shared with bench/kernels.bench.ts.

// ──── (b) matmul n³ in GFLOP/s ────

function tfjsMatmul(n: number) {
  const a = tfjs.tensor2d(seeded(n * n, 4), [n, n]);
  const b = tfjs.tensor2d(seeded(n * n, 5), [n, n]);
  return () => {
    const c = tfjs.matMul(a, b);
    c.dataSync();
    c.dispose();
  };
}

const gflops = (n: number, ms: number) => (2 * n * n * n) / (ms * 1e6);
const ms = (t: number) => t;
const usPerOp = (t: number) => (t * 1000) / CHAIN_OPS;

/**
 * Times `fn` and stores its figure (from the CPU-time median and from the wall-clock median) in `row`.
 * Starts from a collected heap: the garbage of the rows before (a long tape's promoted nodes) would
 * otherwise be marked and swept on this row's CPU time (V8's GC threads count in process.cpuUsage).
 */
function measure(row: Row, peer: Peer, figure: (ms: number) => number, fn: () => void, opts: { warmup: number; reps: number }): void {
  (globalThis as { gc?: () => void }).gc?.();
  row.values[peer] = figure(timeMs(fn, opts));
  row.wall[peer] = figure(lastWallMs);
}

// ──── Memory: a 1,000-step training loop ────

/** JS heap used and typed-array backing stores (tensor data lives there, outside the JS heap), after gc. */
function memoryAfterGc(): { heap: number; buffers: number } {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    gc();
    gc();
  }
  const m = process.memoryUsage();
  return { heap: m.heapUsed, buffers: m.arrayBuffers };
}

/** Memory at steps 100 and 1000 of a small MLP trained with our tape and SGD (a new tape per step). */
function memoryLoop() {
  const step = oursMlpStep(tf, { b: 64, dIn: 64, dH: 32, dOut: 10 });
  let at100 = memoryAfterGc();
  const t0 = performance.now();
  for (let i = 1; i <= 1000; i++) {
    step();
    if (i === 100) at100 = memoryAfterGc();
  }
  const msPerStep = (performance.now() - t0) / 1000;
  return { at100, at1000: memoryAfterGc(), msPerStep };
}

/** Largest |ours - tfjs| over a 512² matmul: the throughput figures are only worth as much as the results. */
function matmulAgreement(): number {
  const n = 512;
  const av = seeded(n * n, 4);
  const bv = seeded(n * n, 5);
  const ours = tf.matmul(tf.constant(av, 'float32', [n, n]), tf.constant(bv, 'float32', [n, n])).dataSync();
  const theirs = tfjs.matMul(tfjs.tensor2d(av, [n, n]), tfjs.tensor2d(bv, [n, n])).dataSync();
  let worst = 0;
  for (let i = 0; i < ours.length; i++) worst = Math.max(worst, Math.abs(ours[i] - theirs[i]));
  return worst;
}

/**
 * Largest |ours - tfjs| of the conv row's two gradients (sum of conv2d, so dy is all ones), relative
 * to the largest gradient: checks our kernels and the filter gradient tfjs-wasm is given here.
 */
function convAgreement(): number {
  const d = CONV_DIMS;
  const xv = seeded(d.b * d.h * d.w * d.c, 11);
  const wv = seeded(d.k * d.k * d.c * d.f, 12, 0.3);
  const x = tf.constant(xv, 'float32', [d.b, d.h, d.w, d.c]);
  const w = tf.constant(wv, 'float32', [d.k, d.k, d.c, d.f]);
  const tape = new tf.GradientTape();
  tape.watch(x);
  tape.watch(w);
  const y = tape.record(() => tf.reduceSum(tf.nn.conv2d(x, w, 1, 'SAME')));
  const ours = (tape.gradient(y, [x, w]) as InstanceType<typeof tf.Tensor>[]).map((g) => g.dataSync());
  const g = tfjs.grads((a: tfjs.Tensor, b: tfjs.Tensor) => tfjs.sum(tfjs.conv2d(a as tfjs.Tensor4D, b as tfjs.Tensor4D, 1, 'same')));
  const theirs = g([tfjs.tensor4d(xv, [d.b, d.h, d.w, d.c]), tfjs.tensor4d(wv, [d.k, d.k, d.c, d.f])]).map((t) => t.dataSync());
  let worst = 0;
  for (let k = 0; k < 2; k++) {
    let scale = 0;
    for (let i = 0; i < theirs[k].length; i++) scale = Math.max(scale, Math.abs(theirs[k][i]));
    for (let i = 0; i < theirs[k].length; i++) worst = Math.max(worst, Math.abs(ours[k][i] - theirs[k][i]) / scale);
  }
  return worst;
}

/** Largest |ours - tfjs| over the 16 gradients of the tanh chain and over the seed's gradient. */
function perOpAgreement(): string {
  const worst = (ours: ArrayLike<number>[], theirs: ArrayLike<number>[]) => {
    let w = 0;
    for (let i = 0; i < ours.length; i++) for (let j = 0; j < ours[i].length; j++) w = Math.max(w, Math.abs(ours[i][j] - theirs[i][j]));
    return w.toExponential(2);
  };
  const chainOurs = oursTanhChain(tf)().map((g) => g.dataSync());
  const chainTheirs = tfjsTanhChain()();
  const seedOurs = [oursSeedWarm(tf)()];
  const seedTheirs = [tfjsSeedWarm()()];
  return `tanh chain max |difference| ${worst(chainOurs, chainTheirs)}, seed max |difference| ${worst(seedOurs, seedTheirs)}`;
}

// ──── Run ────

function fmt(x: number | undefined): string {
  if (x === undefined) return '-';
  if (x >= 100) return x.toFixed(0);
  if (x >= 10) return x.toFixed(1);
  if (x >= 1) return x.toFixed(2);
  return x.toPrecision(2);
}

/** How many times better ours is than the peer (>1: ours wins). */
function ratio(row: Row, peer: Peer, ours: Peer = 'ours'): string {
  const o = row.values[ours];
  const p = row.values[peer];
  if (o === undefined || p === undefined) return '-';
  const r = row.better === 'lower' ? p / o : o / p;
  return `${r.toFixed(2)}x`;
}

async function main(): Promise<void> {
  tfjs.enableProdMode(); // as deployed tfjs runs; also no "install tfjs-node" banner between the figures
  const started = Date.now();
  console.log(`date ${new Date().toISOString()}, nproc ${os.availableParallelism?.() ?? os.cpus().length}, CPU ${cpuModel()}, Node ${process.version}`);
  console.log(`load average at the start: ${os.loadavg().map((x) => x.toFixed(2)).join(', ')}`);
  const rows: Row[] = [
    { name: 'MLP step 64x784-256-10', unit: 'ms', better: 'lower', values: {}, wall: {}, target: '<= 1/2 tfjs-cpu', met: (o, r) => r.values.cpu !== undefined && o <= r.values.cpu / 2 },
    { name: 'matmul 512^3', unit: 'GFLOP/s', better: 'higher', values: {}, wall: {}, target: '>= 1.5', met: (o) => o >= 1.5 },
    { name: 'matmul 1024^3', unit: 'GFLOP/s', better: 'higher', values: {}, wall: {}, target: '>= 1.5', met: (o) => o >= 1.5 },
    { name: 'scalar chain 10k ops (fwd+grad)', unit: 'us/op', better: 'lower', values: {}, wall: {}, target: '<= 1', met: (o) => o <= 1 },
    { name: 'seed gradient (program 1)', unit: 'us/rep', better: 'lower', values: {}, wall: {}, target: '<= 5', met: (o) => o <= 5 },
    // Issue 15's per-op rows (bench/workloads.ts): the tape's bookkeeping on ops that carry more than `v·a + c`.
    { name: 'tanh chain 10k ops, 16 params (fwd+grad)', unit: 'us/op', better: 'lower', values: {}, wall: {}, target: '<= 0.5', met: (o) => o <= 0.5 },
    { name: 'seed program warm (+dataSync)', unit: 'us/call', better: 'lower', values: {}, wall: {}, target: '<= 3', met: (o) => o <= 3 },
    { name: 'conv2d fwd+bwd 32x28x28x1 -> 3x3x16 SAME', unit: 'ms', better: 'lower', values: {}, wall: {}, target: '< tfjs-wasm (ours-wasm)', met: (_o, r) => r.values.oursWasm !== undefined && r.values.wasm !== undefined && r.values.oursWasm < r.values.wasm },
    { name: 'conv2d fwd 8x32x32x16 -> 3x3x16 SAME', unit: 'ms', better: 'lower', values: {}, wall: {}, target: '-' },
    { name: 'LeNet-5 step, batch 32 (28x28)', unit: 'ms', better: 'lower', values: {}, wall: {}, target: '< tfjs-wasm (ours-wasm)', met: (_o, r) => r.values.oursWasm !== undefined && r.values.wasm !== undefined && r.values.oursWasm < r.values.wasm },
  ];
  const [mlp, mm512, mm1024, chain, seed, tanhChain, seedWarm, convStep, convFwd, lenet] = rows;
  const perOp = new Set([chain, seed, tanhChain, seedWarm]);
  if (perOpOnly) rows.splice(0, rows.length, ...rows.filter((r) => perOp.has(r)));
  /** Runs `body` unless ENGINE_BENCH=perop leaves `row` out. */
  const unlessSkipped = (row: Row, body: () => void): void => {
    if (!perOpOnly || perOp.has(row)) body();
  };

  // Ours first, on a quiet heap: plain TypeScript kernels (the issue's targets), then WebAssembly.
  for (const [peer, kernelBackend] of [
    ['ours', 'ts'],
    ['oursWasm', 'wasm'],
  ] as const) {
    if (!tf.setKernelBackend(kernelBackend)) {
      console.log(`ours on ${kernelBackend} kernels: unavailable; skipped`);
      continue;
    }
    unlessSkipped(mlp, () => measure(mlp, peer, ms, oursMlpStep(tf), { warmup: 3, reps: 15 }));
    unlessSkipped(mm512, () => measure(mm512, peer, (t) => gflops(512, t), oursMatmul(tf, 512), { warmup: 2, reps: 7 }));
    unlessSkipped(mm1024, () => measure(mm1024, peer, (t) => gflops(1024, t), oursMatmul(tf, 1024), { warmup: 1, reps: 3 }));
    measure(chain, peer, usPerOp, oursChain(tf), { warmup: 3, reps: 11 });
    const run = oursSeed(tf);
    const batch = () => {
      for (let i = 0; i < 1000; i++) run();
    };
    measure(seed, peer, ms, batch, { warmup: 20, reps: 21 }); // ms per 1000 reps = µs per rep
    // The issue's rows: the tanh chain warms up as the scalar chain; the warm seed after 1,000 calls.
    measure(tanhChain, peer, usPerOp, oursTanhChain(tf), { warmup: 3, reps: 11 });
    const call = oursSeedWarm(tf);
    const calls = () => {
      for (let i = 0; i < 1000; i++) call();
    };
    measure(seedWarm, peer, ms, calls, { warmup: 1, reps: 21 }); // one batch = the 1,000 warm-up calls; ms per 1000 calls = µs per call
    unlessSkipped(convStep, () => measure(convStep, peer, ms, oursConvStep(tf), { warmup: 3, reps: 11 }));
    unlessSkipped(convFwd, () => measure(convFwd, peer, ms, oursConvForward(tf), { warmup: 3, reps: 11 }));
    unlessSkipped(lenet, () => measure(lenet, peer, ms, oursLenetStep(tf), { warmup: 2, reps: 9 }));
    const kb = tf.getKernelBackend();
    console.log(`ours on ${kb.backend}${kb.flavor ? ` (${kb.flavor})` : ''} kernels done at ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  tf.setKernelBackend('ts');

  for (const backend of ['cpu', 'wasm'] as const) {
    if (!(await useTfjsBackend(backend))) continue;
    if (backend === 'wasm') {
      const simd = await tfjs.env().getAsync('WASM_HAS_SIMD_SUPPORT');
      const threads = await tfjs.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
      console.log(`tfjs-wasm: SIMD ${simd ? 'on' : 'off'}, threads ${threads ? 'on' : 'off'}`);
    }
    const heavy = backend === 'cpu';
    unlessSkipped(mlp, () => measure(mlp, backend, ms, tfjsMlpStep(), { warmup: 2, reps: heavy ? 7 : 15 }));
    unlessSkipped(mm512, () => measure(mm512, backend, (t) => gflops(512, t), tfjsMatmul(512), { warmup: 1, reps: heavy ? 3 : 7 }));
    // The 512³ runs have warmed this kernel up; at ~3 s a product on tfjs-cpu, no extra warm-up here.
    unlessSkipped(mm1024, () => measure(mm1024, backend, (t) => gflops(1024, t), tfjsMatmul(1024), { warmup: heavy ? 0 : 1, reps: 3 }));
    measure(chain, backend, usPerOp, tfjsChain(), { warmup: 1, reps: heavy ? 3 : 5 });
    {
      const run = tfjsSeed();
      const batch = () => {
        for (let i = 0; i < 100; i++) run();
      };
      measure(seed, backend, (t) => (t * 1000) / 100, batch, { warmup: 2, reps: 7 });
    }
    measure(tanhChain, backend, usPerOp, tfjsTanhChain(), { warmup: 1, reps: heavy ? 3 : 5 });
    {
      const call = tfjsSeedWarm();
      const calls = () => {
        for (let i = 0; i < 100; i++) call();
      };
      measure(seedWarm, backend, (t) => (t * 1000) / 100, calls, { warmup: 10, reps: 7 }); // 1,000 warm-up calls
    }
    // tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter kernel: the conv workloads register one
    // made of its own kernels (registerTfjsWasmFilterGradient); rows that still fail stay '-'.
    const tryMeasure = (row: Row, make: () => () => void, reps: number): void => {
      try {
        measure(row, backend, ms, make(), { warmup: 2, reps });
      } catch (e) {
        console.log(`tfjs-${backend}: ${row.name} skipped: ${(e as Error).message}`);
      }
    };
    unlessSkipped(convStep, () => tryMeasure(convStep, tfjsConvStep, heavy ? 5 : 11));
    unlessSkipped(convFwd, () => tryMeasure(convFwd, tfjsConvForward, heavy ? 5 : 11));
    unlessSkipped(lenet, () => tryMeasure(lenet, tfjsLenetStep, heavy ? 5 : 9));
    console.log(`tfjs-${backend} done at ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }

  // The agreement check runs on the default backends: ours on WebAssembly kernels, tfjs on wasm.
  if (!perOpOnly) {
    tf.setKernelBackend('wasm');
    console.log(`check: 512^2 matmul, ours (WebAssembly kernels) vs tfjs-${tfjs.getBackend()}: max |difference| ${matmulAgreement().toExponential(2)}`);
    console.log(`check: conv row's gradients, ours (WebAssembly kernels) vs tfjs-${tfjs.getBackend()}: max |difference| / max |gradient| ${convAgreement().toExponential(2)}`);
    tf.setKernelBackend('ts');
    console.log(`check: 512^2 matmul, ours (TypeScript kernels) vs tfjs-${tfjs.getBackend()}: max |difference| ${matmulAgreement().toExponential(2)}`);
    console.log(`check: conv row's gradients, ours (TypeScript kernels) vs tfjs-${tfjs.getBackend()}: max |difference| / max |gradient| ${convAgreement().toExponential(2)}`);
  }
  console.log(`check: the per-op rows' gradients, ours vs tfjs-${tfjs.getBackend()}: ${perOpAgreement()}`);

  const header = ['benchmark', 'unit', 'ours-ts', 'ours-wasm', 'tfjs-cpu', 'tfjs-wasm', 'ts vs cpu', 'ts vs wasm', 'wasm vs cpu', 'wasm vs wasm', 'target (ours-ts)', 'met'];
  const lines = rows.map((r) => [
    r.name,
    r.unit,
    fmt(r.values.ours),
    fmt(r.values.oursWasm),
    fmt(r.values.cpu),
    fmt(r.values.wasm),
    ratio(r, 'cpu'),
    ratio(r, 'wasm'),
    ratio(r, 'cpu', 'oursWasm'),
    ratio(r, 'wasm', 'oursWasm'),
    r.target,
    r.values.ours === undefined || !r.met ? '-' : r.met(r.values.ours, r) ? 'yes' : 'NO',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const show = (cells: string[]) => '| ' + cells.map((c, i) => c.padEnd(widths[i])).join(' | ') + ' |';
  console.log('\n' + show(header));
  console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
  for (const l of lines) console.log(show(l));
  console.log('(medians of CPU time after warm-up; ratios: how many times faster ours is; targets are for the TypeScript kernels)');
  console.log('the same from wall-clock medians, ours-ts / ours-wasm / tfjs-cpu / tfjs-wasm:');
  for (const r of rows) console.log(`  ${r.name}: ${fmt(r.wall.ours)} / ${fmt(r.wall.oursWasm)} / ${fmt(r.wall.cpu)} / ${fmt(r.wall.wasm)} ${r.unit}`);
  console.log(`load average at the end: ${os.loadavg().map((x) => x.toFixed(2)).join(', ')}`);

  if (perOpOnly) return;
  const mem = memoryLoop();
  const mb = (b: number) => (b / 1048576).toFixed(2);
  const delta = (a: number, b: number) => `${b >= a ? '+' : ''}${mb(b - a)}`;
  console.log(
    `\nmemory, 1,000 SGD steps of a 64x64-32-10 MLP on the TypeScript kernels (${mem.msPerStep.toFixed(2)} ms/step), after gc:` +
      `\n  JS heap used   ${mb(mem.at100.heap)} MB at step 100, ${mb(mem.at1000.heap)} MB at step 1000 (${delta(mem.at100.heap, mem.at1000.heap)} MB)` +
      `\n  array buffers  ${mb(mem.at100.buffers)} MB at step 100, ${mb(mem.at1000.buffers)} MB at step 1000 (${delta(mem.at100.buffers, mem.at1000.buffers)} MB)` +
      ((globalThis as { gc?: unknown }).gc ? '' : '\n  [no --expose-gc: figures include garbage]'),
  );
  console.log(`total ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
