/**
 * tf.keras.losses: Keras 3's losses (`keras/src/losses/losses.py`, `loss.py`, and the TF
 * backend's `nn.py` cross-entropies), built from recorded engine ops, so gradients, higher-order
 * gradients and the panel see every step.
 *
 * The functions (`meanSquaredError(yTrue, yPred)`, …) return one loss per sample (a mean or sum
 * over the last axis). A loss instance is callable, `lossFn(yTrue, yPred, sampleWeight?)`: it
 * converts both to its dtype (float32), squeezes or expands a trailing 1 so that the ranks agree,
 * calls the function, weights by `sampleWeight`, and reduces with its `reduction` (Keras's
 * default "sum_over_batch_size": the sum divided by the number of loss values).
 * Probabilities are clipped to [ε, 1 − ε] with Keras's ε = 1e-7 before their log.
 */
import { Callable, type CallableOf } from './callable';
import { Tensor, toTensor, type TensorLike } from '../tensor';
import type { DType } from '../dtype';
import { InvalidArgumentError } from '../errors';
import { shapeTuple, normalizeAxis } from '../shape';
import {
  abs, add, cast, clipByValue, divide, lessEqual, log, multiply, negative, reduceMean, reduceSum, sigmoidCrossEntropyWithLogits,
  softmaxCrossEntropyWithLogits, sparseSoftmaxCrossEntropyWithLogits, square, squeeze, subtract, where,
} from '../ops/index';
import { convert, reduceWeightedValues, squeezeOrExpandToSameRank, type Reduction } from './reduction';

export type { Reduction } from './reduction';

/** Keras's fuzz factor (`keras.backend.epsilon()`). */
const EPSILON = 1e-7;

const REDUCTIONS: readonly unknown[] = ['sum_over_batch_size', 'sum', null, 'none', 'mean', 'mean_with_sample_weight'];

export interface LossOptions {
  reduction?: Reduction;
  name?: string;
  /** The dtype of the computation; inputs are converted to it (Keras: floatx, float32). */
  dtype?: DType;
}

function checkReduction(reduction: unknown): Reduction {
  if (!REDUCTIONS.includes(reduction)) {
    throw new InvalidArgumentError(
      `Invalid value for argument \`reduction\`. Expected one of {'sum_over_batch_size', 'sum', None, 'none', 'mean', 'mean_with_sample_weight'}. Received: reduction=${typeof reduction === 'string' ? `'${reduction}'` : String(reduction)}`,
    );
  }
  return reduction as Reduction;
}

/**
 * The base class (`tf.keras.losses.Loss`): subclasses implement `call(yTrue, yPred)` returning the
 * per-sample losses; calling the instance converts, weights and reduces.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export abstract class Loss extends Callable {
  name: string;
  readonly reduction: Reduction;
  readonly dtype: DType;

  constructor({ reduction = 'sum_over_batch_size', name, dtype = 'float32' }: LossOptions = {}, defaultName = 'loss') {
    super();
    this.name = name ?? defaultName;
    this.reduction = checkReduction(reduction);
    this.dtype = dtype;
  }

  override __call__(yTrue: TensorLike, yPred: TensorLike, sampleWeight?: TensorLike | null): Tensor {
    const pred = convert(yPred, this.dtype);
    const losses = this.call(this.convertLabels(yTrue), pred);
    return reduceWeightedValues(losses, sampleWeight, this.reduction);
  }

  /** Labels are converted to the loss's dtype (sparse class ids keep theirs; they become int32). */
  protected convertLabels(yTrue: TensorLike): Tensor {
    return convert(yTrue, this.dtype);
  }

  abstract call(yTrue: Tensor, yPred: Tensor): Tensor;
}
// The call signature (a class cannot declare one itself; see ./callable.ts).
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface Loss extends CallableOf<[yTrue: TensorLike, yPred: TensorLike, sampleWeight?: TensorLike | null], Tensor> {}

