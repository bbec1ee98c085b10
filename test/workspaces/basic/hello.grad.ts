// Fixture for the host tests: the smallest scratch file, d(x²)/dx at x = 3 is 6.
import * as tf from "gradtape";

const x = tf.variable(3.0);
const tape = new tf.GradientTape();
const y = tape.record(() => tf.math.square(x));
tape.gradient(y, x).print();
