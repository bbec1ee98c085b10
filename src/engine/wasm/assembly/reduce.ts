// Sum reductions with double accumulation (the API's rule), rounded once per output element.
// The input is viewed as [outer, r, inner] and reduced over r.

/**
 * out[o, j] = f32(Σ_i x[o, i, j] / divisor), accumulated in f64. With inner > 1 each lane keeps
 * its own output and adds in index order, the same order as the TypeScript kernel, so the result
 * is bit-identical to it. With inner == 1 (a contiguous run) four f64 partial sums are used:
 * a different order, same precision (see docs/kernels.md).
 */
export function sum(x: usize, out: usize, outer: i32, r: i32, inner: i32, divisor: f64): void {
  const innerB = <usize>inner << 2;
  const div2 = f64x2.splat(divisor);
  for (let o = 0; o < outer; o++) {
    const base = x + <usize>o * <usize>r * innerB;
    const dst = out + <usize>o * innerB;
    if (inner == 1) {
      let s0 = f64x2.splat(0), s1 = f64x2.splat(0);
      let i = 0;
      for (; i + 4 <= r; i += 4) {
        const v = v128.load(base + (<usize>i << 2));
        s0 = f64x2.add(s0, f64x2.promote_low_f32x4(v));
        s1 = f64x2.add(s1, f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 2, 3)));
      }
      const s = f64x2.add(s0, s1);
      let t = f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
      for (; i < r; i++) t += <f64>load<f32>(base + (<usize>i << 2));
      store<f32>(dst, <f32>(t / divisor));
      continue;
    }
    let j = 0;
    for (; j + 8 <= inner; j += 8) {
      let a0 = f64x2.splat(0), a1 = f64x2.splat(0), a2 = f64x2.splat(0), a3 = f64x2.splat(0);
      let p = base + (<usize>j << 2);
      for (let i = 0; i < r; i++) {
        const v = v128.load(p);
        const w = v128.load(p, 16);
        a0 = f64x2.add(a0, f64x2.promote_low_f32x4(v));
        a1 = f64x2.add(a1, f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 2, 3)));
        a2 = f64x2.add(a2, f64x2.promote_low_f32x4(w));
        a3 = f64x2.add(a3, f64x2.promote_low_f32x4(v128.shuffle<f32>(w, w, 2, 3, 2, 3)));
        p += innerB;
      }
      const lo = v128.shuffle<f32>(
        f32x4.demote_f64x2_zero(f64x2.div(a0, div2)), f32x4.demote_f64x2_zero(f64x2.div(a1, div2)), 0, 1, 4, 5);
      const hi = v128.shuffle<f32>(
        f32x4.demote_f64x2_zero(f64x2.div(a2, div2)), f32x4.demote_f64x2_zero(f64x2.div(a3, div2)), 0, 1, 4, 5);
      v128.store(dst + (<usize>j << 2), lo);
      v128.store(dst + (<usize>j << 2), hi, 16);
    }
    for (; j < inner; j++) {
      let t: f64 = 0;
      let p = base + (<usize>j << 2);
      for (let i = 0; i < r; i++) {
        t += <f64>load<f32>(p);
        p += innerB;
      }
      store<f32>(dst + (<usize>j << 2), <f32>(t / divisor));
    }
  }
}
