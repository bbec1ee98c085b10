import { defineOp } from '../op';
import { normalizeAxis } from '../shape';
import { toTensor, type Tensor, type TensorLike } from '../tensor';
import { reduceForward, type ReduceAttrs } from './helpers';

/** out = index of the smallest x along axis (int32; the first on ties).  Not differentiable. */
export const ArgMin = defineOp<ReduceAttrs>({
  name: 'ArgMin',
  inputs: ['x'],
  derivative: 'none: an integer output carries no gradient',
  forward: reduceForward('argmin', 'int32'),
  gradient: null,
});

/** axis defaults to 0, as TensorFlow's tf.math.argmin. */
export function argMin(x: TensorLike, axis = 0): Tensor {
  const t = toTensor(x);
  return ArgMin.apply([t], { axes: [normalizeAxis(axis, t.rank, 'ArgMin')], keepdims: false });
}
