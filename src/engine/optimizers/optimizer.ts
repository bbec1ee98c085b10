/**
 * The optimizer base: Keras 3's `BaseOptimizer.apply_gradients` contract, shared by SGD, Adam,
 * AdamW, RMSprop and Adagrad (`keras/src/optimizers/base_optimizer.py`, TF backend).
 *
 * Updates are computed on the raw values and written with `Variable.assign*`, never with
 * recorded ops, so an update inside `tape.record` adds nothing to the tape (as TF's
 * resource-variable assignments). Each arithmetic step is rounded to the variable's dtype in the
 * order Keras 3 (TF >= 2.16) evaluates it, hyperparameters cast to that dtype first, so float32
 * results match TensorFlow's bit for bit.
 *
 * One `applyGradients` call, as Keras's: build on the first call (slots for every variable given),
 * reject variables it was not built with, drop null gradients (TF's warning), clip the gradients
 * (`clipnorm` | `clipvalue` | `globalClipnorm`), apply decoupled weight decay
 * (`w ← w − w·wd·lr`), run each variable's `updateStep`, then `iterations += 1`.
 */
import { Tensor, Variable, peekValues } from '../tensor';
import { constant } from '../ops/index';
import { GradientTape } from '../tape';
import { InvalidArgumentError, describeValue } from '../errors';
import { LearningRateSchedule } from './schedules';

/** A number, a schedule (called with `iterations`), or a zero-argument function returning the rate. */
export type LearningRate = number | LearningRateSchedule | (() => number | Tensor);

/** Options every optimizer takes (Keras's base keyword arguments, camelCase). */
export interface OptimizerOptions {
  learningRate?: LearningRate;
  /** Decoupled weight decay: before each step `w ← w − w·weightDecay·lr`. */
  weightDecay?: number | null;
  /** Clip each gradient to this L2 norm (`tf.clip_by_norm`). */
  clipnorm?: number | null;
  /** Clip each gradient element to [−clipvalue, clipvalue]. */
  clipvalue?: number | null;
  /** Scale all gradients together so that their global norm is at most this. */
  globalClipnorm?: number | null;
  name?: string;
}

/** Raw per-variable state (Keras's optimizer variables `momentum`, `velocity`, …), one array per slot. */
export type Slots = Record<string, Float32Array | Float64Array>;

/** Rounds a double to the variable's dtype: float32 arithmetic, emulated by rounding each step. */
export type Round = (x: number) => number;

const identity: Round = (x) => x;

const BASE_OPTIONS = ['learningRate', 'weightDecay', 'clipnorm', 'clipvalue', 'globalClipnorm', 'name'];

/** Python's repr of an options value, for Keras's messages. */
function pyRepr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'string') return `'${v}'`;
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  return typeof v === 'number' ? String(v) : describeValue(v);
}

/** Keras's `auto_name`: the class name in snake case, uniquified per process (`adam`, `adam_1`). */
const nameCounts = new Map<string, number>();
function autoName(className: string): string {
  const base = className.replace(/(.)([A-Z][a-z]+)/g, '$1_$2').replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
  const n = nameCounts.get(base) ?? 0;
  nameCounts.set(base, n + 1);
  return n === 0 ? base : `${base}_${n}`;
}

export abstract class Optimizer {
  /** TF's `optimizer.iterations`: how many times `applyGradients` has updated variables. */
  iterations = 0;
  readonly name: string;
  readonly weightDecay: number | null;
  readonly clipnorm: number | null;
  readonly clipvalue: number | null;
  readonly globalClipnorm: number | null;
  private learningRateValue: LearningRate;
  private readonly slots = new Map<Variable, Slots>();
  private built = false;
  private excludedVariables = new Set<Variable>();
  private excludedNames: RegExp | null = null;

  /**
   * `options` is what the user passed (checked for unknown keys, as Keras's `**kwargs`);
   * `own` lists the subclass's option names; `learningRate` is the default rate.
   */
  protected constructor(options: OptimizerOptions, own: readonly string[], learningRate: number) {
    const unknown = Object.keys(options ?? {}).filter((k) => !own.includes(k) && !BASE_OPTIONS.includes(k));
    if (unknown.length > 0) {
      const rec = options as Record<string, unknown>;
      throw new InvalidArgumentError(`Argument(s) not recognized: {${unknown.map((k) => `'${k}': ${pyRepr(rec[k])}`).join(', ')}}`);
    }
    const { weightDecay = null, clipnorm = null, clipvalue = null, globalClipnorm = null } = options;
    if ([clipnorm, clipvalue, globalClipnorm].filter((a) => a !== null && a !== undefined).length > 1) {
      throw new InvalidArgumentError(
        `Only one of \`clipnorm\`, \`clipvalue\` and \`global_clipnorm\` can be set. Received: clipnorm=${pyRepr(clipnorm)}, clipvalue=${pyRepr(clipvalue)}, global_clipnorm=${pyRepr(globalClipnorm)}`,
      );
    }
    this.name = options.name ?? autoName(new.target.name);
    this.weightDecay = weightDecay;
    this.clipnorm = clipnorm;
    this.clipvalue = clipvalue;
    this.globalClipnorm = globalClipnorm;
    this.learningRateValue = checkLearningRate(options.learningRate ?? learningRate);
  }

