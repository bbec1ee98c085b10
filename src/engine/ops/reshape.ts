import { InvalidArgumentError } from '../errors';
import { defineOp } from '../op';
import { shapeText } from '../shape';
import { Tensor, toTensor, type TensorLike } from '../tensor';
import { linearJvp } from './tangents';
import { checkInts } from '../args';

/** out = x with a new shape (same values, row-major).  ∂out/∂x = dy reshaped back. */
export const Reshape = defineOp<{ shape: number[] }>({
  name: 'Reshape',
  inputs: ['tensor'],
  derivative: '∂L/∂tensor = reshape(∂L/∂out, shape of tensor)',
  forward: ([x], { shape }) => new Tensor(x.data, shape, x.dtype),
  gradient: (dy, [x]) => [() => reshape(dy, x.shape)],
  jvp: linearJvp,
  sample: {
    kind: 'cases',
    cases: [
      { inputs: [{ shape: [2, 3] }], attrs: { shape: [3, 2] } },
      { inputs: [{ shape: [6] }], attrs: { shape: [2, 1, 3] } },
      { inputs: [{ shape: [] }], attrs: { shape: [1, 1] } },
    ],
  },
});

/** Resolves one -1 and checks the element count (TensorFlow's message). */
export function resolveShape(size: number, shape: readonly number[]): number[] {
  const out = shape.slice();
  const unknown = out.indexOf(-1);
  let known = 1;
  for (let i = 0; i < out.length; i++) if (i !== unknown) known *= out[i];
  if (unknown >= 0) {
    if (known === 0 || size % known !== 0) {
      throw new InvalidArgumentError(`Input to reshape is a tensor with ${size} values, but the requested shape requires a multiple of ${known}`, 'Reshape');
    }
    out[unknown] = size / known;
  } else if (known !== size) {
    throw new InvalidArgumentError(`Input to reshape is a tensor with ${size} values, but the requested shape has ${known}`, 'Reshape');
  }
  if (out.some((d) => !Number.isInteger(d) || d < 0)) throw new InvalidArgumentError(`Invalid shape ${shapeText(shape)}`, 'Reshape');
  return out;
}

/** tf.reshape: out = x with a new shape (same values, row-major).  ∂out/∂x = dy reshaped back. */
export function reshape(x: TensorLike, shape: readonly number[]): Tensor {
  checkInts('reshape', 'shape', shape);
  const t = toTensor(x);
  return Reshape.apply([t], { shape: resolveShape(t.size, shape) });
}
