/**
 * Step through the reverse pass one node at a time, showing how each adjoint is built from the
 * upstream gradient and the op's local derivative; beside it, forward mode (JVP) for one seed entry.
 * The numbers are the engine's: one `inspect` request ({ kind: 'walk' }) per seed entry, answered by
 * replaying the tape through the real ops. This view renders the answer.
 */
import type { InspectAnswer, InspectQuery } from '../../src/protocol/panel';
import type { Graph } from '../model/graphModel';
import { formatNum } from '../model/format';
import { h } from '../dom';
import { shortNums } from './inspector';

export const WALK_MAX_NODES = 300;

type WalkAnswer = Extract<InspectAnswer, { kind: 'walk' }>;
type Ask = (query: InspectQuery) => Promise<InspectAnswer>;

export class WalkthroughView {
  readonly el = h('div', { class: 'walk' });
  private answer: WalkAnswer | undefined;
  private error: string | undefined;
  private at = 0;
  private graph: Graph | undefined;
  private ask: Ask | undefined;
  private seedElement = 0;
  private token = 0;

  constructor(private readonly focus: (index: number | undefined) => void) {}

  set(graph: Graph | undefined, ask: Ask | undefined): void {
    this.graph = graph;
    this.ask = ask;
    this.request();
  }

  /** The tensor forward mode is seeded in: the first source whose values the trace kept. */
  private seed(): { tensorId: number; name: string; size: number } | undefined {
    const g = this.graph;
    for (const s of g?.gradient?.sources ?? []) {
      const i = g!.byTensor.get(s.tensorId);
      const v = i !== undefined ? g!.nodes[i].value : undefined;
      if (v?.values) return { tensorId: s.tensorId, name: s.name ?? `t${s.tensorId}`, size: v.values.length };
    }
    return undefined;
  }

  private request(): void {
    const token = ++this.token;
    this.answer = undefined;
    this.error = undefined;
    const g = this.graph;
    const seed = this.seed();
    if (g?.gradient && g.nodes.length <= WALK_MAX_NODES) {
      if (!this.ask) this.error = 'there is no run to ask the engine about';
      else {
        const element = seed ? Math.min(this.seedElement, seed.size - 1) : 0;
        // Without a seed whose values were kept, the walk is still asked for (forward mode then says why not).
        this.ask({ kind: 'walk', seed: seed?.tensorId ?? g.gradient.sources[0]?.tensorId ?? 0, element }).then(
          (a) => {
            if (token !== this.token || a.kind !== 'walk') return;
            this.answer = a;
            this.at = Math.min(this.at, Math.max(0, a.steps.length - 1));
            this.render();
          },
          (e: unknown) => {
            if (token !== this.token) return;
            this.error = e instanceof Error ? e.message : String(e);
            this.render();
          },
        );
      }
    }
    this.render();
  }

  /** Called when the tab is shown: point the graph at the current step. */
  activate(): void {
    this.focusCurrent();
  }

  private go(i: number): void {
    this.at = Math.max(0, Math.min(i, (this.answer?.steps.length ?? 1) - 1));
    this.render();
    this.focusCurrent();
  }

