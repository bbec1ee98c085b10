/**
 * tf.random.normal / tf.random.uniform, on a seeded generator of our own.
 *
 * Portability: the same seed gives the same numbers on every machine and every JavaScript engine.
 * The generator (xoshiro128**, seeded through a SplitMix-style mixer) uses only 32-bit integer
 * arithmetic (`Math.imul`, shifts, xor), which ECMAScript defines exactly. Normals come from
 * Marsaglia's polar method, which needs `+ - * /`, `Math.sqrt` (IEEE 754 operations, correctly
 * rounded everywhere) and a logarithm; `Math.log` is only "implementation-approximated" by the
 * spec, so we use our own {@link portableLog}, built from those exact operations alone. Each value
 * is computed in double and rounded once to float32.
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

export type RandomDType = 'float32' | 'float64' | 'int32';

const TWO_POW_M24 = 1 / 16777216; // 2^-24
const TWO_POW_M53 = 1 / 9007199254740992; // 2^-53
const TWO_POW_26 = 67108864;
const TWO_POW_32 = 4294967296;

/** A SplitMix-style 32-bit mixer (Weyl step + an avalanche): turns any seed into well-spread state words. */
function mix32(z: number): number {
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * xoshiro128** (Blackman & Vigna): 128 bits of state, period 2^128 - 1, 32-bit outputs.
 * Integer-only, hence bit-identical on every platform.
 */
export class Generator {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  /** `seed` may be any finite number; its low and high 32-bit words both count. */
  constructor(seed: number, stream = 0) {
    const lo = seed >>> 0;
    const hi = Math.floor(seed / TWO_POW_32) >>> 0;
    let w = (lo ^ Math.imul(hi, 0x9e3779b9) ^ Math.imul(stream >>> 0, 0x632be5ab)) >>> 0;
    // Four successive Weyl steps, each mixed: never all-zero state in practice, and checked below.
    w = (w + 0x9e3779b9) >>> 0;
    this.s0 = mix32(w);
    w = (w + 0x9e3779b9) >>> 0;
    this.s1 = mix32(w ^ hi);
    w = (w + 0x9e3779b9) >>> 0;
    this.s2 = mix32(w);
    w = (w + 0x9e3779b9) >>> 0;
    this.s3 = mix32(w ^ lo);
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** The next 32 random bits, as an unsigned integer. */
  nextUint32(): number {
    const s1 = this.s1;
    const x = Math.imul(s1, 5);
    const result = Math.imul((x << 7) | (x >>> 25), 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = (this.s3 << 11) | (this.s3 >>> 21);
    return result;
  }

  /** Uniform in [0, 1) on the float32 grid (24 bits): exactly representable as a float32. */
  nextFloat32(): number {
    return (this.nextUint32() >>> 8) * TWO_POW_M24;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  nextFloat64(): number {
    const a = this.nextUint32() >>> 5; // 27 bits
    const b = this.nextUint32() >>> 6; // 26 bits
    return (a * TWO_POW_26 + b) * TWO_POW_M53;
  }

  /** Uniform integer in [0, n) for 0 < n <= 2^32 by modulo, slightly biased unless n is a power of two (as TF's int uniform). */
  nextBelow(n: number): number {
    return this.nextUint32() % n;
  }
}

/**
 * Natural logarithm of a positive finite x from IEEE-exact operations only, so that it gives the
 * same bits everywhere: x = m·2^e with m in [√½, √2) (scaling by 2 is exact), then
 * ln m = 2·atanh(s) with s = (m-1)/(m+1), |s| < 0.172, summed to a fixed number of terms (the
 * next term is below 1e-20 of the result). Accurate to a few ulps, which is all sampling needs.
 */
export function portableLog(x: number): number {
  if (!(x > 0) || x === Infinity) return x === 0 ? -Infinity : x === Infinity ? Infinity : NaN;
  let e = 0;
  while (x < Math.SQRT1_2) {
    x *= 2;
    e--;
  }
  while (x >= Math.SQRT2) {
    x /= 2;
    e++;
  }
  const s = (x - 1) / (x + 1);
  const s2 = s * s;
  let term = s;
  let sum = s;
  for (let k = 3; k <= 27; k += 2) {
    term *= s2;
    sum += term / k;
  }
  return e * Math.LN2 + 2 * sum;
}

/** Standard normal pairs by Marsaglia's polar method: fills `out` with `count` N(0, 1) draws in double. */
function fillStandardNormal(gen: Generator, out: Float64Array): void {
  let i = 0;
  while (i < out.length) {
    const u = 2 * gen.nextFloat64() - 1;
    const v = 2 * gen.nextFloat64() - 1;
    const s = u * u + v * v;
    if (s >= 1 || s === 0) continue;
    const f = Math.sqrt((-2 * portableLog(s)) / s);
    out[i++] = u * f;
    if (i < out.length) out[i++] = v * f;
  }
}

// ──── Seeds ────

let globalGenerator = new Generator(Math.floor(Math.random() * TWO_POW_32), Math.floor(Math.random() * TWO_POW_32));

/** TF's `tf.random.set_seed`: restarts the global generator that unseeded ops draw from. */
export function setSeed(seed: number): void {
  globalGenerator = new Generator(seed, 0x5eed);
}

/** A generator for one op: from the op seed when given, else from the next 64 bits of the global generator. */
export function generatorFor(seed: number | undefined): Generator {
  if (seed !== undefined) return new Generator(seed);
  return new Generator(globalGenerator.nextUint32(), globalGenerator.nextUint32());
}

/** A fresh 53-bit seed from the global generator (datasets use it for unseeded shuffles). */
export function nextGlobalSeed(): number {
  return (globalGenerator.nextUint32() >>> 11) * TWO_POW_32 + globalGenerator.nextUint32();
}

// ──── Ops ────

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
