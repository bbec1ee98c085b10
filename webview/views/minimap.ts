/**
 * The minimap: the whole graph small in a corner of the graph pane, the part in view drawn on it as a
 * rectangle. A click or a drag in it moves the view there; arrow keys move it too. It shows only when
 * the graph does not fit the view, and the person can turn it off (the panel remembers that).
 *
 * It costs nothing per frame in the node count: the overview (frames and nodes as blocks) is drawn
 * into an offscreen canvas once per layout (a new graph, a new placement, a fit, a theme), and only
 * when the minimap is to be shown, after the graph's frame is on screen (a first frame is fitted, so
 * it never needs one); a frame copies that image and strokes the viewport rectangle. Its Map button
 * always toggles the setting: pressed while it is on, and when on but hidden its tooltip says why.
 * The arithmetic below is pure (tested in Node).
 */
import type { GraphNode } from '../model/graphModel';
import { toScreen, type Box, type View } from '../model/viewport';
import { withAlpha } from '../dom';
import type { GraphView, Palette } from './graphView';

/** Largest minimap (CSS px), and the share of the pane it may take on each side. */
export const MINIMAP_MAX = { w: 200, h: 140, share: 0.3 };
/** Its shortest side: a long chain of ops still gets a strip that can be clicked. */
export const MINIMAP_MIN_SIDE = 28;
/** No minimap in a pane smaller than this (it would cover what it maps). */
export const MINIMAP_MIN_PANE = { w: 240, h: 170 };
/** Room around the overview inside the minimap. */
const PAD = 4;
/** The viewport rectangle is never drawn smaller than this, so it can be seen and grabbed when zoomed far in. */
const MIN_RECT = 6;

/** Graph units → minimap pixels (`x·s + ox`), and the minimap's size in CSS px. */
export interface MapTransform { s: number; ox: number; oy: number; w: number; h: number }
export interface Pane { width: number; height: number }

/** The minimap's size for graph bounds `b` in a pane, keeping the graph's proportions, and its transform. */
export function minimapTransform(b: Box, pane: Pane): MapTransform {
  const maxW = Math.max(MINIMAP_MIN_SIDE, Math.min(MINIMAP_MAX.w, pane.width * MINIMAP_MAX.share));
  const maxH = Math.max(MINIMAP_MIN_SIDE, Math.min(MINIMAP_MAX.h, pane.height * MINIMAP_MAX.share));
  const s = Math.min((maxW - 2 * PAD) / Math.max(b.w, 1), (maxH - 2 * PAD) / Math.max(b.h, 1));
  const w = Math.round(Math.max(MINIMAP_MIN_SIDE, b.w * s + 2 * PAD));
  const h = Math.round(Math.max(MINIMAP_MIN_SIDE, b.h * s + 2 * PAD));
  return { s, ox: (w - b.w * s) / 2 - b.x * s, oy: (h - b.h * s) / 2 - b.y * s, w, h };
}

/** The part of the graph in a width × height pane under view `v`, in minimap pixels. */
export function viewportRect(v: View, pane: Pane, t: MapTransform): Box {
  return { x: (-v.x / v.k) * t.s + t.ox, y: (-v.y / v.k) * t.s + t.oy, w: (pane.width / v.k) * t.s, h: (pane.height / v.k) * t.s };
}

/**
 * The view (same zoom) whose centre is the graph point under minimap pixel (mx, my), that point kept
 * within the graph's bounds `b` so the graph cannot be dragged out of sight.
 */
export function viewCenteredAt(mx: number, my: number, t: MapTransform, b: Box, k: number, pane: Pane): View {
  const gx = Math.min(Math.max((mx - t.ox) / t.s, b.x), b.x + b.w);
  const gy = Math.min(Math.max((my - t.oy) / t.s, b.y), b.y + b.h);
  return { k, x: pane.width / 2 - gx * k, y: pane.height / 2 - gy * k };
}

/** Why a minimap turned on is not shown: the pane is too small for it, or the whole graph is in view. */
export type MinimapHidden = 'small' | 'fits';

