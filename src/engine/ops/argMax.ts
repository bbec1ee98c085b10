import { defineOp } from '../op';
import { normalizeAxis } from '../shape';
import { toTensor, type Tensor, type TensorLike } from '../tensor';
import { reduceForward, type ReduceAttrs } from './helpers';

/** out = index of the largest x along axis (int32; the first on ties).  Not differentiable. */
export const ArgMax = defineOp<ReduceAttrs>({
  name: 'ArgMax',
  inputs: ['x'],
  derivative: 'none: an integer output carries no gradient',
  forward: reduceForward('argmax', 'int32'),
  gradient: null,
});

/** axis defaults to 0, as TensorFlow's tf.math.argmax. */
export function argMax(x: TensorLike, axis = 0): Tensor {
  const t = toTensor(x);
  return ArgMax.apply([t], { axes: [normalizeAxis(axis, t.rank, 'ArgMax')], keepdims: false });
}
