/**
 * Step through the reverse pass one node at a time, showing how each adjoint is built from the
 * upstream gradient and the op's local derivative; beside it, forward mode (JVP) for one seed entry.
 */
import type { Graph } from '../model/graphModel';
import { formatNum } from '../model/format';
import { backwardWalk, forwardJvp, type Evaluator, type WalkStep } from '../model/miniEval';
import type { T } from '../model/ops';
import { h } from '../dom';

export const WALK_MAX_NODES = 300;

const fmt = (t: T | undefined) => {
  if (!t) return '—';
  const shown = [...t.data.slice(0, 4)].map((v) => formatNum(v));
  return t.data.length === 1 ? shown[0] : `[${shown.join(', ')}${t.data.length > 4 ? ', …' : ''}]`;
};
const same = (a?: T, b?: T) => !!a && !!b && a.data.length === b.data.length && a.data.every((v, i) => Math.abs(v - b.data[i]) <= 1e-5 * Math.max(1, Math.abs(v)));

export class WalkthroughView {
  readonly el = h('div', { class: 'walk' });
  private steps: WalkStep[] = [];
  private at = 0;
  private graph: Graph | undefined;
  private ev: Evaluator | undefined;
  private seedElement = 0;

  constructor(private readonly focus: (index: number | undefined) => void) {}

  set(graph: Graph | undefined, ev: Evaluator | undefined): void {
    this.graph = graph;
    this.ev = ev;
    this.steps = graph?.gradient && ev && graph.nodes.length <= WALK_MAX_NODES ? backwardWalk(ev, graph.gradient) : [];
    this.at = Math.min(this.at, Math.max(0, this.steps.length - 1));
    this.render();
  }

  /** Called when the tab is shown: point the graph at the current step. */
  activate(): void {
    this.focusCurrent();
  }

  private go(i: number): void {
    this.at = Math.max(0, Math.min(i, this.steps.length - 1));
    this.render();
    this.focusCurrent();
  }

  private focusCurrent(): void {
    const s = this.steps[this.at];
    this.focus(s ? this.graph?.byNodeId.get(s.node.id) : undefined);
  }

  private render(): void {
    const el = this.el;
    el.replaceChildren();
    const g = this.graph;
    if (!g?.gradient) {
      el.append(h('p', { class: 'dim empty' }, 'No gradient was computed on this tape, so there is no backward pass to walk.'));
      return;
    }
    if (g.nodes.length > WALK_MAX_NODES) {
      el.append(h('p', { class: 'dim empty' }, `The walkthrough is for small tapes (up to ${WALK_MAX_NODES} nodes); this one has ${g.nodes.length}.`));
      return;
    }
    const target = g.gradient.targets.map((t) => t.name ?? 'target').join(' + ');
    const s = this.steps[this.at];
    const nav = h('div', { class: 'walk-nav', role: 'toolbar', 'aria-label': 'backward pass steps' },
      h('button', { onclick: () => this.go(0), disabled: this.at === 0, 'aria-label': 'first step' }, '« First'),
      h('button', { onclick: () => this.go(this.at - 1), disabled: this.at === 0, 'aria-label': 'previous step' }, '◀ Prev'),
      h('span', { class: 'num', 'aria-live': 'polite' }, this.steps.length ? `step ${this.at + 1} of ${this.steps.length}` : 'no steps'),
      h('button', { onclick: () => this.go(this.at + 1), disabled: this.at >= this.steps.length - 1, 'aria-label': 'next step' }, 'Next ▶'),
    );
    el.append(h('h3', null, `Reverse mode: ∂${target}/∂· from the output back`), nav);
    if (s) {
      const title = `${s.node.name ?? 't' + s.node.outputId} = ${s.node.op}(${s.node.inputs.map((i) => i.name).join(', ')})`;
      const rows = s.contributions.map((c, k) => h('tr', { class: c.skipped ? 'dim' : undefined },
        h('th', { scope: 'row' }, c.input),
        h('td', { class: 'formula' }, s.local[k] ?? ''),
        h('td', null, c.skipped ? 'skipped: no path to a source' : fmt(c.contribution)),
        h('td', null, c.skipped ? '' : fmt(c.accumulated)),
        h('td', null, c.skipped || !c.complete ? (c.skipped ? '' : 'more to come') : same(c.accumulated, c.recorded) ? '✓ = recorded' : c.accumulated ? `≠ recorded ${fmt(c.recorded)}` : ''),
      ));
      el.append(
        h('p', null, h('strong', null, title), s.node.pos ? ` (line ${s.node.pos.line})` : ''),
        h('p', null, `upstream ∂${target}/∂out = `, h('code', null, fmt(s.upstream))),
        h('table', { class: 'num chain' },
          h('thead', null, h('tr', null, ...['input', 'local derivative', 'adds upstream × local', 'adjoint so far', ''].map((t) => h('th', { scope: 'col' }, t)))),
          h('tbody', null, ...rows)),
      );
      if (s.reason) el.append(h('p', { class: 'dim' }, `Not re-computed here: ${s.reason}.`));
    }
    const list = h('ol', { class: 'walk-list' });
    this.steps.forEach((st, i) => list.append(h('li', { class: i === this.at ? 'current' : undefined },
      h('button', { class: 'link', onclick: () => this.go(i), 'aria-current': i === this.at ? 'step' : undefined }, `${st.node.op} → ${st.node.name ?? 't' + st.node.outputId}`))));
    el.append(list, this.forwardMode(target));
  }

  private forwardMode(target: string): HTMLElement {
    const g = this.graph!, ev = this.ev!;
    const src = g.gradient!.sources.find((x) => ev.values.has(x.tensorId));
    if (!src) return h('p', { class: 'dim' }, 'Forward mode: the sources are too large to keep.');
    const seedVal = ev.values.get(src.tensorId)!;
    const el = Math.min(this.seedElement, seedVal.data.length - 1);
    const r = forwardJvp(ev, g.gradient!, src.tensorId, el);
    const name = src.name ?? `t${src.tensorId}`;
    const pick = h('select', { 'aria-label': 'seed element', onchange: (e: Event) => { this.seedElement = Number((e.target as HTMLSelectElement).value); this.render(); } });
    for (let i = 0; i < Math.min(seedVal.data.length, 64); i++) pick.append(h('option', { value: String(i), selected: i === el }, `${name}[${i}]`));
    const box = h('section', { class: 'jvp' }, h('h3', null, 'Forward mode (JVP) for the same program'), h('p', null, 'seed: ', pick, ` = 1, every other tangent 0; each node’s tangent is ∂node/∂${name}[${el}].`));
    if (!r.ok) {
      box.append(h('p', { class: 'dim' }, `Not computed here: ${r.reason}.`));
      return box;
    }
    const rows = ev.nodes.filter((n) => r.tangents.has(n.id)).map((n) => h('tr', null, h('th', { scope: 'row' }, n.name ?? `t${n.outputId}`), h('td', null, n.op), h('td', null, fmt(r.tangents.get(n.id)))));
    const grad = g.gradient!.sources.find((x) => x.tensorId === src.tensorId)?.gradient;
    const rev = grad?.values?.[el];
    box.append(h('table', { class: 'num' }, h('thead', null, h('tr', null, h('th', null, 'node'), h('th', null, 'op'), h('th', null, 'tangent'))), h('tbody', null, ...rows)),
      h('p', null, `forward mode: ∂${target}/∂${name}[${el}] = ${formatNum(r.targetTangent ?? NaN, 8)}`, rev !== undefined ? `; reverse mode gave ${formatNum(rev, 8)}` : ''));
    return box;
  }
}
