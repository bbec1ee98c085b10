import { InvalidArgumentError } from '../errors';
import { defineOp, type OpDef } from '../op';
import type { Tensor } from '../tensor';
import { make } from './convUtil';
import { filled, requireFloat, sameDtype } from './helpers';
import { multiply } from './multiply';
import { reduceSum } from './reduceSum';
import { sumTangents } from './tangents';

/**
 * out = σ₁(x), the largest singular value of each matrix in the last two axes (tf.norm's ord 2 for
 * matrices: TF takes reduce_max of svd(x, compute_uv=False)).  ∂out/∂x = u₁v₁ᵀ, the top singular
 * vectors (TF's _SvdGrad without U and V: U·diag(dσ)·Vᵀ). The gradient is the op below, so second
 * derivatives work; a third is not implemented (SpectralNormGradGrad has no gradient).
 */
export const SpectralNorm = defineOp({
  name: 'SpectralNorm',
  inputs: ['x'],
  derivative: '∂out/∂x = u₁·v₁ᵀ (the top left and right singular vectors of x)',
  forward: ([x]) => {
    const op = 'SpectralNorm';
    requireFloat(op, x);
    const { batch, m, n } = matrices(x, op);
    return make(x.shape.slice(0, -2), x.dtype, (out) => {
      for (let b = 0; b < batch; b++) out[b] = svd(x.data, b * m * n, m, n).s[0];
    });
  },
  gradient: (dy, [x]) => [() => SpectralNormGrad.apply([x, dy])],
  // dσ₁ = ⟨u₁v₁ᵀ, tx⟩, written with SpectralNormGrad so that both modes can differentiate it again.
  jvp: ([tx], [x], out) => (tx ? reduceSum(multiply(SpectralNormGrad.apply([x, filled(out.shape, out.dtype, 1)]), tx), [-2, -1]) : null),
  sample: {
    kind: 'cases',
    cases: [[3, 2], [2, 4], [2, 3, 3], [1, 1]].map((shape) => ({ inputs: [{ shape }], attrs: undefined })),
  },
});

/**
 * out = dy·u₁v₁ᵀ per matrix (SpectralNorm's gradient).  ∂out/∂dy = ⟨∂L/∂out, u₁v₁ᵀ⟩; ∂out/∂x is
 * the change of u₁v₁ᵀ: the other singular pairs weighted by 1/(σ₁² − σⱼ²) (SpectralNormGradGrad).
 */
export const SpectralNormGrad: OpDef<undefined> = defineOp({
  name: 'SpectralNormGrad',
  inputs: ['x', 'dy'],
  derivative: '∂L/∂x = Σⱼ the other singular pairs of x weighted by 1/(σ₁² − σⱼ²), ∂L/∂dy = u₁ᵀ·(∂L/∂out)·v₁',
  forward: ([x, dy]) => {
    const op = 'SpectralNormGrad';
    const dtype = sameDtype(op, [x, dy]);
    const { batch, m, n } = matrices(x, op);
    if (dy.size !== batch) throw new InvalidArgumentError(`dy must have shape ${JSON.stringify(x.shape.slice(0, -2))}, got ${JSON.stringify(dy.shape)}`, op);
    return make(x.shape, dtype, (out) => {
      for (let b = 0; b < batch; b++) {
        const { u, v } = svd(x.data, b * m * n, m, n);
        const g = dy.data[b];
        for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) out[b * m * n + i * n + j] = g * u[i * m] * v[j * n];
      }
    });
  },
  gradient: (w, [x, dy]) => [() => SpectralNormGradGrad.apply([x, dy, w]), () => SpectralNormGradGrad.apply([x, dy, w], { mode: 'dy' })],
  jvp: ([tx, tdy], [x, dy], out) => sumTangents([tdy && SpectralNormGrad.apply([x, tdy]), tx && SpectralNormGradGrad.apply([x, dy, tx])], out),
});

