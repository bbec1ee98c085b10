// Forward mode over the whole op registry: for every differentiable op, the ForwardAccumulator's
// JVP matches a central-difference directional derivative in float64. Since the JVP is computed
// by differentiating each op's gradient rule with respect to its upstream gradient, this also
// checks that every rule is built from recorded ops and is linear in dy.
import assert from 'node:assert/strict';
import { ALL_OPS, constant } from '../../../src/engine/ops/index';
import type { OpDef, SampleInput } from '../../../src/engine/op';
import { Tensor, peekValues } from '../../../src/engine/tensor';
import { ForwardAccumulator } from '../../../src/engine/forward';
import { Generator } from '../../../src/engine/prng';

const SKIP = new Set(['CustomGradient']); // its rule is whatever the user supplies

interface Case {
  inputs: SampleInput[];
  attrs: unknown;
}

/** A few shapes per op: its own cases, or a scalar, a matrix and a broadcasting pair for elementwise ops. */
function casesOf(op: OpDef<never>): Case[] {
  const s = op.sample!;
  if (s.kind === 'unary') return [[], [2, 3]].map((shape) => ({ inputs: [{ shape, lo: s.lo, hi: s.hi }], attrs: s.attrs }));
  if (s.kind === 'binary') {
    return [
      [[2, 3], [2, 3]],
      [[2, 3], [3]],
      [[], [2, 1]],
    ].map(([a, b]) => ({
      inputs: [
        { shape: a, lo: s.lo?.[0], hi: s.hi?.[0] },
        { shape: b, lo: s.lo?.[1], hi: s.hi?.[1] },
      ],
      attrs: s.attrs,
    }));
  }
  return s.cases as Case[];
}

function draw(spec: SampleInput, gen: Generator, kinks: number[], minGap: number): Tensor {
  const n = spec.shape.reduce((p, d) => p * d, 1);
  if (spec.int !== undefined) return constant(Int32Array.from({ length: n }, () => gen.nextBelow(spec.int!)), 'int32', spec.shape);
  if (spec.bool) return constant(Uint8Array.from({ length: n }, () => gen.nextBelow(2)), 'bool', spec.shape);
  const lo = spec.lo ?? -2;
  const hi = spec.hi ?? 2;
  const values = Float64Array.from({ length: n }, () => {
    for (;;) {
      const v = lo + (hi - lo) * gen.nextFloat64();
      if (lo === hi || kinks.every((k) => Math.abs(v - k) >= minGap)) return v;
    }
  });
  return constant(values, 'float64', spec.shape);
}

function minGapBetween(a: Tensor, b: Tensor): number {
  const x = peekValues(a);
  const y = peekValues(b);
  let gap = Infinity;
  // Broadcast pairs: compare every element with every other (the arrays are tiny).
  for (let i = 0; i < x.length; i++) for (let j = 0; j < y.length; j++) gap = Math.min(gap, Math.abs(x[i] - y[j]));
  return gap;
}

describe('ForwardAccumulator over ALL_OPS: JVP = central-difference directional derivative (float64)', () => {
  for (const op of ALL_OPS) {
    if (!op.gradient || !op.sample || SKIP.has(op.name)) continue;
    const s = op.sample;
    const kinks = 'kinks' in s && s.kinks ? s.kinks : [];
    const minGap = 'minGap' in s && s.minGap ? s.minGap : 0;
    const apart = s.kind === 'binary' ? (s.apart ?? 0) : 0;
    it(`${op.name}`, () => {
      casesOf(op).forEach((c, ci) => {
        const gen = new Generator(1000 + ci, op.name.length);
        let xs = c.inputs.map((spec) => draw(spec, gen, kinks, minGap));
        for (let tries = 0; apart > 0 && minGapBetween(xs[0], xs[1]) < apart; tries++) {
          assert.ok(tries < 200, `${op.name}: no well-separated sample`);
          xs = c.inputs.map((spec) => draw(spec, gen, kinks, minGap));
        }
        const f = (ts: Tensor[]): Tensor => op.apply(ts, c.attrs as never);
        const primalIdx = xs.map((x, i) => (x.dtype === 'float64' ? i : -1)).filter((i) => i >= 0);
        const primals = primalIdx.map((i) => xs[i]);
        const tangents = primals.map((p) => constant(Float64Array.from({ length: p.size }, () => 2 * gen.nextFloat64() - 1), 'float64', p.shape));

        const acc = new ForwardAccumulator(primals, tangents);
        const y = acc.record(() => f(xs));
        const jvp = acc.jvp(y) as Tensor | null;
        assert.ok(jvp, `${op.name}: jvp is null`);
        assert.deepEqual(jvp.shape, y.shape);

        const h = 1e-6;
        const moved = (sign: number): Tensor[] =>
          xs.map((x, i) => {
            const k = primalIdx.indexOf(i);
            if (k < 0) return x;
            const v = Float64Array.from(peekValues(x) as Float64Array);
            const t = peekValues(tangents[k]);
            for (let j = 0; j < v.length; j++) v[j] += sign * h * t[j];
            return constant(v, 'float64', x.shape);
          });
        const yp = peekValues(f(moved(1)));
        const ym = peekValues(f(moved(-1)));
        const got = peekValues(jvp);
        for (let j = 0; j < got.length; j++) {
          const numeric = (yp[j] - ym[j]) / (2 * h);
          assert.ok(
            Math.abs(got[j] - numeric) <= 1e-6 + 1e-5 * Math.abs(numeric),
            `${op.name} on shapes ${JSON.stringify(c.inputs.map((i) => i.shape))}, element ${j}: jvp ${got[j]} vs numeric ${numeric}`,
          );
        }
      });
    });
  }
});
