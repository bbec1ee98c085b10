// The graph's fit, semantic zoom, layout choice, folding of repeated structure and colour contrast,
// on hand-made inputs and on traces from the real runner (a 13-node MLP with Adam, a nested-tape
// Hessian, a scalar RNN unrolled over 400 steps: test/webview/fixtures/*.grad.ts).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Trace } from '../../src/protocol/trace';
import { buildGraph, gradientsFor, leafTitle, maxStep, nullPhrase, tapesAtStep, type Graph } from '../../webview/model/graphModel';
import { bounds, layeredBounds, layeredLayout } from '../../webview/model/layout';
import { largeTrace } from './fixtures/traceBuilder';
import { AA_TEXT, contrastRatio, ensureContrast, HEAT_STEPS, heatScale, parseColor, toOklch } from '../../webview/model/contrast';
import { chooseLayout, detailFor, edgeWidthPx, fitView, MIN_TEXT_PX, NODE_SIZES, overlaps, textPx, textRows, toScreen } from '../../webview/model/viewport';
import { collapseRepeats, findRepeats, viewGraphFor } from '../../webview/model/repeats';
import { addChainBreaks } from '../../webview/model/breaks';
import { addReferences } from '../../webview/model/references';
import type { NullReasonKind } from '../../src/protocol/trace';

const load = (f: string): Trace => JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', f), 'utf8'));
const graphOf = (t: Trace): Graph => {
  const tapes = tapesAtStep(t, maxStep(t));
  const grads = gradientsFor(t, tapes);
  return buildGraph(tapes, grads[grads.length - 1]);
};

/** Backgrounds of Dark Modern, Light Modern, Dark High Contrast and Light High Contrast. */
const BACKGROUNDS = { dark: '#1f1f1f', light: '#ffffff', hcDark: '#000000', hcLight: '#ffffff' };
/** Panel sizes: the editor panel at two sizes, the side bar at two heights. */
const PANES = { panel: [900, 600], panelLarge: [1220, 760], sideBar: [300, 480], sideBarTall: [300, 820] } as const;

describe('panel: contrast', () => {
  it('computes WCAG ratios', () => {
    assert.equal(contrastRatio([0, 0, 0], [255, 255, 255]), 21);
    assert.equal(contrastRatio([119, 119, 119], [119, 119, 119]), 1);
    // #767676 on white is the classic just-AA grey (4.54:1)
    assert.ok(Math.abs(contrastRatio(parseColor('#767676')!, [255, 255, 255]) - 4.54) < 0.01);
    assert.deepEqual(parseColor('rgba(255, 0, 0, 0.5)', [0, 0, 255]), [127.5, 0, 127.5]);
    assert.deepEqual(parseColor('#fff'), [255, 255, 255]);
    assert.equal(parseColor('var(--x)'), undefined);
  });

  for (const [theme, bg] of Object.entries(BACKGROUNDS)) {
    it(`every step of the gradient scale meets AA (${AA_TEXT}:1) on the ${theme} background, and the steps differ`, () => {
      const scale = heatScale(bg);
      assert.equal(scale.length, 5);
      for (const c of scale) assert.ok(contrastRatio(parseColor(c)!, parseColor(bg)!) >= AA_TEXT, `${c} on ${bg}: ${contrastRatio(parseColor(c)!, parseColor(bg)!).toFixed(2)}`);
      // Cool to hot: hue moves from blue towards red, step by step.
      const hues = scale.map((c) => toOklch(parseColor(c)!)[2]);
      for (let i = 1; i < hues.length; i++) assert.ok(hues[i] < hues[i - 1], `hues ${hues.map((h) => h.toFixed(0)).join(' > ')}`);
      assert.equal(new Set(scale).size, 5);
    });
  }

  it('moves a theme colour just far enough to read, keeping its hue', () => {
    // Light Modern's "passed" green is 4.3:1 on white; Dark Modern's orange chart colour on dark.
    for (const [fg, bg] of [['#73c991', '#ffffff'], ['#388a34', '#ffffff'], ['#6e4a1e', '#1f1f1f'], ['#8b949e', '#ffffff']]) {
      const out = ensureContrast(fg, bg);
      const r = contrastRatio(parseColor(out)!, parseColor(bg)!);
      assert.ok(r >= AA_TEXT && r < AA_TEXT + 1.2, `${fg} → ${out} on ${bg}: ${r.toFixed(2)}`);
      const dh = Math.abs(toOklch(parseColor(out)!)[2] - toOklch(parseColor(fg)!)[2]);
      assert.ok(Math.min(dh, 360 - dh) < 12, `${fg} → ${out} keeps its hue`);
    }
    assert.equal(ensureContrast('#cccccc', '#1f1f1f'), '#cccccc', 'already readable: unchanged');
  });
});

