/**
 * Issue 12's ops against TensorFlow.js 4.22 (cpu backend) where tfjs has them: forward values and
 * the gradient of Σ w·f(x) with respect to every float input, on both kernel sets (TypeScript and
 * WebAssembly), from the same float32 inputs. Inputs avoid kinks, where conventions may differ.
 */
import { strict as assert } from 'node:assert';
import * as tfjs from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
// tfjs's own gradients call chained methods (x.reshape), which its full package registers.
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import * as tf from '../../src/engine/index';
import { peekValues } from '../../src/engine/tensor';
import { lcg } from './gradcheck';

interface Input {
  shape: number[];
  lo?: number;
  hi?: number;
  /** int32 values in [0, int). */
  int?: number;
  /** Fixed values instead of drawn ones. */
  values?: number[];
}

export interface Parity {
  name: string;
  inputs: Input[];
  ours: (...xs: tf.Tensor[]) => tf.Tensor;
  theirs: (...xs: tfjs.Tensor[]) => tfjs.Tensor;
  /** false: compare values only (no gradient in TensorFlow, or none in tfjs). */
  grad?: boolean;
  /** Values kept away from these points (kinks). */
  avoid?: number[];
  tol?: number;
}

function draw(spec: Input, rand: () => number, avoid: number[]): number[] {
  if (spec.values) return spec.values;
  const n = spec.shape.reduce((p, d) => p * d, 1);
  const lo = spec.lo ?? -2;
  const hi = spec.hi ?? 2;
  return Array.from({ length: n }, () => {
    if (spec.int !== undefined) return Math.floor(rand() * spec.int);
    for (;;) {
      const v = Math.fround(lo + (hi - lo) * rand());
      if (avoid.every((k) => Math.abs(v - k) > 0.05)) return v;
    }
  });
}

function close(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (Number.isNaN(e)) assert.ok(Number.isNaN(a), `${what}[${i}]: ${a} vs NaN`);
    else assert.ok(Math.abs(a - e) <= tol * Math.max(1, Math.abs(e)), `${what}[${i}]: ${a} vs tfjs ${e}`);
  }
}

/** Runs every case on the current kernels: forward, and the gradient of Σ w·f w.r.t. each float input. */
export function checkParity(cases: Parity[]): void {
  for (const c of cases) {
    it(c.name, () => {
      const rand = lcg(c.name.length * 7919 + 17);
      const vals = c.inputs.map((s) => draw(s, rand, c.avoid ?? []));
      const ours = c.inputs.map((s, i) => tf.constant(vals[i], s.int !== undefined ? 'int32' : 'float32', s.shape));
      const theirs = c.inputs.map((s, i) => tfjs.tensor(vals[i], s.shape, s.int !== undefined ? 'int32' : 'float32'));
      const tol = c.tol ?? 1e-5;
      const y = c.ours(...ours);
      const ty = c.theirs(...theirs);
      assert.deepEqual(y.shape, ty.shape, `${c.name}: shape`);
      close(peekValues(y) as ArrayLike<number>, ty.dataSync() as ArrayLike<number>, tol, `${c.name} forward`);
      if (c.grad === false) return;
      const w = draw({ shape: y.shape }, rand, []);
      const floats = c.inputs.map((s, i) => (s.int === undefined ? i : -1)).filter((i) => i >= 0);
      const tape = new tf.GradientTape();
      const loss = tape.record(() => {
        tape.watch(floats.map((i) => ours[i]));
        return tf.reduceSum(tf.multiply(c.ours(...ours), tf.constant(w, 'float32', y.shape)));
      });
      const g = tape.gradient(loss, floats.map((i) => ours[i])) as (tf.Tensor | null)[];
      const tw = tfjs.tensor(w, y.shape, 'float32');
      const tg = tfjs.grads((...fs: tfjs.Tensor[]) => {
        const args = theirs.slice();
        floats.forEach((i, k) => (args[i] = fs[k]));
        return tfjs.sum(tfjs.mul(c.theirs(...args), tw));
      })(floats.map((i) => theirs[i]));
      floats.forEach((i, k) => {
        assert.ok(g[k], `${c.name}: gradient ${i} is null`);
        close(peekValues(g[k]!) as ArrayLike<number>, tg[k].dataSync() as ArrayLike<number>, tol, `${c.name} gradient ${i}`);
      });
    });
  }
}

