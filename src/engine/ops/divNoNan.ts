import { defineOp } from '../op';
import type { Tensor, TensorLike } from '../tensor';
import { multiply } from './multiply';
import { negative } from './negative';
import { binaryForward, pair } from './helpers';
import { diagonalJvp } from './tangents';

/**
 * out = x / y, and 0 where y = 0.
 * ∂out/∂x = divNoNan(1, y), ∂out/∂y = divNoNan(divNoNan(−x, y), y) (TensorFlow's _DivNoNanGrad).
 */
export const DivNoNan = defineOp({
  name: 'DivNoNan',
  inputs: ['x', 'y'],
  forward: binaryForward('DivNoNan', 'divnonan'),
  gradient: (dy, [x, y]) => [() => divNoNan(dy, y), () => multiply(dy, divNoNan(divNoNan(negative(x), y), y))],
  sample: { kind: 'binary', lo: [-2, 0.5], hi: [2, 2] },
  derivative: '∂out/∂x = 1/y (0 where y = 0), ∂out/∂y = −x/y² (0 where y = 0)',
  jvp: diagonalJvp,
});

/** tf.math.divNoNan: out = x / y, 0 where y = 0.  ∂out/∂x = 1/y, ∂out/∂y = −x/y² (both 0 where y = 0). */
export function divNoNan(x: TensorLike, y: TensorLike): Tensor {
  return DivNoNan.apply(pair(x, y));
}
