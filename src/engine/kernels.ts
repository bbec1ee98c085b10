/**
 * Kernels: the raw typed-array loops behind the ops. They know nothing about tapes, tensors
 * or gradients: arrays in, arrays out (the caller allocates `out`, so its dtype decides the
 * rounding: storing into a Float32Array rounds each double result once).
 *
 * `kernels` is a plain object so a faster implementation (WebAssembly SIMD) can replace any
 * member at runtime: `Object.assign(kernels, wasmKernels)`. Every op reaches its loops
 * through this object, never by importing the functions directly.
 */
import type { TypedArray } from './dtype';
import { convKernels, gemmConvKernels } from './kernelsConv';
import type { Shape } from './shape';

export type { Window2D } from './kernelsConv';

export type UnaryOp =
  | 'neg' | 'abs' | 'square' | 'sqrt' | 'exp' | 'log' | 'log1p' | 'sin' | 'cos' | 'tan' | 'tanh'
  | 'sigmoid' | 'relu' | 'softplus' | 'sign' | 'step' | 'identity'
  | 'elu' | 'selu' | 'relu6' | 'softsign' | 'erf' | 'floor' | 'ceil' | 'round' | 'reciprocal' | 'rsqrt';
export type BinaryOp =
  | 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'max' | 'min' | 'sqdiff'
  | 'eq' | 'gt' | 'lt' | 'ge' | 'le' | 'and' | 'or'
  | 'floordiv' | 'floormod' | 'xlogy' | 'divnonan' | 'tanhgrad' | 'tanhgrad32' | 'sigmoidgrad' | 'sigmoidgrad32';
/** Reductions over the inner axis of an [outer, inner] view. */
export type ReduceOp = 'sum' | 'mean' | 'max' | 'min' | 'logsumexp' | 'argmax' | 'argmin' | 'prod' | 'l2loss';

/** The window kernels of convolution and pooling, and convolution through matmul (kernelsConv.ts). */
type ConvKernels = typeof convKernels & ReturnType<typeof gemmConvKernels>;

export interface Kernels extends ConvKernels {
  unary(op: UnaryOp, x: TypedArray, out: TypedArray): void;
  /** NumPy-broadcast binary op; `outShape` is the broadcast shape. */
  binary(op: BinaryOp, a: TypedArray, aShape: Shape, b: TypedArray, bShape: Shape, out: TypedArray, outShape: Shape): void;
  /** Reduces each of `outer` contiguous runs of `inner` elements to one value (double accumulation). */
  reduce(op: ReduceOp, x: TypedArray, outer: number, inner: number, out: TypedArray): void;
  /**
   * One matrix product out[m×n] = op(A)·op(B), with op(A) m×k and op(B) k×n, reading A and B at
   * the given offsets (so batched matmul calls it once per batch). Accumulates in double,
   * rounds once per output element.
   */
  matmul(a: TypedArray, aOff: number, b: TypedArray, bOff: number, out: TypedArray, outOff: number,
    m: number, k: number, n: number, transposeA: boolean, transposeB: boolean): void;
  transpose(x: TypedArray, shape: Shape, perm: readonly number[], out: TypedArray): void;
  /** out[i] = x[index[i]]: gathers by a precomputed index map (broadcast, slice, tile, gather). */
  take(x: TypedArray, index: Int32Array, out: TypedArray): void;
  /** out[index[i]] += x[i]: the adjoint of take (out starts zeroed; accumulates in double when out is Float64Array). */
  scatterAdd(x: TypedArray, index: Int32Array, out: TypedArray): void;
  /** out = cond ? a : b elementwise (inputs already broadcast via index maps or same shape). */
  select(cond: TypedArray, ci: Int32Array | null, a: TypedArray, ai: Int32Array | null, b: TypedArray, bi: Int32Array | null, out: TypedArray): void;
  /** out = min(max(x, lo), hi) with broadcast index maps. */
  clip(x: TypedArray, xi: Int32Array | null, lo: TypedArray, li: Int32Array | null, hi: TypedArray, hi_: Int32Array | null, out: TypedArray): void;
  /** Converts values between storages (float → int truncates, anything → bool is x != 0). */
  cast(x: TypedArray, out: TypedArray, toBool: boolean): void;
  /** out = x > 0 ? x : alpha·x. */
  leakyRelu(x: TypedArray, alpha: number, out: TypedArray): void;
  /**
   * Running sums or products along the middle axis of an [outer, n, inner] view, in double
   * (TensorFlow's cumsum/cumprod with `exclusive` and `reverse`).
   */
  cumulative(op: 'sum' | 'prod', x: TypedArray, outer: number, n: number, inner: number, exclusive: boolean, reverse: boolean, out: TypedArray): void;
  /**
   * For each of `rows` rows of `n` values, the positions of the `k` largest, largest first, the
   * lower position first among equal values (TensorFlow's TopKV2, sorted).
   */
  topK(x: TypedArray, rows: number, n: number, k: number, indices: Int32Array): void;
}

