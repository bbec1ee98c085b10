import * as tf from "gradtape";
// A long training loop (the panel gets it in two parts): a small MLP, 20,000 steps, loss and gradient-norm
// curves, a line of console output every 100 steps.
const x = tf.random.normal([16, 4], { seed: 1 });
const y = tf.random.normal([16, 1], { seed: 2 });
const w1 = tf.variable(tf.random.normal([4, 8], { stddev: 0.5, seed: 3 }));
const w2 = tf.variable(tf.random.normal([8, 1], { stddev: 0.5, seed: 4 }));
for (let step = 0; step < 20000; step++) {
  const tape = new tf.GradientTape();
  const loss = tape.record(() => tf.reduceMean(tf.square(tf.subtract(tf.linalg.matmul(tf.tanh(tf.linalg.matmul(x, w1)), w2), y))));
  const [g1, g2] = tape.gradient(loss, [w1, w2]);
  w1.assignSub(tf.multiply(0.01, g1));
  w2.assignSub(tf.multiply(0.01, g2));
  tf.summary.scalar("loss", loss, { step });
  tf.summary.scalar("grad_norm", tf.norm(g1), { step });
  if (step % 100 === 0) console.log(`step ${step} loss ${loss.dataSync()[0].toFixed(5)}`);
}
