/**
 * tf.keras.initializers: Keras 3's weight initializers, drawn from the engine's portable generator
 * (prng.ts), so the same seed gives the same weights on every machine.
 *
 * Seeds follow Keras 3: a seeded initializer gives the same values on every call; an unseeded one
 * takes a seed from the global generator when it is constructed (Keras's `make_default_seed`), so
 * `tf.random.setSeed(s)` before building a model makes its weights repeat from run to run.
 * The numbers are not Keras's (TensorFlow draws with Philox); the distributions are.
 */
import type { DType } from '../dtype';
import { describeValue } from '../errors';
import { fill } from '../ops/creation';
import { fillStandardNormal, Generator, nextGlobalSeed } from '../prng';
import { normal, uniform } from '../random';
import type { Tensor } from '../tensor';
import { constant } from '../ops/creation';

/** An initializer: a function of the shape (and dtype) that returns the initial value. */
export type InitializerFn = (shape: readonly number[], dtype?: DType) => Tensor;

export abstract class Initializer {
  /** The value for a weight of this shape. */
  abstract call(shape: readonly number[], dtype?: DType): Tensor;
}

/** How an initializer may be given: an instance, a name in either spelling, or a function. */
export type InitializerIdentifier = Initializer | InitializerFn | string;

export class Zeros extends Initializer {
  call(shape: readonly number[], dtype: DType = 'float32'): Tensor {
    return fill(shape as number[], 0, dtype);
  }
}

export class Ones extends Initializer {
  call(shape: readonly number[], dtype: DType = 'float32'): Tensor {
    return fill(shape as number[], 1, dtype);
  }
}

export class Constant extends Initializer {
  constructor(readonly value = 0) {
    super();
    if (typeof value !== 'number') throw new TypeError(`Constant(value): value must be a number, got ${describeValue(value)}`);
  }
  call(shape: readonly number[], dtype: DType = 'float32'): Tensor {
    return fill(shape as number[], this.value, dtype);
  }
}

function checkSeed(seed: unknown): number {
  if (seed === undefined || seed === null) return nextGlobalSeed();
  if (typeof seed !== 'number' || !Number.isInteger(seed)) {
    throw new TypeError(`\`seed\` argument should be an instance of \`keras.random.SeedGenerator()\` or an integer. Received: seed=${describeValue(seed)}`);
  }
  return seed;
}

function floatDtype(dtype: DType): 'float32' | 'float64' {
  if (dtype !== 'float32' && dtype !== 'float64') throw new TypeError(`Expected a float dtype for a random initializer, got ${dtype}`);
  return dtype;
}

/** Base of the random initializers: the seed is fixed when constructed (see the file's comment). */
export abstract class RandomInitializer extends Initializer {
  readonly seed: number;
  constructor(seed?: number) {
    super();
    this.seed = checkSeed(seed);
  }
}

export class RandomNormal extends RandomInitializer {
  readonly mean: number;
  readonly stddev: number;
  constructor({ mean = 0, stddev = 0.05, seed }: { mean?: number; stddev?: number; seed?: number } = {}) {
    super(seed);
    this.mean = mean;
    this.stddev = stddev;
  }
  call(shape: readonly number[], dtype: DType = 'float32'): Tensor {
    return normal(shape as number[], { mean: this.mean, stddev: this.stddev, dtype: floatDtype(dtype), seed: this.seed });
  }
}

export class RandomUniform extends RandomInitializer {
  readonly minval: number;
  readonly maxval: number;
  constructor({ minval = -0.05, maxval = 0.05, seed }: { minval?: number; maxval?: number; seed?: number } = {}) {
    super(seed);
    this.minval = minval;
    this.maxval = maxval;
  }
  call(shape: readonly number[], dtype: DType = 'float32'): Tensor {
    return uniform(shape as number[], { minval: this.minval, maxval: this.maxval, dtype: floatDtype(dtype), seed: this.seed });
  }
}

/** Normal draws beyond two standard deviations are drawn again (TensorFlow's truncated_normal). */
export function truncatedNormal(shape: readonly number[], mean: number, stddev: number, dtype: 'float32' | 'float64', seed: number): Tensor {
  let n = 1;
  for (const d of shape) n *= d;
  const gen = new Generator(seed);
  const out = dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
  const z = new Float64Array(2);
  let i = 0;
  while (i < n) {
    fillStandardNormal(gen, z);
    for (let k = 0; k < 2 && i < n; k++) if (Math.abs(z[k]) <= 2) out[i++] = mean + stddev * z[k];
  }
  return constant(out, dtype, shape);
}

export class TruncatedNormal extends RandomInitializer {
  readonly mean: number;
  readonly stddev: number;
  constructor({ mean = 0, stddev = 0.05, seed }: { mean?: number; stddev?: number; seed?: number } = {}) {
    super(seed);
    this.mean = mean;
    this.stddev = stddev;
  }
  call(shape: readonly number[], dtype: DType = 'float32'): Tensor {
    return truncatedNormal(shape, this.mean, this.stddev, floatDtype(dtype), this.seed);
  }
}

/** Keras's compute_fans: a kernel's last axis is its outputs, the one before its inputs, the rest its receptive field. */
export function computeFans(shape: readonly number[]): [number, number] {
  if (shape.length === 0) return [1, 1];
  if (shape.length === 1) return [shape[0], shape[0]];
  if (shape.length === 2) return [shape[0], shape[1]];
  let receptive = 1;
  for (const d of shape.slice(0, -2)) receptive *= d;
  return [shape[shape.length - 2] * receptive, shape[shape.length - 1] * receptive];
}

