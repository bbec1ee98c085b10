/**
 * tf.keras.metrics: Keras 3's stateful metrics (`keras/src/metrics/reduction_metrics.py`,
 * `accuracy_metrics.py`, `regression_metrics.py`). A metric's state is non-trainable variables
 * (`mean/total:0`, `mean/count:0`); `updateState` adds a batch, `result()` is total / count,
 * `resetState()` zeroes them; calling the metric does both (`metric(yTrue, yPred)`).
 *
 * Updates are bookkeeping, not part of the model: they run on the values directly and write the
 * variables by assignment, so nothing is recorded on a tape or in the trace (TF's metric
 * variables are not trainable and their assignments have no gradient either).
 */
import { Callable, type CallableOf } from './callable';
import { Tensor, Variable, peekValues, tensorFromValues, type TensorLike } from '../tensor';
import { InvalidArgumentError } from '../errors';
import { broadcastShape, shapeTuple, sizeOf } from '../shape';
import { divNoNan, variable } from '../ops/index';

/** A batch's values as plain numbers with their shape (row-major). */
interface Values {
  data: ArrayLike<number>;
  shape: number[];
}

function valuesOf(x: TensorLike): Values {
  const t = x instanceof Tensor ? x : tensorFromValues(x as never); // not a user constant: kept out of the trace
  return { data: peekValues(t) as ArrayLike<number>, shape: t.shape.slice() };
}

/** Keras's `squeeze_or_expand_to_same_rank` on shapes (the data's order does not change). */
function sameRank(a: Values, b: Values): void {
  const [ra, rb] = [a.shape.length, b.shape.length];
  if (ra === rb + 1 && a.shape[ra - 1] === 1) {
    if (rb === 1) b.shape.push(1);
    else a.shape.pop();
  } else if (rb === ra + 1 && b.shape[rb - 1] === 1) {
    if (ra === 1) a.shape.push(1);
    else b.shape.pop();
  }
}

/** Mean over the axes from `axis` on (contiguous blocks in row-major order). */
function meanFrom(v: Values, axis: number): Values {
  if (axis >= v.shape.length) return v;
  const shape = v.shape.slice(0, axis);
  const n = sizeOf(shape);
  const block = n === 0 ? 0 : v.data.length / n;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < block; j++) s += v.data[i * block + j];
    out[i] = Math.fround(s / block);
  }
  return { data: out, shape };
}

/** `fn(a, b)` elementwise with NumPy broadcasting (TF's "Incompatible shapes" otherwise). */
function broadcast(a: Values, b: Values, fn: (x: number, y: number) => number, op: string): Values {
  const shape = broadcastShape(a.shape, b.shape, op);
  const n = sizeOf(shape);
  const out = new Float64Array(n);
  const ia = indexer(a.shape, shape);
  const ib = indexer(b.shape, shape);
  for (let i = 0; i < n; i++) out[i] = fn(a.data[ia(i)], b.data[ib(i)]);
  return { data: out, shape };
}

/** Maps a flat index of `out` to the flat index of a tensor of shape `s` broadcast to it. */
function indexer(s: number[], out: number[]): (i: number) => number {
  if (sizeOf(s) === sizeOf(out)) return (i) => i;
  const lead = out.length - s.length;
  const strides = out.map(() => 0);
  let stride = 1;
  for (let k = s.length - 1; k >= 0; k--) {
    strides[k + lead] = s[k] === 1 ? 0 : stride;
    stride *= s[k];
  }
  return (i) => {
    let j = 0;
    for (let k = out.length - 1; k >= 0; k--) {
      j += (i % out[k]) * strides[k];
      i = Math.floor(i / out[k]);
    }
    return j;
  };
}

/** Index of the largest value of each row of the last axis (the first one on ties, as TF's argmax). */
function argMaxLast(v: Values): Values {
  const c = v.shape[v.shape.length - 1];
  const shape = v.shape.slice(0, -1);
  const n = sizeOf(shape);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let j = 1; j < c; j++) if (v.data[i * c + j] > v.data[i * c + best]) best = j;
    out[i] = best;
  }
  return { data: out, shape };
}

/** The base class (`tf.keras.metrics.Metric`). */
export abstract class Metric extends Callable {
  name: string;
  readonly dtype = 'float32' as const;
  private readonly state: Variable[] = [];

  constructor(name: string) {
    super();
    this.name = name;
  }

  /** A scalar float32 state variable, not trainable, named `<metric>/<name>`. */
  protected addVariable(name: string): Variable {
    const v = variable(0, { name: `${this.name}/${name}`, trainable: false });
    this.state.push(v);
    return v;
  }

  /** The metric's state variables. */
  get variables(): Variable[] {
    return this.state.slice();
  }

  abstract updateState(...args: never[]): void;
  abstract result(): Tensor;

  /** Zeroes the state (Keras's `reset_state`). */
  resetState(): void {
    for (const v of this.state) v.assign(new Tensor(new Float32Array(1), [], 'float32'));
  }

  /** `metric(…)`: `updateState(…)`, then `result()`. */
  override __call__(...args: unknown[]): Tensor {
    (this.updateState as (...a: unknown[]) => void)(...args);
    return this.result();
  }
}

/** Adds a number to a scalar float32 state variable (rounded once, as TF's assign_add). */
function addTo(v: Variable, x: number): void {
  v.assignAdd(new Tensor(Float32Array.of(x), [], 'float32'));
}