// ──── Elementwise ────

// SELU's constants (Klambauer et al.), as TensorFlow's Selu kernel.
export const SELU_ALPHA = 1.6732632423543772;
export const SELU_SCALE = 1.0507009873554805;

/**
 * erf in double, to a few ulps: below |x| = 3 the series 2/√π·e^(−x²)·Σ 2ⁿx^(2n+1)/(1·3···(2n+1))
 * (all terms positive, so no cancellation), above it 1 − erfc by its continued fraction.
 */
function erf(x: number): number {
  const ax = Math.abs(x);
  if (!(ax < 6)) return Number.isNaN(x) ? NaN : Math.sign(x);
  let r: number;
  if (ax < 3) {
    const x2 = ax * ax;
    let term = ax;
    let sum = ax;
    for (let n = 1; n < 200 && term > sum * 1e-17; n++) {
      term *= (2 * x2) / (2 * n + 1);
      sum += term;
    }
    r = (2 / Math.sqrt(Math.PI)) * Math.exp(-x2) * sum;
  } else {
    // erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))), evaluated from the tail.
    let f = ax;
    for (let n = 60; n >= 1; n--) f = ax + n / 2 / f;
    r = 1 - Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
  }
  return x < 0 ? -r : r;
}

/** Round half to even, as TensorFlow's Round (and NumPy's). */
function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** The remainder with the divisor's sign (TensorFlow's FloorMod): fmod, moved into the divisor's side. */
function floorMod(a: number, b: number): number {
  const r = a % b;
  return r !== 0 && r < 0 !== b < 0 ? r + b : r;
}

function sigmoid(x: number): number {
  // Stable on both sides: never exponentiates a large positive number.
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

const UNARY: Record<UnaryOp, (x: number) => number> = {
  neg: (x) => -x,
  abs: Math.abs,
  square: (x) => x * x,
  sqrt: Math.sqrt,
  exp: Math.exp,
  log: Math.log,
  log1p: Math.log1p,
  sin: Math.sin,
  cos: Math.cos,
  tan: Math.tan,
  tanh: Math.tanh,
  sigmoid,
  relu: (x) => (x > 0 ? x : 0),
  // softplus(x) = log(1 + eˣ) = max(x, 0) + log1p(e^-|x|), stable for large |x|.
  softplus: (x) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))),
  sign: (x) => (x > 0 ? 1 : x < 0 ? -1 : x === 0 ? 0 : NaN),
  step: (x) => (x > 0 ? 1 : 0),
  identity: (x) => x,
  elu: (x) => (x > 0 ? x : Math.expm1(x)),
  selu: (x) => (x > 0 ? SELU_SCALE * x : SELU_SCALE * SELU_ALPHA * Math.expm1(x)),
  relu6: (x) => (x > 0 ? (x < 6 ? x : 6) : x === x ? 0 : NaN),
  softsign: (x) => x / (1 + Math.abs(x)),
  erf,
  floor: Math.floor,
  ceil: Math.ceil,
  round: roundHalfEven,
  reciprocal: (x) => 1 / x,
  rsqrt: (x) => 1 / Math.sqrt(x),
};

