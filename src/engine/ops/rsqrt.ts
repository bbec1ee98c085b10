import { defineOp } from '../op';
import { toTensor, type Tensor, type TensorLike } from '../tensor';
import { multiply } from './multiply';
import { pow } from './pow';
import { unaryForward } from './helpers';
import { diagonalJvp } from './tangents';

/** out = 1/√x.  ∂out/∂x = −½·out³ (TensorFlow's RsqrtGrad, from the output). */
export const Rsqrt = defineOp({
  name: 'Rsqrt',
  inputs: ['x'],
  forward: unaryForward('Rsqrt', 'rsqrt'),
  gradient: (dy, _xs, out) => [() => multiply(dy, multiply(-0.5, pow(out, 3)))],
  sample: { kind: 'unary', lo: 0.5, hi: 2 },
  derivative: '∂out/∂x = −½·out³ (= −½·x^(−3/2))',
  jvp: diagonalJvp,
});

/** tf.math.rsqrt: out = 1/√x.  ∂out/∂x = −½·out³. */
export function rsqrt(x: TensorLike): Tensor {
  return Rsqrt.apply([toTensor(x)]);
}
