import * as tf from "gradtape";
// 100,000 points on one curve: the panel's chart drawing benchmark.
for (let step = 0; step < 100000; step++) {
  tf.summary.scalar("loss", 2 * Math.exp(-step / 20000) + 0.1 * Math.sin(step / 7), { step });
}
