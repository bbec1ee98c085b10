// The window kernels of convolution and pooling (NHWC), the WebAssembly side of
// src/engine/kernelsConv.ts: im2col and col2im, convolution as im2col + sgemm without leaving the
// module's memory, the pools and their gradients, depthwise convolution. Sums the TypeScript
// kernels accumulate in double are accumulated in f64 here too, in the same order, so every
// kernel but the sgemm-based convolutions gives the TypeScript kernel's bits.
import { sgemm } from './gemm';

// The geometry of the next call (setWindow), as kernelsConv.ts's Window2D: input [batch, inH, inW,
// inC], a kH×kW window, output [batch, outH, outW, ·]; tap (i, j) of output (oh, ow) reads input row
// oh·sH + i·dH − pT and column ow·sW + j·dW − pL.
let B: i32 = 0, IH: i32 = 0, IW: i32 = 0, C: i32 = 0, KH: i32 = 0, KW: i32 = 0, OH: i32 = 0, OW: i32 = 0;
let SH: i32 = 1, SW: i32 = 1, DH: i32 = 1, DW: i32 = 1, PT: i32 = 0, PL: i32 = 0;

/** Sets the geometry the following window calls use. */
export function setWindow(batch: i32, inH: i32, inW: i32, inC: i32, kH: i32, kW: i32, outH: i32, outW: i32,
  strideH: i32, strideW: i32, dilH: i32, dilW: i32, padTop: i32, padLeft: i32): void {
  B = batch; IH = inH; IW = inW; C = inC; KH = kH; KW = kW; OH = outH; OW = outW;
  SH = strideH; SW = strideW; DH = dilH; DW = dilW; PT = padTop; PL = padLeft;
}

/**
 * The taps of output pixel (n, oh, ow) inside the input: the input pixel index of each at `pix`
 * and its tap index (i·kW + j) at `tap` (i32 arrays of kH·kW), in window order. Returns how many.
 */
@inline function windowTaps(n: i32, oh: i32, ow: i32, pix: usize, tap: usize): i32 {
  let count = 0;
  for (let i = 0; i < KH; i++) {
    const ih = oh * SH + i * DH - PT;
    if (<u32>ih >= <u32>IH) continue;
    const row = (n * IH + ih) * IW;
    for (let j = 0; j < KW; j++) {
      const iw = ow * SW + j * DW - PL;
      if (<u32>iw >= <u32>IW) continue;
      store<i32>(pix + (<usize>count << 2), row + iw);
      store<i32>(tap + (<usize>count << 2), i * KW + j);
      count++;
    }
  }
  return count;
}

/** The windows that read input pixel (n, ih, iw): output pixel indices at `pix`, tap indices at `tap`. */
@inline function readerTaps(n: i32, ih: i32, iw: i32, pix: usize, tap: usize): i32 {
  let count = 0;
  for (let i = 0; i < KH; i++) {
    const th = ih + PT - i * DH;
    if (th < 0 || th % SH != 0 || th / SH >= OH) continue;
    const row = (n * OH + th / SH) * OW;
    for (let j = 0; j < KW; j++) {
      const tw = iw + PL - j * DW;
      if (tw < 0 || tw % SW != 0 || tw / SW >= OW) continue;
      store<i32>(pix + (<usize>count << 2), row + tw / SW);
      store<i32>(tap + (<usize>count << 2), i * KW + j);
      count++;
    }
  }
  return count;
}

/** Copies `c` floats (a pixel's channels). */
@inline function copyPixel(dst: usize, src: usize, c: i32): void {
  if (c == 1) store<f32>(dst, load<f32>(src));
  else memory.copy(dst, src, <usize>c << 2);
}

