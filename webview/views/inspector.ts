/**
 * The node inspector: full value and gradient, summaries, and what the engine answers about the
 * node (the op's local derivative, the chain-rule step at the node, a finite-difference check of its
 * gradient). Those come from an `inspect` request: the runner replays the node through the real op;
 * this view only renders the answer (a loading state first, an error state when there is none).
 */
import type { InspectAnswer, InspectQuery } from '../../src/protocol/panel';
import type { Num, SourcePos, TraceNode } from '../../src/protocol/trace';
import type { Graph, GraphNode } from '../model/graphModel';
import { formatNum } from '../model/format';
import { h } from '../dom';
import { summaryTable, tensorTable } from './tensorTable';
import { layoutFor } from '../model/imageGrid';

export interface InspectorCallbacks {
  reveal(pos: SourcePos): void;
  select(index: number): void;
  /** Asks the engine about the graph shown; undefined when there is no run to ask about. */
  ask?(query: InspectQuery): Promise<InspectAnswer>;
}

type NodeAnswer = Extract<InspectAnswer, { kind: 'node' }>;

/** The first few numbers of a tensor, for a one-line product. */
export const shortNums = (t: Num[] | null | undefined): string => {
  if (!t) return '—';
  const shown = t.slice(0, 4).map((v) => formatNum(v));
  return t.length === 1 ? shown[0] : `[${shown.join(', ')}${t.length > 4 ? ', …' : ''}]`;
};

/** A node's recorded attributes as one line: `axis 1`, `begin [0, 1], size [2, 3]`. */
export function attrsText(attrs: TraceNode['attrs']): string {
  const v = (x: unknown): string => (Array.isArray(x) ? `[${x.map(v).join(', ')}]` : String(x));
  return Object.entries(attrs ?? {}).map(([k, x]) => `${k} ${v(x)}`).join(', ');
}

/** Which render of the inspector is current: an answer for an older selection is dropped. */
let current = 0;