/** The minimap's state for graph bounds `b` under view `v`: off, shown, or on but hidden (and why). */
export function minimapState(b: Box, v: View, pane: Pane, enabled: boolean): 'off' | 'shown' | MinimapHidden {
  if (!enabled) return 'off';
  if (pane.width < MINIMAP_MIN_PANE.w || pane.height < MINIMAP_MIN_PANE.h) return 'small';
  if (!(b.w > 0 || b.h > 0)) return 'fits';
  const s = toScreen(b, v);
  const fits = s.x >= -1 && s.y >= -1 && s.x + s.w <= pane.width + 1 && s.y + s.h <= pane.height + 1;
  return fits ? 'fits' : 'shown';
}

/** Shown when turned on, the pane is large enough, and the graph (bounds `b`) does not fit the view. */
export function minimapShown(b: Box, v: View, pane: Pane, enabled: boolean): boolean {
  return minimapState(b, v, pane, enabled) === 'shown';
}

/** The Map button's tooltip in each state: a minimap turned on but not drawn says why. */
export const MAP_TITLES: Record<'off' | 'shown' | MinimapHidden, string> = {
  off: 'Show the minimap when the graph does not fit the view',
  shown: 'Hide the minimap',
  fits: 'Minimap on, not shown now: the whole graph is in view (it shows when you zoom in). Click to turn it off',
  small: 'Minimap on, not shown now: the graph pane is too small for it. Click to turn it off',
};

/**
 * A node's colour in the overview, as the graph marks it: leaves by kind (their stripe), NaN/Inf red,
 * no gradient or a broken chain amber, folded groups in the text colour (they stand for many), other
 * ops in the dim text colour (the box outline's colour is too faint at this size).
 */
function blockColour(n: GraphNode, pal: Palette): string {
  if (n.nonFinite) return pal.error;
  if (n.kind === 'note') return n.note?.role === 'break' ? pal.warn : pal.dim;
  if (n.kind === 'group') return pal.text;
  if (n.kind === 'leaf') return n.op === 'Variable' ? pal.variable : n.op === 'Constant' ? pal.constant : pal.tensor;
  return n.grad === null ? pal.warn : pal.dim;
}

export class Minimap {
  readonly canvas: HTMLCanvasElement;
  /** The Map toggle for the graph's toolbar: pressed while the setting is on (shown or not). */
  readonly button: HTMLButtonElement;
  private readonly ctx: CanvasRenderingContext2D;
  private readonly overview: HTMLCanvasElement;
  /** What the transform and overview were worked out for: redone when any of these changes (never per frame). */
  private drawnFor: unknown[] = [];
  /** The overview picture is out of date: drawn when the minimap is next to be shown. */
  private stale = true;
  /** An overview drawing waiting for the graph's frame to be painted. */
  private pending = false;
  private t: MapTransform | undefined;
  private bounds: Box = { x: 0, y: 0, w: 0, h: 0 };
  private shown = false;
  private state: 'off' | 'shown' | MinimapHidden | undefined;
  /** Overview redraws so far (the tests check that panning does not redraw it). */
  overviews = 0;

  constructor(private readonly graph: GraphView, private enabled: boolean, private readonly onToggle: (on: boolean) => void) {
    this.button = document.createElement('button');
    this.button.textContent = 'Map';
    this.button.setAttribute('aria-label', 'minimap');
    // Always available: a minimap hidden because the graph fits can still be turned off (or on again).
    this.button.addEventListener('click', () => this.toggle());
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'minimap';
    this.canvas.tabIndex = 0;
    this.canvas.hidden = true;
    this.canvas.setAttribute('role', 'application');
    this.canvas.setAttribute('aria-roledescription', 'minimap');
    this.canvas.setAttribute('aria-label', 'Minimap of the whole graph; the rectangle is the part in view. Click or drag to move the view there; arrow keys move it, 0 fits the graph.');
    this.ctx = this.canvas.getContext('2d')!;
    this.overview = document.createElement('canvas');
    this.bindPointer();
    this.canvas.addEventListener('keydown', (e) => this.onKey(e));
    graph.onDrawn = () => this.frame();
    this.showState(enabled ? 'fits' : 'off');
    (window as unknown as { gradtapeMinimap?: Minimap }).gradtapeMinimap = this; // read by the checks
  }

