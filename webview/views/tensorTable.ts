/**
 * A tensor for the inspector: small ones as a table; a larger one (more than SMALL_ELEMENTS) as a
 * one-line summary and a small heatmap first, its table folded away below (open it to read numbers;
 * it scrolls inside its own box, never pushing the page wider or the derivative far down). Higher
 * ranks show one 2-D slice at a time. Reusable: the inspector and the walkthrough call these.
 */
import type { Num, ValueSummary } from '../../src/protocol/trace';
import { formatElements, formatNum, formatScalar, formatShape, toNumber } from '../model/format';
import { h, themeColor } from '../dom';
import { heatmapColor } from '../model/heatmap';
import { imageGrid, type ImageGrid, type ImageLayout } from '../model/imageGrid';

/** Up to this many elements a tensor is shown as a table straight away. */
export const SMALL_ELEMENTS = 24;
/** The heatmap's largest side, in CSS pixels. */
const HEATMAP_MAX_PX = 220;

const MAX_ROWS = 64;
const MAX_COLS = 24;

export function tensorTable(v: ValueSummary, label: string, layout: ImageLayout = 'maps'): HTMLElement {
  if (v.size <= SMALL_ELEMENTS || !v.values) return tensorTableOnly(v, label);
  const table = tensorTableOnly(v, label);
  table.classList.add('scroll');
  const grid = imageGrid(v.shape, layout);
  return h('div', { class: 'tensor-big' },
    h('p', { class: 'num dim tensor-line' }, `${formatShape(v.shape)} · ${v.size} elements · min ${formatNum(v.min, 4)} · mean ${formatNum(v.mean, 4)} · max ${formatNum(v.max, 4)}${v.nanCount || v.infCount ? ` · ${v.nanCount} NaN, ${v.infCount} Inf` : ''}`),
    grid ? images(v, v.values, grid, label) : heatmap(v, label),
    h('details', { class: 'tensor-table' }, h('summary', null, `Table (${v.shape.length >= 2 ? `${v.shape[v.shape.length - 2]} × ${v.shape[v.shape.length - 1]}` : v.size})`), table));
}

/**
 * The values as a grid of colour cells (the last two axes; a 1-D tensor as one row; higher ranks
 * the first slice), on a diverging scale around 0 so signs read apart. Hover a cell for its value.
 */
export function heatmap(v: ValueSummary, label: string): HTMLElement {
  const vals = v.values ?? v.first;
  const shape = v.shape.length === 0 ? [1, 1] : v.shape.length === 1 ? [1, v.shape[0]] : v.shape.slice(-2);
  const [rows, cols] = shape;
  const cell = Math.max(2, Math.min(14, Math.floor(HEATMAP_MAX_PX / Math.max(rows, cols))));
  const canvas = h('canvas', { class: 'heatmap', role: 'img', 'aria-label': `${label}: heatmap of ${rows} × ${cols} values, from ${formatNum(v.min, 4)} to ${formatNum(v.max, 4)}` });
  const dpr = window.devicePixelRatio || 1;
  canvas.width = cols * cell * dpr;
  canvas.height = rows * cell * dpr;
  canvas.style.width = `${cols * cell}px`;
  canvas.style.height = `${rows * cell}px`;
  const ctx = canvas.getContext('2d')!;
  ctx.scale(dpr, dpr);
  const bg = themeColor('--vscode-editor-background', '#1e1e1e');
  const lim = Math.max(Math.abs(toNumber(v.min)), Math.abs(toNumber(v.max))) || 1;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const x = vals[r * cols + c];
      if (x === undefined) continue;
      ctx.fillStyle = heatmapColor(toNumber(x), lim, bg);
      ctx.fillRect(c * cell, r * cell, cell, cell);
    }
  }
  canvas.addEventListener('mousemove', (e) => {
    const r = Math.floor(e.offsetY / cell), c = Math.floor(e.offsetX / cell);
    const x = vals[r * cols + c];
    canvas.title = x === undefined ? '' : `[${r}, ${c}] ${formatNum(x, 8)}`;
  });
  return h('div', { class: 'heatmap-wrap' }, canvas, h('span', { class: 'dim num heatmap-scale' }, `−${formatNum(lim, 3)} … 0 … ${formatNum(lim, 3)}`));
}