export function renderInspector(el: HTMLElement, graph: Graph | undefined, index: number | undefined, cb: InspectorCallbacks): void {
  const token = ++current;
  el.replaceChildren();
  const n = index !== undefined ? graph?.nodes[index] : undefined;
  if (!graph || !n) {
    el.append(h('p', { class: 'dim empty' }, 'Select a node to see its value, gradient and derivative. Arrow keys move through the graph.'));
    return;
  }
  const gradient = graph.gradient;
  const targetName = gradient?.targets.map((t) => t.name ?? 'target').join(' + ') ?? 'target';
  el.append(
    h('header', { class: 'insp-head' },
      h('h2', null, n.title, ' ', h('span', { class: 'badge' }, n.op)),
      n.pos ? h('button', { class: 'link', title: 'Reveal in the editor', onclick: () => cb.reveal(n.pos!) }, `line ${n.pos.line}`) : null,
    ),
  );
  if (n.nonFinite) el.append(h('p', { class: 'error', role: 'alert' }, `This value contains ${n.value.nanCount} NaN and ${n.value.infCount} Inf.`));
  el.append(section('Summary', summaryTable(n.value, n.grad)));
  // A conv's filter (and its gradient) reads as per-channel kernels, anything else of rank 3-4 as feature maps.
  const layout = layoutFor(n.node?.attrs, n.consumers.flatMap((j) => graph.nodes[j].node?.inputs.filter((i) => i.tensorId === n.tensorId).map((i) => i.name) ?? []));
  el.append(section('Value', tensorTable(n.value, `value of ${n.title}`, layout)));
  const gradTitle = `Gradient ∂${targetName}/∂${n.title}`;
  if (n.grad === null) {
    el.append(section(gradTitle, h('p', { class: 'warn' }, 'null', n.nullReason ? ` — ${n.nullReason.message}` : ''),
      n.nullReason?.pos ? h('button', { class: 'link', onclick: () => cb.reveal(n.nullReason!.pos!) }, `see line ${n.nullReason.pos.line}`) : null));
  } else if (n.grad) {
    el.append(section(gradTitle, tensorTable(n.grad, gradTitle, layout)));
  } else {
    el.append(section(gradTitle, h('p', { class: 'dim' }, gradient ? `Not on a path from ${gradient.sources.map((s) => s.name ?? 'a source').join(', ')} to ${targetName}: the tape never computed it.` : 'No gradient was computed for this tape.')));
  }

  const isOp = n.kind === 'op' && !!n.node;
  if (!isOp && n.kind === 'leaf' && n.consumers.length) {
    el.append(section('Used by', h('p', null, ...n.consumers.flatMap((j, k) => [k ? ', ' : '', h('button', { class: 'link', onclick: () => cb.select(j) }, `${graph.nodes[j].title} (${graph.nodes[j].op})`)]))));
  }
  // What the engine answers: a section per part, each loading until the answer comes.
  const local = isOp ? section('Local derivative', loading()) : null;
  const chain = isOp && gradient ? section('Chain rule at this node', loading()) : null;
  const fd = gradient ? section('Finite-difference check', loading()) : null;
  for (const s of [local, chain, fd]) if (s) el.append(s);
  if (!local && !fd) return;
  const fill = (s: HTMLElement | null, body: Node) => s?.replaceChildren(s.firstChild!, body);
  if (!cb.ask) {
    for (const s of [local, chain, fd]) fill(s, failed('there is no run to ask the engine about'));
    return;
  }
  cb.ask({ kind: 'node', tensorId: n.tensorId, ...(isOp ? { nodeId: n.node!.id } : {}) }).then(
    (a) => {
      if (token !== current || a.kind !== 'node') return;
      if (isOp) fill(local, derivativeSection(n, graph, a, cb));
      if (chain) fill(chain, chainSection(n, a, targetName));
      if (fd) fill(fd, fdSection(n, a, targetName));
    },
    (e: unknown) => {
      if (token !== current) return;
      for (const s of [local, chain, fd]) fill(s, failed(e instanceof Error ? e.message : String(e)));
    },
  );
}

function section(title: string, ...body: (Node | null)[]): HTMLElement {
  return h('section', { class: 'insp' }, h('h3', null, title), ...body);
}

function loading(): HTMLElement {
  return h('p', { class: 'dim', 'aria-busy': 'true', 'data-inspect': 'loading' }, 'Asking the engine…');
}

function failed(message: string): HTMLElement {
  return h('p', { class: 'error', 'data-inspect': 'error' }, `The engine could not answer: ${message}.`);
}

function derivativeSection(n: GraphNode, graph: Graph, a: NodeAnswer, cb: InspectorCallbacks): HTMLElement {
  const node = n.node!;
  const names = node.inputs.map((i) => i.name);
  const inputsLine = h('p', { class: 'dim' }, 'inputs: ', ...n.inputs.flatMap((j, k) => [k ? ', ' : '', h('button', { class: 'link', onclick: () => cb.select(j) }, `${names[k]} = ${graph.nodes[j].title}`)]));
  // The attributes exactly as the op received them (recorded in the trace).
  const attrs = attrsText(node.attrs);
  const attrsLine = attrs ? h('p', { class: 'dim', 'data-attrs': attrs }, attrs) : null;
  if (!a.derivative) return h('div', null, h('p', { class: 'dim' }, `The engine has no op named ${n.op}.`), attrsLine, inputsLine);
  // One line per input; a variadic op's clause once per input.
  const lines = [...new Set(a.derivative.local)];
  return h('div', { class: 'math' }, ...lines.map((l) => h('p', null, l)), attrsLine, inputsLine);
}