/** An elementwise case on a [3, 5] input (`extra.inputs` may give its range). */
const unary = (name: string, ours: (x: tf.Tensor) => tf.Tensor, theirs: (x: tfjs.Tensor) => tfjs.Tensor, extra: Partial<Parity> = {}): Parity => ({
  name, ours, theirs, ...extra, inputs: [{ ...(extra.inputs?.[0] ?? {}), shape: [3, 5] }],
});

export const ACTIVATION_AND_MATH: Parity[] = [
  unary('elu', (x) => tf.elu(x), (x) => tfjs.elu(x), { avoid: [0] }),
  unary('selu', (x) => tf.selu(x), (x) => tfjs.selu(x), { avoid: [0] }),
  unary('leakyRelu (α 0.2)', (x) => tf.leakyRelu(x), (x) => tfjs.leakyRelu(x, 0.2), { avoid: [0] }),
  unary('leakyRelu (α 0.05)', (x) => tf.leakyRelu(x, 0.05), (x) => tfjs.leakyRelu(x, 0.05), { avoid: [0] }),
  unary('relu6', (x) => tf.relu6(x), (x) => tfjs.relu6(x), { avoid: [0, 6], inputs: [{ shape: [], lo: -3, hi: 9 }] }),
  unary('logSigmoid', (x) => tf.logSigmoid(x), (x) => tfjs.logSigmoid(x)),
  unary('reciprocal', (x) => tf.reciprocal(x), (x) => tfjs.reciprocal(x), { inputs: [{ shape: [], lo: 0.5, hi: 3 }] }),
  unary('rsqrt', (x) => tf.rsqrt(x), (x) => tfjs.rsqrt(x), { inputs: [{ shape: [], lo: 0.5, hi: 3 }] }),
  // tfjs's erf is a polynomial fit good to ~1e-7.
  unary('erf', (x) => tf.erf(x), (x) => tfjs.erf(x), { tol: 2e-6 }),
  unary('floor', (x) => tf.floor(x), (x) => tfjs.floor(x), { grad: false, inputs: [{ shape: [], lo: -5, hi: 5 }] }),
  unary('ceil', (x) => tf.ceil(x), (x) => tfjs.ceil(x), { grad: false, inputs: [{ shape: [], lo: -5, hi: 5 }] }),
  { name: 'round (halves to even)', inputs: [{ shape: [6], values: [0.5, 1.5, 2.5, -0.5, -2.5, 2.4] }], ours: (x) => tf.round(x), theirs: (x) => tfjs.round(x), grad: false },
  { name: 'floorDiv', inputs: [{ shape: [2, 3], lo: -9, hi: 9 }, { shape: [3], values: [2, -3, 1.5] }], ours: (a, b) => tf.floorDiv(a, b), theirs: (a, b) => tfjs.floorDiv(a, b), grad: false },
  { name: 'floorMod (tfjs mod)', inputs: [{ shape: [2, 3], lo: 2.1, hi: 2.8 }, { shape: [3], lo: 1.45, hi: 1.9 }], ours: (a, b) => tf.floorMod(a, b), theirs: (a, b) => tfjs.mod(a, b) },
  { name: 'divNoNan', inputs: [{ shape: [2, 3] }, { shape: [2, 3], values: [1, 0, -2, 0.5, 0, 3] }], ours: (a, b) => tf.divNoNan(a, b), theirs: (a, b) => tfjs.divNoNan(a, b), grad: false }, // tfjs has no gradient for its Equal
  { name: 'cumsum', inputs: [{ shape: [3, 4] }], ours: (x) => tf.cumsum(x, 1), theirs: (x) => tfjs.cumsum(x, 1) },
  { name: 'cumsum (exclusive, reverse)', inputs: [{ shape: [3, 4] }], ours: (x) => tf.cumsum(x, 1, { exclusive: true, reverse: true }), theirs: (x) => tfjs.cumsum(x, 1, true, true) },
  // tfjs's cumsum gradient along a non-last axis has the wrong shape: values only.
  { name: 'cumsum (axis 0)', inputs: [{ shape: [3, 4] }], ours: (x) => tf.cumsum(x, 0, { reverse: true }), theirs: (x) => tfjs.cumsum(x, 0, false, true), grad: false },
  { name: 'cumprod', inputs: [{ shape: [3, 4], lo: 0.5, hi: 1.5 }], ours: (x) => tf.math.cumprod(x, 1), theirs: (x) => tfjs.cumprod(x, 1), grad: false }, // no gradient in tfjs
  { name: 'reduceProd', inputs: [{ shape: [3, 4], lo: 0.5, hi: 1.5 }], ours: (x) => tf.reduceProd(x, 1), theirs: (x) => tfjs.prod(x, 1) },
  { name: 'reduceVariance (tfjs moments)', inputs: [{ shape: [3, 4] }], ours: (x) => tf.reduceVariance(x, 0), theirs: (x) => tfjs.moments(x, 0).variance },
];