/** col[(n, oh, ow), (i, j, c)] = x[n, ih, iw, c], 0 in the padding. */
export function im2col(x: usize, col: usize): void {
  const c = C;
  const pixB = <usize>c << 2;
  let dst = col;
  for (let n = 0; n < B; n++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        for (let i = 0; i < KH; i++) {
          const ih = oh * SH + i * DH - PT;
          if (<u32>ih >= <u32>IH) {
            memory.fill(dst, 0, <usize>KW * pixB);
            dst += <usize>KW * pixB;
            continue;
          }
          const row = x + <usize>((n * IH + ih) * IW) * pixB;
          for (let j = 0; j < KW; j++) {
            const iw = ow * SW + j * DW - PL;
            if (<u32>iw >= <u32>IW) memory.fill(dst, 0, pixB);
            else copyPixel(dst, row + <usize>iw * pixB, c);
            dst += pixB;
          }
        }
      }
    }
  }
}

/** The adjoint of im2col: out[n, ih, iw, c] = Σ of the patch entries that read it, gathered in f64. `scratch`: 2·kH·kW i32. */
export function col2im(col: usize, out: usize, scratch: usize): void {
  const c = C;
  const K = KH * KW * c;
  const pix = scratch;
  const tap = scratch + (<usize>(KH * KW) << 2);
  let dst = out;
  for (let n = 0; n < B; n++) {
    for (let ih = 0; ih < IH; ih++) {
      for (let iw = 0; iw < IW; iw++) {
        const count = readerTaps(n, ih, iw, pix, tap);
        for (let k = 0; k < c; k++) {
          let s: f64 = 0;
          for (let t = 0; t < count; t++) {
            const at = load<i32>(pix + (<usize>t << 2)) * K + load<i32>(tap + (<usize>t << 2)) * c + k;
            s += <f64>load<f32>(col + (<usize>at << 2));
          }
          store<f32>(dst, <f32>s);
          dst += 4;
        }
      }
    }
  }
}

/** Whether the patches are the input itself (1×1 window, stride 1, no padding). */
@inline function pointwise(): bool {
  return KH == 1 && KW == 1 && SH == 1 && SW == 1 && PT == 0 && PL == 0;
}

/** Conv2D: out[M, oc] = patches(x)[M, K] · w[K, oc]; `col` holds M·K floats (unused for a 1×1 window), `work` sgemm's scratch. */
export function conv2d(x: usize, w: usize, oc: i32, out: usize, col: usize, work: usize): void {
  const M = B * OH * OW;
  const K = KH * KW * C;
  let a = x;
  if (!pointwise()) {
    im2col(x, col);
    a = col;
  }
  sgemm(M, oc, K, a, K, false, w, oc, false, out, oc, work);
}

/** Conv2DBackpropFilter: dw[K, oc] = patches(x)ᵀ · dy[M, oc]. */
export function conv2dBackpropFilter(x: usize, dy: usize, oc: i32, out: usize, col: usize, work: usize): void {
  const M = B * OH * OW;
  const K = KH * KW * C;
  let a = x;
  if (!pointwise()) {
    im2col(x, col);
    a = col;
  }
  sgemm(K, oc, M, a, K, true, dy, oc, false, out, oc, work);
}

/** Conv2DBackpropInput: col2im(dy[M, oc] · wᵀ); `dcol` holds M·K floats (unused for a 1×1 window), `scratch` col2im's. */
export function conv2dBackpropInput(w: usize, dy: usize, oc: i32, out: usize, dcol: usize, work: usize, scratch: usize): void {
  const M = B * OH * OW;
  const K = KH * KW * C;
  if (pointwise()) {
    sgemm(M, K, oc, dy, oc, false, w, oc, true, out, K, work);
    return;
  }
  sgemm(M, K, oc, dy, oc, false, w, oc, true, dcol, K, work);
  col2im(dcol, out, scratch);
}

/**
 * The input index of each output's maximum into `arg` (i32, output-sized): the first in window
 * order among equal values, −1 for an empty window (TypeScript's argMaxes). `scratch`: 2·kH·kW i32.
 */
export function maxPoolArg(x: usize, arg: usize, scratch: usize): void {
  const c = C;
  const pix = scratch;
  const tap = scratch + (<usize>(KH * KW) << 2);
  let dst = arg;
  for (let n = 0; n < B; n++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        const count = windowTaps(n, oh, ow, pix, tap);
        for (let k = 0; k < c; k++) {
          let best = -1;
          let bestV = f32.NEGATIVE_INFINITY;
          for (let t = 0; t < count; t++) {
            const at = load<i32>(pix + (<usize>t << 2)) * c + k;
            const v = load<f32>(x + (<usize>at << 2));
            if (best < 0 || v > bestV) {
              best = at;
              bestV = v;
            }
          }
          store<i32>(dst, best);
          dst += 4;
        }
      }
    }
  }
}

