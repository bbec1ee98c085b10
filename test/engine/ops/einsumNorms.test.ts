/**
 * einsum, norm, clipByNorm, clipByGlobalNorm and l2Loss: values worked out by hand, TensorFlow's
 * errors, and (being compositions of recorded ops, outside the registry) their first and second
 * derivatives against central differences in float64.
 */
import { strict as assert } from 'node:assert';
import * as tf from '../../../src/engine/index';
import { checkGrads, gradOf, lcg } from '../gradcheck';
import { close, grads, value } from './helpers';

function rand64(shape: number[], seed: number, lo = -2, hi = 2): tf.Tensor {
  const r = lcg(seed);
  const n = shape.reduce((p, d) => p * d, 1);
  return tf.constant(Float64Array.from({ length: n }, () => lo + (hi - lo) * r()), 'float64', shape);
}

/** First and second derivatives of f at xs against central differences. */
function checkBothOrders(f: (...xs: tf.Tensor[]) => tf.Tensor, xs: tf.Tensor[], name: string): void {
  checkGrads(f, xs, { name });
  checkGrads(gradOf(f, 0), xs, { eps: 1e-5, rtol: 1e-4, atol: 1e-5, name: `d/dx ${name}` });
}

describe('einsum', () => {
  const a = tf.reshape(tf.range(0, 6), [2, 3]);
  const b = tf.reshape(tf.range(0, 12), [3, 4]);

  it('matmul, implicit output, transpose, sums, outer products, dot rows, chains of three', () => {
    assert.deepEqual(tf.einsum('ij,jk->ik', a, b).arraySync(), tf.matmul(a, b).arraySync());
    assert.deepEqual(tf.einsum('ij,jk', a, b).arraySync(), tf.matmul(a, b).arraySync());
    assert.deepEqual(tf.einsum('ij->ji', a).arraySync(), [[0, 3], [1, 4], [2, 5]]);
    assert.deepEqual(tf.einsum('ij->', a).arraySync(), 15);
    assert.deepEqual(tf.einsum('ij->j', a).arraySync(), [3, 5, 7]);
    assert.deepEqual(tf.einsum('i,j->ij', [1, 2], [3, 4, 5]).arraySync(), [[3, 4, 5], [6, 8, 10]]);
    assert.deepEqual(tf.einsum('ij,ij->i', a, a).arraySync(), [5, 50]);
    assert.deepEqual(tf.einsum('ij,jk,kl->il', a, b, tf.ones([4, 2])).arraySync(), [[98, 98], [296, 296]]);
  });

  it('diagonals and traces of repeated labels; ellipsis broadcasting', () => {
    const sq = tf.reshape(tf.range(0, 9), [3, 3]);
    assert.deepEqual(tf.einsum('ii->i', sq).arraySync(), [0, 4, 8]);
    assert.deepEqual(tf.einsum('ii', sq).arraySync(), 12);
    const x = tf.reshape(tf.range(0, 12), [2, 2, 3]);
    assert.deepEqual(tf.einsum('...ij->...ji', x).arraySync(), tf.transpose(x, [0, 2, 1]).arraySync());
    assert.deepEqual(tf.einsum('...ij,jk->...ik', x, b).arraySync(), tf.matmul(x, b).arraySync());
    // [1, 2, 3] broadcasts against [4, 3, 2] in the ellipsis
    assert.deepEqual(tf.einsum('...ij,...jk->...ik', tf.ones([1, 2, 3]), tf.ones([4, 3, 2])).shape, [4, 2, 2]);
  });

  it('attention scores: bhqd,bhkd->bhqk equals q·kᵀ per batch and head', () => {
    const q = rand64([2, 2, 3, 4], 1);
    const k = rand64([2, 2, 5, 4], 2);
    close(tf.einsum('bhqd,bhkd->bhqk', q, k).arraySync(), tf.matmul(q, k, { transposeB: true }).arraySync(), 1e-12);
  });

  it('gradients: first and second order against central differences', () => {
    const cases: [string, number[][]][] = [
      ['ij,jk->ik', [[2, 3], [3, 4]]],
      ['bhqd,bhkd->bhqk', [[2, 1, 3, 2], [2, 1, 4, 2]]],
      ['ii->i', [[3, 3]]],
      ['ij,ij->', [[2, 3], [2, 3]]],
      ['...ij,jk->...ik', [[2, 2, 3], [3, 2]]],
      ['ij,jk,kl->il', [[2, 3], [3, 2], [2, 2]]],
      ['i,j->ij', [[3], [2]]],
      ['ijk->kj', [[2, 3, 2]]],
    ];
    cases.forEach(([eq, shapes], c) => checkBothOrders((...xs) => tf.einsum(eq, ...xs), shapes.map((s, i) => rand64(s, 10 * c + i)), eq));
  });

  it('TensorFlow\'s errors', () => {
    assert.throws(() => tf.einsum('ij,jk->ik', a), /Got 1 arguments for equation "ij,jk->ik", expecting 2/);
    assert.throws(() => tf.einsum('ijk,jk->ik', a, b), /Expected input 0 to have rank 3 but got: 2/);
    assert.throws(() => tf.einsum('ij,jk->ik', a, tf.ones([4, 4])), /Expected dimension 3 at axis 0 of input 1 shaped \[4,4\] but got dimension 4/);
    assert.throws(() => tf.einsum('ij->ix', a), /label 'x' that does not appear in the inputs/);
    assert.throws(() => tf.einsum('ij->i->j', a), /Expecting exactly one '->' in einsum equation/);
  });
});

