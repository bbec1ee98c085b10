// The workloads that bench/engine.bench.ts and bench/kernels.bench.ts both time, in one place, so the
// two tables measure the same programs: the MLP step, the scalar chain, the seed gradient, matmul n³,
// each for our engine (passed in, so a bench can load it bundled or from source) and for tfjs.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import * as esbuild from 'esbuild';
import * as tfjs from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

export type Engine = typeof import('../src/engine/index');
type T = InstanceType<Engine['Tensor']>;

/**
 * The engine as users run it: one esbuild bundle, as inside dist/worker.js. Loading src/ file by file
 * through tsx adds an export getter to every call between modules (3-15x on the per-op rows).
 */
export function bundledEngine(): Engine {
  const outfile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'gradtape-bench-')), 'engine.js');
  esbuild.buildSync({ entryPoints: [path.join(__dirname, '../src/engine/index.ts')], bundle: true, minify: true, platform: 'node', format: 'cjs', target: 'node20', outfile, logLevel: 'warning' });
  return createRequire(__filename)(outfile) as Engine;
}

/** The CPU's model name, for the benchmark headers. */
export function cpuModel(): string {
  try {
    const m = /model name\s*:\s*(.*)/.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) return m[1].trim();
  } catch {
    // not Linux: fall through
  }
  return os.cpus()[0]?.model ?? 'unknown';
}

/** Deterministic values in [-scale, scale): the same inputs for every implementation. */
export function seeded(n: number, seed: number, scale = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = ((s / 4294967296) * 2 - 1) * scale;
  }
  return out;
}

// ──── MLP training step: batch 64, 784-256-10, ReLU, softmax cross-entropy, SGD ────

export const MLP_DIMS = { b: 64, dIn: 784, dH: 256, dOut: 10 };
export type MlpDims = typeof MLP_DIMS;
const LR = 0.01;

/** Inputs, one-hot labels and initial weights (biases start at zero). */
function mlpData(d: MlpDims) {
  const labels = new Float32Array(d.b * d.dOut);
  for (let i = 0; i < d.b; i++) labels[i * d.dOut + (i % d.dOut)] = 1;
  return { x: seeded(d.b * d.dIn, 1), labels, w1: seeded(d.dIn * d.dH, 2, 0.05), w2: seeded(d.dH * d.dOut, 3, 0.1) };
}

export function oursMlpStep(tf: Engine, dims: MlpDims = MLP_DIMS) {
  const d = mlpData(dims);
  const x = tf.constant(d.x, 'float32', [dims.b, dims.dIn]);
  const labels = tf.constant(d.labels, 'float32', [dims.b, dims.dOut]);
  const w1 = tf.variable(tf.constant(d.w1, 'float32', [dims.dIn, dims.dH]), { name: 'w1' });
  const b1 = tf.variable(tf.zeros([dims.dH]), { name: 'b1' });
  const w2 = tf.variable(tf.constant(d.w2, 'float32', [dims.dH, dims.dOut]), { name: 'w2' });
  const b2 = tf.variable(tf.zeros([dims.dOut]), { name: 'b2' });
  const vars = [w1, b1, w2, b2];
  const opt = new tf.optimizers.SGD({ learningRate: LR });
  return () => {
    const tape = new tf.GradientTape();
    const loss = tape.record(() => {
      const h = tf.relu(tf.add(tf.matmul(x, w1), b1));
      const logits = tf.add(tf.matmul(h, w2), b2);
      return tf.reduceMean(tf.nn.softmaxCrossEntropyWithLogits({ labels, logits }));
    });
    const grads = tape.gradient(loss, vars) as (T | null)[];
    opt.applyGradients(vars.map((v, i) => [grads[i], v] as const));
  };
}

