import { defineOp } from '../op';
import { toTensor, type Tensor, type TensorLike } from '../tensor';
import { unaryForward } from './helpers';

/** out = x rounded to the nearest integer, halves to even.  No gradient (TensorFlow's _RoundGrad returns None). */
export const Round = defineOp({
  name: 'Round',
  inputs: ['x'],
  // Integers round to themselves: TensorFlow's Round accepts int32.
  forward: unaryForward('Round', 'round', false),
  gradient: null,
  derivative: 'none: piecewise constant (TensorFlow gives None)',
});

/** tf.math.round: out = x rounded half to even (round(2.5) = 2, as TensorFlow's).  No gradient. */
export function round(x: TensorLike): Tensor {
  return Round.apply([toTensor(x)]);
}
