import { InvalidArgumentError } from '../errors';
import { kernels } from '../kernels';
import { defineOp } from '../op';
import type { Tensor, TensorLike } from '../tensor';
import { convAttrs } from './conv2d';
import { convGradient, make, require4d, window2d, type ConvAttrs } from './convUtil';
import { pair, requireFloat, sameDtype } from './helpers';
import { bilinearJvp } from './tangents';

/** The geometry of a depthwise convolution, with TensorFlow's depth check. */
export function depthwiseGeometry(inShape: readonly number[], filterShape: readonly number[], attrs: ConvAttrs, op: string): ReturnType<typeof window2d> {
  if (inShape[3] !== filterShape[2]) throw new InvalidArgumentError(`input and filter must have the same depth: ${inShape[3]} vs ${filterShape[2]}`, op);
  return window2d(inShape, filterShape[0], filterShape[1], attrs, op);
}

/**
 * out[n, oh, ow, c·M + m] = Σᵢⱼ input[n, oh·sh + i·dh − pt, ow·sw + j·dw − pl, c]·filter[i, j, c, m]:
 * each input channel convolved with its own M filters. Linear in each input, so ∂L/∂input and
 * ∂L/∂filter are its two backprop ops (TensorFlow's _DepthwiseConv2dNativeGrad).
 */
export const DepthwiseConv2dNative = defineOp<ConvAttrs>({
  name: 'DepthwiseConv2dNative',
  inputs: ['input', 'filter'],
  derivative: '∂L/∂input = depthwiseConv2dBackpropInput(filter, ∂L/∂out), ∂L/∂filter = depthwiseConv2dBackpropFilter(input, ∂L/∂out)',
  forward: ([x, w], attrs) => {
    const op = 'DepthwiseConv2dNative';
    const dtype = sameDtype(op, [x, w]);
    requireFloat(op, x);
    require4d(x, 'input', op);
    require4d(w, 'filter', op);
    const g = depthwiseGeometry(x.shape, w.shape, attrs, op);
    const mult = w.shape[3];
    return make([g.batch, g.outH, g.outW, g.inC * mult], dtype, (out) => kernels.depthwiseConv(x.data, w.data, g, mult, out));
  },
  gradient: convGradient('DepthwiseConv2dNativeBackpropInput', 'DepthwiseConv2dNativeBackpropFilter'),
  jvp: bilinearJvp,
  sample: {
    kind: 'cases',
    cases: [
      { inputs: [{ shape: [1, 4, 4, 2] }, { shape: [3, 3, 2, 2] }], attrs: { strides: [1, 1], padding: 'SAME', dilations: [1, 1] } },
      { inputs: [{ shape: [2, 5, 4, 3] }, { shape: [2, 3, 3, 1] }], attrs: { strides: [2, 1], padding: 'VALID', dilations: [1, 1] } },
      { inputs: [{ shape: [1, 6, 5, 1] }, { shape: [2, 2, 1, 2] }], attrs: { strides: [1, 1], padding: 'SAME', dilations: [2, 1] } },
    ],
  },
});

/**
 * tf.nn.depthwiseConv2d(input, filter, strides, padding, { dilations }): NHWC input
 * [batch, height, width, C], filter [height, width, C, M]; output channel c·M + m is input channel
 * c convolved with filter[:, :, c, m].
 */
export function depthwiseConv2d(
  input: TensorLike,
  filter: TensorLike,
  strides: number | number[],
  padding: 'SAME' | 'VALID',
  options: { dilations?: number | number[]; dataFormat?: 'NHWC' } = {},
): Tensor {
  const op = 'DepthwiseConv2dNative';
  if (options.dataFormat !== undefined && options.dataFormat !== 'NHWC') throw new InvalidArgumentError(`data_format "${String(options.dataFormat)}" is not supported: only "NHWC" (channels last)`, op);
  return DepthwiseConv2dNative.apply(pair(input, filter), convAttrs(strides, padding, options.dilations, op));
}
