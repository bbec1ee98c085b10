import { defineOp } from '../op';
import { Tensor, toTensor, type TensorLike } from '../tensor';

/** out = x, but no gradient flows back: ∂out/∂x is null (TensorFlow's StopGradient). */
export const StopGradient = defineOp({
  name: 'StopGradient',
  inputs: ['x'],
  derivative: '∂out/∂x := 0 (by definition)',
  forward: ([x]) => new Tensor(x.data, x.shape, x.dtype),
  gradient: null,
  jvp: null,
});

/** tf.stopGradient: out = x, but no gradient flows back: ∂out/∂x is null (TensorFlow's StopGradient). */
export function stopGradient(x: TensorLike): Tensor {
  return StopGradient.apply([toTensor(x)]);
}