describe('panel: fit and semantic zoom', () => {
  it('fits any box inside any canvas, centred, with margins', () => {
    for (const b of [{ x: 0, y: 0, w: 5000, h: 80 }, { x: -300, y: 40, w: 80, h: 9000 }, { x: 10, y: 10, w: 20, h: 20 }, { x: 3, y: -7, w: 1200, h: 700 }]) {
      for (const [w, h] of [[300, 480], [900, 600], [1600, 1000], [120, 90]]) {
        const v = fitView(b, w, h);
        const s = toScreen(b, v);
        assert.ok(s.x >= 0 && s.y >= 0 && s.x + s.w <= w + 1e-9 && s.y + s.h <= h + 1e-9, `${JSON.stringify(b)} in ${w}×${h}: ${JSON.stringify(s)}`);
        assert.ok(Math.abs(s.x + s.w / 2 - w / 2) < 1e-6 && Math.abs(s.y + s.h / 2 - h / 2) < 1e-6, 'centred');
        assert.ok(Math.min(s.x, s.y) >= Math.min(24, w / 6, h / 6) - 1e-9, 'margins');
      }
    }
  });

  it('never sizes text below the minimum, and shows less of a record as the node shrinks on screen', () => {
    for (const k of [0.01, 0.1, 0.3, 0.5, 0.9, 1, 2, 6]) assert.ok(textPx(k) >= MIN_TEXT_PX && textPx(k) >= 10);
    const f = NODE_SIZES.full;
    assert.equal(detailFor(f.h, f.w, 1), 'full');
    assert.equal(detailFor(f.h, f.w, 0.6), 'brief');
    assert.equal(detailFor(f.h, f.w, 0.25), 'name');
    assert.equal(detailFor(f.h, f.w, 0.1), 'box');
    // a row of text fits inside the node at every level that draws one
    for (let k = 0.05; k < 3; k += 0.05) {
      const rows = textRows(f.h, k);
      assert.ok(rows * textPx(k) * 1.2 <= f.h * k, `k=${k.toFixed(2)}: ${rows} rows`);
    }
  });

  it('draws a hotter edge at least as wide, never under a pixel, and zoomed far out never wider than a quarter of a box', () => {
    const steps = [...Array(HEAT_STEPS).keys()];
    for (const boxPx of [0.1, 1, 4, 10, 22.4, 40, 80, 400]) {
      const w = steps.map((i) => edgeWidthPx(i, boxPx));
      for (let i = 1; i < w.length; i++) assert.ok(w[i] >= w[i - 1], `boxes ${boxPx} px: step ${i} not narrower`);
      for (const x of w) assert.ok(x >= 1 && x <= Math.max(1, boxPx / 4) + 1e-9, `boxes ${boxPx} px: ${x} px`);
    }
    // Boxes large enough on screen: every heat step has its own width (never colour alone).
    const readable = steps.map((i) => edgeWidthPx(i, 80));
    assert.equal(new Set(readable).size, HEAT_STEPS);
    assert.ok(readable[0] > 1 && readable[HEAT_STEPS - 1] >= 5, readable.join(', '));
    // A 10,000-node graph fitted whole: boxes under a pixel, every edge one pixel.
    assert.deepEqual(steps.map((i) => edgeWidthPx(i, 0.5)), steps.map(() => 1));
  });

  it('finds overlapping rectangles', () => {
    assert.deepEqual(overlaps([{ x: 0, y: 0, w: 10, h: 10 }, { x: 20, y: 0, w: 5, h: 5 }, { x: 5, y: 5, w: 10, h: 10 }]), [[0, 2]]);
    assert.deepEqual(overlaps([{ x: 0, y: 0, w: 10, h: 10 }, { x: 10, y: 0, w: 10, h: 10 }]), [], 'touching is not overlapping');
  });
});

