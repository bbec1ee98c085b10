/**
 * The node inspector: full value and gradient, summaries, the op's local derivative, the chain-rule
 * step at the node, and a finite-difference check of its gradient.
 */
import type { SourcePos } from '../../src/protocol/trace';
import type { Graph, GraphNode } from '../model/graphModel';
import { formatNum } from '../model/format';
import { type Evaluator, fdCheck, FD_TOLERANCE, nodeStep } from '../model/miniEval';
import { fillNames, opInfo, type T } from '../model/ops';
import { h } from '../dom';
import { summaryTable, tensorTable } from './tensorTable';

export interface InspectorCallbacks {
  reveal(pos: SourcePos): void;
  select(index: number): void;
}

const short = (t: T | undefined) => {
  if (!t) return '—';
  const shown = [...t.data.slice(0, 4)].map((v) => formatNum(v));
  return t.data.length === 1 ? shown[0] : `[${shown.join(', ')}${t.data.length > 4 ? ', …' : ''}]`;
};

export function renderInspector(el: HTMLElement, graph: Graph | undefined, index: number | undefined, ev: Evaluator | undefined, cb: InspectorCallbacks): void {
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
  el.append(section('Value', tensorTable(n.value, `value of ${n.title}`)));
  const gradTitle = `Gradient ∂${targetName}/∂${n.title}`;
  if (n.grad === null) {
    el.append(section(gradTitle, h('p', { class: 'warn' }, 'null', n.nullReason ? ` — ${n.nullReason.message}` : ''),
      n.nullReason?.pos ? h('button', { class: 'link', onclick: () => cb.reveal(n.nullReason!.pos!) }, `see line ${n.nullReason.pos.line}`) : null));
  } else if (n.grad) {
    el.append(section(gradTitle, tensorTable(n.grad, gradTitle)));
  } else {
    el.append(section(gradTitle, h('p', { class: 'dim' }, gradient ? `Not on a path from ${gradient.sources.map((s) => s.name ?? 'a source').join(', ')} to ${targetName}: the tape never computed it.` : 'No gradient was computed for this tape.')));
  }

  if (n.kind === 'op' && n.node) {
    const info = opInfo(n.op);
    const names = n.node.inputs.map((i) => i.name);
    const inputsLine = h('p', { class: 'dim' }, 'inputs: ', ...n.inputs.flatMap((j, k) => [k ? ', ' : '', h('button', { class: 'link', onclick: () => cb.select(j) }, `${names[k]} = ${graph.nodes[j].title}`)]));
    // Attributes the Trace does not carry (axis, begin, paddings…), as the panel re-derived and verified them.
    const impl = ev?.impl(n.node);
    const inferred = impl && typeof impl !== 'string' && impl.note ? h('p', { class: 'dim', 'data-inferred': impl.note }, `${impl.note} (inferred from the recorded shapes and values, verified)`) : null;
    el.append(section('Local derivative', info
      ? h('div', { class: 'math' }, h('p', null, fillNames(info.math, names)), ...info.local.map((l) => h('p', null, fillNames(l, names))), inferred, inputsLine)
      : h('p', { class: 'dim' }, `The panel has no entry for ${n.op}.`)));
    if (gradient && ev) el.append(section('Chain rule at this node', chainRule(n, graph, ev, targetName)));
  } else if (n.kind === 'leaf' && n.consumers.length) {
    el.append(section('Used by', h('p', null, ...n.consumers.flatMap((j, k) => [k ? ', ' : '', h('button', { class: 'link', onclick: () => cb.select(j) }, `${graph.nodes[j].title} (${graph.nodes[j].op})`)]))));
  }
  if (gradient && ev) el.append(section('Finite-difference check', fdSection(n, graph, ev, targetName)));
}

function section(title: string, ...body: (Node | null)[]): HTMLElement {
  return h('section', { class: 'insp' }, h('h3', null, title), ...body);
}

