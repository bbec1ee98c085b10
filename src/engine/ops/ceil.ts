import { defineOp } from '../op';
import { toTensor, type Tensor, type TensorLike } from '../tensor';
import { unaryForward } from './helpers';

/** out = ⌈x⌉.  No gradient: piecewise constant (TensorFlow's Ceil is not differentiable). */
export const Ceil = defineOp({
  name: 'Ceil',
  inputs: ['x'],
  forward: unaryForward('Ceil', 'ceil'),
  gradient: null,
  derivative: 'none: piecewise constant (TensorFlow gives None)',
});

/** tf.math.ceil: out = ⌈x⌉.  No gradient. */
export function ceil(x: TensorLike): Tensor {
  return Ceil.apply([toTensor(x)]);
}
