import { InvalidArgumentError } from '../errors';
import type { BinaryOp } from '../kernels';
import { defineOp } from '../op';
import type { Tensor, TensorLike } from '../tensor';
import { binaryForward, pair } from './helpers';

/** A broadcasting binary forward that rejects an int32 zero divisor with TensorFlow's error (a float one gives ±inf or NaN). */
export function divisionForward(op: string, k: BinaryOp): (xs: Tensor[]) => Tensor {
  const forward = binaryForward(op, k);
  return (xs) => {
    const y = xs[1];
    if (y.dtype === 'int32') for (let i = 0; i < y.size; i++) if (y.data[i] === 0) throw new InvalidArgumentError('Integer division by zero', op);
    return forward(xs);
  };
}

/** out = ⌊a / b⌋.  No gradient (TensorFlow's FloorDiv is not differentiable). */
export const FloorDiv = defineOp({
  name: 'FloorDiv',
  inputs: ['x', 'y'],
  forward: divisionForward('FloorDiv', 'floordiv'),
  gradient: null,
  derivative: 'none: piecewise constant (TensorFlow gives None)',
});

/** tf.math.floorDiv: out = ⌊a / b⌋ (int32 stays int32, rounding toward −∞ as Python's //).  No gradient. */
export function floorDiv(x: TensorLike, y: TensorLike): Tensor {
  return FloorDiv.apply(pair(x, y));
}
