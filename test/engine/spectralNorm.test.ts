// tf.norm's matrix 2-norm (issue 12): the largest singular value, with first and second
// derivatives, over any pair of axes, batched, and a clear error for a third derivative.
import { strict as assert } from 'node:assert';
import * as tf from '../../src/engine/index';
import { SpectralNormGrad, svd } from '../../src/engine/ops/spectralNorm';
import type { Tensor } from '../../src/engine/tensor';
import { checkGrads, gradOf, lcg } from './gradcheck';

const random = (shape: number[], seed: number): Tensor => {
  const rand = lcg(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.constant(Array.from({ length: n }, () => 4 * rand() - 2), 'float64', shape);
};

/** The largest eigenvalue of xᵀx by power iteration: an independent σ₁². */
function sigma1Squared(x: number[][]): number {
  const n = x[0].length;
  const xtx = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => x.reduce((s, row) => s + row[i] * row[j], 0)));
  let v = Array.from({ length: n }, (_, i) => 1 + i / 7);
  let lambda = 0;
  for (let it = 0; it < 2000; it++) {
    const w = xtx.map((row) => row.reduce((s, a, j) => s + a * v[j], 0));
    lambda = Math.hypot(...w);
    v = w.map((a) => a / lambda);
  }
  return lambda;
}

describe('tf.norm ord 2 over a pair of axes: the spectral norm', () => {
  it('is the largest singular value: a known matrix, and random tall, wide and square ones against power iteration', () => {
    // xᵀx = [[25, 20], [20, 25]]: eigenvalues 45 and 5.
    assert.ok(Math.abs(tf.norm(tf.constant([[3, 0], [4, 5]]), { ord: 2, axis: [0, 1] }).dataSync()[0] - Math.sqrt(45)) < 1e-5);
    for (const [shape, seed] of [[[5, 3], 1], [[3, 5], 2], [[4, 4], 3], [[1, 6], 4], [[6, 1], 5]] as [number[], number][]) {
      const x = random(shape, seed);
      const rows = x.arraySync() as number[][];
      const got = tf.norm(x, { ord: 2, axis: [-2, -1] }).dataSync()[0];
      assert.ok(Math.abs(got * got - sigma1Squared(rows)) < 1e-9 * sigma1Squared(rows), `${JSON.stringify(shape)}: ${got}`);
    }
  });

  it('svd: orthonormal bases and x = U·Σ·Vᵀ, rank-deficient matrices included', () => {
    for (const rows of [[[1, 2], [2, 4], [3, 6]], [[1, 2, 3], [4, 5, 6]], [[0, 0], [0, 0]], [[2, -1, 0], [1, 3, 1], [0, 0, 2], [1, 1, 1]]]) {
      const m = rows.length;
      const n = rows[0].length;
      const { u, s, v } = svd(rows.flat(), 0, m, n);
      const dot = (b: Float64Array, size: number, p: number, q: number): number => Array.from({ length: size }, (_, i) => b[i * size + p] * b[i * size + q]).reduce((a, c) => a + c, 0);
      for (let p = 0; p < m; p++) for (let q = 0; q < m; q++) assert.ok(Math.abs(dot(u, m, p, q) - (p === q ? 1 : 0)) < 1e-12, `UᵀU ${p},${q}`);
      for (let p = 0; p < n; p++) for (let q = 0; q < n; q++) assert.ok(Math.abs(dot(v, n, p, q) - (p === q ? 1 : 0)) < 1e-12, `VᵀV ${p},${q}`);
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          let t = 0;
          for (let k = 0; k < s.length; k++) t += u[i * m + k] * s[k] * v[j * n + k];
          assert.ok(Math.abs(t - rows[i][j]) < 1e-12, `x[${i}][${j}] = ${t}`);
        }
      }
      for (let k = 1; k < s.length; k++) assert.ok(s[k] <= s[k - 1]);
    }
  });

  it('any pair of axes, batched, keepdims: each matrix its own norm, in the shape of the other norms', () => {
    const x = random([3, 2, 4], 9);
    const perMatrix = [0, 1, 2].map((b) => tf.norm(tf.reshape(tf.slice(x, [b, 0, 0], [1, 2, 4]), [2, 4]), { ord: 2, axis: [0, 1] }).dataSync()[0]);
    assert.deepEqual(Array.from(tf.norm(x, { ord: 2, axis: [1, 2] }).dataSync()), perMatrix);
    assert.deepEqual(tf.norm(x, { ord: 2, axis: [1, 2], keepdims: true }).shape, [3, 1, 1]);
    // Axes 2 and 0 (in that order): the matrices are x[:, i, :]ᵀ, whose norms are those of x[:, i, :].
    const swapped = tf.norm(x, { ord: 2, axis: [2, 0] });
    assert.deepEqual(swapped.shape, [2]);
    assert.deepEqual(tf.norm(x, { ord: 2, axis: [0, 2], keepdims: true }).shape, [1, 2, 1]);
    const direct = tf.norm(x, { ord: 2, axis: [0, 2] }).dataSync();
    swapped.dataSync().forEach((s, i) => assert.ok(Math.abs(s - direct[i]) < 1e-12));
    assert.equal(tf.norm(tf.constant([[3, 0], [4, 5]]), { ord: 2, axis: [0, 1] }).dtype, 'float32');
  });

  it('first and second derivatives match central differences (tall, wide, batched, non-last axes)', () => {
    const cases: [number[], [number, number]][] = [[[3, 2], [0, 1]], [[2, 4], [0, 1]], [[2, 3, 3], [1, 2]], [[3, 2, 2], [0, 2]], [[4, 3], [1, 0]]];
    cases.forEach(([shape, axis], k) => {
      const f = (x: Tensor): Tensor => tf.norm(x, { ord: 2, axis });
      const x = random(shape, 100 + k);
      checkGrads(f, [x], { name: `∂ norm ${JSON.stringify(shape)} ${JSON.stringify(axis)}` });
      checkGrads(gradOf(f, 0), [x], { eps: 1e-5, rtol: 1e-4, atol: 1e-5, name: `∂² norm ${JSON.stringify(shape)} ${JSON.stringify(axis)}` });
    });
  });

  it('SpectralNormGrad (the gradient op) matches central differences in both inputs', () => {
    for (const [shape, seed] of [[[3, 2], 1], [[2, 3], 2], [[2, 2, 3], 3]] as [number[], number][]) {
      const x = random(shape, seed);
      const dy = random(shape.slice(0, -2), seed + 50);
      checkGrads((a, b) => SpectralNormGrad.apply([a, b]), [x, dy], { name: `SpectralNormGrad ${JSON.stringify(shape)}` });
    }
  });

  it('a third derivative is a clear LookupError, not a wrong number', () => {
    const x = random([3, 2], 7);
    const f = gradOf(gradOf((a: Tensor) => tf.norm(a, { ord: 2, axis: [0, 1] }), 0), 0);
    const t = new tf.GradientTape();
    assert.throws(() => {
      const y = t.record(() => {
        t.watch(x);
        return tf.reduceSum(f(x));
      });
      t.gradient(y, x);
    }, (e: Error) => e instanceof tf.errors.LookupError && /SpectralNormGradGrad/.test(e.message));
  });
});
