/**
 * Convolution and pooling: hand values, TensorFlow's shape rules and error texts, the adjoint
 * identities between the ops and their backprops, the composites (conv1d, the 1-D pools) against
 * finite differences, and the float32 rounding rule. The registry-wide checks (allOps, forward mode,
 * both kernel paths) and the TensorFlow.js cross-checks cover the ops' gradients further.
 */
import { strict as assert } from 'node:assert';
import * as tf from '../../../src/engine/index';
import { peekValues } from '../../../src/engine/tensor';
import { checkGrads, gradOf, lcg } from '../gradcheck';
import { close, grads, value } from './helpers';

const rnd = (shape: number[], seed: number, dtype: 'float32' | 'float64' = 'float64'): tf.Tensor => {
  const rand = lcg(seed);
  const n = shape.reduce((p, d) => p * d, 1);
  const v = Array.from({ length: n }, () => rand() * 4 - 2);
  return tf.constant(dtype === 'float32' ? Float32Array.from(v) : Float64Array.from(v), dtype, shape);
};
const dot = (a: tf.Tensor, b: tf.Tensor): number => tf.reduceSum(tf.multiply(a, b)).dataSync()[0];

describe('tf.nn.conv2d', () => {
  const x = (): tf.Tensor => tf.reshape(tf.range(1, 10), [1, 3, 3, 1]);

  it('is a cross-correlation: a 2×2 box over 1..9 (VALID) and its SAME padding on the bottom and right', () => {
    const w = tf.ones([2, 2, 1, 1]);
    close(tf.nn.conv2d(x(), w, 1, 'VALID').arraySync(), [[[[12], [16]], [[24], [28]]]]);
    // SAME with an even kernel pads 0 before and 1 after.
    close(tf.squeeze(tf.nn.conv2d(x(), w, 1, 'SAME')).arraySync(), [[12, 16, 9], [24, 28, 15], [15, 17, 9]]);
    // The filter is not flipped: a one at the top-left tap picks the top-left of each window.
    close(tf.squeeze(tf.nn.conv2d(x(), [[[[1]], [[0]]], [[[0]], [[0]]]], 1, 'VALID')).arraySync(), [[1, 2], [4, 5]]);
  });

  it("has TensorFlow's output shapes for strides and dilations", () => {
    const shape = (xs: number[], ws: number[], s: number | number[], p: 'SAME' | 'VALID', d: number | number[] = 1): number[] =>
      tf.nn.conv2d(tf.zeros(xs), tf.zeros(ws), s, p, { dilations: d }).shape;
    assert.deepEqual(shape([2, 5, 7, 3], [3, 3, 3, 4], 2, 'SAME'), [2, 3, 4, 4]);
    assert.deepEqual(shape([2, 5, 7, 3], [3, 3, 3, 4], 2, 'VALID'), [2, 2, 3, 4]);
    assert.deepEqual(shape([1, 9, 9, 1], [3, 3, 1, 1], 1, 'VALID', 2), [1, 5, 5, 1]);
    assert.deepEqual(shape([1, 9, 9, 1], [3, 3, 1, 1], [1, 1, 1, 1], 'VALID', [1, 3, 1, 1]), [1, 3, 7, 1]);
    // TensorFlow's VALID size rounds toward zero: an input one short of the window gives size 0.
    assert.deepEqual(shape([1, 2, 3, 1], [3, 3, 1, 1], 1, 'VALID'), [1, 0, 1, 1]);
  });

  it("rejects bad shapes and arguments with TensorFlow's texts", () => {
    assert.throws(() => tf.nn.conv2d(tf.zeros([1, 3, 3]), tf.zeros([2, 2, 1, 1]), 1, 'VALID'), /^InvalidArgumentError: input must be 4-dimensional\[1,3,3\] \[Op:Conv2D\]$/);
    assert.throws(() => tf.nn.conv2d(tf.zeros([1, 3, 3, 1]), tf.zeros([2, 2, 1]), 1, 'VALID'), /filter must be 4-dimensional: \[2,2,1\] \[Op:Conv2D\]/);
    assert.throws(() => tf.nn.conv2d(tf.zeros([1, 3, 3, 3]), tf.zeros([2, 2, 2, 1]), 1, 'VALID'), /input depth must be evenly divisible by filter depth: 3 vs 2 \[Op:Conv2D\]/);
    assert.throws(() => tf.nn.conv2d(tf.zeros([1, 2, 5, 1]), tf.zeros([4, 2, 1, 1]), 1, 'VALID'),
      /Computed output size would be negative: -1 \[input_size: 2, effective_filter_size: 4, stride: 1\] \[Op:Conv2D\]/);
    assert.throws(() => tf.nn.conv2d(tf.zeros([1, 3, 3, 1]), tf.zeros([2, 2, 1, 1]), [1, 1, 1], 'VALID'), /strides should be of length 1, 2 or 4 but was 3/);
    assert.throws(() => tf.nn.conv2d(tf.zeros([1, 3, 3, 1]), tf.zeros([2, 2, 1, 1]), [2, 1, 1, 1], 'VALID'), /does not yet support strides in the batch and depth dimensions/);
    assert.throws(() => tf.nn.conv2d(tf.zeros([1, 3, 3, 1]), tf.zeros([2, 2, 1, 1]), 0, 'VALID'), /Row and column strides should be larger than 0/);
    assert.throws(() => tf.nn.conv2d(tf.zeros([1, 3, 3, 1]), tf.zeros([2, 2, 1, 1]), 1, 'same' as 'SAME'), /Value for attr 'padding' of "same" is not in the list of allowed values: "SAME", "VALID"/);
    assert.throws(() => tf.nn.conv2d(tf.zeros([1, 3, 3, 1]), tf.zeros([2, 2, 1, 1], 'float64'), 1, 'VALID'), /cannot compute Conv2D as input #1\(zero-based\) was expected to be a float tensor but is a double tensor/);
  });

  it('conv2dTranspose is its adjoint: ⟨conv2d(x, w), y⟩ = ⟨x, conv2dTranspose(y, w, shape of x)⟩', () => {
    for (const [xs, ws, s, p] of [[[2, 7, 6, 3], [3, 2, 3, 4], 2, 'SAME'], [[1, 8, 7, 2], [3, 3, 2, 3], [2, 3], 'VALID'], [[1, 5, 5, 1], [1, 1, 1, 2], 1, 'VALID']] as const) {
      const xx = rnd(xs.slice(), 1);
      const w = rnd(ws.slice(), 2);
      const yy = rnd(tf.nn.conv2d(xx, w, s.valueOf() as number, p).shape, 3);
      close(dot(tf.nn.conv2d(xx, w, s.valueOf() as number, p), yy), dot(xx, tf.nn.conv2dTranspose(yy, w, xs.slice(), s.valueOf() as number, p)), 1e-12);
    }
  });

  it("conv2dTranspose checks its output shape with TensorFlow's text", () => {
    assert.throws(() => tf.nn.conv2dTranspose(tf.zeros([1, 3, 3, 1]), tf.zeros([3, 3, 1, 1]), [1, 8, 8, 1], 2, 'SAME'),
      /Conv2DCustomBackpropInput: Size of out_backprop doesn't match computed: actual = 3, computed = 4 spatial_dim: 1 input: 8 filter: 3 output: 3 stride: 2 dilation: 1 \[Op:Conv2DBackpropInput\]/);
    assert.deepEqual(tf.nn.conv2dTranspose(tf.zeros([1, 3, 3, 2]), tf.zeros([3, 3, 5, 2]), [1, 7, 7, 5], 2, 'VALID').shape, [1, 7, 7, 5]);
    assert.throws(() => tf.nn.conv2dTranspose(tf.zeros([1, 3, 3, 2]), tf.zeros([3, 3, 5, 2]), [1, 7, 7], 2, 'VALID'), /output_shape must be a list of 4 non-negative integers/);
  });

  it('its gradient is built from recorded ops: third derivatives through three tapes match central differences', () => {
    const w = rnd([2, 2, 1, 1], 4);
    // f(x) = Σ conv2d(x, w)³: the third derivative along x is 6·Σ (conv2d(v, w))³-like terms, nonzero.
    const f = (t: tf.Tensor): tf.Tensor => tf.pow(tf.nn.conv2d(t, w, 1, 'SAME'), 3);
    checkGrads(gradOf(gradOf(f, 0), 0), [rnd([1, 3, 3, 1], 5)], { eps: 1e-5, rtol: 1e-4, atol: 1e-6, name: 'd²/dx² Σ conv2d³' });
    checkGrads(gradOf((t) => tf.square(tf.nn.conv2d(rnd([1, 4, 4, 2], 6), t, 2, 'SAME')), 0), [rnd([3, 3, 2, 2], 7)], { eps: 1e-5, rtol: 1e-4, atol: 1e-6, name: 'd/dw Σ conv2d²' });
  });

  it('float32 results are computed in double and rounded once (small sizes, both kernel sets)', () => {
    const xx = rnd([1, 4, 4, 3], 8, 'float32');
    const w = rnd([3, 3, 3, 2], 9, 'float32');
    const y = peekValues(tf.nn.conv2d(xx, w, 1, 'SAME'));
    const xv = peekValues(xx);
    const wv = peekValues(w);
    for (let oh = 0; oh < 4; oh++) for (let ow = 0; ow < 4; ow++) for (let o = 0; o < 2; o++) {
      let s = 0;
      for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) for (let c = 0; c < 3; c++) {
        const ih = oh + i - 1;
        const iw = ow + j - 1;
        if (ih >= 0 && ih < 4 && iw >= 0 && iw < 4) s += xv[(ih * 4 + iw) * 3 + c] * wv[((i * 3 + j) * 3 + c) * 2 + o];
      }
      assert.equal(y[(oh * 4 + ow) * 2 + o], Math.fround(s));
    }
  });
});

describe('tf.nn.conv1d', () => {
  it('is conv2d over a height-1 image: values, shape and finite-difference gradients', () => {
    close(tf.nn.conv1d([[[1], [2], [3], [4]]], [[[1]], [[-1]]], 1, 'VALID').arraySync(), [[[-1], [-1], [-1]]]);
    assert.deepEqual(tf.nn.conv1d(tf.zeros([2, 9, 3]), tf.zeros([3, 3, 4]), 2, 'SAME').shape, [2, 5, 4]);
    checkGrads((a, b) => tf.nn.conv1d(a, b, 2, 'SAME', { dilations: 1 }), [rnd([2, 7, 2], 1), rnd([3, 2, 3], 2)], { name: 'conv1d' });
    checkGrads((a, b) => tf.nn.conv1d(a, b, 1, 'VALID', { dilations: 2 }), [rnd([1, 7, 2], 3), rnd([2, 2, 1], 4)], { name: 'conv1d dilated' });
    assert.throws(() => tf.nn.conv1d(tf.zeros([2, 9, 3]), tf.zeros([3, 3, 4]), [1, 1], 'SAME'), /stride should be of length 1, 1 or 3 but was 2/);
  });
});

describe('tf.nn.depthwiseConv2d', () => {
  it('convolves each channel with its own filters: channel c·M + m', () => {
    const xx = tf.constant([[[[1, 10], [2, 20]], [[3, 30], [4, 40]]]]);
    // Channel 0 × (1, −1), channel 1 × (0.5, 2), over the whole 2×2 image.
    const w = tf.concat([tf.ones([2, 2, 1, 2]), tf.ones([2, 2, 1, 2])], 2);
    const scale = tf.constant([[1, -1], [0.5, 2]]);
    close(tf.nn.depthwiseConv2d(xx, tf.multiply(w, scale), 1, 'VALID').arraySync(), [[[[10, -10, 50, 200]]]]);
    assert.throws(() => tf.nn.depthwiseConv2d(tf.zeros([1, 3, 3, 3]), tf.zeros([2, 2, 2, 1]), 1, 'VALID'), /input and filter must have the same depth: 3 vs 2 \[Op:DepthwiseConv2dNative\]/);
  });

  it('equals conv2d with a block-diagonal filter, gradients included', () => {
    const xx = rnd([2, 5, 4, 3], 11);
    const w = rnd([3, 2, 3, 2], 12);
    // full[i, j, c, c'·2 + m] = w[i, j, c, m]·[c = c'].
    const eye = tf.reshape(tf.cast(tf.eye(3), 'float64'), [1, 1, 3, 3, 1]);
    const full = (t: tf.Tensor): tf.Tensor => tf.reshape(tf.multiply(tf.reshape(t, [3, 2, 3, 1, 2]), eye), [3, 2, 3, 6]);
    const a = grads((p, q) => tf.nn.depthwiseConv2d(p, q, [2, 1], 'SAME'), [xx, w], rnd([2, 3, 4, 6], 13));
    const b = grads((p, q) => tf.nn.conv2d(p, full(q), [2, 1], 'SAME'), [xx, w], rnd([2, 3, 4, 6], 13));
    close(tf.nn.depthwiseConv2d(xx, w, [2, 1], 'SAME').arraySync(), tf.nn.conv2d(xx, full(w), [2, 1], 'SAME').arraySync(), 1e-12);
    close(value(a[0]), value(b[0]), 1e-12);
    close(value(a[1]), value(b[1]), 1e-12);
  });
});

describe('pooling', () => {
  const x = (): tf.Tensor => tf.reshape(tf.constant([1, 5, 2, 0, 3, 4, 8, 1, 0, 2, 6, 7, 9, 1, 1, 3]), [1, 4, 4, 1]);

  it('maxPool2d and avgPool2d over 2×2 windows', () => {
    close(tf.squeeze(tf.nn.maxPool2d(x(), 2, 2, 'VALID')).arraySync(), [[5, 8], [9, 7]]);
    close(tf.squeeze(tf.nn.avgPool2d(x(), 2, 2, 'VALID')).arraySync(), [[13 / 4, 11 / 4], [12 / 4, 17 / 4]]);
    // SAME: 3×3 windows at stride 2 over 4×4 pad 0 before, 1 after; the mean counts real pixels only.
    close(tf.squeeze(tf.nn.avgPool2d(x(), 3, 2, 'SAME')).arraySync(), [[31 / 9, 24 / 6], [19 / 6, 17 / 4]]);
  });

  it("maxPool's gradient goes to the first maximum of each window (TensorFlow's tie rule), avgPool's is spread evenly", () => {
    const ties = tf.ones([1, 2, 2, 1]);
    close(value(grads((t) => tf.nn.maxPool2d(t, 2, 2, 'VALID'), [ties])[0]), [[[[1], [0]], [[0], [0]]]]);
    close(value(grads((t) => tf.nn.avgPool2d(t, 2, 2, 'VALID'), [ties])[0]), [[[[0.25], [0.25]], [[0.25], [0.25]]]]);
    // Overlapping windows add up at a shared maximum.
    const g = grads((t) => tf.nn.maxPool2d(t, 2, 1, 'VALID'), [x()])[0];
    close(tf.squeeze(g!).arraySync(), [[0, 1, 0, 0], [0, 1, 4, 0], [0, 0, 1, 1], [1, 0, 0, 0]]);
  });

  it('the 1-D pools are the 2-D ones over a height-1 image, with finite-difference gradients', () => {
    const s = tf.constant([[[1], [3], [2], [5], [4]]]);
    close(tf.nn.maxPool1d(s, 2, 2, 'SAME').arraySync(), [[[3], [5], [4]]]);
    close(tf.nn.avgPool1d(s, 3, 1, 'VALID').arraySync(), [[[2], [10 / 3], [11 / 3]]]);
    checkGrads((t) => tf.nn.maxPool1d(t, 3, 2, 'SAME'), [rnd([2, 7, 2], 21)], { name: 'maxPool1d' });
    checkGrads((t) => tf.nn.avgPool1d(t, 2, 1, 'VALID'), [rnd([2, 7, 2], 22)], { name: 'avgPool1d' });
  });

  it("rejects bad arguments with TensorFlow's texts", () => {
    assert.throws(() => tf.nn.maxPool2d(tf.zeros([4, 4, 1]), 2, 2, 'VALID'), /tensor_in must be 4-dimensional \[Op:MaxPool\]/);
    assert.throws(() => tf.nn.avgPool2d(tf.zeros([1, 4, 4, 1]), [2, 2, 2], 2, 'VALID'), /ksize should be of length 1, 2 or 4 but was 3/);
    assert.throws(() => tf.nn.maxPool2d(tf.zeros([1, 4, 4, 1]), [1, 2, 2, 2], 2, 'VALID'), /Pooling is not yet supported on the batch or depth dimension/);
    assert.throws(() => tf.nn.maxPool2d(tf.zeros([1, 4, 4, 1]), 0, 1, 'VALID'), /Sliding window ksize for dimension 1 was zero/);
    assert.throws(() => tf.nn.avgPool2d(tf.zeros([1, 1, 1, 1]), 3, 1, 'VALID'), /Computed output size would be negative: -1 \[input_size: 1, effective_filter_size: 3, stride: 1\] \[Op:AvgPool\]/);
  });

  it('MaxPool has a forward-mode rule: the tangent at each maximum', () => {
    const t = rnd([1, 4, 4, 1], 23);
    const v = rnd([1, 4, 4, 1], 24);
    const acc = new tf.autodiff.ForwardAccumulator(t, v);
    const y = acc.record(() => tf.nn.maxPool2d(t, 2, 2, 'VALID'));
    const jvp = acc.jvp(y)!;
    const expected = grads((u) => tf.multiply(tf.nn.maxPool2d(u, 2, 2, 'VALID'), 1), [t])[0]!;
    // Σ jvp = Σ over the chosen positions of v = ⟨gradient of Σ maxPool, v⟩.
    close(tf.reduceSum(jvp).dataSync()[0], dot(expected, v), 1e-12);
  });
});
