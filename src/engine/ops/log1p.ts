import { defineOp } from '../op';
import { toTensor, type Tensor, type TensorLike } from '../tensor';
import { add } from './add';
import { divide } from './divide';
import { unaryForward } from './helpers';

/** out = ln(1 + x).  ∂out/∂x = 1/(1 + x). */
export const Log1p = defineOp({
  name: 'Log1p',
  inputs: ['x'],
  derivative: '∂out/∂x = 1/(1 + x)',
  forward: unaryForward('Log1p', 'log1p'),
  gradient: (dy, [x]) => [() => divide(dy, add(x, 1))],
  jvp: ([t], [x]) => divide(t!, add(x, 1)),
  sample: { kind: 'unary', lo: -0.5, hi: 2 },
});

/** tf.log1p: out = ln(1 + x).  ∂out/∂x = 1/(1 + x). */
export function log1p(x: TensorLike): Tensor {
  return Log1p.apply([toTensor(x)]);
}
