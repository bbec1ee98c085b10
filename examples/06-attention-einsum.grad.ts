// Scaled dot-product attention written with einsum, and the gradients of a loss with respect to the
// query, key and value projections (one head, batch of 2, 3 tokens, model width 4, head width 2).
import * as tf from "gradtape";

const x = tf.random.normal([2, 3, 4], { seed: 1 }); // [batch, tokens, model]
const target = tf.random.normal([2, 3, 2], { seed: 2 });
const wq = tf.variable(tf.random.normal([4, 2], { stddev: 0.5, seed: 3 }), { name: "wq" });
const wk = tf.variable(tf.random.normal([4, 2], { stddev: 0.5, seed: 4 }), { name: "wk" });
const wv = tf.variable(tf.random.normal([4, 2], { stddev: 0.5, seed: 5 }), { name: "wv" });

const tape = new tf.GradientTape();
const loss = tape.record(() => {
  const q = tf.einsum("btm,mh->bth", x, wq);
  const k = tf.einsum("btm,mh->bth", x, wk);
  const v = tf.einsum("btm,mh->bth", x, wv);
  // scores[b, i, j] = q_i · k_j / √d, each query's row a distribution over the keys
  const scores = tf.divide(tf.einsum("bqh,bkh->bqk", q, k), Math.sqrt(2));
  const attention = tf.nn.softmax(scores, -1);
  const out = tf.einsum("bqk,bkh->bqh", attention, v);
  attention.print(); // each row sums to 1
  return tf.reduceMean(tf.square(tf.subtract(out, target)));
});

console.log("loss:", loss);
const [dq, dk, dv] = tape.gradient(loss, [wq, wk, wv]);
console.log("∂loss/∂wq:", dq);
console.log("∂loss/∂wk:", dk);
console.log("∂loss/∂wv:", dv);
