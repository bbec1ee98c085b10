import { allocate } from '../dtype';
import { InvalidArgumentError } from '../errors';
import { kernels } from '../kernels';
import { defineOp } from '../op';
import { linearJvp } from './tangents';
import { normalizeAxis } from '../shape';
import { Tensor, toTensor, type TensorLike } from '../tensor';

/** For gather(x, indices, axis): the flat index in x of every output element. */
function gatherIndexMap(shape: readonly number[], indices: Tensor, axis: number, op: string): Int32Array {
  let outer = 1;
  for (let i = 0; i < axis; i++) outer *= shape[i];
  let inner = 1;
  for (let i = axis + 1; i < shape.length; i++) inner *= shape[i];
  const dim = shape[axis];
  const ids = indices.data;
  const map = new Int32Array(outer * ids.length * inner);
  let k = 0;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < ids.length; j++) {
      const id = ids[j];
      if (id < 0 || id >= dim) throw new InvalidArgumentError(`indices[${j}] = ${id} is not in [0, ${dim})`, op);
      const base = (o * dim + id) * inner;
      for (let i = 0; i < inner; i++) map[k++] = base + i;
    }
  }
  return map;
}

function gatherShape(shape: readonly number[], indices: Tensor, axis: number): number[] {
  return [...shape.slice(0, axis), ...indices.shape, ...shape.slice(axis + 1)];
}

/** out = x[…, indices, …] along axis.  ∂out/∂x = dy scattered (summed) back to the gathered rows; indices get null. */
export const GatherV2 = defineOp<{ axis: number }>({
  name: 'GatherV2',
  inputs: ['params', 'indices'],
  derivative: '∂L/∂params = scatter-add of ∂L/∂out at indices, ∂out/∂indices: none (integer)',
  forward: ([x, indices], { axis }) => {
    const map = gatherIndexMap(x.shape, indices, axis, 'GatherV2');
    const out = allocate(x.dtype, map.length);
    kernels.take(x.data, map, out);
    return new Tensor(out, gatherShape(x.shape, indices, axis), x.dtype);
  },
  gradient: (dy, [x, indices], _out, { axis }) => [() => GatherGrad.apply([dy, indices], { axis, shape: x.shape }), null],
  jvp: linearJvp,
  sample: {
    kind: 'cases',
    cases: [
      { inputs: [{ shape: [4, 3] }, { shape: [5], int: 4 }], attrs: { axis: 0 } },
      { inputs: [{ shape: [2, 3] }, { shape: [2, 2], int: 3 }], attrs: { axis: 1 } },
    ],
  },
});

/**
 * The adjoint of gather: out = zeros(shape) with dy's rows added at `indices` (TensorFlow's
 * UnsortedSegmentSum of the IndexedSlices gradient).  ∂out/∂dy = gather(d, indices, axis).
 */
export const GatherGrad = defineOp<{ axis: number; shape: number[] }>({
  name: 'GatherGrad',
  inputs: ['dy', 'indices'],
  derivative: '∂L/∂dy = gather(∂L/∂out)',
  forward: ([dy, indices], { axis, shape }) => {
    const map = gatherIndexMap(shape, indices, axis, 'GatherGrad');
    const out = allocate(dy.dtype === 'float32' ? 'float64' : dy.dtype, shape.reduce((p, d) => p * d, 1));
    // Accumulate repeated indices in double, then round once.
    kernels.scatterAdd(dy.data, map, out);
    const res = allocate(dy.dtype, out.length);
    res.set(out);
    return new Tensor(res, shape.slice(), dy.dtype);
  },
  gradient: (ddx, [, indices], _out, { axis }) => [() => gather(ddx, indices, axis), null],
  jvp: linearJvp,
  sample: { kind: 'cases', cases: [{ inputs: [{ shape: [5, 3] }, { shape: [5], int: 4 }], attrs: { axis: 0, shape: [4, 3] } }] },
});

/** tf.gather: out = x[…, indices, …] along axis.  ∂out/∂x = dy scattered (summed) back to the gathered rows; indices get null. */
export function gather(x: TensorLike, indices: TensorLike, axis = 0): Tensor {
  const t = toTensor(x);
  const idx = toTensor(indices, 'int32');
  if (idx.dtype !== 'int32') throw new InvalidArgumentError(`indices must be int32, got ${idx.dtype}`, 'GatherV2');
  return GatherV2.apply([t, idx], { axis: normalizeAxis(axis, t.rank, 'GatherV2') });
}
