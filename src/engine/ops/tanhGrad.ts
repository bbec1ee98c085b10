import { InvalidArgumentError } from '../errors';
import { defineOp } from '../op';
import { sameShape, shapeText } from '../shape';
import type { Tensor } from '../tensor';
import { binaryForward, requireFloat } from './helpers';
import { multiply } from './multiply';
import { diagonalJvp } from './tangents';

// float32 rounds after y², after 1 − y² and after the product, as the Square/Sub/Mul chain did.
const forward32 = binaryForward('TanhGrad', 'tanhgrad32');
const forward64 = binaryForward('TanhGrad', 'tanhgrad');

/**
 * Tanh's gradient in one op, TensorFlow's TanhGrad: out = dy·(1 − y²), y = tanh's output.
 * ∂out/∂y = −2·y·dy, ∂out/∂dy = 1 − y² (TensorFlow's _TanhGradGrad).
 */
export const TanhGrad = defineOp({
  name: 'TanhGrad',
  inputs: ['y', 'dy'],
  derivative: '∂out/∂y = −2·y·dy, ∂out/∂dy = 1 − y²',
  forward: (xs) => {
    const [y, dy] = xs;
    requireFloat('TanhGrad', y);
    if (!sameShape(y.shape, dy.shape)) throw new InvalidArgumentError(`Incompatible shapes: ${shapeText(y.shape)} vs. ${shapeText(dy.shape)}`, 'TanhGrad');
    return y.dtype === 'float32' ? forward32(xs) : forward64(xs);
  },
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
