// The WebAssembly window kernels (src/engine/wasm/assembly/window.ts) against the TypeScript ones
// (src/engine/kernelsConv.ts), with every threshold at 0, over geometries that reach every edge:
// odd sizes, strides, dilations, SAME and VALID, windows cut by padding, batch > 1, channels > 1,
// 1×1 windows. Pools and depthwise convolution accumulate in f64 in the same order on both sides:
// bit-identical. Convolutions run the f32 sgemm: within f32 accumulation error of float64.
import assert from 'node:assert/strict';
import { jsKernels, type Window2D } from '../../../src/engine/kernels';
import { window2d, type Padding } from '../../../src/engine/ops/convUtil';
import { makeWasmKernels, thresholds } from '../../../src/engine/wasm/kernels';
import { instantiateFlavor, loadKernelModule, type KernelModule } from '../../../src/engine/wasm/loader';
import { lcg } from '../gradcheck';

interface Geometry { x: [number, number, number, number]; k: [number, number]; s: [number, number]; d: [number, number]; pad: Padding }

const GEOMETRIES: Geometry[] = [
  { x: [1, 5, 5, 1], k: [3, 3], s: [1, 1], d: [1, 1], pad: 'SAME' },
  { x: [2, 7, 6, 3], k: [3, 2], s: [2, 1], d: [1, 1], pad: 'VALID' },
  { x: [3, 9, 8, 2], k: [3, 3], s: [1, 2], d: [2, 1], pad: 'SAME' },
  { x: [2, 6, 7, 5], k: [2, 3], s: [3, 2], d: [1, 2], pad: 'SAME' },
  { x: [2, 4, 5, 4], k: [1, 1], s: [1, 1], d: [1, 1], pad: 'VALID' },
  { x: [2, 5, 4, 3], k: [1, 1], s: [2, 2], d: [1, 1], pad: 'SAME' },
  { x: [1, 5, 6, 2], k: [5, 5], s: [2, 3], d: [1, 1], pad: 'SAME' },
  { x: [2, 11, 9, 7], k: [4, 4], s: [2, 2], d: [2, 2], pad: 'VALID' },
  { x: [4, 28, 28, 1], k: [3, 3], s: [1, 1], d: [1, 1], pad: 'SAME' },
  { x: [2, 14, 14, 6], k: [5, 5], s: [1, 1], d: [1, 1], pad: 'VALID' },
  // kH·kW·inC above the sgemm's KC = 256: its second depth block starts inside a window row and a pixel.
  { x: [2, 9, 8, 20], k: [4, 4], s: [1, 2], d: [1, 1], pad: 'SAME' },
  { x: [1, 10, 10, 40], k: [3, 3], s: [1, 1], d: [2, 2], pad: 'SAME' },
];

const text = (c: Geometry): string => `x ${JSON.stringify(c.x)} window ${c.k.join('×')} strides ${c.s} dilations ${c.d} ${c.pad}`;

function random(n: number, seed: number, levels = 0): Float32Array {
  const r = lcg(seed);
  // With `levels`, few distinct values: pools then meet ties (the first maximum wins).
  return Float32Array.from({ length: n }, () => (levels ? Math.floor(r() * levels) / levels : r() * 2 - 1));
}

function sameBits(got: Float32Array, want: Float32Array, what: string): void {
  assert.equal(got.length, want.length, `${what}: length`);
  const a = new Uint32Array(got.buffer, got.byteOffset, got.length);
  const b = new Uint32Array(want.buffer, want.byteOffset, want.length);
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) assert.fail(`${what} [${i}]: wasm ${got[i]} vs ts ${want[i]}`);
  }
}

/** The TypeScript convolution in float64 (exact double accumulation) and over |x|, |w| (the error bound's scale). */
function convReference(run: (a: Float64Array, b: Float64Array, out: Float64Array) => void, a: Float32Array, b: Float32Array, n: number) {
  const c = new Float64Array(n);
  const mag = new Float64Array(n);
  run(Float64Array.from(a), Float64Array.from(b), c);
  run(Float64Array.from(a, Math.abs), Float64Array.from(b, Math.abs), mag);
  return { c, mag };
}