  private focusCurrent(): void {
    const s = this.answer?.steps[this.at];
    this.focus(s ? this.graph?.byNodeId.get(s.nodeId) : undefined);
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
      // Counted as the tape badge counts (ops), with its leaves apart: "1601 ops" and "2004 nodes" read as two tapes.
      const ops = g.nodes.filter((n) => n.kind === 'op').length;
      el.append(h('p', { class: 'dim empty' }, `The walkthrough is for small tapes (up to ${WALK_MAX_NODES} ops and leaves); this one has ${ops} ops and ${g.nodes.length - ops} leaves.`));
      return;
    }
    if (this.error) {
      el.append(h('p', { class: 'error', 'data-inspect': 'error' }, `The engine could not answer: ${this.error}.`));
      return;
    }
    const a = this.answer;
    if (!a) {
      el.append(h('p', { class: 'dim', 'aria-busy': 'true', 'data-inspect': 'loading' }, 'Asking the engine to replay the tape…'));
      return;
    }
    const target = g.gradient.targets.map((t) => t.name ?? 'target').join(' + ');
    const s = a.steps[this.at];
    const nav = h('div', { class: 'walk-nav', role: 'toolbar', 'aria-label': 'backward pass steps' },
      h('button', { onclick: () => this.go(0), disabled: this.at === 0, 'aria-label': 'first step' }, '« First'),
      h('button', { onclick: () => this.go(this.at - 1), disabled: this.at === 0, 'aria-label': 'previous step' }, '◀ Prev'),
      h('span', { class: 'num', 'aria-live': 'polite' }, a.steps.length ? `step ${this.at + 1} of ${a.steps.length}` : 'no steps'),
      h('button', { onclick: () => this.go(this.at + 1), disabled: this.at >= a.steps.length - 1, 'aria-label': 'next step' }, 'Next ▶'),
    );
    el.append(h('h3', null, `Reverse mode: ∂${target}/∂· from the output back`), nav);
    const nodeOf = (id: number) => {
      const i = g.byNodeId.get(id);
      return i !== undefined ? g.nodes[i].node : undefined;
    };
    const label = (id: number) => {
      const n = nodeOf(id);
      return n ? (n.name ?? 't' + n.outputId) : `node ${id}`;
    };
    if (s) {
      const node = nodeOf(s.nodeId);
      const title = `${label(s.nodeId)} = ${node?.op ?? '?'}(${s.terms.map((t) => t.input).join(', ')})`;
      const rows = s.terms.map((c, k) => h('tr', { class: c.skipped ? 'dim' : undefined },
        h('th', { scope: 'row' }, c.input),
        h('td', { class: 'formula' }, c.local),
        h('td', null, c.skipped ? 'skipped: no path to a source' : shortNums(c.contribution)),
        h('td', null, c.skipped ? '' : shortNums(s.accumulated[k])),
        h('td', null, c.skipped ? '' : !s.complete[k] ? 'more to come' : s.matches[k] ? '✓ = recorded' : s.accumulated[k] ? `≠ recorded ${shortNums(s.recorded[k])}` : ''),
      ));
      el.append(
        h('p', null, h('strong', null, title), node?.pos ? ` (line ${node.pos.line})` : ''),
        h('p', null, `upstream ∂${target}/∂out = `, h('code', null, shortNums(s.upstream))),
        h('table', { class: 'num chain' },
          h('thead', null, h('tr', null, ...['input', 'local derivative', 'adds upstream × local', 'adjoint so far', ''].map((t) => h('th', { scope: 'col' }, t)))),
          h('tbody', null, ...rows)),
      );
      if (s.reason) el.append(h('p', { class: 'dim' }, `Not computed: ${s.reason}.`));
    }
    const list = h('ol', { class: 'walk-list' });
    a.steps.forEach((st, i) => list.append(h('li', { class: i === this.at ? 'current' : undefined },
      h('button', { class: 'link', onclick: () => this.go(i), 'aria-current': i === this.at ? 'step' : undefined }, `${nodeOf(st.nodeId)?.op ?? '?'} → ${label(st.nodeId)}`))));
    el.append(list, this.forwardMode(target, a, label, nodeOf));
  }

  private forwardMode(target: string, a: WalkAnswer, label: (id: number) => string, nodeOf: (id: number) => { op: string } | undefined): HTMLElement {
    const seed = this.seed();
    if (!seed) return h('p', { class: 'dim' }, 'Forward mode: the sources are too large to keep.');
    const el = Math.min(this.seedElement, seed.size - 1);
    const pick = h('select', { 'aria-label': 'seed element', onchange: (e: Event) => { this.seedElement = Number((e.target as HTMLSelectElement).value); this.request(); } });
    for (let i = 0; i < Math.min(seed.size, 64); i++) pick.append(h('option', { value: String(i), selected: i === el }, `${seed.name}[${i}]`));
    const box = h('section', { class: 'jvp' }, h('h3', null, 'Forward mode (JVP) for the same program'), h('p', null, 'seed: ', pick, ` = 1, every other tangent 0; each node’s tangent is ∂node/∂${seed.name}[${el}].`));
    const r = a.jvp;
    if (!r.ok) {
      box.append(h('p', { class: 'dim' }, `Not computed: ${r.reason}.`));
      return box;
    }
    const rows = r.tangents.map((t) => h('tr', null, h('th', { scope: 'row' }, label(t.nodeId)), h('td', null, nodeOf(t.nodeId)?.op ?? '?'), h('td', null, shortNums(t.values))));
    box.append(h('table', { class: 'num' }, h('thead', null, h('tr', null, h('th', null, 'node'), h('th', null, 'op'), h('th', null, 'tangent'))), h('tbody', null, ...rows)),
      h('p', null, `forward mode: ∂${target}/∂${seed.name}[${el}] = ${formatNum(r.targetTangent, 8)}`, r.reverse !== null ? `; reverse mode gave ${formatNum(r.reverse, 8)}` : ''));
    return box;
  }
}
