// The trace's row budget (src/runner/host/rowBudget.ts, issue 15): a long loop's trace keeps a
// bounded number of steps and curve points, the first, last and detailed steps and every
// curve's envelope, and says what it thinned; an endless loop's trace stays within the budget.
import assert from 'node:assert/strict';
import { formatReport } from '../../src/cli/report';
import { thinnedText } from '../../src/protocol/traceQueries';
import { ROW_LIMITS, thinCurve, Thinned } from '../../src/runner/host/rowBudget';
import { TraceAssembler } from '../../src/runner/host/assemble';
import { TAPE_DETAILED, TAPE_SENT_BEFORE, type TraceEvent } from '../../src/protocol/worker';
import type { Curve } from '../../src/protocol/trace';
import { DETAIL_STEPS } from '../../src/runner/run/recorder';
import { disposeBundlers } from '../../src/runner/host/bundlerProcess';
import { runScratch } from '../../src/runner/host/scratchRun';
import { buildRunner, fixture, WORKER } from './helpers';

const loop = (head: string) => `
import * as tf from "gradtape";
const w = tf.variable(1);
${head} {
  const tape = new tf.GradientTape();
  const loss = tape.record(() => tf.square(w));
  const grad = tape.gradient(loss, w);
  tf.summary.scalar("s", i === 3333 ? 100 : i === 1234 ? -100 : i % 10, { step: i });
}`;

