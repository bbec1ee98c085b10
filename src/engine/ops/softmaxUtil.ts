import type { TypedArray } from '../dtype';
import type { OpSample } from '../op';
import { normalizeAxis } from '../shape';
import type { Tensor } from '../tensor';
import { transpose } from './transpose';

/** Calls `fn(rowStart, rowLength, data)` for every row of the last axis. */
export function alongLastAxis(x: Tensor, fn: (row: number, n: number, data: TypedArray) => void): void {
  const n = x.shape.length ? x.shape[x.shape.length - 1] : 1;
  for (let row = 0; row < x.size; row += n) fn(row, n, x.data);
}

export const lastAxisSample: OpSample<undefined> = {
  kind: 'cases',
  cases: [
    { inputs: [{ shape: [2, 3] }], attrs: undefined },
    { inputs: [{ shape: [4] }], attrs: undefined },
  ],
};

/**
 * Applies a last-axis op along `axis` (TensorFlow's default -1): another axis is swapped to the
 * end and back, so the op itself only ever works on rows.
 */
export function onAxis(apply: (x: Tensor) => Tensor, x: Tensor, axis: number, op: string): Tensor {
  const a = x.rank === 0 ? 0 : normalizeAxis(axis, x.rank, op);
  if (x.rank === 0 || a === x.rank - 1) return apply(x);
  const perm = x.shape.map((_, i) => i);
  [perm[a], perm[x.rank - 1]] = [perm[x.rank - 1], perm[a]];
  return transpose(apply(transpose(x, perm)), perm);
}
