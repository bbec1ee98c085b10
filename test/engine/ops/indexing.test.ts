/** stridedSlice (TensorFlow's documented examples and masks), gatherNd and topK: values, gradients, errors. */
import { strict as assert } from 'node:assert';
import * as tf from '../../../src/engine/index';
import { close, grads, value } from './helpers';

const T = [[[1, 1, 1], [2, 2, 2]], [[3, 3, 3], [4, 4, 4]], [[5, 5, 5], [6, 6, 6]]];

describe('stridedSlice', () => {
  it('TensorFlow\'s documented examples', () => {
    assert.deepEqual(tf.stridedSlice(T, [1, 0, 0], [2, 1, 3], [1, 1, 1]).arraySync(), [[[3, 3, 3]]]);
    assert.deepEqual(tf.stridedSlice(T, [1, 0, 0], [2, 2, 3], [1, 1, 1]).arraySync(), [[[3, 3, 3], [4, 4, 4]]]);
    assert.deepEqual(tf.stridedSlice(T, [1, -1, 0], [2, -3, 3], [1, -1, 1]).arraySync(), [[[4, 4, 4], [3, 3, 3]]]);
  });

  it('masks: x[1:, ::-1], x[1, ..., None], x[..., 0], x[-1], clamping of out-of-range bounds', () => {
    const x = tf.reshape(tf.range(0, 6), [2, 3]);
    // x[1:, ::-1]
    assert.deepEqual(tf.stridedSlice(x, [1, 0], [0, 0], [1, -1], { beginMask: 2, endMask: 3 }).arraySync(), [[5, 4, 3]]);
    // x[1, ..., None]: shrink axis 0, ellipsis, new axis
    const y = tf.stridedSlice(tf.constant(T), [1, 0, 0], [2, 0, 0], [1, 1, 1], { shrinkAxisMask: 1, ellipsisMask: 2, newAxisMask: 4 });
    assert.deepEqual(y.shape, [2, 3, 1]);
    assert.deepEqual(y.arraySync(), [[[3], [3], [3]], [[4], [4], [4]]]);
    // x[..., 0]
    assert.deepEqual(tf.stridedSlice(x, [0, 0], [0, 1], [1, 1], { ellipsisMask: 1, shrinkAxisMask: 2 }).arraySync(), [0, 3]);
    // x[-1] and x[None]
    assert.deepEqual(tf.stridedSlice(x, [-1], [0], [1], { shrinkAxisMask: 1 }).arraySync(), [3, 4, 5]);
    assert.deepEqual(tf.stridedSlice(x, [0], [0], [1], { newAxisMask: 1 }).shape, [1, 2, 3]);
    // x[-100:100] clamps; x[2:1] is empty
    assert.deepEqual(tf.stridedSlice([1, 2, 3], [-100], [100]).arraySync(), [1, 2, 3]);
    assert.deepEqual(tf.stridedSlice([1, 2, 3], [2], [1]).shape, [0]);
    assert.deepEqual(tf.stridedSlice([1, 2, 3, 4, 5], [4], [0], [-2], { endMask: 1 }).arraySync(), [5, 3, 1]);
  });

  it('gradient: ∂L/∂out scattered back, zeros elsewhere', () => {
    const [g] = grads((t) => tf.stridedSlice(t, [1, 0], [4, 0], [2, -2], { beginMask: 2, endMask: 2 }), [tf.reshape(tf.range(0, 15), [5, 3])], [[1, 2], [3, 4]]);
    // rows 1 and 3, columns 2 and 0
    close(value(g), [[0, 0, 0], [2, 0, 1], [0, 0, 0], [4, 0, 3], [0, 0, 0]]);
  });

  it('TensorFlow\'s errors', () => {
    assert.throws(() => tf.stridedSlice([1, 2, 3], [5], [6], [1], { shrinkAxisMask: 1 }), /slice index 5 of dimension 0 out of bounds\./);
    assert.throws(() => tf.stridedSlice([1, 2, 3], [0], [2], [0]), /strides\[0\] must be non-zero/);
    assert.throws(() => tf.stridedSlice([1, 2], [0, 0], [1, 1]), /Index out of range using input dim 1; input has only 1 dims/);
    assert.throws(() => tf.stridedSlice([1, 2], [0, 0], [1, 1], [1, 1], { ellipsisMask: 3 }), /Multiple ellipses in slice spec not allowed/);
    assert.throws(() => tf.stridedSlice([1, 2], [0], [1, 2], [1]), /Expected begin, end, and strides to be 1D equal size tensors, but got shapes \[1\], \[2\], and \[1\] instead\./);
    assert.throws(() => tf.stridedSlice([1, 2], [0], [1], [-1], { shrinkAxisMask: 1 }), /only stride 1 allowed on non-range indexing\./);
  });
});

describe('gatherNd', () => {
  it('whole elements, rows, and batched index tuples', () => {
    assert.deepEqual(tf.gatherNd([[1, 2], [3, 4]], [[0, 0], [1, 1]]).arraySync(), [1, 4]);
    assert.deepEqual(tf.gatherNd([[1, 2], [3, 4]], [[1], [0]]).arraySync(), [[3, 4], [1, 2]]);
    assert.deepEqual(tf.gatherNd([[[1, 2], [3, 4]], [[5, 6], [7, 8]]], [[[0, 1]], [[1, 0]]]).arraySync(), [[[3, 4]], [[5, 6]]]);
  });

  it('gradient: scatter-add (repeated tuples add up)', () => {
    const p = tf.variable([[1, 2], [3, 4]]);
    const i = tf.constant([[1, 0], [1, 0], [0, 1]], 'int32');
    const tape = new tf.GradientTape();
    const y = tape.record(() => tf.reduceSum(tf.multiply(tf.gatherNd(p, i), [1, 10, 100])));
    close(value(tape.gradient(y, p)), [[0, 100], [11, 0]]);
  });

  it('TensorFlow\'s errors', () => {
    assert.throws(() => tf.gatherNd([[1, 2], [3, 4]], [[0, 0], [2, 0]]), /indices\[1\] = \[2, 0\] does not index into param shape \[2,2\]/);
    assert.throws(() => tf.gatherNd([1, 2], [[0, 0]]), /index innermost dimension length must be <= params rank; saw: 2 vs\. 1/);
  });
});

describe('topK', () => {
  it('values and indices along the last axis, sorted, ties to the lower index', () => {
    const { values, indices } = tf.math.topK([[1, 3, 2, 3], [4, 0, 4, 9]], 2);
    assert.deepEqual(values.arraySync(), [[3, 3], [9, 4]]);
    assert.deepEqual(indices.arraySync(), [[1, 3], [3, 0]]);
    assert.equal(indices.dtype, 'int32');
    assert.deepEqual(tf.nn.topK([5, 1, 7]).indices.arraySync(), [2]);
    assert.deepEqual(tf.topK([5, 1, 7], 0).values.shape, [0]);
  });

  it('gradient: ∂L/∂values at the chosen positions, 0 elsewhere', () => {
    const [g] = grads((x) => tf.topK(x, 2).values, [tf.constant([[1, 3, 2], [6, 5, 4]])], [[1, 10], [100, 1000]]);
    close(value(g), [[0, 1, 10], [100, 1000, 0]]);
  });

  it('TensorFlow\'s errors', () => {
    assert.throws(() => tf.topK([1, 2], 3), /input must have at least k columns\. Had 2, needed 3/);
    assert.throws(() => tf.topK([1, 2], -1), /Need k >= 0, got -1/);
    assert.throws(() => tf.topK(3, 1), /input must be >= 1-D, got shape \[\]/);
  });
});
