import { allocate } from '../dtype';
import { kernels } from '../kernels';
import { defineOp, definedOp } from '../op';
import { Tensor, toTensor, type TensorLike } from '../tensor';
import { sliceIndexMap } from './helpers';
import { linearJvp } from './tangents';

/** out = x surrounded by zeros (paddings[i] = [before, after]).  ∂out/∂x = the middle slice of dy. */
export const Pad = defineOp<{ paddings: [number, number][] }>({
  name: 'Pad',
  inputs: ['input'],
  derivative: '∂L/∂input = the slice of ∂L/∂out inside the padding',
  forward: ([x], { paddings }) => {
    const shape = x.shape.map((d, i) => d + paddings[i][0] + paddings[i][1]);
    const out = allocate(x.dtype, shape.reduce((p, d) => p * d, 1));
    kernels.scatterAdd(x.data, sliceIndexMap(shape, paddings.map((p) => p[0]), x.shape), out);
    return new Tensor(out, shape, x.dtype);
  },
  // Slice is looked up, not imported: slice.ts imports this file for its own gradient.
  gradient: (dy, [x], _out, { paddings }) => [() => definedOp<{ begin: number[]; size: number[] }>('Slice').apply([dy], { begin: paddings.map((p) => p[0]), size: x.shape.slice() })],
  jvp: linearJvp,
  sample: { kind: 'cases', cases: [{ inputs: [{ shape: [2, 3] }], attrs: { paddings: [[1, 0], [0, 2]] } }] },
});

/** Constant zero padding (TensorFlow's tf.pad with mode CONSTANT). */
export function pad(x: TensorLike, paddings: readonly (readonly number[])[]): Tensor {
  const t = toTensor(x);
  return Pad.apply([t], { paddings: paddings.map((p) => [p[0], p[1]] as [number, number]) });
}
