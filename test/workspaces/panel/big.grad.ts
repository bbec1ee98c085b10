import * as tf from "gradtape";
// 10,000 recorded ops on one tape: the panel's large-graph drawing check.
const w = tf.variable([[0.5, -0.25], [0.1, 0.3]]);
const tape = new tf.GradientTape();
const loss = tape.record(() => {
  let h = tf.constant([[1.0, 2.0]]);
  for (let i = 0; i < 2500; i++) {
    h = tf.tanh(tf.add(tf.matmul(h, w), 0.01));
    h = tf.multiply(h, 1.5);
  }
  return tf.reduceSum(h);
});
console.log(tape.gradient(loss, w).toString());
