import { defineOp } from '../op';
import { toTensor, type Tensor, type TensorLike } from '../tensor';
import { cumsum } from './cumsum';
import { divide } from './divide';
import { multiply } from './multiply';
import { scanAttrs, scanForward, type ScanAttrs } from './scan';

/**
 * out[i] = Π x[j] for j ≤ i along axis (j < i when exclusive; from the end when reverse).
 * ∂L/∂x = cumsum(out·dy, the other way) / x (TensorFlow's _CumprodGrad, which also divides by x).
 */
export const Cumprod = defineOp<ScanAttrs>({
  name: 'Cumprod',
  inputs: ['x'],
  forward: scanForward('prod', 'Cumprod'),
  gradient: (dy, [x], out, { axis, exclusive, reverse }) => [() => divide(cumsum(multiply(out, dy), axis, { exclusive, reverse: !reverse }), x)],
  // Away from 0, where the rule divides by x.
  sample: { kind: 'cases', kinks: [0], minGap: 0.3, cases: [
    { inputs: [{ shape: [4] }], attrs: { axis: 0, exclusive: false, reverse: false } },
    { inputs: [{ shape: [2, 3] }], attrs: { axis: 1, exclusive: true, reverse: false } },
    { inputs: [{ shape: [3, 2] }], attrs: { axis: 0, exclusive: false, reverse: true } },
  ] },
  derivative: '∂L/∂x = cumsum(out·∂L/∂out in the other direction) / x',
});

/** tf.math.cumprod(x, axis = 0, { exclusive, reverse }), as TensorFlow's. */
export function cumprod(x: TensorLike, axis = 0, options: { exclusive?: boolean; reverse?: boolean } = {}): Tensor {
  const t = toTensor(x);
  return Cumprod.apply([t], scanAttrs(t, axis, options, 'Cumprod'));
}
