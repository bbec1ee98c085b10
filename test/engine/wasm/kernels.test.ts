// The WebAssembly kernels in isolation: Float32Array in, Float32Array out, checked against a
// float64 reference (matmul) and bit for bit against the TypeScript kernels (elementwise), on
// both module variants (plain SIMD and relaxed-SIMD FMA), with every size threshold at 0.
import assert from 'node:assert/strict';
import v8 from 'node:v8';
import { jsKernels, type BinaryOp, type UnaryOp } from '../../../src/engine/kernels';
import { makeWasmKernels, thresholds } from '../../../src/engine/wasm/kernels';
import { instantiateFlavor, type KernelModule, type WasmFlavor } from '../../../src/engine/wasm/loader';

/** A small deterministic generator (mulberry32), so failures reproduce. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomF32(n: number, seed: number): Float32Array {
  const r = rng(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = r() * 2 - 1;
  return out;
}

/** op(A)·op(B) in float64, plus Σ|a||b| per element (the scale of the rounding-error bound). */
function reference(a: Float32Array, b: Float32Array, m: number, k: number, n: number, tA: boolean, tB: boolean) {
  const c = new Float64Array(m * n);
  const mag = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      let sa = 0;
      for (let p = 0; p < k; p++) {
        const x = tA ? a[p * m + i] : a[i * k + p];
        const y = tB ? b[j * k + p] : b[p * n + j];
        s += x * y;
        sa += Math.abs(x * y);
      }
      c[i * n + j] = s;
      mag[i * n + j] = sa;
    }
  }
  return { c, mag };
}

let saved = { ...thresholds };
let relaxedFlagSet = false;

function modules(): [WasmFlavor, KernelModule][] {
  const out: [WasmFlavor, KernelModule][] = [];
  const simd = instantiateFlavor('simd');
  assert.ok(simd, 'WebAssembly SIMD must be available in Node 20+');
  out.push(['simd', simd]);
  let relaxed = instantiateFlavor('relaxed');
  if (!relaxed) {
    // Node 20 (V8 11.3) ships relaxed SIMD behind a flag; newer hosts have it on by default.
    v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
    relaxedFlagSet = true;
    relaxed = instantiateFlavor('relaxed');
  }
  assert.ok(relaxed, 'the relaxed-SIMD module must compile once the feature is on');
  out.push(['relaxed', relaxed]);
  return out;
}

