import assert from 'node:assert/strict';
import { alignColumn, counted, formatBytes, formatNum, formatShape, formatValueShort, toNumber } from '../../webview/model/format';
import { stepText } from '../../webview/model/steps';
import { stepText as editorStepText } from '../../src/format/text';
import { summary } from './fixtures/traceBuilder';

describe('panel number formatting', () => {
  it('counts with the noun in the number it takes: a one-op layer box reads "1 op · 1 leaf"', () => {
    assert.equal(`${counted(1, 'op')} · ${counted(1, 'leaf', 'leaves')}`, '1 op · 1 leaf');
    assert.equal(`${counted(3, 'op')} · ${counted(2, 'leaf', 'leaves')}`, '3 ops · 2 leaves');
    assert.equal(counted(0, 'op'), '0 ops');
  });

  it('keeps up to six significant digits and drops trailing zeros', () => {
    assert.equal(formatNum(0.55), '0.55');
    assert.equal(formatNum(Math.fround(-0.39999998)), '-0.4');
    assert.equal(formatNum(Math.fround(-0.39999998), 8), '-0.39999998');
    assert.equal(formatNum(12.25), '12.25');
    assert.equal(formatNum(3), '3');
    assert.equal(formatNum(-0), '0');
  });
  it('switches to scientific notation for very small and very large magnitudes', () => {
    assert.equal(formatNum(1.5e-7), '1.5e-07');
    assert.equal(formatNum(123456789), '1.23457e+08');
    assert.equal(formatNum(0.0001), '0.0001');
  });
  it('writes the trace encoding of non-finite numbers', () => {
    assert.equal(formatNum('NaN'), 'nan');
    assert.equal(formatNum('Infinity'), 'inf');
    assert.equal(formatNum('-Infinity'), '-inf');
    assert.ok(Number.isNaN(toNumber('NaN')));
    assert.equal(toNumber('-Infinity'), -Infinity);
  });
  it('aligns a column on the decimal point', () => {
    const col = alignColumn(['1.5', '-12.25', '3', 'nan']);
    assert.equal(new Set(col.map((c) => c.length)).size, 1, 'equal widths');
    const dot = col.map((c) => c.indexOf('.')).filter((i) => i >= 0);
    assert.equal(new Set(dot).size, 1, 'decimal points line up');
    assert.equal(col[2].trimEnd().endsWith('3'), true);
  });
  it('formats shapes like TensorFlow and bytes in binary units', () => {
    assert.equal(formatShape([2, 1]), '(2, 1)');
    assert.equal(formatShape([3]), '(3,)');
    assert.equal(formatShape([]), '()');
    assert.equal(formatBytes(16), '16 B');
    assert.equal(formatBytes(1536), '1.5 KB');
    assert.equal(formatBytes(5 * 1024 * 1024), '5 MB');
  });
  it('shows a scalar as itself and a tensor by its first items', () => {
    assert.equal(formatValueShort(summary([0.55], [1, 1])), '0.55');
    assert.equal(formatValueShort(summary([1, 2, 3, 4], [4])), '[1, 2, 3, …]');
  });
  it('numbers training steps as TF does, from 0, with the one label the editor uses too', () => {
    assert.equal(stepText(0, 2), 'step 0 of 0–2');
    assert.equal(stepText(2, 2), 'step 2 of 0–2');
    assert.equal(stepText, editorStepText);
  });
});
