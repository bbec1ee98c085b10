import { allocate } from '../dtype';
import { defineOp } from '../op';
import { toTensor, Tensor, type TensorLike } from '../tensor';
import { exp } from './exp';
import { multiply } from './multiply';
import { reduceSum } from './reduceSum';
import { subtract } from './subtract';
import { alongLastAxis, lastAxisSample, onAxis } from './softmaxUtil';

/** out = x − ln Σ eˣ along the last axis.  ∂L/∂x = dy − (Σ dy)·e^out. */
export const LogSoftmax = defineOp({
  name: 'LogSoftmax',
  inputs: ['logits'],
  derivative: '∂out_i/∂logits_j = δij − softmax(logits)_j',
  forward: ([x]) => {
    const out = allocate(x.dtype, x.size);
    alongLastAxis(x, (row, n, src) => {
      let m = -Infinity;
      for (let i = 0; i < n; i++) if (src[row + i] > m) m = src[row + i];
      let s = 0;
      for (let i = 0; i < n; i++) s += Math.exp(src[row + i] - m);
      const lse = m + Math.log(s);
      for (let i = 0; i < n; i++) out[row + i] = src[row + i] - lse;
    });
    return new Tensor(out, x.shape, x.dtype);
  },
  gradient: (dy, _xs, out) => [() => subtract(dy, multiply(reduceSum(dy, -1, true), exp(out)))],
  jvp: ([t], _xs, out) => subtract(t!, reduceSum(multiply(t!, exp(out)), -1, true)),
  sample: lastAxisSample,
});

/** Along `axis` (TensorFlow's default -1). */
export function logSoftmax(logits: TensorLike, axis = -1): Tensor {
  return onAxis((x) => LogSoftmax.apply([x]), toTensor(logits), axis, 'LogSoftmax');
}
