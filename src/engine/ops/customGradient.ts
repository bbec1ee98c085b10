import { defineOp, recordingTapes } from '../op';
import { Tensor, toTensor, type TensorLike } from '../tensor';
import { convertAll } from './helpers';

/** What a customGradient function returns: the result and dy → one gradient per input. */
export type GradFn = (dy: Tensor) => TensorLike | null | (TensorLike | null)[];

interface CustomAttrs {
  y: Tensor;
  gradFn: GradFn;
}

/** out = f(x…) with a user-supplied gradient: ∂L/∂xᵢ = gradFn(dy)[i]. */
export const CustomGradient = defineOp<CustomAttrs>({
  name: 'CustomGradient',
  inputs: ['args'],
  variadic: true,
  forward: (_xs, { y }) => new Tensor(y.data, y.shape, y.dtype),
  gradient: (dy, xs, _out, { gradFn }) => {
    // gradFn runs once, the first time any input's gradient is asked for.
    let grads: (Tensor | null)[] | undefined;
    const all = (): (Tensor | null)[] => {
      if (!grads) {
        const r = gradFn(dy);
        const list = Array.isArray(r) && xs.length > 1 ? r : [r as TensorLike | null];
        grads = xs.map((x, i) => (list[i] === null || list[i] === undefined ? null : toTensor(list[i] as TensorLike, x.dtype)));
      }
      return grads;
    };
    return xs.map((_, i) => () => all()[i]);
  },
});

/**
 * tf.custom_gradient: `f(...xs)` returns `[y, gradFn]`. f runs with recording stopped (as in
 * TensorFlow), so the tape holds one `CustomGradient` node whose gradient is gradFn(dy).
 */
export function customGradient(f: (...xs: Tensor[]) => [Tensor, GradFn]): (...xs: TensorLike[]) => Tensor {
  return (...args: TensorLike[]): Tensor => {
    const xs = convertAll(args);
    const paused = recordingTapes.splice(0, recordingTapes.length);
    let result: [Tensor, GradFn];
    try {
      result = f(...xs);
    } finally {
      recordingTapes.push(...paused);
    }
    const [y, gradFn] = result;
    return CustomGradient.apply(xs, { y: toTensor(y), gradFn });
  };
}
