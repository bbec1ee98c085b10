import * as tf from "gradtape";
// 100,000 recorded ops on one tape (big.grad.ts with 25,000 iterations): issue 15's second figure.
const w = tf.variable([[0.5, -0.25], [0.1, 0.3]]);
const tape = new tf.GradientTape();
const loss = tape.record(() => {
  let h = tf.constant([[1.0, 2.0]]);
  for (let i = 0; i < 25000; i++) {
    h = tf.tanh(tf.add(tf.matmul(h, w), 0.01));
    h = tf.multiply(h, 1.5);
  }
  return tf.reduceSum(h);
});
console.log(tape.gradient(loss, w).toString());
