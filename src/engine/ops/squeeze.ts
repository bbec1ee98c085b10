import { InvalidArgumentError } from '../errors';
import { defineOp } from '../op';
import { normalizeAxes } from '../shape';
import { Tensor, toTensor, type TensorLike } from '../tensor';
import { reshape } from './reshape';
import { linearJvp } from './tangents';

/** out = x without size-1 axes (all, or those listed).  ∂out/∂x = dy reshaped back. */
export const Squeeze = defineOp<{ axes: number[] }>({
  name: 'Squeeze',
  inputs: ['input'],
  derivative: '∂L/∂input = reshape(∂L/∂out, shape of input)',
  forward: ([x], { axes }) => new Tensor(x.data, x.shape.filter((_, i) => !axes.includes(i)), x.dtype),
  gradient: (dy, [x]) => [() => reshape(dy, x.shape)],
  jvp: linearJvp,
  sample: { kind: 'cases', cases: [{ inputs: [{ shape: [2, 1, 3, 1] }], attrs: { axes: [1, 3] } }] },
});

/** tf.squeeze: out = x without size-1 axes (all, or those listed).  ∂out/∂x = dy reshaped back. */
export function squeeze(x: TensorLike, axis?: number | number[]): Tensor {
  const t = toTensor(x);
  let axes: number[];
  if (axis === undefined) axes = t.shape.flatMap((d, i) => (d === 1 ? [i] : []));
  else {
    axes = normalizeAxes(axis, t.rank, 'Squeeze');
    for (const a of axes) {
      if (t.shape[a] !== 1) throw new InvalidArgumentError(`Can not squeeze dim[${a}], expected a dimension of 1, got ${t.shape[a]}`, 'Squeeze');
    }
  }
  return Squeeze.apply([t], { axes });
}
