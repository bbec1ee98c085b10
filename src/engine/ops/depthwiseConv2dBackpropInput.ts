import { InvalidArgumentError } from '../errors';
import { kernels } from '../kernels';
import { definedOp, defineOp } from '../op';
import type { Tensor } from '../tensor';
import type { ConvBackpropFilterAttrs, ConvBackpropInputAttrs } from './conv2d';
import { checkOutBackprop, make } from './convUtil';
import { DepthwiseConv2dNative, depthwiseGeometry } from './depthwiseConv2d';
import { requireFloat, sameDtype } from './helpers';
import { bilinearJvp } from './tangents';

// Looked up, not imported: the filter backprop's file imports this one.
const backpropFilter = (input: Tensor, dy: Tensor, attrs: ConvBackpropFilterAttrs): Tensor => definedOp<ConvBackpropFilterAttrs>('DepthwiseConv2dNativeBackpropFilter').apply([input, dy], attrs);

/**
 * The gradient of DepthwiseConv2dNative with respect to its input (shape `inputSizes`). Linear in
 * each input: ∂L/∂filter = DepthwiseConv2dNativeBackpropFilter(∂L/∂out, outBackprop),
 * ∂L/∂outBackprop = DepthwiseConv2dNative(∂L/∂out, filter) (TensorFlow's registered gradient).
 */
export const DepthwiseConv2dNativeBackpropInput = defineOp<ConvBackpropInputAttrs>({
  name: 'DepthwiseConv2dNativeBackpropInput',
  inputs: ['filter', 'outBackprop'],
  derivative: '∂L/∂filter = depthwiseConv2dBackpropFilter(∂L/∂out, outBackprop), ∂L/∂outBackprop = depthwiseConv2d(∂L/∂out, filter)',
  forward: ([w, dy], attrs) => {
    const op = 'DepthwiseConv2dNativeBackpropInput';
    const dtype = sameDtype(op, [w, dy]);
    requireFloat(op, w);
    if (w.rank !== 4 || dy.rank !== 4) throw new InvalidArgumentError(`DepthwiseConv2DBackpropInput: ${w.rank !== 4 ? 'filter' : 'out_backprop'} must be 4-dimensional`, op);
    const g = depthwiseGeometry(attrs.inputSizes, w.shape, attrs, op);
    const mult = w.shape[3];
    checkOutBackprop(g, dy.shape, g.inC * mult, 'DepthwiseConv2DBackpropInput', op);
    return make(attrs.inputSizes.slice(), dtype, (out) => kernels.depthwiseBackpropInput(w.data, dy.data, g, mult, out));
  },
  gradient: (grad, [w, dy], _out, { inputSizes: _, ...attrs }) => [
    () => backpropFilter(grad, dy, { ...attrs, filterSizes: w.shape.slice() }),
    () => DepthwiseConv2dNative.apply([grad, w], attrs),
  ],
  jvp: bilinearJvp,
  sample: {
    kind: 'cases',
    cases: [
      { inputs: [{ shape: [3, 3, 2, 2] }, { shape: [1, 4, 4, 4] }], attrs: { inputSizes: [1, 4, 4, 2], strides: [1, 1], padding: 'SAME', dilations: [1, 1] } },
      { inputs: [{ shape: [2, 3, 3, 1] }, { shape: [2, 2, 2, 3] }], attrs: { inputSizes: [2, 5, 4, 3], strides: [2, 1], padding: 'VALID', dilations: [1, 1] } },
      { inputs: [{ shape: [2, 2, 1, 2] }, { shape: [1, 6, 5, 2] }], attrs: { inputSizes: [1, 6, 5, 1], strides: [1, 1], padding: 'SAME', dilations: [2, 1] } },
    ],
  },
});
