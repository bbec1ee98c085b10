import { defineOp } from '../op';
import { toTensor, type Tensor, type TensorLike } from '../tensor';
import { filled, unaryForward } from './helpers';
import { diagonalJvp } from './tangents';

/** out = sign(x) ∈ {−1, 0, 1}.  ∂out/∂x = 0 (zeros, as TensorFlow's _SignGrad, not null). */
export const Sign = defineOp({
  name: 'Sign',
  inputs: ['x'],
  derivative: '∂out/∂x = 0 (undefined at 0)',
  forward: unaryForward('Sign', 'sign', false),
  gradient: (_dy, [x]) => [() => filled(x.shape, x.dtype, 0)],
  jvp: diagonalJvp,
  sample: { kind: 'unary', kinks: [0], minGap: 0.05 },
});

/** tf.sign: out = sign(x) ∈ {−1, 0, 1}.  ∂out/∂x = 0 (zeros, as TensorFlow's _SignGrad, not null). */
export function sign(x: TensorLike): Tensor {
  return Sign.apply([toTensor(x)]);
}