function chainRule(n: GraphNode, graph: Graph, ev: Evaluator, target: string): HTMLElement {
  const step = n.node ? nodeStep(ev, graph.gradient!, n.node) : undefined;
  if (!step) return h('p', { class: 'dim' }, `${n.title} is not on the path to ${target}: no adjoint flows through it.`);
  const rows = step.contributions.map((c, k) => h('div', { class: 'chain-row' },
    h('div', { class: 'formula' }, `∂${target}/∂${c.input} ${c.skipped ? '' : '+'}= ${chainText(step.local[k], target, c.input)}`),
    h('div', { class: 'num chain-value' }, c.skipped ? 'not needed: no path to a source' : `= ${short(c.contribution)}`),
  ));
  return h('div', null,
    h('p', null, `upstream ∂${target}/∂out = `, h('code', null, short(step.upstream))),
    ...rows,
    step.reason ? h('p', { class: 'dim' }, `Numbers not re-computed: ${step.reason}.`) : null,
    h('p', { class: 'dim' }, 'An input used by several nodes sums what each adds; the Backward pass tab shows the order.'),
  );
}

/** `∂L/∂a = ∂L/∂out · bᵀ` stays as written (with L named); `∂out/∂a = b` becomes `∂L/∂out × b`. */
function chainText(local: string | undefined, target: string, input: string): string {
  if (!local) return `∂${target}/∂out × ∂out/∂${input}`;
  if (local.startsWith('∂L/')) return local.replace(/^∂L\/∂\S+ = /, '').replace(/∂L\//g, `∂${target}/`);
  return `∂${target}/∂out × ${local.replace(/^∂out\S*\/∂\S+ = /, '')}`;
}

function fdSection(n: GraphNode, graph: Graph, ev: Evaluator, target: string): HTMLElement {
  const r = fdCheck(ev, graph.gradient!, n.tensorId);
  if (!r.ok) return h('p', { class: 'dim', 'data-fd': 'unavailable' }, `Not available: ${r.reason}.`);
  const verdict = r.nullReason
    ? h('p', { class: 'warn', 'data-fd': 'null' }, `Autodiff returned null (${r.nullReason}); the central differences show how ${target} really depends on ${n.title}.`)
    : r.agrees
      ? h('p', { class: 'ok', 'data-fd': 'agrees' }, `✓ Autodiff agrees with central differences (max relative error ${formatNum(r.maxRelErr, 2)} < ${FD_TOLERANCE}).`)
      : h('p', { class: 'error', 'data-fd': 'disagrees' }, `✗ Autodiff and central differences differ (max relative error ${formatNum(r.maxRelErr, 2)}).`);
  const rows = r.rows.map((row) => h('tr', { class: row.kink ? 'kink' : undefined },
    h('th', { scope: 'row' }, String(row.index)),
    h('td', null, formatNum(row.x)),
    h('td', null, row.autodiff === null ? 'null' : formatNum(row.autodiff, 8)),
    h('td', null, formatNum(row.numeric, 8)),
    h('td', null, row.autodiff === null ? '—' : formatNum(row.relErr, 2)),
    h('td', null, row.kink ? 'kink' : row.autodiff === null ? '' : row.relErr < FD_TOLERANCE ? '✓' : '✗'),
  ));
  return h('div', null,
    verdict,
    h('table', { class: 'num fd', 'aria-label': 'finite-difference check' },
      h('thead', null, h('tr', null, ...['i', 'x', 'autodiff', 'numerical', 'rel. error', ''].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', null, ...rows)),
    h('p', { class: 'dim' }, `numerical = (${target}(x + h) − ${target}(x − h)) / 2h, h = ${r.h}·max(1, |x|), re-computed in float64 from the recorded values.`,
      r.rows.some((x) => x.kink) ? ' “kink”: a non-differentiable point (relu or |x| at 0, a tie in max) within the step; not judged.' : '',
      r.skipped ? ` ${r.skipped} more elements not checked.` : ''),
  );
}

