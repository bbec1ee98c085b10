/** Keras 3's normalization layers: LayerNormalization and BatchNormalization. */
import { describeValue } from '../../errors';
import * as ops from '../../ops/index';
import type { Tensor, Variable } from '../../tensor';
import type { InitializerIdentifier } from '../initializers';
import { Layer, type CallOptions, type LayerOptions } from '../layer';

function checkAxis(axis: number, rank: number, layer: string): number {
  if (!Number.isInteger(axis) || axis >= rank || axis < -rank) {
    throw new RangeError(`Axis ${axis} is out of bounds for input of rank ${rank} in layer '${layer}'. Received: axis=${describeValue(axis)}`);
  }
  return axis < 0 ? axis + rank : axis;
}

export interface LayerNormalizationOptions extends LayerOptions {
  axis?: number | number[];
  epsilon?: number;
  center?: boolean;
  scale?: boolean;
  betaInitializer?: InitializerIdentifier;
  gammaInitializer?: InitializerIdentifier;
}

/** LayerNormalization({ axis = -1, epsilon = 0.001 }): each sample normalized over `axis`, then scaled by gamma and shifted by beta. */
export class LayerNormalization extends Layer {
  static override readonly className: string = 'LayerNormalization';
  readonly axis: number | number[];
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  gamma: Variable | null = null;
  beta: Variable | null = null;
  private axes: number[] = [];
  private readonly betaInitializer: InitializerIdentifier;
  private readonly gammaInitializer: InitializerIdentifier;

  constructor({ axis = -1, epsilon = 1e-3, center = true, scale = true, betaInitializer = 'zeros', gammaInitializer = 'ones', ...base }: LayerNormalizationOptions = {}) {
    super(base);
    this.axis = axis;
    this.epsilon = epsilon;
    this.center = center;
    this.scale = scale;
    this.betaInitializer = betaInitializer;
    this.gammaInitializer = gammaInitializer;
  }

  override build(inputShape: number[]): void {
    const axes = (Array.isArray(this.axis) ? this.axis : [this.axis]).map((a) => checkAxis(a, inputShape.length, this.name));
    this.axes = axes.sort((a, b) => a - b);
    const shape = this.axes.map((a) => inputShape[a]);
    if (this.scale) this.gamma = this.addWeight({ name: 'gamma', shape, initializer: this.gammaInitializer });
    if (this.center) this.beta = this.addWeight({ name: 'beta', shape, initializer: this.betaInitializer });
  }

  override call(inputs: Tensor): Tensor {
    // Keras's layer_normalization: gamma and beta reshaped to broadcast unless they sit on the last axis.
    const rank = inputs.rank;
    const lastOnly = this.axes.length === 1 && this.axes[0] === rank - 1;
    const broadcastShape = inputs.shape.map((d, i) => (this.axes.includes(i) ? d : 1));
    const fit = (v: Variable | null): Tensor | null => (v === null ? null : lastOnly ? v : ops.reshape(v, broadcastShape));
    const [mean, variance] = ops.moments(inputs, this.axes, { keepdims: true });
    let inv = ops.rsqrt(ops.add(variance, this.epsilon));
    const gamma = fit(this.gamma);
    if (gamma !== null) inv = ops.multiply(inv, gamma);
    let res = ops.multiply(ops.negative(mean), inv);
    const beta = fit(this.beta);
    if (beta !== null) res = ops.add(res, beta);
    return ops.add(ops.multiply(inputs, inv), res);
  }
}

export interface BatchNormalizationOptions extends LayerOptions {
  axis?: number;
  momentum?: number;
  epsilon?: number;
  center?: boolean;
  scale?: boolean;
  betaInitializer?: InitializerIdentifier;
  gammaInitializer?: InitializerIdentifier;
  movingMeanInitializer?: InitializerIdentifier;
  movingVarianceInitializer?: InitializerIdentifier;
}

/**
 * BatchNormalization({ axis = -1, momentum = 0.99, epsilon = 0.001 }): training normalizes with the
 * batch's mean and (biased) variance and moves the moving statistics toward them by 1 − momentum;
 * inference normalizes with the moving statistics.
 */
export class BatchNormalization extends Layer {
  static override readonly className: string = 'BatchNormalization';
  readonly axis: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  gamma: Variable | null = null;
  beta: Variable | null = null;
  movingMean: Variable | null = null;
  movingVariance: Variable | null = null;
  private reductionAxes: number[] = [];
  private featureAxis = -1;
  private readonly initializers: Required<Pick<BatchNormalizationOptions, 'betaInitializer' | 'gammaInitializer' | 'movingMeanInitializer' | 'movingVarianceInitializer'>>;

  constructor({
    axis = -1,
    momentum = 0.99,
    epsilon = 1e-3,
    center = true,
    scale = true,
    betaInitializer = 'zeros',
    gammaInitializer = 'ones',
    movingMeanInitializer = 'zeros',
    movingVarianceInitializer = 'ones',
    ...base
  }: BatchNormalizationOptions = {}) {
    super(base);
    if (!Number.isInteger(axis)) throw new TypeError(`Expected an int for \`axis\`. Received: axis=${describeValue(axis)}`);
    this.axis = axis;
    this.momentum = momentum;
    this.epsilon = epsilon;
    this.center = center;
    this.scale = scale;
    this.initializers = { betaInitializer, gammaInitializer, movingMeanInitializer, movingVarianceInitializer };
  }

  override build(inputShape: number[]): void {
    this.featureAxis = checkAxis(this.axis, inputShape.length, this.name);
    const shape = [inputShape[this.featureAxis]];
    const init = this.initializers;
    if (this.scale) this.gamma = this.addWeight({ name: 'gamma', shape, initializer: init.gammaInitializer });
    if (this.center) this.beta = this.addWeight({ name: 'beta', shape, initializer: init.betaInitializer });
    this.movingMean = this.addWeight({ name: 'moving_mean', shape, initializer: init.movingMeanInitializer, trainable: false });
    this.movingVariance = this.addWeight({ name: 'moving_variance', shape, initializer: init.movingVarianceInitializer, trainable: false });
    this.inputSpec = { ndim: inputShape.length, axes: { [this.axis]: shape[0] } };
    this.reductionAxes = inputShape.map((_, i) => i).filter((i) => i !== this.featureAxis);
  }

  override call(inputs: Tensor, { training }: CallOptions): Tensor {
    const rank = inputs.rank;
    // Per-feature vectors broadcast along the feature axis: as they are for the last axis, reshaped otherwise.
    const fit = (v: Tensor | null): Tensor | null => {
      if (v === null || this.featureAxis === rank - 1) return v;
      return ops.reshape(v, inputs.shape.map((d, i) => (i === this.featureAxis ? d : 1)));
    };
    const movingMean = this.movingMean as Variable;
    const movingVariance = this.movingVariance as Variable;
    let mean: Tensor;
    let variance: Tensor;
    if (training && this.trainable) {
      [mean, variance] = ops.moments(inputs, this.reductionAxes);
      // Keras: moving = moving·momentum + batch·(1 − momentum), in float32 ops as Keras computes it.
      movingMean.assign(ops.add(ops.multiply(movingMean, this.momentum), ops.multiply(mean, 1 - this.momentum)));
      movingVariance.assign(ops.add(ops.multiply(movingVariance, this.momentum), ops.multiply(variance, 1 - this.momentum)));
    } else {
      mean = movingMean;
      variance = movingVariance;
    }
    return ops.batchNormalization(inputs, fit(mean) as Tensor, fit(variance) as Tensor, fit(this.beta), fit(this.gamma), this.epsilon);
  }
}
