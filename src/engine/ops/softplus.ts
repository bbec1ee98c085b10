import { defineOp } from '../op';
import { toTensor, type Tensor, type TensorLike } from '../tensor';
import { multiply } from './multiply';
import { sigmoid } from './sigmoid';
import { unaryForward } from './helpers';

/** out = ln(1 + eˣ).  ∂out/∂x = sigmoid(x). */
export const Softplus = defineOp({
  name: 'Softplus',
  inputs: ['x'],
  derivative: '∂out/∂x = σ(x)',
  forward: unaryForward('Softplus', 'softplus'),
  gradient: (dy, [x]) => [() => multiply(dy, sigmoid(x))],
  jvp: ([t], [x]) => multiply(t!, sigmoid(x)),
  sample: { kind: 'unary' },
});

/** tf.softplus: out = ln(1 + eˣ).  ∂out/∂x = sigmoid(x). */
export function softplus(x: TensorLike): Tensor {
  return Softplus.apply([toTensor(x)]);
}
