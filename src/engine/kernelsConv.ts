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

/** col[(n, oh, ow), (i, j, c)] = x[n, ih, iw, c], 0 in the padding: the patch matrix of a convolution. */
export function im2col(x: TypedArray, g: Window2D, col: TypedArray): void {
  const { batch, inH, inW, inC: c, kH, kW, outH, outW, strideH, strideW, dilH, dilW, padTop, padLeft } = g;
  let o = 0;
  for (let n = 0; n < batch; n++) {
    const xn = n * inH * inW * c;
    for (let oh = 0; oh < outH; oh++) {
      for (let ow = 0; ow < outW; ow++) {
        for (let i = 0; i < kH; i++) {
          const ih = oh * strideH + i * dilH - padTop;
          const rowIn = ih >= 0 && ih < inH;
          for (let j = 0; j < kW; j++) {
            const iw = ow * strideW + j * dilW - padLeft;
            if (rowIn && iw >= 0 && iw < inW) {
              const s = xn + (ih * inW + iw) * c;
              for (let k = 0; k < c; k++) col[o + k] = x[s + k];
            } else {
              for (let k = 0; k < c; k++) col[o + k] = 0;
            }
            o += c;
          }
        }
      }
    }
  }
}

/** The adjoint of im2col: out[n, ih, iw, c] = Σ of the patch entries that read it (a gather per input pixel). */
export function col2im(col: TypedArray, g: Window2D, out: TypedArray): void {
  const { batch, inH, inW, inC: c, kH, kW, outH, outW, strideH, strideW, dilH, dilW, padTop, padLeft } = g;
  const K = kH * kW * c;
  const acc = new Float64Array(c);
  for (let n = 0; n < batch; n++) {
    for (let ih = 0; ih < inH; ih++) {
      for (let iw = 0; iw < inW; iw++) {
        acc.fill(0);
        for (let i = 0; i < kH; i++) {
          const th = ih + padTop - i * dilH;
          if (th < 0 || th % strideH !== 0) continue;
          const oh = th / strideH;
          if (oh >= outH) continue;
          for (let j = 0; j < kW; j++) {
            const tw = iw + padLeft - j * dilW;
            if (tw < 0 || tw % strideW !== 0) continue;
            const ow = tw / strideW;
            if (ow >= outW) continue;
            const s = ((n * outH + oh) * outW + ow) * K + (i * kW + j) * c;
            for (let k = 0; k < c; k++) acc[k] += col[s + k];
          }
        }
        const d = ((n * inH + ih) * inW + iw) * c;
        for (let k = 0; k < c; k++) out[d + k] = acc[k];
      }
    }
  }
}

/**
 * Visits every pooling window: `f(outIndex, first, last)` per output element, where the window's
 * input offsets (channel 0) are listed in `taps[first..last)` (window order: row-major; padding
 * left out).
 */
function eachWindow(g: Window2D, taps: Int32Array, f: (o: number, channel: number, count: number) => void): void {
  const { batch, inH, inW, inC: c, kH, kW, outH, outW, strideH, strideW, padTop, padLeft } = g;
  for (let n = 0; n < batch; n++) {
    for (let oh = 0; oh < outH; oh++) {
      for (let ow = 0; ow < outW; ow++) {
        let count = 0;
        for (let i = 0; i < kH; i++) {
          const ih = oh * strideH + i - padTop;
          if (ih < 0 || ih >= inH) continue;
          for (let j = 0; j < kW; j++) {
            const iw = ow * strideW + j - padLeft;
            if (iw < 0 || iw >= inW) continue;
            taps[count++] = ((n * inH + ih) * inW + iw) * c;
          }
        }
        const o = ((n * outH + oh) * outW + ow) * c;
        for (let k = 0; k < c; k++) f(o + k, k, count);
      }
    }
  }
}

