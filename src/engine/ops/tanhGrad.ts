import { defineOp } from '../op';
import type { Tensor } from '../tensor';
import { activationGradForward } from './helpers';
import { multiply } from './multiply';
import { diagonalJvp } from './tangents';

/**
 * Tanh's gradient in one op, TensorFlow's TanhGrad: out = dy·(1 − y²), y = tanh's output.
 * ∂out/∂y = −2·y·dy, ∂out/∂dy = 1 − y² (TensorFlow's _TanhGradGrad).
 */
export const TanhGrad = defineOp({
  name: 'TanhGrad',
  inputs: ['y', 'dy'],
  derivative: '∂out/∂y = −2·y·dy, ∂out/∂dy = 1 − y²',
  // float32 rounds after y², after 1 − y² and after the product, as the Square/Sub/Mul chain did.
  forward: activationGradForward('TanhGrad', 'tanhgrad32', 'tanhgrad'),
  inputGradient: (g, [y, dy], _out, _attrs, i) => (i === 0 ? multiply(multiply(multiply(g, -2), dy), y) : tanhGrad(y, g)),
  jvp: diagonalJvp,
  sample: { kind: 'cases', cases: [
    { inputs: [{ shape: [] }, { shape: [] }], attrs: {} },
    { inputs: [{ shape: [2, 3], lo: -1, hi: 1 }, { shape: [2, 3] }], attrs: {} },
  ] },
});

/** dy·(1 − y²) for y = tanh x: the gradient Tanh records (internal, as TensorFlow's gen_math_ops.tanh_grad). */
export function tanhGrad(y: Tensor, dy: Tensor): Tensor {
  return TanhGrad.apply([y, dy]);
}
