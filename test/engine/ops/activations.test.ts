/** Issue 12's activations: values and gradients worked out by hand, and their namespaces. */
import { strict as assert } from 'node:assert';
import * as tf from '../../../src/engine/index';
import { close, grads, value } from './helpers';

const E1 = Math.exp(-1);
const sig = (x: number): number => 1 / (1 + Math.exp(-x));
const LAMBDA = 1.0507009873554805;
const ALPHA = 1.6732632423543772;

describe('activations', () => {
  it('elu: eˣ − 1 below 0; ∂ = out + 1 there and 1 above (elu\'(0) = 1, from the left rule at out = 0)', () => {
    close(tf.nn.elu([-1, 0, 2]).arraySync(), [E1 - 1, 0, 2]);
    close(value(grads((x) => tf.elu(x), [tf.constant([-1, 0, 2])])[0]), [E1, 1, 1]);
  });

  it('selu: λx above 0, λα(eˣ − 1) below; ∂ = λ or out + λα', () => {
    close(tf.nn.selu([1, -1]).arraySync(), [LAMBDA, LAMBDA * ALPHA * (E1 - 1)]);
    close(value(grads((x) => tf.selu(x), [tf.constant([1, -1])])[0]), [LAMBDA, LAMBDA * ALPHA * E1]);
  });

  it('leakyRelu: α = 0.2 by default; ∂ = α below 0', () => {
    close(tf.nn.leakyRelu([-2, 3]).arraySync(), [-0.4, 3]);
    close(tf.leakyRelu([-2, 3], 0.1).arraySync(), [-0.2, 3]);
    close(value(grads((x) => tf.leakyRelu(x), [tf.constant([-2, 3])])[0]), [0.2, 1]);
    assert.throws(() => tf.leakyRelu(tf.constant([1], 'int32')), /Value for attr 'T' of int32/);
  });

  it('relu6: clipped to [0, 6]; ∂ = 1 strictly inside', () => {
    close(tf.nn.relu6([-1, 3, 7, 0, 6]).arraySync(), [0, 3, 6, 0, 6]);
    close(value(grads((x) => tf.relu6(x), [tf.constant([-1, 3, 7, 0, 6])])[0]), [0, 1, 0, 0, 0]);
  });

  it('gelu: exact Φ-form and the tanh approximation; ∂(exact) = Φ(x) + x·φ(x)', () => {
    close(tf.nn.gelu(1).arraySync(), 0.8413447460685429);
    close(tf.nn.gelu(1, true).arraySync(), 0.8411919906082768);
    const phi = Math.exp(-0.5) / Math.sqrt(2 * Math.PI);
    close(value(grads((x) => tf.gelu(x), [tf.constant(1, 'float64')])[0]), 0.8413447460685429 + phi, 1e-12);
  });

  it('silu = swish = x·σ(x); ∂ = σ(x)(1 + x(1 − σ(x))); β scales the sigmoid\'s input', () => {
    close(tf.nn.silu(1).arraySync(), sig(1));
    close(tf.nn.swish(2).arraySync(), 2 * sig(2));
    close(tf.swish(2, 0.5).arraySync(), 2 * sig(1));
    close(value(grads((x) => tf.silu(x), [tf.constant(1)])[0]), sig(1) * (1 + (1 - sig(1))));
  });

  it('softsign: x/(1 + |x|); ∂ = 1/(1 + |x|)²', () => {
    close(tf.nn.softsign([3, -1]).arraySync(), [0.75, -0.5]);
    close(tf.math.softsign(3).arraySync(), 0.75);
    close(value(grads((x) => tf.softsign(x), [tf.constant([3, -1])])[0]), [1 / 16, 1 / 4]);
  });

  it('logSigmoid = −softplus(−x): stable for large |x|; ∂ = 1 − σ(x)', () => {
    close(tf.math.logSigmoid([0, -100, 100]).arraySync(), [-Math.LN2, -100, 0]);
    close(value(grads((x) => tf.logSigmoid(x), [tf.constant([0, 2])])[0]), [0.5, 1 - sig(2)]);
  });

  it('second derivatives through nested tapes: elu″(−1) = e⁻¹, gelu″ from its composition', () => {
    const x = tf.constant(-1, 'float64');
    const outer = new tf.GradientTape();
    const d2 = outer.record(() => {
      outer.watch(x);
      const inner = new tf.GradientTape();
      const y = inner.record(() => {
        inner.watch(x);
        return tf.elu(x);
      });
      return inner.gradient(y, x) as tf.Tensor;
    });
    close(value(outer.gradient(d2, x)), E1, 1e-12);
  });
});
