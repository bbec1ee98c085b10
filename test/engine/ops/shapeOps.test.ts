/** Shape ops: values and gradients (which move dy back to where each value came from). */
import { strict as assert } from 'node:assert';
import * as tf from '../../../src/engine/index';
import { close, grads, value } from './helpers';

const m23 = (): tf.Tensor => tf.constant([[1, 2, 3], [4, 5, 6]]);

describe('shape ops', () => {
  it('reshape (with -1); gradient reshaped back', () => {
    close(tf.reshape(m23(), [3, -1]).arraySync(), [[1, 2], [3, 4], [5, 6]]);
    close(value(grads((x) => tf.reshape(x, [6]), [m23()], [1, 2, 3, 4, 5, 6])[0]), [[1, 2, 3], [4, 5, 6]]);
    assert.throws(() => tf.reshape(m23(), [4]), /Input to reshape is a tensor with 6 values, but the requested shape has 4/);
  });

  it('transpose (default reverses axes); gradient transposed back', () => {
    close(tf.transpose(m23()).arraySync(), [[1, 4], [2, 5], [3, 6]]);
    close(value(grads((x) => tf.transpose(x), [m23()], [[1, 2], [3, 4], [5, 6]])[0]), [[1, 3, 5], [2, 4, 6]]);
    close(tf.transpose(tf.reshape(tf.range(0, 6), [1, 2, 3]), [2, 0, 1]).shape, [3, 1, 2]);
  });

  it('expandDims / squeeze change only the shape', () => {
    assert.deepEqual(tf.expandDims(m23(), 1).shape, [2, 1, 3]);
    assert.deepEqual(tf.expandDims(m23(), -1).shape, [2, 3, 1]);
    assert.deepEqual(tf.squeeze(tf.zeros([1, 2, 1])).shape, [2]);
    assert.deepEqual(tf.squeeze(tf.zeros([1, 2, 1]), 0).shape, [2, 1]);
    close(value(grads((x) => tf.expandDims(x, 0), [m23()])[0]), [[1, 1, 1], [1, 1, 1]]);
    assert.throws(() => tf.squeeze(m23(), 0), tf.errors.InvalidArgumentError);
  });

  it('concat: values side by side; each input gets its slice of dy', () => {
    const a = tf.constant([[1], [2]]);
    const b = tf.constant([[3, 4], [5, 6]]);
    close(tf.concat([a, b], 1).arraySync(), [[1, 3, 4], [2, 5, 6]]);
    const [da, db] = grads((x, y) => tf.concat([x, y], 1), [a, b], [[1, 2, 3], [4, 5, 6]]);
    close(value(da), [[1], [4]]);
    close(value(db), [[2, 3], [5, 6]]);
  });

  it('stack: a new axis; each input gets its slice of dy', () => {
    close(tf.stack([[1, 2], [3, 4]], 1).arraySync(), [[1, 3], [2, 4]]);
    const [da, db] = grads((x, y) => tf.stack([x, y]), [tf.constant([1, 2]), tf.constant([3, 4])], [[1, 2], [3, 4]]);
    close(value(da), [1, 2]);
    close(value(db), [3, 4]);
  });

  it('slice (size -1 to the end); gradient padded with zeros', () => {
    close(tf.slice(m23(), [0, 1], [2, -1]).arraySync(), [[2, 3], [5, 6]]);
    close(value(grads((x) => tf.slice(x, [1, 0], [1, 2]), [m23()])[0]), [[0, 0, 0], [1, 1, 0]]);
    assert.throws(() => tf.slice(m23(), [0, 2], [1, 2]), tf.errors.InvalidArgumentError);
  });

  it('gather rows; the gradient counts how often each row was taken', () => {
    const x = tf.constant([[1, 2], [3, 4], [5, 6]]);
    close(tf.gather(x, [2, 0, 2]).arraySync(), [[5, 6], [1, 2], [5, 6]]);
    close(tf.gather(x, [1], 1).arraySync(), [[2], [4], [6]]);
    close(value(grads((p) => tf.gather(p, [2, 0, 2]), [x])[0]), [[1, 1], [0, 0], [2, 2]]);
    assert.throws(() => tf.gather(x, [3]), /indices\[0\] = 3 is not in \[0, 3\)/);
  });

  it('tile repeats; gradient sums the copies', () => {
    close(tf.tile([1, 2], [2]).arraySync(), [1, 2, 1, 2]);
    close(tf.tile([[1], [2]], [1, 2]).arraySync(), [[1, 1], [2, 2]]);
    close(value(grads((x) => tf.tile(x, [3]), [tf.constant([1, 2])])[0]), [3, 3]);
  });

  it('broadcastTo; the tape sums the gradient back', () => {
    close(tf.broadcastTo([1, 2], [2, 2]).arraySync(), [[1, 2], [1, 2]]);
    close(value(grads((x) => tf.broadcastTo(x, [3, 2]), [tf.constant([1, 2])])[0]), [3, 3]);
    assert.throws(() => tf.broadcastTo([1, 2, 3], [2, 2]), tf.errors.InvalidArgumentError);
  });

  it('oneHot: float32 rows; out-of-range indices give a zero row', () => {
    const o = tf.oneHot([0, 2, 5], 3);
    assert.equal(o.dtype, 'float32');
    assert.deepEqual(o.arraySync(), [[1, 0, 0], [0, 0, 1], [0, 0, 0]]);
  });

  it('pad (internal, the gradient of slice); its gradient is the middle slice', () => {
    close(tf.pad([[1]], [[1, 0], [0, 1]]).arraySync(), [[0, 0], [1, 0]]);
    close(value(grads((x) => tf.pad(x, [[1, 1]]), [tf.constant([5])], [1, 2, 3])[0]), [2]);
  });
});
