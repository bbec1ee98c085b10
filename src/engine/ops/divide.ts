import { defineOp } from '../op';
import type { Tensor, TensorLike } from '../tensor';
import { cast } from './cast';
import { multiply } from './multiply';
import { negative } from './negative';
import { binaryForward, pair } from './helpers';
import { sumTangents } from './tangents';

/** out = a / b.  ∂out/∂a = 1/b, ∂out/∂b = −a/b². */
export const RealDiv = defineOp({
  name: 'RealDiv',
  inputs: ['a', 'b'],
  derivative: '∂out/∂a = 1/b, ∂out/∂b = −a/b²',
  forward: binaryForward('RealDiv', 'div'),
  // As TensorFlow's _RealDivGrad: dy/b and dy·((−a/b)/b).
  gradient: (dy, [a, b]) => [() => divide(dy, b), () => multiply(dy, divide(divide(negative(a), b), b))],
  jvp: ([ta, tb], [, b], out) => sumTangents([ta && divide(ta, b), tb && negative(divide(multiply(tb, out), b))], out),
  sample: { kind: 'binary', lo: [-2, 0.5], hi: [2, 2] },
});

/** Integer inputs divide as float64, as TensorFlow's truediv does for int32. */
export function divide(a: TensorLike, b: TensorLike): Tensor {
  let [x, y] = pair(a, b);
  if (x.dtype === 'int32' && y.dtype === 'int32') {
    x = cast(x, 'float64');
    y = cast(y, 'float64');
  }
  return RealDiv.apply([x, y]);
}
