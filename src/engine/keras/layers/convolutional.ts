/** Keras 3's Conv2D, on tf.nn.conv2d (channels last). */
import { describeValue } from '../../errors';
import * as ops from '../../ops/index';
import type { Tensor, Variable } from '../../tensor';
import { getActivation, type ActivationFn, type ActivationIdentifier } from '../activations';
import type { InitializerIdentifier } from '../initializers';
import { Layer, type LayerOptions } from '../layer';

/** Keras's standardize_tuple: an int or `n` positive ints, with its text. */
export function standardizeTuple(value: unknown, n: number, name: string): number[] {
  const shown = Array.isArray(value) && value.every((v) => typeof v === 'number') ? `(${value.join(', ')})` : describeValue(value);
  const message = `The \`${name}\` argument must be a tuple of ${n} integers. Received ${name}=${shown}`;
  const tuple = typeof value === 'number' ? new Array<number>(n).fill(value) : Array.isArray(value) ? (value as unknown[]) : null;
  if (tuple === null || tuple.length !== n) throw new RangeError(message);
  for (const v of tuple) if (typeof v !== 'number' || !Number.isInteger(v)) throw new RangeError(`${message} including element ${describeValue(v)}`);
  const bad = tuple.filter((v) => (v as number) <= 0);
  if (bad.length > 0) throw new RangeError(`${message}, including values {${[...new Set(bad)].join(', ')}} that do not satisfy \`value > 0\``);
  return tuple as number[];
}

/** Keras's standardize_padding: "valid" or "same", any case. */
export function standardizePadding(value: unknown): 'valid' | 'same' {
  const p = typeof value === 'string' ? value.toLowerCase() : value;
  if (p !== 'valid' && p !== 'same') {
    throw new RangeError(`The \`padding\` argument must be a list/tuple or one of ["valid", "same"] (or "causal", only for \`Conv1D). Received: padding=${describeValue(value)}`);
  }
  return p;
}

export interface Conv2DOptions extends LayerOptions {
  strides?: number | [number, number];
  padding?: 'valid' | 'same';
  dilationRate?: number | [number, number];
  activation?: ActivationIdentifier;
  useBias?: boolean;
  kernelInitializer?: InitializerIdentifier;
  biasInitializer?: InitializerIdentifier;
  /** Only "channels_last" (Keras's default here). */
  dataFormat?: 'channels_last';
}

/**
 * Conv2D(filters, kernelSize, { strides, padding = "valid", dilationRate, activation, useBias, … }):
 * activation(conv2d(x, kernel) + bias) over channels-last images [batch, height, width, channels];
 * kernel [kh, kw, channels, filters].
 */
export class Conv2D extends Layer {
  static override readonly className: string = 'Conv2D';
  readonly filters: number;
  readonly kernelSize: [number, number];
  readonly strides: [number, number];
  readonly padding: 'valid' | 'same';
  readonly dilationRate: [number, number];
  readonly activation: ActivationFn;
  readonly useBias: boolean;
  kernel: Variable | null = null;
  bias: Variable | null = null;
  private readonly kernelInitializer: InitializerIdentifier;
  private readonly biasInitializer: InitializerIdentifier;

  constructor(
    filters: number,
    kernelSize: number | [number, number],
    { strides = 1, padding = 'valid', dilationRate = 1, activation, useBias = true, kernelInitializer = 'glorot_uniform', biasInitializer = 'zeros', dataFormat, ...base }: Conv2DOptions = {},
  ) {
    super(base);
    if (typeof filters !== 'number' || !Number.isInteger(filters) || filters <= 0) {
      throw new RangeError(`Invalid value for argument \`filters\`. Expected a strictly positive value. Received filters=${describeValue(filters)}.`);
    }
    if (dataFormat !== undefined && dataFormat !== 'channels_last') throw new RangeError(`Conv2D: data_format ${describeValue(dataFormat)} is not supported, only "channels_last"`);
    this.filters = filters;
    this.kernelSize = standardizeTuple(kernelSize, 2, 'kernel_size') as [number, number];
    this.strides = standardizeTuple(strides, 2, 'strides') as [number, number];
    this.dilationRate = standardizeTuple(dilationRate, 2, 'dilation_rate') as [number, number];
    this.padding = standardizePadding(padding);
    if (this.strides.some((s) => s > 1) && this.dilationRate.some((d) => d > 1)) {
      throw new RangeError(`\`strides > 1\` not supported in conjunction with \`dilation_rate > 1\`. Received: strides=(${this.strides.join(', ')}) and dilation_rate=(${this.dilationRate.join(', ')})`);
    }
    this.activation = getActivation(activation);
    this.useBias = useBias;
    this.kernelInitializer = kernelInitializer;
    this.biasInitializer = biasInitializer;
    this.inputSpec = { minNdim: 4 };
  }

  override build(inputShape: number[]): void {
    const channels = inputShape[inputShape.length - 1];
    this.kernel = this.addWeight({ name: 'kernel', shape: [...this.kernelSize, channels, this.filters], initializer: this.kernelInitializer });
    if (this.useBias) this.bias = this.addWeight({ name: 'bias', shape: [this.filters], initializer: this.biasInitializer });
    this.inputSpec = { minNdim: 4, axes: { [-1]: channels } };
  }

  override call(inputs: Tensor): Tensor {
    let x = ops.conv2d(inputs, this.kernel as Variable, this.strides, this.padding === 'same' ? 'SAME' : 'VALID', { dilations: this.dilationRate });
    if (this.bias !== null) x = ops.add(x, this.bias);
    return this.activation(x);
  }

  override computeOutputShape(inputShape: number[]): number[] {
    const size = (n: number, i: number): number => {
      const effective = (this.kernelSize[i] - 1) * this.dilationRate[i] + 1;
      return this.padding === 'same' ? Math.ceil(n / this.strides[i]) : Math.floor((n - effective) / this.strides[i]) + 1;
    };
    return [inputShape[0], size(inputShape[1], 0), size(inputShape[2], 1), this.filters];
  }
}
