import { allocate } from '../dtype';
import { kernels } from '../kernels';
import { defineOp, definedOp } from '../op';
import { Tensor, toTensor, type TensorLike } from '../tensor';
import { sliceIndexMap } from './helpers';
import { linearJvp } from './tangents';
import { checkInts } from '../args';
import { describeValue, InvalidArgumentError } from '../errors';

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
  checkPaddings(paddings, t.rank);
  return Pad.apply([t], { paddings: paddings.map((p) => [p[0], p[1]] as [number, number]) });
}

/** TF's Pad checks: one [before, after] pair of non-negative integers per dimension. */
function checkPaddings(paddings: unknown, rank: number): void {
  if (!Array.isArray(paddings)) throw new TypeError(`pad(paddings) expects an array of [before, after] pairs, got ${describeValue(paddings)}`);
  for (const p of paddings) {
    if (!Array.isArray(p) || p.length !== 2) throw new TypeError(`pad(paddings) expects an array of [before, after] pairs, got ${describeValue(p)} in it`);
    checkInts('pad', 'paddings', p);
  }
  if (paddings.length !== rank) throw new InvalidArgumentError(`The first dimension of paddings must be the rank of inputs[${paddings.length},2], ${rank}`, 'Pad');
  if (paddings.some((p: number[]) => p[0] < 0 || p[1] < 0)) throw new InvalidArgumentError(`Paddings must be non-negative: ${paddings.map((p: number[]) => `${p[0]} ${p[1]}`).join(', ')}`, 'Pad');
}
