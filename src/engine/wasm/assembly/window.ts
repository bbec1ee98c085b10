// The window kernels of convolution and pooling (NHWC), the WebAssembly side of
// src/engine/kernelsConv.ts: convolution as sgemm over the patch matrix (gathered from the image
// while the sgemm packs it, never built whole) and col2im, the pools and their gradients,
// depthwise convolution. Sums the TypeScript
// kernels accumulate in double are accumulated in f64 here too, in the same order, so every
// kernel but the sgemm-based convolutions gives the TypeScript kernel's bits.
import { A_PATCHES, A_PATCHES_TRANSPOSED, A_STORED, A_TRANSPOSED, MR, gemm, sgemm } from './gemm';

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

/**
 * For each input row ih (or column), the window rows i (ascending) and output rows that read it:
 * count at `cnt` [inSize], pairs at `taps`/`outs` [inSize·k]. col2im's gather then needs no
 * division per pixel.
 */
function readers(inSize: i32, k: i32, d: i32, s: i32, pad: i32, outSize: i32, cnt: usize, taps: usize, outs: usize): void {
  for (let p = 0; p < inSize; p++) {
    let count = 0;
    for (let i = 0; i < k; i++) {
      const t = p + pad - i * d;
      if (t < 0 || t % s != 0 || t / s >= outSize) continue;
      const at = (<usize>(p * k + count)) << 2;
      store<i32>(taps + at, i);
      store<i32>(outs + at, t / s);
      count++;
    }
    store<i32>(cnt + (<usize>p << 2), count);
  }
}

/**
 * The adjoint of im2col: out[n, ih, iw, c] = Σ of the patch entries that read it, gathered in f64
 * in window order (as the TypeScript kernel). `scratch`: inH·(1 + 2·kH) + inW·(1 + 2·kW) i32.
 */
function col2im(col: usize, out: usize, scratch: usize): void {
  const c = C, kH = KH, kW = KW, oH = OH, oW = OW, iH = IH, iW = IW;
  const K = kH * kW * c;
  const cntH = scratch;
  const tapH = cntH + (<usize>iH << 2);
  const outH = tapH + (<usize>(iH * kH) << 2);
  const cntW = outH + (<usize>(iH * kH) << 2);
  const tapW = cntW + (<usize>iW << 2);
  const outW = tapW + (<usize>(iW * kW) << 2);
  readers(iH, kH, DH, SH, PT, oH, cntH, tapH, outH);
  readers(iW, kW, DW, SW, PL, oW, cntW, tapW, outW);
  let dst = out;
  for (let n = 0; n < B; n++) {
    for (let ih = 0; ih < iH; ih++) {
      const rc = load<i32>(cntH + (<usize>ih << 2));
      const rt = tapH + (<usize>(ih * kH) << 2);
      const ro = outH + (<usize>(ih * kH) << 2);
      for (let iw = 0; iw < iW; iw++) {
        const cc = load<i32>(cntW + (<usize>iw << 2));
        const ct = tapW + (<usize>(iw * kW) << 2);
        const co = outW + (<usize>(iw * kW) << 2);
        for (let k = 0; k < c; k++) {
          let s: f64 = 0;
          for (let a = 0; a < rc; a++) {
            const i = load<i32>(rt + (<usize>a << 2));
            const row = (n * oH + load<i32>(ro + (<usize>a << 2))) * oW;
            for (let b = 0; b < cc; b++) {
              const at = (row + load<i32>(co + (<usize>b << 2))) * K + (i * kW + load<i32>(ct + (<usize>b << 2))) * c + k;
              s += <f64>load<f32>(col + (<usize>at << 2));
            }
          }
          store<f32>(dst, <f32>s);
          dst += 4;
        }
      }
    }
  }
}

/** Writes `n` zeros down a packed panel column (stride MR floats) from `d`; returns the next position. */
@inline function zerosDown(d: usize, n: i32): usize {
  for (let q = 0; q < n; q++) {
    store<f32>(d, 0);
    d += MR * 4;
  }
  return d;
}

