import { InvalidArgumentError } from '../errors';
import { defineOp } from '../op';
import type { Tensor, TensorLike } from '../tensor';
import { checkPadding, checkStridesDilations, convForward, convGeometry, convGradient, make, require4d, spatialSequence, type ConvAttrs } from './convUtil';
import { expandDims } from './expandDims';
import { pair, requireFloat, sameDtype } from './helpers';
import { squeeze } from './squeeze';
import { bilinearJvp } from './tangents';

/** Attributes of the two backprop ops: the forward's attributes and the shape they give back. */
export type ConvBackpropInputAttrs = ConvAttrs & { inputSizes: number[] };
export type ConvBackpropFilterAttrs = ConvAttrs & { filterSizes: number[] };

/**
 * out[n, oh, ow, o] = Σᵢⱼc input[n, oh·sh + i·dh − pt, ow·sw + j·dw − pl, c]·filter[i, j, c, o] (NHWC
 * input, HWIO filter). Linear in each input, so ∂L/∂input = Conv2DBackpropInput(filter, dy) (a
 * transposed convolution) and ∂L/∂filter = Conv2DBackpropFilter(input, dy) (TensorFlow's _Conv2DGrad).
 */
export const Conv2D = defineOp<ConvAttrs>({
  name: 'Conv2D',
  inputs: ['input', 'filter'],
  derivative: '∂L/∂input = conv2dBackpropInput(filter, ∂L/∂out), ∂L/∂filter = conv2dBackpropFilter(input, ∂L/∂out)',
  forward: ([x, w], attrs) => {
    const dtype = sameDtype('Conv2D', [x, w]);
    requireFloat('Conv2D', x);
    require4d(x, 'input', 'Conv2D');
    require4d(w, 'filter', 'Conv2D');
    const g = convGeometry(x.shape, w.shape, attrs, 'Conv2D');
    const oc = w.shape[3];
    return make([g.batch, g.outH, g.outW, oc], dtype, (out) => convForward(x.data, w.data, g, oc, out));
  },
  gradient: convGradient('Conv2DBackpropInput', 'Conv2DBackpropFilter'),
  jvp: bilinearJvp,
  sample: {
    kind: 'cases',
    cases: [
      { inputs: [{ shape: [1, 4, 4, 2] }, { shape: [3, 3, 2, 2] }], attrs: { strides: [1, 1], padding: 'SAME', dilations: [1, 1] } },
      { inputs: [{ shape: [2, 5, 4, 1] }, { shape: [2, 3, 1, 3] }], attrs: { strides: [2, 1], padding: 'VALID', dilations: [1, 1] } },
      { inputs: [{ shape: [1, 5, 5, 2] }, { shape: [2, 2, 2, 1] }], attrs: { strides: [2, 2], padding: 'SAME', dilations: [1, 1] } },
      { inputs: [{ shape: [1, 6, 5, 1] }, { shape: [2, 2, 1, 2] }], attrs: { strides: [1, 1], padding: 'SAME', dilations: [2, 1] } },
      { inputs: [{ shape: [2, 3, 3, 2] }, { shape: [1, 1, 2, 2] }], attrs: { strides: [1, 1], padding: 'VALID', dilations: [1, 1] } },
    ],
  },
});

export interface Conv2DOptions {
  /** The dilation rate per spatial dim: a number, or a list of 1, 2 or 4 (batch and depth 1). */
  dilations?: number | number[];
  /** Only "NHWC", TensorFlow's default (and the only layout its CPU kernels take). */
  dataFormat?: 'NHWC';
}

function checkFormat(dataFormat: string | undefined, allowed: string[], op: string): void {
  if (dataFormat !== undefined && !allowed.includes(dataFormat)) {
    throw new InvalidArgumentError(`data_format "${dataFormat}" is not supported: only ${allowed.map((f) => `"${f}"`).join(' or ')} (channels last)`, op);
  }
}

/**
 * The checked attributes of a convolution: strides and dilations as TensorFlow's `_get_sequence`
 * takes them (a number, or 1, 2 or 4 entries), the padding string.
 */
export function convAttrs(strides: number | number[], padding: unknown, dilations: number | number[] | undefined, op: string): ConvAttrs {
  const s = spatialSequence(strides, 2, 'strides', op) as [number, number];
  const d = spatialSequence(dilations, 2, 'dilations', op) as [number, number];
  const p = checkPadding(padding, op);
  checkStridesDilations(s, d, op);
  return { strides: s, padding: p, dilations: d };
}

/**
 * tf.nn.conv2d(input, filters, strides, padding, { dilations }): 2-D convolution (cross-correlation,
 * as TensorFlow's) of an NHWC input [batch, height, width, inChannels] with HWIO filters
 * [height, width, inChannels, outChannels]; padding "SAME" or "VALID".
 */
export function conv2d(input: TensorLike, filters: TensorLike, strides: number | number[], padding: 'SAME' | 'VALID', options: Conv2DOptions = {}): Tensor {
  checkFormat(options.dataFormat, ['NHWC'], 'Conv2D');
  const attrs = convAttrs(strides, padding, options.dilations, 'Conv2D');
  return Conv2D.apply(pair(input, filters), attrs);
}

export interface Conv1DOptions {
  dilations?: number | number[];
  /** Only "NWC", TensorFlow's default. */
  dataFormat?: 'NWC';
}

/**
 * tf.nn.conv1d(input, filters, stride, padding, { dilations }): input [batch, width, inChannels],
 * filters [width, inChannels, outChannels]. As TensorFlow's, a Conv2D over a height-1 image
 * (expandDims, conv2d, squeeze), so the graph shows those ops.
 */
export function conv1d(input: TensorLike, filters: TensorLike, stride: number | number[], padding: 'SAME' | 'VALID', options: Conv1DOptions = {}): Tensor {
  checkFormat(options.dataFormat, ['NWC'], 'Conv2D');
  const [s] = spatialSequence(stride, 1, 'stride', 'Conv2D');
  const [d] = spatialSequence(options.dilations, 1, 'dilations', 'Conv2D');
  const [x, w] = pair(input, filters);
  const attrs = convAttrs([1, s], padding, [1, d], 'Conv2D');
  return squeeze(Conv2D.apply([expandDims(x, 1), expandDims(w, 0)], attrs), [1]);
}
