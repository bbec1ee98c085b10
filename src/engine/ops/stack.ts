import { InvalidArgumentError } from '../errors';
import { defineOp } from '../op';
import { shapeText } from '../shape';
import { Tensor, type TensorLike } from '../tensor';
import { joinAlong } from './concat';
import { reshape } from './reshape';
import { slice } from './slice';
import { convertAll } from './helpers';
import { linearJvp } from './tangents';

/** out = tensors stacked on a new axis.  ∂out/∂xᵢ = dy's i-th slice along that axis. */
export const Pack = defineOp<{ axis: number }>({
  name: 'Pack',
  inputs: ['values'],
  derivative: '∂L/∂values = the slice of ∂L/∂out where values sits',
  variadic: true,
  forward: (xs, { axis }) => {
    const first = xs[0].shape;
    for (const x of xs) {
      if (x.shape.length !== first.length || x.shape.some((d, i) => d !== first[i])) {
        throw new InvalidArgumentError(`Shapes of all inputs must match: values[0].shape = ${shapeText(first)} != values[${xs.indexOf(x)}].shape = ${shapeText(x.shape)}`, 'Pack');
      }
    }
    const expanded = xs.map((x) => {
      const s = x.shape.slice();
      s.splice(axis, 0, 1);
      return new Tensor(x.data, s, x.dtype);
    });
    return joinAlong(expanded, axis, 'Pack');
  },
  gradient: (dy, xs, _out, { axis }) =>
    xs.map((x, i) => () => {
      const begin = dy.shape.map((_, a) => (a === axis ? i : 0));
      const size = dy.shape.map((d, a) => (a === axis ? 1 : d));
      return reshape(slice(dy, begin, size), x.shape);
    }),
  jvp: linearJvp,
  sample: {
    kind: 'cases',
    cases: [
      { inputs: [{ shape: [2, 3] }, { shape: [2, 3] }], attrs: { axis: 0 } },
      { inputs: [{ shape: [3] }, { shape: [3] }, { shape: [3] }], attrs: { axis: 1 } },
    ],
  },
});

/** axis in [-(rank+1), rank], as TensorFlow's tf.stack. */
export function stack(values: readonly TensorLike[], axis = 0): Tensor {
  const xs = convertAll(values);
  if (xs.length === 0) throw new InvalidArgumentError('Pack expects a non-empty list of tensors', 'Pack');
  const rank = xs[0].rank + 1;
  if (axis < -rank || axis >= rank) throw new InvalidArgumentError(`Argument "axis" = ${axis} not in range [${-rank}, ${rank})`, 'Pack');
  return Pack.apply(xs, { axis: axis < 0 ? axis + rank : axis });
}
