import type { TypedArray } from '../dtype';
import type { OpSample } from '../op';
import type { Tensor } from '../tensor';

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
