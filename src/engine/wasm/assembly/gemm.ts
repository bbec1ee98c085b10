// Single-precision matrix multiply C = op(A)·op(B), row-major, blocked and packed in the manner of
// GotoBLAS: a KC×NC block of B is packed into NR-column panels, an MC×KC block of A into MR-row
// panels, and an MR×NR register tile of C accumulates in f32x4 registers across the KC loop.
// Products accumulate in f32 (see docs/kernels.md, "Numerics"): the TypeScript path keeps the
// API's double accumulation for the small shapes where bit-exactness matters.
import { packPatches, packPatchesTransposed } from './window';

// 4×8 tile: 8 accumulators + 2 B vectors + 1 broadcast A + 1 product = 12 of V8's 15 usable xmm
// registers, so nothing spills. 5×8 and 6×8 tiles (10 and 12 accumulators) spill in V8 and ran
// at about half the speed (6×8: 27 against 51 GFLOP/s at 512³); unrolling k by two made the
// relaxed-SIMD build spill too (28 GFLOP/s).
export const MR: i32 = 4;
export const NR: i32 = 8;
// KC×NR·4 B = 8 KiB B micro-panel and MR×KC·4 B = 4 KiB A micro-panel stay in L1;
// MC×KC·4 B = 128 KiB A block and KC×NC·4 B = 512 KiB B block stay in the 1 MiB L2. KC from
// 128 to 512 and NC from 256 to 2048 measured within 3% of each other at 512³ and 1024³.
export const KC: i32 = 256;
export const MC: i32 = 128;
export const NC: i32 = 512;

/** Bytes of scratch the caller must provide at `work` for sgemm (packed A, packed B, edge tile). */
export function sgemmWorkBytes(): i32 {
  return (MC * KC + KC * NC + MR * NR) * 4;
}

@inline function madd(a: v128, b: v128, acc: v128): v128 {
  // Fused where the engine offers relaxed SIMD (one instruction, one rounding); otherwise mul+add.
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, acc);
  return f32x4.add(acc, f32x4.mul(a, b));
}

/** MR×NR tile: C[tile] (+)= Apanel(MR×kc) · Bpanel(kc×NR). ldc in bytes. */
@inline function micro(pa: usize, pb: usize, kc: i32, c: usize, ldc: usize, accumulate: bool): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  for (let k = 0; k < kc; k++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let a = v128.load32_splat(pa);
    c00 = madd(a, b0, c00); c01 = madd(a, b1, c01);
    a = v128.load32_splat(pa, 4);
    c10 = madd(a, b0, c10); c11 = madd(a, b1, c11);
    a = v128.load32_splat(pa, 8);
    c20 = madd(a, b0, c20); c21 = madd(a, b1, c21);
    a = v128.load32_splat(pa, 12);
    c30 = madd(a, b0, c30); c31 = madd(a, b1, c31);
    pa += MR * 4;
    pb += NR * 4;
  }
  if (accumulate) {
    c00 = f32x4.add(c00, v128.load(c)); c01 = f32x4.add(c01, v128.load(c, 16));
    c10 = f32x4.add(c10, v128.load(c + ldc)); c11 = f32x4.add(c11, v128.load(c + ldc, 16));
    c20 = f32x4.add(c20, v128.load(c + 2 * ldc)); c21 = f32x4.add(c21, v128.load(c + 2 * ldc, 16));
    c30 = f32x4.add(c30, v128.load(c + 3 * ldc)); c31 = f32x4.add(c31, v128.load(c + 3 * ldc, 16));
  }
  v128.store(c, c00); v128.store(c, c01, 16);
  v128.store(c + ldc, c10); v128.store(c + ldc, c11, 16);
  v128.store(c + 2 * ldc, c20); v128.store(c + 2 * ldc, c21, 16);
  v128.store(c + 3 * ldc, c30); v128.store(c + 3 * ldc, c31, 16);
}

/** Packs op(A)[i0:i0+mc, p0:p0+kc] into MR-row panels, [panel][k][MR], zero-padding the last. */
function packA(a: usize, lda: i32, transA: bool, i0: i32, p0: i32, mc: i32, kc: i32, dst: usize): void {
  for (let ip = 0; ip < mc; ip += MR) {
    const rows = min(MR, mc - ip);
    if (transA) {
      // op(A)[i][k] = A[k][i]: the MR values of one k are contiguous.
      let src = a + ((<usize>p0 * lda + i0 + ip) << 2);
      if (rows == MR) {
        for (let k = 0; k < kc; k++) {
          v128.store(dst, v128.load(src));
          src += <usize>lda << 2;
          dst += MR * 4;
        }
      } else {
        for (let k = 0; k < kc; k++) {
          for (let r = 0; r < MR; r++) store<f32>(dst + (r << 2), r < rows ? load<f32>(src + (r << 2)) : 0);
          src += <usize>lda << 2;
          dst += MR * 4;
        }
      }
    } else {
      const src = a + ((<usize>(i0 + ip) * lda + p0) << 2);
      const ld = <usize>lda << 2;
      if (rows == MR) {
        for (let k = 0; k < kc; k++) {
          const s = src + (<usize>k << 2);
          store<f32>(dst, load<f32>(s));
          store<f32>(dst, load<f32>(s + ld), 4);
          store<f32>(dst, load<f32>(s + 2 * ld), 8);
          store<f32>(dst, load<f32>(s + 3 * ld), 12);
          dst += MR * 4;
        }
      } else {
        for (let k = 0; k < kc; k++) {
          for (let r = 0; r < MR; r++) {
            store<f32>(dst + (r << 2), r < rows ? load<f32>(src + <usize>r * ld + (<usize>k << 2)) : 0);
          }
          dst += MR * 4;
        }
      }
    }
  }
}

