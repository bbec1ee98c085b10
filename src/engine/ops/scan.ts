/** Shared by Cumsum and Cumprod: the scan's attributes and its forward over the kernel. */
import { allocate } from '../dtype';
import { InvalidArgumentError } from '../errors';
import { kernels } from '../kernels';
import type { OpSample } from '../op';
import { Tensor } from '../tensor';
import { checkBool, checkInt, checkOptions } from '../args';

export interface ScanAttrs {
  axis: number;
  exclusive: boolean;
  reverse: boolean;
}

/** The scan attributes of a call, with TensorFlow's ScanOp axis check. */
export function scanAttrs(x: Tensor, axis: number, options: { exclusive?: boolean; reverse?: boolean }, op: string): ScanAttrs {
  const fn = op === 'Cumsum' ? 'cumsum' : 'cumprod';
  checkInt(fn, 'axis', axis);
  checkOptions(fn, options, ['exclusive', 'reverse']);
  checkBool(fn, 'exclusive', options.exclusive);
  checkBool(fn, 'reverse', options.reverse);
  const r = x.rank;
  if (!Number.isInteger(axis) || axis < -r || axis >= r) {
    throw new InvalidArgumentError(`ScanOp: Expected scan axis in the range [${-r}, ${r}), but got ${axis}`, op);
  }
  return { axis: axis < 0 ? axis + r : axis, exclusive: options.exclusive ?? false, reverse: options.reverse ?? false };
}

export function scanForward(kind: 'sum' | 'prod', op: string): (xs: Tensor[], attrs: ScanAttrs) => Tensor {
  return ([x], { axis, exclusive, reverse }) => {
    if (x.dtype === 'bool') throw new InvalidArgumentError(`Value for attr 'T' of bool is not in the list of allowed values`, op);
    let outer = 1;
    for (let i = 0; i < axis; i++) outer *= x.shape[i];
    let inner = 1;
    for (let i = axis + 1; i < x.rank; i++) inner *= x.shape[i];
    const out = allocate(x.dtype, x.size);
    kernels.cumulative(kind, x.data, outer, x.shape[axis], inner, exclusive, reverse, out);
    return new Tensor(out, x.shape, x.dtype);
  };
}

export const SCAN_SAMPLE: OpSample<ScanAttrs> = { kind: 'cases', cases: [
  { inputs: [{ shape: [4] }], attrs: { axis: 0, exclusive: false, reverse: false } },
  { inputs: [{ shape: [2, 3] }], attrs: { axis: 1, exclusive: true, reverse: false } },
  { inputs: [{ shape: [3, 2] }], attrs: { axis: 0, exclusive: false, reverse: true } },
  { inputs: [{ shape: [2, 3, 2] }], attrs: { axis: 1, exclusive: true, reverse: true } },
] };
