// Busy for eight seconds, then done: long enough to cancel, or to be replaced by a newer run.
import * as tf from "gradtape";

const end = Date.now() + 8000;
let spins = 0;
while (Date.now() < end) spins++;
console.log(tf.constant(spins > 0 ? 1 : 0).toString());
