import { defineOp, type OpDef } from '../op';
import { toTensor, type Tensor, type TensorLike } from '../tensor';
import { scanAttrs, scanForward, SCAN_SAMPLE, type ScanAttrs } from './scan';
import { linearJvp } from './tangents';

/**
 * out[i] = Σ x[j] for j ≤ i along axis (j < i when exclusive; from the end when reverse).
 * ∂out/∂x = the same sum of dy run the other way (TensorFlow's _CumsumGrad).
 */
export const Cumsum: OpDef<ScanAttrs> = defineOp<ScanAttrs>({
  name: 'Cumsum',
  inputs: ['x'],
  forward: scanForward('sum', 'Cumsum'),
  gradient: (dy, _xs, _out, { axis, exclusive, reverse }) => [(): Tensor => Cumsum.apply([dy], { axis, exclusive, reverse: !reverse })],
  sample: SCAN_SAMPLE,
  derivative: '∂L/∂x = cumsum of ∂L/∂out in the other direction',
  jvp: linearJvp,
});

/** tf.math.cumsum(x, axis = 0, { exclusive, reverse }), as TensorFlow's. */
export function cumsum(x: TensorLike, axis = 0, options: { exclusive?: boolean; reverse?: boolean } = {}): Tensor {
  const t = toTensor(x);
  return Cumsum.apply([t], scanAttrs(t, axis, options, 'Cumsum'));
}
