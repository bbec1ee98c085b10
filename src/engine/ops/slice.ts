import { allocate } from '../dtype';
import { InvalidArgumentError } from '../errors';
import { kernels } from '../kernels';
import { defineOp } from '../op';
import { Tensor, toTensor, type TensorLike } from '../tensor';
import { pad } from './pad';
import { sliceIndexMap } from './helpers';
import { linearJvp } from './tangents';
import { checkInts } from '../args';

/** out = x[begin : begin + size].  ∂out/∂x = dy padded with zeros back to x's shape. */
export const Slice = defineOp<{ begin: number[]; size: number[] }>({
  name: 'Slice',
  inputs: ['input'],
  derivative: '∂L/∂input = ∂L/∂out padded with zeros',
  forward: ([x], { begin, size }) => {
    const out = allocate(x.dtype, size.reduce((p, d) => p * d, 1));
    kernels.take(x.data, sliceIndexMap(x.shape, begin, size), out);
    return new Tensor(out, size, x.dtype);
  },
  gradient: (dy, [x], _out, { begin, size }) => [() => pad(dy, x.shape.map((d, i) => [begin[i], d - begin[i] - size[i]]))],
  jvp: linearJvp,
  sample: {
    kind: 'cases',
    cases: [
      { inputs: [{ shape: [3, 4] }], attrs: { begin: [1, 0], size: [2, 3] } },
      { inputs: [{ shape: [5] }], attrs: { begin: [2], size: [2] } },
    ],
  },
});

/** size -1 means "to the end", as TensorFlow's tf.slice. */
export function slice(x: TensorLike, begin: readonly number[], size: readonly number[]): Tensor {
  checkInts('slice', 'begin', begin);
  checkInts('slice', 'size', size);
  const t = toTensor(x);
  if (begin.length !== t.rank || size.length !== t.rank) {
    throw new InvalidArgumentError(`Expected begin and size arguments to be 1-D tensors of size ${t.rank}, but got shapes [${begin.length}] and [${size.length}] instead.`, 'Slice');
  }
  const s = size.map((d, i) => (d === -1 ? t.shape[i] - begin[i] : d));
  for (let i = 0; i < t.rank; i++) {
    if (begin[i] < 0 || s[i] < 0 || begin[i] + s[i] > t.shape[i]) {
      throw new InvalidArgumentError(`Expected size[${i}] in [0, ${t.shape[i] - begin[i]}], but got ${size[i]}`, 'Slice');
    }
  }
  return Slice.apply([t], { begin: begin.slice(), size: s });
}
