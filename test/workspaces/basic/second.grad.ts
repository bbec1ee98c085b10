// Fixture for the host tests: a second scratch file, so a test can run one that has not run yet.
import * as tf from "gradtape";

const w = tf.variable([[1.0], [2.0]]);
const tape = new tf.GradientTape();
const loss = tape.record(() => tf.reduceSum(tf.math.square(w)));
tape.gradient(loss, w).print(); // [[2], [4]]
