import { InvalidArgumentError } from '../errors';
import { kernels } from '../kernels';
import { definedOp, defineOp } from '../op';
import { shapeText } from '../shape';
import { make, window2d, type PoolAttrs } from './convUtil';
import { requireFloat } from './helpers';
import { linearJvp } from './tangents';

export type AvgPoolGradAttrs = PoolAttrs & { origInputShape: number[] };

/**
 * The gradient of AvgPool: each pooled gradient spread evenly over its window (inside the input),
 * shape `origInputShape`. Linear: ∂L/∂grad = AvgPool(∂L/∂out) (TensorFlow's _AvgPoolGradGrad).
 */
export const AvgPoolGrad = defineOp<AvgPoolGradAttrs>({
  name: 'AvgPoolGrad',
  inputs: ['grad'],
  derivative: '∂L/∂grad = avgPool(∂L/∂out)',
  forward: ([dy], attrs) => {
    const op = 'AvgPoolGrad';
    requireFloat(op, dy);
    const shape = attrs.origInputShape;
    const g = window2d(shape, attrs.ksize[0], attrs.ksize[1], attrs, op);
    const expected = [g.batch, g.outH, g.outW, g.inC];
    if (shapeText(dy.shape) !== shapeText(expected)) throw new InvalidArgumentError(`Expected grad shape to be ${shapeText(expected)}, but got ${shapeText(dy.shape)}`, op);
    return make(shape.slice(), dy.dtype, (out) => kernels.avgPoolGrad(dy.data, g, out));
  },
  // Looked up, not imported: AvgPool's file imports this one.
  gradient: (ddx, _xs, _out, { origInputShape: _, ...attrs }) => [() => definedOp<PoolAttrs>('AvgPool').apply([ddx], attrs)],
  jvp: linearJvp,
  sample: {
    kind: 'cases',
    cases: [
      { inputs: [{ shape: [1, 2, 2, 2] }], attrs: { origInputShape: [1, 4, 4, 2], ksize: [2, 2], strides: [2, 2], padding: 'VALID' } },
      { inputs: [{ shape: [2, 3, 2, 1] }], attrs: { origInputShape: [2, 5, 3, 1], ksize: [3, 2], strides: [2, 2], padding: 'SAME' } },
    ],
  },
});
