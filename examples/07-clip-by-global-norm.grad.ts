// Gradient clipping by global norm. The loss is the mean fourth power of the error, whose gradient
// grows with the cube of the error: far from the answer, one plain step overshoots and the next ones
// explode. Rescaling the gradients so that their joint norm is at most 1 bounds every step, and the
// same learning rate then converges.
import * as tf from "gradtape";

const x = tf.random.normal([16, 3], { seed: 7 });
const yTrue = tf.add(tf.matmul(x, tf.constant([[2.0], [-1.0], [0.5]])), 0.3);

function train(clip: boolean): number {
  const w = tf.variable(tf.zeros([3, 1]), { name: clip ? "w_clipped" : "w_plain" });
  const b = tf.variable(tf.zeros([1]), { name: clip ? "b_clipped" : "b_plain" });
  let last = 0;
  for (let step = 0; step < 20; step++) {
    const tape = new tf.GradientTape();
    const loss = tape.record(() => tf.reduceMean(tf.pow(tf.subtract(tf.add(tf.matmul(x, w), b), yTrue), 4)));
    let grads = tape.gradient(loss, [w, b]);
    if (clip) {
      const [clipped, globalNorm] = tf.clipByGlobalNorm(grads, 1.0);
      if (step < 3) console.log(`step ${step}: global norm ${globalNorm.dataSync()[0].toFixed(3)}, clipped to ${tf.linalg.globalNorm(clipped).dataSync()[0].toFixed(3)}`);
      grads = clipped;
    }
    w.assignSub(tf.multiply(0.1, grads[0]));
    b.assignSub(tf.multiply(0.1, grads[1]));
    tf.summary.scalar(clip ? "loss (clipped)" : "loss (plain)", loss, { step });
    last = loss.dataSync()[0];
  }
  return last;
}

console.log("plain gradient descent, final loss:", train(false).toFixed(6));
console.log("clipped by global norm 1, final loss:", train(true).toFixed(6));
