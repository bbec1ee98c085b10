// Elementwise kernels, f32x4 over the contiguous run. Every op here gives the same bits as the
// API's rule "compute in double, round once to float32": IEEE f32 +, −, ×, ÷ and sqrt are
// correctly rounded, and rounding a double result of two floats to float gives the same value
// (53 ≥ 2·24 + 2), so f32 arithmetic is exact to the rule. squaredDifference has two steps
// ((a−b)²), so it is computed in f64x2 like the TypeScript kernel and rounded once.

// Binary ops. Keep in step with BINARY_CODE in src/engine/wasm/kernels.ts.
export const ADD: i32 = 0;
export const SUB: i32 = 1;
export const MUL: i32 = 2;
export const DIV: i32 = 3;
export const SQDIFF: i32 = 4;
export const MAX: i32 = 5;
export const MIN: i32 = 6;

// Unary ops. Keep in step with UNARY_CODE in src/engine/wasm/kernels.ts.
export const NEG: i32 = 0;
export const ABS: i32 = 1;
export const SQRT: i32 = 2;
export const SQUARE: i32 = 3;
export const RELU: i32 = 4;

// How an operand is laid out against the [rows, cols] output (src/engine/wasm/kernels.ts collapses NumPy
// broadcasting to one of these, or keeps the op on the TypeScript path).
export const FULL: i32 = 0; // [rows, cols]
export const ROW: i32 = 1; // [cols], repeated for every row
export const COL: i32 = 2; // [rows], repeated along each row
export const SCALAR: i32 = 3; // one value

@inline function sqdiff64(x: v128, y: v128): v128 {
  const lo = f64x2.sub(f64x2.promote_low_f32x4(x), f64x2.promote_low_f32x4(y));
  const xh = v128.shuffle<f32>(x, x, 2, 3, 2, 3);
  const yh = v128.shuffle<f32>(y, y, 2, 3, 2, 3);
  const hi = f64x2.sub(f64x2.promote_low_f32x4(xh), f64x2.promote_low_f32x4(yh));
  const l = f32x4.demote_f64x2_zero(f64x2.mul(lo, lo));
  const h = f32x4.demote_f64x2_zero(f64x2.mul(hi, hi));
  return v128.shuffle<f32>(l, h, 0, 1, 4, 5);
}

@inline function vbin(op: i32, x: v128, y: v128): v128 {
  if (op == ADD) return f32x4.add(x, y);
  if (op == SUB) return f32x4.sub(x, y);
  if (op == MUL) return f32x4.mul(x, y);
  if (op == DIV) return f32x4.div(x, y);
  // max/min as the TypeScript kernel defines them (x ≥ y or x is NaN ? x : y), which is not
  // f32x4.max: on a tie of −0 and +0 the first operand wins, and NaN in either propagates.
  if (op == MAX) return v128.bitselect(x, y, v128.or(f32x4.ge(x, y), f32x4.ne(x, x)));
  if (op == MIN) return v128.bitselect(x, y, v128.or(f32x4.le(x, y), f32x4.ne(x, x)));
  return sqdiff64(x, y);
}

@inline function sbin(op: i32, x: f32, y: f32): f32 {
  if (op == ADD) return x + y;
  if (op == SUB) return x - y;
  if (op == MUL) return x * y;
  if (op == DIV) return x / y;
  if (op == MAX) return x >= y || x != x ? x : y;
  if (op == MIN) return x <= y || x != x ? x : y;
  const d = <f64>x - <f64>y;
  return <f32>(d * d);
}