/** MaxPool: out[o] = x[arg[o]] (−∞ for an empty window). `arg` is i32 scratch of n. */
export function maxPool(x: usize, out: usize, n: i32, arg: usize, scratch: usize): void {
  maxPoolArg(x, arg, scratch);
  for (let o = 0; o < n; o++) {
    const a = load<i32>(arg + (<usize>o << 2));
    store<f32>(out + (<usize>o << 2), a < 0 ? f32.NEGATIVE_INFINITY : load<f32>(x + (<usize>a << 2)));
  }
}

/** MaxPoolGrad: dy[o] added at its window's maximum, in f64 (`acc`: `inN` f64), then rounded. */
export function maxPoolGrad(x: usize, dy: usize, out: usize, n: i32, inN: i32, arg: usize, acc: usize, scratch: usize): void {
  maxPoolArg(x, arg, scratch);
  memory.fill(acc, 0, <usize>inN << 3);
  for (let o = 0; o < n; o++) {
    const a = load<i32>(arg + (<usize>o << 2));
    if (a < 0) continue;
    const p = acc + (<usize>a << 3);
    store<f64>(p, load<f64>(p) + <f64>load<f32>(dy + (<usize>o << 2)));
  }
  for (let i = 0; i < inN; i++) store<f32>(out + (<usize>i << 2), <f32>load<f64>(acc + (<usize>i << 3)));
}

/** MaxPoolGradGrad: out[o] = gx[arg[o]] (0 for an empty window). */
export function maxPoolGradGrad(x: usize, gx: usize, out: usize, n: i32, arg: usize, scratch: usize): void {
  maxPoolArg(x, arg, scratch);
  for (let o = 0; o < n; o++) {
    const a = load<i32>(arg + (<usize>o << 2));
    store<f32>(out + (<usize>o << 2), a < 0 ? <f32>0 : load<f32>(gx + (<usize>a << 2)));
  }
}

/** AvgPool: the f64 mean of each window over its positions inside the input. */
export function avgPool(x: usize, out: usize, scratch: usize): void {
  const c = C;
  const pix = scratch;
  const tap = scratch + (<usize>(KH * KW) << 2);
  let dst = out;
  for (let n = 0; n < B; n++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        const count = windowTaps(n, oh, ow, pix, tap);
        for (let k = 0; k < c; k++) {
          let s: f64 = 0;
          for (let t = 0; t < count; t++) s += <f64>load<f32>(x + (<usize>(load<i32>(pix + (<usize>t << 2)) * c + k) << 2));
          store<f32>(dst, <f32>(s / <f64>count));
          dst += 4;
        }
      }
    }
  }
}

/** AvgPoolGrad: each dy spread evenly over its window, summed in f64 (`acc`: `inN` f64). */
export function avgPoolGrad(dy: usize, out: usize, inN: i32, acc: usize, scratch: usize): void {
  const c = C;
  const pix = scratch;
  const tap = scratch + (<usize>(KH * KW) << 2);
  memory.fill(acc, 0, <usize>inN << 3);
  let src = dy;
  for (let n = 0; n < B; n++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        const count = windowTaps(n, oh, ow, pix, tap);
        for (let k = 0; k < c; k++) {
          const share = <f64>load<f32>(src) / <f64>count;
          src += 4;
          for (let t = 0; t < count; t++) {
            const p = acc + (<usize>(load<i32>(pix + (<usize>t << 2)) * c + k) << 3);
            store<f64>(p, load<f64>(p) + share);
          }
        }
      }
    }
  }
  for (let i = 0; i < inN; i++) store<f32>(out + (<usize>i << 2), <f32>load<f64>(acc + (<usize>i << 3)));
}

