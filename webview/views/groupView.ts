/**
 * The inspector's view of a folded group (a loop's iterations recorded in one tape): what it holds,
 * the gradient's size along the iterations as a strip on the edges' scale, and a button to open it.
 */
import type { GraphNode } from '../model/graphModel';
import type { SourcePos } from '../../src/protocol/trace';
import { counted, formatNum } from '../model/format';
import { h } from '../dom';

export function renderGroupSummary(n: GraphNode, act: { open(): void; reveal(pos: SourcePos): void }): HTMLElement {
  const g = n.group!;
  if (g.layer) return renderLayerSummary(n, act);
  const fin = g.gradTrail.filter((v) => Number.isFinite(v) && v > 0);
  const first = g.gradTrail.find((v) => Number.isFinite(v));
  const last = [...g.gradTrail].reverse().find((v) => Number.isFinite(v));
  const ratio = first !== undefined && last !== undefined && first > 0 ? last / first : undefined;
  const el = h('div', { class: 'group-summary' },
    h('div', { class: 'insp-head' }, h('h2', null, n.title), n.pos ? h('button', { class: 'link', onclick: () => act.reveal(n.pos!) }, `line ${n.pos.line}`) : null),
    h('p', null, `${g.count} iterations of ${g.period} op${g.period === 1 ? '' : 's'} recorded from the same lines, folded into one group (${n.op}).`),
    h('button', { onclick: act.open, 'aria-label': 'open the group' }, `Open the group (${counted(g.count * g.period, 'op')})`),
    h('h3', null, 'Gradient along the iterations'),
    fin.length
      ? h('table', { class: 'num summary', 'aria-label': 'gradient along the iterations' },
        h('tbody', null,
          h('tr', null, h('th', { scope: 'row' }, 'first iteration'), h('td', null, formatNum(first ?? NaN, 4))),
          h('tr', null, h('th', { scope: 'row' }, 'last iteration'), h('td', null, formatNum(last ?? NaN, 4))),
          h('tr', null, h('th', { scope: 'row' }, 'smallest'), h('td', null, formatNum(Math.min(...fin), 4))),
          h('tr', null, h('th', { scope: 'row' }, 'largest'), h('td', null, formatNum(Math.max(...fin), 4))),
          ratio !== undefined ? h('tr', null, h('th', { scope: 'row' }, 'last ÷ first'), h('td', null, formatNum(ratio, 3))) : null))
      : h('p', { class: 'dim' }, 'No gradient flows through these iterations for the selected gradient call.'),
    h('p', { class: 'dim' }, 'RMS of ∂target/∂(each iteration’s output). The strip at the bottom of the group is coloured on the edges’ scale, so a vanishing gradient fades from hot to cold along it.'));
  return el;
}

/** A Keras layer's call folded into one box (model/layers.ts): what it ran, and a button to open it. */
function renderLayerSummary(n: GraphNode, act: { open(): void; reveal(pos: SourcePos): void }): HTMLElement {
  const g = n.group!;
  const grad = g.gradTrail[0];
  return h('div', { class: 'group-summary' },
    h('div', { class: 'insp-head' }, h('h2', null, n.title), n.pos ? h('button', { class: 'link', onclick: () => act.reveal(n.pos!) }, `line ${n.pos.line}`) : null),
    h('p', null, `The ops this layer’s call recorded (${g.ops.join(', ')})${g.leafCount ? ` and the ${g.leafCount} leaves only they use (its weights)` : ''}, drawn as one box${g.layer?.resultName ? `; its result is ${g.layer.resultName}` : ''}.`),
    h('button', { onclick: act.open, 'aria-label': 'open the layer' }, `Open the layer (${g.period} op${g.period === 1 ? '' : 's'})`),
    Number.isFinite(grad) ? h('p', null, `RMS of ∂target/∂(its output): ${formatNum(grad, 4)}`) : h('p', { class: 'dim' }, 'No gradient flows through this layer for the selected gradient call.'));
}
