// A register-only f32x4 loop at the throughput the matmul needs (independent multiplies and adds,
// or fused multiply-adds with relaxed SIMD): the ceiling WebAssembly SIMD reaches on this host,
// against which bench/kernels.bench.ts reports the matmul's fraction. Not used by the engine.

/** Flops one peakProbe iteration performs. */
export function peakProbeFlops(): i32 {
  // 12 fused multiply-adds (8 flops each), or 6 multiplies + 6 adds (4 flops each).
  return ASC_FEATURE_RELAXED_SIMD ? 96 : 48;
}

/**
 * `iters` iterations of 12 independent f32x4 chains: with relaxed SIMD, acc = acc·x + y; without,
 * six acc = acc·x and six acc = acc + y, so the two kinds of pipe both stay busy (enough chains
 * to cover each instruction's latency). Pass x = 1, y = 0 so no value drifts into subnormals.
 */
export function peakProbe(iters: i32, x: f32, y: f32): f32 {
  const vx = f32x4.splat(x), vy = f32x4.splat(y);
  let a0 = f32x4.splat(1), a1 = f32x4.splat(2), a2 = f32x4.splat(3), a3 = f32x4.splat(4);
  let a4 = f32x4.splat(5), a5 = f32x4.splat(6), a6 = f32x4.splat(7), a7 = f32x4.splat(8);
  let a8 = f32x4.splat(9), a9 = f32x4.splat(10), a10 = f32x4.splat(11), a11 = f32x4.splat(12);
  for (let i = 0; i < iters; i++) {
    if (ASC_FEATURE_RELAXED_SIMD) {
      a0 = f32x4.relaxed_madd(a0, vx, vy); a1 = f32x4.relaxed_madd(a1, vx, vy);
      a2 = f32x4.relaxed_madd(a2, vx, vy); a3 = f32x4.relaxed_madd(a3, vx, vy);
      a4 = f32x4.relaxed_madd(a4, vx, vy); a5 = f32x4.relaxed_madd(a5, vx, vy);
      a6 = f32x4.relaxed_madd(a6, vx, vy); a7 = f32x4.relaxed_madd(a7, vx, vy);
      a8 = f32x4.relaxed_madd(a8, vx, vy); a9 = f32x4.relaxed_madd(a9, vx, vy);
      a10 = f32x4.relaxed_madd(a10, vx, vy); a11 = f32x4.relaxed_madd(a11, vx, vy);
    } else {
      a0 = f32x4.mul(a0, vx); a1 = f32x4.add(a1, vy); a2 = f32x4.mul(a2, vx); a3 = f32x4.add(a3, vy);
      a4 = f32x4.mul(a4, vx); a5 = f32x4.add(a5, vy); a6 = f32x4.mul(a6, vx); a7 = f32x4.add(a7, vy);
      a8 = f32x4.mul(a8, vx); a9 = f32x4.add(a9, vy); a10 = f32x4.mul(a10, vx); a11 = f32x4.add(a11, vy);
    }
  }
  const s = f32x4.add(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)), f32x4.add(f32x4.add(a4, a5), f32x4.add(a6, a7)));
  const t = f32x4.add(f32x4.add(a8, a9), f32x4.add(a10, a11));
  return f32x4.extract_lane(f32x4.add(s, t), 0);
}