export function tfjsMlpStep() {
  const dims = MLP_DIMS;
  const d = mlpData(dims);
  const x = tfjs.tensor2d(d.x, [dims.b, dims.dIn]);
  const labels = tfjs.tensor2d(d.labels, [dims.b, dims.dOut]);
  const w1 = tfjs.variable(tfjs.tensor2d(d.w1, [dims.dIn, dims.dH]));
  const b1 = tfjs.variable(tfjs.zeros([dims.dH]));
  const w2 = tfjs.variable(tfjs.tensor2d(d.w2, [dims.dH, dims.dOut]));
  const b2 = tfjs.variable(tfjs.zeros([dims.dOut]));
  const opt = tfjs.train.sgd(LR);
  return () => {
    const { value, grads } = tfjs.variableGrads(() => {
      const h = tfjs.relu(tfjs.add(tfjs.matMul(x, w1), b1));
      const logits = tfjs.add(tfjs.matMul(h, w2), b2);
      return tfjs.losses.softmaxCrossEntropy(labels, logits) as tfjs.Scalar;
    }, [w1, b1, w2, b2]);
    opt.applyGradients(grads);
    value.dataSync(); // wait for the backend, as our step returns with values computed
    tfjs.dispose([value, ...Object.values(grads)]);
  };
}

// ──── matmul n³ ────

export function oursMatmul(tf: Engine, n: number) {
  const a = tf.constant(seeded(n * n, 4), 'float32', [n, n]);
  const b = tf.constant(seeded(n * n, 5), 'float32', [n, n]);
  return () => void tf.matmul(a, b);
}

// ──── micrograd-style chain of scalar ops, forward and gradient ────

export const CHAIN_OPS = 10_000;

/** y = ((x·a + c)·a + c)…: CHAIN_OPS scalar ops (half multiply, half add), then dy/dx; `withTape` false: forward only. */
export function oursChain(tf: Engine, withTape = true) {
  const a = tf.constant(1.0001);
  const c = tf.constant(0.0001);
  const x = tf.variable(0.5, { name: 'x' });
  const forward = (): T => {
    let v: T = x;
    for (let i = 0; i < CHAIN_OPS / 2; i++) v = tf.add(tf.multiply(v, a), c);
    return v;
  };
  if (!withTape) return () => void forward();
  return () => {
    const tape = new tf.GradientTape();
    tape.gradient(tape.record(forward), x);
  };
}

export function tfjsChain() {
  const a = tfjs.scalar(1.0001);
  const c = tfjs.scalar(0.0001);
  const x = tfjs.scalar(0.5);
  const g = tfjs.grad((v: tfjs.Tensor) => {
    for (let i = 0; i < CHAIN_OPS / 2; i++) v = tfjs.add(tfjs.mul(v, a), c);
    return v;
  });
  return () => {
    const r = g(x);
    r.dataSync();
    r.dispose();
  };
}

// ──── the seed's first program: the gradient of (y - x·w)², the whole program per repetition ────

export function oursSeed(tf: Engine) {
  return () => {
    const input = tf.constant([[1.0, 2.0]]);
    const weights = tf.variable([[0.25], [0.15]]);
    const yTrue = tf.constant(0.75);
    const tape = new tf.GradientTape();
    const loss = tape.record(() => tf.math.squaredDifference(yTrue, tf.linalg.matmul(input, weights)));
    tape.gradient(loss, weights);
  };
}

export function tfjsSeed() {
  return () => {
    // tfjs variables escape tidy, so the weights are a plain tensor differentiated with tf.grad.
    tfjs.tidy(() => {
      const input = tfjs.tensor2d([[1.0, 2.0]]);
      const weights = tfjs.tensor2d([[0.25], [0.15]]);
      const yTrue = tfjs.scalar(0.75);
      const g = tfjs.grad((w: tfjs.Tensor) => tfjs.squaredDifference(yTrue, tfjs.matMul(input, w as tfjs.Tensor2D)));
      g(weights).dataSync();
    });
  };
}

// ──── issue 15's per-op rows: a tanh chain over 16 parameters, the seed program called warm ────

/** Units of the tanh chain: 4 scalar ops each (Mul, Add, Tanh, Add), CHAIN_OPS in all. */
export const TANH_UNITS = CHAIN_OPS / 4;
const TANH_PARAMS = 16;

/** The parameters' initial values, small so that tanh stays off its flat tails. */
function tanhParams(): Float32Array {
  return seeded(TANH_PARAMS, 7, 0.5);
}

/**
 * h = tanh(h·p[i % 16] + p[(i+1) % 16]); s = s + h, for TANH_UNITS units (CHAIN_OPS scalar ops) on a
 * tape, then the gradient of s with respect to the 16 parameters (scalar variables).
 */
