// Forward mode over the whole op registry, in float64. For every differentiable op:
// - the JVP the accumulator computes as the op runs (the op's `jvp` rule, or its gradient rule
//   transposed) matches a central-difference directional derivative;
// - an explicit rule agrees with the transposed gradient rule (TF's _jvp_helper), so the two
//   definitions of the derivative cannot drift apart;
// - the JVP is itself differentiable, in both modes: a tape around the accumulator
//   (reverse-over-forward) and an accumulator around it (forward-over-forward) both match a central
//   difference of the JVP, so every rule is written with recorded ops.
import assert from 'node:assert/strict';
import { ALL_OPS, constant, multiply, reduceSum } from '../../../src/engine/ops/index';
import { Tensor, peekValues } from '../../../src/engine/tensor';
import { ForwardAccumulator, transposedJvp } from '../../../src/engine/forward';
import { GradientTape } from '../../../src/engine/tape';
import { Generator } from '../../../src/engine/prng';
import type { OpDef } from '../../../src/engine/op';
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

const near = (got: number, want: number): boolean => Math.abs(got - want) <= 1e-6 + 1e-5 * Math.abs(want);

interface Setup {
  attrs: never;
  xs: Tensor[];
  primalIdx: number[];
  f: (ts: Tensor[]) => Tensor;
  rand: () => Tensor[];
  gen: Generator;
}

/** Each sample case of `op`: inputs drawn away from kinks, which inputs are float primals, and f. */
function setups(op: OpDef<never>): Setup[] {
  const s = op.sample!;
  const kinks = 'kinks' in s && s.kinks ? s.kinks : [];
  const minGap = 'minGap' in s && s.minGap ? s.minGap : 0;
  const apart = s.kind === 'binary' ? (s.apart ?? 0) : 0;
  return casesOf(op, FEW_UNARY, FEW_PAIRS).map((c, ci) => {
    const gen = new Generator(1000 + ci, op.name.length);
    let xs = c.inputs.map((spec) => draw(spec, () => gen.nextFloat64(), kinks, minGap));
    for (let tries = 0; apart > 0 && minGapBetween(xs[0], xs[1]) < apart; tries++) {
      assert.ok(tries < 200, `${op.name}: no well-separated sample`);
      xs = c.inputs.map((spec) => draw(spec, () => gen.nextFloat64(), kinks, minGap));
    }
    const primalIdx = xs.map((x, i) => (x.dtype === 'float64' ? i : -1)).filter((i) => i >= 0);
    const rand = (): Tensor[] => primalIdx.map((i) => constant(Float64Array.from({ length: xs[i].size }, () => 2 * gen.nextFloat64() - 1), 'float64', xs[i].shape));
    return { attrs: c.attrs as never, xs, primalIdx, f: (ts: Tensor[]) => op.apply(ts, c.attrs as never), rand, gen };
  });
}

/** xs with each primal moved by sign·h·direction. */
function moved(su: Setup, direction: Tensor[], sign: number, h: number): Tensor[] {
  return su.xs.map((x, i) => {
    const k = su.primalIdx.indexOf(i);
    if (k < 0) return x;
    const v = Float64Array.from(peekValues(x) as Float64Array);
    const d = peekValues(direction[k]);
    for (let j = 0; j < v.length; j++) v[j] += sign * h * d[j];
    return constant(v, 'float64', x.shape);
  });
}

const differentiable = ALL_OPS.filter((op) => op.gradient && op.sample && !SKIP.has(op.name));

describe('ForwardAccumulator over ALL_OPS: JVP = central-difference directional derivative (float64)', () => {
  for (const op of differentiable) {
    it(`${op.name}`, () => {
      for (const su of setups(op)) {
        const tangents = su.rand();
        const acc = new ForwardAccumulator(su.primalIdx.map((i) => su.xs[i]), tangents);
        const y = acc.record(() => su.f(su.xs));
        const jvp = acc.jvp(y) as Tensor | null;
        assert.ok(jvp, `${op.name}: jvp is null`);
        assert.deepEqual(jvp.shape, y.shape);
        const h = 1e-6;
        const yp = peekValues(su.f(moved(su, tangents, 1, h)));
        const ym = peekValues(su.f(moved(su, tangents, -1, h)));
        const got = peekValues(jvp);
        for (let j = 0; j < got.length; j++) {
          const numeric = (yp[j] - ym[j]) / (2 * h);
          assert.ok(near(got[j], numeric), `${op.name} on shapes ${JSON.stringify(su.xs.map((x) => x.shape))}, element ${j}: jvp ${got[j]} vs numeric ${numeric}`);
        }
      }
    });
  }
});