function chainSection(n: GraphNode, a: NodeAnswer, target: string): HTMLElement {
  const step = a.chain;
  if (!step) return h('p', { class: 'dim' }, `${n.title} is not on the path to ${target}: no adjoint flows through it.`);
  const rows = step.terms.map((c) => h('div', { class: 'chain-row' },
    h('div', { class: 'formula' }, `∂${target}/∂${c.input} ${c.skipped ? '' : '+'}= ${chainText(c.local, target, c.input)}`),
    h('div', { class: 'num chain-value' }, c.skipped ? 'not needed: no path to a source' : `= ${shortNums(c.contribution)}`),
  ));
  return h('div', null,
    h('p', null, `upstream ∂${target}/∂out = `, h('code', null, shortNums(step.upstream))),
    ...rows,
    step.reason ? h('p', { class: 'dim' }, `Numbers not computed: ${step.reason}.`) : null,
    h('p', { class: 'dim' }, 'An input used by several nodes sums what each adds; the Backward pass tab shows the order.'),
  );
}

/** `∂L/∂a = ∂L/∂out · bᵀ` stays as written (with L named); `∂out/∂a = b` becomes `∂L/∂out × b`. */
export function chainText(local: string | undefined, target: string, input: string): string {
  if (!local) return `∂${target}/∂out × ∂out/∂${input}`;
  if (local.startsWith('∂L/')) return local.replace(/^∂L\/∂\S+ = /, '').replace(/∂L\//g, `∂${target}/`);
  return `∂${target}/∂out × ${local.replace(/^∂out\S*\/∂\S+ = /, '')}`;
}

function fdSection(n: GraphNode, a: NodeAnswer, target: string): HTMLElement {
  const r = a.fd;
  if (!r.ok) return h('p', { class: 'dim', 'data-fd': 'unavailable' }, `Not available: ${r.reason}.`);
  const verdict = r.nullReason
    ? h('p', { class: 'warn', 'data-fd': 'null' }, `Autodiff returned null (${r.nullReason}); the central differences show how ${target} really depends on ${n.title}.`)
    : r.offPath
      ? h('p', { class: 'dim', 'data-fd': 'off-path' }, `${n.title} is not a source nor on a path from one, so the gradient call did not compute ∂${target}/∂${n.title}; the central differences show how ${target} depends on it.`)
    : r.agrees
      ? h('p', { class: 'ok', 'data-fd': 'agrees' }, `✓ Autodiff agrees with central differences (max relative error ${formatNum(r.maxRelErr, 2)} < ${r.tolerance}).`)
      : h('p', { class: 'error', 'data-fd': 'disagrees' }, `✗ Autodiff and central differences differ (max relative error ${formatNum(r.maxRelErr, 2)}).`);
  const rows = r.rows.map((row) => h('tr', { class: row.kink ? 'kink' : undefined },
    h('th', { scope: 'row' }, String(row.index)),
    h('td', null, formatNum(row.x)),
    h('td', null, row.autodiff === null ? 'null' : formatNum(row.autodiff, 8)),
    h('td', null, formatNum(row.numeric, 8)),
    h('td', null, row.autodiff === null ? '—' : formatNum(row.relErr, 2)),
    h('td', null, row.kink ? 'kink' : row.autodiff === null ? '' : typeof row.relErr === 'number' && row.relErr < r.tolerance ? '✓' : '✗'),
  ));
  return h('div', null,
    verdict,
    h('table', { class: 'num fd', 'aria-label': 'finite-difference check' },
      h('thead', null, h('tr', null, ...['i', 'x', 'autodiff', 'numerical', 'rel. error', ''].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', null, ...rows)),
    h('p', { class: 'dim' }, `numerical = (${target}(x + h) − ${target}(x − h)) / 2h, h = ${r.h}·max(1, |x|): the engine replays the recorded ops in float64.`,
      r.rows.some((x) => x.kink) ? ' “kink”: the one-sided differences disagree, a non-differentiable point (relu or |x| at 0, a tie in max) within the step; not judged.' : '',
      r.skipped ? ` ${r.skipped} more elements not checked.` : ''),
  );
}
