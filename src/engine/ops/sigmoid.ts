import { defineOp } from '../op';
import { toTensor, type Tensor, type TensorLike } from '../tensor';
import { multiply } from './multiply';
import { subtract } from './subtract';
import { unaryForward } from './helpers';

/** out = 1/(1 + e⁻ˣ).  ∂out/∂x = out·(1 − out). */
export const Sigmoid = defineOp({
  name: 'Sigmoid',
  inputs: ['x'],
  derivative: '∂out/∂x = σ(x)(1 − σ(x))',
  forward: unaryForward('Sigmoid', 'sigmoid'),
  gradient: (dy, _xs, out) => [() => multiply(dy, multiply(out, subtract(1, out)))],
  jvp: ([t], _xs, out) => multiply(t!, multiply(out, subtract(1, out))),
  sample: { kind: 'unary' },
});

/** tf.sigmoid: out = 1/(1 + e⁻ˣ).  ∂out/∂x = out·(1 − out). */
export function sigmoid(x: TensorLike): Tensor {
  return Sigmoid.apply([toTensor(x)]);
}
