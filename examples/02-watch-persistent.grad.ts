// The seed article's second program: a constant is not watched unless tape.watch says so,
// and a persistent tape can answer gradient() more than once.
import * as tf from "gradtape";

const input = tf.constant([[1.0, 2.0]]);
// Without tape.watch below, the gradient with respect to this constant would be null.
const weights = tf.constant([[0.25], [0.15]]);
const yTrue = tf.constant(0.75);

const tape = new tf.GradientTape({ persistent: true });
const loss = tape.record(() => {
  tape.watch(weights);
  const output = tf.linalg.matmul(input, weights);
  return tf.math.squaredDifference(yTrue, output);
});

const gradients = tape.gradient(loss, weights);
const gradientsCopy = tape.gradient(loss, weights); // allowed: the tape is persistent
gradients.print();
gradientsCopy.print();