/** Keras's `LossFunctionWrapper`: squeeze/expand to the same rank, then the per-sample function. */
abstract class LossFunctionWrapper extends Loss {
  override call(yTrue: Tensor, yPred: Tensor): Tensor {
    const [t, p] = squeezeOrExpandToSameRank(yTrue, yPred);
    return this.fn(t, p);
  }

  protected abstract fn(yTrue: Tensor, yPred: Tensor): Tensor;
}

/** yPred as a tensor and yTrue in its dtype, at the same rank (Keras's regression losses' preamble). */
function regressionInputs(yTrue: TensorLike, yPred: TensorLike): [Tensor, Tensor] {
  const p = toTensor(yPred);
  return squeezeOrExpandToSameRank(convert(yTrue, p.dtype), p);
}

/** mean((yTrue − yPred)², axis −1): one loss per sample. */
export function meanSquaredError(yTrue: TensorLike, yPred: TensorLike): Tensor {
  const [t, p] = regressionInputs(yTrue, yPred);
  return reduceMean(square(subtract(t, p)), -1);
}

/** mean(|yTrue − yPred|, axis −1): one loss per sample. */
export function meanAbsoluteError(yTrue: TensorLike, yPred: TensorLike): Tensor {
  const [t, p] = regressionInputs(yTrue, yPred);
  return reduceMean(abs(subtract(t, p)), -1);
}

/** mean(½x² where |x| ≤ δ, else δ|x| − ½δ²), x = yPred − yTrue, over axis −1. */
export function huber(yTrue: TensorLike, yPred: TensorLike, delta = 1.0): Tensor {
  const [t, p] = regressionInputs(yTrue, yPred);
  const error = subtract(p, t);
  const absError = abs(error);
  const d = p.dtype === 'float64' ? delta : Math.fround(delta);
  const halfDeltaSq = p.dtype === 'float64' ? 0.5 * d * d : Math.fround(0.5 * Math.fround(d * d));
  return reduceMean(where(lessEqual(absError, d), multiply(0.5, square(error)), subtract(multiply(d, absError), halfDeltaSq)), -1);
}

export interface CrossentropyOptions {
  fromLogits?: boolean;
  labelSmoothing?: number;
  axis?: number;
}

/**
 * Keras's `_get_logits`: a tensor made by Keras's softmax or sigmoid activation remembers its
 * logits (`_kerasLogits`), and the cross-entropy uses them (no clipping), as Keras 3 does.
 */
function logitsOf(output: Tensor, fromLogits: boolean, opType: string, fnName: string): [Tensor, boolean] {
  const cached = (output as { _kerasLogits?: Tensor })._kerasLogits;
  if (cached instanceof Tensor) {
    if (fromLogits) {
      console.warn(`"\`${fnName}\` received \`from_logits=True\`, but the \`output\` argument was produced by a ${opType} activation and thus does not represent logits. Was this intended?`);
    }
    return [cached, true];
  }
  return [output, fromLogits];
}

function checkSameShape(target: Tensor, output: Tensor): void {
  const got = `Received: target.shape=${shapeTuple(target.shape)}, output.shape=${shapeTuple(output.shape)}`;
  if (target.rank !== output.rank) throw new InvalidArgumentError(`Arguments \`target\` and \`output\` must have the same rank (ndim). ${got}`);
  if (target.shape.some((d, i) => d !== output.shape[i])) throw new InvalidArgumentError(`Arguments \`target\` and \`output\` must have the same shape. ${got}`);
}

/** Clipped to [ε, 1 − ε] (Python computes 1 − ε in double; the op converts both to float32). */
function clipProbabilities(p: Tensor): Tensor {
  return clipByValue(p, EPSILON, 1 - EPSILON);
}

/**
 * Binary cross-entropy per element, averaged over `axis`: −(t·log p + (1 − t)·log(1 − p)) with p
 * clipped, or TF's `sigmoid_cross_entropy_with_logits` when `fromLogits`. `labelSmoothing` pulls
 * the labels towards ½: t·(1 − s) + ½s.
 */
