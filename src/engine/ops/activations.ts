/**
 * Activations that TensorFlow itself defines as compositions in Python (nn_ops.py, math_ops.py):
 * they record the ops they are made of, so their gradients, second derivatives and forward mode
 * come from those ops, exactly as in TensorFlow.
 */
import { toTensor, type Tensor, type TensorLike } from '../tensor';
import { add } from './add';
import { divide } from './divide';
import { erf } from './erf';
import { multiply } from './multiply';
import { negative } from './negative';
import { pow } from './pow';
import { sigmoid } from './sigmoid';
import { softplus } from './softplus';
import { tanh } from './tanh';
import { checkBool, checkNumber } from '../args';

/**
 * tf.nn.gelu: 0.5·x·(1 + erf(x/√2)), or with `approximate` 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))
 * (TensorFlow's own formulas, in its order of operations).
 */
export function gelu(features: TensorLike, approximate = false): Tensor {
  checkBool('gelu', 'approximate', approximate);
  const x = toTensor(features);
  if (approximate) {
    const inner = multiply(0.7978845608028654, add(x, multiply(0.044715, pow(x, 3))));
    return multiply(multiply(0.5, x), add(1, tanh(inner)));
  }
  return multiply(multiply(0.5, x), add(1, erf(divide(x, Math.SQRT2))));
}

/** tf.nn.silu (also tf.nn.swish): x·sigmoid(β·x), β = 1 by default. */
export function silu(features: TensorLike, beta = 1): Tensor {
  checkNumber('silu', 'beta', beta);
  const x = toTensor(features);
  return multiply(x, sigmoid(beta === 1 ? x : multiply(beta, x)));
}

/** tf.math.logSigmoid: log(sigmoid(x)) as −softplus(−x), TensorFlow's stable form. */
export function logSigmoid(x: TensorLike): Tensor {
  return negative(softplus(negative(toTensor(x))));
}