/** The input index of each output's maximum (the first in window order among equal values; −1 for an empty window). */
function argMaxes(x: TypedArray, g: Window2D): Int32Array {
  const arg = new Int32Array(g.batch * g.outH * g.outW * g.inC);
  const taps = new Int32Array(g.kH * g.kW);
  eachWindow(g, taps, (o, k, count) => {
    let best = -1;
    let bestV = -Infinity;
    for (let t = 0; t < count; t++) {
      const v = x[taps[t] + k];
      if (best < 0 || v > bestV) {
        best = taps[t] + k;
        bestV = v;
      }
    }
    arg[o] = best;
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
  const taps = new Int32Array(g.kH * g.kW);
  eachWindow(g, taps, (o, k, count) => {
    let s = 0;
    for (let t = 0; t < count; t++) s += x[taps[t] + k];
    out[o] = s / count;
  });
}

/** AvgPoolGrad: each output's gradient spread evenly over its window. */
export function avgPoolGrad(dy: TypedArray, g: Window2D, out: TypedArray): void {
  const taps = new Int32Array(g.kH * g.kW);
  const acc = new Float64Array(out.length);
  eachWindow(g, taps, (o, k, count) => {
    const share = dy[o] / count;
    for (let t = 0; t < count; t++) acc[taps[t] + k] += share;
  });
  for (let i = 0; i < out.length; i++) out[i] = acc[i];
}

/** DepthwiseConv2dNative: out[n, oh, ow, c·M + m] = Σᵢⱼ x[n, ih, iw, c]·w[i, j, c, m] (`g.inC` = C, `mult` = M). */
export function depthwiseConv(x: TypedArray, w: TypedArray, g: Window2D, mult: number, out: TypedArray): void {
  const { batch, inH, inW, inC: c, kH, kW, outH, outW, strideH, strideW, dilH, dilW, padTop, padLeft } = g;
  const oc = c * mult;
  const acc = new Float64Array(oc);
  for (let n = 0; n < batch; n++) {
    for (let oh = 0; oh < outH; oh++) {
      for (let ow = 0; ow < outW; ow++) {
        acc.fill(0);
        for (let i = 0; i < kH; i++) {
          const ih = oh * strideH + i * dilH - padTop;
          if (ih < 0 || ih >= inH) continue;
          for (let j = 0; j < kW; j++) {
            const iw = ow * strideW + j * dilW - padLeft;
            if (iw < 0 || iw >= inW) continue;
            const xs = ((n * inH + ih) * inW + iw) * c;
            const ws = (i * kW + j) * oc;
            for (let k = 0; k < c; k++) {
              const xv = x[xs + k];
              for (let m = 0; m < mult; m++) acc[k * mult + m] += xv * w[ws + k * mult + m];
            }
          }
        }
        const o = ((n * outH + oh) * outW + ow) * oc;
        for (let q = 0; q < oc; q++) out[o + q] = acc[q];
      }
    }
  }
}

/** DepthwiseConv2dNativeBackpropInput: dx[n, ih, iw, c] = Σ over the windows reading it of Σₘ dy·w. */
export function depthwiseBackpropInput(w: TypedArray, dy: TypedArray, g: Window2D, mult: number, out: TypedArray): void {
  const { batch, inH, inW, inC: c, kH, kW, outH, outW, strideH, strideW, dilH, dilW, padTop, padLeft } = g;
  const oc = c * mult;
  const acc = new Float64Array(c);
  for (let n = 0; n < batch; n++) {
    for (let ih = 0; ih < inH; ih++) {
      for (let iw = 0; iw < inW; iw++) {
        acc.fill(0);
        for (let i = 0; i < kH; i++) {
          const th = ih + padTop - i * dilH;
          if (th < 0 || th % strideH !== 0) continue;
          const oh = th / strideH;
          if (oh >= outH) continue;
          for (let j = 0; j < kW; j++) {
            const tw = iw + padLeft - j * dilW;
            if (tw < 0 || tw % strideW !== 0) continue;
            const ow = tw / strideW;
            if (ow >= outW) continue;
            const ds = ((n * outH + oh) * outW + ow) * oc;
            const ws = (i * kW + j) * oc;
            for (let k = 0; k < c; k++) {
              let s = 0;
              for (let m = 0; m < mult; m++) s += dy[ds + k * mult + m] * w[ws + k * mult + m];
              acc[k] += s;
            }
          }
        }
        const d = ((n * inH + ih) * inW + iw) * c;
        for (let k = 0; k < c; k++) out[d + k] = acc[k];
      }
    }
  }
}

/** DepthwiseConv2dNativeBackpropFilter: dw[i, j, c, m] = Σ over batch and positions of x[n, ih, iw, c]·dy[n, oh, ow, c·M + m]. */
export function depthwiseBackpropFilter(x: TypedArray, dy: TypedArray, g: Window2D, mult: number, out: TypedArray): void {
  const { batch, inH, inW, inC: c, kH, kW, outH, outW, strideH, strideW, dilH, dilW, padTop, padLeft } = g;
  const oc = c * mult;
  const acc = new Float64Array(kH * kW * oc);
  for (let n = 0; n < batch; n++) {
    for (let oh = 0; oh < outH; oh++) {
      for (let ow = 0; ow < outW; ow++) {
        const ds = ((n * outH + oh) * outW + ow) * oc;
        for (let i = 0; i < kH; i++) {
          const ih = oh * strideH + i * dilH - padTop;
          if (ih < 0 || ih >= inH) continue;
          for (let j = 0; j < kW; j++) {
            const iw = ow * strideW + j * dilW - padLeft;
            if (iw < 0 || iw >= inW) continue;
            const xs = ((n * inH + ih) * inW + iw) * c;
            const ws = (i * kW + j) * oc;
            for (let k = 0; k < c; k++) {
              const xv = x[xs + k];
              for (let m = 0; m < mult; m++) acc[ws + k * mult + m] += xv * dy[ds + k * mult + m];
            }
          }
        }
      }
    }
  }
  for (let q = 0; q < acc.length; q++) out[q] = acc[q];
}

export const convKernels = {
  im2col, col2im, maxPool, maxPoolGrad, maxPoolGradGrad, avgPool, avgPoolGrad, depthwiseConv, depthwiseBackpropInput, depthwiseBackpropFilter,
};
