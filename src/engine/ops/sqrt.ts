import { defineOp } from '../op';
import { toTensor, type Tensor, type TensorLike } from '../tensor';
import { divide } from './divide';
import { multiply } from './multiply';
import { unaryForward } from './helpers';

/** out = √x.  ∂out/∂x = 1/(2√x) = 0.5/out. */
export const Sqrt = defineOp({
  name: 'Sqrt',
  inputs: ['x'],
  derivative: '∂out/∂x = 1/(2√x)',
  forward: unaryForward('Sqrt', 'sqrt'),
  gradient: (dy, _xs, out) => [() => divide(multiply(dy, 0.5), out)],
  jvp: ([t], _xs, out) => divide(t!, multiply(out, 2)),
  sample: { kind: 'unary', lo: 0.5, hi: 3 },
});

/** tf.sqrt: out = √x.  ∂out/∂x = 1/(2√x) = 0.5/out. */
export function sqrt(x: TensorLike): Tensor {
  return Sqrt.apply([toTensor(x)]);
}
