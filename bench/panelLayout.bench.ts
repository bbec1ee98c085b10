// Layout libraries for the panel's tape graph, measured on tape-shaped graphs (test/webview/fixtures
// traceBuilder.largeTrace): ELK layered (elkjs) and dagre (@dagrejs/dagre), against the panel's own
// linear-time layered placement. cold = the first call at that size in this process, warm = median of
// the next runs. dagre is not run at 10,000 nodes (1,000 already take tens of seconds; at 10,000 it
// overflowed the call stack when tried). Then the panel's steps before its first frame at 10,000 and
// 100,000 nodes, in CPU time. Prints figures; asserts nothing.
import dagre from '@dagrejs/dagre';
import ELK from 'elkjs/lib/elk.bundled.js';
import { buildGraph, layoutInput } from '../webview/model/graphModel';
import { bounds, layeredLayout } from '../webview/model/layout';
import { viewGraphFor } from '../webview/model/repeats';
import { addReferences } from '../webview/model/references';
import { SpatialIndex } from '../webview/model/spatial';
import { largeTrace } from '../test/webview/fixtures/traceBuilder';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const graphOf = (n: number) => {
  const t = largeTrace(n);
  return buildGraph(t.tapes, t.gradients[0]);
};

const elk = new ELK();
/** ELK layered with the options that measured fastest without worse pictures (crossing minimisation kept). */
async function elkLayout(n: number): Promise<void> {
  const input = layoutInput(graphOf(n));
  await elk.layout({
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered', 'elk.direction': 'RIGHT', 'elk.edgeRouting': 'POLYLINE',
      'elk.layered.thoroughness': n > 150 ? '1' : '7', 'elk.layered.nodePlacement.strategy': n > 150 ? 'SIMPLE' : 'BRANDES_KOEPF',
    },
    children: input.nodes,
    edges: input.edges.map((e) => ({ id: e.id, sources: [e.source], targets: [e.target] })),
  });
}

function dagreLayout(n: number): void {
  const input = layoutInput(graphOf(n));
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'LR', nodesep: 22, ranksep: 56 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const v of input.nodes) g.setNode(v.id, { width: v.width, height: v.height });
  for (const e of input.edges) g.setEdge(e.source, e.target);
  dagre.layout(g);
}

async function time(f: () => unknown | Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await f();
  return performance.now() - t0;
}

async function measure(name: string, n: number, f: () => unknown | Promise<unknown>, reps: number, budgetMs: number): Promise<string> {
  try {
    const cold = await time(f);
    if (cold > budgetMs) return `${name} ${cold.toFixed(0)} ms (one run)`;
    const warm: number[] = [];
    for (let i = 0; i < reps; i++) warm.push(await time(f));
    return `${name} cold ${cold.toFixed(0)} / warm ${median(warm).toFixed(n < 1000 ? 1 : 0)} ms`;
  } catch (e) {
    return `${name} fails: ${String(e).split('\n')[0].slice(0, 60)}`;
  }
}

async function main() {
  // `npx tsx bench/panelLayout.bench.ts pipeline`: only the panel's own steps.
  const libraries = process.argv[2] !== 'pipeline';
  for (const n of libraries ? [10, 30, 100, 300, 1000, 10000] : []) {
    const row = [
      await measure('ELK', n, () => elkLayout(n), n <= 300 ? 5 : 2, 5000),
      n <= 1000 ? await measure('dagre', n, () => dagreLayout(n), n <= 300 ? 5 : 2, 5000) : 'dagre not run',
      await measure('own layered', n, () => layeredLayout(graphOf(n)), 5, 5000),
    ];
    console.log(`${String(n).padStart(6)} nodes: ${row.join(' · ')}`);
  }
  // What the panel does before its first frame, step by step, in CPU time (less moved by the load of
  // a shared machine than wall time): graph model, folded repeats, references, placement (the first
  // of the six tried layouts works out the ranks' order; the other tries only place), spatial index.
  const cpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  for (const n of [10_000, 100_000]) {
    const t = largeTrace(n);
    const rows: Record<string, number[]> = {};
    const step = <T>(name: string, f: () => T): T => {
      const a = cpu();
      const r = f();
      (rows[name] ??= []).push(cpu() - a);
      return r;
    };
    for (let rep = 0; rep < 5; rep++) {
      const g = step('graph model', () => buildGraph(t.tapes, t.gradients[0]));
      const v = step('fold repeats', () => viewGraphFor(g, new Set()).view);
      const r = step('references', () => addReferences(v));
      step('placement (first try)', () => (layeredLayout(r, 'LR', 'brief'), bounds(r)));
      step('placement (each other try)', () => (layeredLayout(r, 'TB', 'full'), bounds(r)));
      step('spatial index', () => new SpatialIndex(r.nodes, r.edges, false));
    }
    console.log(`pipeline ${n.toLocaleString('en')} nodes, CPU ms (median of 5): ${Object.entries(rows).map(([k, v]) => `${k} ${median(v).toFixed(1)}`).join(' · ')}`);
  }
}

void main();