const BINARY: Record<BinaryOp, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: Math.pow,
  // NaN propagates, as TensorFlow's Maximum/Minimum do.
  max: (a, b) => (a >= b || Number.isNaN(a) ? a : b),
  min: (a, b) => (a <= b || Number.isNaN(a) ? a : b),
  sqdiff: (a, b) => (a - b) * (a - b),
  eq: (a, b) => (a === b ? 1 : 0),
  gt: (a, b) => (a > b ? 1 : 0),
  lt: (a, b) => (a < b ? 1 : 0),
  ge: (a, b) => (a >= b ? 1 : 0),
  le: (a, b) => (a <= b ? 1 : 0),
  and: (a, b) => (a && b ? 1 : 0),
  or: (a, b) => (a || b ? 1 : 0),
  floordiv: (a, b) => Math.floor(a / b),
  floormod: floorMod,
  // 0 where x is 0, whatever y is (TensorFlow's Xlogy and DivNoNan).
  xlogy: (a, b) => (a === 0 ? 0 : a * Math.log(b)),
  divnonan: (a, b) => (b === 0 ? 0 : a / b),
  // TanhGrad: a = y, b = dy. The float32 form rounds y² and 1 − y² as float32 arithmetic would.
  tanhgrad: (y, dy) => dy * (1 - y * y),
  tanhgrad32: (y, dy) => dy * Math.fround(1 - Math.fround(y * y)),
  // SigmoidGrad: a = y, b = dy; dy·(y·(1 − y)), the float32 form rounding 1 − y and y·(1 − y).
  sigmoidgrad: (y, dy) => dy * (y * (1 - y)),
  sigmoidgrad32: (y, dy) => dy * Math.fround(y * Math.fround(1 - y)),
};

function unary(op: UnaryOp, x: TypedArray, out: TypedArray): void {
  const n = x.length;
  // The common ones get their own loop so V8 can inline the arithmetic.
  switch (op) {
    case 'neg':
      for (let i = 0; i < n; i++) out[i] = -x[i];
      return;
    case 'relu':
      for (let i = 0; i < n; i++) out[i] = x[i] > 0 ? x[i] : 0;
      return;
    case 'square':
      for (let i = 0; i < n; i++) out[i] = x[i] * x[i];
      return;
    case 'exp':
      for (let i = 0; i < n; i++) out[i] = Math.exp(x[i]);
      return;
    default: {
      const f = UNARY[op];
      for (let i = 0; i < n; i++) out[i] = f(x[i]);
    }
  }
}

/** Index into a broadcast input for each element of the output, or null when shapes match. */
export function broadcastIndex(inShape: Shape, outShape: Shape): Int32Array | null {
  const rank = outShape.length;
  let same = inShape.length === rank;
  if (same) for (let i = 0; i < rank; i++) if (inShape[i] !== outShape[i]) same = false;
  if (same) return null;
  let n = 1;
  for (let i = 0; i < rank; i++) n *= outShape[i];
  const idx = new Int32Array(n);
  // One value (a scalar operand of where or clip): every index is 0, as allocated.
  if (inShape.every((d) => d === 1)) return idx;
  const lead = rank - inShape.length;
  // Strides of the input as seen from the output's axes: 0 where the input is broadcast.
  const st = new Array<number>(rank).fill(0);
  let acc = 1;
  for (let i = inShape.length - 1; i >= 0; i--) {
    st[i + lead] = inShape[i] === 1 ? 0 : acc;
    acc *= inShape[i];
  }
  return stridedIndex(outShape, st, 0, idx);
}

/**
 * For each element of a `shape` walk (row-major), `start` plus the sum of its coordinates times
 * `strides`: the flat index of a broadcast, a slice, a strided view. Fills and returns `idx`.
 */
export function stridedIndex(shape: Shape, strides: readonly number[], start: number, idx: Int32Array): Int32Array {
  const rank = shape.length;
  const counter = new Array<number>(rank).fill(0);
  let off = start;
  for (let i = 0; i < idx.length; i++) {
    idx[i] = off;
    // Odometer increment over the walk's axes.
    for (let ax = rank - 1; ax >= 0; ax--) {
      counter[ax]++;
      off += strides[ax];
      if (counter[ax] < shape[ax]) break;
      off -= strides[ax] * counter[ax];
      counter[ax] = 0;
    }
  }
  return idx;
}

