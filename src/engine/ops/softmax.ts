import { allocate } from '../dtype';
import { defineOp } from '../op';
import { normalizeAxis } from '../shape';
import { toTensor, Tensor, type TensorLike } from '../tensor';
import { multiply } from './multiply';
import { reduceSum } from './reduceSum';
import { subtract } from './subtract';
import { transpose } from './transpose';
import { alongLastAxis, lastAxisSample } from './softmaxUtil';

/** out = eˣ / Σ eˣ along the last axis.  ∂L/∂x = (dy − Σ dy·out)·out. */
export const Softmax = defineOp({
  name: 'Softmax',
  inputs: ['logits'],
  forward: ([x]) => {
    const out = allocate(x.dtype, x.size);
    alongLastAxis(x, (row, n, src) => {
      let m = -Infinity;
      for (let i = 0; i < n; i++) if (src[row + i] > m) m = src[row + i];
      let s = 0;
      for (let i = 0; i < n; i++) s += Math.exp(src[row + i] - m);
      for (let i = 0; i < n; i++) out[row + i] = Math.exp(src[row + i] - m) / s;
    });
    return new Tensor(out, x.shape, x.dtype);
  },
  gradient: (dy, _xs, out) => [() => multiply(subtract(dy, reduceSum(multiply(dy, out), -1, true)), out)],
  sample: lastAxisSample,
});

/** Along `axis` (TensorFlow's default -1); another axis is swapped to the end and back. */
export function softmax(logits: TensorLike, axis = -1): Tensor {
  const x = toTensor(logits);
  const a = x.rank === 0 ? 0 : normalizeAxis(axis, x.rank, 'Softmax');
  if (x.rank === 0 || a === x.rank - 1) return Softmax.apply([x]);
  const perm = x.shape.map((_, i) => i);
  [perm[a], perm[x.rank - 1]] = [perm[x.rank - 1], perm[a]];
  return transpose(Softmax.apply([transpose(x, perm)]), perm);
}
