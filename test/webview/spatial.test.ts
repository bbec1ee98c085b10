// The graph's spatial index (webview/model/spatial.ts): a frame draws the nodes and edges the index
// finds in view, so it must find every one a full scan finds, at any zoom and in either direction.
import assert from 'node:assert/strict';
import { buildGraph, makeNode, type Graph } from '../../webview/model/graphModel';
import { layeredLayout } from '../../webview/model/layout';
import { viewGraphFor } from '../../webview/model/repeats';
import { addReferences } from '../../webview/model/references';
import { EDGE_BEND, IntervalIndex, SpatialIndex, nodesInScan } from '../../webview/model/spatial';
import type { Box, Direction } from '../../webview/model/viewport';
import { largeTrace, summary } from './fixtures/traceBuilder';

const overlaps = (a: Box, b: Box) => a.x <= b.x + b.w && b.x <= a.x + a.w && a.y <= b.y + b.h && b.y <= a.y + a.h;

function laidOut(n: number, dir: Direction): Graph {
  const t = largeTrace(n);
  const g = addReferences(viewGraphFor(buildGraph(t.tapes, t.gradients[0]), new Set()).view);
  layeredLayout(g, dir, 'brief');
  return g;
}

/** Views of several sizes over the whole graph, seeded so every run checks the same ones. */
function views(g: Graph, count: number): Box[] {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (const n of g.nodes) {
    x0 = Math.min(x0, n.x); y0 = Math.min(y0, n.y); x1 = Math.max(x1, n.x + n.w); y1 = Math.max(y1, n.y + n.h);
  }
  let seed = 11;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const out: Box[] = [{ x: x0, y: y0, w: x1 - x0, h: y1 - y0 }];
  for (let i = 0; i < count; i++) {
    const w = (x1 - x0) * 10 ** (-3 * rnd()), h = (y1 - y0) * 10 ** (-3 * rnd());
    out.push({ x: x0 - w / 2 + rnd() * (x1 - x0), y: y0 - h / 2 + rnd() * (y1 - y0), w, h });
  }
  out.push({ x: g.nodes[5].x + 1, y: g.nodes[5].y + 1, w: 0, h: 0 }); // a point inside a node (a click)
  return out;
}

describe('spatial index of the drawn graph', () => {
  for (const dir of ['LR', 'TB'] as Direction[]) {
    it(`finds exactly the nodes a full scan finds in view (${dir}, 3,000 nodes, 200 views)`, () => {
      const g = laidOut(3000, dir);
      const index = new SpatialIndex(g.nodes, g.edges, dir === 'LR');
      let total = 0;
      for (const v of views(g, 200)) {
        const want = g.nodes.filter((n) => overlaps(n, v)).map((n) => n.index);
        assert.deepEqual([...index.nodesIn(v)], want);
        total += want.length;
      }
      assert.ok(total > 3000, `the views hold nodes (${total})`);
    });

    it(`answers before it is built (a scan: the first frame, pointer queries until idle time) as the index does after (${dir})`, () => {
      const g = laidOut(3000, dir);
      const index = new SpatialIndex(g.nodes, g.edges, dir === 'LR');
      let total = 0;
      for (const v of views(g, 200)) {
        const scanned = nodesInScan(g.nodes, v);
        assert.deepEqual(scanned, [...index.nodesIn(v)]);
        total += scanned.length;
      }
      assert.ok(total > 3000, `the views hold nodes (${total})`);
    });

    it(`finds every edge with an end or its line in view (${dir})`, () => {
      const g = laidOut(3000, dir);
      const lr = dir === 'LR';
      const index = new SpatialIndex(g.nodes, g.edges, lr);
      let checked = 0;
      for (const v of views(g, 200)) {
        const found = new Set(index.edgesIn(v));
        g.edges.forEach((e, i) => {
          const a = g.nodes[e.from], b = g.nodes[e.to];
          // The segment between the two ends (the drawn curve stays within its nodes' span, bent EDGE_BEND further along).
          const x0 = lr ? a.x + a.w : a.x + a.w / 2, y0 = lr ? a.y + a.h / 2 : a.y + a.h;
          const x1 = lr ? b.x : b.x + b.w / 2, y1 = lr ? b.y + b.h / 2 : b.y;
          const seg = { x: Math.min(x0, x1), y: Math.min(y0, y1), w: Math.abs(x1 - x0), h: Math.abs(y1 - y0) };
          if (overlaps(seg, v)) {
            checked++;
            assert.ok(found.has(i), `edge ${i} (${e.from}→${e.to}) crosses the view but was not found`);
          }
        });
      }
      assert.ok(checked > 3000, `edges checked: ${checked}`);
    });
  }

  it('finds long and short intervals alike, each once', () => {
    // Lengths from 0 to 100,000 units: a long edge across the picture must be found from anywhere along it.
    const n = 5000;
    let seed = 5;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const start = new Float64Array(n), end = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      start[i] = rnd() * 1e6;
      end[i] = start[i] + (i % 7 === 0 ? rnd() * 1e5 : rnd() * 50);
    }
    const index = new IntervalIndex(start, end);
    for (let q = 0; q < 100; q++) {
      const q0 = rnd() * 1e6, q1 = q0 + rnd() * 3000;
      const got: number[] = [];
      index.query(q0, q1, (i) => got.push(i));
      const want = [...start.keys()].filter((i) => start[i] <= q1 && end[i] >= q0);
      assert.deepEqual(got.sort((a, b) => a - b), want);
    }
  });

  it('an edge\'s box reaches EDGE_BEND past its ends along the flow', () => {
    const node = (index: number, x: number) => makeNode({ index, kind: 'op', tensorId: index, title: `n${index}`, op: 'Add', value: summary([0], []), x, y: 0, w: 10, h: 10 });
    const nodes = [node(0, 0), node(1, 100)];
    const index = new SpatialIndex(nodes, [{ from: 0, to: 1, input: 'a', tensorId: 0 }], true);
    assert.deepEqual([...index.edgesIn({ x: 110 + EDGE_BEND - 1, y: 0, w: 1, h: 1 })], [0]);
    assert.deepEqual([...index.edgesIn({ x: 110 + EDGE_BEND + 1, y: 0, w: 1, h: 1 })], []);
  });
});
