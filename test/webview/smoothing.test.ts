import assert from 'node:assert/strict';
import fc from 'fast-check';
import { smoothEma } from '../../webview/model/smoothing';

describe('TensorBoard smoothing (EMA with debias)', () => {
  it('keeps a constant series flat for every weight', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.double({ min: 0, max: 0.999, noNaN: true }), fc.integer({ min: 1, max: 200 }), (c, w, n) => {
        const s = smoothEma(new Array(n).fill(c), w);
        return s.every((v) => Math.abs(v - c) <= 1e-9 * Math.max(1, Math.abs(c)));
      }),
    );
  });
  it('starts at the first value instead of creeping up from zero', () => {
    assert.equal(smoothEma([10, 0], 0.9)[0], 10);
  });
  it('is the identity at weight 0 and follows the debiased recurrence otherwise', () => {
    assert.deepEqual(smoothEma([3, 1, 4], 0), [3, 1, 4]);
    const [a, b] = smoothEma([1, 3], 0.5);
    assert.equal(a, 1);
    // last = 0.5·(0.5·1) + 0.5·3 = 1.75; debias = 1 − 0.25 = 0.75
    assert.ok(Math.abs(b - 1.75 / 0.75) < 1e-12);
  });
  it('passes NaN through without poisoning later points', () => {
    const s = smoothEma([1, NaN, 1], 0.6);
    assert.ok(Number.isNaN(s[1]));
    assert.ok(Math.abs(s[2] - 1) < 1e-12);
  });
  it('lies between the minimum and the maximum of the points seen so far', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -100, max: 100, noNaN: true }), { minLength: 1, maxLength: 50 }), fc.double({ min: 0, max: 0.99, noNaN: true }), (ys, w) => {
        const s = smoothEma(ys, w);
        return s.every((v, i) => v >= Math.min(...ys.slice(0, i + 1)) - 1e-9 && v <= Math.max(...ys.slice(0, i + 1)) + 1e-9);
      }),
    );
  });
});
