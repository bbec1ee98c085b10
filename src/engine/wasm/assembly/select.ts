// Comparisons (float32 in, bool bytes out) and select (bool bytes choose between two float32
// operands): together the ReLU backward pass, where(x > 0, dy, 0). Exact: they only compare and
// move bits. Comparison operands are laid out as in elementwise.ts (FULL, ROW, COL, SCALAR).
import { COL, FULL, ROW } from './elementwise';

// Comparison ops. Keep in step with COMPARE_CODE in src/engine/wasm/kernels.ts.
export const GT: i32 = 0;
export const LT: i32 = 1;
export const GE: i32 = 2;
export const LE: i32 = 3;
export const EQ: i32 = 4;

@inline function vcmp(op: i32, x: v128, y: v128): v128 {
  if (op == GT) return f32x4.gt(x, y);
  if (op == LT) return f32x4.lt(x, y);
  if (op == GE) return f32x4.ge(x, y);
  if (op == LE) return f32x4.le(x, y);
  return f32x4.eq(x, y);
}

@inline function scmp(op: i32, x: f32, y: f32): u8 {
  if (op == GT) return x > y ? 1 : 0;
  if (op == LT) return x < y ? 1 : 0;
  if (op == GE) return x >= y ? 1 : 0;
  if (op == LE) return x <= y ? 1 : 0;
  return x == y ? 1 : 0;
}

@inline function narrow4(m0: v128, m1: v128, m2: v128, m3: v128): v128 {
  // Four f32x4 masks (−1 or 0 per lane) narrow to sixteen bytes, then 1 or 0.
  return v128.and(i8x16.narrow_i16x8_s(i16x8.narrow_i32x4_s(m0, m1), i16x8.narrow_i32x4_s(m2, m3)), i8x16.splat(1));
}

@inline function cmpRow(op: i32, x: usize, xs: i32, y: usize, ys: i32, out: usize, n: i32): void {
  let j = 0;
  // Separate loops per layout, so no load ever reads past a one-value operand.
  if (xs == 1 && ys == 1) {
    for (; j + 16 <= n; j += 16) {
      const o = <usize>j << 2;
      v128.store(out + <usize>j, narrow4(
        vcmp(op, v128.load(x + o), v128.load(y + o)), vcmp(op, v128.load(x + o, 16), v128.load(y + o, 16)),
        vcmp(op, v128.load(x + o, 32), v128.load(y + o, 32)), vcmp(op, v128.load(x + o, 48), v128.load(y + o, 48))));
    }
  } else if (xs == 1) {
    const yv = v128.load32_splat(y);
    for (; j + 16 <= n; j += 16) {
      const o = <usize>j << 2;
      v128.store(out + <usize>j, narrow4(vcmp(op, v128.load(x + o), yv), vcmp(op, v128.load(x + o, 16), yv),
        vcmp(op, v128.load(x + o, 32), yv), vcmp(op, v128.load(x + o, 48), yv)));
    }
  } else if (ys == 1) {
    const xv = v128.load32_splat(x);
    for (; j + 16 <= n; j += 16) {
      const o = <usize>j << 2;
      v128.store(out + <usize>j, narrow4(vcmp(op, xv, v128.load(y + o)), vcmp(op, xv, v128.load(y + o, 16)),
        vcmp(op, xv, v128.load(y + o, 32)), vcmp(op, xv, v128.load(y + o, 48))));
    }
  }
  for (; j < n; j++) {
    store<u8>(out + <usize>j, scmp(op, load<f32>(x + (<usize>(j * xs) << 2)), load<f32>(y + (<usize>(j * ys) << 2))));
  }
}

@inline function cmpLoop(op: i32, x: usize, xMode: i32, y: usize, yMode: i32, out: usize, rows: i32, cols: i32): void {
  const rowBytes = <usize>cols << 2;
  for (let i = 0; i < rows; i++) {
    const xr = xMode == FULL ? x + <usize>i * rowBytes : xMode == COL ? x + (<usize>i << 2) : x;
    const yr = yMode == FULL ? y + <usize>i * rowBytes : yMode == COL ? y + (<usize>i << 2) : y;
    const xs = xMode == FULL || xMode == ROW ? 1 : 0;
    const ys = yMode == FULL || yMode == ROW ? 1 : 0;
    cmpRow(op, xr, xs, yr, ys, out + <usize>i * <usize>cols, cols);
  }
}

/** out[rows×cols] (bytes, 1 or 0) = x op y. */
export function compare(op: i32, x: usize, xMode: i32, y: usize, yMode: i32, out: usize, rows: i32, cols: i32): void {
  switch (op) {
    case GT: cmpLoop(GT, x, xMode, y, yMode, out, rows, cols); break;
    case LT: cmpLoop(LT, x, xMode, y, yMode, out, rows, cols); break;
    case GE: cmpLoop(GE, x, xMode, y, yMode, out, rows, cols); break;
    case LE: cmpLoop(LE, x, xMode, y, yMode, out, rows, cols); break;
    default: cmpLoop(EQ, x, xMode, y, yMode, out, rows, cols); break;
  }
}

/**
 * out[n] = cond[i] != 0 ? a : b, where cond is n bytes and a, b are each n floats (stride 1) or
 * one float repeated (stride 0).
 */
export function select(cond: usize, a: usize, aStride: i32, b: usize, bStride: i32, out: usize, n: i32): void {
  if (aStride && bStride) selectLoop(cond, a, 1, b, 1, out, n);
  else if (aStride) selectLoop(cond, a, 1, b, 0, out, n);
  else if (bStride) selectLoop(cond, a, 0, b, 1, out, n);
  else selectLoop(cond, a, 0, b, 0, out, n);
}

@inline function selectLoop(cond: usize, a: usize, aStride: i32, b: usize, bStride: i32, out: usize, n: i32): void {
  const av = v128.load32_splat(a);
  const bv = v128.load32_splat(b);
  const zero = i32x4.splat(0);
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    const o = <usize>j << 2;
    // Four condition bytes widen to four i32 lanes; a lane is taken from a where its byte is set.
    const c = i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(cond + <usize>j)));
    const x = aStride ? v128.load(a + o) : av;
    const y = bStride ? v128.load(b + o) : bv;
    v128.store(out + o, v128.bitselect(x, y, i32x4.ne(c, zero)));
  }
  for (; j < n; j++) {
    const x = load<f32>(a + (<usize>(j * aStride) << 2));
    const y = load<f32>(b + (<usize>(j * bStride) << 2));
    store<f32>(out + (<usize>j << 2), load<u8>(cond + <usize>j) != 0 ? x : y);
  }
}
