/**
 * Fitting and semantic zoom, as pure arithmetic (tested under Node). Text is drawn in screen pixels,
 * never below MIN_TEXT_PX: how much of a node's record shows depends on how tall the node is on
 * screen (full record, then name and op, then the name, then a bare box), and when a graph at full
 * size would fit only as bare boxes, it is laid out with smaller nodes, in the direction that suits
 * the pane's shape (top to bottom in a narrow side bar).
 */

import { HEAT_STEPS } from './contrast';

export interface Box { x: number; y: number; w: number; h: number }
export interface View { x: number; y: number; k: number }

/** No text is drawn smaller than this (CSS pixels). */
export const MIN_TEXT_PX = 10;
export const MAX_TEXT_PX = 14;
/** Line height as a multiple of the font size. */
export const LINE = 1.2;
/** Room around a fitted graph, in screen pixels. */
export const FIT_MARGIN = 24;
/** A fit never zooms in past this: a two-node graph should not fill a 4K screen. */
export const FIT_MAX_K = 1.5;
export const MIN_K = 0.005;
export const MAX_K = 6;

/** The view that shows all of `b` inside a width × height canvas, centred, with margins. */
export function fitView(b: Box, width: number, height: number, margin = FIT_MARGIN, maxK = FIT_MAX_K): View {
  const m = Math.min(margin, width / 6, height / 6);
  const k = Math.max(MIN_K, Math.min((width - 2 * m) / Math.max(b.w, 1), (height - 2 * m) / Math.max(b.h, 1), maxK));
  return { k, x: (width - b.w * k) / 2 - b.x * k, y: (height - b.h * k) / 2 - b.y * k };
}

/** Where a graph box lands on screen under a view. */
export function toScreen(b: Box, v: View): Box {
  return { x: b.x * v.k + v.x, y: b.y * v.k + v.y, w: b.w * v.k, h: b.h * v.k };
}

/** The font size (CSS px) for node text at zoom k: the node's own 11 px scaled, within [MIN, MAX]. */
export function textPx(k: number): number {
  return Math.min(MAX_TEXT_PX, Math.max(MIN_TEXT_PX, 11 * k));
}

/** Lines of text a node of graph height h holds at zoom k (0: a bare box). */
export function textRows(h: number, k: number): number {
  const px = textPx(k);
  return Math.max(0, Math.floor((h * k - 3) / (px * LINE)));
}

/** What a node shows: 'full' (name, op, shape, data, grad), 'brief' (name and op), 'name', or 'box'. */
export type Detail = 'full' | 'brief' | 'name' | 'box';
export function detailFor(h: number, w: number, k: number): Detail {
  const rows = textRows(h, k);
  const px = textPx(k);
  if (w * k < px * 3) return 'box';
  if (rows >= 5 && w * k >= px * 11) return 'full';
  if (rows >= 2) return 'brief';
  if (rows >= 1) return 'name';
  return 'box';
}

export type Direction = 'LR' | 'TB';
/** Node sizes (graph units) for each size class: the full record, a two-line card, a one-line chip. */
export const NODE_SIZES = {
  full: { w: 184, h: 80, leafH: 80, gapRank: 56, gapOrder: 22 },
  brief: { w: 150, h: 36, leafH: 36, gapRank: 36, gapOrder: 14 },
  name: { w: 76, h: 30, leafH: 30, gapRank: 22, gapOrder: 6 },
} as const;
export type SizeClass = keyof typeof NODE_SIZES;

/** An edge's width in screen pixels at heat step `step` (0 coolest) where the boxes are `boxPx` tall on screen. */
export function edgeWidthPx(step: number, boxPx: number): number {
  const width = (s: number) => 1.2 + 1.1 * s;
  // Zoomed far out, no edge is wider than a quarter of a box: the widths keep their order but shrink
  // with the boxes, down to one pixel. (Strokes wider than the boxes read as nothing, and over a whole
  // 10,000-node graph they cost its first frame more to rasterise than all the rest of its drawing.)
  const shrink = Math.min(1, boxPx / (4 * width(HEAT_STEPS - 1)));
  return Math.max(1, width(step) * shrink);
}

export interface LayoutChoice { dir: Direction; size: SizeClass; k: number; detail: Detail }

export const DETAIL_RANK: Record<Detail, number> = { full: 3, brief: 2, name: 1, box: 0 };
const RANK = DETAIL_RANK;

/**
 * Picks direction and node size for a pane: each candidate is laid out (by `measure`, which returns
 * the graph's bounds for that direction and size) and fitted; the most detailed legible picture
 * wins, ties broken by the larger zoom. Larger nodes are preferred when they read as well.
 */
export function chooseLayout(measure: (dir: Direction, size: SizeClass) => Box, width: number, height: number): LayoutChoice {
  let best: LayoutChoice | undefined;
  for (const size of ['full', 'brief', 'name'] as SizeClass[]) {
    for (const dir of ['LR', 'TB'] as Direction[]) {
      const b = measure(dir, size);
      const { k } = fitView(b, width, height);
      const s = NODE_SIZES[size];
      const detail = detailFor(s.h, s.w, k);
      const c = { dir, size, k, detail };
      // Equal detail: the picture whose nodes are wider on screen (more of each label shows).
      const onScreen = (x: LayoutChoice) => Math.min(NODE_SIZES[x.size].w * x.k, NODE_SIZES.full.w);
      if (!best || RANK[detail] > RANK[best.detail] || (RANK[detail] === RANK[best.detail] && onScreen(c) > onScreen(best) * 1.05)) best = c;
    }
    if (best && best.detail === size) break; // this size reads as intended: no need to shrink further
  }
  return best!;
}

/** Axis-aligned rectangles that overlap (for the label checks): pairs of indices. */
export function overlaps(rects: Box[], slack = 0.5): [number, number][] {
  const out: [number, number][] = [];
  const order = rects.map((_, i) => i).sort((a, b) => rects[a].x - rects[b].x);
  for (let i = 0; i < order.length; i++) {
    const a = rects[order[i]];
    for (let j = i + 1; j < order.length; j++) {
      const b = rects[order[j]];
      if (b.x >= a.x + a.w - slack) break;
      if (b.y < a.y + a.h - slack && a.y < b.y + b.h - slack) out.push([order[i], order[j]]);
    }
  }
  return out;
}