// tfjs registers no gradient for StridedSlice, GatherNd or TopK: values only (ours are checked by
// the registry's finite differences and by test/engine/ops/indexing.test.ts).
export const INDEXING: Parity[] = [
  { name: 'stridedSlice x[1:4:2, ::-2]', inputs: [{ shape: [5, 6] }], ours: (x) => tf.stridedSlice(x, [1, 0], [4, 0], [2, -2], { beginMask: 2, endMask: 2 }), theirs: (x) => tfjs.stridedSlice(x, [1, 0], [4, 0], [2, -2], 2, 2), grad: false },
  {
    name: 'stridedSlice x[1, ..., None] and x[-2:, 0]', inputs: [{ shape: [3, 4, 2] }],
    ours: (x) => tf.add(tf.stridedSlice(x, [1, 0, 0], [2, 0, 0], [1, 1, 1], { ellipsisMask: 2, newAxisMask: 4, shrinkAxisMask: 1 }), tf.stridedSlice(x, [-2, 0], [0, 1], [1, 1], { endMask: 1, shrinkAxisMask: 2 })),
    theirs: (x) => tfjs.add(tfjs.stridedSlice(x, [1, 0, 0], [2, 0, 0], [1, 1, 1], 0, 0, 2, 4, 1), tfjs.stridedSlice(x, [-2, 0], [0, 1], [1, 1], 0, 1, 0, 0, 2)),
    grad: false,
  },
  { name: 'gatherNd', inputs: [{ shape: [3, 4, 2] }, { shape: [5, 2], int: 3 }], ours: (x, i) => tf.gatherNd(x, i), theirs: (x, i) => tfjs.gatherND(x, i), grad: false },
  { name: 'topK values', inputs: [{ shape: [3, 7] }], ours: (x) => tf.topK(x, 3).values, theirs: (x) => tfjs.topk(x, 3).values, grad: false },
  { name: 'topK indices', inputs: [{ shape: [3, 7] }], ours: (x) => tf.topK(x, 3).indices, theirs: (x) => tfjs.topk(x, 3).indices, grad: false },
];

