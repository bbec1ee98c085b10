// Training steps and curves in the panel: TF's numbering, the steps that kept a graph, one chart per
// quantity, smoothing that short series do not distort (on the MLP with Adam from the real runner).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Curve, Trace } from '../../src/protocol/trace';
import { detailedSteps, effectiveSmoothing, groupCurves, nearestDetailed, stepRanges, stepSpoken, stepText } from '../../webview/model/steps';
import { smoothEma } from '../../webview/model/smoothing';
import { heatmapColor } from '../../webview/model/heatmap';
import { contrastRatio, parseColor } from '../../webview/model/contrast';

const mlp: Trace = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'trace-mlp-adam.json'), 'utf8'));
const seed: Trace = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'cli-03.json'), 'utf8'));

describe('panel: training steps', () => {
  it('numbers steps as TensorFlow does, from 0, with the range', () => {
    assert.equal(stepText(0, 2), 'step 0 of 0–2');
    assert.equal(stepText(159, 159), 'step 159 of 0–159');
    assert.equal(stepSpoken(3, 9), 'step 3 of 0 to 9');
  });

  it('knows which steps kept a graph, and finds the nearest one', () => {
    const kept = detailedSteps(mlp);
    assert.equal(kept.length, 160 - mlp.stats.droppedSteps);
    for (const s of kept) assert.ok(mlp.tapes.some((t) => t.step === s && t.detailed && t.nodes.length));
    assert.ok(kept.includes(0) && kept.includes(159), stepRanges(kept));
    const scalarsOnly = [...Array(160).keys()].find((s) => !kept.includes(s))!;
    const near = nearestDetailed(kept, scalarsOnly)!;
    assert.ok(kept.includes(near));
    for (const s of kept) assert.ok(Math.abs(s - scalarsOnly) >= Math.abs(near - scalarsOnly));
    assert.equal(nearestDetailed(kept, 0), 0);
    assert.equal(nearestDetailed([], 4), undefined);
    assert.deepEqual(detailedSteps(seed), [0, 1, 2]);
    assert.equal(stepRanges([0, 1, 2, 5, 7, 8]), '0–2, 5, 7–8');
  });
});

describe('panel: curves', () => {
  it('draws the tape target `loss` and tf.summary.scalar("loss") as one chart', () => {
    assert.deepEqual(mlp.curves.map((c) => `${c.name}:${c.kind}`), ['loss:target', 'loss:summary']);
    const groups = groupCurves(mlp.curves);
    assert.equal(groups.length, 1);
    assert.equal(groups[0].name, 'loss');
    assert.deepEqual(groups[0].kinds, ['target', 'summary']);
    assert.equal(groups[0].points.length, 160);
    assert.equal(groups[0].points[0].step, 0);
  });

  it('keeps two charts when a name carries different numbers, and says which is which', () => {
    const a: Curve = { name: 'loss', kind: 'target', points: [{ step: 0, value: 1 }, { step: 1, value: 0.5 }] };
    const b: Curve = { name: 'loss', kind: 'summary', points: [{ step: 0, value: 2 }, { step: 1, value: 0.7 }] };
    assert.deepEqual(groupCurves([a, b]).map((g) => g.name), ['loss (gradient target)', 'loss (summary)']);
  });

  it('does not smooth a 3-point series: the bold line ends at the last value', () => {
    const ys = seed.curves[0].points.map((p) => Number(p.value));
    assert.equal(ys.length, 3);
    // TensorBoard's EMA at 0.6 would end at 3.6 for a last value of 0.46
    assert.ok(Math.abs(smoothEma(ys, 0.6)[2] - 3.62) < 0.01);
    const w = effectiveSmoothing(0.6, ys.length);
    assert.equal(w, 0);
    assert.equal(smoothEma(ys, w)[2], ys[2]);
    // a long series keeps the chosen weight; in between, at most a tenth of the series is averaged
    assert.equal(effectiveSmoothing(0.6, 160), 0.6);
    assert.equal(effectiveSmoothing(0.99, 50), 0.8);
  });
});

describe('panel: heatmap colours', () => {
  it('fades to the background at 0 and reaches full colour at the ends, signs apart', () => {
    for (const bg of ['#1f1f1f', '#ffffff']) {
      assert.equal(heatmapColor(0, 1, bg), bg);
      const neg = parseColor(heatmapColor(-1, 1, bg))!, pos = parseColor(heatmapColor(1, 1, bg))!;
      assert.ok(neg[2] > neg[0], 'negative is blue');
      assert.ok(pos[0] > pos[2], 'positive is orange');
      assert.ok(contrastRatio(neg, parseColor(bg)!) >= 3 && contrastRatio(pos, parseColor(bg)!) >= 2.5);
    }
  });
});
