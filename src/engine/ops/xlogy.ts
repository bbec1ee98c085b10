import { defineOp } from '../op';
import type { Tensor, TensorLike } from '../tensor';
import { cast } from './cast';
import { divide } from './divide';
import { multiply } from './multiply';
import { where } from './where';
import { binaryForward, filled, pair } from './helpers';
import { diagonalJvp } from './tangents';

/**
 * out = x·ln y, and 0 where x = 0 (whatever y is).
 * ∂out/∂x = xlogy([x ≠ 0], y), ∂out/∂y = x/y, 0 where x = 0 (TensorFlow's _XLogyGrad, with xdivy).
 */
export const Xlogy = defineOp({
  name: 'Xlogy',
  inputs: ['x', 'y'],
  forward: binaryForward('Xlogy', 'xlogy'),
  gradient: (dy, [x, y]) => [
    // cast to bool is x ≠ 0.
    () => multiply(dy, xlogy(cast(cast(x, 'bool'), x.dtype), y)),
    () => multiply(dy, where(cast(x, 'bool'), divide(x, y), filled([], x.dtype, 0))),
  ],
  sample: { kind: 'binary', lo: [-2, 0.5], hi: [2, 2] },
  derivative: '∂out/∂x = ln y (0 where x = 0), ∂out/∂y = x/y (0 where x = 0)',
  jvp: diagonalJvp,
});

/** tf.math.xlogy: out = x·ln y, 0 where x = 0.  ∂out/∂x = ln y, ∂out/∂y = x/y (both 0 where x = 0). */
export function xlogy(x: TensorLike, y: TensorLike): Tensor {
  return Xlogy.apply(pair(x, y));
}
