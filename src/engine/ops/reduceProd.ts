import { defineOp } from '../op';
import { toTensor, type Tensor, type TensorLike } from '../tensor';
import { broadcastTo } from './broadcastTo';
import { cumprod } from './cumprod';
import { multiply } from './multiply';
import { reshape } from './reshape';
import { transpose } from './transpose';
import { keptShape, reduceAttrs, reduceForward, type ReduceAttrs } from './helpers';
import { reductionJvp } from './tangents';

/**
 * out = Π x over axes.  ∂out/∂x_i = the product of the other elements, computed as TensorFlow's
 * _ProdGrad does without dividing (so zeros are exact): the reduced axes are brought to the front
 * and flattened, and each element's left and right exclusive cumulative products are multiplied.
 */
export const Prod = defineOp<ReduceAttrs>({
  name: 'Prod',
  inputs: ['x'],
  forward: reduceForward('prod'),
  gradient: (dy, [x], _out, { axes }) => [
    () => {
      const kept = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
      const perm = [...axes, ...kept];
      const inv = perm.map((_, i) => perm.indexOf(i));
      const xt = transpose(x, perm);
      const reducedSize = axes.reduce((p, a) => p * x.shape[a], 1);
      const flat = reshape(xt, [reducedSize, x.size / Math.max(reducedSize, 1) || 0]);
      const left = cumprod(flat, 0, { exclusive: true });
      const right = cumprod(flat, 0, { exclusive: true, reverse: true });
      const others = transpose(reshape(multiply(left, right), xt.shape), inv);
      return multiply(broadcastTo(reshape(dy, keptShape(x.shape, axes)), x.shape), others);
    },
  ],
  sample: { kind: 'cases', kinks: [0], minGap: 0.3, cases: [
    { inputs: [{ shape: [2, 3] }], attrs: { axes: [1], keepdims: false } },
    { inputs: [{ shape: [2, 3] }], attrs: { axes: [0], keepdims: true } },
    { inputs: [{ shape: [2, 3, 2] }], attrs: { axes: [0, 2], keepdims: false } },
    { inputs: [{ shape: [4] }], attrs: { axes: [0], keepdims: false } },
  ] },
  derivative: '∂out/∂x_i = Π_{j≠i} x_j (the product of the other elements)',
  jvp: reductionJvp,
});

/** tf.math.reduceProd(x, axis?, keepdims = false). */
export function reduceProd(x: TensorLike, axis?: number | number[] | null, keepdims?: boolean): Tensor {
  const t = toTensor(x);
  return Prod.apply([t], reduceAttrs(t, axis, keepdims, 'Prod'));
}