export function binaryCrossentropy(yTrue: TensorLike, yPred: TensorLike, { fromLogits = false, labelSmoothing = 0, axis = -1 }: CrossentropyOptions = {}): Tensor {
  const p = toTensor(yPred);
  let t = convert(yTrue, p.dtype);
  if (labelSmoothing) t = add(multiply(t, 1 - labelSmoothing), 0.5 * labelSmoothing);
  checkSameShape(t, p);
  const [output, logits] = logitsOf(p, fromLogits, 'Sigmoid', 'binary_crossentropy');
  let bce: Tensor;
  if (logits) {
    bce = sigmoidCrossEntropyWithLogits({ labels: t, logits: output });
  } else {
    const q = clipProbabilities(output);
    bce = negative(add(multiply(t, log(q)), multiply(subtract(1, t), log(subtract(1, q)))));
  }
  return reduceMean(bce, axis);
}

/**
 * Categorical cross-entropy per sample: −Σ t·log p over `axis`, p renormalised to sum to 1 and
 * clipped, or TF's `softmax_cross_entropy_with_logits` when `fromLogits`. `labelSmoothing`: t·(1 − s) + s/C.
 */
export function categoricalCrossentropy(yTrue: TensorLike, yPred: TensorLike, { fromLogits = false, labelSmoothing = 0, axis = -1 }: CrossentropyOptions = {}): Tensor {
  const p = toTensor(yPred);
  let t = convert(yTrue, p.dtype);
  if (p.rank > 0 && p.shape[normalizeAxis(axis, p.rank)] === 1) {
    console.warn(
      `In loss categorical_crossentropy, expected y_pred.shape to be (batch_size, num_classes) with num_classes > 1. Received: y_pred.shape=${shapeTuple(p.shape)}. Consider using 'binary_crossentropy' if you only have 2 classes.`,
    );
  }
  if (labelSmoothing) {
    const classes = p.shape[normalizeAxis(axis, p.rank)];
    // Python's float over the float32 class count: a float32 division.
    const off = p.dtype === 'float64' ? labelSmoothing / classes : Math.fround(Math.fround(labelSmoothing) / classes);
    t = add(multiply(t, 1 - labelSmoothing), off);
  }
  if (t.rank < 1) {
    throw new InvalidArgumentError(`Arguments \`target\` and \`output\` must be at least rank 1. Received: target.shape=${shapeTuple(t.shape)}, output.shape=${shapeTuple(p.shape)}`);
  }
  checkSameShape(t, p);
  const [output, logits] = logitsOf(p, fromLogits, 'Softmax', 'categorical_crossentropy');
  if (logits) return softmaxCrossEntropyWithLogits({ labels: t, logits: output, axis });
  const q = clipProbabilities(divide(output, reduceSum(output, axis, true)));
  return negative(reduceSum(multiply(t, log(q)), axis));
}

export interface SparseCrossentropyOptions {
  fromLogits?: boolean;
  axis?: number;
}

/**
 * Sparse categorical cross-entropy per sample: labels are class ids (a trailing axis of 1 is
 * squeezed); TF's `sparse_softmax_cross_entropy_with_logits` of the logits, or of log(clipped p).
 * A label outside [0, classes) is TF's InvalidArgumentError.
 */
