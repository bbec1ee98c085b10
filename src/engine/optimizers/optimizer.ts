/**
 * The optimizer base: Keras's `Optimizer.apply_gradients` contract, shared by SGD and Adam.
 *
 * Updates are computed on the raw values and written with `Variable.assign*`, never with
 * recorded ops, so an update inside `tape.record` adds nothing to the tape (as TF's
 * resource-variable assignments). Each arithmetic step is rounded to the variable's dtype in the
 * order Keras 3 (`keras/src/optimizers/*.py`, TF >= 2.16) evaluates it, hyperparameters cast to
 * that dtype first, so float32 results match TensorFlow's bit for bit.
 */
import { Tensor, Variable, peekValues } from '../tensor';
import { constant } from '../ops/index';
import { GradientTape } from '../tape';
import { InvalidArgumentError } from '../errors';

export type LearningRate = number | (() => number);

/** Raw per-variable state (Keras's slot variables `momentum`, `velocity`), one array per slot. */
export type Slots = Record<string, Float32Array | Float64Array>;

/** Rounds a double to the variable's dtype: float32 arithmetic, emulated by rounding each step. */
export type Round = (x: number) => number;

const identity: Round = (x) => x;

export abstract class Optimizer {
  /** TF's `optimizer.iterations`: how many times `applyGradients` has updated variables. */
  iterations = 0;
  learningRate: LearningRate;
  private readonly slots = new Map<Variable, Slots>();

  protected constructor(learningRate: LearningRate) {
    this.learningRate = learningRate;
  }

  /** The slot arrays this optimizer keeps for `variable` (created on first use, zero-filled). */
  protected slotsFor(variable: Variable, names: readonly string[]): Slots {
    let s = this.slots.get(variable);
    if (!s) {
      s = {};
      for (const n of names) s[n] = variable.dtype === 'float64' ? new Float64Array(variable.size) : new Float32Array(variable.size);
      this.slots.set(variable, s);
    }
    return s;
  }

  /** A copy of the named slot of `variable` (TF's `get_slot`), or null before its first update. */
  getSlot(variable: Variable, name: string): Tensor | null {
    const s = this.slots.get(variable)?.[name];
    return s ? constant(s.slice() as never, variable.dtype, variable.shape) : null;
  }

  /**
   * `apply_gradients(zip(grads, vars))`. Pairs whose gradient is null are skipped, with TF's
   * warning; if every gradient is null it throws, as TF does ("No gradients provided for any
   * variable"). Returns the new iteration count.
   */
  applyGradients(gradsAndVars: Iterable<readonly [Tensor | null | undefined, Variable]>): number {
    const pairs = [...gradsAndVars];
    const kept = pairs.filter(([g]) => g !== null && g !== undefined) as [Tensor, Variable][];
    if (kept.length === 0) {
      throw new InvalidArgumentError(`No gradients provided for any variable: [${pairs.map(([, v]) => `'${v.name}'`).join(', ')}].`);
    }
    if (kept.length < pairs.length) {
      const missing = pairs.filter(([g]) => g === null || g === undefined).map(([, v]) => `'${v.name}'`);
      console.warn(`Gradients do not exist for variables [${missing.join(', ')}] when minimizing the loss.`);
    }
    const lr = typeof this.learningRate === 'function' ? this.learningRate() : this.learningRate;
    for (const [g, v] of kept) {
      if (!(v instanceof Variable)) throw new InvalidArgumentError('applyGradients: every pair must be [gradient, variable] with a tf.Variable');
      if (v.dtype !== 'float32' && v.dtype !== 'float64') throw new InvalidArgumentError(`applyGradients: variable '${v.name}' has dtype ${v.dtype}; only float variables can be trained`);
      const grad = g instanceof Tensor ? g : constant(g as never, v.dtype);
      if (grad.size !== v.size || grad.shape.length !== v.shape.length || grad.shape.some((d, i) => d !== v.shape[i])) {
        throw new InvalidArgumentError(`applyGradients: gradient shape [${grad.shape.join(',')}] does not match variable '${v.name}' shape [${v.shape.join(',')}]`);
      }
      const round = v.dtype === 'float64' ? identity : Math.fround;
      this.updateStep(peekValues(grad), v, round(lr), round);
    }
    return ++this.iterations;
  }

  /** Keras's `minimize(loss, var_list)`: one tape over `loss()`, then `applyGradients`. */
  minimize(loss: () => Tensor, varList: Variable[]): number {
    const tape = new GradientTape();
    const value = tape.record(loss);
    const grads = tape.gradient(value, varList) as (Tensor | null)[];
    return this.applyGradients(varList.map((v, i) => [grads[i], v] as const));
  }

  /**
   * Wraps an update's values as a tensor of the variable's dtype and shape, for `assign*`. An
   * internal value, not a user constant: built directly so that it stays out of the trace.
   */
  protected delta(v: Variable, values: Float32Array | Float64Array): Tensor {
    return new Tensor(values, v.shape.slice(), v.dtype);
  }

  /** One variable's update (Keras's `update_step`); `lr` is already rounded to the dtype. */
  protected abstract updateStep(grad: ArrayLike<number>, variable: Variable, lr: number, round: Round): void;
}