function binary(op: BinaryOp, a: TypedArray, aShape: Shape, b: TypedArray, bShape: Shape, out: TypedArray, outShape: Shape): void {
  const n = out.length;
  const na = a.length;
  const nb = b.length;
  if (na === n && nb === n && aShape.length === bShape.length) {
    switch (op) {
      case 'add':
        for (let i = 0; i < n; i++) out[i] = a[i] + b[i];
        return;
      case 'sub':
        for (let i = 0; i < n; i++) out[i] = a[i] - b[i];
        return;
      case 'mul':
        for (let i = 0; i < n; i++) out[i] = a[i] * b[i];
        return;
      case 'div':
        for (let i = 0; i < n; i++) out[i] = a[i] / b[i];
        return;
      default: {
        const f = BINARY[op];
        for (let i = 0; i < n; i++) out[i] = f(a[i], b[i]);
        return;
      }
    }
  }
  const f = BINARY[op];
  if (nb === 1 && na === n) {
    const y = b[0];
    if (op === 'mul') for (let i = 0; i < n; i++) out[i] = a[i] * y;
    else for (let i = 0; i < n; i++) out[i] = f(a[i], y);
    return;
  }
  if (na === 1 && nb === n) {
    const x = a[0];
    if (op === 'mul') for (let i = 0; i < n; i++) out[i] = x * b[i];
    else for (let i = 0; i < n; i++) out[i] = f(x, b[i]);
    return;
  }
  // Row broadcast ([m, n] op [n]): the bias-add case, without index maps.
  const last = outShape.length ? outShape[outShape.length - 1] : 1;
  if (na === n && nb === last && bShape.length >= 1 && bShape[bShape.length - 1] === last) {
    for (let r = 0; r < n; r += last) for (let j = 0; j < last; j++) out[r + j] = f(a[r + j], b[j]);
    return;
  }
  const ia = broadcastIndex(aShape, outShape);
  const ib = broadcastIndex(bShape, outShape);
  for (let i = 0; i < n; i++) out[i] = f(a[ia ? ia[i] : i], b[ib ? ib[i] : i]);
}

// ──── Reductions ────

function reduce(op: ReduceOp, x: TypedArray, outer: number, inner: number, out: TypedArray): void {
  for (let o = 0; o < outer; o++) {
    const base = o * inner;
    let acc: number;
    switch (op) {
      case 'sum':
      case 'mean': {
        acc = 0;
        for (let i = 0; i < inner; i++) acc += x[base + i];
        if (op === 'mean') acc /= inner;
        break;
      }
      case 'max':
      case 'min': {
        acc = op === 'max' ? -Infinity : Infinity;
        for (let i = 0; i < inner; i++) {
          const v = x[base + i];
          if (Number.isNaN(v)) {
            acc = NaN;
            break;
          }
          if (op === 'max' ? v > acc : v < acc) acc = v;
        }
        break;
      }
      case 'logsumexp': {
        let m = -Infinity;
        for (let i = 0; i < inner; i++) if (x[base + i] > m) m = x[base + i];
        if (!Number.isFinite(m)) {
          acc = m;
          break;
        }
        let s = 0;
        for (let i = 0; i < inner; i++) s += Math.exp(x[base + i] - m);
        acc = m + Math.log(s);
        break;
      }
      case 'prod': {
        acc = 1;
        for (let i = 0; i < inner; i++) acc *= x[base + i];
        break;
      }
      case 'l2loss': {
        acc = 0;
        for (let i = 0; i < inner; i++) acc += x[base + i] * x[base + i];
        acc /= 2;
        break;
      }
      case 'argmax':
      case 'argmin': {
        let best = 0;
        for (let i = 1; i < inner; i++) {
          const v = x[base + i];
          const bv = x[base + best];
          if (op === 'argmax' ? v > bv : v < bv) best = i;
        }
        acc = best;
        break;
      }
    }
    out[o] = acc;
  }
}

// ──── Linear algebra ────

/**
 * i-k-j order, two rows of A and four k at a time: each loaded row segment of B serves two
 * output rows, and the inner loop streams contiguous rows of B into Float64Array row
 * accumulators. B is first copied (transposed if asked) into a Float64Array, so the inner loop
 * sees one array type. The sum for every output runs over k in order, in double; storing into
 * `out` rounds once.
 */
/** Reused scratch for small products (B's copy and two accumulator rows): allocation would dominate them. */
let scratch = new Float64Array(1024);
const SCRATCH_LIMIT = 1 << 16;

