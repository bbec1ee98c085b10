import { defineOp } from '../op';
import type { Tensor } from '../tensor';
import { activationGradForward } from './helpers';
import { multiply } from './multiply';
import { subtract } from './subtract';
import { diagonalJvp } from './tangents';

/**
 * Sigmoid's gradient in one op, TensorFlow's SigmoidGrad: out = dy·y·(1 − y), y = sigmoid's output.
 * ∂out/∂y = dy·(1 − 2y), ∂out/∂dy = y·(1 − y) (TensorFlow's _SigmoidGradGrad).
 */
export const SigmoidGrad = defineOp({
  name: 'SigmoidGrad',
  inputs: ['y', 'dy'],
  derivative: '∂out/∂y = dy·(1 − 2y), ∂out/∂dy = y·(1 − y)',
  // float32 rounds after 1 − y, after y·(1 − y) and after the product, as the Sub/Mul/Mul chain did.
  forward: activationGradForward('SigmoidGrad', 'sigmoidgrad32', 'sigmoidgrad'),
  // TensorFlow's: gb = g·dy; ∂y = gb − 2·gb·y, ∂dy = SigmoidGrad(y, g).
  inputGradient: (g, [y, dy], _out, _attrs, i) => {
    if (i === 1) return sigmoidGrad(y, g);
    const gb = multiply(g, dy);
    return subtract(gb, multiply(multiply(gb, 2), y));
  },
  jvp: diagonalJvp,
  sample: { kind: 'cases', cases: [
    { inputs: [{ shape: [] }, { shape: [] }], attrs: {} },
    { inputs: [{ shape: [2, 3], lo: 0.05, hi: 0.95 }, { shape: [2, 3] }], attrs: {} },
  ] },
});

/** dy·y·(1 − y) for y = sigmoid x: the gradient Sigmoid records (internal, as TensorFlow's gen_math_ops.sigmoid_grad). */
export function sigmoidGrad(y: Tensor, dy: Tensor): Tensor {
  return SigmoidGrad.apply([y, dy]);
}
