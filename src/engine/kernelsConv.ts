/**
 * The window kernels behind convolution and pooling (NHWC): im2col and its adjoint, the pooling
 * loops, and depthwise convolution. Plain loops over typed arrays, as in kernels.ts (which merges
 * them into the swappable `kernels` object); each output element is accumulated in double and
 * rounded once when stored.
 */
import type { TypedArray } from './dtype';

/**
 * One window op over an NHWC input [batch, inH, inW, inC] with a kH×kW window: output [batch, outH,
 * outW, ·]; window position (oh, ow) and tap (i, j) read input row oh·strideH + i·dilH − padTop and
 * column ow·strideW + j·dilW − padLeft (outside the input: padding).
 */
export interface Window2D {
  batch: number;
  inH: number;
  inW: number;
  inC: number;
  kH: number;
  kW: number;
  outH: number;
  outW: number;
  strideH: number;
  strideW: number;
  dilH: number;
  dilW: number;
  padTop: number;
  padLeft: number;
}

/**
 * The taps of the window at output pixel (n, oh, ow) that fall inside the input: for each, the input
 * pixel's index (n·inH·inW + ih·inW + iw) in `pix` and the tap's index (i·kW + j) in `tap`. Returns
 * how many (window order: row-major).
 */
function windowTaps(g: Window2D, n: number, oh: number, ow: number, pix: Int32Array, tap: Int32Array): number {
  let count = 0;
  for (let i = 0; i < g.kH; i++) {
    const ih = oh * g.strideH + i * g.dilH - g.padTop;
    if (ih < 0 || ih >= g.inH) continue;
    for (let j = 0; j < g.kW; j++) {
      const iw = ow * g.strideW + j * g.dilW - g.padLeft;
      if (iw < 0 || iw >= g.inW) continue;
      pix[count] = (n * g.inH + ih) * g.inW + iw;
      tap[count++] = i * g.kW + j;
    }
  }
  return count;
}

/** The adjoint view: the windows that read input pixel (n, ih, iw), as output pixel indices in `pix` and tap indices in `tap`. */
function readerTaps(g: Window2D, n: number, ih: number, iw: number, pix: Int32Array, tap: Int32Array): number {
  let count = 0;
  for (let i = 0; i < g.kH; i++) {
    const th = ih + g.padTop - i * g.dilH;
    if (th < 0 || th % g.strideH !== 0 || th / g.strideH >= g.outH) continue;
    for (let j = 0; j < g.kW; j++) {
      const tw = iw + g.padLeft - j * g.dilW;
      if (tw < 0 || tw % g.strideW !== 0 || tw / g.strideW >= g.outW) continue;
      pix[count] = (n * g.outH + th / g.strideH) * g.outW + tw / g.strideW;
      tap[count++] = i * g.kW + j;
    }
  }
  return count;
}

/** Calls `f(outputPixel, count)` for every output pixel, with its window's taps in `pix`/`tap` (see windowTaps). */
function eachOutputPixel(g: Window2D, pix: Int32Array, tap: Int32Array, f: (o: number, count: number) => void): void {
  for (let n = 0; n < g.batch; n++) {
    for (let oh = 0; oh < g.outH; oh++) {
      for (let ow = 0; ow < g.outW; ow++) f((n * g.outH + oh) * g.outW + ow, windowTaps(g, n, oh, ow, pix, tap));
    }
  }
}

/** Calls `f(inputPixel, count)` for every input pixel, with the windows reading it in `pix`/`tap` (see readerTaps). */
function eachInputPixel(g: Window2D, pix: Int32Array, tap: Int32Array, f: (p: number, count: number) => void): void {
  for (let n = 0; n < g.batch; n++) {
    for (let ih = 0; ih < g.inH; ih++) {
      for (let iw = 0; iw < g.inW; iw++) f((n * g.inH + ih) * g.inW + iw, readerTaps(g, n, ih, iw, pix, tap));
    }
  }
}

const tapBuffers = (g: Window2D): [Int32Array, Int32Array] => [new Int32Array(g.kH * g.kW), new Int32Array(g.kH * g.kW)];

/** col[(n, oh, ow), (i, j, c)] = x[n, ih, iw, c], 0 in the padding: the patch matrix of a convolution. */
export function im2col(x: TypedArray, g: Window2D, col: TypedArray): void {
  const c = g.inC;
  const K = g.kH * g.kW * c;
  const [pix, tap] = tapBuffers(g);
  eachOutputPixel(g, pix, tap, (o, count) => {
    const row = o * K;
    if (count < g.kH * g.kW) col.fill(0, row, row + K);
    for (let t = 0; t < count; t++) {
      const s = pix[t] * c;
      const d = row + tap[t] * c;
      for (let k = 0; k < c; k++) col[d + k] = x[s + k];
    }
  });
}

