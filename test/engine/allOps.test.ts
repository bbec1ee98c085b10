/**
 * The registry pays for itself: every differentiable op in ALL_OPS is checked against central
 * finite differences in float64, as fast-check properties over its sample shapes (scalars and
 * broadcasting included), first and second order (the gradient rules are recorded ops).
 */
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { ALL_OPS } from '../../src/engine/ops/index';
import type { SampleInput } from '../../src/engine/op';
import * as tf from '../../src/engine/index';
import type { Tensor } from '../../src/engine/tensor';
import { checkGrads, gradOf, lcg } from './gradcheck';
import { broadcastPair } from './shapeCombos';
import { casesOf, draw } from './opSamples';

/**
 * Ops whose gradient is checked elsewhere: CustomGradient's rule is whatever the user gives;
 * SpectralNormGrad's second derivative would be the spectral norm's third, not implemented
 * (test/engine/spectralNorm.test.ts checks its first).
 */
const CHECKED_ELSEWHERE = new Set(['CustomGradient', 'SpectralNormGrad']);


function minPairGap(a: Tensor, b: Tensor): number {
  return tf.reduceMin(tf.abs(tf.subtract(a, b))).dataSync()[0];
}

describe('ALL_OPS: every differentiable op matches central differences (float64)', () => {
  it('lists every op of the public API', () => {
    const names = ALL_OPS.map((o) => o.name);
    for (const n of ['Add', 'Sub', 'Mul', 'RealDiv', 'MatMul', 'Sum', 'Max', 'Relu', 'SquaredDifference', 'SoftmaxCrossEntropyWithLogits', 'GatherV2', 'Tile']) {
      assert.ok(names.includes(n), `${n} missing from ALL_OPS`);
    }
    assert.equal(new Set(names).size, names.length, 'op names are unique');
  });

  for (const op of ALL_OPS) {
    if (!op.gradient || CHECKED_ELSEWHERE.has(op.name)) continue;
    it(`${op.name}: has a sample for the gradient check`, () => {
      assert.ok(op.sample, `${op.name} has a gradient but no sample descriptor`);
    });
    if (!op.sample) continue;
    const cases = casesOf(op);
    const s = op.sample;
    const kinks = 'kinks' in s && s.kinks ? s.kinks : [];
    const minGap = 'minGap' in s && s.minGap ? s.minGap : 0;
    const apart = s.kind === 'binary' ? (s.apart ?? 0) : 0;

    it(`${op.name}: first derivatives`, () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: cases.length - 1 }), fc.integer({ min: 1, max: 2 ** 30 }), (ci, seed) => {
          const c = cases[ci];
          const rand = lcg(seed);
          let xs = c.inputs.map((spec) => draw(spec, rand, kinks, minGap));
          for (let tries = 0; apart > 0 && minPairGap(xs[0], xs[1]) < apart; tries++) {
            if (tries > 100) return; // no well-separated draw for this shape pair; fast-check tries others
            xs = c.inputs.map((spec) => draw(spec, rand, kinks, minGap));
          }
          checkGrads((...ts) => op.apply(ts, c.attrs as never), xs, { name: `${op.name} on shapes ${JSON.stringify(c.inputs.map((i) => i.shape))}` });
        }),
        { numRuns: Math.max(12, cases.length * 2), seed: 42 },
      );
    });

    if (s.kind === 'binary') {
      it(`${op.name}: first derivatives over generated broadcast shape pairs`, () => {
        fc.assert(
          fc.property(broadcastPair(), fc.integer({ min: 1, max: 2 ** 30 }), ([sa, sb], seed) => {
            const rand = lcg(seed);
            const specs: SampleInput[] = [
              { shape: sa, lo: s.lo?.[0], hi: s.hi?.[0] },
              { shape: sb, lo: s.lo?.[1], hi: s.hi?.[1] },
            ];
            const xs = specs.map((spec) => draw(spec, rand, kinks, minGap));
            if (apart > 0 && minPairGap(xs[0], xs[1]) < apart) return; // a tie: the derivative jumps there
            checkGrads((...ts) => op.apply(ts, s.attrs as never), xs, { name: `${op.name} on shapes ${JSON.stringify([sa, sb])}` });
          }),
          { numRuns: 25, seed: 1234 },
        );
      });
    }

    it(`${op.name}: second derivatives through nested tapes`, () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: cases.length - 1 }), fc.integer({ min: 1, max: 2 ** 30 }), (ci, seed) => {
          const c = cases[ci];
          const rand = lcg(seed);
          let xs = c.inputs.map((spec) => draw(spec, rand, kinks, Math.max(minGap, 0.01)));
          for (let tries = 0; apart > 0 && minPairGap(xs[0], xs[1]) < apart; tries++) {
            if (tries > 100) return;
            xs = c.inputs.map((spec) => draw(spec, rand, kinks, minGap));
          }
          const f = (...ts: Tensor[]): Tensor => op.apply(ts, c.attrs as never);
          // Differentiate the gradient w.r.t. the first float input (gather's indices are int32).
          const first = xs.findIndex((x) => x.dtype === 'float64');
          checkGrads(gradOf(f, first), xs, { eps: 1e-5, rtol: 1e-4, atol: 1e-5, name: `d/dx ${op.name}` });
        }),
        { numRuns: 8, seed: 7 },
      );
    });
  }
});