  /**
   * Keras's `optimizer.learning_rate`: the current rate (a schedule's value at `iterations`, a
   * function's result). Settable with a number or a schedule, unless the optimizer was made
   * with a schedule (Keras's TypeError).
   */
  get learningRate(): number {
    return this.currentLearningRate();
  }

  set learningRate(lr: LearningRate) {
    if (this.learningRateValue instanceof LearningRateSchedule && typeof lr === 'number') {
      throw new TypeError(
        'This optimizer was created with a `LearningRateSchedule` object as its `learning_rate` constructor argument, hence its learning rate is not settable. If you need the learning rate to be settable, you should instantiate the optimizer with a float `learning_rate` argument.',
      );
    }
    this.learningRateValue = checkLearningRate(lr);
  }

  private currentLearningRate(): number {
    const lr = this.learningRateValue;
    const value = lr instanceof LearningRateSchedule ? lr.__call__(this.iterations) : typeof lr === 'function' ? lr() : lr;
    return value instanceof Tensor ? Number(peekValues(value)[0]) : value;
  }

  /**
   * Keras's `build(variables)`: creates the optimizer's state for these variables. Called by the
   * first `applyGradients`; later calls may only update these variables.
   */
  build(variables: readonly Variable[]): void {
    if (this.built) return;
    for (const v of variables) {
      const s: Slots = {};
      for (const [name, init] of this.slotSpecs()) {
        const a = v.dtype === 'float64' ? new Float64Array(v.size) : new Float32Array(v.size);
        if (init !== 0) a.fill(init);
        s[name] = a;
      }
      this.slots.set(v, s);
    }
    this.built = true;
  }

  /** The slots this optimizer keeps per variable (Keras's names) with their initial values. */
  protected slotSpecs(): [string, number][] {
    return [];
  }

  /** The slot arrays of `variable`. */
  protected slotsOf(variable: Variable): Slots {
    return this.slots.get(variable)!;
  }

