/** matmul: values, the four transpose cases, batching, and TensorFlow's size error. */
import { strict as assert } from 'node:assert';
import * as tf from '../../../src/engine/index';
import { close, grads, value } from './helpers';

describe('matmul', () => {
  const a = (): tf.Tensor => tf.constant([[1, 2], [3, 4]]);
  const b = (): tf.Tensor => tf.constant([[5], [6]]);

  it('[[1,2],[3,4]]·[[5],[6]] = [[17],[39]]; dA = dy·Bᵀ, dB = Aᵀ·dy', () => {
    close(tf.matmul(a(), b()).arraySync(), [[17], [39]]);
    const [da, db] = grads((x, y) => tf.matmul(x, y), [a(), b()]);
    close(value(da), [[5, 6], [5, 6]]);
    close(value(db), [[4], [6]]);
  });

  it('follows IEEE where A has zeros and B has Inf or NaN: 0·Inf = NaN, as TensorFlow', () => {
    // Four zero columns of A make a block the kernel may skip; it must not when B is not finite.
    const zeros = tf.constant([[0, 0, 0, 0], [0, 0, 0, 0]]);
    const inf = tf.constant([[Infinity], [1], [1], [1]]);
    const out = tf.matmul(zeros, inf).arraySync() as number[][];
    assert.ok(Number.isNaN(out[0][0]) && Number.isNaN(out[1][0]), `got ${JSON.stringify(out)}`);
    assert.deepEqual(tf.matmul(zeros, tf.constant([[2], [1], [1], [1]])).arraySync(), [[0], [0]]);
  });

  it('transposeA / transposeB', () => {
    close(tf.matmul(a(), a(), { transposeA: true }).arraySync(), [[10, 14], [14, 20]]);
    close(tf.matmul(a(), a(), { transposeB: true }).arraySync(), [[5, 11], [11, 25]]);
    close(tf.matmul(a(), a(), { transposeA: true, transposeB: true }).arraySync(), [[7, 15], [10, 22]]);
    const [da] = grads((x, y) => tf.matmul(x, y, { transposeA: true }), [a(), b()]);
    close(value(da), [[5, 5], [6, 6]]);
  });

  it('batches over leading dimensions, broadcasting them', () => {
    const x = tf.constant([[[1, 0]], [[0, 1]]]); // [2,1,2]
    close(tf.matmul(x, b()).arraySync(), [[[5]], [[6]]]);
    const [, db] = grads((p, q) => tf.matmul(p, q), [x, b()]);
    close(value(db), [[1], [1]]);
  });

  it('is exposed as tf.linalg.matmul; matrixTranspose swaps the last two axes', () => {
    close(tf.linalg.matmul(a(), b()).arraySync(), [[17], [39]]);
    close(tf.linalg.matrixTranspose(a()).arraySync(), [[1, 3], [2, 4]]);
  });

  it("throws TensorFlow's Matrix size-incompatible error", () => {
    assert.throws(
      () => tf.matmul([[1, 2]], [[1], [2], [3]]),
      (e: unknown) => e instanceof tf.errors.InvalidArgumentError && e.message === 'Matrix size-incompatible: In[0]: [1,2], In[1]: [3,1] [Op:MatMul]',
    );
  });

  it('accumulates each output in double, rounding once', () => {
    const n = 4096;
    const x = tf.fill([1, n], 0.1);
    const y = tf.fill([n, 1], 1);
    assert.equal(tf.matmul(x, y).dataSync()[0], Math.fround(Math.fround(0.1) * n));
  });
});