// tfjs has no gradient for Einsum (values only; ours is checked against finite differences in
// test/engine/ops/einsumNorms.test.ts) and no p-norms other than 1, 2, ∞.
export const EINSUM_AND_NORMS: Parity[] = [
  { name: 'einsum ij,jk->ik', inputs: [{ shape: [3, 4] }, { shape: [4, 2] }], ours: (a, b) => tf.einsum('ij,jk->ik', a, b), theirs: (a, b) => tfjs.einsum('ij,jk->ik', a, b), grad: false },
  { name: 'einsum bhqd,bhkd->bhqk', inputs: [{ shape: [2, 2, 3, 4] }, { shape: [2, 2, 5, 4] }], ours: (a, b) => tf.einsum('bhqd,bhkd->bhqk', a, b), theirs: (a, b) => tfjs.einsum('bhqd,bhkd->bhqk', a, b), grad: false },
  { name: 'einsum ij,ij->i', inputs: [{ shape: [3, 4] }, { shape: [3, 4] }], ours: (a, b) => tf.einsum('ij,ij->i', a, b), theirs: (a, b) => tfjs.einsum('ij,ij->i', a, b), grad: false },
  { name: 'einsum ij->ji', inputs: [{ shape: [3, 4] }], ours: (a) => tf.einsum('ij->ji', a), theirs: (a) => tfjs.einsum('ij->ji', a), grad: false },
  { name: 'norm euclidean', inputs: [{ shape: [3, 4] }], ours: (x) => tf.norm(x), theirs: (x) => tfjs.norm(x) },
  { name: 'norm 1, axis 1', inputs: [{ shape: [3, 4] }], ours: (x) => tf.norm(x, { ord: 1, axis: 1 }), theirs: (x) => tfjs.norm(x, 1, 1), avoid: [0] },
  { name: 'norm ∞, axis 0, keepdims', inputs: [{ shape: [3, 4] }], ours: (x) => tf.norm(x, { ord: Infinity, axis: 0, keepdims: true }), theirs: (x) => tfjs.norm(x, Infinity, 0, true) },
  { name: 'norm fro, matrix', inputs: [{ shape: [2, 3, 4] }], ours: (x) => tf.norm(x, { ord: 'fro', axis: [1, 2] }), theirs: (x) => tfjs.norm(x, 'fro', [1, 2]) },
  { name: 'norm 1, matrix', inputs: [{ shape: [3, 4] }], ours: (x) => tf.norm(x, { ord: 1, axis: [0, 1] }), theirs: (x) => tfjs.norm(x, 1, [0, 1]), avoid: [0] },
  { name: 'norm ∞, matrix', inputs: [{ shape: [3, 4] }], ours: (x) => tf.norm(x, { ord: Infinity, axis: [0, 1] }), theirs: (x) => tfjs.norm(x, Infinity, [0, 1]), avoid: [0] },
];

// Labels whose rows do not sum to 1: TensorFlow's and tfjs's gradient is softmax − labels. (tfjs's
// labels gradient is another convention, so labels are held fixed here.)
const LABELS = [0.5, 0.2, 0.1, 0.9, 0, 0.3, 1, 0, 0];
const CLASSES = [2, 0, 1];
export const LOSSES: Parity[] = [
  {
    name: 'softmaxCrossEntropyWithLogits, labels not summing to 1 (tfjs losses.softmaxCrossEntropy, no reduction)', inputs: [{ shape: [3, 3] }],
    ours: (z) => tf.nn.softmaxCrossEntropyWithLogits({ labels: tf.constant(LABELS, 'float32', [3, 3]), logits: z }),
    theirs: (z) => tfjs.losses.softmaxCrossEntropy(tfjs.tensor(LABELS, [3, 3]), z, undefined, 0, tfjs.Reduction.NONE),
  },
  {
    name: 'softmaxCrossEntropyWithLogits along axis 0', inputs: [{ shape: [3, 3] }],
    ours: (z) => tf.nn.softmaxCrossEntropyWithLogits({ labels: tf.constant(LABELS, 'float32', [3, 3]), logits: z, axis: 0 }),
    theirs: (z) => tfjs.losses.softmaxCrossEntropy(tfjs.transpose(tfjs.tensor(LABELS, [3, 3])), tfjs.transpose(z), undefined, 0, tfjs.Reduction.NONE),
  },
  {
    name: 'sparseSoftmaxCrossEntropyWithLogits (tfjs: the dense loss of one-hot labels)', inputs: [{ shape: [3, 4] }],
    ours: (z) => tf.nn.sparseSoftmaxCrossEntropyWithLogits({ labels: CLASSES, logits: z }),
    theirs: (z) => tfjs.losses.softmaxCrossEntropy(tfjs.oneHot(tfjs.tensor1d(CLASSES, 'int32'), 4), z, undefined, 0, tfjs.Reduction.NONE),
  },
];

