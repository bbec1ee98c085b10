import assert from 'node:assert/strict';
import { isPanelToHost, validatePanelToHost } from '../../src/protocol/panelValidate';

const inspect = { type: 'inspect', requestId: 4, uri: 'file:///ws/a.grad.ts', startedAt: '2026-12-04T23:00:00.000Z', gradientId: 2, tapeIds: [1, 2], query: { kind: 'node', tensorId: 3 } };

describe('panel → host message validation', () => {
  it('accepts every well-formed message', () => {
    for (const m of [
      { type: 'ready' },
      { type: 'revealSource', pos: { line: 11, column: 18 } },
      { type: 'revealSource', pos: { line: 3, column: 1, file: '/ws/lib.ts' } },
      { type: 'reportRendered', sentAt: 1700000000000, drawMs: 12.5, nodes: 5 },
      { type: 'reportError', message: 'boom' },
      { ...inspect, query: { kind: 'node', tensorId: 3, nodeId: 7 } },
      { ...inspect, query: { kind: 'node', tensorId: 3 } },
      { ...inspect, gradientId: null, tapeIds: [], query: { kind: 'walk', seed: 3, element: 0 } },
    ])
      assert.ok(isPanelToHost(m), JSON.stringify(m));
  });
  it('drops malformed, forged and unknown messages with a reason', () => {
    for (const m of [
      null, 42, 'ready', [], {}, { type: 'nope' },
      { type: 'ready', extra: 1 },
      { type: 'revealSource' },
      { type: 'revealSource', pos: { line: 0, column: 1 } },
      { type: 'revealSource', pos: { line: 1.5, column: 1 } },
      { type: 'revealSource', pos: { line: '3', column: 1 } },
      { type: 'revealSource', pos: { line: 3, column: 1, file: '' } },
      { type: 'revealSource', pos: { line: 3, column: 1, command: 'rm' } },
      { type: 'reportRendered', sentAt: NaN, drawMs: 1, nodes: 1 },
      { type: 'reportRendered', sentAt: 1, drawMs: -1, nodes: 1 },
      { type: 'reportError', message: { toString: 'x' } },
      { ...inspect, query: { kind: 'node', tensorId: -1 } },
      { ...inspect, query: { kind: 'node', tensorId: 1, code: 'x' } },
      { ...inspect, query: { kind: 'eval', tensorId: 1 } },
      { ...inspect, query: { kind: 'walk', seed: 1 } },
      { ...inspect, tapeIds: [1, 'x'] },
      { ...inspect, tapeIds: new Array(1001).fill(1) },
      { ...inspect, gradientId: '2' },
      { ...inspect, uri: '' },
      { ...inspect, extra: true },
      { type: 'inspect', requestId: 1 },
    ]) {
      const r = validatePanelToHost(m);
      assert.equal(r.ok, false, JSON.stringify(m));
      if (!r.ok) assert.ok(r.reason.length > 0);
    }
  });
  it('truncates an overlong error report', () => {
    const r = validatePanelToHost({ type: 'reportError', message: 'x'.repeat(10000) });
    assert.ok(r.ok && r.msg.type === 'reportError' && r.msg.message.length === 2000);
  });
});
