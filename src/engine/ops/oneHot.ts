import { defineOp } from '../op';
import { describeValue, InvalidArgumentError } from '../errors';
import { Tensor, toTensor, type TensorLike } from '../tensor';

/** out[…, j] = (indices[…] == j) as float32.  Not differentiable (integer input). */
export const OneHot = defineOp<{ depth: number }>({
  name: 'OneHot',
  inputs: ['indices'],
  derivative: 'none (integer input)',
  forward: ([indices], { depth }) => {
    const out = new Float32Array(indices.size * depth);
    for (let i = 0; i < indices.size; i++) {
      const j = indices.data[i];
      // Out-of-range indices give an all-zero row, as TensorFlow's one_hot.
      if (j >= 0 && j < depth) out[i * depth + j] = 1;
    }
    return new Tensor(out, [...indices.shape, depth], 'float32');
  },
  gradient: null,
});

/** tf.oneHot: out[…, j] = (indices[…] == j) as float32.  Not differentiable (integer input). */
export function oneHot(indices: TensorLike, depth: number): Tensor {
  const t = toTensor(indices, 'int32');
  if (t.dtype !== 'int32') throw new InvalidArgumentError(`indices must be int32, got ${t.dtype}`, 'OneHot');
  // TF's OneHotOp: depth is an int32 scalar, and `depth must be non-negative, got: -2`.
  if (typeof depth !== 'number' || !Number.isInteger(depth)) throw new TypeError(`oneHot(depth) expects an integer, got ${describeValue(depth)}`);
  if (depth < 0) throw new InvalidArgumentError(`depth must be non-negative, got: ${depth}`, 'OneHot');
  return OneHot.apply([t], { depth });
}