describe('runner: the row budget of a long run', function () {
  this.timeout(120_000);
  before(() => buildRunner());
  after(() => disposeBundlers());

  it('6,000 steps: the trace keeps the first, the last and the detailed steps with their calls, each curve\'s extremes, and says what went', async () => {
    const steps = 6000;
    const t = await runScratch({ file: fixture('runner-lazy-last-step.grad.ts'), text: loop(`for (let i = 0; i < ${steps}; i++)`), workerFile: WORKER, timeoutMs: 120_000 });
    assert.equal(t.ok, true, JSON.stringify(t.error));
    assert.equal(t.stats.tapes, steps);
    assert.ok(t.tapes.length <= ROW_LIMITS.steps + DETAIL_STEPS, `${t.tapes.length} tapes`);
    const kept = new Set(t.tapes.map((tape) => tape.step));
    for (let s = steps - ROW_LIMITS.lastSteps; s < steps; s++) assert.ok(kept.has(s), `step ${s} kept`);
    assert.ok(kept.has(0));
    assert.ok(t.tapes.some((tape) => tape.detailed && tape.step === steps - 1), 'the last step is detailed');
    // Every kept step has its gradient call, and no call outlives its step.
    const ids = new Set(t.tapes.map((tape) => tape.id));
    assert.deepEqual(t.gradients.map((g) => g.tapeId).sort((a, b) => a - b), [...ids].sort((a, b) => a - b));
    const [stepsThinned, pointsThinned] = [t.thinned?.find((th) => th.what === 'steps'), t.thinned?.find((th) => th.what === 'points' && th.name === 's')];
    assert.ok(stepsThinned && pointsThinned, JSON.stringify(t.thinned));
    assert.equal(stepsThinned.dropped, steps - t.tapes.length);
    assert.equal(stepsThinned.name, 'tape');
    assert.ok(stepsThinned.fromStep >= 1 && stepsThinned.toStep < steps - ROW_LIMITS.lastSteps, JSON.stringify(stepsThinned));

    const s = t.curves.find((c) => c.name === 's')!;
    assert.ok(s.points.length <= ROW_LIMITS.points, `${s.points.length} points`);
    assert.equal(pointsThinned.dropped, steps - s.points.length);
    assert.deepEqual(s.points.find((p) => p.step === 3333), { step: 3333, value: 100 });
    assert.deepEqual(s.points.find((p) => p.step === 1234), { step: 1234, value: -100 });
    assert.deepEqual(s.points.slice(-ROW_LIMITS.lastPoints).map((p) => p.step), Array.from({ length: ROW_LIMITS.lastPoints }, (_, i) => steps - ROW_LIMITS.lastPoints + i));
    // Every stretch keeps its envelope: each thinned group of 10 steps still shows 0 and 9 somewhere near.
    const values = s.points.filter((p) => p.step < 1000).map((p) => p.value);
    assert.ok(values.includes(0) && values.includes(9));

    const points = t.thinned!.filter((th) => th.what === 'points').reduce((n, th) => n + th.dropped, 0);
    assert.match(thinnedText(t) ?? '', new RegExp(`^${stepsThinned.dropped} steps and ${points} curve points thinned`));
    assert.match(formatReport(t), new RegExp(`${stepsThinned.dropped} steps of tape tape \\(\\S*:5:16\\) between steps ${stepsThinned.fromStep} and ${stepsThinned.toStep}`));
  });

  it('an endless loop stopped at its time limit: the trace stays within the budget', async () => {
    const t = await runScratch({ file: fixture('runner-lazy-last-step.grad.ts'), text: loop('for (let i = 0; ; i++)'), workerFile: WORKER, timeoutMs: 3000 });
    assert.equal(t.error?.kind, 'timeout');
    const bound = ROW_LIMITS.steps + DETAIL_STEPS;
    assert.ok(t.tapes.length <= bound && t.gradients.length <= bound, `${t.tapes.length} tapes, ${t.gradients.length} calls`);
    for (const c of t.curves) assert.ok(c.points.length <= ROW_LIMITS.points, `${c.name}: ${c.points.length} points`);
    // Whatever the machine's speed: past the budget the rows were thinned, and the trace says so.
    if (t.stats.tapes > bound) assert.equal(t.thinned?.find((th) => th.what === 'steps')?.dropped, t.stats.tapes - t.tapes.length);
    assert.ok(JSON.stringify(t).length < 4 * 1024 * 1024, `${JSON.stringify(t).length} bytes`);
  });

  it('a long curve is thinned evenly: every stretch of its steps keeps points, not only the latest', () => {
    // As the assembler does: a point at a time, thinned whenever the curve is over its limit.
    const c: Curve = { name: 'loss', kind: 'summary', points: [] };
    const th = new Thinned('points', 'loss', undefined);
    const steps = 100_000;
    for (let step = 0; step < steps; step++) {
      c.points.push({ step, value: 2 * Math.exp(-step / 2000) });
      if (c.points.length > ROW_LIMITS.points) thinCurve(c, th);
    }
    assert.ok(c.points.length <= ROW_LIMITS.points);
    assert.equal(th.dropped, steps - c.points.length);
    // Each tenth of the run keeps a fair share (the old halving kept 1 point of the first 80,000 steps).
    for (let tenth = 0; tenth < 9; tenth++) {
      const n = c.points.filter((p) => Math.floor(p.step / 10_000) === tenth).length;
      assert.ok(n >= 50, `steps ${tenth * 10_000}-${tenth * 10_000 + 9_999}: ${n} points`);
    }
    assert.equal(c.points[0].step, 0, 'the first point (the maximum) stays');

    // A rising curve: the first point is its minimum only by a hair, and noise makes another point of the first stretch lower.
    const r: Curve = { name: 'acc', kind: 'summary', points: [] };
    const rt = new Thinned('points', 'acc', undefined);
    for (let step = 0; step < steps; step++) {
      r.points.push({ step, value: step === 5 ? -1 : step / steps });
      if (r.points.length > ROW_LIMITS.points) thinCurve(r, rt);
    }
    assert.equal(r.points[0].step, 0, 'the first point stays even when it is not an extreme of its stretch');
    assert.ok(r.points.some((p) => p.step === 5), 'the minimum stays');
  });

  it('samples that come back detailed at the end of a run take their place by step: the latest steps all stay', () => {
    // The recorder writes out its held samples when the run ends (steps.ts finish), after the host
    // may have thinned their rows away; batch sizes depend on the machine's speed, so this feeds
    // the assembler directly, batch by batch.
    const a = new TraceAssembler('/x.grad.ts', new Date(0));
    const pos = { line: 5, column: 16 };
    const rows = (steps: number[], flags: number): TraceEvent => ({ kind: 'tapeRows', tape: { pos }, ids: Int32Array.from(steps, (s) => s + 1), steps: Int32Array.from(steps), nodeCounts: Int32Array.from(steps, () => 2), bytes: Float64Array.from(steps, () => 8), parentIds: Int32Array.from(steps, () => -1), flags: Uint8Array.from(steps, () => flags) });
    const stats: TraceEvent = { kind: 'stats', ops: 0, recordedOps: 0, gradientCalls: 0, droppedSteps: 0 };
    const steps = 6000;
    for (let s = 0; s < steps; s += 100) for (const e of [rows(Array.from({ length: 100 }, (_, i) => s + i), 0), stats]) a.apply(e);
    const samples = Array.from({ length: 18 }, (_, i) => 256 * (i + 1) + 1); // odd steps: thinned by now
    for (const e of [rows(samples, TAPE_DETAILED | TAPE_SENT_BEFORE), rows([steps - 1], TAPE_DETAILED | TAPE_SENT_BEFORE), stats]) a.apply(e);
    const t = a.finish(undefined, 1);
    const kept = new Set(t.tapes.map((tape) => tape.step));
    for (let s = steps - ROW_LIMITS.lastSteps; s < steps; s++) assert.ok(kept.has(s), `step ${s} kept`);
    for (const s of samples) assert.ok(t.tapes.some((tape) => tape.step === s && tape.detailed), `sample ${s} kept, detailed`);
    assert.equal(t.tapes.length + t.thinned!.find((th) => th.what === 'steps')!.dropped, steps, 'every step is kept or counted as thinned, once');
  });
});