/**
 * SpectralNormGrad's derivatives, from those of u₁ and v₁ for a simple σ₁ (full bases U, V; σⱼ = 0
 * past min(m, n)). In x (default mode): with aᵢ = uᵢᵀ·w·v₁ and bⱼ = u₁ᵀ·w·vⱼ, it is
 * dy·(Σᵢ≠₁ uᵢv₁ᵀ(σ₁aᵢ + σᵢbᵢ)/(σ₁² − σᵢ²) + Σⱼ≠₁ u₁vⱼᵀ(σ₁bⱼ + σⱼaⱼ)/(σ₁² − σⱼ²)): dy times σ₁'s
 * Hessian applied to w, which is symmetric, so it is both the VJP for an upstream w and the JVP for
 * a tangent w of x. Mode 'dy': u₁ᵀ·w·v₁ per matrix.
 */
export const SpectralNormGradGrad = defineOp<{ mode?: 'dy' } | undefined>({
  name: 'SpectralNormGradGrad',
  inputs: ['x', 'dy', 'w'],
  derivative: 'third derivatives of the spectral norm are not implemented',
  forward: ([x, dy, w], attrs) => {
    const op = 'SpectralNormGradGrad';
    const dtype = sameDtype(op, [x, dy, w]);
    const { batch, m, n } = matrices(x, op);
    const toDy = attrs?.mode === 'dy';
    return make(toDy ? dy.shape : x.shape, dtype, (out) => {
      for (let b = 0; b < batch; b++) {
        const o = b * m * n;
        const { u, s, v } = svd(x.data, o, m, n);
        // a = w·v₁ (m), b = wᵀ·u₁ (n).
        const av = new Float64Array(m);
        const bu = new Float64Array(n);
        for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
          av[i] += w.data[o + i * n + j] * v[j * n];
          bu[j] += w.data[o + i * n + j] * u[i * m];
        }
        if (toDy) {
          let t = 0;
          for (let i = 0; i < m; i++) t += u[i * m] * av[i];
          out[b] = t;
          continue;
        }
        const sig = (k: number): number => (k < s.length ? s[k] : 0);
        const proj = (basis: Float64Array, size: number, k: number, vec: Float64Array): number => {
          let t = 0;
          for (let i = 0; i < size; i++) t += basis[i * size + k] * vec[i];
          return t;
        };
        const g = dy.data[b];
        const s1 = s[0];
        // Coefficients of uᵢv₁ᵀ (i over U's columns) and of u₁vⱼᵀ (j over V's columns).
        const cu = new Float64Array(m);
        const cv = new Float64Array(n);
        for (let i = 1; i < m; i++) {
          const ai = proj(u, m, i, av);
          const bi = i < n ? proj(v, n, i, bu) : 0;
          cu[i] = (g * (s1 * ai + sig(i) * bi)) / (s1 * s1 - sig(i) * sig(i));
        }
        for (let j = 1; j < n; j++) {
          const bj = proj(v, n, j, bu);
          const aj = j < m ? proj(u, m, j, av) : 0;
          cv[j] = (g * (s1 * bj + sig(j) * aj)) / (s1 * s1 - sig(j) * sig(j));
        }
        for (let i = 0; i < m; i++) {
          let ui = 0; // Σᵢ cuᵢ·U[i, ·]
          for (let k = 1; k < m; k++) ui += cu[k] * u[i * m + k];
          for (let j = 0; j < n; j++) {
            let vj = 0;
            for (let k = 1; k < n; k++) vj += cv[k] * v[j * n + k];
            out[o + i * n + j] = ui * v[j * n] + u[i * m] * vj;
          }
        }
      }
    });
  },
});

function matrices(x: Tensor, op: string): { batch: number; m: number; n: number } {
  if (x.rank < 2) throw new InvalidArgumentError(`Input must have rank >= 2, got ${x.rank}`, op);
  const m = x.shape[x.rank - 2];
  const n = x.shape[x.rank - 1];
  if (m === 0 || n === 0) throw new InvalidArgumentError('the spectral norm of an empty matrix is not defined', op);
  return { batch: x.size / (m * n), m, n };
}

