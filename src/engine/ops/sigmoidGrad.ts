import { InvalidArgumentError } from '../errors';
import { defineOp } from '../op';
import { sameShape, shapeText } from '../shape';
import type { Tensor } from '../tensor';
import { binaryForward, requireFloat } from './helpers';
import { multiply } from './multiply';
import { subtract } from './subtract';
import { diagonalJvp } from './tangents';

// float32 rounds after 1 − y, after y·(1 − y) and after the product, as the Sub/Mul/Mul chain did.
const forward32 = binaryForward('SigmoidGrad', 'sigmoidgrad32');
const forward64 = binaryForward('SigmoidGrad', 'sigmoidgrad');

/**
 * Sigmoid's gradient in one op, TensorFlow's SigmoidGrad: out = dy·y·(1 − y), y = sigmoid's output.
 * ∂out/∂y = dy·(1 − 2y), ∂out/∂dy = y·(1 − y) (TensorFlow's _SigmoidGradGrad).
 */
export const SigmoidGrad = defineOp({
  name: 'SigmoidGrad',
  inputs: ['y', 'dy'],
  derivative: '∂out/∂y = dy·(1 − 2y), ∂out/∂dy = y·(1 − y)',
  forward: (xs) => {
    const [y, dy] = xs;
    requireFloat('SigmoidGrad', y);
    if (!sameShape(y.shape, dy.shape)) throw new InvalidArgumentError(`Incompatible shapes: ${shapeText(y.shape)} vs. ${shapeText(dy.shape)}`, 'SigmoidGrad');
    return y.dtype === 'float32' ? forward32(xs) : forward64(xs);
  },
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
