import { defineOp } from '../op';
import { toTensor, type Tensor, type TensorLike } from '../tensor';
import { multiply } from './multiply';
import { unaryForward } from './helpers';

/** out = eˣ.  ∂out/∂x = out, so the gradient reuses the forward result. */
export const Exp = defineOp({
  name: 'Exp',
  inputs: ['x'],
  derivative: '∂out/∂x = e^x',
  forward: unaryForward('Exp', 'exp'),
  gradient: (dy, _xs, out) => [() => multiply(dy, out)],
  jvp: ([t], _xs, out) => multiply(t!, out),
  sample: { kind: 'unary' },
});

/** tf.exp: out = eˣ.  ∂out/∂x = out, so the gradient reuses the forward result. */
export function exp(x: TensorLike): Tensor {
  return Exp.apply([toTensor(x)]);
}
