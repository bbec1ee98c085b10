/** tf.nn.moments and tf.nn.batchNormalization: values, shapes, and derivatives against finite differences. */
import { strict as assert } from 'node:assert';
import * as tf from '../../../src/engine/index';
import { checkGrads, gradOf, lcg } from '../gradcheck';
import { close, value } from './helpers';

const f64 = (shape: number[], seed: number, lo = -2, hi = 2): tf.Tensor => {
  const rand = lcg(seed);
  const n = shape.reduce((p, d) => p * d, 1);
  return tf.constant(Float64Array.from({ length: n }, () => lo + (hi - lo) * rand()), 'float64', shape);
};

describe('tf.nn.moments', () => {
  const x = (): tf.Tensor => tf.constant([[1, 2], [3, 6]]);

  it('gives the mean and the population variance over the axes', () => {
    const [m0, v0] = tf.nn.moments(x(), [0]);
    close(m0.arraySync(), [2, 4]);
    close(v0.arraySync(), [1, 4]);
    const [m, v] = tf.nn.moments(x(), [0, 1]);
    assert.deepEqual(m.shape, []);
    close(m.arraySync(), 3);
    close(v.arraySync(), 3.5);
    const [m1, v1] = tf.nn.moments(x(), -1);
    close(m1.arraySync(), [1.5, 4.5]);
    close(v1.arraySync(), [0.25, 2.25]);
  });

  it('keepdims keeps the reduced axes with size 1', () => {
    const [m, v] = tf.nn.moments(x(), [1], { keepdims: true });
    assert.deepEqual(m.shape, [2, 1]);
    assert.deepEqual(v.shape, [2, 1]);
    close(v.arraySync(), [[0.25], [2.25]]);
  });

  it('its mean and variance have the finite-difference gradient', () => {
    const xs = [f64([3, 4, 2], 5)];
    checkGrads((t) => tf.nn.moments(t, [0, 2])[0], xs, { name: 'moments mean' });
    checkGrads((t) => tf.nn.moments(t, [0, 2])[1], xs, { name: 'moments variance' });
    checkGrads((t) => tf.nn.moments(t, 1, { keepdims: true })[1], xs, { name: 'moments variance keepdims' });
  });

  it("keeps TensorFlow's second derivative: the mean inside the variance is stopGradient, so ∂²var/∂x² = 2/N", () => {
    const t = f64([4], 3);
    const g = gradOf((u) => tf.nn.moments(u, [0])[1], 0);
    const tape = new tf.GradientTape();
    const y = tape.record(() => {
      tape.watch(t);
      return tf.reduceSum(tf.multiply(g(t), [1, 0, 0, 0]));
    });
    close(value(tape.gradient(y, t)), [0.5, 0, 0, 0], 1e-12);
  });

  it('rejects an axis out of range with the reduction error', () => {
    assert.throws(() => tf.nn.moments(x(), [2]), /Invalid reduction dimension \(2 for input with 2 dimension\(s\)/);
  });
});

describe('tf.nn.batchNormalization', () => {
  it('is (x − mean)·scale/√(variance + ε) + offset, broadcasting the statistics', () => {
    const x = tf.constant([[1, 2], [3, 6]]);
    const y = tf.nn.batchNormalization(x, [2, 4], [1, 4], [0.5, -1], [2, 3], 0);
    close(y.arraySync(), [[-1.5, -4], [2.5, 2]]);
    const eps = 0.25;
    const z = tf.nn.batchNormalization(x, [2, 4], [1, 4], null, null, eps);
    close(z.arraySync(), [[-1 / Math.sqrt(1.25), -2 / Math.sqrt(4.25)], [1 / Math.sqrt(1.25), 2 / Math.sqrt(4.25)]]);
  });

  it('normalises with its own moments to mean 0 and variance v/(v + ε)', () => {
    const x = tf.constant([[1, 2, 4, 7]]);
    const [m, v] = tf.nn.moments(x, [1], { keepdims: true });
    const [m2, v2] = tf.nn.moments(tf.nn.batchNormalization(x, m, v, null, null, 1e-3), [1]);
    close(m2.arraySync(), [0], 1e-6);
    const vv = v.dataSync()[0];
    close(v2.arraySync(), [vv / (vv + 1e-3)], 1e-6);
  });

  it('has the finite-difference gradient w.r.t. x, mean, variance, offset and scale, and the second derivative', () => {
    const xs = [f64([3, 4], 1), f64([4], 2), f64([4], 3, 0.5, 2), f64([4], 4), f64([4], 6)];
    const bn = (x: tf.Tensor, m: tf.Tensor, v: tf.Tensor, o: tf.Tensor, s: tf.Tensor): tf.Tensor => tf.nn.batchNormalization(x, m, v, o, s, 0.01);
    checkGrads(bn, xs, { name: 'batchNormalization' });
    checkGrads(gradOf(bn, 2), xs, { eps: 1e-5, rtol: 1e-4, atol: 1e-5, name: 'd/dvariance batchNormalization' });
    checkGrads((x, m, v) => tf.nn.batchNormalization(x, m, v, null, null, 0.01), xs.slice(0, 3), { name: 'batchNormalization without offset and scale' });
  });

  it('normalising by its own moments (layer normalisation) has the finite-difference gradient', () => {
    const ln = (x: tf.Tensor): tf.Tensor => {
      const [m, v] = tf.nn.moments(x, [1], { keepdims: true });
      return tf.nn.batchNormalization(x, m, v, null, null, 1e-3);
    };
    checkGrads(ln, [f64([2, 5], 9)], { name: 'layer normalisation' });
  });
});
