// A Hessian-vector product by forward-over-reverse, as in TensorFlow's advanced-autodiff guide:
// a ForwardAccumulator around a tape pushes the tangent v through the tape's gradient
// computation, so acc.jvp(gradient) is H·v without ever building the Hessian H.
import * as tf from "gradtape";

// f(x) = Σ x³ + x₀·x₁: ∇f = 3x² + (x₁, x₀, 0), H = diag(6x) + the x₀x₁ coupling.
const x = tf.variable([1.0, 2.0, -1.0]);
const v = tf.constant([1.0, 0.5, 2.0]); // the "vector" in Hessian-vector product

const acc = new tf.autodiff.ForwardAccumulator(x, v);
const gradient = acc.record(() => {
  const tape = new tf.GradientTape();
  const y = tape.record(() => {
    const cubes = tf.reduceSum(tf.pow(x, 3));
    const coupling = tf.multiply(tf.gather(x, [0]), tf.gather(x, [1]));
    return tf.add(cubes, tf.reduceSum(coupling));
  });
  return tape.gradient(y, x);
});
const hvp = acc.jvp(gradient);
gradient.print(); // [3x² + (x₁, x₀, 0)] = [5, 13, 3]
hvp.print(); //      H·v = [6·1·1 + 0.5, 6·2·0.5 + 1, 6·(−1)·2] = [6.5, 7, −12]

// The same product by reverse-over-reverse, for comparison: an outer tape around the inner one,
// with v as the outer gradient's output gradient (vᵀH = (Hv)ᵀ, H being symmetric).
const outer = new tf.GradientTape();
const inner = outer.record(() => {
  const tape = new tf.GradientTape();
  const y = tape.record(() => tf.add(tf.reduceSum(tf.pow(x, 3)), tf.reduceSum(tf.multiply(tf.gather(x, [0]), tf.gather(x, [1])))));
  return tape.gradient(y, x);
});
outer.gradient(inner, x, { outputGradients: v }).print();
