import { defineOp } from '../op';
import { toTensor, type Tensor, type TensorLike } from '../tensor';
import { divide } from './divide';
import { unaryForward } from './helpers';

/** out = ln x.  ∂out/∂x = 1/x. */
export const Log = defineOp({
  name: 'Log',
  inputs: ['x'],
  derivative: '∂out/∂x = 1/x',
  forward: unaryForward('Log', 'log'),
  gradient: (dy, [x]) => [() => divide(dy, x)],
  jvp: ([t], [x]) => divide(t!, x),
  sample: { kind: 'unary', lo: 0.5, hi: 3 },
});

/** tf.log: out = ln x.  ∂out/∂x = 1/x. */
export function log(x: TensorLike): Tensor {
  return Log.apply([toTensor(x)]);
}