export type FanMode = 'fan_in' | 'fan_out' | 'fan_avg';

/** Keras's VarianceScaling: variance scale / n, n the fan of `mode`, from a truncated normal or a uniform. */
export class VarianceScaling extends RandomInitializer {
  readonly scale: number;
  readonly mode: FanMode;
  readonly distribution: 'truncated_normal' | 'untruncated_normal' | 'uniform';
  constructor({ scale = 1, mode = 'fan_in', distribution = 'truncated_normal', seed }: { scale?: number; mode?: FanMode; distribution?: 'truncated_normal' | 'untruncated_normal' | 'uniform'; seed?: number } = {}) {
    super(seed);
    if (!(scale > 0)) throw new RangeError(`Argument \`scale\` must be positive float. Received: scale=${scale}`);
    if (!['fan_in', 'fan_out', 'fan_avg'].includes(mode)) throw new RangeError(`Invalid \`mode\` argument: expected one of {"fan_in", "fan_out", "fan_avg"}. Received: mode=${mode}`);
    if (!['truncated_normal', 'untruncated_normal', 'uniform'].includes(distribution)) {
      throw new RangeError(`Invalid \`distribution\` argument: expected one of {"truncated_normal", "untruncated_normal", "uniform"}. Received: distribution=${distribution}`);
    }
    this.scale = scale;
    this.mode = mode;
    this.distribution = distribution;
  }
  call(shape: readonly number[], dtype: DType = 'float32'): Tensor {
    const [fanIn, fanOut] = computeFans(shape);
    const n = this.mode === 'fan_in' ? fanIn : this.mode === 'fan_out' ? fanOut : (fanIn + fanOut) / 2;
    const scale = this.scale / Math.max(1, n);
    const dt = floatDtype(dtype);
    if (this.distribution === 'truncated_normal') {
      // 0.879…: the standard deviation of a standard normal truncated to (-2, 2).
      return truncatedNormal(shape, 0, Math.sqrt(scale) / 0.87962566103423978, dt, this.seed);
    }
    if (this.distribution === 'untruncated_normal') return normal(shape as number[], { stddev: Math.sqrt(scale), dtype: dt, seed: this.seed });
    const limit = Math.sqrt(3 * scale);
    return uniform(shape as number[], { minval: -limit, maxval: limit, dtype: dt, seed: this.seed });
  }
}

export class GlorotUniform extends VarianceScaling {
  constructor({ seed }: { seed?: number } = {}) {
    super({ scale: 1, mode: 'fan_avg', distribution: 'uniform', seed });
  }
}

export class GlorotNormal extends VarianceScaling {
  constructor({ seed }: { seed?: number } = {}) {
    super({ scale: 1, mode: 'fan_avg', distribution: 'truncated_normal', seed });
  }
}

export class HeUniform extends VarianceScaling {
  constructor({ seed }: { seed?: number } = {}) {
    super({ scale: 2, mode: 'fan_in', distribution: 'uniform', seed });
  }
}

export class HeNormal extends VarianceScaling {
  constructor({ seed }: { seed?: number } = {}) {
    super({ scale: 2, mode: 'fan_in', distribution: 'truncated_normal', seed });
  }
}

export class LecunUniform extends VarianceScaling {
  constructor({ seed }: { seed?: number } = {}) {
    super({ scale: 1, mode: 'fan_in', distribution: 'uniform', seed });
  }
}

export class LecunNormal extends VarianceScaling {
  constructor({ seed }: { seed?: number } = {}) {
    super({ scale: 1, mode: 'fan_in', distribution: 'truncated_normal', seed });
  }
}

/** Names, as Keras's registry keys them: the class name, its snake_case, and Keras's aliases; camelCase too. */
const BY_NAME: Record<string, () => Initializer> = {
  zeros: () => new Zeros(),
  zero: () => new Zeros(),
  ones: () => new Ones(),
  one: () => new Ones(),
  constant: () => new Constant(),
  random_normal: () => new RandomNormal(),
  normal: () => new RandomNormal(),
  random_uniform: () => new RandomUniform(),
  uniform: () => new RandomUniform(),
  truncated_normal: () => new TruncatedNormal(),
  variance_scaling: () => new VarianceScaling(),
  glorot_uniform: () => new GlorotUniform(),
  glorot_normal: () => new GlorotNormal(),
  he_uniform: () => new HeUniform(),
  he_normal: () => new HeNormal(),
  lecun_uniform: () => new LecunUniform(),
  lecun_normal: () => new LecunNormal(),
};

/** `glorotUniform`, `GlorotUniform` and `glorot_uniform` → `glorot_uniform`. */
export function snakeCase(name: string): string {
  return name
    .replace(/\W+/g, '')
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

/** Keras's `initializers.get`: an instance, a function of the shape, or a name in either spelling. */
export function getInitializer(identifier: InitializerIdentifier): InitializerFn {
  if (identifier instanceof Initializer) return (shape, dtype) => identifier.call(shape, dtype);
  if (typeof identifier === 'function') return identifier;
  if (typeof identifier === 'string') {
    const make = BY_NAME[snakeCase(identifier)];
    if (make) {
      const init = make();
      return (shape, dtype) => init.call(shape, dtype);
    }
  }
  throw new TypeError(`Could not interpret initializer identifier: ${typeof identifier === 'string' ? identifier : describeValue(identifier)}`);
}
