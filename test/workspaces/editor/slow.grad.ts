// Busy for a minute unless cancelled (the progress test cancels it; the workspace allows two minutes).
import * as tf from "gradtape";

const end = Date.now() + 60_000;
let spins = 0;
while (Date.now() < end) spins++;
console.log(tf.constant(spins > 0 ? 1 : 0).toString());
