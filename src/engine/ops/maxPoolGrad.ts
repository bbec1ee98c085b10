import { InvalidArgumentError } from '../errors';
import { kernels } from '../kernels';
import { defineOp } from '../op';
import { shapeText } from '../shape';
import type { Tensor } from '../tensor';
import { make, window2d, type PoolAttrs } from './convUtil';
import { filled, requireFloat, sameDtype } from './helpers';
import { MaxPoolGradGrad } from './maxPoolGradGrad';

/**
 * The gradient of MaxPool: each pooled gradient goes to its window's maximum in `origInput` (the
 * first one in window order among equal values, as TensorFlow's CPU kernel). Linear in `grad`:
 * ∂L/∂grad = MaxPoolGradGrad(origInput, origOutput, ∂L/∂out); origInput and origOutput get zeros
 * (TensorFlow's _MaxPoolGradGrad).
 */
export const MaxPoolGrad = defineOp<PoolAttrs>({
  name: 'MaxPoolGrad',
  inputs: ['origInput', 'origOutput', 'grad'],
  derivative: '∂L/∂origInput = 0, ∂L/∂origOutput = 0, ∂L/∂grad = maxPoolGradGrad(origInput, origOutput, ∂L/∂out)',
  forward: ([x, y, dy], attrs) => {
    const op = 'MaxPoolGrad';
    const dtype = sameDtype(op, [x, y, dy]);
    requireFloat(op, x);
    if (x.rank !== 4) throw new InvalidArgumentError('tensor_in must be 4-dimensional', op);
    const g = window2d(x.shape, attrs.ksize[0], attrs.ksize[1], attrs, op);
    const outShape = [g.batch, g.outH, g.outW, g.inC];
    for (const [t, name] of [[y, 'orig_output'], [dy, 'grad']] as const) {
      if (shapeText(t.shape) !== shapeText(outShape)) throw new InvalidArgumentError(`Expected ${name} shape to be ${shapeText(outShape)}, but got ${shapeText(t.shape)}`, op);
    }
    return make(x.shape.slice(), dtype, (out) => kernels.maxPoolGrad(x.data, g, dy.data, out));
  },
  gradient: (ddx, [x, y], _out, attrs) => [
    () => filled(x.shape, x.dtype, 0),
    () => filled(y.shape, y.dtype, 0),
    () => MaxPoolGradGrad.apply([x, y, ddx], attrs),
  ],
  // The tangents of origInput and origOutput contribute zeros (the argmax is piecewise constant).
  jvp: ([, , tg], [x, y], out, attrs, op): Tensor => (tg ? op.apply([x, y, tg], attrs) : filled(out.shape, out.dtype, 0)),
  sample: {
    kind: 'cases',
    cases: [
      { inputs: [{ shape: [1, 4, 4, 2] }, { shape: [1, 2, 2, 2] }, { shape: [1, 2, 2, 2] }], attrs: { ksize: [2, 2], strides: [2, 2], padding: 'VALID' } },
      { inputs: [{ shape: [2, 5, 3, 1] }, { shape: [2, 3, 2, 1] }, { shape: [2, 3, 2, 1] }], attrs: { ksize: [3, 2], strides: [2, 2], padding: 'SAME' } },
      { inputs: [{ shape: [1, 4, 4, 1] }, { shape: [1, 3, 3, 1] }, { shape: [1, 3, 3, 1] }], attrs: { ksize: [2, 2], strides: [1, 1], padding: 'VALID' } },
    ],
  },
});
