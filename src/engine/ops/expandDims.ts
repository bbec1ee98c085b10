import { InvalidArgumentError } from '../errors';
import { defineOp } from '../op';
import { Tensor, toTensor, type TensorLike } from '../tensor';
import { reshape } from './reshape';
import { linearJvp } from './tangents';

/** out = x with a size-1 axis inserted at `axis`.  ∂out/∂x = dy reshaped back. */
export const ExpandDims = defineOp<{ axis: number }>({
  name: 'ExpandDims',
  inputs: ['input'],
  derivative: '∂L/∂input = reshape(∂L/∂out, shape of input)',
  forward: ([x], { axis }) => {
    const shape = x.shape.slice();
    shape.splice(axis, 0, 1);
    return new Tensor(x.data, shape, x.dtype);
  },
  gradient: (dy, [x]) => [() => reshape(dy, x.shape)],
  jvp: linearJvp,
  sample: { kind: 'unary', attrs: { axis: 0 } },
});

/** axis in [-rank-1, rank], as TensorFlow's tf.expand_dims. */
export function expandDims(x: TensorLike, axis: number): Tensor {
  const t = toTensor(x);
  if (!Number.isInteger(axis) || axis < -t.rank - 1 || axis > t.rank) {
    throw new InvalidArgumentError(`Tried to expand dim index ${axis} for tensor with ${t.rank} dimensions.`, 'ExpandDims');
  }
  return ExpandDims.apply([t], { axis: axis < 0 ? axis + t.rank + 1 : axis });
}
