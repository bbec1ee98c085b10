/**
 * The engine's pseudo-random numbers: a seeded generator that gives the same bits on every
 * machine and JavaScript engine, and the global generator that unseeded ops draw from.
 * Used by tf.random (random.ts) and Dataset.shuffle (data/).
 *
 * Portability: xoshiro128** (seeded through a SplitMix-style mixer) uses only 32-bit integer
 * arithmetic (`Math.imul`, shifts, xor), which ECMAScript defines exactly. Normal draws need a
 * logarithm; `Math.log` is only "implementation-approximated" by the spec, so {@link portableLog}
 * is built from IEEE 754 operations alone (`+ - * /`, correctly rounded everywhere).
 */

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
export function fillStandardNormal(gen: Generator, out: Float64Array): void {
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

// ──── The global generator ────

let globalGenerator = new Generator(Math.floor(Math.random() * TWO_POW_32), Math.floor(Math.random() * TWO_POW_32));

/** Restarts the global generator (tf.random.setSeed). */
export function setGlobalSeed(seed: number): void {
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