export function oursTanhChain(tf: Engine) {
  const init = tanhParams();
  const p = Array.from(init, (v, i) => tf.variable(v, { name: `p${i}` }));
  const h0 = tf.constant(0.5);
  const s0 = tf.constant(0);
  return () => {
    const tape = new tf.GradientTape();
    const s = tape.record(() => {
      let h: T = h0;
      let s: T = s0;
      for (let i = 0; i < TANH_UNITS; i++) {
        h = tf.tanh(tf.add(tf.multiply(h, p[i % TANH_PARAMS]), p[(i + 1) % TANH_PARAMS]));
        s = tf.add(s, h);
      }
      return s;
    });
    return tape.gradient(s, p) as T[];
  };
}

export function tfjsTanhChain() {
  const init = tanhParams();
  const p = Array.from(init, (v) => tfjs.scalar(v));
  const h0 = tfjs.scalar(0.5);
  const s0 = tfjs.scalar(0);
  const g = tfjs.grads((...ps: tfjs.Tensor[]) => {
    let h = h0;
    let s = s0;
    for (let i = 0; i < TANH_UNITS; i++) {
      h = tfjs.tanh(tfjs.add(tfjs.mul(h, ps[i % TANH_PARAMS]), ps[(i + 1) % TANH_PARAMS]));
      s = tfjs.add(s, h);
    }
    return s;
  });
  return () => {
    const gs = g(p);
    const values = gs.map((x) => x.dataSync());
    tfjs.dispose(gs);
    return values;
  };
}

/**
 * The seed's first program as a training step calls it: the constants and the variable made once,
 * then per call a tape, MatMul, SquaredDifference, `gradient` and `dataSync` of the gradient.
 */
export function oursSeedWarm(tf: Engine) {
  const input = tf.constant([[1.0, 2.0]]);
  const weights = tf.variable([[0.25], [0.15]]);
  const yTrue = tf.constant(0.75);
  return () => {
    const tape = new tf.GradientTape();
    const loss = tape.record(() => tf.math.squaredDifference(yTrue, tf.linalg.matmul(input, weights)));
    return (tape.gradient(loss, weights) as T).dataSync();
  };
}

export function tfjsSeedWarm() {
  const input = tfjs.tensor2d([[1.0, 2.0]]);
  const weights = tfjs.tensor2d([[0.25], [0.15]]);
  const yTrue = tfjs.scalar(0.75);
  const g = tfjs.grad((w: tfjs.Tensor) => tfjs.squaredDifference(yTrue, tfjs.matMul(input, w as tfjs.Tensor2D)));
  return () => {
    const dw = g(weights);
    const values = dw.dataSync();
    dw.dispose();
    return values;
  };
}

// ──── Convolution (issue 12) ────

/**
 * tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter kernel, so it cannot train a conv net. For the
 * comparison this registers one built from its own kernels, the standard rewrite of a filter
 * gradient as a convolution: dW[i, j, c, f] = Σₙ,ₒₕ,ₒᵥ x[n, oh + i − pt, ow + j − pl, c]·dy[n, oh, ow, f]
 * is the convolution of xᵀ [C, H, W, N] with dyᵀ [outH, outW, N, F] as its filter, then a
 * transpose back, all three on XNNPACK. Stride 1 and dilation 1 only (the benchmark's convolutions).
 */
export function registerTfjsWasmFilterGradient(): void {
  if (tfjs.getKernel('Conv2DBackpropFilter', 'wasm')) return;
  const conv = tfjs.getKernel('Conv2D', 'wasm')!.kernelFunc;
  const transpose = tfjs.getKernel('Transpose', 'wasm')!.kernelFunc;
  tfjs.registerKernel({
    kernelName: 'Conv2DBackpropFilter',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, dy } = inputs as unknown as { x: tfjs.TensorInfo; dy: tfjs.TensorInfo };
      const { strides, pad, filterShape, dimRoundingMode } = attrs as unknown as tfjs.Conv2DBackpropFilterAttrs;
      const info = tfjs.backend_util.computeConv2DInfo(x.shape as never, filterShape, strides, 1, pad, dimRoundingMode);
      if (info.strideHeight !== 1 || info.strideWidth !== 1) throw new Error('Conv2DBackpropFilter shim: stride 1 only');
      const [kH, kW] = filterShape;
      const [, h, w] = x.shape;
      const top = info.padInfo.top;
      const left = info.padInfo.left;
      const xT = transpose({ inputs: { x }, backend, attrs: { perm: [3, 1, 2, 0] } }) as tfjs.TensorInfo;
      const dyT = transpose({ inputs: { x: dy }, backend, attrs: { perm: [1, 2, 0, 3] } }) as tfjs.TensorInfo;
      // Output rows: h + top + bottom − outH + 1 = kH.
      const explicit = [[0, 0], [top, kH - 1 + info.outHeight - h - top], [left, kW - 1 + info.outWidth - w - left], [0, 0]];
      const dwT = conv({ inputs: { x: xT, filter: dyT }, backend, attrs: { strides: 1, pad: explicit, dataFormat: 'NHWC', dilations: 1 } }) as tfjs.TensorInfo;
      const dw = transpose({ inputs: { x: dwT }, backend, attrs: { perm: [1, 2, 0, 3] } }) as tfjs.TensorInfo;
      for (const t of [xT, dyT, dwT]) backend.disposeData(t.dataId);
      return dw;
    },
  });
}