  /**
   * The button and the page say what the minimap does now. The button is pressed while the setting is
   * on; on but hidden, its tooltip says why (and `data-hidden` says so to the styles and checks).
   */
  private showState(state: 'off' | 'shown' | MinimapHidden): void {
    document.body.dataset.minimap = state === 'off' || state === 'shown' ? state : 'hidden';
    if (state === this.state) return;
    this.state = state;
    const b = this.button;
    const hidden = state === 'fits' || state === 'small';
    b.setAttribute('aria-pressed', String(state !== 'off'));
    b.dataset.hidden = hidden ? state : '';
    b.title = MAP_TITLES[state];
  }

  get on(): boolean {
    return this.enabled;
  }

  /** Turns the minimap on or off (the toggle button). */
  toggle(on = !this.enabled): void {
    this.enabled = on;
    this.onToggle(on);
    this.frame();
  }

  /**
   * Called after every frame of the graph: the transform when the layout changed, then the rectangle.
   * The overview picture is drawn only when the minimap is to be shown, and then after the graph's
   * frame has been painted (a moment later), so no frame of the graph waits for it.
   */
  frame(): void {
    const g = this.graph.shownGraph;
    const pane = this.graph.paneSize;
    const key = [g, this.graph.layoutKey, this.graph.palette, pane.width, pane.height, window.devicePixelRatio];
    if (g && this.enabled && (key.length !== this.drawnFor.length || key.some((k, i) => k !== this.drawnFor[i]))) {
      this.drawnFor = key;
      this.bounds = this.graph.drawnBounds();
      this.t = minimapTransform(this.bounds, pane);
      this.stale = true;
    }
    const state = g && this.t ? minimapState(this.bounds, this.graph.currentView, pane, this.enabled) : this.enabled ? 'fits' : 'off';
    if (state === 'shown' && this.stale) this.overviewSoon();
    const shown = state === 'shown' && !this.stale;
    if (shown !== this.shown) {
      // Hiding under the keyboard focus hands it to the graph, not to the page.
      if (!shown && document.activeElement === this.canvas) this.graph.canvas.focus();
      this.shown = shown;
      this.canvas.hidden = !shown;
    }
    // Until its picture is drawn (a moment), a minimap about to show reads as shown on the button.
    this.showState(state);
    if (!shown) return;
    const t = this.t!;
    const dpr = window.devicePixelRatio || 1;
    const { ctx, graph } = this;
    const pal = graph.palette;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    ctx.drawImage(this.overview, 0, 0);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    const r = viewportRect(graph.currentView, pane, t);
    // Clipped to the minimap, and never smaller than MIN_RECT so it stays visible zoomed far in.
    const cx = r.x + r.w / 2, cy = r.y + r.h / 2;
    const w = Math.max(r.w, MIN_RECT), h = Math.max(r.h, MIN_RECT);
    const x0 = Math.max(cx - w / 2, 0.75), y0 = Math.max(cy - h / 2, 0.75);
    const x1 = Math.min(cx + w / 2, t.w - 0.75), y1 = Math.min(cy + h / 2, t.h - 0.75);
    if (x1 > x0 && y1 > y0) {
      ctx.fillStyle = withAlpha(pal.focus, 0.14);
      ctx.fillRect(x0, y0, x1 - x0, y1 - y0);
      ctx.strokeStyle = pal.focus;
      ctx.lineWidth = 1.5;
      ctx.strokeRect(x0, y0, x1 - x0, y1 - y0);
    }
    this.canvas.dataset.rect = [x0, y0, x1 - x0, y1 - y0].map((v) => v.toFixed(1)).join(' ');
  }