describe('panel: layout on the runner’s traces', () => {
  const fixtures = { mlp: load('trace-mlp-adam.json'), hessian: load('trace-hessian.json'), rnn: load('trace-rnn-400.json') };

  for (const [name, trace] of Object.entries(fixtures)) {
    for (const [pane, [w, h]] of Object.entries(PANES)) {
      it(`${name} in the ${pane} (${w}×${h}): fitted inside the canvas, no node overlaps, text legible`, () => {
        const g = addReferences(viewGraphFor(graphOf(trace), new Set()).view);
        const choice = chooseLayout((dir, size) => (layeredLayout(g, dir, size), bounds(g)), w, h);
        layeredLayout(g, choice.dir, choice.size);
        const v = fitView(bounds(g), w, h);
        const rects = g.nodes.map((n) => toScreen(n, v));
        for (const r of rects) assert.ok(r.x >= 0 && r.y >= 0 && r.x + r.w <= w + 1e-6 && r.y + r.h <= h + 1e-6);
        assert.deepEqual(overlaps(rects), []);
        // Every node at least carries its name at a legible size.
        assert.notEqual(choice.detail, 'box', JSON.stringify(choice));
        if (pane.startsWith('side')) assert.equal(choice.dir, name === 'rnn' ? choice.dir : 'TB', 'a tall narrow pane flows top to bottom');
        if (name === 'mlp' && pane.startsWith('panel')) assert.equal(choice.detail, 'brief', 'the MLP shows name, op and gradient in the panel');
      });
    }
  }

  it('measures each placement the layout choice tries without moving a node, to the bounds that placement gives', () => {
    const graphs = {
      ...Object.fromEntries(Object.entries(fixtures).map(([k, t]) => [k, addReferences(viewGraphFor(graphOf(t), new Set()).view)])),
      rnnOpened: (() => {
        const base = graphOf(fixtures.rnn);
        return addReferences(viewGraphFor(base, new Set(findRepeats(base).map((r) => r.key))).view);
      })(),
      large: addReferences(viewGraphFor(graphOf(largeTrace(1000)), new Set()).view),
    };
    for (const [name, g] of Object.entries(graphs)) {
      assert.ok(g.nodes.some((n) => n.ref !== undefined || n.kind === 'group') || name !== 'rnn', `${name} has references or groups`);
      const before = g.nodes.map((n) => [n.x, n.y, n.w, n.h]);
      const measured = (['LR', 'TB'] as const).flatMap((dir) => (['full', 'brief', 'name'] as const).map((size) => ({ dir, size, b: layeredBounds(g, dir, size) })));
      assert.deepEqual(g.nodes.map((n) => [n.x, n.y, n.w, n.h]), before, `${name}: measuring moved no node`);
      for (const { dir, size, b } of measured) {
        layeredLayout(g, dir, size);
        const want = bounds(g);
        for (const k of ['x', 'y', 'w', 'h'] as const) assert.ok(Math.abs(b[k] - want[k]) < 1e-6, `${name} ${dir} ${size}: ${k} ${b[k]} vs ${want[k]}`);
      }
    }
  });

  it('titles an op no source name covers with the expression that ran, never an id (issue 17)', () => {
    const g = graphOf(fixtures.mlp);
    const titles = g.nodes.filter((n) => n.kind === 'op').map((n) => n.title);
    for (const t of titles) assert.doesNotMatch(t, /^t\d+$/, t);
    for (const t of ['matMul(xb, w1)', 'add(matMul(xb, w1), b1)', 'hidden', 'matMul(hidden, w2)', 'logits', 'loss']) assert.ok(titles.includes(t), `${t} in ${titles.join(' · ')}`);
    assert.ok(titles.every((t) => t.length <= 32), titles.join(' · '));
  });

  it('puts each leaf in the rank just before its first consumer', () => {
    const g = graphOf(fixtures.mlp);
    layeredLayout(g, 'LR', 'full');
    for (const n of g.nodes) {
      if (n.kind !== 'leaf' || !n.consumers.length) continue;
      const first = Math.min(...n.consumers.map((c) => g.nodes[c].x));
      assert.ok(first > n.x && first - n.x <= NODE_SIZES.full.w + NODE_SIZES.full.gapRank + 1e-9, `${n.title} at ${n.x}, its consumer at ${first}`);
    }
  });

  it('keeps edge crossings of the MLP to at most one between adjacent ranks', () => {
    const g = graphOf(fixtures.mlp);
    layeredLayout(g, 'TB', 'brief');
    const mid = (i: number) => g.nodes[i].x + g.nodes[i].w / 2;
    let crossings = 0;
    const es = g.edges.filter((e) => g.nodes[e.to].y - g.nodes[e.from].y < 80);
    for (let i = 0; i < es.length; i++) for (let j = i + 1; j < es.length; j++) {
      const a = es[i], b = es[j];
      if (g.nodes[a.from].y !== g.nodes[b.from].y || g.nodes[a.to].y !== g.nodes[b.to].y) continue;
      if ((mid(a.from) - mid(b.from)) * (mid(a.to) - mid(b.to)) < 0) crossings++;
    }
    assert.ok(crossings <= 1, `${crossings} crossings`);
  });
});

