// A large run goes to the panel in two parts (src/protocol/panelParts.ts): the first holds the step the
// panel opens on, the rest everything else; joining them gives back the trace, field for field.
import assert from 'node:assert/strict';
import { joinTrace, restMismatch, splitTrace, SPLIT_MIN_ROWS } from '../../src/protocol/panelParts';
import { validatePanelToHost } from '../../src/protocol/panelValidate';
import { maxStep, tapesAtStep } from '../../src/protocol/traceQueries';
import { longLoopTrace as longLoop, seedTrace, trainingTrace } from './fixtures/traceBuilder';

describe('panel: a large run in two parts', () => {
  it('sends a small run whole', () => {
    assert.equal(splitTrace(trainingTrace()), undefined);
    assert.equal(splitTrace(seedTrace()), undefined);
  });

  it('puts the step the panel opens on first, everything else after, and joins back to the same trace', () => {
    const trace = longLoop(800);
    const before = JSON.stringify(trace);
    const parts = splitTrace(trace)!;
    assert.ok(parts, 'a long run is split');
    assert.equal(JSON.stringify(trace), before, 'splitting leaves the trace as it was');
    const { first, rest, pendingTapes } = parts;
    // The last step's tapes (the loop's last and the one outside it) whole; the others stubs with every step kept.
    const shown = tapesAtStep(trace, maxStep(trace)).map((t) => t.id);
    assert.deepEqual(shown, [800, 801]);
    assert.equal(first.tapes.length, trace.tapes.length);
    assert.equal(maxStep(first), maxStep(trace));
    for (const t of first.tapes) assert.equal(t.nodes.length > 0, shown.includes(t.id), `tape ${t.id}`);
    assert.deepEqual(pendingTapes, trace.tapes.filter((t) => !shown.includes(t.id)).map((t) => t.id));
    assert.deepEqual(first.gradients.map((g) => g.tapeId), [800, 801]);
    assert.deepEqual(first.curves, []);
    assert.deepEqual(first.console, []);
    // The header's figures travel first.
    assert.deepEqual(first.stats, trace.stats);
    assert.equal(first.startedAt, trace.startedAt);
    assert.ok(JSON.stringify(first).length * 5 < before.length, `first part ${JSON.stringify(first).length} of ${before.length} characters`);
    assert.equal(restMismatch(first, pendingTapes, rest), undefined);
    // Through the channel (JSON, as VS Code posts it) and back together.
    const joined = joinTrace(JSON.parse(JSON.stringify(first)), JSON.parse(JSON.stringify(rest)));
    assert.deepEqual(joined, trace);
    assert.deepEqual(joined.gradients.map((g) => g.id), trace.gradients.map((g) => g.id), 'calls in their order');
  });

  it('opens on another step when asked, and counts rows against the threshold', () => {
    const trace = longLoop(800);
    const parts = splitTrace(trace, 10)!;
    assert.deepEqual(parts.first.gradients.map((g) => g.tapeId), [11, 801]);
    assert.deepEqual(joinTrace(parts.first, parts.rest), trace);
    // Just under the threshold the run goes whole; one row more and it is split.
    const small = longLoop(3);
    assert.equal(splitTrace(small), undefined);
    assert.ok(splitTrace(small, maxStep(small), 1));
    assert.ok(SPLIT_MIN_ROWS > 100);
  });

  it('refuses a rest that does not complete its first part', () => {
    const { first, rest, pendingTapes } = splitTrace(longLoop(800))!;
    assert.match(restMismatch(first, pendingTapes, { ...rest, tapes: rest.tapes.slice(1) })!, /tapes/);
    assert.match(restMismatch(first, pendingTapes, { ...rest, gradientAt: rest.gradientAt.map((a, i) => (i === 1 ? rest.gradientAt[0] : a)) })!, /taken/);
    assert.match(restMismatch(first, pendingTapes, { ...rest, gradientAt: rest.gradientAt.map((a) => a + 5) })!, /out of range/);
    assert.match(restMismatch(first, pendingTapes, { ...rest, gradientAt: rest.gradientAt.slice(1) })!, /number/);
    assert.match(restMismatch(first, pendingTapes, { ...rest, console: undefined as never })!, /missing/);
  });

  it('accepts reportRendered for a first part or a rest, nothing else', () => {
    const ok = (m: unknown) => validatePanelToHost(m).ok;
    assert.ok(ok({ type: 'reportRendered', sentAt: 1, drawMs: 2, nodes: 3, part: 'first' }));
    assert.ok(ok({ type: 'reportRendered', sentAt: 1, drawMs: 2, nodes: 3, part: 'rest' }));
    assert.ok(!ok({ type: 'reportRendered', sentAt: 1, drawMs: 2, nodes: 3, part: 'all' }));
    assert.ok(!ok({ type: 'reportRendered', sentAt: 1, drawMs: 2, nodes: 3, part: 1 }));
  });
});