describe('WebAssembly kernels (isolated)', () => {
  const mods = modules();
  before(() => {
    saved = { ...thresholds };
    thresholds.matmul = 0;
    thresholds.elementwise = 0;
    thresholds.reduce = 0;
  });
  after(() => {
    Object.assign(thresholds, saved);
    if (relaxedFlagSet) v8.setFlagsFromString('--no-experimental-wasm-relaxed-simd');
  });

  for (const [flavor, mod] of mods) {
    const wk = makeWasmKernels(mod);

    describe(`matmul (${flavor})`, () => {
      // Edges of every blocking level: MR=4, NR=8, KC=256, MC=128, and the degenerate k=0.
      const shapes: [number, number, number][] = [
        [1, 1, 1], [3, 5, 7], [4, 8, 16], [5, 9, 3], [17, 33, 65], [128, 8, 256], [129, 17, 257],
        [64, 256, 784], [64, 10, 256], [2, 3, 0], [300, 20, 520],
      ];
      for (const [m, n, k] of shapes) {
        for (const tA of [false, true]) {
          for (const tB of [false, true]) {
            it(`${m}×${k} · ${k}×${n} transposeA=${tA} transposeB=${tB} is within f32 accumulation error of float64`, () => {
              const a = randomF32(m * k, m * 1000 + k);
              const b = randomF32(k * n, n * 1000 + k + 7);
              const out = new Float32Array(m * n).fill(NaN);
              wk.matmul(a, 0, b, 0, out, 0, m, k, n, tA, tB);
              const { c, mag } = reference(a, b, m, k, n, tA, tB);
              // Deterministic bound for a length-k sum in f32 (Higham's γ_k), plus the final rounding.
              const gamma = (k * 2 ** -24) / (1 - k * 2 ** -24) + 2 ** -24;
              for (let i = 0; i < m * n; i++) {
                const err = Math.abs(out[i] - c[i]);
                assert.ok(err <= gamma * mag[i] + 1e-30, `element ${i}: ${out[i]} vs ${c[i]} (bound ${gamma * mag[i]})`);
              }
            });
          }
        }
      }

      it('reads and writes at the offsets a batched matmul passes', () => {
        const m = 6, k = 10, n = 12;
        const a = randomF32(3 * m * k, 1);
        const b = randomF32(3 * k * n, 2);
        const out = new Float32Array(3 * m * n).fill(-7);
        wk.matmul(a, m * k, b, 2 * k * n, out, m * n, m, k, n, false, false);
        const { c } = reference(a.subarray(m * k), b.subarray(2 * k * n), m, k, n, false, false);
        for (let i = 0; i < m * n; i++) assert.ok(Math.abs(out[m * n + i] - c[i]) < 1e-5);
        // Outside the target block nothing is written.
        for (let i = 0; i < m * n; i++) assert.equal(out[i], -7);
        for (let i = 2 * m * n; i < 3 * m * n; i++) assert.equal(out[i], -7);
      });

      it('has normwise relative error ≤ 1e-5 against float64 on the benchmark shapes', () => {
        for (const [m, k, n] of [[512, 512, 512], [64, 784, 256], [784, 64, 256]]) {
          const a = randomF32(m * k, 11);
          const b = randomF32(k * n, 12);
          const out = new Float32Array(m * n);
          wk.matmul(a, 0, b, 0, out, 0, m, k, n, false, false);
          // Sampled rows keep the float64 reference cheap.
          let num = 0;
          let den = 0;
          for (let i = 0; i < m; i += 7) {
            for (let j = 0; j < n; j++) {
              let s = 0;
              for (let p = 0; p < k; p++) s += a[i * k + p] * b[p * n + j];
              num += (out[i * n + j] - s) ** 2;
              den += s * s;
            }
          }
          const rel = Math.sqrt(num / den);
          assert.ok(rel <= 1e-5, `${m}×${k}×${n}: ${rel}`);
        }
      });

      it('leaves float64 operands to the TypeScript kernel (double accumulation, exact)', () => {
        // In f32, 1 + 1e-8 − 1 = 0; accumulated in double it keeps the 1e-8.
        const a = Float64Array.from([1, 1e-8, -1]);
        const b = Float64Array.from([1, 1, 1]);
        const out = new Float64Array(1);
        wk.matmul(a, 0, b, 0, out, 0, 1, 3, 1, false, false);
        assert.ok(Math.abs(out[0] - 1e-8) < 1e-15, String(out[0]));
      });
    });

    describe(`elementwise (${flavor}) is bit-identical to the TypeScript kernels`, () => {
      // Values that tell implementations apart: signed zeros, NaN, infinities, subnormals, ties.
      const special = [0, -0, NaN, Infinity, -Infinity, 1e-45, -1e-45, 3.4e38, 1, -1, 0.1, 2.5, -2.5, 1e-8, 7];
      function operand(n: number, seed: number): Float32Array {
        const x = randomF32(n, seed);
        for (let i = 0; i < n; i += 3) x[i] = special[(i + seed) % special.length];
        return x;
      }
      function sameBits(actual: Float32Array, expected: Float32Array, what: string) {
        const ua = new Uint32Array(actual.buffer, actual.byteOffset, actual.length);
        const ue = new Uint32Array(expected.buffer, expected.byteOffset, expected.length);
        for (let i = 0; i < actual.length; i++) {
          // NaN payloads and signs are not part of the contract; every other bit is.
          if (Number.isNaN(expected[i])) assert.ok(Number.isNaN(actual[i]), `${what} [${i}]: expected NaN, got ${actual[i]}`);
          else assert.equal(ua[i], ue[i], `${what} [${i}]: ${actual[i]} vs ${expected[i]}`);
        }
      }
      const binOps: BinaryOp[] = ['add', 'sub', 'mul', 'div', 'sqdiff', 'max', 'min'];
      // [a shape, b shape, out shape]: full, scalar both sides, row (bias), column, rank mismatch.
      const layouts: [number[], number[], number[]][] = [
        [[37], [37], [37]], [[5, 7], [], [5, 7]], [[], [5, 7], [5, 7]], [[9, 13], [13], [9, 13]],
        [[13], [9, 13], [9, 13]], [[9, 13], [9, 1], [9, 13]], [[2, 3, 4], [2, 3, 1], [2, 3, 4]],
        [[6, 1, 5], [1, 5], [6, 1, 5]], [[1], [3], [3]], [[4, 3], [1, 1], [4, 3]],
      ];
      const size = (s: number[]) => s.reduce((p, d) => p * d, 1);
      for (const op of binOps) {
        for (const [as, bs, os] of layouts) {
          it(`${op} ${JSON.stringify(as)} ⊕ ${JSON.stringify(bs)}`, () => {
            const a = operand(size(as), 3);
            const b = operand(size(bs), 5);
            const got = new Float32Array(size(os));
            const want = new Float32Array(size(os));
            wk.binary(op, a, as, b, bs, got, os);
            jsKernels.binary(op, a, as, b, bs, want, os);
            sameBits(got, want, op);
          });
        }
      }
      it('falls back for broadcasts that are not full/row/column/scalar ([3,1] ⊕ [1,4])', () => {
        const a = operand(3, 1);
        const b = operand(4, 2);
        const got = new Float32Array(12);
        const want = new Float32Array(12);
        wk.binary('add', a, [3, 1], b, [1, 4], got, [3, 4]);
        jsKernels.binary('add', a, [3, 1], b, [1, 4], want, [3, 4]);
        sameBits(got, want, 'add');
      });
      for (const op of ['gt', 'lt', 'ge', 'le', 'eq'] as BinaryOp[]) {
        for (const [as, bs, os] of layouts) {
          it(`${op} ${JSON.stringify(as)} ⊕ ${JSON.stringify(bs)} → bool bytes`, () => {
            const a = operand(size(as), 3);
            const b = operand(size(bs), 5);
            // Ties, so that ge/le/eq differ from gt/lt.
            if (a.length === b.length) for (let i = 0; i < a.length; i += 4) b[i] = a[i];
            const got = new Uint8Array(size(os)).fill(7);
            const want = new Uint8Array(size(os));
            wk.binary(op, a, as, b, bs, got, os);
            jsKernels.binary(op, a, as, b, bs, want, os);
            assert.deepEqual(got, want);
          });
        }
      }
      it('compares 37 × 19 values in every layout the glue sends (16-byte blocks and tails)', () => {
        const a = operand(37 * 19, 11);
        const got = new Uint8Array(37 * 19);
        const want = new Uint8Array(37 * 19);
        wk.binary('gt', a, [37, 19], Float32Array.of(0), [], got, [37, 19]);
        jsKernels.binary('gt', a, [37, 19], Float32Array.of(0), [], want, [37, 19]);
        assert.deepEqual(got, want);
      });
      for (const [aLen, bLen] of [[1, 1], [1, 0], [0, 1], [0, 0]]) {
        for (const n of [1, 5, 64, 1001]) {
          it(`select over ${n} with a ${aLen ? 'repeated' : 'full'} and b ${bLen ? 'repeated' : 'full'}`, () => {
            const cond = Uint8Array.from({ length: n }, (_, i) => (i * 7) % 3 === 0 ? 1 : 0);
            const a = aLen ? Float32Array.of(-0) : operand(n, 1);
            const b = bLen ? Float32Array.of(NaN) : operand(n, 2);
            const ai = aLen ? new Int32Array(n) : null;
            const bi = bLen ? new Int32Array(n) : null;
            const got = new Float32Array(n);
            const want = new Float32Array(n);
            wk.select(cond, null, a, ai, b, bi, got);
            jsKernels.select(cond, null, a, ai, b, bi, want);
            sameBits(got, want, 'select');
          });
        }
      }
      it('select leaves broadcast conditions and general index maps to TypeScript', () => {
        const cond = Uint8Array.of(1, 0, 1);
        const a = operand(2, 1);
        const b = operand(6, 2);
        const ci = Int32Array.of(0, 1, 2, 0, 1, 2);
        const ai = Int32Array.of(0, 0, 0, 1, 1, 1);
        const got = new Float32Array(6);
        const want = new Float32Array(6);
        wk.select(cond, ci, a, ai, b, null, got);
        jsKernels.select(cond, ci, a, ai, b, null, want);
        sameBits(got, want, 'select');
      });
      const unOps: UnaryOp[] = ['neg', 'abs', 'sqrt', 'square', 'relu', 'exp'];
      for (const op of unOps) {
        for (const n of [1, 3, 4, 31, 1000]) {
          it(`${op} over ${n} elements`, () => {
            const x = operand(n, n);
            const got = new Float32Array(n);
            const want = new Float32Array(n);
            wk.unary(op, x, got);
            jsKernels.unary(op, x, want);
            sameBits(got, want, op);
          });
        }
      }
    });

    describe(`reductions (${flavor})`, () => {
      for (const [outer, inner] of [[1, 1], [1, 7], [3, 4], [5, 1001], [64, 256], [2, 100000]]) {
        for (const op of ['sum', 'mean'] as const) {
          it(`${op} of [${outer}, ${inner}] matches double accumulation to within one float32 rounding`, () => {
            const x = randomF32(outer * inner, outer + inner);
            const got = new Float32Array(outer);
            wk.reduce(op, x, outer, inner, got);
            for (let o = 0; o < outer; o++) {
              let s = 0;
              for (let i = 0; i < inner; i++) s += x[o * inner + i];
              if (op === 'mean') s /= inner;
              // Both sum in double; only the order differs, so the float32 results may differ
              // only where the double sum sits at a rounding boundary: one ulp at most.
              const ulp = Math.max(Math.abs(s), 1e-38) * 2 ** -23;
              assert.ok(Math.abs(got[o] - s) <= ulp, `[${o}] ${got[o]} vs ${s}`);
            }
          });
        }
      }
      it('leaves max/min/argmax to the TypeScript kernel', () => {
        const x = randomF32(20, 9);
        for (const op of ['max', 'min', 'argmax', 'logsumexp'] as const) {
          const got = new Float32Array(4);
          const want = new Float32Array(4);
          wk.reduce(op, x, 4, 5, got);
          jsKernels.reduce(op, x, 4, 5, want);
          assert.deepEqual(got, want);
        }
      });
    });
  }
});
