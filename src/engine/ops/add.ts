import { defineOp } from '../op';
import type { Tensor, TensorLike } from '../tensor';
import { binaryForward, pair } from './helpers';
import { sumTangents } from './tangents';

/** out = a + b.  ∂out/∂a = 1, ∂out/∂b = 1 (the tape sums broadcast axes back). */
export const Add = defineOp({
  name: 'Add',
  inputs: ['a', 'b'],
  derivative: '∂out/∂a = 1, ∂out/∂b = 1',
  // TensorFlow 2's eager op is AddV2: its errors say [Op:AddV2]; the graph shows Add.
  forward: binaryForward('AddV2', 'add'),
  inputGradient: (dy) => dy,
  jvp: ([ta, tb], _xs, out) => sumTangents([ta, tb], out),
  sample: { kind: 'binary' },
});

/** tf.add: out = a + b.  ∂out/∂a = 1, ∂out/∂b = 1 (the tape sums broadcast axes back). */
export function add(a: TensorLike, b: TensorLike): Tensor {
  return Add.apply(pair(a, b));
}
