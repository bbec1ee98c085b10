import { allocate } from '../dtype';
import { InvalidArgumentError } from '../errors';
import { kernels } from '../kernels';
import { defineOp, type OpDef } from '../op';
import { shapeText, stridesOf } from '../shape';
import { Tensor, toTensor, type TensorLike } from '../tensor';
import { linearJvp } from './tangents';

/**
 * For gatherNd(params, indices): the flat index in params of every output element (each index
 * tuple of length m picks a slice params[i₀, …, i_{m−1}, :, …]). TensorFlow's checks and texts.
 */
function gatherNdIndexMap(shape: readonly number[], indices: Tensor, op: string): { map: Int32Array; outShape: number[] } {
  if (indices.rank < 1) throw new InvalidArgumentError(`indices must be at least a vector, got shape ${shapeText(indices.shape)}`, op);
  const m = indices.shape[indices.rank - 1];
  if (m > shape.length) throw new InvalidArgumentError(`index innermost dimension length must be <= params rank; saw: ${m} vs. ${shape.length}`, op);
  const st = stridesOf(shape);
  let inner = 1;
  for (let i = m; i < shape.length; i++) inner *= shape[i];
  const batch = indices.shape.slice(0, -1);
  const count = batch.reduce((p, d) => p * d, 1);
  const map = new Int32Array(count * inner);
  const ids = indices.data;
  let k = 0;
  for (let b = 0; b < count; b++) {
    let base = 0;
    for (let j = 0; j < m; j++) {
      const id = ids[b * m + j];
      if (id < 0 || id >= shape[j]) {
        const at = batch.length === 1 ? `[${b}]` : `[${unravel(b, batch).join(',')}]`;
        const tuple = Array.from(ids.subarray(b * m, b * m + m)).join(', ');
        throw new InvalidArgumentError(`indices${at} = [${tuple}] does not index into param shape ${shapeText(shape)}, node name: ${op}`, op);
      }
      base += id * st[j];
    }
    for (let i = 0; i < inner; i++) map[k++] = base + i;
  }
  return { map, outShape: [...batch, ...shape.slice(m)] };
}

function unravel(flat: number, shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length);
  for (let i = shape.length - 1; i >= 0; i--) {
    out[i] = flat % shape[i];
    flat = Math.floor(flat / shape[i]);
  }
  return out;
}

/** out[b] = params[indices[b]] (each index a tuple over params' leading axes).  ∂L/∂params = ∂L/∂out scatter-added at indices. */
export const GatherNd: OpDef<undefined> = defineOp({
  name: 'GatherNd',
  inputs: ['params', 'indices'],
  derivative: '∂L/∂params = scatter-add of ∂L/∂out at indices, ∂out/∂indices: none (integer)',
  jvp: linearJvp,
  forward: ([x, indices]) => {
    const { map, outShape } = gatherNdIndexMap(x.shape, indices, 'GatherNd');
    const out = allocate(x.dtype, map.length);
    kernels.take(x.data, map, out);
    return new Tensor(out, outShape, x.dtype);
  },
  gradient: (dy, [x, indices]) => [() => GatherNdGrad.apply([dy, indices], { shape: x.shape.slice() }), null],
  sample: { kind: 'cases', cases: [
    { inputs: [{ shape: [3, 4] }, { shape: [5, 2], int: 3 }], attrs: undefined },
    { inputs: [{ shape: [3, 2, 2] }, { shape: [2, 2, 1], int: 3 }], attrs: undefined },
  ] },
});

/**
 * The adjoint of gatherNd: zeros of params' shape with dy's slices added at indices (TensorFlow's
 * ScatterNd), accumulated in double.  ∂L/∂dy = gatherNd(∂L/∂out, indices).
 */
export const GatherNdGrad: OpDef<{ shape: number[] }> = defineOp<{ shape: number[] }>({
  name: 'GatherNdGrad',
  inputs: ['dy', 'indices'],
  derivative: '∂L/∂dy = gatherNd(∂L/∂out, indices), ∂out/∂indices: none (integer)',
  jvp: linearJvp,
  forward: ([dy, indices], { shape }) => {
    const { map } = gatherNdIndexMap(shape, indices, 'GatherNdGrad');
    const acc = allocate(dy.dtype === 'float32' ? 'float64' : dy.dtype, shape.reduce((p, d) => p * d, 1));
    kernels.scatterAdd(dy.data, map, acc);
    const out = allocate(dy.dtype, acc.length);
    out.set(acc);
    return new Tensor(out, shape.slice(), dy.dtype);
  },
  gradient: (ddx, [, indices]) => [() => GatherNd.apply([ddx, indices]), null],
  sample: { kind: 'cases', cases: [{ inputs: [{ shape: [5] }, { shape: [5, 2], int: 3 }], attrs: { shape: [3, 4] } }] },
});

/** tf.gatherNd(params, indices): int32 indices whose last axis indexes params' leading axes. */
export function gatherNd(params: TensorLike, indices: TensorLike): Tensor {
  const t = toTensor(params);
  const idx = toTensor(indices, 'int32');
  if (idx.dtype !== 'int32') throw new InvalidArgumentError(`indices must be int32, got ${idx.dtype}`, 'GatherNd');
  if (t.rank < 1) throw new InvalidArgumentError(`params must be at least a vector, got shape ${shapeText(t.shape)}`, 'GatherNd');
  return GatherNd.apply([t, idx]);
}
