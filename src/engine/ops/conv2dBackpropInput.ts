import { InvalidArgumentError } from '../errors';
import { definedOp, defineOp } from '../op';
import type { Tensor, TensorLike } from '../tensor';
import { Conv2D, convAttrs, type ConvBackpropFilterAttrs, type ConvBackpropInputAttrs } from './conv2d';
import { checkOutBackprop, convBackpropInput, convGeometry, make, shapeAttr } from './convUtil';
import { pair, requireFloat, sameDtype } from './helpers';
import { bilinearJvp } from './tangents';

const LABEL = 'Conv2DCustomBackpropInput';

// Looked up, not imported: Conv2DBackpropFilter's file imports this one.
const backpropFilter = (input: Tensor, dy: Tensor, attrs: ConvBackpropFilterAttrs): Tensor => definedOp<ConvBackpropFilterAttrs>('Conv2DBackpropFilter').apply([input, dy], attrs);

/**
 * The gradient of Conv2D with respect to its input (of shape `inputSizes`), which is also the
 * transposed convolution: every out_backprop pixel spreads filter·value over the window it came
 * from. Linear in each input: ∂L/∂filter = Conv2DBackpropFilter(∂L/∂out, outBackprop),
 * ∂L/∂outBackprop = Conv2D(∂L/∂out, filter) (TensorFlow's _Conv2DBackpropInputGrad).
 */
export const Conv2DBackpropInput = defineOp<ConvBackpropInputAttrs>({
  name: 'Conv2DBackpropInput',
  inputs: ['filter', 'outBackprop'],
  derivative: '∂L/∂filter = conv2dBackpropFilter(∂L/∂out, outBackprop), ∂L/∂outBackprop = conv2d(∂L/∂out, filter)',
  forward: ([w, dy], attrs) => {
    const op = 'Conv2DBackpropInput';
    const dtype = sameDtype(op, [w, dy]);
    requireFloat(op, w);
    if (w.rank !== 4) throw new InvalidArgumentError(`${LABEL}: filter must be 4-dimensional`, op);
    if (dy.rank !== 4) throw new InvalidArgumentError(`${LABEL}: out_backprop must be 4-dimensional`, op);
    const inShape = attrs.inputSizes;
    if (w.shape[2] <= 0 || inShape[3] % w.shape[2] !== 0) throw new InvalidArgumentError(`${LABEL}: input depth must be evenly divisible by filter depth`, op);
    const g = convGeometry(inShape, w.shape, attrs, op);
    checkOutBackprop(g, dy.shape, w.shape[3], LABEL, op);
    return make(inShape.slice(), dtype, (out) => convBackpropInput(w.data, dy.data, g, w.shape[3], out));
  },
  gradient: (grad, [w, dy], _out, { inputSizes: _, ...attrs }) => [
    () => backpropFilter(grad, dy, { ...attrs, filterSizes: w.shape.slice() }),
    () => Conv2D.apply([grad, w], attrs),
  ],
  jvp: bilinearJvp,
  sample: {
    kind: 'cases',
    cases: [
      { inputs: [{ shape: [3, 3, 2, 2] }, { shape: [1, 4, 4, 2] }], attrs: { inputSizes: [1, 4, 4, 2], strides: [1, 1], padding: 'SAME', dilations: [1, 1] } },
      { inputs: [{ shape: [2, 3, 1, 3] }, { shape: [2, 2, 2, 3] }], attrs: { inputSizes: [2, 5, 4, 1], strides: [2, 1], padding: 'VALID', dilations: [1, 1] } },
      { inputs: [{ shape: [2, 2, 2, 1] }, { shape: [1, 3, 3, 1] }], attrs: { inputSizes: [1, 6, 5, 2], strides: [2, 2], padding: 'SAME', dilations: [1, 1] } },
      { inputs: [{ shape: [2, 2, 1, 2] }, { shape: [1, 6, 5, 2] }], attrs: { inputSizes: [1, 6, 5, 1], strides: [1, 1], padding: 'SAME', dilations: [2, 1] } },
    ],
  },
});

export interface Conv2DTransposeOptions {
  dilations?: number | number[];
  dataFormat?: 'NHWC';
}

/**
 * tf.nn.conv2dTranspose(input, filters, outputShape, strides, padding = "SAME", { dilations }): the
 * gradient of conv2d with respect to its input, as a layer ("deconvolution"). `filters` is
 * [height, width, outChannels, inChannels] and `outputShape` the NHWC shape of the result, which
 * conv2d with the same strides and padding would map back to `input`'s shape.
 */
export function conv2dTranspose(
  input: TensorLike,
  filters: TensorLike,
  outputShape: number[] | Tensor,
  strides: number | number[],
  padding: 'SAME' | 'VALID' = 'SAME',
  options: Conv2DTransposeOptions = {},
): Tensor {
  const op = 'Conv2DBackpropInput';
  if (options.dataFormat !== undefined && options.dataFormat !== 'NHWC') throw new InvalidArgumentError(`data_format "${String(options.dataFormat)}" is not supported: only "NHWC" (channels last)`, op);
  const inputSizes = shapeAttr(outputShape, 'output_shape', op);
  const [x, w] = pair(input, filters);
  return Conv2DBackpropInput.apply([w, x], { ...convAttrs(strides, padding, options.dilations, op), inputSizes });
}
