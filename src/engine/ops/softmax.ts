import { allocate } from '../dtype';
import { defineOp } from '../op';
import { toTensor, Tensor, type TensorLike } from '../tensor';
import { multiply } from './multiply';
import { reduceSum } from './reduceSum';
import { subtract } from './subtract';
import { alongLastAxis, lastAxisSample, onAxis } from './softmaxUtil';

/** out = eˣ / Σ eˣ along the last axis.  ∂L/∂x = (dy − Σ dy·out)·out. */
export const Softmax = defineOp({
  name: 'Softmax',
  inputs: ['logits'],
  derivative: '∂out_i/∂logits_j = out_i(δij − out_j)',
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
  jvp: ([t], _xs, out) => multiply(out, subtract(t!, reduceSum(multiply(t!, out), -1, true))),
  sample: lastAxisSample,
});

/** Along `axis` (TensorFlow's default -1). */
export function softmax(logits: TensorLike, axis = -1): Tensor {
  return onAxis((x) => Softmax.apply([x]), toTensor(logits), axis, 'Softmax');
}
