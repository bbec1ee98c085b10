import assert from 'node:assert/strict';
import { codeFrame, FRAME_WIDTH, formatNumber, formatValue, sparkline } from '../../src/cli/report';
import { parseArgs } from '../../src/cli/main';
import { summarize } from '../../src/runner/summary';

describe('cli/report: text formatting', () => {
  it('prints float32 values as numpy does (shortest round-trip), nested by shape', () => {
    assert.equal(formatNumber(Math.fround(-0.4)), '-0.4');
    assert.equal(formatNumber(Math.fround(0.02995202)), '0.02995202');
    assert.equal(formatNumber(2), '2.0');
    assert.equal(formatNumber('NaN'), 'nan');
    assert.equal(formatNumber(-Infinity), '-inf');
    const v = summarize([2, 1], 'float32', new Float32Array([-0.39999998, -0.79999995]), true);
    assert.equal(formatValue(v), '[[-0.39999998], [-0.79999995]]');
    const big = summarize([100], 'float32', new Float32Array(100).fill(1), false);
    assert.match(formatValue(big, 6), /^shape=\(100,\) min=1\.0 max=1\.0 mean=1\.0 first=\[1\., 1\., 1\., 1\., 1\., 1\., …\]$/);
  });

  it('draws a sparkline from min to max, folding long curves', () => {
    assert.equal(sparkline([3, 2, 1]), '█▅▁');
    assert.equal(sparkline(Array.from({ length: 400 }, (_, i) => i), 40).length, 40);
  });

  it('frames the failing line with a caret under the column', () => {
    const frame = codeFrame('a\nb\nconst x = f();\nd', 3, 11);
    assert.equal(frame, ['  1 | a', '  2 | b', '> 3 | const x = f();', '    |           ^', '  4 | d'].join('\n'));
  });

  it('cuts a code frame on a long line to a window around the column, caret still under it', () => {
    const long = 'x'.repeat(5_000_000) + 'BAD' + 'y'.repeat(1000);
    const frame = codeFrame(`a\n${long}\nb`, 2, 5_000_001);
    assert.ok(frame.length < 4 * FRAME_WIDTH, `${frame.length} characters`);
    const lines = frame.split('\n');
    const at = lines.findIndex((l) => l.startsWith('>'));
    assert.equal(lines[at][lines[at + 1].indexOf('^')], 'B', 'the caret points at the column');
    assert.match(lines[at], /\| …x+BADy+…$/);
    assert.equal(lines.length, 4);
  });

  it('escapes control bytes and ANSI escapes in a code frame', () => {
    const frame = codeFrame('let a = "\x1b[2J\x07";\nthrow 1;', 1, 5);
    assert.ok(![...frame].some((c) => c !== '\n' && c.charCodeAt(0) < 0x20), JSON.stringify(frame));
    assert.match(frame, /\\x1b\[2J\\x07/);
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