/** DepthwiseConv2dNative: out[o, c·M + m] = Σ_taps x·w, in f64 (`acc`: C·M f64). */
export function depthwiseConv(x: usize, w: usize, mult: i32, out: usize, acc: usize, scratch: usize): void {
  const c = C;
  const oc = c * mult;
  const pix = scratch;
  const tap = scratch + (<usize>(KH * KW) << 2);
  let dst = out;
  for (let n = 0; n < B; n++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        const count = windowTaps(n, oh, ow, pix, tap);
        memory.fill(acc, 0, <usize>oc << 3);
        for (let t = 0; t < count; t++) {
          const xs = x + (<usize>(load<i32>(pix + (<usize>t << 2)) * c) << 2);
          const ws = w + (<usize>(load<i32>(tap + (<usize>t << 2)) * oc) << 2);
          for (let k = 0; k < c; k++) {
            const xv = <f64>load<f32>(xs + (<usize>k << 2));
            for (let m = 0; m < mult; m++) {
              const q = k * mult + m;
              const p = acc + (<usize>q << 3);
              store<f64>(p, load<f64>(p) + xv * <f64>load<f32>(ws + (<usize>q << 2)));
            }
          }
        }
        for (let q = 0; q < oc; q++) {
          store<f32>(dst, <f32>load<f64>(acc + (<usize>q << 3)));
          dst += 4;
        }
      }
    }
  }
}

/** DepthwiseConv2dNativeBackpropInput: dx[p, c] = Σ over the windows reading p of Σₘ dy·w, in f64. */
export function depthwiseBackpropInput(w: usize, dy: usize, mult: i32, out: usize, scratch: usize): void {
  const c = C;
  const oc = c * mult;
  const pix = scratch;
  const tap = scratch + (<usize>(KH * KW) << 2);
  let dst = out;
  for (let n = 0; n < B; n++) {
    for (let ih = 0; ih < IH; ih++) {
      for (let iw = 0; iw < IW; iw++) {
        const count = readerTaps(n, ih, iw, pix, tap);
        for (let k = 0; k < c; k++) {
          let acc: f64 = 0;
          for (let t = 0; t < count; t++) {
            const ds = dy + (<usize>(load<i32>(pix + (<usize>t << 2)) * oc + k * mult) << 2);
            const ws = w + (<usize>(load<i32>(tap + (<usize>t << 2)) * oc + k * mult) << 2);
            let s: f64 = 0;
            for (let m = 0; m < mult; m++) s += <f64>load<f32>(ds + (<usize>m << 2)) * <f64>load<f32>(ws + (<usize>m << 2));
            acc += s;
          }
          store<f32>(dst, <f32>acc);
          dst += 4;
        }
      }
    }
  }
}

/** DepthwiseConv2dNativeBackpropFilter: dw[tap, c·M + m] = Σ x·dy over batch and positions, in f64 (`acc`: kH·kW·C·M f64). */
export function depthwiseBackpropFilter(x: usize, dy: usize, mult: i32, out: usize, acc: usize, scratch: usize): void {
  const c = C;
  const oc = c * mult;
  const pix = scratch;
  const tap = scratch + (<usize>(KH * KW) << 2);
  const total = KH * KW * oc;
  memory.fill(acc, 0, <usize>total << 3);
  let ds = dy;
  for (let n = 0; n < B; n++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        const count = windowTaps(n, oh, ow, pix, tap);
        for (let t = 0; t < count; t++) {
          const xs = x + (<usize>(load<i32>(pix + (<usize>t << 2)) * c) << 2);
          const as = acc + (<usize>(load<i32>(tap + (<usize>t << 2)) * oc) << 3);
          for (let k = 0; k < c; k++) {
            const xv = <f64>load<f32>(xs + (<usize>k << 2));
            for (let m = 0; m < mult; m++) {
              const q = k * mult + m;
              const p = as + (<usize>q << 3);
              store<f64>(p, load<f64>(p) + xv * <f64>load<f32>(ds + (<usize>q << 2)));
            }
          }
        }
        ds += <usize>oc << 2;
      }
    }
  }
  for (let q = 0; q < total; q++) store<f32>(out + (<usize>q << 2), <f32>load<f64>(acc + (<usize>q << 3)));
}
