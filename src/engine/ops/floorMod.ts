import { defineOp } from '../op';
import type { Tensor, TensorLike } from '../tensor';
import { divisionForward, floorDiv } from './floorDiv';
import { multiply } from './multiply';
import { negative } from './negative';
import { pair } from './helpers';
import { diagonalJvp } from './tangents';

/**
 * out = a − ⌊a/b⌋·b (the remainder takes the divisor's sign, as Python's %).
 * ∂out/∂a = 1, ∂out/∂b = −⌊a/b⌋ (TensorFlow's _FloorModGrad).
 */
export const FloorMod = defineOp({
  name: 'FloorMod',
  inputs: ['x', 'y'],
  forward: divisionForward('FloorMod', 'floormod'),
  gradient: (dy, [a, b]) => [() => dy, () => multiply(dy, negative(floorDiv(a, b)))],
  // a/b stays inside (1, 2): the derivatives jump where it crosses an integer.
  sample: { kind: 'binary', lo: [2.1, 1.45], hi: [2.8, 1.9] },
  derivative: '∂out/∂x = 1, ∂out/∂y = −⌊x/y⌋',
  jvp: diagonalJvp,
});

/** tf.math.floorMod: out = a − ⌊a/b⌋·b.  ∂out/∂a = 1, ∂out/∂b = −⌊a/b⌋. */
export function floorMod(x: TensorLike, y: TensorLike): Tensor {
  return FloorMod.apply(pair(x, y));
}
