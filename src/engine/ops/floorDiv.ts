import { InvalidArgumentError } from '../errors';
import { defineOp } from '../op';
import type { Tensor, TensorLike } from '../tensor';
import { binaryForward, pair } from './helpers';

const forward = binaryForward('FloorDiv', 'floordiv');

/** Integer division by zero is TensorFlow's error (a float one gives ±inf or NaN). */
export function checkIntDivisor(op: string, y: Tensor): void {
  if (y.dtype !== 'int32') return;
  for (let i = 0; i < y.size; i++) if (y.data[i] === 0) throw new InvalidArgumentError('Integer division by zero', op);
}

/** out = ⌊a / b⌋.  No gradient (TensorFlow's FloorDiv is not differentiable). */
export const FloorDiv = defineOp({
  name: 'FloorDiv',
  inputs: ['x', 'y'],
  forward: (xs) => {
    checkIntDivisor('FloorDiv', xs[1]);
    return forward(xs);
  },
  gradient: null,
  derivative: 'none: piecewise constant (TensorFlow gives None)',
});

/** tf.math.floorDiv: out = ⌊a / b⌋ (int32 stays int32, rounding toward −∞ as Python's //).  No gradient. */
export function floorDiv(x: TensorLike, y: TensorLike): Tensor {
  return FloorDiv.apply(pair(x, y));
}
