/** Issue 12's math: values and gradients worked out by hand, TensorFlow's edge cases and errors. */
import { strict as assert } from 'node:assert';
import * as tf from '../../../src/engine/index';
import { close, grads, value } from './helpers';

describe('more math', () => {
  it('reciprocal and rsqrt: ∂ from the output (−out², −½·out³)', () => {
    close(tf.math.reciprocal([4, -2]).arraySync(), [0.25, -0.5]);
    close(value(grads((x) => tf.reciprocal(x), [tf.constant([4, -2])])[0]), [-1 / 16, -1 / 4]);
    close(tf.math.rsqrt(4).arraySync(), 0.5);
    close(value(grads((x) => tf.rsqrt(x), [tf.constant(4)])[0]), -1 / 16);
  });

  it('erf to double precision (Python\'s math.erf), both tails; ∂ = 2/√π·e^(−x²)', () => {
    const xs = [0.5, 1, -3.2, 2.9, 3.1, 5, -0.01, 1e-10, 0];
    const ref = [0.5204998778130465, 0.8427007929497149, -0.9999939742388483, 0.9999589021219005, 0.9999883513426328, 0.9999999999984626, -0.011283415555849616, 1.1283791670955126e-10, 0];
    close(Array.from(tf.math.erf(tf.constant(xs, 'float64')).dataSync()), ref, 1e-15);
    close(tf.erf([Infinity, -Infinity]).arraySync(), [1, -1]);
    close(value(grads((x) => tf.erf(x), [tf.constant(1, 'float64')])[0]), (2 / Math.sqrt(Math.PI)) * Math.exp(-1), 1e-14);
  });

  it('floor, ceil, round (half to even) have no gradient: null, as TensorFlow', () => {
    close(tf.math.floor([-1.5, 1.5]).arraySync(), [-2, 1]);
    close(tf.math.ceil([-1.5, 1.5]).arraySync(), [-1, 2]);
    close(tf.math.round([0.5, 1.5, 2.5, -1.5, 2.4]).arraySync(), [0, 2, 2, -2, 2]);
    assert.deepEqual(tf.round(tf.constant([3], 'int32')).arraySync(), [3]);
    for (const f of [tf.floor, tf.ceil, tf.round]) assert.equal(grads((x) => f(x), [tf.constant([1.3])])[0], null);
    assert.equal(grads((x) => tf.floorDiv(x, 2), [tf.constant([1.3])])[0], null);
  });

  it('floorDiv and floorMod round toward −∞ (Python\'s // and %); the remainder takes the divisor\'s sign', () => {
    assert.deepEqual(tf.math.floorDiv(tf.constant([7, -7], 'int32'), tf.constant([-2, 2], 'int32')).arraySync(), [-4, -4]);
    assert.equal(tf.floorDiv(7, -2).dtype, 'float32');
    close(tf.floorDiv([7.5], 2).arraySync(), [3]);
    assert.deepEqual(tf.math.floorMod(tf.constant([7, -7], 'int32'), tf.constant([-2, 2], 'int32')).arraySync(), [-1, 1]);
    close(tf.floorMod([-7.5, 7.5], [2, -2]).arraySync(), [0.5, -0.5]);
    assert.throws(() => tf.floorDiv(tf.constant([1], 'int32'), tf.constant([0], 'int32')), /^InvalidArgumentError: Integer division by zero/);
    assert.throws(() => tf.floorMod(tf.constant([1], 'int32'), tf.constant([0], 'int32')), /Integer division by zero/);
  });

  it('floorMod: ∂/∂x = 1, ∂/∂y = −⌊x/y⌋', () => {
    const [dx, dy] = grads((a, b) => tf.floorMod(a, b), [tf.constant(7.5), tf.constant(2)]);
    close(value(dx), 1);
    close(value(dy), -3);
  });

  it('xlogy: 0 where x = 0 (also for y = 0); ∂/∂x = ln y, ∂/∂y = x/y, both 0 where x = 0', () => {
    close(tf.math.xlogy([0, 2], [0, Math.E]).arraySync(), [0, 2]);
    const [dx, dy] = grads((a, b) => tf.xlogy(a, b), [tf.constant([2, 0]), tf.constant([Math.E, 1])]);
    close(value(dx), [1, 0]);
    close(value(dy), [2 / Math.E, 0]);
  });

  it('divNoNan: 0 where y = 0, and so are both gradients', () => {
    close(tf.math.divNoNan([1, 3], [0, 2]).arraySync(), [0, 1.5]);
    const [dx, dy] = grads((a, b) => tf.divNoNan(a, b), [tf.constant([3, 3]), tf.constant([2, 0])]);
    close(value(dx), [0.5, 0]);
    close(value(dy), [-0.75, 0]);
  });

  it('cumsum: exclusive, reverse, another axis; ∂ = cumsum of dy the other way', () => {
    close(tf.math.cumsum([1, 2, 3]).arraySync(), [1, 3, 6]);
    close(tf.cumsum([1, 2, 3], 0, { exclusive: true }).arraySync(), [0, 1, 3]);
    close(tf.cumsum([1, 2, 3], 0, { reverse: true }).arraySync(), [6, 5, 3]);
    close(tf.cumsum([1, 2, 3], -1, { exclusive: true, reverse: true }).arraySync(), [5, 3, 0]);
    close(tf.cumsum([[1, 2], [3, 4]], 1).arraySync(), [[1, 3], [3, 7]]);
    close(value(grads((x) => tf.cumsum(x), [tf.constant([1, 2, 3])], [1, 10, 100])[0]), [111, 110, 100]);
    assert.throws(() => tf.cumsum([1, 2], 1), /ScanOp: Expected scan axis in the range \[-1, 1\), but got 1/);
  });

  it('cumprod: running products; ∂ by TensorFlow\'s rule', () => {
    close(tf.math.cumprod([1, 2, 3]).arraySync(), [1, 2, 6]);
    close(tf.math.cumprod([1, 2, 3], 0, { exclusive: true }).arraySync(), [1, 1, 2]);
    // d/dx Σ cumprod = [1 + x₁ + x₁x₂, x₀ + x₀x₂, x₀x₁]
    close(value(grads((x) => tf.math.cumprod(x), [tf.constant([1, 2, 3])])[0]), [9, 4, 2]);
  });

  it('reduceProd: over axes; its gradient is exact at zeros (no division)', () => {
    close(tf.math.reduceProd([[1, 2], [3, 4]]).arraySync(), 24);
    close(tf.reduceProd([[1, 2], [3, 4]], 0).arraySync(), [3, 8]);
    close(tf.reduceProd([[1, 2], [3, 4]], 1, true).arraySync(), [[2], [12]]);
    close(value(grads((x) => tf.reduceProd(x), [tf.constant([2, 0, 3])])[0]), [0, 6, 0]);
    close(value(grads((x) => tf.reduceProd(x), [tf.constant([0, 0, 3])])[0]), [0, 0, 0]);
    close(value(grads((x) => tf.reduceProd(x, 1), [tf.constant([[1, 2], [3, 4]])])[0]), [[2, 1], [4, 3]]);
  });

  it('reduceVariance and reduceStd: population statistics; ∂var/∂x = 2(x − mean)/n', () => {
    close(tf.math.reduceVariance([1, 2, 3, 4]).arraySync(), 1.25);
    close(tf.math.reduceStd([[1, 2], [3, 5]], 1).arraySync(), [0.5, 1]);
    close(value(grads((x) => tf.reduceVariance(x), [tf.constant([1, 2, 3, 4])])[0]), [-0.75, -0.25, 0.25, 0.75]);
  });

  it('l2Normalize: x/‖x‖ over the axis, zero vectors stay zero (ε = 1e-12)', () => {
    close(tf.math.l2Normalize([3, 4]).arraySync(), [0.6, 0.8]);
    close(tf.nn.l2Normalize([[3, 4], [0, 0]], 1).arraySync(), [[0.6, 0.8], [0, 0]]);
    // ∂/∂x Σ x/‖x‖ at (3, 4): (1 − x·Σx/‖x‖²)/‖x‖
    close(value(grads((x) => tf.l2Normalize(x), [tf.constant([3, 4])])[0]), [(1 - (3 * 7) / 25) / 5, (1 - (4 * 7) / 25) / 5]);
  });
});