function withinF32(got: Float32Array, ref: { c: Float64Array; mag: Float64Array }, terms: number, what: string): void {
  // Higham's γ_n for a length-n f32 sum, plus the final rounding (as the matmul test).
  const gamma = (terms * 2 ** -24) / (1 - terms * 2 ** -24) + 2 ** -24;
  assert.equal(got.length, ref.c.length);
  for (let i = 0; i < got.length; i++) {
    const err = Math.abs(got[i] - ref.c[i]);
    if (!(err <= gamma * ref.mag[i] + 1e-30)) assert.fail(`${what} [${i}]: wasm ${got[i]} vs float64 ${ref.c[i]}`);
  }
}

describe('WebAssembly window kernels against the TypeScript kernels', () => {
  const saved = { ...thresholds };
  before(() => Object.assign(thresholds, { matmul: 0, elementwise: 0, reduce: 0, window: 0 }));
  after(() => Object.assign(thresholds, saved));

  const simd = instantiateFlavor('simd');
  const engine = loadKernelModule('auto');
  const mods: [string, KernelModule | null][] = [['simd', simd], [`engine's (${engine?.flavor})`, engine]];
  for (const [flavor, mod] of mods) {
    describe(`${flavor} module`, () => {
      // Every WebAssembly call reserves its arena once: counted, so the comparisons below are known
      // not to be TypeScript against itself.
      let calls = 0;
      let reserve: KernelModule['reserve'];
      before(() => {
        assert.ok(mod, 'WebAssembly SIMD must be available in Node 20+');
        reserve = mod.reserve;
        mod.reserve = (bytes: number) => {
          calls++;
          return reserve(bytes);
        };
      });
      after(() => {
        if (mod) mod.reserve = reserve;
      });
      const wk = makeWasmKernels(() => mod);

      GEOMETRIES.forEach((c, ci) => {
        const g: Window2D = window2d(c.x, c.k[0], c.k[1], { strides: c.s, padding: c.pad, dilations: c.d }, 'test');
        const inN = c.x.reduce((p, q) => p * q, 1);
        const outPix = g.batch * g.outH * g.outW;
        const K = g.kH * g.kW * g.inC;

        it(`conv2d and both backprops, ${text(c)}`, () => {
          for (const oc of [1, 3, 16]) {
            const x = random(inN, 10 + ci);
            const w = random(K * oc, 20 + ci);
            const dy = random(outPix * oc, 30 + ci);
            const y = new Float32Array(outPix * oc).fill(NaN);
            wk.conv2d(x, w, g, oc, y);
            withinF32(y, convReference((a, b, o) => jsKernels.conv2d(a, b, g, oc, o), x, w, y.length), K, `conv2d oc ${oc}`);
            const dw = new Float32Array(K * oc).fill(NaN);
            wk.conv2dBackpropFilter(x, dy, g, oc, dw);
            withinF32(dw, convReference((a, b, o) => jsKernels.conv2dBackpropFilter(a, b, g, oc, o), x, dy, dw.length), outPix, `backprop filter oc ${oc}`);
            const dx = new Float32Array(inN).fill(NaN);
            wk.conv2dBackpropInput(w, dy, g, oc, dx);
            // Each input gathers at most kH·kW patch entries, each a sum of oc products.
            withinF32(dx, convReference((a, b, o) => jsKernels.conv2dBackpropInput(a, b, g, oc, o), w, dy, dx.length), oc + g.kH * g.kW, `backprop input oc ${oc}`);
          }
        });

        it(`pools and their gradients are bit-identical, ${text(c)}`, () => {
          for (const levels of [0, 3]) {
            const x = random(inN, 40 + ci, levels);
            if (levels === 0) x[0] = NaN; // a NaN that is not first in its window is skipped, as TypeScript's comparison does
            const dy = random(outPix * g.inC, 50 + ci);
            const gx = random(inN, 60 + ci);
            const pair = (f: (k: typeof jsKernels, out: Float32Array) => void, n: number, what: string): void => {
              const got = new Float32Array(n).fill(7);
              const want = new Float32Array(n).fill(7);
              f(wk as typeof jsKernels, got);
              f(jsKernels, want);
              sameBits(got, want, `${what}${levels ? ' (ties)' : ''}`);
            };
            pair((k, o) => k.maxPool(x, g, o), outPix * g.inC, 'maxPool');
            pair((k, o) => k.maxPoolGrad(x, g, dy, o), inN, 'maxPoolGrad');
            pair((k, o) => k.maxPoolGradGrad(x, g, gx, o), outPix * g.inC, 'maxPoolGradGrad');
            pair((k, o) => k.avgPool(x, g, o), outPix * g.inC, 'avgPool');
            pair((k, o) => k.avgPoolGrad(dy, g, o), inN, 'avgPoolGrad');
          }
        });

        it(`depthwise convolution and its backprops are bit-identical, ${text(c)}`, () => {
          for (const mult of [1, 2, 3]) {
            const oc = g.inC * mult;
            const x = random(inN, 70 + ci);
            const w = random(g.kH * g.kW * oc, 80 + ci);
            const dy = random(outPix * oc, 90 + ci);
            const pair = (f: (k: typeof jsKernels, out: Float32Array) => void, n: number, what: string): void => {
              const got = new Float32Array(n).fill(7);
              const want = new Float32Array(n).fill(7);
              f(wk as typeof jsKernels, got);
              f(jsKernels, want);
              sameBits(got, want, `${what} multiplier ${mult}`);
            };
            pair((k, o) => k.depthwiseConv(x, w, g, mult, o), outPix * oc, 'depthwiseConv');
            pair((k, o) => k.depthwiseBackpropInput(w, dy, g, mult, o), inN, 'depthwiseBackpropInput');
            pair((k, o) => k.depthwiseBackpropFilter(x, dy, g, mult, o), g.kH * g.kW * oc, 'depthwiseBackpropFilter');
          }
        });
      });

      it('reuses the arena across calls of different sizes (no stale data between calls)', () => {
        const small: Window2D = window2d([1, 4, 4, 2], 3, 3, { strides: [1, 1], padding: 'SAME' }, 'test');
        const big: Window2D = window2d([8, 20, 20, 2], 3, 3, { strides: [1, 1], padding: 'SAME' }, 'test');
        for (const g of [big, small, big]) {
          const x = random(g.batch * g.inH * g.inW * g.inC, g.batch);
          const dy = random(g.batch * g.outH * g.outW * g.inC, 3);
          const got = new Float32Array(x.length);
          const want = new Float32Array(x.length);
          wk.avgPoolGrad(dy, g, got);
          jsKernels.avgPoolGrad(dy, g, want);
          sameBits(got, want, `avgPoolGrad batch ${g.batch}`);
        }
      });

      it('leaves float64 data and small calls to TypeScript', () => {
        Object.assign(thresholds, saved);
        try {
          const g: Window2D = window2d([1, 3, 3, 1], 2, 2, { strides: [1, 1], padding: 'VALID' }, 'test');
          const before = calls;
          const out = new Float32Array(4);
          wk.maxPool(random(9, 1), g, out);
          wk.conv2d(random(9, 2), random(4, 3), g, 1, out);
          wk.avgPool(Float64Array.from(random(9, 4)), g, new Float64Array(4));
          assert.equal(calls, before);
        } finally {
          Object.assign(thresholds, { matmul: 0, elementwise: 0, reduce: 0, window: 0 });
        }
      });

      it('sent every call above to WebAssembly', () => {
        // Per geometry: 3 output depths × 3 convolution kernels, 2 inputs × 5 pool kernels,
        // 3 multipliers × 3 depthwise kernels; then the 3 arena calls.
        assert.equal(calls, GEOMETRIES.length * (9 + 10 + 9) + 3);
      });
    });
  }
});
