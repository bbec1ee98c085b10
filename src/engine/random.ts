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
import { describeValue } from './errors';
import { constant } from './ops/creation';
import { checkShape } from './shape';
import { fillStandardNormal, generatorFor, setGlobalSeed } from './prng';

export type RandomDType = 'float32' | 'float64' | 'int32';

/** TF's `tf.random.set_seed`: restarts the global generator that unseeded ops (and shuffles) draw from. */
export function setSeed(seed: number): void {
  setGlobalSeed(seed);
}

function sizeOf(shape: number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/**
 * TF's signature `f(shape, a, b, dtype, seed)` read from either form a call may take: positional
 * (`normal([2, 3], 0, 0.5)`, as in Python) or one options object (`normal([2, 3], { stddev: 0.5 })`).
 * Arguments the function does not take are errors, never silently dropped.
 */
function readArgs<O extends object>(fn: string, names: readonly (keyof O & string)[], args: unknown[]): O {
  const first = args[0];
  if (args.length === 1 && first !== null && typeof first === 'object') {
    for (const k of Object.keys(first)) {
      if (!(names as readonly string[]).includes(k)) throw new TypeError(`${fn}() got an unexpected option '${k}' (it takes ${names.join(', ')})`);
    }
    return first as O;
  }
  if (args.length > names.length) {
    throw new TypeError(`${fn}() takes at most ${names.length + 1} arguments (shape, ${names.join(', ')}), got ${args.length + 1}`);
  }
  const out: Record<string, unknown> = {};
  args.forEach((v, i) => {
    if (v === undefined) return;
    if (v !== null && typeof v === 'object') throw new TypeError(`${fn}(): an options object must be the only argument after shape, got it at position ${i + 2}`);
    out[names[i]] = v;
  });
  return out as O;
}

function checkNumber(fn: string, name: string, v: unknown): void {
  if (v !== undefined && (typeof v !== 'number' || Number.isNaN(v))) throw new TypeError(`${fn}(): ${name} must be a number, got ${describeValue(v)}`);
}

function checkDtype(fn: string, v: unknown, allowed: readonly string[]): void {
  if (v !== undefined && !allowed.includes(v as string)) throw new TypeError(`${fn}(): dtype must be one of ${allowed.join(', ')}, got ${describeValue(v)}`);
}

export interface NormalOptions {
  mean?: number;
  stddev?: number;
  dtype?: 'float32' | 'float64';
  seed?: number;
}

const NORMAL_ARGS = ['mean', 'stddev', 'dtype', 'seed'] as const;

/**
 * `tf.random.normal(shape, mean=0, stddev=1, dtype=float32, seed)`: each value mean + stddev·z,
 * z ~ N(0, 1). Takes TF's positional form or `{ mean, stddev, dtype, seed }`.
 */
export function normal(shape: number[] | number, options?: NormalOptions): Tensor;
export function normal(shape: number[] | number, mean?: number, stddev?: number, dtype?: 'float32' | 'float64', seed?: number): Tensor;
export function normal(shape: number[] | number, ...args: unknown[]): Tensor {
  const dims = checkShape(shape, 'random.normal(shape)');
  const { mean = 0, stddev = 1, dtype = 'float32', seed } = readArgs<NormalOptions>('random.normal', NORMAL_ARGS, args);
  checkNumber('random.normal', 'mean', mean);
  checkNumber('random.normal', 'stddev', stddev);
  checkNumber('random.normal', 'seed', seed);
  checkDtype('random.normal', dtype, ['float32', 'float64']);
  shape = dims;
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

const UNIFORM_ARGS = ['minval', 'maxval', 'dtype', 'seed'] as const;

/**
 * `tf.random.uniform(shape, minval=0, maxval=1, dtype=float32, seed)`: floats in [minval, maxval);
 * for int32, integers in [minval, maxval) and `maxval` is required, as in TensorFlow. Takes TF's
 * positional form or `{ minval, maxval, dtype, seed }`.
 */
export function uniform(shape: number[] | number, options?: UniformOptions): Tensor;
export function uniform(shape: number[] | number, minval?: number, maxval?: number, dtype?: RandomDType, seed?: number): Tensor;
export function uniform(shape: number[] | number, ...args: unknown[]): Tensor {
  const dims = checkShape(shape, 'random.uniform(shape)');
  const { minval = 0, maxval, dtype = 'float32', seed } = readArgs<UniformOptions>('random.uniform', UNIFORM_ARGS, args);
  checkNumber('random.uniform', 'minval', minval);
  checkNumber('random.uniform', 'maxval', maxval);
  checkNumber('random.uniform', 'seed', seed);
  checkDtype('random.uniform', dtype, ['float32', 'float64', 'int32']);
  shape = dims;
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
