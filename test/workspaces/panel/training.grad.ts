// The seed article's training loop: three data points, plain gradient descent, lr = 0.01.
import * as tf from "gradtape";

const data = tf.data.Dataset.fromTensorSlices([[5.0, 2.0], [3.0, 3.0], [4.0, 1.5]]);
const weights = tf.variable([[0.55], [0.75]]);
const yTrue = tf.data.Dataset.fromTensorSlices([0.75, 0.5, 0.4]);
const lr = 0.01; // learning rate
const dataset = tf.data.Dataset.zip([data, yTrue]);

for (const [x, y] of dataset) {
  const tape = new tf.GradientTape();
  const loss = tape.record(() => {
    const output = tf.linalg.matmul(tf.reshape(x, [1, 2]), weights);
    return tf.math.squaredDifference(y, output);
  });
  const gradients = tape.gradient(loss, weights);
  weights.assignSub(tf.multiply(lr, gradients)); // gradient descent
}

console.log(weights.toString()); // [[0.02995202], [0.47385702]]
