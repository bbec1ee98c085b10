/**
 * tf.nn.moments and tf.nn.batchNormalization, written from recorded ops as TensorFlow writes them
 * in Python (nn_impl.py), so their gradients, higher derivatives and forward-mode tangents are
 * those of the ops they record, as in TensorFlow.
 */
import { toTensor, type Tensor, type TensorLike } from '../tensor';
import { add } from './add';
import { multiply } from './multiply';
import { negative } from './negative';
import { reduceMean } from './reduceMean';
import { rsqrt } from './rsqrt';
import { squaredDifference } from './squaredDifference';
import { squeeze } from './squeeze';
import { stopGradient } from './stopGradient';
import { subtract } from './subtract';

/**
 * tf.nn.moments: `[mean, variance]` of x over `axes` (population variance). As TensorFlow's, the
 * variance is mean((x − stopGradient(mean))²): its first derivative is the same (Σ(x − mean) = 0)
 * and TF's second derivatives are kept.
 */
export function moments(x: TensorLike, axes: number | number[], options: { keepdims?: boolean } = {}): [Tensor, Tensor] {
  const t = toTensor(x);
  const mean = reduceMean(t, axes, true);
  const variance = reduceMean(squaredDifference(t, stopGradient(mean)), axes, true);
  if (options.keepdims) return [mean, variance];
  return [squeeze(mean, axes), squeeze(variance, axes)];
}

/**
 * tf.nn.batchNormalization: (x − mean)·scale/√(variance + ε) + offset, in TensorFlow's order
 * (x·inv + (offset − mean·inv), inv = rsqrt(variance + ε)·scale) so float32 results round as TF's.
 * `offset` and `scale` may be null (TF's None): no shift, no scaling.
 */
export function batchNormalization(
  x: TensorLike,
  mean: TensorLike,
  variance: TensorLike,
  offset: TensorLike | null | undefined,
  scale: TensorLike | null | undefined,
  varianceEpsilon: number,
): Tensor {
  let inv = rsqrt(add(variance, varianceEpsilon));
  if (scale !== null && scale !== undefined) inv = multiply(inv, scale);
  const shift = offset !== null && offset !== undefined ? subtract(offset, multiply(mean, inv)) : negative(multiply(mean, inv));
  return add(multiply(x, inv), shift);
}
