// The seed article's first program: the gradient of a squared difference with respect to a Variable.
// Trainable variables read inside tape.record are watched automatically.
import * as tf from "gradtape";

const input = tf.constant([[1.0, 2.0]]);
const weights = tf.variable([[0.25], [0.15]]);
const yTrue = tf.constant(0.75);

const tape = new tf.GradientTape();
const loss = tape.record(() => {
  const output = tf.linalg.matmul(input, weights);
  // Loss: squared difference
  return tf.math.squaredDifference(yTrue, output);
});

const gradients = tape.gradient(loss, weights);
gradients.print(); // [[-0.39999998], [-0.79999995]]
