import * as tf from "gradtape";

const x = tf.constant([1, 2, 3]);
