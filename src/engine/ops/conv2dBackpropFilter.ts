import { InvalidArgumentError } from '../errors';
import { defineOp } from '../op';
import { Conv2D, type ConvBackpropFilterAttrs } from './conv2d';
import { Conv2DBackpropInput } from './conv2dBackpropInput';
import { checkOutBackprop, convBackpropFilter, convGeometry, make } from './convUtil';
import { requireFloat, sameDtype } from './helpers';
import { bilinearJvp } from './tangents';

const LABEL = 'Conv2DCustomBackpropFilter';

/**
 * The gradient of Conv2D with respect to its filter (of shape `filterSizes`): dfilter[i, j, c, o] =
 * Σ input patch values · outBackprop. Linear in each input: ∂L/∂input =
 * Conv2DBackpropInput(∂L/∂out, outBackprop), ∂L/∂outBackprop = Conv2D(input, ∂L/∂out)
 * (TensorFlow's _Conv2DBackpropFilterGrad).
 */
export const Conv2DBackpropFilter = defineOp<ConvBackpropFilterAttrs>({
  name: 'Conv2DBackpropFilter',
  inputs: ['input', 'outBackprop'],
  derivative: '∂L/∂input = conv2dBackpropInput(∂L/∂out, outBackprop), ∂L/∂outBackprop = conv2d(input, ∂L/∂out)',
  forward: ([x, dy], attrs) => {
    const op = 'Conv2DBackpropFilter';
    const dtype = sameDtype(op, [x, dy]);
    requireFloat(op, x);
    if (x.rank !== 4) throw new InvalidArgumentError(`${LABEL}: input must be 4-dimensional`, op);
    if (dy.rank !== 4) throw new InvalidArgumentError(`${LABEL}: out_backprop must be 4-dimensional`, op);
    const fShape = attrs.filterSizes;
    if (fShape[2] <= 0 || x.shape[3] % fShape[2] !== 0) throw new InvalidArgumentError(`${LABEL}: input depth must be evenly divisible by filter depth`, op);
    const g = convGeometry(x.shape, fShape, attrs, op);
    checkOutBackprop(g, dy.shape, fShape[3], LABEL, op);
    return make(fShape.slice(), dtype, (out) => convBackpropFilter(x.data, dy.data, g, fShape[3], out));
  },
  gradient: (grad, [x, dy], _out, { filterSizes: _, ...attrs }) => [
    () => Conv2DBackpropInput.apply([grad, dy], { ...attrs, inputSizes: x.shape.slice() }),
    () => Conv2D.apply([x, grad], attrs),
  ],
  jvp: bilinearJvp,
  sample: {
    kind: 'cases',
    cases: [
      { inputs: [{ shape: [1, 4, 4, 2] }, { shape: [1, 4, 4, 2] }], attrs: { filterSizes: [3, 3, 2, 2], strides: [1, 1], padding: 'SAME', dilations: [1, 1] } },
      { inputs: [{ shape: [2, 5, 4, 1] }, { shape: [2, 2, 2, 3] }], attrs: { filterSizes: [2, 3, 1, 3], strides: [2, 1], padding: 'VALID', dilations: [1, 1] } },
      { inputs: [{ shape: [1, 6, 5, 1] }, { shape: [1, 6, 5, 2] }], attrs: { filterSizes: [2, 2, 1, 2], strides: [1, 1], padding: 'SAME', dilations: [2, 1] } },
    ],
  },
});