export function sparseCategoricalCrossentropy(yTrue: TensorLike, yPred: TensorLike, { fromLogits = false, axis = -1 }: SparseCrossentropyOptions = {}): Tensor {
  let p = toTensor(yPred);
  let t = toTensor(yTrue, 'int32');
  if (axis !== -1 && axis !== p.rank - 1) throw new InvalidArgumentError(`Only axis=-1 is currently supported. Received: axis=${axis}`);
  if (t.rank === p.rank && t.shape[t.rank - 1] === 1) t = squeeze(t, -1);
  const [output, logits] = logitsOf(p, fromLogits, 'Softmax', 'sparse_categorical_crossentropy');
  p = output;
  if (t.dtype !== 'int32') t = cast(t, 'int32');
  if (p.rank < 1) throw new InvalidArgumentError(`Argument \`output\` must be at least rank 1. Received: output.shape=${shapeTuple(p.shape)}`);
  const got = `target.shape=${shapeTuple(t.shape)}, output.shape=${shapeTuple(p.shape)}`;
  if (t.rank !== p.rank - 1) throw new InvalidArgumentError(`Argument \`output\` must have rank (ndim) \`target.ndim - 1\`. Received: ${got}`);
  if (t.shape.some((d, i) => d !== p.shape[i])) throw new InvalidArgumentError(`Arguments \`target\` and \`output\` must have the same shape up until the last dimension: ${got}`);
  if (!logits) p = log(clipProbabilities(p));
  return sparseSoftmaxCrossEntropyWithLogits({ labels: t, logits: p });
}

export interface HuberOptions extends LossOptions {
  delta?: number;
}

/** `mean(square(yTrue − yPred))`, reduced (Keras's default: over the batch). */
export class MeanSquaredError extends LossFunctionWrapper {
  constructor(options: LossOptions = {}) {
    super(options, 'mean_squared_error');
  }
  protected fn(t: Tensor, p: Tensor): Tensor {
    return meanSquaredError(t, p);
  }
}

/** `mean(abs(yTrue − yPred))`, reduced. */
export class MeanAbsoluteError extends LossFunctionWrapper {
  constructor(options: LossOptions = {}) {
    super(options, 'mean_absolute_error');
  }
  protected fn(t: Tensor, p: Tensor): Tensor {
    return meanAbsoluteError(t, p);
  }
}

/** Huber loss with `delta` (default 1), reduced. */
export class Huber extends LossFunctionWrapper {
  readonly delta: number;
  constructor(options: HuberOptions = {}) {
    super(options, 'huber_loss');
    this.delta = options.delta ?? 1.0;
  }
  protected fn(t: Tensor, p: Tensor): Tensor {
    return huber(t, p, this.delta);
  }
}

export interface CrossentropyLossOptions extends LossOptions, CrossentropyOptions {}
export interface SparseCrossentropyLossOptions extends LossOptions, SparseCrossentropyOptions {}

export class BinaryCrossentropy extends LossFunctionWrapper {
  readonly fromLogits: boolean;
  readonly labelSmoothing: number;
  readonly axis: number;
  constructor(options: CrossentropyLossOptions = {}) {
    super(options, 'binary_crossentropy');
    ({ fromLogits: this.fromLogits = false, labelSmoothing: this.labelSmoothing = 0, axis: this.axis = -1 } = options);
  }
  protected fn(t: Tensor, p: Tensor): Tensor {
    return binaryCrossentropy(t, p, this);
  }
}

export class CategoricalCrossentropy extends LossFunctionWrapper {
  readonly fromLogits: boolean;
  readonly labelSmoothing: number;
  readonly axis: number;
  constructor(options: CrossentropyLossOptions = {}) {
    super(options, 'categorical_crossentropy');
    ({ fromLogits: this.fromLogits = false, labelSmoothing: this.labelSmoothing = 0, axis: this.axis = -1 } = options);
  }
  protected fn(t: Tensor, p: Tensor): Tensor {
    return categoricalCrossentropy(t, p, this);
  }
}

export class SparseCategoricalCrossentropy extends LossFunctionWrapper {
  readonly fromLogits: boolean;
  readonly axis: number;
  constructor(options: SparseCrossentropyLossOptions = {}) {
    super(options, 'sparse_categorical_crossentropy');
    ({ fromLogits: this.fromLogits = false, axis: this.axis = -1 } = options);
  }
  /** Class ids stay integers (Keras converts them to float32 and back; the values are the same). */
  protected override convertLabels(yTrue: TensorLike): Tensor {
    return toTensor(yTrue, 'int32');
  }
  protected fn(t: Tensor, p: Tensor): Tensor {
    return sparseCategoricalCrossentropy(t, p, this);
  }
}