describe('panel: repeated structure', () => {
  const rnn = graphOf(load('trace-rnn-400.json'));

  it('folds the RNN unrolled over 400 steps into 400 × (Mul, Mul, Add, Tanh), the weights outside', () => {
    assert.equal(rnn.nodes.filter((n) => n.kind === 'op').length, 1601);
    const reps = findRepeats(rnn);
    assert.equal(reps.length, 1);
    assert.equal(reps[0].count, 400);
    assert.deepEqual(reps[0].ops, ['Mul', 'Mul', 'Add', 'Tanh']);
    const { view } = viewGraphFor(rnn, new Set());
    const group = view.nodes.find((n) => n.kind === 'group')!;
    assert.equal(group.title, '400 × (Mul, Mul, Add, Tanh)');
    // w and u (used by every iteration) stay outside, each drawn once with one edge into the group;
    // the 400 per-step constants and h's start go in.
    const outside = view.nodes.filter((n) => n.kind === 'leaf').map((n) => n.title).sort();
    assert.deepEqual(outside, ['u', 'w']);
    assert.equal(group.group!.leafCount, 401);
    assert.equal(view.nodes.length, 4);
    assert.deepEqual(view.edges.map((e) => `${view.nodes[e.from].title}→${view.nodes[e.to].title}`).sort(), ['400 × (Mul, Mul, Add, Tanh)→loss', 'u→400 × (Mul, Mul, Add, Tanh)', 'w→400 × (Mul, Mul, Add, Tanh)']);
    // every base node maps to a drawn one, and back
    for (const n of rnn.nodes) assert.ok(view.viewOf[n.index] >= 0);
    assert.equal(view.nodes[view.viewOf[rnn.nodes.length - 1]].title, 'loss');
  });

  it('carries the gradient along the chain: it shrinks from the last iteration back to the first', () => {
    const { view } = viewGraphFor(rnn, new Set());
    const trail = view.nodes.find((n) => n.group)!.group!.gradTrail;
    assert.equal(trail.length, 400);
    const last = trail[399], early = trail[300];
    assert.ok(last > 0.1, `last iteration ${last}`);
    assert.ok(early < last * 1e-3, `100 steps back: ${early} vs ${last}`);
  });

  it('finds the same repeats whether a signature packs into a number or falls back to text (columns, lines, files out of range)', () => {
    const shifted = (f: (pos: { file?: string; line: number; column: number }) => { file?: string; line: number; column: number }): Graph => ({
      ...rnn, nodes: rnn.nodes.map((n) => ({ ...n, pos: n.pos ? f(n.pos) : undefined })),
    });
    const shape = (g: Graph) => findRepeats(g).map((r) => `${r.period}×${r.count}@${r.members[0]}:${r.ops.join(',')}`);
    const plain = shape(rnn);
    assert.deepEqual(plain, ['4×400@403:Mul,Mul,Add,Tanh']);
    assert.deepEqual(shape(shifted((p) => ({ ...p, column: p.column + 5000 }))), plain, 'columns past 2^11');
    assert.deepEqual(shape(shifted((p) => ({ ...p, line: p.line + 2_000_000 }))), plain, 'lines past 2^20');
    // Every op at its own line but one column: only the source position tells the iterations apart, in either form.
    const oneLine = shifted((p) => ({ ...p, line: 1 }));
    const mixed = shifted((p) => (p.line % 2 ? { ...p, column: p.column + 5000 } : p));
    assert.deepEqual(shape(mixed), plain, 'some signatures packed, some as text');
    assert.ok(shape(oneLine).length >= 1);
  });

  it('orders ranks by barycentre with ties by index, as a comparison sort would, however wide the rank', () => {
    // The last sweep runs down the ranks by inputs: each rank whose nodes all have inputs ends up
    // sorted by the mean position of its nodes' inputs within their ranks, ties by node index.
    const t = largeTrace(3000);
    const g = buildGraph(t.tapes, t.gradients[0]);
    layeredLayout(g, 'LR', 'full');
    const ranks = new Map<number, typeof g.nodes>();
    for (const n of g.nodes) ranks.set(n.x, [...(ranks.get(n.x) ?? []), n]);
    const pos = new Map<number, number>();
    for (const members of ranks.values()) [...members].sort((p, q) => p.y - q.y).forEach((n, k) => pos.set(n.index, k));
    let checked = 0, widest = 0, ties = 0;
    for (const members of ranks.values()) {
      if (members.some((n) => !n.inputs.length)) continue;
      const key = (n: (typeof members)[number]) => n.inputs.reduce((s, j) => s + pos.get(j)!, 0) / n.inputs.length;
      const placed = [...members].sort((p, q) => p.y - q.y).map((n) => n.index);
      const sorted = [...members].sort((p, q) => key(p) - key(q) || p.index - q.index).map((n) => n.index);
      assert.deepEqual(placed, sorted);
      checked++;
      widest = Math.max(widest, members.length);
      ties += members.length - new Set(members.map(key)).size;
    }
    assert.ok(checked > 10 && widest > 32 && ties > 0, `ranks checked ${checked}, widest ${widest}, ties ${ties}`);
  });

  it('opens a group when asked, and leaves small graphs alone', () => {
    const key = findRepeats(rnn)[0].key;
    const open = collapseRepeats(rnn, findRepeats(rnn), new Set([key]));
    assert.equal(open.nodes.length, rnn.nodes.length);
    const mlp = graphOf(load('trace-mlp-adam.json'));
    assert.equal(viewGraphFor(mlp, new Set()).view.nodes.length, 13);
  });
});

