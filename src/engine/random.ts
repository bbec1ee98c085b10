/**
 * tf.random.normal / tf.random.uniform / tf.random.setSeed, on a seeded generator of our own.
 *
 * Portability: the same seed gives the same numbers on every machine and every JavaScript engine.
 * The generator (prng.ts: xoshiro128**) uses only 32-bit integer arithmetic, which ECMAScript
 * defines exactly. Normals come from Marsaglia's polar method, which needs `+ - * /`, `Math.sqrt`
 * (IEEE 754 operations, correctly rounded everywhere) and a logarithm of our own built from those
 * operations alone (`Math.log` may differ in the last bit between engines). Each value is computed
 * in double and rounded once to float32.
 *
 * Seeds, following TensorFlow where it makes sense:
 * - `seed` given (TF's op-level seed): the numbers are a pure function of (seed, shape, dtype,
 *   options). Calling twice with the same seed gives the same numbers, as `tf.random.stateless_*`
 *   and TensorFlow.js do. (TF2 eager advances a hidden per-kernel counter instead, so its second
 *   call with the same op seed differs; we do not copy that.)
 * - no `seed`: numbers come from one global generator. It starts from a random state, as TF with
 *   no seed set; `setSeed(s)` (TF's `tf.random.set_seed`) restarts it, so a program's unseeded
 *   calls then repeat from run to run.
 * The numbers are not TensorFlow's (TF uses Philox); only the distributions match.
 */
import type { Tensor } from './tensor';
import { constant } from './ops/index';
import { fillStandardNormal, generatorFor, setGlobalSeed } from './prng';

export type RandomDType = 'float32' | 'float64' | 'int32';

/** TF's `tf.random.set_seed`: restarts the global generator that unseeded ops (and shuffles) draw from. */
export function setSeed(seed: number): void {
  setGlobalSeed(seed);
}

function sizeOf(shape: number[]): number {
  let n = 1;
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new RangeError(`random: shape must hold non-negative integers, got [${shape.join(',')}]`);
    n *= d;
  }
  return n;
}

export interface NormalOptions {
  mean?: number;
  stddev?: number;
  dtype?: 'float32' | 'float64';
  seed?: number;
}

/** `tf.random.normal(shape, mean=0, stddev=1, dtype=float32, seed)`: each value mean + stddev·z, z ~ N(0, 1). */
export function normal(shape: number[], { mean = 0, stddev = 1, dtype = 'float32', seed }: NormalOptions = {}): Tensor {
  const n = sizeOf(shape);
  const z = new Float64Array(n);
  fillStandardNormal(generatorFor(seed), z);
  const out = dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = mean + stddev * z[i];
  return constant(out, dtype, shape);
}

export interface UniformOptions {
  minval?: number;
  maxval?: number;
  dtype?: RandomDType;
  seed?: number;
}

/**
 * `tf.random.uniform(shape, minval=0, maxval=1, dtype=float32, seed)`: floats in [minval, maxval);
 * for int32, integers in [minval, maxval) and `maxval` is required, as in TensorFlow.
 */
export function uniform(shape: number[], { minval = 0, maxval, dtype = 'float32', seed }: UniformOptions = {}): Tensor {
  const n = sizeOf(shape);
  const gen = generatorFor(seed);
  if (dtype === 'int32') {
    if (maxval === undefined) throw new RangeError('random.uniform: Must specify maxval for integer dtype int32');
    const lo = Math.trunc(minval);
    const range = Math.trunc(maxval) - lo;
    if (!(range > 0)) throw new RangeError(`random.uniform: Need minval < maxval: ${lo} >= ${Math.trunc(maxval)}`);
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = lo + gen.nextBelow(range);
    return constant(out, 'int32', shape);
  }
  const hi = maxval ?? 1;
  const out = dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
  const width = hi - minval;
  for (let i = 0; i < n; i++) {
    const u = dtype === 'float64' ? gen.nextFloat64() : gen.nextFloat32();
    out[i] = minval + width * u;
  }
  // NOTE: rounding to float32 can land a value on maxval when the interval is wide relative to its
  // ulp; TensorFlow's float32 arithmetic has the same edge.
  return constant(out, dtype, shape);
}
