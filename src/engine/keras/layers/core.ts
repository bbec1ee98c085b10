/** Keras 3's core layers: Dense, Flatten, Dropout, ReLU, Softmax, Embedding. */
import type { DType } from '../../dtype';
import { describeValue } from '../../errors';
import * as ops from '../../ops/index';
import { Generator } from '../../prng';
import type { Tensor, Variable } from '../../tensor';
import { getActivation, keepLogits, type ActivationFn, type ActivationIdentifier } from '../activations';
import type { InitializerIdentifier } from '../initializers';
import { Layer, type CallOptions, type LayerOptions } from '../layer';

function checkPositiveInt(what: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
    throw new RangeError(`Received an invalid value for \`${what}\`, expected a positive integer. Received: ${what}=${describeValue(v)}`);
  }
  return v;
}

export interface DenseOptions extends LayerOptions {
  activation?: ActivationIdentifier;
  useBias?: boolean;
  kernelInitializer?: InitializerIdentifier;
  biasInitializer?: InitializerIdentifier;
}

/** Dense(units): activation(x · kernel + bias), over the last axis of x. */
export class Dense extends Layer {
  static override readonly className: string = 'Dense';
  readonly units: number;
  readonly activation: ActivationFn;
  readonly useBias: boolean;
  kernel: Variable | null = null;
  bias: Variable | null = null;
  private readonly kernelInitializer: InitializerIdentifier;
  private readonly biasInitializer: InitializerIdentifier;

  constructor(units: number, { activation, useBias = true, kernelInitializer = 'glorot_uniform', biasInitializer = 'zeros', ...base }: DenseOptions = {}) {
    super(base);
    this.units = checkPositiveInt('units', units);
    this.activation = getActivation(activation);
    this.useBias = useBias;
    this.kernelInitializer = kernelInitializer;
    this.biasInitializer = biasInitializer;
    this.inputSpec = { minNdim: 2 };
  }

  override build(inputShape: number[]): void {
    const inputDim = inputShape[inputShape.length - 1];
    this.kernel = this.addWeight({ name: 'kernel', shape: [inputDim, this.units], initializer: this.kernelInitializer });
    if (this.useBias) this.bias = this.addWeight({ name: 'bias', shape: [this.units], initializer: this.biasInitializer });
    this.inputSpec = { minNdim: 2, axes: { [-1]: inputDim } };
  }

  override call(inputs: Tensor): Tensor {
    let x = ops.matmul(inputs, this.kernel as Variable);
    if (this.bias !== null) x = ops.add(x, this.bias);
    return this.activation(x);
  }

  override computeOutputShape(inputShape: number[]): number[] {
    return [...inputShape.slice(0, -1), this.units];
  }
}

/** Flatten(): (batch, …) → (batch, product of the rest). */
export class Flatten extends Layer {
  static override readonly className: string = 'Flatten';

  override call(inputs: Tensor): Tensor {
    return ops.reshape(inputs, this.computeOutputShape(inputs.shape));
  }

  override computeOutputShape(inputShape: number[]): number[] {
    let n = 1;
    for (const d of inputShape.slice(1)) n *= d;
    return [inputShape[0], n];
  }
}

export interface DropoutOptions extends LayerOptions {
  noiseShape?: readonly (number | null)[];
  seed?: number;
}

/**
 * Dropout(rate, { seed }): tf.nn.dropout when training, x unchanged otherwise. A seeded layer draws
 * each call's seed from its own generator (Keras's SeedGenerator): masks differ from call to call
 * and repeat from run to run.
 */
export class Dropout extends Layer {
  static override readonly className: string = 'Dropout';
  readonly rate: number;
  readonly noiseShape: readonly (number | null)[] | undefined;
  readonly seed: number | undefined;
  private readonly seeds: Generator | null;

