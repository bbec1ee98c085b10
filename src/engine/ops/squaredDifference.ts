import { defineOp } from '../op';
import type { Tensor, TensorLike } from '../tensor';
import { multiply } from './multiply';
import { subtract } from './subtract';
import { binaryForward, pair } from './helpers';
import { sumTangents } from './tangents';
import { negative } from './negative';

/** out = (a − b)².  ∂out/∂a = 2(a − b), ∂out/∂b = −2(a − b). */
export const SquaredDifference = defineOp({
  name: 'SquaredDifference',
  inputs: ['a', 'b'],
  derivative: '∂out/∂a = 2(a − b), ∂out/∂b = −2(a − b)',
  forward: binaryForward('SquaredDifference', 'sqdiff'),
  // As TensorFlow's _SquaredDifferenceGrad: (2·dy)·(a − b), the same rounding steps; for b,
  // (−2·dy)·(a − b) has the same bits as negating it (rounding is symmetric in the sign).
  gradient: (dy, [a, b]) => [() => multiply(multiply(2, dy), subtract(a, b)), () => multiply(multiply(-2, dy), subtract(a, b))],
  jvp: ([ta, tb], [a, b], out) => multiply(multiply(subtract(a, b), 2), sumTangents([ta, tb && negative(tb)], out)!),
  sample: { kind: 'binary' },
});

/** tf.squaredDifference: out = (a − b)².  ∂out/∂a = 2(a − b), ∂out/∂b = −2(a − b). */
export function squaredDifference(a: TensorLike, b: TensorLike): Tensor {
  return SquaredDifference.apply(pair(a, b));
}