/** conv2d forward + backward (input and filter gradients): batch 32, 28×28×1 → 3×3×16, SAME. */
export const CONV_DIMS = { b: 32, h: 28, w: 28, c: 1, k: 3, f: 16 };

export function oursConvStep(tf: Engine) {
  const d = CONV_DIMS;
  const x = tf.constant(seeded(d.b * d.h * d.w * d.c, 11), 'float32', [d.b, d.h, d.w, d.c]);
  const w = tf.variable(tf.constant(seeded(d.k * d.k * d.c * d.f, 12, 0.3), 'float32', [d.k, d.k, d.c, d.f]), { name: 'w' });
  return () => {
    const tape = new tf.GradientTape();
    tape.watch(x);
    const y = tape.record(() => tf.reduceSum(tf.nn.conv2d(x, w, 1, 'SAME')));
    tape.gradient(y, [x, w]);
  };
}

export function tfjsConvStep() {
  if (tfjs.getBackend() === 'wasm') registerTfjsWasmFilterGradient();
  const d = CONV_DIMS;
  const x = tfjs.tensor4d(seeded(d.b * d.h * d.w * d.c, 11), [d.b, d.h, d.w, d.c]);
  const w = tfjs.tensor4d(seeded(d.k * d.k * d.c * d.f, 12, 0.3), [d.k, d.k, d.c, d.f]);
  const g = tfjs.grads((a: tfjs.Tensor, b: tfjs.Tensor) => tfjs.sum(tfjs.conv2d(a as tfjs.Tensor4D, b as tfjs.Tensor4D, 1, 'same')));
  return () => {
    const [gx, gw] = g([x, w]);
    gx.dataSync();
    gw.dataSync();
    tfjs.dispose([gx, gw]);
  };
}

/** conv2d forward only: batch 8, 32×32×16 → 3×3×16, SAME. */
export function oursConvForward(tf: Engine) {
  const x = tf.constant(seeded(8 * 32 * 32 * 16, 13), 'float32', [8, 32, 32, 16]);
  const w = tf.constant(seeded(3 * 3 * 16 * 16, 14, 0.1), 'float32', [3, 3, 16, 16]);
  return () => void tf.nn.conv2d(x, w, 1, 'SAME');
}

export function tfjsConvForward() {
  const x = tfjs.tensor4d(seeded(8 * 32 * 32 * 16, 13), [8, 32, 32, 16]);
  const w = tfjs.tensor4d(seeded(3 * 3 * 16 * 16, 14, 0.1), [3, 3, 16, 16]);
  return () => {
    const y = tfjs.conv2d(x, w, 1, 'same');
    y.dataSync();
    y.dispose();
  };
}

/**
 * A LeNet-5-sized training step on a batch of 32 28×28 images: conv 5×5×6 SAME, relu, max pool 2,
 * conv 5×5×16 VALID, relu, max pool 2, dense 400-120-84-10, softmax cross-entropy, SGD.
 */
function lenetData() {
  const labels = new Float32Array(32 * 10);
  for (let i = 0; i < 32; i++) labels[i * 10 + (i % 10)] = 1;
  return {
    x: seeded(32 * 28 * 28, 21), labels,
    shapes: [[5, 5, 1, 6], [6], [5, 5, 6, 16], [16], [400, 120], [120], [120, 84], [84], [84, 10], [10]],
  };
}

