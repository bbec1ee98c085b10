import { InvalidArgumentError } from '../errors';
import { kernels } from '../kernels';
import { defineOp } from '../op';
import { toTensor, type Tensor, type TensorLike } from '../tensor';
import { checkPadding, make, spatialSequence, window2d, type PoolAttrs } from './convUtil';
import { expandDims } from './expandDims';
import { requireFloat } from './helpers';
import { MaxPoolGrad } from './maxPoolGrad';
import { MaxPoolGradGrad } from './maxPoolGradGrad';
import { squeeze } from './squeeze';

/**
 * out[n, oh, ow, c] = max of input over the window at (oh·sh − pt, ow·sw − pl) (padding left out).
 * ∂L/∂input = MaxPoolGrad(input, out, ∂L/∂out): each gradient goes to its window's maximum.
 */
export const MaxPool = defineOp<PoolAttrs>({
  name: 'MaxPool',
  inputs: ['input'],
  derivative: '∂L/∂input = maxPoolGrad(input, out, ∂L/∂out) (∂L/∂out at each window\'s maximum)',
  forward: ([x], attrs) => {
    requireFloat('MaxPool', x);
    if (x.rank !== 4) throw new InvalidArgumentError('tensor_in must be 4-dimensional', 'MaxPool');
    const g = window2d(x.shape, attrs.ksize[0], attrs.ksize[1], attrs, 'MaxPool');
    return make([g.batch, g.outH, g.outW, g.inC], x.dtype, (out) => kernels.maxPool(x.data, g, out));
  },
  gradient: (dy, [x], out, attrs) => [() => MaxPoolGrad.apply([x, out, dy], attrs)],
  // The tangent at each window's maximum (the same choice as the gradient's).
  jvp: ([tx], [x], out, attrs) => MaxPoolGradGrad.apply([x, out, tx!], attrs),
  sample: {
    kind: 'cases',
    cases: [
      { inputs: [{ shape: [1, 4, 4, 2] }], attrs: { ksize: [2, 2], strides: [2, 2], padding: 'VALID' } },
      { inputs: [{ shape: [2, 5, 3, 1] }], attrs: { ksize: [3, 2], strides: [2, 2], padding: 'SAME' } },
      { inputs: [{ shape: [1, 4, 5, 1] }], attrs: { ksize: [2, 2], strides: [1, 1], padding: 'VALID' } },
    ],
  },
});

/** The checked attributes of a pooling op (TensorFlow's `_get_sequence` for ksize and strides). */
export function poolAttrs(ksize: number | number[], strides: number | number[], padding: unknown, n: 1 | 2, op: string): PoolAttrs {
  const k = spatialSequence(ksize, n, 'ksize', op);
  const s = spatialSequence(strides, n, 'strides', op);
  k.forEach((v, i) => {
    if (v <= 0) throw new InvalidArgumentError(`Sliding window ksize for dimension ${i + 1} was zero.`, op);
  });
  if (s.some((v) => v <= 0)) throw new InvalidArgumentError('Sliding window strides must be positive.', op);
  const p = checkPadding(padding, op);
  return n === 2 ? { ksize: k as [number, number], strides: s as [number, number], padding: p } : { ksize: [1, k[0]], strides: [1, s[0]], padding: p };
}

/** Only the channels-last layouts (TensorFlow's defaults). */
export function checkPoolFormat(dataFormat: string | undefined, allowed: string, op: string): void {
  if (dataFormat !== undefined && dataFormat !== allowed) throw new InvalidArgumentError(`data_format "${dataFormat}" is not supported: only "${allowed}" (channels last)`, op);
}

/** tf.nn.maxPool2d(input, ksize, strides, padding): max over windows of an NHWC input; ksize and strides a number or 1, 2 or 4 entries. */
export function maxPool2d(input: TensorLike, ksize: number | number[], strides: number | number[], padding: 'SAME' | 'VALID', options: { dataFormat?: 'NHWC' } = {}): Tensor {
  checkPoolFormat(options.dataFormat, 'NHWC', 'MaxPool');
  return MaxPool.apply([toTensor(input)], poolAttrs(ksize, strides, padding, 2, 'MaxPool'));
}

/** tf.nn.maxPool1d(input, ksize, strides, padding): over [batch, width, channels], as TensorFlow's a MaxPool of a height-1 image. */
export function maxPool1d(input: TensorLike, ksize: number | number[], strides: number | number[], padding: 'SAME' | 'VALID', options: { dataFormat?: 'NWC' } = {}): Tensor {
  checkPoolFormat(options.dataFormat, 'NWC', 'MaxPool');
  const attrs = poolAttrs(ksize, strides, padding, 1, 'MaxPool');
  return squeeze(MaxPool.apply([expandDims(input, 1)], attrs), [1]);
}
