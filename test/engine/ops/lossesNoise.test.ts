/** dropout (TensorFlow's scaling and mask), sparse and dense softmax cross-entropy (TensorFlow's gradient, axis). */
import { strict as assert } from 'node:assert';
import * as tf from '../../../src/engine/index';
import { close, grads, value } from './helpers';

describe('dropout', () => {
  it('keeps where tf.random.uniform(shape, seed) ≥ rate, scaled by 1/(1 − rate); the same seed, the same mask', () => {
    const x = tf.add(tf.zeros([4, 5]), 2);
    const y = tf.nn.dropout(x, 0.25, { seed: 3 });
    const u = tf.random.uniform([4, 5], { seed: 3 }).dataSync();
    const v = y.dataSync();
    for (let i = 0; i < v.length; i++) close(v[i], u[i] >= 0.25 ? 2 / 0.75 : 0, 1e-6, `element ${i}`);
    assert.deepEqual(tf.nn.dropout(x, 0.25, { seed: 3 }).arraySync(), y.arraySync());
  });

  it('keeps about 1 − rate of the elements, and the mean is unchanged in expectation', () => {
    const y = tf.nn.dropout(tf.ones([100, 100]), 0.3, { seed: 11 }).dataSync();
    const kept = Array.from(y).filter((v) => v !== 0).length / y.length;
    assert.ok(Math.abs(kept - 0.7) < 0.02, `kept ${kept}`);
    const mean = Array.from(y).reduce((a, b) => a + b, 0) / y.length;
    assert.ok(Math.abs(mean - 1) < 0.03, `mean ${mean}`);
  });

  it('noiseShape: one draw per row when [n, 1] (null takes x\'s size)', () => {
    const y = tf.nn.dropout(tf.ones([50, 4]), 0.5, { seed: 5, noiseShape: [null, 1] }).arraySync() as number[][];
    for (const row of y) assert.ok(row.every((v) => v === row[0]) && (row[0] === 0 || row[0] === 2), JSON.stringify(row));
    assert.ok(y.some((r) => r[0] === 0) && y.some((r) => r[0] === 2));
  });

  it('gradient: 1/(1 − rate) where kept, 0 where dropped; rate 0 is the identity', () => {
    const x = tf.constant([[1, 2, 3, 4], [5, 6, 7, 8]]);
    const y = tf.nn.dropout(x, 0.5, { seed: 9 });
    const [g] = grads((t) => tf.nn.dropout(t, 0.5, { seed: 9 }), [x]);
    close(value(g), (y.arraySync() as number[][]).map((r) => r.map((v) => (v === 0 ? 0 : 2))));
    assert.equal(tf.nn.dropout(x, 0), x);
  });

  it('TensorFlow\'s errors', () => {
    assert.throws(() => tf.nn.dropout([1, 2], 1), /`rate` must be a scalar tensor or a float in the range \[0, 1\)\. Received: rate=1/);
    assert.throws(() => tf.nn.dropout([1, 2], -0.1), /Received: rate=-0\.1/);
    assert.throws(() => tf.nn.dropout(tf.constant([1, 2], 'int32'), 0.5), /`x\.dtype` must be a floating point tensor as `x` will be scaled\. Received: x_dtype=int32/);
    assert.throws(() => tf.nn.dropout(tf.ones([2, 3]), 0.5, { noiseShape: [3, 3] }), /noiseShape \[3,3\] must broadcast to the shape of x, \[2,3\]/);
  });
});

describe('sparseSoftmaxCrossEntropyWithLogits', () => {
  it('−log softmax at the label, per row; equal to the dense loss with one-hot labels', () => {
    const logits = tf.constant([[0, Math.log(3)], [Math.log(3), 0]]);
    const labels = tf.constant([1, 1], 'int32');
    close(tf.nn.sparseSoftmaxCrossEntropyWithLogits({ labels, logits }).arraySync(), [-Math.log(0.75), -Math.log(0.25)]);
    close(tf.sparseSoftmaxCrossEntropyWithLogits({ labels: [1, 1], logits }).arraySync(), tf.softmaxCrossEntropyWithLogits({ labels: tf.oneHot(labels, 2), logits }).arraySync());
    close(tf.nn.sparseSoftmaxCrossEntropyWithLogits({ labels: [0], logits: [[1000, 0]] }).arraySync(), [0]);
  });

  it('gradient: softmax − oneHot(labels)', () => {
    const [g] = grads((x) => tf.nn.sparseSoftmaxCrossEntropyWithLogits({ labels: [1], logits: x }), [tf.constant([[0, Math.log(3)]])]);
    close(value(g), [[0.25, -0.25]]);
  });

  it('TensorFlow\'s errors', () => {
    assert.throws(() => tf.nn.sparseSoftmaxCrossEntropyWithLogits({ labels: [1, 5], logits: tf.ones([2, 3]) }), /Received a label value of 5 which is outside the valid range of \[0, 3\)\. {2}Label values: 1 5/);
    assert.throws(() => tf.nn.sparseSoftmaxCrossEntropyWithLogits({ labels: [[1]], logits: tf.ones([2, 3]) }), /Rank mismatch: Rank of labels \(received 2\) should equal rank of logits minus 1 \(received 2\)\./);
    assert.throws(() => tf.nn.sparseSoftmaxCrossEntropyWithLogits({ labels: [1, 2, 0], logits: tf.ones([2, 3]) }), /Shape mismatch: The shape of labels \(received \(3,\)\) should equal the shape of logits except for the last dimension \(received \(2, 3\)\)\./);
  });
});

describe('softmaxCrossEntropyWithLogits: TensorFlow\'s gradient and axis', () => {
  it('∂/∂logits = softmax − labels, also for labels that do not sum to 1', () => {
    const [, dz] = grads((l, z) => tf.nn.softmaxCrossEntropyWithLogits({ labels: l, logits: z }), [tf.constant([0.5, 0.2]), tf.constant([0, Math.log(3)])]);
    close(value(dz), [0.25 - 0.5, 0.75 - 0.2]);
  });

  it('axis: the loss along another axis equals the last-axis loss of the transposes', () => {
    const labels = tf.constant([[0.2, 0.5], [0.8, 0.5]]);
    const logits = tf.constant([[1, 2], [3, -1]]);
    close(tf.nn.softmaxCrossEntropyWithLogits({ labels, logits, axis: 0 }).arraySync(), tf.nn.softmaxCrossEntropyWithLogits({ labels: tf.transpose(labels), logits: tf.transpose(logits) }).arraySync());
    const [, dz] = grads((l, z) => tf.nn.softmaxCrossEntropyWithLogits({ labels: l, logits: z, axis: 0 }), [labels, logits]);
    close(value(dz), tf.transpose(tf.subtract(tf.softmax(tf.transpose(logits)), tf.transpose(labels))).arraySync());
  });
});