/** Packs op(B)[p0:p0+kc, j0:j0+nc] into NR-column panels, [panel][k][NR], zero-padding the last. */
function packB(b: usize, ldb: i32, transB: bool, p0: i32, j0: i32, kc: i32, nc: i32, dst: usize): void {
  for (let jp = 0; jp < nc; jp += NR) {
    const cols = min(NR, nc - jp);
    if (!transB) {
      let src = b + ((<usize>p0 * ldb + j0 + jp) << 2);
      if (cols == NR) {
        for (let k = 0; k < kc; k++) {
          v128.store(dst, v128.load(src));
          v128.store(dst, v128.load(src, 16), 16);
          src += <usize>ldb << 2;
          dst += NR * 4;
        }
      } else {
        for (let k = 0; k < kc; k++) {
          for (let j = 0; j < NR; j++) store<f32>(dst + (j << 2), j < cols ? load<f32>(src + (j << 2)) : 0);
          src += <usize>ldb << 2;
          dst += NR * 4;
        }
      }
    } else {
      // op(B)[k][j] = B[j][k]: gather one value from each of NR rows.
      const src = b + ((<usize>(j0 + jp) * ldb + p0) << 2);
      const ld = <usize>ldb << 2;
      for (let k = 0; k < kc; k++) {
        const s = src + (<usize>k << 2);
        for (let j = 0; j < NR; j++) store<f32>(dst + (j << 2), j < cols ? load<f32>(s + <usize>j * ld) : 0);
        dst += NR * 4;
      }
    }
  }
}

/**
 * C[M×N] = op(A)[M×K] · op(B)[K×N]; all row-major f32, pointers in bytes, leading dimensions in
 * elements of the stored (untransposed) matrices. `work` must hold sgemmWorkBytes() bytes.
 */
export function sgemm(
  M: i32, N: i32, K: i32,
  a: usize, lda: i32, transA: bool,
  b: usize, ldb: i32, transB: bool,
  c: usize, ldc: i32, work: usize,
): void {
  gemm(M, N, K, a, lda, transA ? A_TRANSPOSED : A_STORED, b, ldb, transB, c, ldc, work);
}

// How gemm reads A: a stored matrix, its transpose, or a convolution's patch matrix (or its
// transpose) gathered from the input image `a` as it is packed (window.ts), never built whole.
export const A_STORED: i32 = 0;
export const A_TRANSPOSED: i32 = 1;
export const A_PATCHES: i32 = 2;
export const A_PATCHES_TRANSPOSED: i32 = 3;

/** sgemm with op(A) chosen by `aMode` (lda is unused for the patch modes). */
export function gemm(
  M: i32, N: i32, K: i32,
  a: usize, lda: i32, aMode: i32,
  b: usize, ldb: i32, transB: bool,
  c: usize, ldc: i32, work: usize,
): void {
  if (K == 0) {
    for (let i = 0; i < M; i++) memory.fill(c + ((<usize>i * ldc) << 2), 0, <usize>N << 2);
    return;
  }
  const pa = work;
  const pb = pa + <usize>(MC * KC * 4);
  const tile = pb + <usize>(KC * NC * 4);
  const ldcB = <usize>ldc << 2;
  for (let jc = 0; jc < N; jc += NC) {
    const nc = min(NC, N - jc);
    for (let pc = 0; pc < K; pc += KC) {
      const kc = min(KC, K - pc);
      const accumulate = pc > 0;
      packB(b, ldb, transB, pc, jc, kc, nc, pb);
      for (let ic = 0; ic < M; ic += MC) {
        const mc = min(MC, M - ic);
        if (aMode == A_PATCHES) packPatches(a, ic, pc, mc, kc, pa);
        else if (aMode == A_PATCHES_TRANSPOSED) packPatchesTransposed(a, ic, pc, mc, kc, pa);
        else packA(a, lda, aMode == A_TRANSPOSED, ic, pc, mc, kc, pa);
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = min(NR, nc - jr);
          const bp = pb + (<usize>(jr * kc) << 2);
          for (let ir = 0; ir < mc; ir += MR) {
            const mr = min(MR, mc - ir);
            const ap = pa + (<usize>(ir * kc) << 2);
            const cp = c + ((<usize>(ic + ir) * ldc + jc + jr) << 2);
            if (mr == MR && nr == NR) {
              micro(ap, bp, kc, cp, ldcB, accumulate);
            } else {
              micro(ap, bp, kc, tile, NR * 4, false);
              for (let r = 0; r < mr; r++) {
                for (let j = 0; j < nr; j++) {
                  const dst = cp + <usize>r * ldcB + (<usize>j << 2);
                  const v = load<f32>(tile + (<usize>(r * NR + j) << 2));
                  store<f32>(dst, accumulate ? load<f32>(dst) + v : v);
                }
              }
            }
          }
        }
      }
    }
  }
}
