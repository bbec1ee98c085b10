/**
 * The WebAssembly implementations of the engine's kernel interface (src/engine/kernels.ts).
 * Each one takes the WebAssembly path only for float32 operands above a size threshold and
 * otherwise calls the TypeScript kernel, so small tensors (the seed programs, scalar chains)
 * keep the API's double accumulation bit for bit and pay no call or copy overhead.
 *
 * Operands are copied into the module's memory and the result copied out on every call; the
 * copies are part of every figure in BENCHMARKS.md (docs/kernels.md says why tensors do not live
 * in WebAssembly memory).
 */
import type { TypedArray } from '../dtype';
import { jsKernels, type BinaryOp, type Kernels, type ReduceOp, type UnaryOp, type Window2D } from '../kernels';
import { pointwise } from '../kernelsConv';
import type { Shape } from '../shape';
import type { KernelModule } from './loader';

/**
 * Smallest problem each kernel sends to WebAssembly (bench/kernels.bench.ts measures the
 * crossovers; docs/kernels.md has the table and the reasons). Mutable so tests can force every
 * float32 call through WebAssembly (all 0) and check it against the TypeScript kernels.
 */
export const thresholds = {
  /**
   * m·n·k of one matrix product. WebAssembly is faster from 4³ on, but it accumulates in f32 where
   * the API says double: below 32³ the TypeScript kernel costs under 25 µs a call, so small
   * products keep the exact rule (the seed programs, hand-sized examples) at little cost.
   */
  matmul: 32768,
  /** Output elements of a unary or binary op: bit-identical results, so only speed decides. */
  elementwise: 256,
  /** Input elements of a sum or mean: double accumulation either way, in another order. */
  reduce: 1024,
  /**
   * Input plus output elements of a pool or depthwise convolution: the same sums in the same order
   * (bit-identical results), so only speed decides. Convolutions go by `matmul` (m·n·k of their
   * product), since they run the sgemm.
   */
  window: 256,
};

/** The measured thresholds, to restore after a test or GRADTAPE_KERNELS=wasm-all changed them. */
export const DEFAULT_THRESHOLDS: Readonly<typeof thresholds> = { ...thresholds };

// Op codes of src/engine/wasm/assembly/elementwise.ts.
const BINARY_CODE: Partial<Record<BinaryOp, number>> = { add: 0, sub: 1, mul: 2, div: 3, sqdiff: 4, max: 5, min: 6 };
const UNARY_CODE: Partial<Record<UnaryOp, number>> = { neg: 0, abs: 1, sqrt: 2, square: 3, relu: 4 };
// Op codes of src/engine/wasm/assembly/select.ts (float32 in, bool bytes out).
const COMPARE_CODE: Partial<Record<BinaryOp, number>> = { gt: 0, lt: 1, ge: 2, le: 3, eq: 4 };
const FULL = 0;
const ROW = 1;
const COL = 2;
const SCALAR = 3;

const align16 = (bytes: number): number => (bytes + 15) & ~15;

/**
 * How operand `shape` (of `len` elements) maps onto the output viewed as [rows, last]:
 * FULL, ROW ([last] repeated down the rows), COL ([rows] repeated along each row), SCALAR,
 * or -1 when the broadcast has another pattern (then the TypeScript kernel runs).
 */
function layoutOf(shape: Shape, len: number, outShape: Shape, n: number): number {
  if (len === n) return FULL;
  if (len === 1) return SCALAR;
  const rank = outShape.length;
  const lead = rank - shape.length;
  let row = true;
  let col = true;
  for (let i = 0; i < rank; i++) {
    const d = i < lead ? 1 : shape[i - lead];
    if (i < rank - 1) {
      if (d !== 1) row = false;
      if (d !== outShape[i]) col = false;
    } else {
      if (d !== outShape[i]) row = false;
      if (d !== 1) col = false;
    }
  }
  return row ? ROW : col ? COL : -1;
}

/**
 * The WebAssembly kernels over `source`: a module, or a function that yields one on first need
 * (so an engine that only ever sees small tensors never compiles the module), or null where
 * WebAssembly SIMD is missing (every call then runs the TypeScript kernel).
 */
type WindowKernels = 'conv2d' | 'conv2dBackpropFilter' | 'conv2dBackpropInput' | 'maxPool' | 'maxPoolGrad' | 'maxPoolGradGrad' | 'avgPool' | 'avgPoolGrad' |
  'depthwiseConv' | 'depthwiseBackpropInput' | 'depthwiseBackpropFilter';