/** Each tile's longest side, in CSS pixels (a 3 × 3 kernel and an 8 × 8 map both read at a glance). */
const TILE_PX = 64;
const TILE_GAP = 4;

/**
 * A rank-3/4 tensor as a grid of small heatmaps (model/imageGrid.ts: feature maps per example and
 * channel, or conv filters per input and output channel), all on one diverging scale so tiles
 * compare. Hover a pixel for its tile, index and value; the table below keeps every number.
 */
function images(v: ValueSummary, vals: readonly Num[], grid: ImageGrid, label: string): HTMLElement {
  const first = grid.tiles[0];
  const cell = Math.max(2, Math.min(16, Math.floor(TILE_PX / Math.max(first.height, first.width))));
  const tw = first.width * cell, th = first.height * cell;
  const width = grid.cols * (tw + TILE_GAP) - TILE_GAP, height = grid.rows * (th + TILE_GAP) - TILE_GAP;
  const canvas = h('canvas', { class: 'heatmap images', role: 'img', 'aria-label': `${label}: ${grid.caption}, from ${formatNum(v.min, 4)} to ${formatNum(v.max, 4)}` });
  const dpr = window.devicePixelRatio || 1;
  canvas.width = width * dpr;
  canvas.height = height * dpr;
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  const ctx = canvas.getContext('2d')!;
  ctx.scale(dpr, dpr);
  const bg = themeColor('--vscode-editor-background', '#1e1e1e');
  const lim = Math.max(Math.abs(toNumber(v.min)), Math.abs(toNumber(v.max))) || 1;
  for (const t of grid.tiles) {
    const ox = t.col * (tw + TILE_GAP), oy = t.row * (th + TILE_GAP);
    ctx.strokeStyle = themeColor('--vscode-editorWidget-border', '#454545');
    ctx.strokeRect(ox - 0.5, oy - 0.5, tw + 1, th + 1);
    for (let y = 0; y < t.height; y++) {
      for (let x = 0; x < t.width; x++) {
        ctx.fillStyle = heatmapColor(toNumber(vals[t.index(y, x)]), lim, bg);
        ctx.fillRect(ox + x * cell, oy + y * cell, cell, cell);
      }
    }
  }
  canvas.addEventListener('mousemove', (e) => {
    // The grid shrinks to the inspector's width (CSS max-width): map the pointer back to drawn pixels.
    const k = width / (canvas.clientWidth || width);
    const px = e.offsetX * k, py = e.offsetY * k;
    const col = Math.floor(px / (tw + TILE_GAP)), row = Math.floor(py / (th + TILE_GAP));
    const x = Math.floor((px - col * (tw + TILE_GAP)) / cell), y = Math.floor((py - row * (th + TILE_GAP)) / cell);
    const t = grid.tiles.find((k) => k.row === row && k.col === col);
    canvas.title = !t || x >= t.width || y >= t.height ? '' : `${t.label} · [${t.coords(y, x).join(', ')}] ${formatNum(vals[t.index(y, x)], 8)}`;
  });
  return h('div', { class: 'heatmap-wrap' },
    h('span', { class: 'dim images-caption' }, `Images: ${grid.caption}${grid.hidden ? `; ${grid.hidden} more in the table` : ''}`),
    canvas,
    h('span', { class: 'dim num heatmap-scale' }, `−${formatNum(lim, 3)} … 0 … ${formatNum(lim, 3)}`));
}

function tensorTableOnly(v: ValueSummary, label: string): HTMLElement {
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
