import { allocate } from '../dtype';
import { InvalidArgumentError } from '../errors';
import { kernels } from '../kernels';
import { defineOp } from '../op';
import { Tensor, toTensor, type TensorLike } from '../tensor';
import { linearJvp } from './tangents';
import { checkInts } from '../args';

/** out[…perm…] = x: axes permuted.  ∂out/∂x = dy transposed by the inverse permutation. */
export const Transpose = defineOp<{ perm: number[] }>({
  name: 'Transpose',
  inputs: ['x'],
  derivative: '∂L/∂x = (∂L/∂out)ᵀ (inverse permutation)',
  forward: ([x], { perm }) => {
    const out = allocate(x.dtype, x.size);
    kernels.transpose(x.data, x.shape, perm, out);
    return new Tensor(out, perm.map((p) => x.shape[p]), x.dtype);
  },
  gradient: (dy, _xs, _out, { perm }) => {
    const inverse = new Array<number>(perm.length);
    perm.forEach((p, i) => (inverse[p] = i));
    return [() => transpose(dy, inverse)];
  },
  jvp: linearJvp,
  sample: {
    kind: 'cases',
    cases: [
      { inputs: [{ shape: [2, 3] }], attrs: { perm: [1, 0] } },
      { inputs: [{ shape: [2, 3, 4] }], attrs: { perm: [2, 0, 1] } },
    ],
  },
});

/** perm defaults to reversing the axes, as TensorFlow's tf.transpose. */
export function transpose(x: TensorLike, perm?: readonly number[]): Tensor {
  if (perm !== undefined && perm !== null) checkInts('transpose', 'perm', perm);
  const t = toTensor(x);
  const p = perm ? perm.map((a) => (a < 0 ? a + t.rank : a)) : t.shape.map((_, i) => t.rank - 1 - i);
  if (p.length !== t.rank) {
    throw new InvalidArgumentError(`transpose expects a vector of size ${t.rank}. But input(1) is a vector of size ${p.length}`, 'Transpose');
  }
  for (let d = 0; d < p.length; d++) {
    if (!p.includes(d)) throw new InvalidArgumentError(`${d} is missing from {${p.join(',')}}.`, 'Transpose');
  }
  return Transpose.apply([t], { perm: p });
}