/** One row: out[j] = x[j] op y[j], where a stride of 0 repeats that operand's first value. */
@inline function binRow(op: i32, x: usize, xs: i32, y: usize, ys: i32, out: usize, n: i32): void {
  let j = 0;
  if (xs == 1 && ys == 1) {
    for (; j + 4 <= n; j += 4) {
      const o = <usize>j << 2;
      v128.store(out + o, vbin(op, v128.load(x + o), v128.load(y + o)));
    }
  } else if (xs == 1) {
    const yv = v128.load32_splat(y);
    for (; j + 4 <= n; j += 4) {
      const o = <usize>j << 2;
      v128.store(out + o, vbin(op, v128.load(x + o), yv));
    }
  } else if (ys == 1) {
    const xv = v128.load32_splat(x);
    for (; j + 4 <= n; j += 4) {
      const o = <usize>j << 2;
      v128.store(out + o, vbin(op, xv, v128.load(y + o)));
    }
  }
  for (; j < n; j++) {
    store<f32>(out + (<usize>j << 2), sbin(op, load<f32>(x + (<usize>(j * xs) << 2)), load<f32>(y + (<usize>(j * ys) << 2))));
  }
}

@inline function binLoop(op: i32, x: usize, xMode: i32, y: usize, yMode: i32, out: usize, rows: i32, cols: i32): void {
  const rowBytes = <usize>cols << 2;
  for (let i = 0; i < rows; i++) {
    const xr = xMode == FULL ? x + <usize>i * rowBytes : xMode == COL ? x + (<usize>i << 2) : x;
    const yr = yMode == FULL ? y + <usize>i * rowBytes : yMode == COL ? y + (<usize>i << 2) : y;
    const xs = xMode == FULL || xMode == ROW ? 1 : 0;
    const ys = yMode == FULL || yMode == ROW ? 1 : 0;
    binRow(op, xr, xs, yr, ys, out + <usize>i * rowBytes, cols);
  }
}

/** out[rows×cols] = x op y, each operand laid out as FULL, ROW, COL or SCALAR. */
export function binary(op: i32, x: usize, xMode: i32, y: usize, yMode: i32, out: usize, rows: i32, cols: i32): void {
  // One specialised loop per op, so the op test is hoisted out of the inner loop.
  switch (op) {
    case ADD: binLoop(ADD, x, xMode, y, yMode, out, rows, cols); break;
    case SUB: binLoop(SUB, x, xMode, y, yMode, out, rows, cols); break;
    case MUL: binLoop(MUL, x, xMode, y, yMode, out, rows, cols); break;
    case DIV: binLoop(DIV, x, xMode, y, yMode, out, rows, cols); break;
    case MAX: binLoop(MAX, x, xMode, y, yMode, out, rows, cols); break;
    case MIN: binLoop(MIN, x, xMode, y, yMode, out, rows, cols); break;
    default: binLoop(SQDIFF, x, xMode, y, yMode, out, rows, cols); break;
  }
}

@inline function vun(op: i32, x: v128): v128 {
  if (op == NEG) return f32x4.neg(x);
  if (op == ABS) return f32x4.abs(x);
  if (op == SQRT) return f32x4.sqrt(x);
  if (op == SQUARE) return f32x4.mul(x, x);
  // relu(x) = x > 0 ? x : 0, so relu(NaN) = 0 and relu(−0) = +0, as in the TypeScript kernel.
  const zero = f32x4.splat(0);
  return v128.bitselect(x, zero, f32x4.gt(x, zero));
}

@inline function sun(op: i32, x: f32): f32 {
  if (op == NEG) return -x;
  if (op == ABS) return abs<f32>(x);
  if (op == SQRT) return sqrt<f32>(x);
  if (op == SQUARE) return x * x;
  return x > 0 ? x : 0;
}

@inline function unLoop(op: i32, x: usize, out: usize, n: i32): void {
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    const o = <usize>j << 2;
    v128.store(out + o, vun(op, v128.load(x + o)));
  }
  for (; j < n; j++) store<f32>(out + (<usize>j << 2), sun(op, load<f32>(x + (<usize>j << 2))));
}

/** out[n] = op(x[n]). */
export function unary(op: i32, x: usize, out: usize, n: i32): void {
  switch (op) {
    case NEG: unLoop(NEG, x, out, n); break;
    case ABS: unLoop(ABS, x, out, n); break;
    case SQRT: unLoop(SQRT, x, out, n); break;
    case SQUARE: unLoop(SQUARE, x, out, n); break;
    default: unLoop(RELU, x, out, n); break;
  }
}