describe('forward-mode rules agree with the transposed gradient rule (TF\'s _jvp_helper)', () => {
  for (const op of differentiable.filter((o) => typeof o.jvp === 'function')) {
    it(`${op.name}`, () => {
      for (const su of setups(op)) {
        const out = su.f(su.xs);
        // All primals carrying a tangent, then each alone (the others' tangents missing).
        const all = su.rand();
        const full = su.xs.map((_, i) => (su.primalIdx.includes(i) ? all[su.primalIdx.indexOf(i)] : null));
        const sets = [full, ...(su.primalIdx.length > 1 ? su.primalIdx.map((k) => full.map((t, i) => (i === k ? t : null))) : [])];
        for (const ts of sets) {
          const rule = op.jvp!(ts, su.xs, out, su.attrs, op);
          const transposed = transposedJvp(op, ts, su.xs, out, su.attrs);
          const what = `${op.name} on shapes ${JSON.stringify(su.xs.map((x) => x.shape))} with tangents on ${JSON.stringify(ts.map((t) => t !== null))}`;
          if (rule === null || transposed === null) {
            assert.equal(rule === null ? null : Array.from(peekValues(rule)).every((v) => v === 0), transposed === null ? null : true, what);
            continue;
          }
          assert.deepEqual(rule.shape, out.shape, what);
          const a = peekValues(rule);
          const b = peekValues(transposed);
          for (let j = 0; j < a.length; j++) assert.ok(Math.abs(a[j] - b[j]) <= 1e-12 * (1 + Math.abs(b[j])), `${what}, element ${j}: rule ${a[j]} vs transposed ${b[j]}`);
        }
      }
    });
  }
});

describe('JVPs are differentiable in both modes: reverse-over-forward and forward-over-forward = central difference of the JVP', () => {
  for (const op of differentiable) {
    it(`${op.name}`, () => {
      for (const su of setups(op)) {
        const tangents = su.rand();
        const direction = su.rand();
        const w = constant(Float64Array.from({ length: su.f(su.xs).size }, () => 2 * su.gen.nextFloat64() - 1), 'float64', su.f(su.xs).shape);
        const primalsAt = (xs: Tensor[]): Tensor[] => su.primalIdx.map((i) => xs[i]);
        // S(x) = Σ jvp(x)·w, the JVP along `tangents` seen through a fixed weighting.
        const S = (xs: Tensor[]): Tensor => {
          const acc = new ForwardAccumulator(primalsAt(xs), tangents);
          const y = acc.record(() => su.f(xs));
          return reduceSum(multiply(acc.jvp(y, { unconnectedGradients: 'zero' }) as Tensor, w));
        };
        const h = 1e-5;
        const numeric = (peekValues(S(moved(su, direction, 1, h)))[0] - peekValues(S(moved(su, direction, -1, h)))[0]) / (2 * h);

        const tape = new GradientTape();
        const s = tape.record(() => {
          tape.watch(primalsAt(su.xs));
          return S(su.xs);
        });
        const grads = tape.gradient(s, primalsAt(su.xs)) as (Tensor | null)[];
        let reverse = 0;
        grads.forEach((g, k) => {
          if (!g) return;
          const gv = peekValues(g);
          const dv = peekValues(direction[k]);
          for (let j = 0; j < gv.length; j++) reverse += gv[j] * dv[j];
        });
        const what = `${op.name} on shapes ${JSON.stringify(su.xs.map((x) => x.shape))}`;
        assert.ok(near(reverse, numeric), `${what}: reverse-over-forward ${reverse} vs numeric ${numeric}`);

        const outer = new ForwardAccumulator(primalsAt(su.xs), direction);
        const s2 = outer.record(() => S(su.xs));
        const forward = peekValues((outer.jvp(s2, { unconnectedGradients: 'zero' }) as Tensor))[0];
        assert.ok(near(forward, numeric), `${what}: forward-over-forward ${forward} vs numeric ${numeric}`);
      }
    });
  }
});
