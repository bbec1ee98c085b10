/** A tensor as a table: scalars and 1-D/2-D in full, higher ranks one 2-D slice at a time. */
import type { ValueSummary } from '../../src/protocol/trace';
import { formatElements, formatNum, formatScalar, formatShape } from '../model/format';
import { h } from '../dom';

const MAX_ROWS = 64;
const MAX_COLS = 24;

export function tensorTable(v: ValueSummary, label: string): HTMLElement {
  const wrap = h('div', { class: 'tensor' });
  const vals = v.values;
  if (!vals) {
    wrap.append(h('p', { class: 'dim' }, `${formatShape(v.shape)}: ${v.size} elements, too many to keep in the trace. First ${v.first.length}: ${formatElements(v.first, v.dtype).join(', ')}`));
    return wrap;
  }
  // Each cell as numpy writes the element (the same digits as print, the CLI and hovers).
  const text = v.shape.length === 0 ? [formatScalar(vals[0], v.dtype)] : formatElements(vals, v.dtype);
  const shape = v.shape.length === 0 ? [1, 1] : v.shape.length === 1 ? [1, v.shape[0]] : v.shape;
  const lead = shape.slice(0, -2);
  const [rows, cols] = shape.slice(-2);
  const index = lead.map(() => 0);
  const body = h('div');
  const render = () => {
    body.replaceChildren();
    let offset = 0;
    let stride = rows * cols;
    for (let i = lead.length - 1; i >= 0; i--) {
      offset += index[i] * stride;
      stride *= lead[i];
    }
    const table = h('table', { class: 'num', 'aria-label': `${label}${lead.length ? ` slice [${index.join(', ')}, :, :]` : ''}` });
    if (cols > 1 || rows > 1) {
      const head = h('tr', null, h('th', { scope: 'col' }, ''));
      for (let c = 0; c < Math.min(cols, MAX_COLS); c++) head.append(h('th', { scope: 'col' }, String(c)));
      table.append(h('thead', null, head));
    }
    const tb = h('tbody');
    for (let r = 0; r < Math.min(rows, MAX_ROWS); r++) {
      const tr = h('tr', null, rows > 1 || cols > 1 ? h('th', { scope: 'row' }, String(r)) : null);
      for (let c = 0; c < Math.min(cols, MAX_COLS); c++) {
        const x = vals[offset + r * cols + c];
        const s = text[offset + r * cols + c];
        tr.append(h('td', { class: typeof x === 'string' ? 'nonfinite' : undefined, title: String(x) }, s));
      }
      tb.append(tr);
    }
    table.append(tb);
    body.append(table);
    if (rows > MAX_ROWS || cols > MAX_COLS) body.append(h('p', { class: 'dim' }, `showing ${Math.min(rows, MAX_ROWS)} × ${Math.min(cols, MAX_COLS)} of ${rows} × ${cols}`));
  };
  if (lead.length) {
    const pick = h('div', { class: 'slice' }, 'slice [');
    lead.forEach((n, i) => {
      const sel = h('select', { 'aria-label': `index along axis ${i}`, onchange: (e: Event) => { index[i] = Number((e.target as HTMLSelectElement).value); render(); } });
      for (let k = 0; k < n; k++) sel.append(h('option', { value: String(k) }, String(k)));
      pick.append(sel, ', ');
    });
    pick.append(':, :]');
    wrap.append(pick);
  }
  render();
  wrap.append(body);
  return wrap;
}

/** min / max / mean / norm / NaN / Inf of a value and its gradient, side by side. */
export function summaryTable(v: ValueSummary, g: ValueSummary | null | undefined): HTMLElement {
  const row = (k: string, a: string, b?: string) => h('tr', null, h('th', { scope: 'row' }, k), h('td', null, a), h('td', null, b ?? ''));
  const gs = g ?? undefined;
  return h('table', { class: 'num summary', 'aria-label': 'summary' },
    h('thead', null, h('tr', null, h('th', null, ''), h('th', { scope: 'col' }, 'value'), h('th', { scope: 'col' }, 'gradient'))),
    h('tbody', null,
      row('shape', formatShape(v.shape), gs ? formatShape(gs.shape) : ''),
      row('dtype', v.dtype, gs?.dtype),
      row('min', formatNum(v.min), gs && formatNum(gs.min)),
      row('max', formatNum(v.max), gs && formatNum(gs.max)),
      row('mean', formatNum(v.mean), gs && formatNum(gs.mean)),
      row('norm', formatNum(v.norm), gs && formatNum(gs.norm)),
      row('NaN / Inf', `${v.nanCount} / ${v.infCount}`, gs && `${gs.nanCount} / ${gs.infCount}`),
    ));
}