/** The (weighted) mean of the values given so far: `total / count`. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class Mean extends Metric {
  readonly total: Variable;
  readonly count: Variable;

  constructor({ name = 'mean' }: { name?: string } = {}) {
    super(name);
    this.total = this.addVariable('total');
    this.count = this.addVariable('count');
  }

  /**
   * Adds `values` (a scalar or a batch; each sample's values are averaged first) weighted by
   * `sampleWeight` (Keras's `reduce_to_samplewise_values`: the weights broadcast to the values,
   * count += Σ weights).
   */
  override updateState(values: TensorLike, sampleWeight?: TensorLike | null): void {
    this.addValues(valuesOf(values), sampleWeight);
  }

  protected addValues(v: Values, sampleWeight?: TensorLike | null): void {
    let w: Values | null = null;
    if (sampleWeight !== undefined && sampleWeight !== null) {
      w = valuesOf(sampleWeight);
      sameRank(v, w);
      const wr = w.shape.length;
      v = meanFrom(v, wr);
      if (v.shape.length < wr) {
        throw new InvalidArgumentError(`sample_weight of shape ${shapeTuple(w.shape)} cannot be broadcast to the values' shape ${shapeTuple(v.shape)}`);
      }
      const weights = w;
      const full = broadcast(v, weights, (_x, y) => y, 'BroadcastTo');
      if (full.shape.length !== v.shape.length || full.shape.some((d, i) => d !== v.shape[i])) {
        throw new InvalidArgumentError(`Incompatible shapes: sample_weight ${shapeTuple(weights.shape)} vs. values ${shapeTuple(v.shape)}`, 'BroadcastTo');
      }
      v = broadcast(v, full, (x, y) => Math.fround(x * y), 'Mul');
      w = meanFrom(full, 1);
    }
    v = meanFrom(v, 1);
    let sum = 0;
    for (let i = 0; i < v.data.length; i++) sum += v.data[i];
    addTo(this.total, sum);
    if (w) {
      let n = 0;
      for (let i = 0; i < w.data.length; i++) n += w.data[i];
      addTo(this.count, n);
    } else {
      addTo(this.count, v.shape.length >= 1 ? v.shape[0] : 1);
    }
  }

  /** total / count (0 before any update: TF's divide_no_nan). */
  override result(): Tensor {
    return divNoNan(this.total, this.count);
  }
}
// The call signature (a class cannot declare one itself; see ./callable.ts).
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface Mean extends CallableOf<[values: TensorLike, sampleWeight?: TensorLike | null], Tensor> {}

/** Keras's `MeanMetricWrapper`: the mean of a per-sample function of (yTrue, yPred). */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
abstract class MeanMetricWrapper extends Mean {
  override updateState(yTrue: TensorLike, yPred?: TensorLike, sampleWeight?: TensorLike | null): void {
    if (yPred === undefined) throw new InvalidArgumentError(`${this.constructor.name}.updateState(yTrue, yPred, sampleWeight?) needs yPred`);
    this.addValues(this.fn(valuesOf(yTrue), valuesOf(yPred)), sampleWeight);
  }

  protected abstract fn(yTrue: Values, yPred: Values): Values;
}
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
interface MeanMetricWrapper extends CallableOf<[yTrue: TensorLike, yPred: TensorLike, sampleWeight?: TensorLike | null], Tensor> {}

/** How often the predicted class (argmax of the last axis) equals the integer label. */
export class SparseCategoricalAccuracy extends MeanMetricWrapper {
  constructor({ name = 'sparse_categorical_accuracy' }: { name?: string } = {}) {
    super({ name });
  }

  protected override fn(yTrue: Values, yPred: Values): Values {
    const t = { data: yTrue.data, shape: yTrue.shape.slice() };
    if (t.shape.length === yPred.shape.length && t.shape[t.shape.length - 1] === 1) t.shape.pop();
    const m = broadcast(t, argMaxLast(yPred), (a, b) => (a === b ? 1 : 0), 'Equal');
    return m;
  }
}

/** How often the argmax of the prediction equals the argmax of the one-hot label. */
export class CategoricalAccuracy extends MeanMetricWrapper {
  constructor({ name = 'categorical_accuracy' }: { name?: string } = {}) {
    super({ name });
  }

  protected override fn(yTrue: Values, yPred: Values): Values {
    return broadcast(argMaxLast(yTrue), argMaxLast(yPred), (a, b) => (a === b ? 1 : 0), 'Equal');
  }
}

/** How often `yPred > threshold` equals the binary label. */
export class BinaryAccuracy extends MeanMetricWrapper {
  readonly threshold: number;

  constructor({ name = 'binary_accuracy', threshold = 0.5 }: { name?: string; threshold?: number } = {}) {
    super({ name });
    this.threshold = threshold;
  }

  protected override fn(yTrue: Values, yPred: Values): Values {
    sameRank(yTrue, yPred);
    const th = Math.fround(this.threshold);
    return broadcast(yTrue, yPred, (t, p) => (t === (p > th ? 1 : 0) ? 1 : 0), 'Equal');
  }
}

/** The mean over samples of mean((yTrue − yPred)², last axis). */
export class MeanSquaredError extends MeanMetricWrapper {
  constructor({ name = 'mean_squared_error' }: { name?: string } = {}) {
    super({ name });
  }

  protected override fn(yTrue: Values, yPred: Values): Values {
    sameRank(yTrue, yPred);
    const f = Math.fround;
    const sq = broadcast(yTrue, yPred, (t, p) => f(f(f(t) - f(p)) ** 2), 'Sub');
    return sq.shape.length === 0 ? sq : meanFrom(sq, sq.shape.length - 1);
  }
}
