import { InvalidArgumentError } from '../errors';
import { kernels } from '../kernels';
import { defineOp } from '../op';
import { toTensor, type Tensor, type TensorLike } from '../tensor';
import { AvgPoolGrad } from './avgPoolGrad';
import { make, window2d, type PoolAttrs } from './convUtil';
import { expandDims } from './expandDims';
import { requireFloat } from './helpers';
import { checkPoolFormat, poolAttrs } from './maxPool';
import { squeeze } from './squeeze';
import { linearJvp } from './tangents';

/**
 * out[n, oh, ow, c] = mean of input over the window's positions inside the input (padding is not
 * counted, as TensorFlow's). Linear: ∂L/∂input = AvgPoolGrad(∂L/∂out), each gradient spread evenly
 * over its window.
 */
export const AvgPool = defineOp<PoolAttrs>({
  name: 'AvgPool',
  inputs: ['value'],
  derivative: '∂L/∂value = avgPoolGrad(∂L/∂out) (∂L/∂out spread evenly over each window)',
  forward: ([x], attrs) => {
    requireFloat('AvgPool', x);
    if (x.rank !== 4) throw new InvalidArgumentError('tensor_in must be 4-dimensional', 'AvgPool');
    const g = window2d(x.shape, attrs.ksize[0], attrs.ksize[1], attrs, 'AvgPool');
    return make([g.batch, g.outH, g.outW, g.inC], x.dtype, (out) => kernels.avgPool(x.data, g, out));
  },
  gradient: (dy, [x], _out, attrs) => [() => AvgPoolGrad.apply([dy], { ...attrs, origInputShape: x.shape.slice() })],
  jvp: linearJvp,
  sample: {
    kind: 'cases',
    cases: [
      { inputs: [{ shape: [1, 4, 4, 2] }], attrs: { ksize: [2, 2], strides: [2, 2], padding: 'VALID' } },
      { inputs: [{ shape: [2, 5, 3, 1] }], attrs: { ksize: [3, 2], strides: [2, 2], padding: 'SAME' } },
      { inputs: [{ shape: [1, 4, 5, 1] }], attrs: { ksize: [2, 3], strides: [1, 1], padding: 'SAME' } },
    ],
  },
});

/** tf.nn.avgPool2d(input, ksize, strides, padding): mean over windows of an NHWC input. */
export function avgPool2d(input: TensorLike, ksize: number | number[], strides: number | number[], padding: 'SAME' | 'VALID', options: { dataFormat?: 'NHWC' } = {}): Tensor {
  checkPoolFormat(options.dataFormat, 'NHWC', 'AvgPool');
  return AvgPool.apply([toTensor(input)], poolAttrs(ksize, strides, padding, 2, 'AvgPool'));
}

/** tf.nn.avgPool1d(input, ksize, strides, padding): over [batch, width, channels], an AvgPool of a height-1 image (TensorFlow's). */
export function avgPool1d(input: TensorLike, ksize: number | number[], strides: number | number[], padding: 'SAME' | 'VALID', options: { dataFormat?: 'NWC' } = {}): Tensor {
  checkPoolFormat(options.dataFormat, 'NWC', 'AvgPool');
  return squeeze(AvgPool.apply([expandDims(input, 1)], poolAttrs(ksize, strides, padding, 1, 'AvgPool')), [1]);
}