/**
 * The singular value decomposition of the m×n matrix at `data[offset..]` (row-major), in float64:
 * singular values `s` (min(m, n), descending) and full orthonormal bases `u` (m×m) and `v` (n×n),
 * row-major, column k of each paired with s[k]. One-sided Jacobi (Hestenes) on the taller side,
 * accurate to rounding for the small matrices a scratch file holds.
 */
export function svd(data: ArrayLike<number>, offset: number, m: number, n: number): { u: Float64Array; s: Float64Array; v: Float64Array } {
  if (m < n) {
    // σ(x) = σ(xᵀ), with the bases swapped.
    const t = new Float64Array(m * n);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) t[j * m + i] = data[offset + i * n + j];
    const r = svd(t, 0, n, m);
    return { u: r.v, s: r.s, v: r.u };
  }
  // Columns of w = x·V become σⱼuⱼ as V's rotations make them orthogonal.
  const w = new Float64Array(m * n);
  for (let i = 0; i < m * n; i++) w[i] = data[offset + i];
  const vv = new Float64Array(n * n);
  for (let j = 0; j < n; j++) vv[j * n + j] = 1;
  for (let sweep = 0; sweep < 60; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        for (let i = 0; i < m; i++) {
          const a = w[i * n + p];
          const b = w[i * n + q];
          alpha += a * a;
          beta += b * b;
          gamma += a * b;
        }
        if (gamma === 0 || Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = Math.sign(zeta || 1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const sn = c * t;
        for (let i = 0; i < m; i++) {
          const a = w[i * n + p];
          const b = w[i * n + q];
          w[i * n + p] = c * a - sn * b;
          w[i * n + q] = sn * a + c * b;
        }
        for (let i = 0; i < n; i++) {
          const a = vv[i * n + p];
          const b = vv[i * n + q];
          vv[i * n + p] = c * a - sn * b;
          vv[i * n + q] = sn * a + c * b;
        }
      }
    }
    if (!rotated) break;
  }
  const norms = Array.from({ length: n }, (_, j) => {
    let t = 0;
    for (let i = 0; i < m; i++) t += w[i * n + j] * w[i * n + j];
    return Math.sqrt(t);
  });
  const order = norms.map((_, j) => j).sort((a, b) => norms[b] - norms[a]);
  const s = Float64Array.from(order, (j) => norms[j]);
  const v = new Float64Array(n * n);
  for (let k = 0; k < n; k++) for (let i = 0; i < n; i++) v[i * n + k] = vv[i * n + order[k]];
  // U: the normalised columns of w where σ > 0, completed to an orthonormal basis of ℝᵐ.
  const u = new Float64Array(m * m);
  const tiny = (s[0] || 1) * 1e-13;
  let filled = 0;
  for (let k = 0; k < n && s[k] > tiny; k++, filled++) for (let i = 0; i < m; i++) u[i * m + k] = w[i * n + order[k]] / s[k];
  for (let e = 0; filled < m && e < m; e++) {
    // Gram–Schmidt of the unit vector eₑ against the columns so far (twice, for rounding).
    const col = new Float64Array(m);
    col[e] = 1;
    for (let pass = 0; pass < 2; pass++) {
      for (let k = 0; k < filled; k++) {
        let d = 0;
        for (let i = 0; i < m; i++) d += u[i * m + k] * col[i];
        for (let i = 0; i < m; i++) col[i] -= d * u[i * m + k];
      }
    }
    let len = 0;
    for (let i = 0; i < m; i++) len += col[i] * col[i];
    len = Math.sqrt(len);
    if (len < 1e-6) continue;
    for (let i = 0; i < m; i++) u[i * m + filled] = col[i] / len;
    filled++;
  }
  return { u, s, v };
}
