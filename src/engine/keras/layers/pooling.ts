/** Keras 3's MaxPooling2D and AveragePooling2D, on tf.nn.maxPool2d / avgPool2d (channels last). */
import * as ops from '../../ops/index';
import type { Tensor } from '../../tensor';
import { Layer, type LayerOptions } from '../layer';
import { standardizePadding, standardizeTuple } from './convolutional';

export interface Pooling2DOptions extends LayerOptions {
  /** Defaults to poolSize. */
  strides?: number | [number, number] | null;
  padding?: 'valid' | 'same';
  dataFormat?: 'channels_last';
}

/** The shared part of the 2-D pooling layers: window, strides, padding. */
abstract class Pooling2D extends Layer {
  readonly poolSize: [number, number];
  readonly strides: [number, number];
  readonly padding: 'valid' | 'same';

  constructor(poolSize: number | [number, number], { strides, padding = 'valid', dataFormat, ...base }: Pooling2DOptions) {
    super(base);
    if (dataFormat !== undefined && dataFormat !== 'channels_last') throw new RangeError(`${this.constructor.name}: only data_format "channels_last" is supported`);
    this.poolSize = standardizeTuple(poolSize, 2, 'pool_size') as [number, number];
    this.strides = strides === undefined || strides === null ? this.poolSize : (standardizeTuple(strides, 2, 'strides') as [number, number]);
    this.padding = standardizePadding(padding);
    this.inputSpec = { ndim: 4 };
  }

  protected get tfPadding(): 'SAME' | 'VALID' {
    return this.padding === 'same' ? 'SAME' : 'VALID';
  }

  override computeOutputShape(inputShape: number[]): number[] {
    const size = (n: number, i: number): number =>
      this.padding === 'same' ? Math.ceil(n / this.strides[i]) : Math.floor((n - this.poolSize[i]) / this.strides[i]) + 1;
    return [inputShape[0], size(inputShape[1], 0), size(inputShape[2], 1), inputShape[3]];
  }
}

/** MaxPooling2D(poolSize = 2, { strides = poolSize, padding = "valid" }): the largest value of each window. */
export class MaxPooling2D extends Pooling2D {
  static override readonly className: string = 'MaxPooling2D';

  constructor(poolSize: number | [number, number] = 2, options: Pooling2DOptions = {}) {
    super(poolSize, options);
  }

  override call(inputs: Tensor): Tensor {
    return ops.maxPool2d(inputs, this.poolSize, this.strides, this.tfPadding);
  }
}

/** AveragePooling2D(poolSize = 2, { strides = poolSize, padding = "valid" }): the mean of each window (padding not counted). */
export class AveragePooling2D extends Pooling2D {
  static override readonly className: string = 'AveragePooling2D';

  constructor(poolSize: number | [number, number] = 2, options: Pooling2DOptions = {}) {
    super(poolSize, options);
  }

  override call(inputs: Tensor): Tensor {
    return ops.avgPool2d(inputs, this.poolSize, this.strides, this.tfPadding);
  }
}
