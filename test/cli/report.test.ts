import assert from 'node:assert/strict';
import { codeFrame, FRAME_WIDTH, formatNumber, formatReport, formatValue, REPORT_LIMITS, reportLines, sparkline } from '../../src/cli/report';
import type { Trace } from '../../src/protocol/trace';
import { largeTrace, longCurveTrace, seedTrace } from '../webview/fixtures/traceBuilder';
import { parseArgs } from '../../src/cli/main';
import { summarize } from '../../src/runner/shared/summary';

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

describe('cli/report: linear time and bounded output for any trace (issue 15)', function () {
  this.timeout(120_000);
  const lines = (t: Trace): string[] => [...reportLines(t)];
  const bounded = (out: string[]): void => {
    assert.ok(out.length < 400, `${out.length} lines`);
    assert.ok(out.join('\n').length < 64 * 1024, `${out.join('\n').length} characters`);
  };

  it('a 300,000-point curve (a long tf.summary.scalar loop): one sparkline row, no stack overflow', () => {
    const t = longCurveTrace(300_000);
    t.curves.push({ name: 'spiky', kind: 'summary', points: Array.from({ length: 300_000 }, (_, step) => ({ step, value: step % 1000 === 0 ? 'NaN' : step % 3 ? 1e38 : -1e38 })) });
    const out = lines(t);
    bounded(out);
    const loss = out.find((l) => l.startsWith('  loss'));
    assert.match(loss ?? '', /^ {2}loss \(summary\) {2}[▁▂▃▄▅▆▇█]{40} {2}2\.\d+ → 0\.\d+ \(300000 points\)$/);
    assert.match(out.find((l) => l.startsWith('  spiky')) ?? '', /\(300000 points\)$/);
  });

  it('many tapes, many places and many gradient calls: every count said, output bounded', () => {
    const t = seedTrace();
    const [tape] = t.tapes;
    const [call] = t.gradients;
    const loops = 50_000;
    t.tapes = [];
    t.gradients = [];
    for (let i = 0; i < loops; i++) {
      t.tapes.push({ ...tape, id: i + 1, step: i, detailed: i < 3 });
      t.gradients.push({ ...call, id: i + 1, tapeId: i + 1, step: i });
    }
    // Tapes without a position are each their own group.
    for (let i = 0; i < 5_000; i++) t.tapes.push({ ...tape, id: loops + i + 1, pos: undefined, step: 0, detailed: false });
    t.curves.push(...Array.from({ length: 1_000 }, (_, i) => ({ name: `c${i}`, kind: 'summary' as const, points: [{ step: 0, value: i }] })));
    t.diagnostics.push(...Array.from({ length: 1_000 }, () => ({ severity: 'warning' as const, code: 'nonFinite' as const, message: 'x holds NaN or Infinity', pos: { line: 3, column: 1 } })));
    const out = lines(t);
    bounded(out);
    const text = out.join('\n');
    assert.match(text, /^50000 tapes created at line 9 \(a loop\); showing the first and the last step$/m);
    assert.match(text, /^… 4981 more tapes created at 4981 other places$/m);
    assert.match(text, /^ {2}… 49990 more$/m);
    assert.match(text, /^ {2}… 970 more curves$/m);
    assert.match(text, /^ {2}… 970 more warnings$/m);
  });

  it('a 10,000-op tape shows its first and last rows and counts the rest', () => {
    const out = lines(largeTrace(10_000));
    bounded(out);
    assert.ok(out.includes(`  … ${10_000 - REPORT_LIMITS.headRows - REPORT_LIMITS.tailRows} more ops`), out.join('\n'));
    assert.match(out.join('\n'), /^ {2}t9999\s+Sum\s+\(\)/m);
  });

  it('escapes control bytes in names and messages from the program', () => {
    const t = seedTrace();
    t.tapes[0].name = '\x1b[2Jtape';
    t.diagnostics.push({ severity: 'warning', code: 'nonFinite', message: 'bad\rname \x1b]0;title\x07', pos: { line: 1, column: 1 } });
    const text = formatReport(t);
    assert.ok(![...text].some((c) => c !== '\n' && c.charCodeAt(0) < 0x20), JSON.stringify(text));
    assert.match(text, /tape '\\x1b\[2Jtape'/);
  });
});
