import { defineOp } from '../op';
import { toTensor, type Tensor, type TensorLike } from '../tensor';
import { cos } from './cos';
import { divide } from './divide';
import { square } from './square';
import { unaryForward } from './helpers';
import { multiply } from './multiply';
import { add } from './add';

/** out = tan x.  ∂out/∂x = sec²x = 1/cos²x. */
export const Tan = defineOp({
  name: 'Tan',
  inputs: ['x'],
  derivative: '∂out/∂x = 1 + tan² x',
  forward: unaryForward('Tan', 'tan'),
  gradient: (dy, [x]) => [() => divide(dy, square(cos(x)))],
  jvp: ([t], _xs, out) => multiply(t!, add(multiply(out, out), 1)),
  sample: { kind: 'unary', lo: -1.2, hi: 1.2 },
});

/** tf.tan: out = tan x.  ∂out/∂x = sec²x = 1/cos²x. */
export function tan(x: TensorLike): Tensor {
  return Tan.apply([toTensor(x)]);
}
