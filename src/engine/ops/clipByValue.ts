import { allocate } from '../dtype';
import { broadcastIndex, kernels } from '../kernels';
import { defineOp } from '../op';
import { broadcastShape } from '../shape';
import { Tensor, type TensorLike } from '../tensor';
import { greater } from './greater';
import { less } from './less';
import { convertAll, filled, sameDtype } from './helpers';
import { where } from './where';
import { diagonalJvp } from './tangents';

/**
 * out = min(max(x, lo), hi).  ∂out/∂x = [lo ≤ x ≤ hi], ∂out/∂lo = [x < lo], ∂out/∂hi = [x > hi]
 * (TensorFlow's _ClipByValueGrad).
 */
export const ClipByValue = defineOp({
  name: 'ClipByValue',
  inputs: ['t', 'clipValueMin', 'clipValueMax'],
  derivative: '∂out/∂t = 1 if clipValueMin ≤ t ≤ clipValueMax else 0, ∂out/∂clipValueMin = 1 if t < clipValueMin else 0, ∂out/∂clipValueMax = 1 if t > clipValueMax else 0',
  forward: ([x, lo, hi]) => {
    const dtype = sameDtype('ClipByValue', [x, lo, hi]);
    const shape = broadcastShape(broadcastShape(x.shape, lo.shape, 'ClipByValue'), hi.shape, 'ClipByValue');
    const out = allocate(dtype, shape.reduce((p, d) => p * d, 1));
    kernels.clip(x.data, broadcastIndex(x.shape, shape), lo.data, broadcastIndex(lo.shape, shape), hi.data, broadcastIndex(hi.shape, shape), out);
    return new Tensor(out, shape, dtype);
  },
  gradient: (dy, [x, lo, hi]) => {
    const zero = filled([], dy.dtype, 0);
    const below = less(x, lo);
    const above = greater(x, hi);
    return [
      () => where(below, zero, where(above, zero, dy)),
      () => where(below, dy, zero),
      () => where(above, dy, zero),
    ];
  },
  jvp: diagonalJvp,
  sample: {
    kind: 'cases',
    kinks: [-0.5, 0.5],
    minGap: 0.05,
    cases: [
      { inputs: [{ shape: [2, 3] }, { shape: [], lo: -0.5, hi: -0.5 }, { shape: [], lo: 0.5, hi: 0.5 }], attrs: undefined },
      { inputs: [{ shape: [3] }, { shape: [3], lo: -0.5, hi: -0.5 }, { shape: [], lo: 0.5, hi: 0.5 }], attrs: undefined },
    ],
  },
});

/** tf.clipByValue: out = min(max(x, lo), hi).  ∂out/∂x = [lo ≤ x ≤ hi], ∂out/∂lo = [x < lo], ∂out/∂hi = [x > hi] (TensorFlow's _ClipByValueGrad). */
export function clipByValue(t: TensorLike, clipValueMin: TensorLike, clipValueMax: TensorLike): Tensor {
  return ClipByValue.apply(convertAll([t, clipValueMin, clipValueMax]));
}