// tfjs's batchNorm computes (x − mean)·scale·rsqrt(variance + ε) + offset (another rounding order).
export const NORMALISATION: Parity[] = [
  { name: 'moments mean, axes [0, 2]', inputs: [{ shape: [3, 4, 2] }], ours: (x) => tf.nn.moments(x, [0, 2])[0], theirs: (x) => tfjs.moments(x, [0, 2]).mean },
  { name: 'moments variance, axes [0, 2], keepdims', inputs: [{ shape: [3, 4, 2] }], ours: (x) => tf.nn.moments(x, [0, 2], { keepdims: true })[1], theirs: (x) => tfjs.moments(x, [0, 2], true).variance },
  {
    name: 'batchNormalization', inputs: [{ shape: [2, 3, 4] }, { shape: [4] }, { shape: [4], lo: 0.5, hi: 2 }, { shape: [4] }, { shape: [4] }],
    ours: (x, m, v, o, s) => tf.nn.batchNormalization(x, m, v, o, s, 0.001), theirs: (x, m, v, o, s) => tfjs.batchNorm(x, m, v, o, s, 0.001),
  },
];

// Convolution and pooling: SAME and VALID, strides, dilations, odd and even sizes; the larger
// cases cross the WebAssembly matmul threshold (f32 accumulation there, hence the tolerance).
// tfjs rejects strides and dilations both above 1 and has no gradient with dilations (values only
// there). Its avgPool gradient divides by the whole window also where SAME padding cuts it, unlike
// its own forward and TensorFlow's AvgPoolGrad: values only for SAME average pooling. Our gradients
// are checked against finite differences in allOps.test.ts.
const conv = (name: string, x: number[], w: number[], strides: number | [number, number], pad: 'SAME' | 'VALID', dil: number | [number, number] = 1, tol = 1e-5): Parity => ({
  name: `conv2d ${name}`, inputs: [{ shape: x }, { shape: w }], tol, grad: dil === 1,
  ours: (a, b) => tf.nn.conv2d(a, b, strides, pad, { dilations: dil }),
  theirs: (a, b) => tfjs.conv2d(a as tfjs.Tensor4D, b as tfjs.Tensor4D, strides, pad === 'SAME' ? 'same' : 'valid', 'NHWC', dil),
});
const pool = (kind: 'max' | 'avg', name: string, x: number[], k: number | [number, number], strides: number | [number, number], pad: 'SAME' | 'VALID'): Parity => ({
  name: `${kind}Pool2d ${name}`, inputs: [{ shape: x }],
  grad: kind === 'max' || pad === 'VALID',
  ours: (a) => (kind === 'max' ? tf.nn.maxPool2d : tf.nn.avgPool2d)(a, k, strides, pad),
  theirs: (a) => (kind === 'max' ? tfjs.maxPool : tfjs.avgPool)(a as tfjs.Tensor4D, k, strides, pad === 'SAME' ? 'same' : 'valid'),
});
export const CONV_AND_POOL: Parity[] = [
  conv('3×3 SAME', [2, 5, 5, 3], [3, 3, 3, 4], 1, 'SAME'),
  conv('3×3 VALID', [2, 5, 6, 3], [3, 3, 3, 4], 1, 'VALID'),
  conv('2×3 SAME stride 2 (odd input, even kernel)', [1, 7, 6, 2], [2, 3, 2, 3], 2, 'SAME'),
  conv('3×2 VALID strides [2, 3]', [2, 8, 7, 1], [3, 2, 1, 2], [2, 3], 'VALID'),
  conv('3×3 SAME dilations 2', [1, 7, 7, 2], [3, 3, 2, 2], 1, 'SAME', 2),
  conv('2×2 VALID dilations [2, 1]', [1, 6, 5, 2], [2, 2, 2, 3], 1, 'VALID', [2, 1]),
  conv('1×1 (pointwise)', [2, 3, 4, 5], [1, 1, 5, 2], 1, 'VALID'),
  conv('large, SAME (WebAssembly sgemm)', [4, 16, 16, 8], [3, 3, 8, 16], 1, 'SAME', 1, 1e-4),
  conv('large, VALID stride 2 (WebAssembly sgemm)', [4, 17, 15, 6], [5, 5, 6, 8], 2, 'VALID', 1, 1e-4),
  {
    name: 'conv1d stride 2 SAME', inputs: [{ shape: [2, 9, 3] }, { shape: [3, 3, 4] }],
    ours: (a, b) => tf.nn.conv1d(a, b, 2, 'SAME'), theirs: (a, b) => tfjs.conv1d(a as tfjs.Tensor3D, b as tfjs.Tensor3D, 2, 'same'),
  },
  {
    name: 'conv1d dilation 2 VALID (values)', inputs: [{ shape: [2, 9, 3] }, { shape: [3, 3, 2] }], grad: false,
    ours: (a, b) => tf.nn.conv1d(a, b, 1, 'VALID', { dilations: 2 }), theirs: (a, b) => tfjs.conv1d(a as tfjs.Tensor3D, b as tfjs.Tensor3D, 1, 'valid', 'NWC', 2),
  },
  {
    name: 'conv2dTranspose stride 2 SAME', inputs: [{ shape: [2, 3, 4, 3] }, { shape: [3, 3, 2, 3] }],
    ours: (a, b) => tf.nn.conv2dTranspose(a, b, [2, 6, 8, 2], 2, 'SAME'), theirs: (a, b) => tfjs.conv2dTranspose(a as tfjs.Tensor4D, b as tfjs.Tensor4D, [2, 6, 8, 2], 2, 'same'),
  },
  {
    name: 'conv2dTranspose stride 2 VALID (odd output)', inputs: [{ shape: [1, 3, 3, 2] }, { shape: [3, 3, 4, 2] }],
    ours: (a, b) => tf.nn.conv2dTranspose(a, b, [1, 7, 7, 4], 2, 'VALID'), theirs: (a, b) => tfjs.conv2dTranspose(a as tfjs.Tensor4D, b as tfjs.Tensor4D, [1, 7, 7, 4], 2, 'valid'),
  },
  {
    name: 'depthwiseConv2d SAME multiplier 2', inputs: [{ shape: [2, 5, 5, 3] }, { shape: [3, 3, 3, 2] }],
    ours: (a, b) => tf.nn.depthwiseConv2d(a, b, 1, 'SAME'), theirs: (a, b) => tfjs.depthwiseConv2d(a as tfjs.Tensor4D, b as tfjs.Tensor4D, 1, 'same'),
  },
  {
    name: 'depthwiseConv2d VALID stride 2', inputs: [{ shape: [1, 7, 6, 2] }, { shape: [2, 3, 2, 1] }],
    ours: (a, b) => tf.nn.depthwiseConv2d(a, b, [2, 2], 'VALID'), theirs: (a, b) => tfjs.depthwiseConv2d(a as tfjs.Tensor4D, b as tfjs.Tensor4D, 2, 'valid'),
  },
  {
    name: 'depthwiseConv2d dilations 2 (values)', inputs: [{ shape: [1, 7, 7, 2] }, { shape: [3, 3, 2, 2] }], grad: false,
    ours: (a, b) => tf.nn.depthwiseConv2d(a, b, 1, 'SAME', { dilations: 2 }), theirs: (a, b) => tfjs.depthwiseConv2d(a as tfjs.Tensor4D, b as tfjs.Tensor4D, 1, 'same', 'NHWC', 2),
  },
  pool('max', '2×2 stride 2 VALID', [2, 6, 6, 3], 2, 2, 'VALID'),
  pool('max', '3×3 stride 2 SAME (odd input)', [2, 7, 5, 2], 3, 2, 'SAME'),
  pool('max', '2×3 strides [1, 2] SAME', [1, 5, 6, 2], [2, 3], [1, 2], 'SAME'),
  pool('avg', '2×2 stride 2 VALID', [2, 6, 6, 3], 2, 2, 'VALID'),
  pool('avg', '3×3 stride 2 SAME (padding not counted; values)', [2, 7, 5, 2], 3, 2, 'SAME'),
  pool('avg', '3×2 strides [2, 1] VALID', [1, 7, 5, 2], [3, 2], [2, 1], 'VALID'),
  // Large enough for the WebAssembly window kernels at the default thresholds.
  pool('max', 'large 3×3 stride 2 SAME (WebAssembly)', [3, 13, 11, 5], 3, 2, 'SAME'),
  pool('avg', 'large 3×3 stride 1 VALID (WebAssembly)', [2, 12, 10, 4], 3, 1, 'VALID'),
  {
    name: 'depthwiseConv2d large SAME multiplier 2 (WebAssembly)', inputs: [{ shape: [2, 12, 11, 4] }, { shape: [3, 3, 4, 2] }],
    ours: (a, b) => tf.nn.depthwiseConv2d(a, b, 1, 'SAME'), theirs: (a, b) => tfjs.depthwiseConv2d(a as tfjs.Tensor4D, b as tfjs.Tensor4D, 1, 'same'),
  },
  {
    name: 'maxPool1d 3 stride 2 SAME', inputs: [{ shape: [2, 9, 3] }],
    ours: (a) => tf.nn.maxPool1d(a, 3, 2, 'SAME'), theirs: (a) => tfjs.squeeze(tfjs.maxPool(tfjs.expandDims(a, 1) as tfjs.Tensor4D, [1, 3], [1, 2], 'same'), [1]),
  },
  {
    name: 'avgPool1d 2 stride 2 VALID', inputs: [{ shape: [2, 9, 3] }],
    ours: (a) => tf.nn.avgPool1d(a, 2, 2, 'VALID'), theirs: (a) => tfjs.squeeze(tfjs.avgPool(tfjs.expandDims(a, 1) as tfjs.Tensor4D, [1, 2], [1, 2], 'valid'), [1]),
  },
];

describe('parity with @tensorflow/tfjs-core 4.22 (cpu): issue 12 ops, forward and gradient', () => {
  let prevProd = false;
  before(async () => {
    prevProd = tfjs.env().getBool('PROD');
    tfjs.env().set('PROD', true);
    await tfjs.setBackend('cpu');
  });
  after(() => {
    tfjs.env().set('PROD', prevProd);
    tf.setKernelBackend('wasm');
  });
  for (const backend of ['ts', 'wasm'] as const) {
    describe(`${backend} kernels`, () => {
      before(() => assert.ok(tf.setKernelBackend(backend)));
      checkParity(ACTIVATION_AND_MATH);
      checkParity(INDEXING);
      checkParity(EINSUM_AND_NORMS);
      checkParity(LOSSES);
      checkParity(NORMALISATION);
      checkParity(CONV_AND_POOL);
    });
  }
});