function matmul(a: TypedArray, aOff: number, b: TypedArray, bOff: number, out: TypedArray, outOff: number,
  m: number, k: number, n: number, transposeA: boolean, transposeB: boolean): void {
  const need = k * n + 2 * n;
  let buf: Float64Array;
  if (need <= SCRATCH_LIMIT) {
    if (scratch.length < need) scratch = new Float64Array(Math.max(need, 2 * scratch.length));
    buf = scratch;
  } else {
    buf = new Float64Array(need);
  }
  const B = buf;
  if (transposeB) {
    for (let j = 0; j < n; j++) for (let p = 0; p < k; p++) B[p * n + j] = b[bOff + j * k + p];
  } else {
    for (let i = 0; i < k * n; i++) B[i] = b[bOff + i];
  }
  // Skipping zero blocks of A is only exact when B is finite: IEEE gives 0·Inf = NaN.
  let bFinite = true;
  for (let i = 0; i < k * n; i++) if (B[i] - B[i] !== 0) { bFinite = false; break; }
  // The two accumulator rows live in the same buffer, after B.
  const A0 = k * n;
  const A1 = A0 + n;
  const rs = transposeA ? 1 : k; // A(i, p) = a[aOff + i·rs + p·cs]
  const cs = transposeA ? m : 1;
  let i = 0;
  for (; i + 2 <= m; i += 2) {
    buf.fill(0, A0, A1 + n);
    const base0 = aOff + i * rs;
    const base1 = base0 + rs;
    let p = 0;
    for (; p + 4 <= k; p += 4) {
      const o0 = p * cs;
      const o1 = o0 + cs;
      const o2 = o1 + cs;
      const o3 = o2 + cs;
      const x0 = a[base0 + o0], x1 = a[base0 + o1], x2 = a[base0 + o2], x3 = a[base0 + o3];
      const y0 = a[base1 + o0], y1 = a[base1 + o1], y2 = a[base1 + o2], y3 = a[base1 + o3];
      // ReLU'd activations are often zero: skip the whole block.
      if (bFinite && x0 === 0 && x1 === 0 && x2 === 0 && x3 === 0 && y0 === 0 && y1 === 0 && y2 === 0 && y3 === 0) continue;
      const r0 = p * n;
      const r1 = r0 + n;
      const r2 = r1 + n;
      const r3 = r2 + n;
      for (let j = 0; j < n; j++) {
        const c0 = B[r0 + j];
        const c1 = B[r1 + j];
        const c2 = B[r2 + j];
        const c3 = B[r3 + j];
        buf[A0 + j] += x0 * c0 + x1 * c1 + x2 * c2 + x3 * c3;
        buf[A1 + j] += y0 * c0 + y1 * c1 + y2 * c2 + y3 * c3;
      }
    }
    for (; p < k; p++) {
      const x = a[base0 + p * cs];
      const y = a[base1 + p * cs];
      const r = p * n;
      for (let j = 0; j < n; j++) {
        const c = B[r + j];
        buf[A0 + j] += x * c;
        buf[A1 + j] += y * c;
      }
    }
    const o = outOff + i * n;
    for (let j = 0; j < n; j++) {
      out[o + j] = buf[A0 + j];
      out[o + n + j] = buf[A1 + j];
    }
  }
  // An odd last row, four k at a time as above.
  for (; i < m; i++) {
    buf.fill(0, A0, A1);
    const base = aOff + i * rs;
    let p = 0;
    for (; p + 4 <= k; p += 4) {
      const x0 = a[base + p * cs], x1 = a[base + (p + 1) * cs], x2 = a[base + (p + 2) * cs], x3 = a[base + (p + 3) * cs];
      const r0 = p * n;
      for (let j = 0; j < n; j++) buf[A0 + j] += x0 * B[r0 + j] + x1 * B[r0 + n + j] + x2 * B[r0 + 2 * n + j] + x3 * B[r0 + 3 * n + j];
    }
    for (; p < k; p++) {
      const x = a[base + p * cs];
      const r = p * n;
      for (let j = 0; j < n; j++) buf[A0 + j] += x * B[r + j];
    }
    const o = outOff + i * n;
    for (let j = 0; j < n; j++) out[o + j] = buf[A0 + j];
  }
}

// ──── Data movement ────

