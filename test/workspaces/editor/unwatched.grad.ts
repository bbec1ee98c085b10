// The seed's second program without tape.watch: the gradient with respect to a constant is null.
import * as tf from "gradtape";

const input = tf.constant([[1.0, 2.0]]);
const weights = tf.constant([[0.25], [0.15]]);
const yTrue = tf.constant(0.75);

const tape = new tf.GradientTape();
const loss = tape.record(() => {
  const output = tf.linalg.matmul(input, weights);
  return tf.math.squaredDifference(yTrue, output);
});

const gradients = tape.gradient(loss, weights);
console.log(gradients);
