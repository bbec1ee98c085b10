import { allocate } from '../dtype';
import { InvalidArgumentError } from '../errors';
import { kernels } from '../kernels';
import { defineOp } from '../op';
import { Tensor, toTensor, type TensorLike } from '../tensor';
import { reduceSum } from './reduceSum';
import { reshape } from './reshape';
import { linearJvp } from './tangents';
import { checkInts } from '../args';

/** out = x repeated `multiples[i]` times along axis i.  ∂out/∂x = the sum of dy over the copies. */
export const Tile = defineOp<{ multiples: number[] }>({
  name: 'Tile',
  inputs: ['input'],
  derivative: '∂L/∂input = Σ over the tiles of ∂L/∂out',
  forward: ([x], { multiples }) => {
    const rank = x.shape.length;
    const shape = x.shape.map((d, i) => d * multiples[i]);
    const n = shape.reduce((p, d) => p * d, 1);
    const inStrides = new Array<number>(rank);
    let acc = 1;
    for (let i = rank - 1; i >= 0; i--) {
      inStrides[i] = acc;
      acc *= x.shape[i];
    }
    const map = new Int32Array(n);
    const counter = new Array<number>(rank).fill(0);
    for (let i = 0; i < n; i++) {
      let off = 0;
      for (let a = 0; a < rank; a++) off += (counter[a] % x.shape[a]) * inStrides[a];
      map[i] = off;
      for (let a = rank - 1; a >= 0; a--) {
        if (++counter[a] < shape[a]) break;
        counter[a] = 0;
      }
    }
    const out = allocate(x.dtype, n);
    kernels.take(x.data, map, out);
    return new Tensor(out, shape, x.dtype);
  },
  gradient: (dy, [x], _out, { multiples }) => [
    () => {
      // View dy as [m0, d0, m1, d1, …] and sum the copy axes m_i.
      const split = x.shape.flatMap((d, i) => [multiples[i], d]);
      const copyAxes = x.shape.map((_, i) => 2 * i);
      return reduceSum(reshape(dy, split), copyAxes);
    },
  ],
  jvp: linearJvp,
  sample: { kind: 'cases', cases: [{ inputs: [{ shape: [2, 3] }], attrs: { multiples: [2, 1] } }, { inputs: [{ shape: [3] }], attrs: { multiples: [3] } }] },
});

/** tf.tile: out = x repeated `multiples[i]` times along axis i.  ∂out/∂x = the sum of dy over the copies. */
export function tile(x: TensorLike, multiples: readonly number[]): Tensor {
  checkInts('tile', 'multiples', multiples);
  const t = toTensor(x);
  if (multiples.length !== t.rank) {
    throw new InvalidArgumentError(`Expected multiples argument to be a vector of length ${t.rank} but got length ${multiples.length}`, 'Tile');
  }
  return Tile.apply([t], { multiples: multiples.slice() });
}
