/** nn ops: softmax family and the cross-entropies (values and hand gradients). */
import { strict as assert } from 'node:assert';
import * as tf from '../../../src/engine/index';
import { close, grads, value } from './helpers';

const logits = (): tf.Tensor => tf.constant([0, Math.log(3)]);

describe('nn ops', () => {
  it('softmax([0, ln 3]) = [1/4, 3/4]; ∂(y₀)/∂x = [y₀y₁, −y₀y₁]', () => {
    close(tf.nn.softmax(logits()).arraySync(), [0.25, 0.75]);
    close(value(grads((t) => tf.softmax(t), [logits()], [1, 0])[0]), [0.1875, -0.1875]);
    close(tf.softmax([[1000, 1000]]).arraySync(), [[0.5, 0.5]]);
  });

  it('logSoftmax = x − logsumexp; ∂Σ/∂x = 1 − 2·softmax', () => {
    close(tf.nn.logSoftmax(logits()).arraySync(), [Math.log(0.25), Math.log(0.75)]);
    close(value(grads((t) => tf.logSoftmax(t), [logits()])[0]), [0.5, -0.5]);
  });

  it('softmaxCrossEntropyWithLogits: −ln 0.75; ∂/∂logits = softmax − labels', () => {
    const labels = tf.constant([0, 1]);
    const loss = tf.nn.softmaxCrossEntropyWithLogits({ labels, logits: logits() });
    assert.deepEqual(loss.shape, []);
    close(loss.arraySync(), -Math.log(0.75));
    const [dl, dz] = grads((l, z) => tf.softmaxCrossEntropyWithLogits({ labels: l, logits: z }), [labels, logits()]);
    close(value(dz), [0.25, -0.25]);
    close(value(dl), [-Math.log(0.25), -Math.log(0.75)]);
    assert.throws(() => tf.softmaxCrossEntropyWithLogits({ labels: [[1, 0]], logits: [[1, 2, 3]] }), /logits and labels must be broadcastable/);
  });

  it('sigmoidCrossEntropyWithLogits: ln 2 at 0; ∂/∂logits = sigmoid − labels, ∂/∂labels = −logits', () => {
    close(tf.nn.sigmoidCrossEntropyWithLogits({ labels: 1, logits: 0 }).arraySync(), Math.LN2);
    close(tf.sigmoidCrossEntropyWithLogits({ labels: [0], logits: [100] }).arraySync(), [100]);
    const [dl, dz] = grads((l, z) => tf.sigmoidCrossEntropyWithLogits({ labels: l, logits: z }), [tf.constant(1), tf.constant(2)]);
    close(value(dz), 1 / (1 + Math.exp(-2)) - 1);
    close(value(dl), -2);
  });

  it('relu, sigmoid, tanh, softplus are also under tf.nn', () => {
    close(tf.nn.relu([-1, 1]).arraySync(), [0, 1]);
    close(tf.nn.sigmoid(0).arraySync(), 0.5);
    close(tf.nn.tanh(0).arraySync(), 0);
    close(tf.nn.softplus(0).arraySync(), Math.LN2);
  });
});

describe('softmax along another axis', () => {
  it('axis 0 normalises columns, and its gradient matches the transposed last-axis one', () => {
    const x = tf.constant([[0, 1], [Math.log(3), 1]]);
    close(tf.softmax(x, 0).arraySync(), [[0.25, 0.5], [0.75, 0.5]]);
    close(tf.logSoftmax(x, 0).arraySync(), [[Math.log(0.25), Math.log(0.5)], [Math.log(0.75), Math.log(0.5)]]);
    const [d0] = grads((t) => tf.softmax(t, 0), [x], [[1, 0], [0, 0]]);
    close(value(d0), [[0.1875, 0], [-0.1875, 0]]);
  });
});
