import assert from 'node:assert/strict';
import { formatNumber, formatNested, formatValue, formatShape } from '../../src/extension/format/numbers';
import { vs } from './traces';

describe('editor number formatting', () => {
  it('prints float32 values with the fewest digits that identify them (numpy maxprec)', () => {
    assert.equal(formatNumber(Math.fround(-0.39999998)), '-0.39999998');
    assert.equal(formatNumber(Math.fround(-0.79999995)), '-0.79999995');
    assert.equal(formatNumber(Math.fround(0.1)), '0.1');
    assert.equal(formatNumber(Math.fround(0.02995202)), '0.02995202');
    assert.equal(formatNumber(2), '2.0', 'a number on its own prints as a numpy scalar');
  });

  it('spells non-finite values as numpy does and switches to scientific for tiny magnitudes', () => {
    assert.equal(formatNumber('NaN'), 'nan');
    assert.equal(formatNumber('-Infinity'), '-inf');
    assert.equal(formatNumber(Math.fround(1.5e-7)), '1.5e-07');
    assert.equal(formatNumber(3, 'int32'), '3');
  });

  it('nests values by shape', () => {
    assert.equal(formatNested([1, 2, 3, 4, 5, 6], [2, 3], 'int32'), '[[1, 2, 3], [4, 5, 6]]');
    assert.equal(formatNested([Math.fround(-0.39999998), Math.fround(-0.79999995)], [2, 1], 'float32'), '[[-0.39999998], [-0.79999995]]');
    assert.equal(formatNested([0.75], [], 'float32'), '0.75');
    assert.equal(formatNested([1, 2.5], [2], 'float32'), '[1., 2.5]', 'array elements as numpy writes them');
    assert.equal(formatNested([NaN, Infinity, -Infinity], [3], 'float32'), '[nan, inf, -inf]');
  });

  it('summarises tensors beyond the element limit', () => {
    const big = vs(Array.from({ length: 100 }, (_, i) => i), [10, 10]);
    const text = formatValue(big, 32);
    assert.match(text, /^shape=\(10, 10\) min=0\.0 max=99\.0 mean=49\.5 first=\[0\., 1\., 2\./);
    assert.equal(formatShape([3]), '(3,)');
  });
});