  /**
   * A copy of the named slot of `variable` (TF's `get_slot`; Keras's names `momentum`, `velocity`,
   * `velocity_hat`, `average_gradient`, `accumulator`, or camelCase), or null if it has none.
   */
  getSlot(variable: Variable, name: string): Tensor | null {
    const key = name.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase());
    const s = this.slots.get(variable)?.[key];
    return s ? constant(s.slice() as never, variable.dtype, variable.shape) : null;
  }

  /**
   * Keras's `exclude_from_weight_decay(var_list, var_names)`: no weight decay for these variables
   * nor for those whose name contains (a regular expression match of) one of `varNames`.
   */
  excludeFromWeightDecay({ varList, varNames }: { varList?: Variable[]; varNames?: string[] } = {}): void {
    this.excludedVariables = new Set(varList ?? []);
    this.excludedNames = varNames && varNames.length > 0 ? new RegExp([...new Set(varNames)].join('|')) : null;
  }

  private useWeightDecay(v: Variable): boolean {
    return !this.excludedVariables.has(v) && !(this.excludedNames && this.excludedNames.test(v.name));
  }

  /**
   * `apply_gradients(zip(grads, vars))`. Pairs whose gradient is null are skipped, with TF's
   * warning; if every gradient is null it throws, as TF does ("No gradients provided for any
   * variable"). Returns the new iteration count.
   */
  applyGradients(gradsAndVars: Iterable<readonly [Tensor | null | undefined, Variable]>): number {
    const pairs = [...gradsAndVars];
    if (pairs.length === 0) return this.iterations; // Keras: empty gradients are a no-op
    for (const [, v] of pairs) {
      if (!(v instanceof Variable)) throw new InvalidArgumentError(`applyGradients: every pair must be [gradient, variable] with a tf.Variable, got ${describeValue(v)}`);
    }
    this.build(pairs.map(([, v]) => v));
    for (const [, v] of pairs) {
      if (!this.slots.has(v)) {
        throw new InvalidArgumentError(
          `Unknown variable: ${v.toString()}. This optimizer can only be called for the variables it was originally built with. When working with a new set of variables, you should recreate a new optimizer instance.`,
        );
      }
    }
    const kept = pairs.filter(([g]) => g !== null && g !== undefined) as [Tensor, Variable][];
    if (kept.length === 0) {
      throw new InvalidArgumentError(`No gradients provided for any variable: [${pairs.map(([, v]) => `'${v.name}'`).join(', ')}].`);
    }
    if (kept.length < pairs.length) {
      const missing = pairs.filter(([g]) => g === null || g === undefined).map(([, v]) => `'${v.name}'`);
      console.warn(`Gradients do not exist for variables [${missing.join(', ')}] when minimizing the loss.`);
    }
    const grads: ArrayLike<number>[] = [];
    for (const [g, v] of kept) {
      if (v.dtype !== 'float32' && v.dtype !== 'float64') throw new InvalidArgumentError(`applyGradients: variable '${v.name}' has dtype ${v.dtype}; only float variables can be trained`);
      const grad = g instanceof Tensor ? g : constant(g as never, v.dtype);
      if (grad.size !== v.size || grad.shape.length !== v.shape.length || grad.shape.some((d, i) => d !== v.shape[i])) {
        throw new InvalidArgumentError(`applyGradients: gradient shape [${grad.shape.join(',')}] does not match variable '${v.name}' shape [${v.shape.join(',')}]`);
      }
      grads.push(peekValues(grad));
    }
    const clipped = this.clipGradients(grads, kept.map(([, v]) => v));
    const lr = this.currentLearningRate();
    if (this.weightDecay !== null) {
      for (const [, v] of kept) if (this.useWeightDecay(v)) this.decay(v, lr);
    }
    for (let i = 0; i < kept.length; i++) {
      const v = kept[i][1];
      const round = roundFor(v);
      this.updateStep(clipped[i], v, round(lr), round);
    }
    return ++this.iterations;
  }

  /** Keras's `_apply_weight_decay` (TF backend): `w.assign_sub(w · wd · lr)`. */
  private decay(v: Variable, lr: number): void {
    const round = roundFor(v);
    const wd = round(this.weightDecay!);
    const rlr = round(lr);
    const w = peekValues(v);
    const update = v.dtype === 'float64' ? new Float64Array(v.size) : new Float32Array(v.size);
    for (let i = 0; i < w.length; i++) update[i] = round(w[i] * wd) * rlr;
    v.assignSub(this.delta(v, update));
  }

  /**
   * Keras's `_clip_gradients`: `clipnorm` is `tf.clip_by_norm` per gradient, `globalClipnorm`
   * Keras's `clip_by_global_norm`, `clipvalue` an elementwise clip. Sums run in index order.
   */
  private clipGradients(grads: ArrayLike<number>[], vars: Variable[]): ArrayLike<number>[] {
    if (this.clipnorm !== null && this.clipnorm > 0) {
      return grads.map((g, k) => {
        const round = roundFor(vars[k]);
        const cn = round(this.clipnorm!);
        const l2sum = sumOfSquares(g, round);
        const l2norm = l2sum > 0 ? round(Math.sqrt(l2sum)) : l2sum;
        const denom = Math.max(l2norm, cn);
        return Array.from(g, (x) => round(round(x * cn) / denom));
      });
    }
    if (this.globalClipnorm !== null && this.globalClipnorm > 0) {
      const round = roundFor(vars[0]);
      let squared = 0;
      for (const g of grads) squared = round(squared + sumOfSquares(g, round));
      const useNorm = round(Math.sqrt(squared));
      const cn = this.globalClipnorm;
      const scaleForFinite = round(round(cn) * Math.min(round(1 / useNorm), round(1 / cn)));
      // + (norm − norm): NaN for an infinite or NaN norm, as Keras's.
      const scale = round(scaleForFinite + round(useNorm - useNorm));
      return grads.map((g) => Array.from(g, (x) => round(x * scale)));
    }
    if (this.clipvalue !== null && this.clipvalue > 0) {
      return grads.map((g, k) => {
        const cv = roundFor(vars[k])(this.clipvalue!);
        return Array.from(g, (x) => Math.min(Math.max(x, -cv), cv));
      });
    }
    return grads;
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

function roundFor(v: Variable): Round {
  return v.dtype === 'float64' ? identity : Math.fround;
}

/** Σ g² in the dtype, in index order. */
function sumOfSquares(g: ArrayLike<number>, round: Round): number {
  let s = 0;
  for (let i = 0; i < g.length; i++) s = round(s + round(g[i] * g[i]));
  return s;
}

/** Keras's check of `learning_rate`: a number, a schedule or a function. */
function checkLearningRate(lr: unknown): LearningRate {
  if (typeof lr === 'number' || typeof lr === 'function') return lr as LearningRate;
  throw new InvalidArgumentError(
    `Argument \`learning_rate\` should be float, or an instance of LearningRateSchedule, or a callable (that takes in the current iteration value and returns the corresponding learning rate value). Received instead: learning_rate=${pyRepr(lr)}`,
  );
}
