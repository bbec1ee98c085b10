import { allocate } from '../dtype';
import { InvalidArgumentError } from '../errors';
import { broadcastIndex, kernels } from '../kernels';
import { defineOp } from '../op';
import { broadcastShape, checkShape, sameShape, shapeText } from '../shape';
import { Tensor, toTensor, type TensorLike } from '../tensor';
import { linearJvp } from './tangents';

/** out = x broadcast to `shape`.  ∂out/∂x = dy; the tape sums it back over the broadcast axes. */
export const BroadcastTo = defineOp<{ shape: number[] }>({
  name: 'BroadcastTo',
  inputs: ['input'],
  derivative: '∂L/∂input = Σ over broadcast axes of ∂L/∂out',
  forward: ([x], { shape }) => {
    // One value (a sum's gradient): a fill, without an index map of the whole output.
    if (x.size === 1) return new Tensor(allocate(x.dtype, shape.reduce((p, d) => p * d, 1)).fill(x.data[0] as never), shape, x.dtype);
    const index = broadcastIndex(x.shape, shape);
    if (!index) return new Tensor(x.data, shape, x.dtype);
    const out = allocate(x.dtype, index.length);
    kernels.take(x.data, index, out);
    return new Tensor(out, shape, x.dtype);
  },
  gradient: (dy) => [() => dy],
  jvp: linearJvp,
  sample: {
    kind: 'cases',
    cases: [
      { inputs: [{ shape: [3] }], attrs: { shape: [2, 3] } },
      { inputs: [{ shape: [2, 1] }], attrs: { shape: [2, 4] } },
      { inputs: [{ shape: [] }], attrs: { shape: [2, 2] } },
    ],
  },
});

/** tf.broadcastTo: out = x broadcast to `shape`.  ∂out/∂x = dy; the tape sums it back over the broadcast axes. */
export function broadcastTo(x: TensorLike, shape: readonly number[]): Tensor {
  checkShape(shape, 'broadcastTo(shape)');
  const t = toTensor(x);
  let ok = t.rank <= shape.length;
  if (ok) {
    try {
      ok = sameShape(broadcastShape(t.shape, shape), shape);
    } catch {
      ok = false;
    }
  }
  if (!ok) throw new InvalidArgumentError(`Unable to broadcast tensor of shape ${shapeText(t.shape)} to tensor of shape ${shapeText(shape)}`, 'BroadcastTo');
  return BroadcastTo.apply([t], { shape: shape.slice() });
}