describe('norm', () => {
  const x = tf.constant([[3, -4], [1, 2]]);
  it('vector norms: euclidean (default), 1, ∞, p, over everything or one axis, keepdims', () => {
    close(tf.norm([3, -4]).arraySync(), 5);
    close(tf.norm(x).arraySync(), Math.sqrt(30));
    close(tf.norm(x, { ord: 1 }).arraySync(), 10);
    close(tf.norm(x, { ord: Infinity }).arraySync(), 4);
    close(tf.norm([3, -4], { ord: 3 }).arraySync(), Math.cbrt(27 + 64));
    close(tf.norm(x, { axis: 1 }).arraySync(), [5, Math.sqrt(5)]);
    close(tf.norm(x, { ord: 1, axis: 0 }).arraySync(), [4, 6]);
    close(tf.norm(x, { axis: -1, keepdims: true }).arraySync(), [[5], [Math.sqrt(5)]]);
    assert.deepEqual(tf.norm(x, { keepdims: true }).shape, [1, 1]);
    close(tf.linalg.norm([3, -4]).arraySync(), 5);
  });

  it('matrix norms: Frobenius, 1 (largest column sum), ∞ (largest row sum)', () => {
    close(tf.norm(x, { ord: 'fro', axis: [0, 1] }).arraySync(), Math.sqrt(30));
    close(tf.norm(x, { ord: 1, axis: [0, 1] }).arraySync(), 6);
    close(tf.norm(x, { ord: Infinity, axis: [0, 1] }).arraySync(), 7);
    close(tf.norm(tf.stack([x, tf.multiply(x, 2)]), { ord: Infinity, axis: [-2, -1] }).arraySync(), [7, 14]);
  });

  it('gradients: x/‖x‖ for euclidean, sign(x) for 1; second order against central differences', () => {
    close(value(grads((t) => tf.norm(t), [tf.constant([3, -4])])[0]), [0.6, -0.8]);
    close(value(grads((t) => tf.norm(t, { ord: 1 }), [tf.constant([3, -4])])[0]), [1, -1]);
    checkBothOrders((t) => tf.norm(t, { axis: 1 }), [rand64([2, 3], 5)], 'norm euclidean');
    checkBothOrders((t) => tf.norm(t, { ord: 3, axis: 0 }), [rand64([2, 3], 6, 0.5, 2)], 'norm p=3');
    checkBothOrders((t) => tf.norm(t, { ord: 'fro', axis: [0, 1] }), [rand64([2, 3], 7)], 'norm fro');
  });

  it('TensorFlow\'s errors', () => {
    assert.throws(() => tf.norm(x, { ord: 0 }), /'ord' must be a supported vector norm, got 0/);
    assert.throws(() => tf.norm(x, { ord: 'nuc' as never, axis: [0, 1] }), /'ord' must be a supported matrix norm in \['euclidean', 'fro', 1, 2, inf\], got 'nuc'/);
    assert.throws(() => tf.norm(x, { axis: [1, 1] }), /'axis' must be None, an integer, or a tuple of 2 unique integers, got \(1, 1\)/);
  });
});

describe('clipping by norm', () => {
  it('clipByNorm: scaled to clipNorm when longer, unchanged when shorter, zeros stay zeros with a finite gradient', () => {
    close(tf.clipByNorm([3, 4], 1).arraySync(), [0.6, 0.8]);
    close(tf.clipByNorm([3, 4], 10).arraySync(), [3, 4]);
    close(tf.clipByNorm([[3, 4], [0.3, 0.4]], 1, 1).arraySync(), [[0.6, 0.8], [0.3, 0.4]]);
    close(value(grads((t) => tf.clipByNorm(t, 1), [tf.constant([0, 0])])[0]), [1, 1]);
    checkBothOrders((t) => tf.clipByNorm(t, 1), [rand64([2, 3], 8)], 'clipByNorm');
  });

  it('clipByGlobalNorm: [clipped, norm] over all tensors, nulls kept, an infinite norm gives NaN', () => {
    const [clipped, n] = tf.clipByGlobalNorm([tf.constant([3, 0]), null, tf.constant([[4]])], 1);
    close(n.arraySync(), 5);
    close(clipped[0]!.arraySync(), [0.6, 0]);
    assert.equal(clipped[1], null);
    close(clipped[2]!.arraySync(), [[0.8]]);
    const [same] = tf.clipByGlobalNorm([tf.constant([0.3, 0.4])], 1);
    close(same[0]!.arraySync(), [0.3, 0.4]);
    const [nan] = tf.clipByGlobalNorm([tf.constant([Infinity, 1])], 1);
    assert.ok((nan[0]!.arraySync() as number[]).every(Number.isNaN));
    close(tf.linalg.globalNorm([[3], [[4]]]).arraySync(), 5);
    checkBothOrders((p, q) => ((c) => tf.add(tf.reduceSum(tf.square(c[0]!)), tf.reduceSum(c[1]!)))(tf.clipByGlobalNorm([p, q], 1)[0]), [rand64([3], 9), rand64([2, 2], 10)], 'clipByGlobalNorm');
  });

  it('l2Loss: Σx²/2; ∂ = x', () => {
    close(tf.nn.l2Loss([[1, 2], [3, 4]]).arraySync(), 15);
    close(value(grads((t) => tf.nn.l2Loss(t), [tf.constant([1, -2])])[0]), [1, -2]);
  });
});
