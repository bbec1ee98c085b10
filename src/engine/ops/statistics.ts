/**
 * Reductions that TensorFlow writes in Python from other ops (math_ops.py, nn_impl.py): they record
 * those ops, so gradients and higher derivatives come from them, as in TensorFlow.
 */
import { toTensor, type Tensor, type TensorLike } from '../tensor';
import { maximum } from './maximum';
import { multiply } from './multiply';
import { reduceMean } from './reduceMean';
import { reduceSum } from './reduceSum';
import { rsqrt } from './rsqrt';
import { sqrt } from './sqrt';
import { square } from './square';
import { subtract } from './subtract';
import { checkNumber } from '../args';

/** tf.math.reduceVariance: mean of (x − mean(x))² over axis (TensorFlow's reduce_variance; population variance). */
export function reduceVariance(x: TensorLike, axis?: number | number[] | null, keepdims = false): Tensor {
  const t = toTensor(x);
  const means = reduceMean(t, axis, true);
  return reduceMean(square(subtract(t, means)), axis, keepdims);
}

/** tf.math.reduceStd: √reduceVariance (TensorFlow's reduce_std). */
export function reduceStd(x: TensorLike, axis?: number | number[] | null, keepdims = false): Tensor {
  return sqrt(reduceVariance(x, axis, keepdims));
}

/** tf.math.l2Normalize (also tf.nn.l2Normalize): x / √max(Σx², ε) over axis, ε = 1e-12 (TensorFlow's l2_normalize). */
export function l2Normalize(x: TensorLike, axis?: number | number[] | null, epsilon = 1e-12): Tensor {
  checkNumber('l2Normalize', 'epsilon', epsilon);
  const t = toTensor(x);
  const squareSum = reduceSum(square(t), axis, true);
  return multiply(t, rsqrt(maximum(squareSum, epsilon)));
}
