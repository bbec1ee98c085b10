// The shaping, indexing, cross-entropy and batched-matmul ops (as test/webview/fixtures/ops-shape.grad.ts):
// the panel re-derives each op's attributes from the recorded shapes and values for its checks.
import * as tf from "gradtape";

const a = tf.variable([[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]]);
const b = tf.variable([[0.7, -0.8, 0.9], [-1.1, 1.2, 1.3]]);
const c = tf.variable([[[0.5, -0.25], [0.75, 1.5]], [[-0.6, 0.35], [0.2, 0.45]]]);
const idx = tf.constant([2, 0, 2], "int32");
const labels = tf.constant([[0.2, 0.7, 0.1], [0.0, 0.0, 1.0]]);
const bin = tf.constant([[1, 0, 1], [0, 1, 0]]);

const tape = new tf.GradientTape();
const loss = tape.record(() => {
  const joined = tf.concat([a, b], 1);
  const stacked = tf.stack([a, b], 1);
  const cut = tf.slice(joined, [0, 1], [2, 3]);
  const picked = tf.gather(b, idx, 1);
  const tiled = tf.tile(a, [2, 1]);
  const padded = tf.pad(b, [[1, 0], [0, 2]]);
  const xent = tf.softmaxCrossEntropyWithLogits({ labels, logits: tf.multiply(cut, picked) });
  const bxent = tf.sigmoidCrossEntropyWithLogits({ labels: bin, logits: tf.add(a, b) });
  const bmm = tf.matmul(c, tf.expandDims(tf.slice(a, [0, 0], [2, 2]), 0));
  const parts = [
    tf.reduceSum(xent), tf.reduceMean(bxent), tf.reduceSum(tf.square(stacked)), tf.reduceSum(tf.sin(tiled)),
    tf.reduceSum(tf.multiply(padded, padded)), tf.reduceSum(tf.tanh(bmm)),
  ];
  return parts.reduce((s, p) => tf.add(s, p));
});
const grads = tape.gradient(loss, [a, b, c]);
console.log(grads[0].toString());
