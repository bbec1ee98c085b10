import assert from 'node:assert/strict';
import { codeFrame, formatNumber, formatValue, sparkline } from '../../src/cli/report';
import { parseArgs } from '../../src/cli/main';
import { summarize } from '../../src/runner/shared/summary';

describe('cli/report: text formatting', () => {
  it('prints float32 values as numpy does (shortest round-trip), nested by shape', () => {
    assert.equal(formatNumber(Math.fround(-0.4)), '-0.4');
    assert.equal(formatNumber(Math.fround(0.02995202)), '0.02995202');
    assert.equal(formatNumber('NaN'), 'nan');
    assert.equal(formatNumber(-Infinity), '-inf');
    const v = summarize([2, 1], 'float32', new Float32Array([-0.39999998, -0.79999995]), true);
    assert.equal(formatValue(v), '[[-0.39999998], [-0.79999995]]');
    const big = summarize([100], 'float32', new Float32Array(100).fill(1), false);
    assert.match(formatValue(big), /^\[1, 1, 1, 1, 1, 1, 1, 1, …\] \(100 values/);
  });

  it('draws a sparkline from min to max, folding long curves', () => {
    assert.equal(sparkline([3, 2, 1]), '█▅▁');
    assert.equal(sparkline(Array.from({ length: 400 }, (_, i) => i), 40).length, 40);
  });

  it('frames the failing line with a caret under the column', () => {
    const frame = codeFrame('a\nb\nconst x = f();\nd', 3, 11);
    assert.equal(frame, ['  1 | a', '  2 | b', '> 3 | const x = f();', '    |           ^', '  4 | d'].join('\n'));
  });

  it('parses the command line', () => {
    assert.deepEqual(parseArgs(['run', 'a.grad.ts', '--json', '--timeout', '2.5', '--memory=256']), {
      kind: 'run',
      args: { file: 'a.grad.ts', json: true, timeoutMs: 2500, memoryMb: 256 },
    });
    assert.equal(parseArgs(['run', 'a', 'b']).kind, 'usage');
    assert.equal(parseArgs(['-v']).kind, 'version');
    assert.equal(parseArgs(['run', 'a', '--memory', '-1']).kind, 'usage');
  });
});
