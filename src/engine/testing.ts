/**
 * tf.test.computeGradient: TensorFlow's `tf.test.compute_gradient(f, x, delta)`
 * (tensorflow/python/ops/gradient_checker_v2.py), the theoretical and the numerical Jacobian.
 *
 * - Each Jacobian has shape [y.size, x.size] (row r: ∂y_r/∂x), one per element of `xs`, with
 *   x's dtype.
 * - Theoretical: one reverse pass per row r, seeded with the one-hot output gradient e_r. A null
 *   gradient (y does not depend on x) gives a row of zeros, as TF.
 * - Numerical: central differences, column c = (f(x + δe_c) - f(x - δe_c)) / (2δ). As in TF, x is
 *   perturbed in its own dtype and the difference and the division are done in y's dtype, so a
 *   float32 check carries float32 rounding (TF's docs: x*x at 1.0 with δ = 1e-3 gives 2.000004).
 * - Default δ = 1/1024, TF's current default: a power of two, so x ± δ carries less rounding
 *   noise than 1e-3 (the default of older TF releases).
 */
import { Tensor, peekValues } from './tensor';
import { constant } from './ops/index';
import { GradientTape } from './tape';
import { InvalidArgumentError } from './errors';
import { setObserver } from './observer';

type Values = Float32Array | Float64Array;

function asFloatTensor(x: unknown, i: number): Tensor {
  const t = x instanceof Tensor ? x : constant(x as never);
  if (t.dtype !== 'float32' && t.dtype !== 'float64') {
    throw new InvalidArgumentError(`computeGradient: Cannot compute gradient for unsupported type ${t.dtype} of argument ${i}`);
  }
  // A fresh constant: the check must not touch the caller's tensors or variables.
  return constant((peekValues(t) as Values).slice() as never, t.dtype, t.shape);
}

function newValues(dtype: string, n: number): Values {
  return dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
}

export function computeGradient(
  f: (...xs: Tensor[]) => Tensor,
  xs: readonly (Tensor | number | readonly unknown[])[],
  { delta = 1 / 1024 }: { delta?: number } = {},
): [Tensor[], Tensor[]] {
  if (!Array.isArray(xs)) throw new InvalidArgumentError('`x` must be a list or tuple of values convertible to a Tensor (arguments to `f`)');
  const args = xs.map(asFloatTensor);

  // Theoretical: one persistent tape, one gradient call per output element.
  const tape = new GradientTape({ persistent: true });
  const y = tape.record(() => {
    tape.watch(args);
    return f(...args);
  });
  if (!(y instanceof Tensor)) throw new InvalidArgumentError('computeGradient: f must return a tensor');
  if (y.dtype !== 'float32' && y.dtype !== 'float64') throw new InvalidArgumentError(`computeGradient: Cannot compute gradient for unsupported type ${y.dtype} of y`);
  const ySize = y.size;
  const theoretical = args.map((x) => newValues(x.dtype, ySize * x.size));
  const seed = newValues(y.dtype, ySize);
  for (let r = 0; r < ySize; r++) {
    seed.fill(0);
    seed[r] = 1;
    const grads = tape.gradient(y, args, { outputGradients: constant(seed.slice() as never, y.dtype, y.shape) }) as (Tensor | null)[];
    grads.forEach((g, i) => {
      if (g) theoretical[i].set(peekValues(g) as ArrayLike<number>, r * args[i].size);
    });
  }

  // Numerical: central differences in the dtypes of x and y. These 2·x.size extra runs of f are
  // the checker's business, not the user's program, so they stay out of the trace.
  const prev = setObserver(null);
  let numerical: Values[];
  try {
    const yRound = y.dtype === 'float64' ? (v: number) => v : Math.fround;
    const scale = yRound(2 * delta);
    numerical = args.map((x, i) => {
      const jac = newValues(x.dtype, ySize * x.size);
      const base = peekValues(x) as Values;
      const evalAt = (col: number, step: number): ArrayLike<number> => {
        const moved = newValues(x.dtype, x.size);
        moved.set(base);
        moved[col] = moved[col] + step; // rounded to x's dtype by the typed array
        const shifted = args.slice();
        shifted[i] = constant(moved as never, x.dtype, x.shape);
        const out = f(...shifted);
        return peekValues(out) as ArrayLike<number>;
      };
      for (let c = 0; c < x.size; c++) {
        const yPos = evalAt(c, delta);
        const yNeg = evalAt(c, -delta);
        for (let r = 0; r < ySize; r++) jac[r * x.size + c] = yRound(yRound(yPos[r] - yNeg[r]) / scale);
      }
      return jac;
    });
  } finally {
    setObserver(prev);
  }

  const asTensor = (vals: Values, x: Tensor): Tensor => constant(vals as never, x.dtype, [ySize, x.size]);
  return [theoretical.map((v, i) => asTensor(v, args[i])), numerical.map((v, i) => asTensor(v, args[i]))];
}

export const test = { computeGradient };
