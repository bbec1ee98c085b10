import { InvalidArgumentError } from '../errors';
import { kernels } from '../kernels';
import { defineOp } from '../op';
import type { ConvBackpropFilterAttrs } from './conv2d';
import { checkOutBackprop, make } from './convUtil';
import { DepthwiseConv2dNative, depthwiseGeometry } from './depthwiseConv2d';
import { DepthwiseConv2dNativeBackpropInput } from './depthwiseConv2dBackpropInput';
import { requireFloat, sameDtype } from './helpers';
import { bilinearJvp } from './tangents';

/**
 * The gradient of DepthwiseConv2dNative with respect to its filter (shape `filterSizes`). Linear
 * in each input: ∂L/∂input = DepthwiseConv2dNativeBackpropInput(∂L/∂out, outBackprop),
 * ∂L/∂outBackprop = DepthwiseConv2dNative(input, ∂L/∂out) (TensorFlow's registered gradient).
 */
export const DepthwiseConv2dNativeBackpropFilter = defineOp<ConvBackpropFilterAttrs>({
  name: 'DepthwiseConv2dNativeBackpropFilter',
  inputs: ['input', 'outBackprop'],
  derivative: '∂L/∂input = depthwiseConv2dBackpropInput(∂L/∂out, outBackprop), ∂L/∂outBackprop = depthwiseConv2d(input, ∂L/∂out)',
  forward: ([x, dy], attrs) => {
    const op = 'DepthwiseConv2dNativeBackpropFilter';
    const dtype = sameDtype(op, [x, dy]);
    requireFloat(op, x);
    if (x.rank !== 4 || dy.rank !== 4) throw new InvalidArgumentError(`DepthwiseConv2DBackpropFilter: ${x.rank !== 4 ? 'input' : 'out_backprop'} must be 4-dimensional`, op);
    const fShape = attrs.filterSizes;
    const g = depthwiseGeometry(x.shape, fShape, attrs, op);
    const mult = fShape[3];
    checkOutBackprop(g, dy.shape, g.inC * mult, 'DepthwiseConv2DBackpropFilter', op);
    return make(fShape.slice(), dtype, (out) => kernels.depthwiseBackpropFilter(x.data, dy.data, g, mult, out));
  },
  gradient: (grad, [x, dy], _out, { filterSizes: _, ...attrs }) => [
    () => DepthwiseConv2dNativeBackpropInput.apply([grad, dy], { ...attrs, inputSizes: x.shape.slice() }),
    () => DepthwiseConv2dNative.apply([x, grad], attrs),
  ],
  jvp: bilinearJvp,
  sample: {
    kind: 'cases',
    cases: [
      { inputs: [{ shape: [1, 4, 4, 2] }, { shape: [1, 4, 4, 4] }], attrs: { filterSizes: [3, 3, 2, 2], strides: [1, 1], padding: 'SAME', dilations: [1, 1] } },
      { inputs: [{ shape: [2, 5, 4, 3] }, { shape: [2, 2, 2, 3] }], attrs: { filterSizes: [2, 3, 3, 1], strides: [2, 1], padding: 'VALID', dilations: [1, 1] } },
    ],
  },
});