  /** Draws the overview after the graph's frame is painted, then the minimap with it. */
  private overviewSoon(): void {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => setTimeout(() => {
      this.pending = false;
      if (!this.stale || !this.graph.shownGraph || !this.t) return;
      this.drawOverview();
      this.frame();
    }, 0));
  }

  /** The whole graph as blocks into the offscreen canvas: frames stroked, nodes filled, one path per colour. */
  private drawOverview(): void {
    const g = this.graph.shownGraph!;
    const pal = this.graph.palette;
    const t = this.t!;
    this.stale = false;
    const dpr = window.devicePixelRatio || 1;
    for (const c of [this.overview, this.canvas]) {
      c.width = Math.round(t.w * dpr);
      c.height = Math.round(t.h * dpr);
    }
    this.canvas.style.width = `${t.w}px`;
    this.canvas.style.height = `${t.h}px`;
    const ctx = this.overview.getContext('2d')!;
    ctx.setTransform(dpr * t.s, 0, 0, dpr * t.s, dpr * t.ox, dpr * t.oy);
    const px = 1 / t.s; // one minimap pixel in graph units
    ctx.lineWidth = px;
    for (const f of this.graph.frames) {
      ctx.strokeStyle = pal.tape[f.depth % pal.tape.length];
      ctx.strokeRect(f.x, f.y, f.w, f.h);
    }
    const paths = new Map<string, Path2D>();
    for (const n of g.nodes) {
      const c = blockColour(n, pal);
      let p = paths.get(c);
      if (!p) paths.set(c, (p = new Path2D()));
      // At least a pixel each way: a node smaller than that still marks its place.
      p.rect(n.x, n.y, Math.max(n.w, px), Math.max(n.h, px));
    }
    for (const [c, p] of paths) {
      ctx.fillStyle = c;
      ctx.fill(p);
    }
    this.overviews++;
  }

  private moveTo(mx: number, my: number): void {
    if (!this.t) return;
    this.graph.setView(viewCenteredAt(mx, my, this.t, this.bounds, this.graph.currentView.k, this.graph.paneSize));
  }

  private bindPointer(): void {
    /** Where in the viewport rectangle it was grabbed: a drag keeps that point under the pointer. */
    let grab: { dx: number; dy: number } | undefined;
    const local = (e: PointerEvent) => {
      const r = this.canvas.getBoundingClientRect();
      return { x: e.clientX - r.left, y: e.clientY - r.top };
    };
    this.canvas.addEventListener('pointerdown', (e) => {
      if (!this.t) return;
      e.preventDefault();
      this.canvas.focus();
      this.canvas.setPointerCapture(e.pointerId);
      const p = local(e);
      const r = viewportRect(this.graph.currentView, this.graph.paneSize, this.t);
      const inside = p.x >= r.x && p.x <= r.x + r.w && p.y >= r.y && p.y <= r.y + r.h;
      // Inside the rectangle: drag it from where it was taken. Elsewhere: the view jumps there first.
      grab = inside ? { dx: p.x - (r.x + r.w / 2), dy: p.y - (r.y + r.h / 2) } : { dx: 0, dy: 0 };
      if (!inside) this.moveTo(p.x, p.y);
    });
    this.canvas.addEventListener('pointermove', (e) => {
      if (!grab) return;
      const p = local(e);
      this.moveTo(p.x - grab.dx, p.y - grab.dy);
    });
    const end = () => (grab = undefined);
    this.canvas.addEventListener('pointerup', end);
    this.canvas.addEventListener('pointercancel', end);
  }

  /** Arrow keys move the view by a quarter of the pane (Shift: a whole pane); 0 fits the graph. */
  private onKey(e: KeyboardEvent): void {
    const pane = this.graph.paneSize;
    const f = e.shiftKey ? 1 : 0.25;
    const d = { ArrowLeft: [1, 0], ArrowRight: [-1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] }[e.key];
    if (d) {
      const v = this.graph.currentView;
      this.graph.setView({ k: v.k, x: v.x + d[0] * pane.width * f, y: v.y + d[1] * pane.height * f });
    } else if (e.key === '0') this.graph.fit();
    else return;
    e.preventDefault();
  }
}