function transpose(x: TypedArray, shape: Shape, perm: readonly number[], out: TypedArray): void {
  const rank = shape.length;
  const inStrides = new Array<number>(rank);
  let acc = 1;
  for (let i = rank - 1; i >= 0; i--) {
    inStrides[i] = acc;
    acc *= shape[i];
  }
  if (rank === 2 && perm[0] === 1) {
    const r = shape[0];
    const c = shape[1];
    for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = x[i * c + j];
    return;
  }
  const outShape = perm.map((p) => shape[p]);
  const st = perm.map((p) => inStrides[p]);
  const counter = new Array<number>(rank).fill(0);
  let off = 0;
  for (let i = 0; i < out.length; i++) {
    out[i] = x[off];
    for (let ax = rank - 1; ax >= 0; ax--) {
      counter[ax]++;
      off += st[ax];
      if (counter[ax] < outShape[ax]) break;
      off -= st[ax] * counter[ax];
      counter[ax] = 0;
    }
  }
}

function take(x: TypedArray, index: Int32Array, out: TypedArray): void {
  for (let i = 0; i < index.length; i++) out[i] = x[index[i]];
}

function scatterAdd(x: TypedArray, index: Int32Array, out: TypedArray): void {
  for (let i = 0; i < index.length; i++) out[index[i]] += x[i];
}

function select(cond: TypedArray, ci: Int32Array | null, a: TypedArray, ai: Int32Array | null, b: TypedArray, bi: Int32Array | null, out: TypedArray): void {
  for (let i = 0; i < out.length; i++) {
    out[i] = cond[ci ? ci[i] : i] ? a[ai ? ai[i] : i] : b[bi ? bi[i] : i];
  }
}

function clip(x: TypedArray, xi: Int32Array | null, lo: TypedArray, li: Int32Array | null, hi: TypedArray, hi_: Int32Array | null, out: TypedArray): void {
  for (let i = 0; i < out.length; i++) {
    const v = x[xi ? xi[i] : i];
    const l = lo[li ? li[i] : i];
    const h = hi[hi_ ? hi_[i] : i];
    out[i] = v < l ? l : v > h ? h : v;
  }
}

function cast(x: TypedArray, out: TypedArray, toBool: boolean): void {
  if (toBool) for (let i = 0; i < x.length; i++) out[i] = x[i] !== 0 ? 1 : 0;
  else if (out instanceof Int32Array) for (let i = 0; i < x.length; i++) out[i] = Math.trunc(x[i]);
  else out.set(x);
}

function leakyRelu(x: TypedArray, alpha: number, out: TypedArray): void {
  for (let i = 0; i < x.length; i++) out[i] = x[i] > 0 ? x[i] : alpha * x[i];
}

function cumulative(op: 'sum' | 'prod', x: TypedArray, outer: number, n: number, inner: number, exclusive: boolean, reverse: boolean, out: TypedArray): void {
  const prod = op === 'prod';
  const step = reverse ? -inner : inner;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      let at = o * n * inner + j + (reverse ? (n - 1) * inner : 0);
      let acc = prod ? 1 : 0;
      for (let i = 0; i < n; i++, at += step) {
        const v = x[at];
        if (exclusive) {
          out[at] = acc;
          acc = prod ? acc * v : acc + v;
        } else {
          acc = prod ? acc * v : acc + v;
          out[at] = acc;
        }
      }
    }
  }
}

function topK(x: TypedArray, rows: number, n: number, k: number, indices: Int32Array): void {
  const pos = new Int32Array(n);
  for (let r = 0; r < rows; r++) {
    const base = r * n;
    // Insertion into the sorted first `k` slots: O(n·k), no comparator closures.
    let filled = 0;
    for (let i = 0; i < n; i++) {
      const v = x[base + i];
      if (filled === k && !(v > x[base + pos[k - 1]])) continue;
      let j = filled < k ? filled++ : k - 1;
      while (j > 0 && v > x[base + pos[j - 1]]) {
        pos[j] = pos[j - 1];
        j--;
      }
      pos[j] = i;
    }
    for (let i = 0; i < k; i++) indices[r * k + i] = pos[i];
  }
}

/** The active kernels: replace members to swap implementations. */
export const kernels: Kernels = { unary, binary, reduce, matmul, transpose, take, scatterAdd, select, clip, cast, leakyRelu, cumulative, topK, ...convKernels, ...gemmConvKernels(matmul) };

/** The plain-TypeScript kernels, kept for tests and to restore after a swap. */
export const jsKernels: Readonly<Kernels> = { ...kernels };