/** Copies `n` contiguous floats from `src` down a packed panel column from `d`; returns the next position. */
@inline function copyDown(d: usize, src: usize, n: i32): usize {
  for (let q = 0; q < n; q++) {
    store<f32>(d, load<f32>(src + (<usize>q << 2)));
    d += MR * 4;
  }
  return d;
}

/**
 * gemm's packA for the patch matrix of `x` (rows: output pixels, columns: (i, j, c) window
 * entries), read straight from the image: rows i0…i0+mc, columns p0…p0+kc into MR-row panels
 * [panel][k][MR], 0 in the padding and past the last row. Counters, not divisions, per entry.
 */
export function packPatches(x: usize, i0: i32, p0: i32, mc: i32, kc: i32, dst: usize): void {
  const c = C, kW = KW, oH = OH, oW = OW, iH = IH, iW = IW, dH = DH, dW = DW;
  const imgB = <usize>(iH * iW * c) << 2;
  const tap0 = p0 / c;
  const ch0 = p0 - tap0 * c;
  const i0w = tap0 / kW;
  const j0w = tap0 - i0w * kW;
  // The output pixel of the first row, then stepped along.
  let ow = i0 % oW;
  let oh = (i0 / oW) % oH;
  let img = x + <usize>(i0 / oW / oH) * imgB;
  for (let ip = 0; ip < mc; ip += MR) {
    for (let r = 0; r < MR; r++) {
      let d = dst + (<usize>r << 2);
      if (ip + r >= mc) {
        zerosDown(d, kc);
        continue;
      }
      let ih = oh * SH + i0w * dH - PT;
      const iwStart = ow * SW - PL;
      let iw = iwStart + j0w * dW;
      let j = j0w;
      let ch = ch0;
      let k = 0;
      while (k < kc) {
        // A whole window row inside the image, undilated, is kW·c contiguous floats of x.
        if (j == 0 && ch == 0 && dW == 1 && <u32>ih < <u32>iH && iw >= 0 && iw + kW <= iW) {
          const run = min(kW * c, kc - k);
          d = copyDown(d, img + (<usize>((ih * iW + iw) * c) << 2), run);
          k += run;
          ih += dH;
          continue;
        }
        const run = min(c - ch, kc - k);
        if (<u32>ih < <u32>iH && <u32>iw < <u32>iW) d = copyDown(d, img + (<usize>((ih * iW + iw) * c + ch) << 2), run);
        else d = zerosDown(d, run);
        k += run;
        ch = 0;
        iw += dW;
        if (++j == kW) {
          j = 0;
          iw = iwStart;
          ih += dH;
        }
      }
      if (++ow == oW) {
        ow = 0;
        if (++oh == oH) {
          oh = 0;
          img += imgB;
        }
      }
    }
    dst += <usize>(kc * MR) << 2;
  }
}

/**
 * gemm's packA for the transposed patch matrix (rows: window entries, columns: output pixels):
 * rows i0…i0+mc, columns p0…p0+kc into MR-row panels [panel][k][MR], a run of output pixels of
 * one output row at a time.
 */
export function packPatchesTransposed(x: usize, i0: i32, p0: i32, mc: i32, kc: i32, dst: usize): void {
  const c = C, kW = KW, oH = OH, oW = OW, iH = IH, iW = IW, sH = SH, sW = SW;
  const imgB = <usize>(iH * iW * c) << 2;
  const stepB = <usize>(sW * c) << 2;
  const owStart = p0 % oW;
  const ohStart = (p0 / oW) % oH;
  const nStart = p0 / oW / oH;
  for (let ip = 0; ip < mc; ip += MR) {
    for (let r = 0; r < MR; r++) {
      let d = dst + (<usize>r << 2);
      const e = i0 + ip + r;
      if (ip + r >= mc) {
        zerosDown(d, kc);
        continue;
      }
      // Entry e is window tap (i, j), channel ch: it reads input (oh·sH + dh, ow·sW + dw).
      const tap = e / c;
      const ch = e - tap * c;
      const i = tap / kW;
      const dh = i * DH - PT;
      const dw = (tap - i * kW) * DW - PL;
      let ow = owStart;
      let oh = ohStart;
      let img = x + <usize>nStart * imgB + (<usize>ch << 2);
      let k = 0;
      while (k < kc) {
        const run = min(oW - ow, kc - k);
        const ih = oh * sH + dh;
        if (<u32>ih < <u32>iH) {
          let iw = ow * sW + dw;
          let src = img + (<usize>((ih * iW + iw) * c) << 2);
          for (let q = 0; q < run; q++) {
            store<f32>(d, <u32>iw < <u32>iW ? load<f32>(src) : 0);
            iw += sW;
            src += stepB;
            d += MR * 4;
          }
        } else {
          d = zerosDown(d, run);
        }
        k += run;
        ow += run;
        if (ow == oW) {
          ow = 0;
          if (++oh == oH) {
            oh = 0;
            img += imgB;
          }
        }
      }
    }
    dst += <usize>(kc * MR) << 2;
  }
}