describe('panel: null gradients in words', () => {
  it('says why for every reason, in words', () => {
    const kinds: NullReasonKind[] = ['notWatched', 'constant', 'notTrainable', 'integerDtype', 'stopGradient', 'stopRecording', 'reset', 'leftEngine', 'noPath'];
    for (const k of kinds) {
      const s = nullPhrase(k);
      assert.match(s, /^no gradient: [a-z ]+/);
      assert.doesNotMatch(s.replace('stopGradient', '').replace('stopRecording', ''), /[a-z][A-Z]/, `${k}: ${s}`);
    }
  });
});

describe('panel: where a chain breaks', () => {
  it('draws the op whose value left the engine, a broken link, and the target beyond it, with the reason', () => {
    const t = load('trace-left-engine.json');
    const base = graphOf(t);
    // The unnamed constant reads as its value, never as an id (it was `constant 3`, its tensor id).
    assert.deepEqual(base.nodes.map((n) => n.title).sort(), ['2', 'doubled', 'w']);
    const big = { ...base.nodes.find((n) => n.title === '2')!.leaf!, value: { ...base.nodes.find((n) => n.title === '2')!.value, shape: [8, 4], size: 32 } };
    assert.equal(leafTitle(big), 'constant (8, 4)');
    const view = addChainBreaks(viewGraphFor(base, new Set()).view);
    const note = view.nodes.find((n) => n.note?.role === 'break')!;
    const target = view.nodes.find((n) => n.note?.role === 'target')!;
    assert.equal(note.title, 'chain broken');
    assert.equal(note.op, 'arraySync() :8');
    assert.match(note.note!.message, /left the engine through arraySync\(\)/);
    assert.equal(target.title, 'loss');
    const links = view.edges.filter((e) => e.broken).map((e) => `${view.nodes[e.from].title}→${view.nodes[e.to].title}`);
    assert.deepEqual(links, ['doubled→chain broken', 'chain broken→loss']);
    assert.equal(view.nodes.find((n) => n.title === 'w')!.grad, null);
    assert.equal(nullPhrase(view.nodes.find((n) => n.title === 'w')!.nullReason?.kind), 'no gradient: left the engine');
    // a graph without such a null is left as it is
    const mlp = viewGraphFor(graphOf(load('trace-mlp-adam.json')), new Set()).view;
    assert.equal(addChainBreaks(mlp), mlp);
  });
});