/** The adjoint of im2col: out[n, ih, iw, c] = Σ of the patch entries that read it (a gather per input pixel, in double). */
export function col2im(col: TypedArray, g: Window2D, out: TypedArray): void {
  const c = g.inC;
  const K = g.kH * g.kW * c;
  const acc = new Float64Array(c);
  const [pix, tap] = tapBuffers(g);
  eachInputPixel(g, pix, tap, (p, count) => {
    acc.fill(0);
    for (let t = 0; t < count; t++) {
      const s = pix[t] * K + tap[t] * c;
      for (let k = 0; k < c; k++) acc[k] += col[s + k];
    }
    for (let k = 0; k < c; k++) out[p * c + k] = acc[k];
  });
}

/** The input index of each output's maximum (the first in window order among equal values; −1 for an empty window). */
function argMaxes(x: TypedArray, g: Window2D): Int32Array {
  const c = g.inC;
  const arg = new Int32Array(g.batch * g.outH * g.outW * c);
  const [pix, tap] = tapBuffers(g);
  eachOutputPixel(g, pix, tap, (o, count) => {
    for (let k = 0; k < c; k++) {
      let best = -1;
      let bestV = -Infinity;
      for (let t = 0; t < count; t++) {
        const v = x[pix[t] * c + k];
        if (best < 0 || v > bestV) {
          best = pix[t] * c + k;
          bestV = v;
        }
      }
      arg[o * c + k] = best;
    }
  });
  return arg;
}

/** MaxPool: the largest value of each window. */
export function maxPool(x: TypedArray, g: Window2D, out: TypedArray): void {
  const arg = argMaxes(x, g);
  for (let o = 0; o < out.length; o++) out[o] = arg[o] < 0 ? -Infinity : x[arg[o]];
}

/** MaxPoolGrad: each output's gradient added at its window's maximum (TensorFlow's first-maximum rule). */
export function maxPoolGrad(x: TypedArray, g: Window2D, dy: TypedArray, out: TypedArray): void {
  const arg = argMaxes(x, g);
  const acc = new Float64Array(out.length);
  for (let o = 0; o < arg.length; o++) if (arg[o] >= 0) acc[arg[o]] += dy[o];
  for (let i = 0; i < out.length; i++) out[i] = acc[i];
}

/** MaxPoolGradGrad: each output takes the input-shaped `gx` at its window's maximum. */
export function maxPoolGradGrad(x: TypedArray, g: Window2D, gx: TypedArray, out: TypedArray): void {
  const arg = argMaxes(x, g);
  for (let o = 0; o < out.length; o++) out[o] = arg[o] < 0 ? 0 : gx[arg[o]];
}

/** AvgPool: the mean of each window over its positions inside the input (padding is not counted). */
export function avgPool(x: TypedArray, g: Window2D, out: TypedArray): void {
  const c = g.inC;
  const [pix, tap] = tapBuffers(g);
  eachOutputPixel(g, pix, tap, (o, count) => {
    for (let k = 0; k < c; k++) {
      let s = 0;
      for (let t = 0; t < count; t++) s += x[pix[t] * c + k];
      out[o * c + k] = s / count;
    }
  });
}

/** AvgPoolGrad: each output's gradient spread evenly over its window. */
export function avgPoolGrad(dy: TypedArray, g: Window2D, out: TypedArray): void {
  const c = g.inC;
  const acc = new Float64Array(out.length);
  const [pix, tap] = tapBuffers(g);
  eachOutputPixel(g, pix, tap, (o, count) => {
    for (let k = 0; k < c; k++) {
      const share = dy[o * c + k] / count;
      for (let t = 0; t < count; t++) acc[pix[t] * c + k] += share;
    }
  });
  for (let i = 0; i < out.length; i++) out[i] = acc[i];
}

/** DepthwiseConv2dNative: out[n, oh, ow, c·M + m] = Σᵢⱼ x[n, ih, iw, c]·w[i, j, c, m] (`g.inC` = C, `mult` = M). */
export function depthwiseConv(x: TypedArray, w: TypedArray, g: Window2D, mult: number, out: TypedArray): void {
  const c = g.inC;
  const oc = c * mult;
  const acc = new Float64Array(oc);
  const [pix, tap] = tapBuffers(g);
  eachOutputPixel(g, pix, tap, (o, count) => {
    acc.fill(0);
    for (let t = 0; t < count; t++) {
      const xs = pix[t] * c;
      const ws = tap[t] * oc;
      for (let k = 0; k < c; k++) {
        const xv = x[xs + k];
        for (let m = 0; m < mult; m++) acc[k * mult + m] += xv * w[ws + k * mult + m];
      }
    }
    for (let q = 0; q < oc; q++) out[o * oc + q] = acc[q];
  });
}

/** DepthwiseConv2dNativeBackpropInput: dx[n, ih, iw, c] = Σ over the windows reading it of Σₘ dy·w. */
export function depthwiseBackpropInput(w: TypedArray, dy: TypedArray, g: Window2D, mult: number, out: TypedArray): void {
  const c = g.inC;
  const oc = c * mult;
  const acc = new Float64Array(c);
  const [pix, tap] = tapBuffers(g);
  eachInputPixel(g, pix, tap, (p, count) => {
    acc.fill(0);
    for (let t = 0; t < count; t++) {
      const ds = pix[t] * oc;
      const ws = tap[t] * oc;
      for (let k = 0; k < c; k++) {
        let s = 0;
        for (let m = 0; m < mult; m++) s += dy[ds + k * mult + m] * w[ws + k * mult + m];
        acc[k] += s;
      }
    }
    for (let k = 0; k < c; k++) out[p * c + k] = acc[k];
  });
}

