import { defineOp } from '../op';
import { toTensor, type Tensor, type TensorLike } from '../tensor';
import { unaryForward } from './helpers';

/** out = ⌊x⌋.  No gradient: piecewise constant (TensorFlow's _FloorGrad returns None). */
export const Floor = defineOp({
  name: 'Floor',
  inputs: ['x'],
  forward: unaryForward('Floor', 'floor'),
  gradient: null,
  derivative: 'none: piecewise constant (TensorFlow gives None)',
});

/** tf.math.floor: out = ⌊x⌋.  No gradient. */
export function floor(x: TensorLike): Tensor {
  return Floor.apply([toTensor(x)]);
}
