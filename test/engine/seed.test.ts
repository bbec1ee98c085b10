/** The seed article's three programs (examples/*.grad.ts), with their exact printed text. */
import { strict as assert } from 'node:assert';
import * as tf from '../../src/engine/index';

describe('seed programs', () => {
  it('01: the gradient of a squared difference w.r.t. a Variable prints [[-0.39999998], [-0.79999995]]', () => {
    const input = tf.constant([[1.0, 2.0]]);
    const weights = tf.variable([[0.25], [0.15]]);
    const yTrue = tf.constant(0.75);
    const tape = new tf.GradientTape();
    const loss = tape.record(() => {
      const output = tf.linalg.matmul(input, weights);
      return tf.math.squaredDifference(yTrue, output);
    });
    const gradients = tape.gradient(loss, weights);
    assert.ok(gradients);
    // TensorFlow's repr: a multi-line numpy array starts on its own line after `numpy=`.
    assert.equal(
      gradients.toString(),
      '<tf.Tensor: shape=(2, 1), dtype=float32, numpy=\narray([[-0.39999998],\n       [-0.79999995]], dtype=float32)>',
    );
    assert.deepEqual(gradients.arraySync(), [[Math.fround(-0.39999998)], [Math.fround(-0.79999995)]]);
  });

  it('02: a watched constant on a persistent tape gives the same gradient twice', () => {
    const input = tf.constant([[1.0, 2.0]]);
    const weights = tf.constant([[0.25], [0.15]]);
    const yTrue = tf.constant(0.75);
    const tape = new tf.GradientTape({ persistent: true });
    const loss = tape.record(() => {
      tape.watch(weights);
      const output = tf.linalg.matmul(input, weights);
      return tf.math.squaredDifference(yTrue, output);
    });
    const gradients = tape.gradient(loss, weights);
    const gradientsCopy = tape.gradient(loss, weights);
    assert.ok(gradients && gradientsCopy);
    assert.equal(gradients.toString(), gradientsCopy.toString());
    assert.match(gradients.toString(), /\[\[-0\.39999998\],\n {7}\[-0\.79999995\]\]/);
  });

  it('02 without tape.watch: the gradient w.r.t. the constant is null', () => {
    const input = tf.constant([[1.0, 2.0]]);
    const weights = tf.constant([[0.25], [0.15]]);
    const tape = new tf.GradientTape({ persistent: true });
    const loss = tape.record(() => tf.math.squaredDifference(0.75, tf.linalg.matmul(input, weights)));
    assert.equal(tape.gradient(loss, weights), null);
  });

  it('03: the training loop ends at [[0.02995202], [0.47385702]], bit for bit', () => {
    const data = tf.data.Dataset.fromTensorSlices([[5.0, 2.0], [3.0, 3.0], [4.0, 1.5]]);
    const weights = tf.variable([[0.55], [0.75]]);
    const yTrue = tf.data.Dataset.fromTensorSlices([0.75, 0.5, 0.4]);
    const lr = 0.01;
    const dataset = tf.data.Dataset.zip([data, yTrue]);
    for (const [x, y] of dataset as Iterable<[tf.Tensor, tf.Tensor]>) {
      const tape = new tf.GradientTape();
      const loss = tape.record(() => {
        const output = tf.linalg.matmul(tf.reshape(x, [1, 2]), weights);
        return tf.math.squaredDifference(y, output);
      });
      const gradients = tape.gradient(loss, weights);
      weights.assignSub(tf.multiply(lr, gradients!));
    }
    assert.equal(
      weights.toString(),
      "<tf.Variable 'Variable:0' shape=(2, 1) dtype=float32, numpy=\narray([[0.02995202],\n       [0.47385702]], dtype=float32)>",
    );
    // Pin the float32 values too (their shortest digits), not only the 8-digit text.
    assert.deepEqual(Array.from(weights.dataSync()), [Math.fround(0.029952016), Math.fround(0.47385702)]);
  });
});