export function makeWasmKernels(source: KernelModule | (() => KernelModule | null)): Pick<Kernels, 'matmul' | 'binary' | 'unary' | 'reduce' | 'select' | WindowKernels> {
  let mod: KernelModule | null | undefined = typeof source === 'function' ? undefined : source;
  const load = (): KernelModule | null => (mod === undefined ? (mod = (source as () => KernelModule | null)()) : mod);

  function matmul(a: TypedArray, aOff: number, b: TypedArray, bOff: number, out: TypedArray, outOff: number,
    m: number, k: number, n: number, transposeA: boolean, transposeB: boolean): void {
    if (m * n * k < thresholds.matmul || !(a instanceof Float32Array && b instanceof Float32Array && out instanceof Float32Array)) {
      jsKernels.matmul(a, aOff, b, bOff, out, outOff, m, k, n, transposeA, transposeB);
      return;
    }
    const mod = load();
    const base = mod?.base ?? 0;
    const aP = base;
    const bP = aP + align16(m * k * 4);
    const cP = bP + align16(k * n * 4);
    const wP = cP + align16(m * n * 4);
    const mem = mod?.reserve(wP - base + mod.gemmWork);
    if (!mod || !mem) {
      jsKernels.matmul(a, aOff, b, bOff, out, outOff, m, k, n, transposeA, transposeB);
      return;
    }
    mem.set(a.subarray(aOff, aOff + m * k), aP >> 2);
    mem.set(b.subarray(bOff, bOff + k * n), bP >> 2);
    // Leading dimensions of the stored matrices: A is k×m when transposed, B is n×k.
    mod.exports.sgemm(m, n, k, aP, transposeA ? m : k, transposeA ? 1 : 0, bP, transposeB ? k : n, transposeB ? 1 : 0, cP, n, wP);
    out.set(mem.subarray(cP >> 2, (cP >> 2) + m * n), outOff);
  }

  function binary(op: BinaryOp, a: TypedArray, aShape: Shape, b: TypedArray, bShape: Shape, out: TypedArray, outShape: Shape): void {
    const n = out.length;
    // The size test first: small calls (every op of a scalar chain) pay one comparison here.
    if (n < thresholds.elementwise) {
      jsKernels.binary(op, a, aShape, b, bShape, out, outShape);
      return;
    }
    const compare = COMPARE_CODE[op];
    const code = compare ?? BINARY_CODE[op];
    if (code === undefined || n === 0 || !(a instanceof Float32Array && b instanceof Float32Array) ||
      !(compare === undefined ? out instanceof Float32Array : out instanceof Uint8Array)) {
      jsKernels.binary(op, a, aShape, b, bShape, out, outShape);
      return;
    }
    const am = layoutOf(aShape, a.length, outShape, n);
    const bm = layoutOf(bShape, b.length, outShape, n);
    if (am < 0 || bm < 0) {
      jsKernels.binary(op, a, aShape, b, bShape, out, outShape);
      return;
    }
    // Without a ROW or COL operand the output is one long row (no per-row overhead).
    const last = outShape.length ? outShape[outShape.length - 1] : 1;
    const perRow = am === ROW || am === COL || bm === ROW || bm === COL;
    const cols = perRow ? last : n;
    const rows = n / cols;
    const mod = load();
    const base = mod?.base ?? 0;
    const aP = base;
    const bP = aP + align16(a.length * 4);
    const oP = bP + align16(b.length * 4);
    const mem = mod?.reserve(oP - base + n * 4);
    if (!mod || !mem) {
      jsKernels.binary(op, a, aShape, b, bShape, out, outShape);
      return;
    }
    mem.set(a, aP >> 2);
    mem.set(b, bP >> 2);
    if (compare === undefined) {
      mod.exports.binary(code, aP, am, bP, bm, oP, rows, cols);
      out.set(mem.subarray(oP >> 2, (oP >> 2) + n));
    } else {
      mod.exports.compare(code, aP, am, bP, bm, oP, rows, cols);
      out.set(new Uint8Array(mem.buffer, oP, n));
    }
  }

  /** Float32 select where each operand is full or one repeated value (ReLU's backward pass). */
  function select(cond: TypedArray, ci: Int32Array | null, a: TypedArray, ai: Int32Array | null, b: TypedArray, bi: Int32Array | null, out: TypedArray): void {
    const n = out.length;
    if (n < thresholds.elementwise) {
      jsKernels.select(cond, ci, a, ai, b, bi, out);
      return;
    }
    // A one-value operand's index map is all zeros; a full-length one's is the identity.
    const aStride = a.length === n ? 1 : a.length === 1 ? 0 : -1;
    const bStride = b.length === n ? 1 : b.length === 1 ? 0 : -1;
    if (n === 0 || ci !== null || cond.length !== n || aStride < 0 || bStride < 0 ||
      !(cond instanceof Uint8Array && a instanceof Float32Array && b instanceof Float32Array && out instanceof Float32Array)) {
      jsKernels.select(cond, ci, a, ai, b, bi, out);
      return;
    }
    const mod = load();
    const base = mod?.base ?? 0;
    const aP = base;
    const bP = aP + align16(a.length * 4);
    const cP = bP + align16(b.length * 4);
    const oP = cP + align16(n);
    const mem = mod?.reserve(oP - base + n * 4);
    if (!mod || !mem) {
      jsKernels.select(cond, ci, a, ai, b, bi, out);
      return;
    }
    mem.set(a, aP >> 2);
    mem.set(b, bP >> 2);
    new Uint8Array(mem.buffer, cP, n).set(cond);
    mod.exports.select(cP, aP, aStride, bP, bStride, oP, n);
    out.set(mem.subarray(oP >> 2, (oP >> 2) + n));
  }

  function unary(op: UnaryOp, x: TypedArray, out: TypedArray): void {
    const n = x.length;
    if (n < thresholds.elementwise) {
      jsKernels.unary(op, x, out);
      return;
    }
    const code = UNARY_CODE[op];
    if (code === undefined || !(x instanceof Float32Array && out instanceof Float32Array)) {
      jsKernels.unary(op, x, out);
      return;
    }
    const mod = load();
    const base = mod?.base ?? 0;
    const xP = base;
    const oP = xP + align16(n * 4);
    const mem = mod?.reserve(oP - base + n * 4);
    if (!mod || !mem) {
      jsKernels.unary(op, x, out);
      return;
    }
    mem.set(x, xP >> 2);
    mod.exports.unary(code, xP, oP, n);
    out.set(mem.subarray(oP >> 2, (oP >> 2) + n));
  }

  function reduce(op: ReduceOp, x: TypedArray, outer: number, inner: number, out: TypedArray): void {
    if (x.length < thresholds.reduce || (op !== 'sum' && op !== 'mean') || inner === 0 ||
      !(x instanceof Float32Array && out instanceof Float32Array)) {
      jsKernels.reduce(op, x, outer, inner, out);
      return;
    }
    const mod = load();
    const base = mod?.base ?? 0;
    const xP = base;
    const oP = xP + align16(x.length * 4);
    const mem = mod?.reserve(oP - base + outer * 4);
    if (!mod || !mem) {
      jsKernels.reduce(op, x, outer, inner, out);
      return;
    }
    mem.set(x, xP >> 2);
    mod.exports.sum(xP, oP, outer, inner, 1, op === 'mean' ? inner : 1);
    out.set(mem.subarray(oP >> 2, (oP >> 2) + outer));
  }

  // ──── Windows: convolution and pooling (src/engine/wasm/assembly/window.ts) ────

  /**
   * Runs one window kernel in WebAssembly: lays out `inputs`, `out` and `scratch` blocks (bytes)
   * from the arena's base, 16-byte aligned, copies the inputs in, sets the geometry `g`, calls `run`
   * with the blocks' offsets in that order, and copies `out` back. False, with nothing done, where
   * the module is missing or its memory cannot grow (the caller then runs the TypeScript kernel).
   */
  function inWasm(g: Window2D, inputs: TypedArray[], out: TypedArray, scratch: number[], run: (e: KernelModule['exports'], at: number[]) => void): boolean {
    const mod = load();
    if (!mod) return false;
    const at: number[] = [];
    let p = mod.base;
    for (const bytes of [...inputs.map((x) => x.length * 4), out.length * 4, ...scratch]) {
      at.push(p);
      p += align16(bytes);
    }
    const mem = mod.reserve(p - mod.base);
    if (!mem) return false;
    inputs.forEach((x, i) => mem.set(x, at[i] >> 2));
    mod.exports.setWindow(g.batch, g.inH, g.inW, g.inC, g.kH, g.kW, g.outH, g.outW, g.strideH, g.strideW, g.dilH, g.dilW, g.padTop, g.padLeft);
    run(mod.exports, at);
    const oP = at[inputs.length] >> 2;
    out.set(mem.subarray(oP, oP + out.length));
    return true;
  }

  const f32 = (xs: TypedArray[]): boolean => xs.every((x) => x instanceof Float32Array);
  /** Below the matmul threshold, or not float32: the TypeScript convolution (double accumulation). */
  const smallConv = (g: Window2D, outC: number, xs: TypedArray[]): boolean =>
    g.batch * g.outH * g.outW * g.kH * g.kW * g.inC * outC < thresholds.matmul || !f32(xs);
  const small = (xs: TypedArray[]): boolean => xs.reduce((s, x) => s + x.length, 0) < thresholds.window || !f32(xs);
  const gemmWork = (): number => load()?.gemmWork ?? 0;
  const patchBytes = (g: Window2D): number => (pointwise(g) ? 0 : g.batch * g.outH * g.outW * g.kH * g.kW * g.inC * 4);
  const tapBytes = (g: Window2D): number => 8 * g.kH * g.kW;
  /** col2im's tables: per input row (column), the window rows (columns) and output rows (columns) that read it. */
  const col2imBytes = (g: Window2D): number => 4 * (g.inH * (1 + 2 * g.kH) + g.inW * (1 + 2 * g.kW));

  const windowKernels: Pick<Kernels, WindowKernels> = {
    conv2d(x, w, g, outC, out) {
      if (smallConv(g, outC, [x, w, out]) ||
        !inWasm(g, [x, w], out, [gemmWork()], (e, [xP, wP, oP, workP]) => e.conv2d(xP, wP, outC, oP, workP))) jsKernels.conv2d(x, w, g, outC, out);
    },
    conv2dBackpropFilter(x, dy, g, outC, out) {
      if (smallConv(g, outC, [x, dy, out]) ||
        !inWasm(g, [x, dy], out, [gemmWork()], (e, [xP, dyP, oP, workP]) => e.conv2dBackpropFilter(xP, dyP, outC, oP, workP))) {
        jsKernels.conv2dBackpropFilter(x, dy, g, outC, out);
      }
    },
    conv2dBackpropInput(w, dy, g, outC, out) {
      if (smallConv(g, outC, [w, dy, out]) || !inWasm(g, [w, dy], out, [patchBytes(g), gemmWork(), col2imBytes(g)],
        (e, [wP, dyP, oP, colP, workP, tabP]) => e.conv2dBackpropInput(wP, dyP, outC, oP, colP, workP, tabP))) {
        jsKernels.conv2dBackpropInput(w, dy, g, outC, out);
      }
    },
    maxPool(x, g, out) {
      if (small([x, out]) ||
        !inWasm(g, [x], out, [out.length * 4, tapBytes(g)], (e, [xP, oP, argP, tapP]) => e.maxPool(xP, oP, out.length, argP, tapP))) jsKernels.maxPool(x, g, out);
    },
    maxPoolGrad(x, g, dy, out) {
      if (small([x, dy, out]) || !inWasm(g, [x, dy], out, [dy.length * 4, out.length * 8, tapBytes(g)],
        (e, [xP, dyP, oP, argP, accP, tapP]) => e.maxPoolGrad(xP, dyP, oP, dy.length, out.length, argP, accP, tapP))) {
        jsKernels.maxPoolGrad(x, g, dy, out);
      }
    },
    maxPoolGradGrad(x, g, gx, out) {
      if (small([x, gx, out]) || !inWasm(g, [x, gx], out, [out.length * 4, tapBytes(g)],
        (e, [xP, gxP, oP, argP, tapP]) => e.maxPoolGradGrad(xP, gxP, oP, out.length, argP, tapP))) {
        jsKernels.maxPoolGradGrad(x, g, gx, out);
      }
    },
    avgPool(x, g, out) {
      if (small([x, out]) || !inWasm(g, [x], out, [tapBytes(g)], (e, [xP, oP, tapP]) => e.avgPool(xP, oP, tapP))) jsKernels.avgPool(x, g, out);
    },
    avgPoolGrad(dy, g, out) {
      if (small([dy, out]) ||
        !inWasm(g, [dy], out, [out.length * 8, tapBytes(g)], (e, [dyP, oP, accP, tapP]) => e.avgPoolGrad(dyP, oP, out.length, accP, tapP))) jsKernels.avgPoolGrad(dy, g, out);
    },
    depthwiseConv(x, w, g, mult, out) {
      if (small([x, w, out]) || !inWasm(g, [x, w], out, [g.inC * mult * 8, tapBytes(g)],
        (e, [xP, wP, oP, accP, tapP]) => e.depthwiseConv(xP, wP, mult, oP, accP, tapP))) {
        jsKernels.depthwiseConv(x, w, g, mult, out);
      }
    },
    depthwiseBackpropInput(w, dy, g, mult, out) {
      if (small([w, dy, out]) ||
        !inWasm(g, [w, dy], out, [tapBytes(g)], (e, [wP, dyP, oP, tapP]) => e.depthwiseBackpropInput(wP, dyP, mult, oP, tapP))) {
        jsKernels.depthwiseBackpropInput(w, dy, g, mult, out);
      }
    },
    depthwiseBackpropFilter(x, dy, g, mult, out) {
      if (small([x, dy, out]) || !inWasm(g, [x, dy], out, [out.length * 8, tapBytes(g)],
        (e, [xP, dyP, oP, accP, tapP]) => e.depthwiseBackpropFilter(xP, dyP, mult, oP, accP, tapP))) {
        jsKernels.depthwiseBackpropFilter(x, dy, g, mult, out);
      }
    },
  };

  return { matmul, binary, unary, reduce, select, ...windowKernels };
}