export function oursLenetStep(tf: Engine) {
  const d = lenetData();
  const x = tf.constant(d.x, 'float32', [32, 28, 28, 1]);
  const labels = tf.constant(d.labels, 'float32', [32, 10]);
  const vars = d.shapes.map((s, i) => tf.variable(s.length === 1 ? tf.zeros(s) : tf.constant(seeded(s.reduce((p, q) => p * q, 1), 30 + i, 0.1), 'float32', s), { name: `v${i}` }));
  const [c1, cb1, c2, cb2, d1, db1, d2, db2, d3, db3] = vars;
  const opt = new tf.optimizers.SGD({ learningRate: LR });
  return () => {
    const tape = new tf.GradientTape();
    const loss = tape.record(() => {
      let h = tf.nn.maxPool2d(tf.relu(tf.add(tf.nn.conv2d(x, c1, 1, 'SAME'), cb1)), 2, 2, 'VALID');
      h = tf.nn.maxPool2d(tf.relu(tf.add(tf.nn.conv2d(h, c2, 1, 'VALID'), cb2)), 2, 2, 'VALID');
      h = tf.reshape(h, [32, 400]);
      h = tf.relu(tf.add(tf.matmul(h, d1), db1));
      h = tf.relu(tf.add(tf.matmul(h, d2), db2));
      return tf.reduceMean(tf.nn.softmaxCrossEntropyWithLogits({ labels, logits: tf.add(tf.matmul(h, d3), db3) }));
    });
    const grads = tape.gradient(loss, vars) as (T | null)[];
    opt.applyGradients(vars.map((v, i) => [grads[i], v] as const));
  };
}

export function tfjsLenetStep() {
  if (tfjs.getBackend() === 'wasm') registerTfjsWasmFilterGradient();
  const d = lenetData();
  const x = tfjs.tensor4d(d.x, [32, 28, 28, 1]);
  const labels = tfjs.tensor2d(d.labels, [32, 10]);
  const vars = d.shapes.map((s, i) => tfjs.variable(s.length === 1 ? tfjs.zeros(s) : tfjs.tensor(seeded(s.reduce((p, q) => p * q, 1), 30 + i, 0.1), s)));
  const [c1, cb1, c2, cb2, d1, db1, d2, db2, d3, db3] = vars;
  const opt = tfjs.train.sgd(LR);
  return () => {
    const { value, grads } = tfjs.variableGrads(() => {
      let h: tfjs.Tensor = tfjs.maxPool(tfjs.relu(tfjs.add(tfjs.conv2d(x, c1 as tfjs.Tensor4D, 1, 'same'), cb1)) as tfjs.Tensor4D, 2, 2, 'valid');
      h = tfjs.maxPool(tfjs.relu(tfjs.add(tfjs.conv2d(h as tfjs.Tensor4D, c2 as tfjs.Tensor4D, 1, 'valid'), cb2)) as tfjs.Tensor4D, 2, 2, 'valid');
      h = tfjs.reshape(h, [32, 400]);
      h = tfjs.relu(tfjs.add(tfjs.matMul(h as tfjs.Tensor2D, d1 as tfjs.Tensor2D), db1));
      h = tfjs.relu(tfjs.add(tfjs.matMul(h as tfjs.Tensor2D, d2 as tfjs.Tensor2D), db2));
      return tfjs.losses.softmaxCrossEntropy(labels, tfjs.add(tfjs.matMul(h as tfjs.Tensor2D, d3 as tfjs.Tensor2D), db3)) as tfjs.Scalar;
    }, vars);
    opt.applyGradients(grads);
    value.dataSync();
    tfjs.dispose([value, ...Object.values(grads)]);
  };
}

/**
 * Switches tfjs to `backend` (the wasm one loads its binaries from node_modules); false, with a
 * line saying so, when the backend cannot start here.
 */
export async function useTfjsBackend(backend: 'cpu' | 'wasm'): Promise<boolean> {
  if (backend === 'wasm') setWasmPaths(path.resolve('node_modules/@tensorflow/tfjs-backend-wasm/dist') + path.sep);
  if (!(await tfjs.setBackend(backend))) {
    console.log(`tfjs ${backend}: backend failed to initialise; skipped`);
    return false;
  }
  await tfjs.ready();
  return true;
}
