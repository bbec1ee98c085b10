import assert from 'node:assert/strict';
import { FIRST_VALUES, FULL_VALUES_LIMIT } from '../../src/protocol/trace';
import { fromNum, hasNonFinite, num, summarize } from '../../src/runner/shared/summary';

describe('runner/summary: value summaries', () => {
  it('computes min, max, mean and the L2 norm, and keeps every value of a small tensor', () => {
    const s = summarize([2, 2], 'float32', new Float32Array([3, -4, 0, 1]), true);
    assert.deepEqual([s.min, s.max, s.mean, s.norm, s.size], [-4, 3, 0, Math.sqrt(26), 4]);
    assert.deepEqual(s.values, [3, -4, 0, 1]);
    assert.deepEqual(s.shape, [2, 2]);
  });

  it('counts NaN and Inf, and writes them as strings JSON can carry', () => {
    const s = summarize([3], 'float32', new Float32Array([NaN, Infinity, 1]), true);
    assert.equal(s.nanCount, 1);
    assert.equal(s.infCount, 1);
    assert.deepEqual(s.values, ['NaN', 'Infinity', 1]);
    assert.equal(s.mean, 'NaN');
    assert.equal(JSON.parse(JSON.stringify(s)).values[1], 'Infinity');
    assert.equal(fromNum('-Infinity'), -Infinity);
    assert.equal(num(-Infinity), '-Infinity');
    assert.ok(hasNonFinite(new Float32Array([0, NaN])));
    assert.ok(!hasNonFinite(new Float32Array([0, 1])));
    // Every lane of the four-way sum, and the tail past a multiple of four.
    for (let at = 0; at < 7; at++) {
      for (const bad of [NaN, Infinity, -Infinity]) {
        const data = new Float64Array(7).fill(1.5);
        data[at] = bad;
        assert.ok(hasNonFinite(data), `${bad} at ${at}`);
      }
    }
    assert.ok(!hasNonFinite(new Float64Array([1e308, -1e308, 0, 3, 4, 5, 6])));
  });

  it('keeps only the first values of a large tensor', () => {
    const big = new Float32Array(FULL_VALUES_LIMIT + 1).map((_, i) => i);
    const s = summarize([big.length], 'float32', big, true);
    assert.equal(s.values, undefined);
    assert.equal(s.first.length, FIRST_VALUES);
    assert.equal(s.max, FULL_VALUES_LIMIT);
  });
});
