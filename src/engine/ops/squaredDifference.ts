import { defineOp } from '../op';
import type { Tensor, TensorLike } from '../tensor';
import { multiply } from './multiply';
import { negative } from './negative';
import { subtract } from './subtract';
import { binaryForward, pair } from './helpers';

/** out = (a − b)².  ∂out/∂a = 2(a − b), ∂out/∂b = −2(a − b). */
export const SquaredDifference = defineOp({
  name: 'SquaredDifference',
  inputs: ['a', 'b'],
  forward: binaryForward('SquaredDifference', 'sqdiff'),
  gradient: (dy, [a, b]) => {
    // As TensorFlow's _SquaredDifferenceGrad: (2·dy)·(a − b), the same rounding steps.
    const da = (): Tensor => multiply(multiply(2, dy), subtract(a, b));
    return [da, () => negative(da())];
  },
  sample: { kind: 'binary' },
});

export function squaredDifference(a: TensorLike, b: TensorLike): Tensor {
  return SquaredDifference.apply(pair(a, b));
}