/** DepthwiseConv2dNativeBackpropFilter: dw[i, j, c, m] = Σ over batch and positions of x[n, ih, iw, c]·dy[n, oh, ow, c·M + m]. */
export function depthwiseBackpropFilter(x: TypedArray, dy: TypedArray, g: Window2D, mult: number, out: TypedArray): void {
  const c = g.inC;
  const oc = c * mult;
  const acc = new Float64Array(g.kH * g.kW * oc);
  const [pix, tap] = tapBuffers(g);
  eachOutputPixel(g, pix, tap, (o, count) => {
    const ds = o * oc;
    for (let t = 0; t < count; t++) {
      const xs = pix[t] * c;
      const ws = tap[t] * oc;
      for (let k = 0; k < c; k++) {
        const xv = x[xs + k];
        for (let m = 0; m < mult; m++) acc[ws + k * mult + m] += xv * dy[ds + k * mult + m];
      }
    }
  });
  for (let q = 0; q < acc.length; q++) out[q] = acc[q];
}

// ──── Convolution through a matrix product ────

/** A matrix product with kernels.ts's matmul signature (the TypeScript one: double accumulation). */
type Matmul = (a: TypedArray, aOff: number, b: TypedArray, bOff: number, out: TypedArray, outOff: number,
  m: number, k: number, n: number, transposeA: boolean, transposeB: boolean) => void;

// Reused patch buffers, one per storage type (a convolution of a batch needs a few MB).
let scratch32 = new Float32Array(0);
let scratch64 = new Float64Array(0);
function scratchLike(x: TypedArray, size: number): TypedArray {
  if (x instanceof Float32Array) {
    if (scratch32.length < size) scratch32 = new Float32Array(Math.max(size, 2 * scratch32.length));
    return scratch32;
  }
  if (scratch64.length < size) scratch64 = new Float64Array(Math.max(size, 2 * scratch64.length));
  return scratch64;
}

/** Whether the patches are the input itself (1×1 window, stride 1, no padding). */
export function pointwise(g: Window2D): boolean {
  return g.kH === 1 && g.kW === 1 && g.strideH === 1 && g.strideW === 1 && g.padTop === 0 && g.padLeft === 0;
}

/** The patch matrix [batch·outH·outW, kH·kW·inC] of `x`, in a reused buffer (or `x` itself). */
function patches(x: TypedArray, g: Window2D): TypedArray {
  if (pointwise(g)) return x;
  const col = scratchLike(x, g.batch * g.outH * g.outW * g.kH * g.kW * g.inC);
  im2col(x, g, col);
  return col;
}

/**
 * Conv2D and its two backprops as im2col/col2im around `matmul` (kernels.ts passes its TypeScript
 * matmul). Callers handle empty shapes: here M = batch·outH·outW, K = kH·kW·inC and outC are > 0.
 */
export function gemmConvKernels(matmul: Matmul) {
  return {
    /** Conv2D: out[M, outC] = patches(x)[M, K] · filter[K, outC] (HWIO is already K×outC). */
    conv2d(x: TypedArray, filter: TypedArray, g: Window2D, outC: number, out: TypedArray): void {
      matmul(patches(x, g), 0, filter, 0, out, 0, g.batch * g.outH * g.outW, g.kH * g.kW * g.inC, outC, false, false);
    },
    /** Conv2DBackpropFilter: dfilter[K, outC] = patches(x)ᵀ · dy[M, outC]. */
    conv2dBackpropFilter(x: TypedArray, dy: TypedArray, g: Window2D, outC: number, out: TypedArray): void {
      matmul(patches(x, g), 0, dy, 0, out, 0, g.kH * g.kW * g.inC, g.batch * g.outH * g.outW, outC, true, false);
    },
    /** Conv2DBackpropInput: the patch gradients dy[M, outC] · filterᵀ, summed back into the input (col2im). */
    conv2dBackpropInput(filter: TypedArray, dy: TypedArray, g: Window2D, outC: number, out: TypedArray): void {
      const m = g.batch * g.outH * g.outW;
      const k = g.kH * g.kW * g.inC;
      if (pointwise(g)) return matmul(dy, 0, filter, 0, out, 0, m, outC, k, false, true);
      const dcol = scratchLike(out, m * k);
      matmul(dy, 0, filter, 0, dcol, 0, m, outC, k, false, true);
      col2im(dcol, g, out);
    },
  };
}

export const convKernels = {
  maxPool, maxPoolGrad, maxPoolGradGrad, avgPool, avgPoolGrad, depthwiseConv, depthwiseBackpropInput, depthwiseBackpropFilter,
};