/** Whether the patches are the input itself (1×1 window, stride 1, no padding). */
@inline function pointwise(): bool {
  return KH == 1 && KW == 1 && SH == 1 && SW == 1 && PT == 0 && PL == 0;
}

/** Conv2D: out[M, oc] = patches(x)[M, K] · w[K, oc], the patches gathered as the sgemm packs them; `work` is sgemm's scratch. */
export function conv2d(x: usize, w: usize, oc: i32, out: usize, work: usize): void {
  const M = B * OH * OW;
  const K = KH * KW * C;
  gemm(M, oc, K, x, K, pointwise() ? A_STORED : A_PATCHES, w, oc, false, out, oc, work);
}

/** Conv2DBackpropFilter: dw[K, oc] = patches(x)ᵀ · dy[M, oc]. */
export function conv2dBackpropFilter(x: usize, dy: usize, oc: i32, out: usize, work: usize): void {
  const M = B * OH * OW;
  const K = KH * KW * C;
  gemm(K, oc, M, x, K, pointwise() ? A_TRANSPOSED : A_PATCHES_TRANSPOSED, dy, oc, false, out, oc, work);
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
 * order among equal values, −1 for an empty window (TypeScript's argMaxes). Four channels at a
 * time: the first tap's values, then a later tap's where it is strictly greater (a NaN never wins,
 * as in the TypeScript comparison). `scratch`: 2·kH·kW i32.
 */
export function maxPoolArg(x: usize, arg: usize, scratch: usize): void {
  const c = C;
  const c4 = c & ~3;
  const pix = scratch;
  const tap = scratch + (<usize>(KH * KW) << 2);
  const lanes = i32x4(0, 1, 2, 3);
  let dst = arg;
  for (let n = 0; n < B; n++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        const count = windowTaps(n, oh, ow, pix, tap);
        if (count == 0) {
          for (let k = 0; k < c; k++) store<i32>(dst + (<usize>k << 2), -1);
          dst += <usize>c << 2;
          continue;
        }
        const first = load<i32>(pix) * c;
        let k = 0;
        for (; k < c4; k += 4) {
          let idx = i32x4.add(i32x4.splat(first + k), lanes);
          let best = v128.load(x + (<usize>(first + k) << 2));
          for (let t = 1; t < count; t++) {
            const at = load<i32>(pix + (<usize>t << 2)) * c + k;
            const v = v128.load(x + (<usize>at << 2));
            const m = f32x4.gt(v, best);
            best = v128.bitselect(v, best, m);
            idx = v128.bitselect(i32x4.add(i32x4.splat(at), lanes), idx, m);
          }
          v128.store(dst + (<usize>k << 2), idx);
        }
        for (; k < c; k++) {
          let best = first + k;
          let bestV = load<f32>(x + (<usize>best << 2));
          for (let t = 1; t < count; t++) {
            const at = load<i32>(pix + (<usize>t << 2)) * c + k;
            const v = load<f32>(x + (<usize>at << 2));
            if (v > bestV) {
              best = at;
              bestV = v;
            }
          }
          store<i32>(dst + (<usize>k << 2), best);
        }
        dst += <usize>c << 2;
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
