// tf.keras.metrics: each metric equals its formula over hand-made batches, accumulates across
// updates, resets, weights samples as Keras's reduce_to_samplewise_values, and records nothing.
import assert from 'node:assert/strict';
import * as tf from '../../../src/engine/index';
import { peekValues } from '../../../src/engine/tensor';
import { recordEvents } from '../extras/helpers';

const M = tf.keras.metrics;
const f = Math.fround;
const num = (t: tf.Tensor): number => Number(peekValues(t)[0]);

describe('keras/metrics', () => {
  it('Mean: total / count over updates (Keras doc: [1, 3, 5, 7] → 4, weights [1, 1, 0, 0] → 2)', () => {
    const m = new M.Mean();
    m.updateState([1, 3, 5, 7]);
    assert.equal(num(m.result()), 4);
    m.resetState();
    m.updateState([1, 3, 5, 7], [1, 1, 0, 0]);
    assert.equal(num(m.result()), 2);
    m.updateState(10); // a scalar counts once
    assert.equal(num(m.result()), f(14 / 3));
    assert.deepEqual(m.variables.map((v) => v.name), ['mean/total:0', 'mean/count:0']);
    assert.ok(m.variables.every((v) => !v.trainable));
    assert.deepEqual([num(m.total), num(m.count)], [14, 3]);
  });

  it('Mean of a rank-2 batch averages each sample first; weights broadcast; result is 0 before any update', () => {
    const m = new M.Mean({ name: 'loss_avg' });
    assert.equal(num(m.result()), 0);
    m.updateState([[1, 2], [3, 5]]);
    assert.equal(num(m.result()), (1.5 + 4) / 2);
    m.resetState();
    m.updateState([[1, 2], [3, 5]], [[2], [0]]); // (2, 1) weights: sample 0 counts twice, sample 1 not
    assert.equal(num(m.result()), 1.5);
    m.resetState();
    m.updateState([[1, 2], [3, 5]], [[1, 0], [0, 1]]); // elementwise weights: Σ(v·w)/Σw per Keras (means per row)
    assert.equal(num(m.result()), (0.5 + 2.5) / 1);
    assert.equal(m.name, 'loss_avg');
    assert.equal(m.variables[0].name, 'loss_avg/total:0');
  });

  it('SparseCategoricalAccuracy: argmax of the last axis equals the label; (batch, 1) labels; weights', () => {
    const acc = new M.SparseCategoricalAccuracy();
    const logits = [[0.1, 0.6, 0.3], [0.05, 0.95, 0], [0.5, 0.2, 0.3], [0, 0, 1]];
    acc.updateState([2, 1, 0, 2], logits); // 3 of 4
    assert.equal(num(acc.result()), 0.75);
    acc.updateState([[0], [0]], [[1, 2], [3, 1]]); // 1 of 2
    assert.equal(num(acc.result()), f(4 / 6));
    acc.resetState();
    acc.updateState([2, 1], [[0.1, 0.6, 0.3], [0.05, 0.95, 0]], [0.7, 0.3]); // Keras doc: 0.3
    assert.equal(num(acc.result()), f(f(0.3) / f(1)));
    assert.equal(acc.name, 'sparse_categorical_accuracy');
  });

  it('CategoricalAccuracy: argmax of one-hot labels; ties take the first index', () => {
    const acc = new M.CategoricalAccuracy();
    acc.updateState([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]]); // Keras doc: 0.5
    assert.equal(num(acc.result()), 0.5);
    acc.updateState([[1, 0]], [[0.5, 0.5]]);
    assert.equal(num(acc.result()), f(2 / 3));
  });

  it('BinaryAccuracy: (yPred > threshold) equals the label', () => {
    const acc = new M.BinaryAccuracy();
    acc.updateState([[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]]); // Keras doc: 0.75
    assert.equal(num(acc.result()), 0.75);
    const strict = new M.BinaryAccuracy({ threshold: 0.7 });
    strict.updateState([1, 1, 0, 0], [0.98, 0.7, 0, 0.6]); // 0.7 is not > 0.7
    assert.equal(num(strict.result()), 0.75);
    strict.resetState();
    strict.updateState([1, 0], [[0.9], [0.1]]); // (batch,) labels against (batch, 1)
    assert.equal(num(strict.result()), 1);
  });

  it('MeanSquaredError: mean over samples of each sample’s mean squared error (Keras doc: 0.25)', () => {
    const mse = new M.MeanSquaredError();
    mse.updateState([[0, 1], [0, 0]], [[1, 1], [0, 0]]);
    assert.equal(num(mse.result()), 0.25);
    mse.updateState([[2, 2]], [[0, 1]]);
    assert.equal(num(mse.result()), f((0.5 + 0 + 2.5) / 3));
    mse.resetState();
    mse.updateState([[0, 1], [0, 0]], [[1, 1], [0, 0]], [1, 0]);
    assert.equal(num(mse.result()), 0.5);
  });

  it('calling a metric updates it and returns the result', () => {
    const m = new M.Mean();
    assert.equal(typeof m, 'function');
    assert.equal(num(m([2, 4])), 3);
    assert.equal(num(m(6)), 4);
    const acc = new M.SparseCategoricalAccuracy();
    assert.equal(num(acc([1], [[0, 1]])), 1);
  });

  it('updates record nothing and are not gradients, even inside tape.record', () => {
    const w = tf.variable([[1, -1], [0.5, 2]]);
    const acc = new M.SparseCategoricalAccuracy();
    const lossAvg = new M.Mean();
    const tape = new tf.GradientTape();
    const rec = recordEvents();
    let loss: tf.Tensor;
    try {
      loss = tape.record(() => {
        const logits = tf.matmul(tf.constant([[1, 0], [0, 1]]), w);
        acc.updateState([0, 1], logits);
        const l = tf.reduceSum(logits);
        lossAvg.updateState(l);
        return l;
      });
    } finally {
      rec.detach();
    }
    const ops = rec.events.filter((e) => e.type === 'opRan').map((e) => (e.e as { op: string }).op);
    assert.deepEqual(ops, ['MatMul', 'Sum']);
    assert.ok(rec.events.filter((e) => e.type === 'variableAssigned').every((e) => !(e.e as { variable: tf.Variable }).variable.trainable));
    const g = tape.gradient(loss!, [w, acc.variables[0], lossAvg.variables[0]]);
    assert.deepEqual(g.slice(1), [null, null]);
    assert.equal(num(acc.result()), 1);
    assert.equal(num(lossAvg.result()), 2.5);
  });

  it("mismatched batch sizes are TF's Incompatible shapes", () => {
    assert.throws(() => new M.SparseCategoricalAccuracy().updateState([0, 1, 2], [[1, 0], [0, 1]]), /Incompatible shapes: \[3\] vs. \[2\]/);
    assert.throws(() => new M.MeanSquaredError().updateState([[0, 1, 2]], [[1, 0]]), /Incompatible shapes: \[1,3\] vs. \[1,2\]/);
  });
});
