import { defineOp, variableWatchers } from '../op';
import { stopRecordingAll } from '../stop';
import { InvalidArgumentError } from '../errors';
import { Tensor, toTensor, type TensorLike, type Variable } from '../tensor';
import { convertAll } from './helpers';

/** One gradient, or one per input (`null` for none). */
export type InputGrads = TensorLike | null | readonly (TensorLike | null)[];

/**
 * What a customGradient function returns with its result: dy → one gradient per input. When f
 * read trainable variables (other than its inputs), gradFn is called with `{ variables }` and
 * returns `[inputGrads, variableGrads]`, one gradient per variable, as TensorFlow's
 * `grad_fn(*dy, variables=...)`.
 */
export type GradFn = (
  dy: Tensor,
  options: { variables: Variable[] },
) => InputGrads | readonly [InputGrads, readonly (TensorLike | null)[]];

interface CustomAttrs {
  y: Tensor;
  gradFn: GradFn;
  /** Inputs that are f's arguments; the inputs after them are the variables f read. */
  argCount: number;
}

const isGrad = (g: unknown): boolean => g === null || g === undefined || g instanceof Tensor;

/**
 * gradFn's input gradients as a list of `n`: an array of n, or for one input the gradient itself
 * (a tensor, or numbers converted like any op argument). A one-input result `[g]` is a list
 * when g is a tensor or null, as TF flattens grad_fn's result.
 */
function listOf(r: InputGrads, n: number): (TensorLike | null)[] {
  if (n === 1 && !(Array.isArray(r) && r.length === 1 && isGrad(r[0]))) return [r as TensorLike | null];
  if (!Array.isArray(r)) {
    throw new InvalidArgumentError(`customGradient: gradFn must return one gradient per input (an array of ${n}), got ${describe(r)}`);
  }
  if (r.length !== n) {
    throw new InvalidArgumentError(`customGradient: custom_gradient function expected to return ${n} gradients, but returned ${r.length} instead.`);
  }
  return r as (TensorLike | null)[];
}

function describe(v: unknown): string {
  if (v instanceof Tensor) return `a tensor of shape [${v.shape.join(',')}]`;
  if (v === null || v === undefined) return String(v);
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (typeof v === 'object') return `an object with keys ${Object.keys(v).join(', ') || '(none)'}`;
  return `${typeof v} ${String(v)}`;
}

/** out = f(x…) with a user-supplied gradient: ∂L/∂xᵢ = gradFn(dy)[i]. */
export const CustomGradient = defineOp<CustomAttrs>({
  name: 'CustomGradient',
  inputs: ['args'],
  derivative: 'given by the user’s gradFn',
  unreplayable: 'a user-defined gradient (tf.customGradient) cannot be re-derived: the trace keeps f’s result, not f, and the gradient is whatever gradFn says',
  variadic: true,
  forward: (_xs, { y }) => new Tensor(y.data, y.shape, y.dtype),
  gradient: (dy, xs, _out, { gradFn, argCount }) => {
    // gradFn runs once, the first time any input's gradient is asked for.
    let grads: (Tensor | null)[] | undefined;
    const all = (): (Tensor | null)[] => {
      if (!grads) {
        const variables = xs.slice(argCount) as Variable[];
        const r = gradFn(dy, { variables });
        let list: (TensorLike | null)[];
        if (variables.length === 0) list = listOf(r as InputGrads, argCount);
        else {
          const [inputGrads, variableGrads] = r as readonly [InputGrads, readonly (TensorLike | null)[]];
          if (!Array.isArray(variableGrads) || variableGrads.length !== variables.length) {
            throw new TypeError('Must return gradient for each variable from @custom_gradient grad_fn.');
          }
          list = [...listOf(inputGrads, argCount), ...variableGrads];
        }
        grads = xs.map((x, i) => (list[i] === null || list[i] === undefined ? null : toTensor(list[i] as TensorLike, x.dtype)));
      }
      return grads;
    };
    return xs.map((_, i) => () => all()[i]);
  },
});

/**
 * tf.custom_gradient: `f(...xs)` returns `[y, gradFn]`. f runs with recording stopped (as in
 * TensorFlow), so the tape holds one `CustomGradient` node whose gradient is gradFn(dy). Trainable
 * variables f reads (other than its arguments) become inputs of that node; gradFn must then take
 * `(dy, { variables })` and return `[inputGrads, variableGrads]` (TensorFlow's `variables=`).
 */
export function customGradient(f: (...xs: Tensor[]) => [Tensor, GradFn]): (...xs: TensorLike[]) => Tensor {
  return (...args: TensorLike[]): Tensor => {
    const xs = convertAll(args);
    // TF runs f under stop_recording: no tape records it and no accumulator follows it (the
    // CustomGradient node's tangent comes from gradFn, transposed: forward.ts).
    const resume = stopRecordingAll(false);
    const read: Variable[] = [];
    variableWatchers.push(read);
    let result: [Tensor, GradFn];
    try {
      result = f(...xs);
    } finally {
      variableWatchers.pop();
      resume();
    }
    if (!Array.isArray(result) || result.length !== 2 || typeof result[1] !== 'function') {
      throw new TypeError(`customGradient: f must return [y, gradFn] (its result and the gradient function), got ${describe(result)}`);
    }
    const [y, gradFn] = result;
    const variables = read.filter((v) => v.trainable && !xs.includes(v));
    if (variables.length > 0 && gradFn.length < 2) {
      throw new TypeError(
        `@tf.custom_gradient grad_fn must accept keyword argument 'variables', since function uses variables: [${variables.map((v) => v.name).join(', ')}]`,
      );
    }
    return CustomGradient.apply([...xs, ...variables], { y: toTensor(y), gradFn, argCount: xs.length });
  };
}
