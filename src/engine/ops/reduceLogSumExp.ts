import { defineOp } from '../op';
import { toTensor, type Tensor, type TensorLike } from '../tensor';
import { divide } from './divide';
import { exp } from './exp';
import { multiply } from './multiply';
import { reduceSum } from './reduceSum';
import { reshape } from './reshape';
import { subtract } from './subtract';
import { keptShape, reduceAttrs, reduceForward, REDUCE_SAMPLE, type ReduceAttrs } from './helpers';
import { reductionJvp } from './tangents';

/** A max per reduced slice, as a constant (non-finite maxima replaced by 0), recorded on no tape. */
const maxForward = reduceForward('max');
function shiftOf(x: Tensor, axes: number[]): Tensor {
  const m = maxForward([x], { axes, keepdims: true });
  const data = m.data;
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i])) data[i] = 0;
  return m;
}

/**
 * out = ln Σ eˣ over axes.  ∂out/∂x = e^(x − m) / Σ e^(x − m), the softmax over the axes, with m the
 * max as a constant (TensorFlow's reduce_logsumexp: stop_gradient of the max, 0 where it is not
 * finite). Not e^(x − out): out is rounded to float32, which at |out| ≈ 1000 is off by ~6e-5.
 */
export const ReduceLogSumExp = defineOp<ReduceAttrs>({
  name: 'ReduceLogSumExp',
  inputs: ['x'],
  derivative: '∂out/∂x = softmax(x)',
  forward: reduceForward('logsumexp'),
  gradient: (dy, [x], _out, { axes }) => {
    const shape = keptShape(x.shape, axes);
    return [
      () => {
        const e = exp(subtract(x, shiftOf(x, axes)));
        return multiply(reshape(dy, shape), divide(e, reduceSum(e, axes, true)));
      },
    ];
  },
  jvp: reductionJvp,
  sample: REDUCE_SAMPLE,
});

/** axis: a number, a list, or undefined for all axes; keepdims keeps reduced axes as 1s. */
export function reduceLogSumExp(x: TensorLike, axis?: number | number[] | null, keepdims?: boolean): Tensor {
  const t = toTensor(x);
  return ReduceLogSumExp.apply([t], reduceAttrs(t, axis, keepdims, 'ReduceLogSumExp'));
}
