import { allocate } from '../dtype';
import { InvalidArgumentError } from '../errors';
import { broadcastIndex, kernels } from '../kernels';
import { defineOp } from '../op';
import { broadcastShape, shapeText } from '../shape';
import { Tensor, toTensor, type TensorLike } from '../tensor';
import { convertAll, filled, sameDtype } from './helpers';
import { diagonalJvp } from './tangents';

/** out = cond ? x : y (broadcast).  ∂out/∂x = [cond], ∂out/∂y = [¬cond]; cond gets null. */
export const SelectV2 = defineOp({
  name: 'SelectV2',
  inputs: ['condition', 'x', 'y'],
  derivative: '∂out/∂condition: none (bool), ∂out/∂x = 1 where condition, ∂out/∂y = 1 where not condition',
  forward: ([c, x, y]) => {
    if (c.dtype !== 'bool') throw new InvalidArgumentError(`condition must be a bool tensor, got ${c.dtype}`, 'SelectV2');
    const dtype = sameDtype('SelectV2', [x, y]);
    let shape: number[];
    try {
      shape = broadcastShape(broadcastShape(c.shape, x.shape), y.shape);
    } catch {
      throw new InvalidArgumentError(`condition ${shapeText(c.shape)}, then ${shapeText(x.shape)}, and else ${shapeText(y.shape)} must be broadcastable`, 'SelectV2');
    }
    const out = allocate(dtype, shape.reduce((p, d) => p * d, 1));
    kernels.select(c.data, broadcastIndex(c.shape, shape), x.data, broadcastIndex(x.shape, shape), y.data, broadcastIndex(y.shape, shape), out);
    return new Tensor(out, shape, dtype);
  },
  gradient: (dy, [c]) => {
    const zero = filled([], dy.dtype, 0);
    return [null, () => where(c, dy, zero), () => where(c, zero, dy)];
  },
  jvp: diagonalJvp,
  sample: {
    kind: 'cases',
    cases: [
      { inputs: [{ shape: [2, 3], bool: true }, { shape: [2, 3] }, { shape: [2, 3] }], attrs: undefined },
      { inputs: [{ shape: [3], bool: true }, { shape: [2, 3] }, { shape: [] }], attrs: undefined },
      { inputs: [{ shape: [2, 1], bool: true }, { shape: [1, 3] }, { shape: [2, 3] }], attrs: undefined },
    ],
  },
});

/** tf.where(condition, x, y), with NumPy broadcasting (TensorFlow 2's where_v2). */
export function where(condition: TensorLike, x: TensorLike, y: TensorLike): Tensor {
  const c = toTensor(condition, 'bool');
  const [a, b] = convertAll([x, y]);
  return SelectV2.apply([c, a, b]);
}