  constructor(rate: number, { noiseShape, seed, ...base }: DropoutOptions = {}) {
    super(base);
    if (typeof rate !== 'number' || !(rate >= 0 && rate <= 1)) {
      throw new RangeError(`Invalid value received for argument \`rate\`. Expected a float value between 0 and 1. Received: rate=${describeValue(rate)}`);
    }
    if (seed !== undefined && !Number.isInteger(seed)) throw new TypeError(`Dropout: seed must be an integer, got ${describeValue(seed)}`);
    this.rate = rate;
    this.noiseShape = noiseShape;
    this.seed = seed;
    this.seeds = seed === undefined ? null : new Generator(seed, 0xd70);
  }

  override call(inputs: Tensor, { training }: CallOptions): Tensor {
    if (!training || this.rate === 0) return inputs;
    // Rate 1 drops everything (Keras scales by 1/(1 - rate) only what it keeps).
    if (this.rate === 1) return ops.zerosLike(inputs);
    const seed = this.seeds === null ? undefined : this.seeds.nextUint32();
    return ops.dropout(inputs, this.rate, { seed, noiseShape: this.noiseShape });
  }
}

export interface ReLUOptions extends LayerOptions {
  maxValue?: number;
  negativeSlope?: number;
}

/** ReLU({ maxValue, negativeSlope }): max(x, 0) (or negativeSlope·x below 0), capped at maxValue. */
export class ReLU extends Layer {
  static override readonly className: string = 'ReLU';
  readonly maxValue: number | undefined;
  readonly negativeSlope: number;

  constructor({ maxValue, negativeSlope = 0, ...base }: ReLUOptions = {}) {
    super(base);
    if (maxValue !== undefined && !(maxValue >= 0)) throw new RangeError(`max_value of a ReLU layer cannot be a negative value. Received: ${describeValue(maxValue)}`);
    if (!(negativeSlope >= 0)) throw new RangeError(`negative_slope of a ReLU layer cannot be a negative value. Received: ${describeValue(negativeSlope)}`);
    this.maxValue = maxValue;
    this.negativeSlope = negativeSlope;
  }

  override call(inputs: Tensor): Tensor {
    let x = this.negativeSlope === 0 ? ops.relu(inputs) : ops.leakyRelu(inputs, this.negativeSlope);
    if (this.maxValue !== undefined) x = ops.minimum(x, this.maxValue);
    return x;
  }
}

/** Softmax({ axis = -1 }). */
export class Softmax extends Layer {
  static override readonly className: string = 'Softmax';
  readonly axis: number;

  constructor({ axis = -1, ...base }: LayerOptions & { axis?: number } = {}) {
    super(base);
    this.axis = axis;
  }

  override call(inputs: Tensor): Tensor {
    return keepLogits(ops.softmax(inputs, this.axis), inputs);
  }
}

export interface EmbeddingOptions extends LayerOptions {
  embeddingsInitializer?: InitializerIdentifier;
}

/** Embedding(inputDim, outputDim): row i of `embeddings` for each index i. */
export class Embedding extends Layer {
  static override readonly className: string = 'Embedding';
  readonly inputDim: number;
  readonly outputDim: number;
  embeddings: Variable | null = null;
  private readonly embeddingsInitializer: InitializerIdentifier;

  constructor(inputDim: number, outputDim: number, { embeddingsInitializer = 'uniform', ...base }: EmbeddingOptions = {}) {
    super(base);
    this.inputDim = checkPositiveInt('input_dim', inputDim);
    this.outputDim = checkPositiveInt('output_dim', outputDim);
    this.embeddingsInitializer = embeddingsInitializer;
  }

  protected override get inputDtype(): DType {
    return 'int32';
  }

  override build(inputShape: number[]): void {
    void inputShape; // the table's shape does not depend on the indices'
    this.embeddings = this.addWeight({ name: 'embeddings', shape: [this.inputDim, this.outputDim], initializer: this.embeddingsInitializer });
  }

  override call(inputs: Tensor): Tensor {
    const ids = inputs.dtype === 'int32' ? inputs : ops.cast(inputs, 'int32');
    return ops.gather(this.embeddings as Variable, ids, 0);
  }

  override computeOutputShape(inputShape: number[]): number[] {
    return [...inputShape, this.outputDim];
  }
}
