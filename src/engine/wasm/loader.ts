/**
 * Loads the WebAssembly kernel module synchronously from the base64 bytes that
 * scripts/buildWasm.mjs embeds at build time (no file lookup, no fetch, no await: it works in the
 * runner's worker, the CLI, tests and any bundle), and manages its linear memory as a scratch
 * arena that each kernel call fills from offset `heapBase` on.
 */
import { RELAXED_BASE64, SIMD_BASE64 } from './generated/kernelsWasm';

/** The module's exports (src/engine/wasm/assembly/index.ts). Pointers are byte offsets. */
export interface KernelExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  sgemmWorkBytes(): number;
  sgemm(m: number, n: number, k: number, a: number, lda: number, transA: number, b: number, ldb: number, transB: number,
    c: number, ldc: number, work: number): void;
  binary(op: number, x: number, xMode: number, y: number, yMode: number, out: number, rows: number, cols: number): void;
  unary(op: number, x: number, out: number, n: number): void;
  sum(x: number, out: number, outer: number, r: number, inner: number, divisor: number): void;
  compare(op: number, x: number, xMode: number, y: number, yMode: number, out: number, rows: number, cols: number): void;
  select(cond: number, a: number, aStride: number, b: number, bStride: number, out: number, n: number): void;
  /** Sets the geometry of the window calls that follow (src/engine/wasm/assembly/window.ts). */
  setWindow(batch: number, inH: number, inW: number, inC: number, kH: number, kW: number, outH: number, outW: number,
    strideH: number, strideW: number, dilH: number, dilW: number, padTop: number, padLeft: number): void;
  conv2d(x: number, w: number, oc: number, out: number, work: number): void;
  conv2dBackpropFilter(x: number, dy: number, oc: number, out: number, work: number): void;
  conv2dBackpropInput(w: number, dy: number, oc: number, out: number, dcol: number, work: number, scratch: number): void;
  maxPool(x: number, out: number, n: number, arg: number, scratch: number): void;
  maxPoolGrad(x: number, dy: number, out: number, n: number, inN: number, arg: number, acc: number, scratch: number): void;
  maxPoolGradGrad(x: number, gx: number, out: number, n: number, arg: number, scratch: number): void;
  avgPool(x: number, out: number, scratch: number): void;
  avgPoolGrad(dy: number, out: number, inN: number, acc: number, scratch: number): void;
  depthwiseConv(x: number, w: number, mult: number, out: number, acc: number, scratch: number): void;
  depthwiseBackpropInput(w: number, dy: number, mult: number, out: number, scratch: number): void;
  depthwiseBackpropFilter(x: number, dy: number, mult: number, out: number, acc: number, scratch: number): void;
  /** Benchmark only: `iters` iterations of 12 register-only f32x4 chains (src/engine/wasm/assembly/peak.ts). */
  peakProbe(iters: number, x: number, y: number): number;
  /** Flops per peakProbe iteration. */
  peakProbeFlops(): number;
}

/** `relaxed`: SIMD with relaxed-SIMD fused multiply-add; `simd`: plain WebAssembly SIMD. */
export type WasmFlavor = 'relaxed' | 'simd';

export interface KernelModule {
  readonly flavor: WasmFlavor;
  readonly exports: KernelExports;
  /** Bytes of scratch sgemm needs for its packed panels. */
  readonly gemmWork: number;
  /**
   * Makes the arena at least `bytes` long (from heapBase) and returns a Float32Array over the
   * whole memory, or null if the memory cannot grow that far (the caller then stays in TS).
   */
  reserve(bytes: number): Float32Array | null;
  /** First arena byte. */
  readonly base: number;
}

function decodeBase64(s: string): Uint8Array<ArrayBuffer> {
  if (typeof atob === 'function') {
    const bin = atob(s);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }
  // Hosts without atob (none known today): a plain decoder, four characters to three bytes.
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const clean = s.replace(/=+$/, '');
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let bits = 0;
  let value = 0;
  let o = 0;
  for (let i = 0; i < clean.length; i++) {
    value = (value << 6) | alphabet.indexOf(clean[i]);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (value >> bits) & 0xff;
    }
  }
  return out;
}

const PAGE = 65536;

function instantiate(bytes: Uint8Array<ArrayBuffer>, flavor: WasmFlavor): KernelModule {
  const mod = new WebAssembly.Module(bytes);
  // AssemblyScript's abort import; the kernels are built with --noAssert and never call it.
  const instance = new WebAssembly.Instance(mod, {
    env: { abort: () => { throw new Error('gradtape: WebAssembly kernel aborted'); } },
  });
  const exports = instance.exports as unknown as KernelExports;
  const base = (exports.heapBase() + 15) & ~15;
  const memory = exports.memory;
  let view = new Float32Array(memory.buffer);
  return {
    flavor,
    exports,
    base,
    gemmWork: exports.sgemmWorkBytes(),
    reserve(bytes: number): Float32Array | null {
      const need = base + bytes;
      const have = memory.buffer.byteLength;
      if (need > have) {
        try {
          memory.grow(Math.ceil((need - have) / PAGE));
        } catch {
          return null;
        }
      }
      // grow() detaches the old buffer: views are rebuilt against the new one.
      if (view.buffer !== memory.buffer) view = new Float32Array(memory.buffer);
      return view;
    },
  };
}

/**
 * A fresh instance of one variant, or null if this host cannot compile it. Not cached: tests
 * and the benchmark use it to run both variants side by side.
 */
export function instantiateFlavor(flavor: WasmFlavor): KernelModule | null {
  if (typeof WebAssembly !== 'object') return null;
  const bytes = decodeBase64(flavor === 'relaxed' ? RELAXED_BASE64 : SIMD_BASE64);
  return WebAssembly.validate(bytes) ? instantiate(bytes, flavor) : null;
}

let cached: { flavor: WasmFlavor | 'auto'; module: KernelModule | null } | undefined;

/**
 * The kernel module, compiled on first use, or null where WebAssembly SIMD is missing.
 * `prefer: 'simd'` skips the relaxed variant (tests and the benchmark compare the two).
 */
export function loadKernelModule(prefer: WasmFlavor | 'auto' = 'auto'): KernelModule | null {
  if (cached && cached.flavor === prefer) return cached.module;
  const module = (prefer !== 'simd' ? instantiateFlavor('relaxed') : null) ?? instantiateFlavor('simd');
  cached = { flavor: prefer, module };
  return module;
}

/** @internal Tests: forget the compiled module so the next load runs detection again. */
export function forgetKernelModule(): void {
  cached = undefined;
}
