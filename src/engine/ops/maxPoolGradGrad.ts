import { InvalidArgumentError } from '../errors';
import { kernels } from '../kernels';
import { definedOp, defineOp } from '../op';
import { shapeText } from '../shape';
import type { Tensor } from '../tensor';
import { make, window2d, type PoolAttrs } from './convUtil';
import { filled, requireFloat, sameDtype } from './helpers';

/**
 * The gradient of MaxPoolGrad with respect to its `grad`: each pooled position takes the
 * input-shaped `grad` at its window's maximum (a gather, pooled shape). Linear in `grad`:
 * ∂L/∂grad = MaxPoolGrad(origInput, origOutput, ∂L/∂out); the argmax is piecewise constant, so
 * origInput and origOutput get zeros (TensorFlow's _MaxPoolGradGradGrad).
 */
export const MaxPoolGradGrad = defineOp<PoolAttrs>({
  name: 'MaxPoolGradGrad',
  inputs: ['origInput', 'origOutput', 'grad'],
  derivative: '∂L/∂origInput = 0, ∂L/∂origOutput = 0, ∂L/∂grad = maxPoolGrad(origInput, origOutput, ∂L/∂out)',
  forward: ([x, y, gx], attrs) => {
    const op = 'MaxPoolGradGrad';
    const dtype = sameDtype(op, [x, y, gx]);
    requireFloat(op, x);
    if (x.rank !== 4) throw new InvalidArgumentError('tensor_in must be 4-dimensional', op);
    const g = window2d(x.shape, attrs.ksize[0], attrs.ksize[1], attrs, op);
    const outShape = [g.batch, g.outH, g.outW, g.inC];
    if (shapeText(gx.shape) !== shapeText(x.shape)) throw new InvalidArgumentError(`Expected grad shape to be ${shapeText(x.shape)}, but got ${shapeText(gx.shape)}`, op);
    if (shapeText(y.shape) !== shapeText(outShape)) throw new InvalidArgumentError(`Expected orig_output shape to be ${shapeText(outShape)}, but got ${shapeText(y.shape)}`, op);
    return make(outShape, dtype, (out) => kernels.maxPoolGradGrad(x.data, g, gx.data, out));
  },
  gradient: (dy, [x, y], _out, attrs) => [
    () => filled(x.shape, x.dtype, 0),
    () => filled(y.shape, y.dtype, 0),
    // Looked up, not imported: MaxPoolGrad's file imports this one.
    () => definedOp<PoolAttrs>('MaxPoolGrad').apply([x, y, dy], attrs),
  ],
  // The tangents of origInput and origOutput contribute zeros (the argmax is piecewise constant).
  jvp: ([, , tg], [x, y], out, attrs, op): Tensor => (tg ? op.apply([x, y, tg], attrs) : filled(out.shape, out.dtype, 0)),
  sample: {
    kind: 'cases',
    cases: [
      { inputs: [{ shape: [1, 4, 4, 2] }, { shape: [1, 2, 2, 2] }, { shape: [1, 4, 4, 2] }], attrs: { ksize: [2, 2], strides: [2, 2], padding: 'VALID' } },
      { inputs: [{ shape: [2, 5, 3, 1] }, { shape: [2, 3, 2, 1] }, { shape: [2, 5, 3, 1] }], attrs: { ksize: [3, 2], strides: [2, 2], padding: 'SAME' } },
    ],
  },
});
