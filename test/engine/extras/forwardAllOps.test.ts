// Forward mode over the whole op registry: for every differentiable op, the ForwardAccumulator's
// JVP matches a central-difference directional derivative in float64. Since the JVP is computed
// by differentiating each op's gradient rule with respect to its upstream gradient, this also
// checks that every rule is built from recorded ops and is linear in dy.
import assert from 'node:assert/strict';
import { ALL_OPS, constant } from '../../../src/engine/ops/index';
import { Tensor, peekValues } from '../../../src/engine/tensor';
import { ForwardAccumulator } from '../../../src/engine/forward';
import { Generator } from '../../../src/engine/prng';
import { casesOf, draw } from '../opSamples';

const SKIP = new Set(['CustomGradient']); // its rule is whatever the user supplies

/** A few shapes per op: its own cases, or a scalar, a matrix and a broadcasting pair for elementwise ops. */
const FEW_UNARY: number[][] = [[], [2, 3]];
const FEW_PAIRS: [number[], number[]][] = [[[2, 3], [2, 3]], [[2, 3], [3]], [[], [2, 1]]];

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
      casesOf(op, FEW_UNARY, FEW_PAIRS).forEach((c, ci) => {
        const gen = new Generator(1000 + ci, op.name.length);
        let xs = c.inputs.map((spec) => draw(spec, () => gen.nextFloat64(), kinks, minGap));
        for (let tries = 0; apart > 0 && minGapBetween(xs[0], xs[1]) < apart; tries++) {
          assert.ok(tries < 200, `${op.name}: no well-separated sample`);
          xs = c.inputs.map((spec) => draw(spec, () => gen.nextFloat64(), kinks, minGap));
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
