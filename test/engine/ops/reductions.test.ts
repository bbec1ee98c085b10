/** Reductions: forward values and hand-derived gradients. */
import { strict as assert } from 'node:assert';
import * as tf from '../../../src/engine/index';
import { close, grads, value } from './helpers';

const m = (): tf.Tensor => tf.constant([[1, 2], [3, 4]]);

describe('reductions', () => {
  it('reduceSum over an axis, with keepdims, and over all; gradient ones', () => {
    close(tf.reduceSum(m(), 0).arraySync(), [4, 6]);
    close(tf.reduceSum(m(), 1, true).arraySync(), [[3], [7]]);
    close(tf.reduceSum(m()).arraySync(), 10);
    close(tf.reduceSum(m(), [-1, 0]).arraySync(), 10);
    close(value(grads((x) => tf.reduceSum(x, 0), [m()], [10, 20])[0]), [[10, 20], [10, 20]]);
  });

  it('reduceMean: 2.5; gradient 1/n', () => {
    close(tf.reduceMean(m()).arraySync(), 2.5);
    close(tf.reduceMean(m(), 1).arraySync(), [1.5, 3.5]);
    close(value(grads((x) => tf.reduceMean(x), [m()])[0]), [[0.25, 0.25], [0.25, 0.25]]);
  });

  it('reduceMax / reduceMin: the gradient goes to the chosen element', () => {
    close(tf.reduceMax(m(), 1).arraySync(), [2, 4]);
    close(tf.reduceMin(m(), 1).arraySync(), [1, 3]);
    close(value(grads((x) => tf.reduceMax(x, 1), [m()])[0]), [[0, 1], [0, 1]]);
    close(value(grads((x) => tf.reduceMin(x, 0), [m()])[0]), [[1, 1], [0, 0]]);
  });

  it('reduceLogSumExp: ln(e⁰ + e^ln3) = ln 4; gradient the softmax [1/4, 3/4]', () => {
    const x = tf.constant([0, Math.log(3)]);
    close(tf.reduceLogSumExp(x).arraySync(), Math.log(4));
    close(value(grads((t) => tf.reduceLogSumExp(t), [x])[0]), [0.25, 0.75]);
    close(tf.reduceLogSumExp([1000, 1000]).arraySync(), 1000 + Math.LN2, 1e-6);
  });

  it('reduceLogSumExp\'s gradient at large inputs is the exact softmax (not e^(x − out) with out rounded to float32)', () => {
    // out = fround(1000 + ln 2) is 3e-5 off; e^(1000 − out) would give 0.4999855.
    assert.deepEqual(Array.from(grads((t) => tf.reduceLogSumExp(t), [tf.constant([1000, 1000])])[0]!.dataSync()), [0.5, 0.5]);
    assert.deepEqual(Array.from(grads((t) => tf.reduceLogSumExp(t, 1), [tf.constant([[-1000, -1000, -1000, -1000]])])[0]!.dataSync()), [0.25, 0.25, 0.25, 0.25]);
  });

  it('argMax / argMin: int32 indices, first on ties, not differentiable', () => {
    const x = tf.constant([[1, 5, 2], [7, 0, 7]]);
    const am = tf.argMax(x, 1);
    assert.equal(am.dtype, 'int32');
    assert.deepEqual(am.arraySync(), [1, 0]);
    assert.deepEqual(tf.argMin(x, 1).arraySync(), [0, 1]);
    assert.deepEqual(tf.argMax(x).arraySync(), [1, 0, 1]);
  });

  it('reductions accumulate in double and round once (sum of 0.1 ten thousand times)', () => {
    const s = tf.reduceSum(tf.fill([10000], 0.1)).dataSync()[0];
    assert.equal(s, Math.fround(Math.fround(0.1) * 10000));
  });

  it('an out-of-range axis is an InvalidArgumentError', () => {
    assert.throws(() => tf.reduceSum(m(), 2), tf.errors.InvalidArgumentError);
  });
});
