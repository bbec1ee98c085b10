/**
 * The tape as a graph, drawn on one canvas so that 10,000 nodes pan and zoom smoothly: only what is
 * in view is drawn, edges are stroked in one path per colour, and below a zoom threshold nodes are
 * drawn as plain boxes without text. Colours come from the theme's --vscode-* variables.
 */
import { nullPhrase, tapeDepths, type Graph, type GraphNode } from '../model/graphModel';
import { counted, formatBytes, formatNum, formatShape, formatValueShort } from '../model/format';
import type { ViewGraph } from '../model/repeats';
import { LIBRARY_MAX_NODES, bounds, layeredBounds, layeredLayout, libraryLayout } from '../model/layout';
import { AA_TEXT, ensureContrast, heatScale, HEAT_STEPS } from '../model/contrast';
import { DETAIL_RANK, MAX_K, MIN_K, MIN_TEXT_PX, LINE, NODE_SIZES, chooseLayout, edgeWidthPx, detailFor, fitView, textPx, textRows, type Box, type Detail, type Direction, type SizeClass, type View } from '../model/viewport';
import { themeColor } from '../dom';
import { SpatialIndex, nodesInScan } from '../model/spatial';
import { TILE_PX, TILE_STEP, Tiles, type TileImage } from './tiles';

export interface Palette {
  bg: string; fill: string; border: string; text: string; dim: string; focus: string; match: string; matchBorder: string;
  error: string; warn: string; heat: string[]; off: string; variable: string; constant: string; tensor: string; tape: string[];
  mono: string; sans: string;
}

/** The theme's colours, each text colour and every step of the gradient scale held to AA on the background. */
export function readPalette(): Palette {
  const c = (n: string, f: string) => themeColor(n, f);
  const bg = c('--vscode-editor-background', '#1e1e1e');
  const aa = (col: string, ratio = AA_TEXT) => ensureContrast(col, bg, ratio);
  return {
    bg,
    fill: c('--vscode-editorWidget-background', '#252526'),
    border: aa(c('--vscode-editorWidget-border', c('--vscode-panel-border', '#454545')), 1.6),
    text: aa(c('--vscode-editor-foreground', '#cccccc')),
    dim: aa(c('--vscode-descriptionForeground', '#9d9d9d')),
    focus: aa(c('--vscode-focusBorder', '#007fd4'), 3),
    match: c('--vscode-editor-findMatchHighlightBackground', 'rgba(234,92,0,0.33)'),
    matchBorder: aa(c('--vscode-editor-findMatchBorder', c('--vscode-focusBorder', '#007fd4')), 3),
    error: aa(c('--vscode-errorForeground', '#f48771')),
    warn: aa(c('--vscode-editorWarning-foreground', '#cca700')),
    heat: heatScale(bg),
    off: aa(c('--vscode-disabledForeground', '#6b6b6b'), 3),
    variable: aa(c('--vscode-charts-purple', '#b180d7'), 3),
    constant: aa(c('--vscode-disabledForeground', '#6b6b6b'), 3),
    tensor: aa(c('--vscode-charts-green', '#89d185'), 3),
    tape: [aa(c('--vscode-charts-blue', '#3794ff'), 3), aa(c('--vscode-charts-purple', '#b180d7'), 3), aa(c('--vscode-charts-orange', '#d18616'), 3)],
    mono: themeColor('--vscode-editor-font-family', 'monospace') || 'monospace',
    sans: themeColor('--vscode-font-family', 'sans-serif') || 'sans-serif',
  };
}

/** What was drawn as text in the last frame, in CSS pixels of the canvas (read by the e2e checks). */
export interface TextRecord { x: number; y: number; w: number; h: number; px: number; text: string }

export interface GraphViewCallbacks {
  onSelect(index: number | undefined, how: 'click' | 'key' | 'search'): void;
  onReveal(index: number): void;
  /** A folded group was opened (double-click, or Enter on it). */
  onExpand?(key: string): void;
}

/** Nodes listed as text for screen readers; a larger graph is explored with search and the keyboard. */
const LIST_MAX_NODES = 400;
/** Above this, a resize does not try other layouts (each try is a full placement). */
const RELAYOUT_MAX_NODES = 5000;
/** Room a frame keeps for its label, in screen pixels. */
const FRAME_LABEL_PX = 18;
/** Text records kept per frame for the checks (a huge graph zoomed in draws more; the first ones suffice). */
const TEXT_RECORDS_MAX = 3000;
/** Graphs above this get an overview picture for frames zoomed out past its resolution. */
const OVERVIEW_MIN_NODES = 20_000;
/** The longest the spatial index waits for idle time after a placement's first frame (ms). */
const INDEX_WAIT_MS = 500;
/** Runs `f` in the page's next idle time (at the latest after INDEX_WAIT_MS); a timer where there is none. */
const whenIdle = (f: () => void): void => {
  if (typeof requestIdleCallback === 'function') requestIdleCallback(f, { timeout: INDEX_WAIT_MS });
  else setTimeout(f, 0);
};
/** The overview picture's size: its longer side and its area, in canvas pixels. */
const OVERVIEW_MAX_SIDE = 16_384;
const OVERVIEW_MAX_AREA = 16_000_000;
/*
 * Zoomed in past the overview picture's resolution but not yet far enough for text, a frame of a
 * huge graph still holds thousands of boxes: it copies tiles of finer pictures instead (views/tiles.ts),
 * never waiting for one: missing tiles are drawn in idle time, the overview standing in meanwhile.
 */

/** The whole graph's edges and boxes drawn once into a picture, at `scale` canvas pixels per graph unit. */
interface Overview { image: TileImage; scale: number; box: Box; marked: GraphNode[] }

interface TapeBox { x: number; y: number; w: number; h: number; label: string; depth: number }

export class GraphView {
  readonly el: HTMLElement;
  readonly canvas: HTMLCanvasElement;
  private readonly live: HTMLElement;
  private readonly list: HTMLOListElement;
  private ctx: CanvasRenderingContext2D;
  private graph: Graph | undefined;
  private pal = readPalette();
  private view = { x: 0, y: 0, k: 1 };
  /** The view is the fitted one (not panned or zoomed since): a resize fits again rather than cropping. */
  private fitted = false;
  private selected: number | undefined;
  private highlighted = new Set<number>();
  private matches = new Set<number>();
  private walkFocus: number | undefined;
  private frame = 0;
  private width = 0;
  private height = 0;
  private tapeBoxes: TapeBox[] = [];
  private dir: Direction = 'LR';
  private size: SizeClass = 'full';
  private layoutToken = 0;
  /** Nodes and edges by position, and the nodes' bounds: worked out once per placement, not per frame. */
  private index: SpatialIndex | undefined;
  private indexTimer = false;
  private overview: Overview | undefined;
  /** Tiles of the finer pictures (made with the overview, dropped with it). */
  private tiles: Tiles | undefined;
  /** The centre of the last frame's view (graph units): the direction of motion, for drawing tiles ahead. */
  private lastCentre: { x: number; y: number } | undefined;
  /** The tallest node (a frame shows no text, so tiles stand for it, while this one shows none). */
  private tallest: number | undefined;
  /** Set while the overview picture is being drawn (draw() then paints edges and boxes only). */
  private overviewPass = false;
  /** While drawing a tile: how much smaller than its own scale it is typically shown. */
  private lineShrink = 1;
  private nodeBounds: Box | undefined;
  /** Each tape's (and model frame's) member nodes' bounds, before padding: per placement too. */
  private memberBounds: (Box | undefined)[] | undefined;
  private textCache = new Map<string, string>();
  /** Text drawn in the last frame (screen rectangles), and the smallest font size used. */
  textDrawn: TextRecord[] = [];
  /** Tiles stand in at middle zoom (turned off by the checks, to compare with drawing node by node). */
  tiling = true;
  /** Milliseconds the last frame took to draw (for the benchmarks). */
  lastDrawMs = 0;
  /** Called after every frame (the minimap draws its viewport rectangle: views/minimap.ts). */
  onDrawn: (() => void) | undefined;

  constructor(private readonly cb: GraphViewCallbacks) {
    this.el = document.createElement('div');
    this.el.className = 'graph';
    this.canvas = document.createElement('canvas');
    this.canvas.tabIndex = 0;
    this.canvas.setAttribute('role', 'application');
    this.canvas.setAttribute('aria-roledescription', 'tape graph');
    this.canvas.setAttribute('aria-label', 'Tape graph. Arrow keys move between nodes: left to an input, right to a consumer, up and down within a column. Enter reveals the line or opens a folded group. Plus and minus zoom, 0 fits.');
    this.live = document.createElement('div');
    this.live.className = 'sr-only';
    this.live.setAttribute('aria-live', 'polite');
    // The graph as text for screen readers (and tests): one item per node, up to LIST_MAX_NODES.
    this.list = document.createElement('ol');
    this.list.className = 'sr-only node-list';
    this.list.setAttribute('aria-label', 'nodes of the tape');
    this.el.append(this.canvas, this.live, this.list);
    this.ctx = this.canvas.getContext('2d')!;
    new ResizeObserver(() => this.resize()).observe(this.el);
    this.bindPointer();
    this.canvas.addEventListener('keydown', (e) => this.onKey(e));
    // Read by the e2e checks (legibility, overlap, fit) and the drawing benchmark.
    (window as unknown as { gradtapeGraph?: GraphView }).gradtapeGraph = this;
  }

  get palette(): Palette {
    return this.pal;
  }

  themeChanged(): void {
    this.pal = readPalette();
    this.dropPictures();
    if (this.graph && this.graph.nodes.length > OVERVIEW_MIN_NODES) this.indexSoon();
    this.textCache.clear();
    this.requestDraw();
  }

  /** The layout in use: flow direction and node size class. */
  get layout(): { dir: Direction; size: SizeClass } {
    return { dir: this.dir, size: this.size };
  }

  /**
   * Shows a graph. `keepPositions`: its nodes already carry positions (the same structure as the last
   * graph, scrubbing steps); otherwise it is laid out for this pane, first by the linear placement,
   * then (small graphs) by dagre a moment later.
   */
  setGraph(graph: Graph, keepView: boolean, keepPositions = false): void {
    this.graph = graph;
    this.moved();
    this.list.replaceChildren();
    if (graph.nodes.length <= LIST_MAX_NODES) {
      for (const n of graph.nodes) {
        const li = document.createElement('li');
        const b = document.createElement('button');
        b.tabIndex = -1;
        b.textContent = describe(n);
        b.dataset.index = String(n.index);
        b.addEventListener('click', () => {
          this.setSelected(n.index, true);
          this.cb.onSelect(n.index, 'click');
        });
        li.append(b);
        this.list.append(li);
      }
    }
    document.body.dataset.drawnNodes = String(graph.nodes.length);
    // Laid out for the pane's size as the page is now (bars above it may have changed since the
    // last read), so the first frame is not laid out and fitted again when the observer reports it.
    if (!keepPositions) {
      this.readSize();
      this.layoutGraph();
    }
    else this.moved();
    this.computeTapeBoxes();
    if (!keepView || !keepPositions) this.fit();
    this.requestDraw();
  }

  /** Chooses direction and node size for the pane's shape, places the nodes, and schedules dagre. */
  private layoutGraph(onlyIfChanged = false): void {
    const g = this.graph;
    if (!g) return;
    if (onlyIfChanged && g.nodes.length > RELAYOUT_MAX_NODES) return;
    const w = this.width || this.el.clientWidth || 800, h = this.height || this.el.clientHeight || 500;
    // A huge graph (an opened group of thousands of ops) reads as boxes in any layout: one placement,
    // two-line cards along the pane's longer side, rather than six tries.
    const huge = g.nodes.length > RELAYOUT_MAX_NODES;
    const choice = huge
      ? { dir: (w >= h ? 'LR' : 'TB') as Direction, size: 'brief' as SizeClass, k: 0, detail: 'box' as Detail }
      : chooseLayout((dir, size) => layeredBounds(g, dir, size), w, h);
    // Measuring moves no node: the current layout stays as it is.
    if (onlyIfChanged && choice.dir === this.dir && choice.size === this.size) return;
    this.dir = choice.dir;
    this.size = choice.size;
    layeredLayout(g, choice.dir, choice.size);
    this.moved();
    // Known from the ranks, without a pass over every node (the first frame reads it to fit the view).
    this.nodeBounds = layeredBounds(g, choice.dir, choice.size);
    document.body.dataset.graphLayout = `${choice.dir} ${choice.size}`;
    const token = ++this.layoutToken;
    if (g.nodes.length > 2 && g.nodes.length <= LIBRARY_MAX_NODES) {
      // The library's layout replaces the first frame's once that frame is on screen.
      setTimeout(() => {
        if (token !== this.layoutToken || this.graph !== g) return;
        const started = performance.now();
        // The linear placement, kept in case dagre's reads worse.
        const before = g.nodes.map((n) => ({ x: n.x, y: n.y }));
        try {
          libraryLayout(g, choice.dir, choice.size);
          // dagre spreads some graphs wider than the linear placement: keep its picture only when it
          // reads as well once fitted (the choice was made on the linear placement's bounds).
          const s = NODE_SIZES[choice.size];
          const k = fitView(bounds(g), w, h).k;
          if (DETAIL_RANK[detailFor(s.h, s.w, k)] < DETAIL_RANK[choice.detail]) {
            g.nodes.forEach((n, i) => Object.assign(n, before[i]));
          }
        } catch (e) {
          window.dispatchEvent(new ErrorEvent('error', { message: `layout: ${String(e)}` }));
          return;
        }
        document.body.dataset.layoutMs = (performance.now() - started).toFixed(1);
        this.moved();
        this.computeTapeBoxes();
        if (this.fitted) this.fit();
        this.requestDraw();
        document.body.dataset.layoutDone = String(Number(document.body.dataset.layoutDone ?? 0) + 1);
      }, 0);
    } else document.body.dataset.layoutDone = String(Number(document.body.dataset.layoutDone ?? 0) + 1);
  }

  /** Keeps the current positions (measuring other layouts on a resize moves the nodes). */
  /** Nodes moved: what was worked out from their positions is stale. */
  private moved(): void {
    this.index = undefined;
    this.dropPictures();
    this.tallest = undefined;
    this.nodeBounds = undefined;
    this.memberBounds = undefined;
  }

  /** The overview picture and its tiles are stale (their idle drawing stops). */
  private dropPictures(): void {
    this.overview = undefined;
    this.tiles?.dispose();
    this.tiles = undefined;
  }

  private spatial(): SpatialIndex {
    const g = this.graph!;
    return (this.index ??= new SpatialIndex(g.nodes, g.edges, this.dir === 'LR'));
  }

  /**
   * The index is built in the first idle time after the first frame of a placement (that frame scans
   * every node, as it would to build the index), so neither the first draw nor its painting waits for
   * it (10,000 nodes: ≈ 10 ms); frames and pointer queries before then scan the nodes, with the same
   * answer (nodesInScan). Asked for from the frame's callback: idle time before that frame is painted
   * could hold the picture back. A person who keeps the page busy gets it within INDEX_WAIT_MS anyway.
   */
  private indexSoon(): void {
    if (this.indexTimer) return;
    this.indexTimer = true;
    requestAnimationFrame(() => whenIdle(() => {
      this.indexTimer = false;
      if (!this.graph) return;
      this.spatial();
      if (this.graph.nodes.length > OVERVIEW_MIN_NODES && !this.overview) this.drawOverview();
    }));
  }

  /**
   * A graph of 100,000 nodes zoomed out shows tens of thousands of sub-pixel boxes: drawing them per
   * frame costs hundreds of milliseconds. They are drawn once per placement into a picture (at up to
   * OVERVIEW_MAX_SIDE pixels), and a frame zoomed out at or past its resolution copies it, drawing
   * over it only what changes: the selection, highlights, search matches, and folded groups' and
   * notes' labels. Frames and their labels, sized in screen pixels, are drawn per frame too.
   */
  private drawOverview(): void {
    const g = this.graph!;
    const b = this.drawnBounds();
    const scale = Math.min(OVERVIEW_MAX_SIDE / Math.max(b.w, b.h, 1), Math.sqrt(OVERVIEW_MAX_AREA / Math.max(b.w * b.h, 1)));
    const w = Math.max(1, Math.ceil(b.w * scale)), h = Math.max(1, Math.ceil(b.h * scale));
    const image = this.picture(w, h, { k: scale, x: -b.x * scale, y: -b.y * scale }, false);
    const ov: Overview = { image, scale, box: { x: b.x, y: b.y, w: w / scale, h: h / scale }, marked: g.nodes.filter((n) => n.kind === 'group' || n.kind === 'note') };
    this.overview = ov;
    // A tile is drawn at up to √2× the scale it is shown at: its lines are drawn for the middle of that range.
    this.tiles = new Tiles(ov, (s, gx, gy) => this.picture(TILE_PX + 2, TILE_PX + 2, { k: s, x: 1 - gx * s, y: 1 - gy * s }, true, Math.sqrt(TILE_STEP)), () => this.requestDraw(), () => this.frame !== 0);
    document.body.dataset.graphOverview = `${w}x${h}`;
  }

  /**
   * Edges and boxes (no text, no selection or highlights) drawn under `view` into a new picture of
   * width × height pixels, on the background colour when `opaque` (tiles: their overlapping edges
   * then blend into no seam). Where the browser has OffscreenCanvas the picture is an ImageBitmap,
   * rasterised here rather than in the first frame that copies it.
   */
  private picture(width: number, height: number, view: View, opaque: boolean, lineShrink = 1): TileImage {
    const off = typeof OffscreenCanvas === 'function' ? new OffscreenCanvas(width, height) : undefined;
    const canvas = off ?? document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    const saved = { ctx: this.ctx, view: this.view, width: this.width, height: this.height, selected: this.selected, walkFocus: this.walkFocus, highlighted: this.highlighted, matches: this.matches, textDrawn: this.textDrawn, lastDrawMs: this.lastDrawMs };
    // The same drawing calls as on the page's canvas (an OffscreenCanvas's context has them all).
    this.ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
    if (opaque) {
      this.ctx.fillStyle = this.pal.bg;
      this.ctx.fillRect(0, 0, width, height);
    }
    this.view = view;
    this.width = width;
    this.height = height;
    this.selected = this.walkFocus = undefined;
    this.highlighted = this.matches = new Set();
    this.overviewPass = true;
    this.lineShrink = lineShrink;
    try {
      this.draw();
    } finally {
      Object.assign(this, saved);
      this.overviewPass = false;
      this.lineShrink = 1;
    }
    return off ? off.transferToImageBitmap() : canvas as HTMLCanvasElement;
  }

  /**
   * The tile level for a frame at canvas scale `scale` (views/tiles.ts), or undefined where tiles do not
   * stand in: no overview yet, zoomed out to it, or a node could show text.
   */
  private tileLevel(scale: number, k: number): number | undefined {
    const ov = this.overview;
    if (!ov || !this.tiles || !this.index || !this.tiling || scale <= ov.scale) return undefined;
    if (this.tallest === undefined) {
      let t = 0;
      for (const n of this.graph!.nodes) if (n.h > t) t = n.h;
      this.tallest = t;
    }
    if (detailFor(this.tallest, 1e9, k) !== 'box') return undefined;
    return this.tiles.level(scale);
  }

  /** Nodes drawn over the overview picture in this frame: the selection, highlights, matches, groups and notes in view. */
  private overNodes(ov: Overview, b: Box): number[] {
    const g = this.graph!;
    const ids = new Set<number>(ov.marked.map((n) => n.index));
    for (const i of [this.selected, this.walkFocus, ...this.highlighted, ...this.matches]) if (i !== undefined) ids.add(i);
    const out: number[] = [];
    for (const i of ids) {
      const n = g.nodes[i];
      if (n && !(n.x > b.x + b.w || n.x + n.w < b.x || n.y > b.y + b.h || n.y + n.h < b.y)) out.push(i);
    }
    return out.sort((p, q) => p - q);
  }

  /** Node indices overlapping a box (graph units), from the index once it is built. */
  private nodesIn(b: Box): ArrayLike<number> {
    if (this.index) return this.index.nodesIn(b);
    this.indexSoon();
    return nodesInScan(this.graph!.nodes, b);
  }

  setSelected(i: number | undefined, center = false): void {
    this.selected = i;
    if (i !== undefined && this.graph) {
      const n = this.graph.nodes[i];
      if (n) this.live.textContent = describe(n);
      if (center) this.centerOn(i);
    }
    this.requestDraw();
  }

  setHighlighted(indices: number[]): void {
    this.highlighted = new Set(indices);
    for (const li of this.list.children) {
      const b = li.firstChild as HTMLElement;
      if (this.highlighted.has(Number(b.dataset.index))) b.dataset.highlighted = 'true';
      else delete b.dataset.highlighted;
    }
    this.requestDraw();
  }

  setMatches(indices: number[]): void {
    this.matches = new Set(indices);
    this.requestDraw();
  }

  setWalkFocus(i: number | undefined): void {
    // Unchanged (leaving another tab for the graph's): no frame to draw again.
    if (i === undefined && this.walkFocus === undefined) return;
    this.walkFocus = i;
    if (i !== undefined) this.centerOn(i, false);
    this.requestDraw();
  }

  // For the minimap (views/minimap.ts): what is drawn, where, and a way to move the view.
  get shownGraph(): Graph | undefined {
    return this.graph;
  }
  get paneSize(): { width: number; height: number } {
    return { width: this.width, height: this.height };
  }
  /** A new object whenever nodes or frames move (every placement and fit recomputes the frames): the minimap redraws its overview then. */
  get layoutKey(): unknown {
    return this.tapeBoxes;
  }
  get currentView(): { x: number; y: number; k: number } {
    return { ...this.view };
  }
  get frames(): readonly (Box & { depth: number })[] {
    return this.tapeBoxes;
  }
  setView(v: { x: number; y: number; k: number }): void {
    this.fitted = false;
    this.view = { ...v };
    this.requestDraw();
  }

  /** Everything drawn, tape frames and their labels included, in graph units. */
  drawnBounds(): Box {
    const b = (this.nodeBounds ??= bounds(this.graph!));
    let x0 = b.x, y0 = b.y, x1 = b.x + b.w, y1 = b.y + b.h;
    for (const t of this.tapeBoxes) {
      x0 = Math.min(x0, t.x); y0 = Math.min(y0, t.y); x1 = Math.max(x1, t.x + t.w); y1 = Math.max(y1, t.y + t.h);
    }
    return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
  }

  /** Fits the whole graph in the pane, centred, with margins, whatever the pane's size. */
  fit(): void {
    if (!this.graph || !this.width) return;
    // Frames pad in screen pixels, so their size depends on the zoom: a few rounds settle it.
    this.computeTapeBoxes(1);
    this.view = fitView(this.drawnBounds(), this.width, this.height);
    for (let i = 0; i < 3 && this.tapeBoxes.length; i++) {
      this.computeTapeBoxes(this.view.k);
      this.view = fitView(this.drawnBounds(), this.width, this.height);
    }
    this.fitted = true;
    this.requestDraw();
  }

  /** The fitted graph's box on screen (CSS px in the canvas), and the canvas size: for the checks. */
  screenBounds(): { box: Box; width: number; height: number; k: number } {
    const b = this.graph ? this.drawnBounds() : { x: 0, y: 0, w: 0, h: 0 };
    const v = this.view;
    return { box: { x: b.x * v.k + v.x, y: b.y * v.k + v.y, w: b.w * v.k, h: b.h * v.k }, width: this.width, height: this.height, k: v.k };
  }

  zoomBy(f: number, cx = this.width / 2, cy = this.height / 2): void {
    this.fitted = false;
    const k = Math.min(Math.max(this.view.k * f, MIN_K), MAX_K);
    const r = k / this.view.k;
    this.view = { k, x: cx - (cx - this.view.x) * r, y: cy - (cy - this.view.y) * r };
    this.requestDraw();
  }

  centerOn(i: number, zoomIn = true): void {
    const n = this.graph?.nodes[i];
    if (!n) return;
    // Zoom in (only) as far as the node shows at least its name, op and gradient.
    if (zoomIn && DETAIL_RANK[detailFor(n.h, n.w, this.view.k)] < DETAIL_RANK.brief) {
      let k = this.view.k;
      while (k < MAX_K && DETAIL_RANK[detailFor(n.h, n.w, k)] < DETAIL_RANK.brief) k *= 1.1;
      this.view.k = Math.min(k, MAX_K);
    }
    const sx = n.x * this.view.k + this.view.x, sy = n.y * this.view.k + this.view.y;
    const inside = sx > 0 && sy > 0 && sx + n.w * this.view.k < this.width && sy + n.h * this.view.k < this.height;
    if (inside && !zoomIn) return;
    this.fitted = false;
    this.view.x = this.width / 2 - (n.x + n.w / 2) * this.view.k;
    this.view.y = this.height / 2 - (n.y + n.h / 2) * this.view.k;
    this.requestDraw();
  }

  /** Draws now (used for the first frame, so its time can be measured). */
  drawNow(): void {
    cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.draw();
  }

  private requestDraw(): void {
    if (!this.frame) this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.draw();
    });
  }

  /**
   * Takes the pane's size now, for the graph setGraph gets next (without waiting for the observer,
   * and without laying out the graph shown now).
   */
  measure(): void {
    this.readSize();
  }

  /**
   * Takes the pane's size now; false when it has none or has not changed. The same size again (the
   * observer's first report after a read) changes nothing: setting the canvas's size would clear the
   * frame just drawn, before it is painted, and the graph would be laid out again for nothing.
   */
  private readSize(): boolean {
    const r = this.el.getBoundingClientRect();
    if (!r.width || !r.height) return false;
    const dpr = window.devicePixelRatio || 1;
    const cw = Math.round(r.width * dpr), ch = Math.round(r.height * dpr);
    if (r.width === this.width && r.height === this.height && this.canvas.width === cw && this.canvas.height === ch) return false;
    this.width = r.width;
    this.height = r.height;
    this.canvas.width = cw;
    this.canvas.height = ch;
    this.canvas.style.width = `${r.width}px`;
    this.canvas.style.height = `${r.height}px`;
    return true;
  }

  private resize(): void {
    const first = !this.width;
    if (!this.readSize()) return;
    // The pane changes size when the inspector stacks below it or the panel is resized: a fitted
    // view is laid out again when another direction or node size now reads better, then fitted.
    if (this.graph && (first || this.fitted)) {
      this.layoutGraph(!first);
      this.computeTapeBoxes();
    }
    if (first || this.fitted) this.fit();
    this.requestDraw();
  }

  /**
   * Dashed frames around the tapes when more than one is drawn (or a nested one). Their padding and
   * the room for each label are fixed in screen pixels at zoom k (an outer frame pads more than the
   * frames nested in it, so every label has a line of its own).
   */
  private computeTapeBoxes(k = this.view.k): void {
    this.tapeBoxes = [];
    const g = this.graph;
    if (!g) return;
    const many = g.tapes.length > 1;
    const levels = tapeDepths(g.tapes);
    let maxLevel = 0;
    for (const l of levels.values()) maxLevel = Math.max(maxLevel, l);
    const unit = 1 / Math.max(k, 0.05);
    const frames = (g as ViewGraph).frames ?? [];
    // Where each frame's members are depends on the placement only, not on the zoom (fit asks for
    // the frames at several zooms): one pass over the nodes per placement.
    const members = (this.memberBounds ??= this.frameMembers(g, many, frames));
    g.tapes.forEach((t, ti) => {
      const b = members[ti];
      if (!b) return;
      const level = levels.get(t.id) ?? 0;
      const outerBy = maxLevel - level;
      const pad = (8 + 10 * outerBy) * unit;
      const labelRoom = FRAME_LABEL_PX * (1 + outerBy) * unit;
      const label = `${t.name ?? 'tape'}${t.pos ? ` · line ${t.pos.line}` : ''}${t.parentId !== undefined ? ' · nested' : ''} · ${counted(t.nodeCount, 'op')} · ${formatBytes(t.bytes)}`;
      this.tapeBoxes.push({ x: b.x - pad, y: b.y - pad - labelRoom, w: b.w + 2 * pad, h: b.h + 2 * pad + labelRoom, label, depth: level });
    });
    // Keras models and opened layers (model/layers.ts): a frame each, inside the tapes' frames.
    let deepest = 0;
    for (const f of frames) deepest = Math.max(deepest, f.depth);
    frames.forEach((f, fi) => {
      const b = members[g.tapes.length + fi];
      if (!b) return;
      const outerBy = deepest - f.depth;
      const pad = (4 + 8 * outerBy) * unit;
      const labelRoom = FRAME_LABEL_PX * (1 + outerBy) * unit;
      this.tapeBoxes.push({ x: b.x - pad, y: b.y - pad - labelRoom, w: b.w + 2 * pad, h: b.h + 2 * pad + labelRoom, label: f.label, depth: maxLevel + 1 + f.depth });
    });
  }

  /** The bounds of each framed tape's nodes (undefined: not framed, or none drawn), then of each model frame's. */
  private frameMembers(g: Graph, many: boolean, frames: readonly { members: number[] }[]): (Box | undefined)[] {
    const out: (Box | undefined)[] = [];
    const boxOf = (x0: number, y0: number, x1: number, y1: number) => (Number.isFinite(x0) ? { x: x0, y: y0, w: x1 - x0, h: y1 - y0 } : undefined);
    for (const t of g.tapes) {
      // One tape, not nested: no frame (and no pass over its nodes).
      if (!many && t.parentId === undefined) { out.push(undefined); continue; }
      let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
      const leafIds = new Set(t.leaves.map((l) => l.tensorId));
      for (const n of g.nodes) {
        const mine = n.kind !== 'leaf' ? n.tapeIds.includes(t.id) : leafIds.has(n.tensorId) && n.consumers.some((c) => g.nodes[c].tapeIds.includes(t.id));
        if (!mine) continue;
        x0 = Math.min(x0, n.x); y0 = Math.min(y0, n.y); x1 = Math.max(x1, n.x + n.w); y1 = Math.max(y1, n.y + n.h);
      }
      out.push(boxOf(x0, y0, x1, y1));
    }
    for (const f of frames) {
      let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
      for (const i of f.members) {
        const n = g.nodes[i];
        x0 = Math.min(x0, n.x); y0 = Math.min(y0, n.y); x1 = Math.max(x1, n.x + n.w); y1 = Math.max(y1, n.y + n.h);
      }
      out.push(boxOf(x0, y0, x1, y1));
    }
    return out;
  }

  /** Text in screen space at a legible size; recorded for the checks. Returns the width drawn. */
  private text(s: string, sx: number, sy: number, px: number, font: string, color: string, maxW: number, align: 'left' | 'right' = 'left'): number {
    if (maxW < px) return 0;
    const { ctx } = this;
    ctx.font = `${font.startsWith('600') ? '600 ' : ''}${px}px ${font.replace(/^600 /, '')}`;
    const key = `${ctx.font}|${Math.floor(maxW / 4)}|${s}`;
    let t = this.textCache.get(key);
    if (t === undefined) {
      t = fitText(ctx, s, maxW);
      if (this.textCache.size > 20000) this.textCache.clear();
      this.textCache.set(key, t);
    }
    if (!t) return 0;
    const w = ctx.measureText(t).width;
    ctx.fillStyle = color;
    ctx.textAlign = align;
    ctx.fillText(t, sx, sy);
    if (this.textDrawn.length < TEXT_RECORDS_MAX) this.textDrawn.push({ x: align === 'right' ? sx - w : sx, y: sy - px * 0.8, w, h: px, px, text: t });
    return w;
  }

  private draw(): void {
    const t0 = performance.now();
    const { ctx, pal, view } = this;
    // The overview picture is drawn in its own pixels, on a transparent background.
    const dpr = this.overviewPass ? 1 : window.devicePixelRatio || 1;
    this.textDrawn = [];
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.fillStyle = pal.bg;
    if (!this.overviewPass) ctx.fillRect(0, 0, this.width, this.height);
    const g = this.graph;
    if (!g) return this.onDrawn?.();
    const graphSpace = () => ctx.setTransform(dpr * view.k, 0, 0, dpr * view.k, dpr * view.x, dpr * view.y);
    graphSpace();
    // The visible rectangle in graph coordinates.
    const vx0 = -view.x / view.k, vy0 = -view.y / view.k;
    const vx1 = vx0 + this.width / view.k, vy1 = vy0 + this.height / view.k;
    // One screen pixel in graph units. A tile is drawn at up to √2× the scale it is shown at: its lines
    // are drawn for the middle of that range (`lineK`), so they are about as wide as drawn node by node.
    const lineK = view.k / this.lineShrink;
    const px = 1 / lineK;
    const lr = this.dir === 'LR';
    const fine = lineK >= 0.3; // curves and arrowheads only where they can be seen
    // Zoomed out at or past the overview picture's resolution: the picture stands for edges and boxes;
    // zoomed in from there until text shows, tiles of finer pictures do.
    const ov = !this.overviewPass && this.overview && dpr * view.k <= this.overview.scale ? this.overview : undefined;
    const tileAt = ov || this.overviewPass ? undefined : this.tileLevel(dpr * view.k, view.k);
    const pic = ov ?? (tileAt !== undefined ? this.overview : undefined);

    for (const b of this.overviewPass ? [] : this.tapeBoxes) {
      ctx.setLineDash([6 * px, 4 * px]);
      ctx.strokeStyle = pal.tape[b.depth % pal.tape.length];
      ctx.lineWidth = 1.2 * px;
      ctx.strokeRect(b.x, b.y, b.w, b.h);
      ctx.setLineDash([]);
    }

    // Edges: one path per colour bucket, gradient magnitude → width and warmth.
    const buckets: Path2D[] = pal.heat.map(() => new Path2D());
    const off = new Path2D();
    const arrows: Path2D[] = pal.heat.map(() => new Path2D());
    const offArrows = new Path2D();
    const broken = new Path2D();
    const cuts = new Path2D();
    const viewBox = { x: vx0, y: vy0, w: vx1 - vx0, h: vy1 - vy0 };
    // Only the edges near the view (all of them until the index is built, culled one by one below).
    const near = pic ? undefined : this.index?.edgesIn(viewBox);
    const edgeCount = pic ? 0 : near ? near.length : g.edges.length;
    for (let q = 0; q < edgeCount; q++) {
      const e = g.edges[near ? near[q] : q];
      const a = g.nodes[e.from], b = g.nodes[e.to];
      // Input slots in the order the inputs sit across the flow, so edges into a node do not cross.
      const slots = b.inputs.length;
      let slot = -1;
      if (slots > 1) {
        slot = 0;
        for (let k = 0; k < slots; k++) {
          const o = g.nodes[b.inputs[k]];
          if (lr ? o.y + o.h / 2 < a.y + a.h / 2 : o.x + o.w / 2 < a.x + a.w / 2) slot++;
        }
      }
      let x0, y0, x1, y1;
      if (lr) {
        x0 = a.x + a.w; y0 = a.y + a.h / 2;
        x1 = b.x; y1 = b.y + (slot < 0 ? b.h / 2 : b.h * (0.2 + (0.6 * slot) / (slots - 1)));
      } else {
        x0 = a.x + a.w / 2; y0 = a.y + a.h;
        x1 = b.x + (slot < 0 ? b.w / 2 : b.w * (0.2 + (0.6 * slot) / (slots - 1))); y1 = b.y;
      }
      if (Math.max(x0, x1) < vx0 || Math.min(x0, x1) > vx1 || Math.max(y0, y1) < vy0 || Math.min(y0, y1) > vy1) continue;
      if (e.broken) {
        // Where the chain of gradients stops: a dashed link in the warning colour, crossed out midway.
        broken.moveTo(x0, y0);
        broken.lineTo(x1, y1);
        const mx = (x0 + x1) / 2, my = (y0 + y1) / 2, c = 6 * Math.max(px, 0.6);
        cuts.moveTo(mx - c, my - c); cuts.lineTo(mx + c, my + c);
        cuts.moveTo(mx - c, my + c); cuts.lineTo(mx + c, my - c);
        continue;
      }
      const bucket = e.heat === undefined ? -1 : Math.min(HEAT_STEPS - 1, Math.round(e.heat * (HEAT_STEPS - 1)));
      const p = bucket < 0 ? off : buckets[bucket];
      p.moveTo(x0, y0);
      if (fine) {
        if (lr) {
          const d = Math.max(24, (x1 - x0) / 2);
          p.bezierCurveTo(x0 + d, y0, x1 - d, y1, x1 - 5 * px, y1);
        } else {
          const d = Math.max(16, (y1 - y0) / 2);
          p.bezierCurveTo(x0, y0 + d, x1, y1 - d, x1, y1 - 5 * px);
        }
        const ar = bucket < 0 ? offArrows : arrows[bucket];
        const s = 6 * Math.max(px, 0.6);
        ar.moveTo(x1, y1);
        if (lr) { ar.lineTo(x1 - s, y1 - s * 0.6); ar.lineTo(x1 - s, y1 + s * 0.6); }
        else { ar.lineTo(x1 - s * 0.6, y1 - s); ar.lineTo(x1 + s * 0.6, y1 - s); }
        ar.closePath();
      } else p.lineTo(x1, y1); // curves are invisible at this size and cost more
    }
    ctx.lineWidth = Math.max(1 * px, 1);
    ctx.setLineDash([4 * px, 3 * px]);
    ctx.strokeStyle = pal.off;
    ctx.stroke(off);
    ctx.setLineDash([]);
    ctx.fillStyle = pal.off;
    ctx.fill(offArrows);
    ctx.strokeStyle = pal.warn;
    ctx.lineWidth = Math.max(2 * px, 1.5);
    ctx.setLineDash([6 * px, 4 * px]);
    ctx.stroke(broken);
    ctx.setLineDash([]);
    ctx.lineWidth = Math.max(2.5 * px, 2);
    ctx.stroke(cuts);
    const boxPx = NODE_SIZES[this.size].h * lineK;
    buckets.forEach((p, i) => {
      // Width grows with the gradient too (never colour alone), at least 1 screen pixel; zoomed far out it shrinks with the boxes.
      ctx.lineWidth = Math.max(edgeWidthPx(i, boxPx) * Math.max(px, 0.5), px);
      ctx.strokeStyle = pal.heat[i];
      ctx.stroke(p);
      ctx.fillStyle = pal.heat[i];
      ctx.fill(arrows[i]);
    });

    // Nodes: boxes in graph space (batched into one path when there is no text to draw), then text in
    // screen space at a legible size, as much of the record as the node's size on screen holds.
    if (ov) {
      // Scaled down many times over: the high-quality filter averages the picture rather than dropping lines.
      ctx.imageSmoothingQuality = 'high';
      ctx.drawImage(ov.image, ov.box.x, ov.box.y, ov.box.w, ov.box.h);
    } else if (tileAt !== undefined) {
      const c = { x: viewBox.x + viewBox.w / 2, y: viewBox.y + viewBox.h / 2 };
      const last = this.lastCentre ?? c;
      this.lastCentre = c;
      this.tiles!.compose(ctx, tileAt, viewBox, { x: c.x - last.x, y: c.y - last.y });
    }
    if (tileAt === undefined && !this.overviewPass) this.tiles?.stop();
    const visible: GraphNode[] = [];
    const inView = pic ? this.overNodes(pic, viewBox) : this.nodesIn(viewBox);
    for (let q = 0; q < inView.length; q++) visible.push(g.nodes[inView[q]]);
    const anyText = visible.length > 0 && detailFor(NODE_H_MIN(visible), 1e9, view.k) !== 'box';
    const special: GraphNode[] = [];
    if (!anyText) {
      const plain = new Path2D();
      const stripes = { Variable: new Path2D(), Constant: new Path2D(), Tensor: new Path2D() } as Record<string, Path2D>;
      const bad = new Path2D();
      for (let q = 0; q < visible.length; q++) {
        const n = visible[q];
        if (n.depth > 0 || n.kind === 'group' || n.kind === 'note' || n.grad === null || n.index === this.selected || n.index === this.walkFocus || this.highlighted.has(n.index) || this.matches.has(n.index)) {
          special.push(n);
          continue;
        }
        plain.rect(n.x, n.y, n.w, n.h);
        if (n.kind === 'leaf') stripes[n.op]?.rect(n.x + 1, n.y + n.h * 0.1, Math.max(4, 2 * px), n.h * 0.8);
        if (n.nonFinite) bad.rect(n.x, n.y, n.w, n.h);
      }
      ctx.fillStyle = pal.fill;
      ctx.fill(plain);
      ctx.strokeStyle = pal.border;
      ctx.lineWidth = px;
      ctx.stroke(plain);
      ctx.fillStyle = pal.variable;
      ctx.fill(stripes.Variable);
      ctx.fillStyle = pal.constant;
      ctx.fill(stripes.Constant);
      ctx.fillStyle = pal.tensor;
      ctx.fill(stripes.Tensor);
      ctx.strokeStyle = pal.error;
      ctx.lineWidth = 2 * px;
      ctx.stroke(bad);
      for (const n of special) this.drawBox(n, px);
    } else for (const n of visible) this.drawBox(n, px);
    if (this.overviewPass) return;

    // Screen space from here: labels of frames and nodes.
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.textBaseline = 'alphabetic';
    // Zoomed out, folded groups still say what they hold (when their box is tall enough for a line).
    for (const n of anyText ? visible : special) this.drawText(n);
    this.drawTapeLabels();
    if (g.nodes.length <= LIST_MAX_NODES) {
      // Where each node is on screen (CSS pixels in the canvas): end-to-end tests click there.
      const items = this.list.children;
      for (let i = 0; i < items.length; i++) {
        const n = g.nodes[i], b = items[i].firstChild as HTMLElement;
        b.dataset.cx = ((n.x + n.w / 2) * view.k + view.x).toFixed(0);
        b.dataset.cy = ((n.y + n.h / 2) * view.k + view.y).toFixed(0);
      }
    }
    this.lastDrawMs = performance.now() - t0;
    // Read by the drawing benchmark (bench/panelDraw.bench.ts).
    document.body.dataset.graphFrameMs = this.lastDrawMs.toFixed(2);
    document.body.dataset.graphFrames = String(Number(document.body.dataset.graphFrames ?? 0) + 1);
    document.body.dataset.minTextPx = this.textDrawn.length ? String(Math.min(...this.textDrawn.map((t) => t.px))) : '';
    this.onDrawn?.();
  }

  /**
   * Frame labels in screen space, at the top of each frame. A label that would cover another label or
   * a node (zoomed out past the room the frames keep) is left out: the tape bar says the same.
   */
  private drawTapeLabels(): void {
    const { view, pal, ctx } = this;
    const px = MIN_TEXT_PX;
    const placed: Box[] = [];
    for (const b of this.tapeBoxes) {
      const sx = b.x * view.k + view.x + 6;
      const sy = b.y * view.k + view.y + px + 3;
      ctx.font = `${px}px ${pal.sans}`;
      const maxW = b.w * view.k - 12;
      const w = Math.min(maxW, ctx.measureText(b.label).width);
      const r = { x: sx, y: sy - px * 0.8, w, h: px * LINE };
      const hits = (o: Box) => r.x < o.x + o.w && o.x < r.x + r.w && r.y < o.y + o.h && o.y < r.y + r.h;
      if (placed.some(hits)) continue;
      if (this.nodesIn({ x: (r.x - view.x) / view.k, y: (r.y - view.y) / view.k, w: r.w / view.k, h: r.h / view.k }).length) continue;
      const drawn = this.text(b.label, sx, sy, px, pal.sans, pal.dim, maxW);
      placed.push({ ...r, w: drawn });
    }
  }

  private drawBox(n: GraphNode, px: number): void {
    const { ctx, pal } = this;
    const r = Math.min(5, n.h / 4);
    // Nested tapes as layers: a node recorded by a nested tape sits on a stack of cards. A folded
    // group is a stack too (its iterations).
    const layers = n.kind === 'group' ? 2 : Math.min(n.depth, 3);
    const step = Math.min(4, n.h / 8);
    for (let d = layers; d > 0; d--) {
      ctx.fillStyle = pal.fill;
      ctx.strokeStyle = n.kind === 'group' ? pal.border : pal.tape[d % pal.tape.length];
      ctx.lineWidth = px;
      roundRect(ctx, n.x + step * d, n.y - step * d, n.w, n.h, r);
      ctx.fill();
      ctx.stroke();
    }
    const hl = this.highlighted.has(n.index) || this.matches.has(n.index);
    ctx.fillStyle = pal.fill;
    roundRect(ctx, n.x, n.y, n.w, n.h, r);
    ctx.fill();
    if (hl) {
      ctx.fillStyle = pal.match;
      ctx.fill();
    }
    const sel = this.selected === n.index;
    const walk = this.walkFocus === n.index;
    const broken = n.grad === null || n.kind === 'note';
    ctx.lineWidth = sel || walk ? Math.max(2.5 * px, 2) : broken ? 2 * px : px;
    ctx.strokeStyle = sel ? pal.focus : walk ? pal.warn : n.nonFinite ? pal.error : hl ? pal.matchBorder : broken ? pal.warn : pal.border;
    if (broken && !sel && !walk) ctx.setLineDash([5 * px, 3 * px]);
    ctx.stroke();
    ctx.setLineDash([]);
    // A stripe telling leaves apart: variables, constants, other tensors.
    const stripe = Math.max(4, 2 * px);
    if (n.kind === 'leaf') {
      ctx.fillStyle = n.op === 'Variable' ? pal.variable : n.op === 'Constant' ? pal.constant : pal.tensor;
      ctx.fillRect(n.x + 1, n.y + n.h * 0.1, stripe, n.h * 0.8);
    }
    if (n.nonFinite) {
      ctx.fillStyle = pal.error;
      ctx.fillRect(n.x + n.w - stripe - 3, n.y + n.h * 0.1, stripe, n.h * 0.8);
    }
    // A group's gradient along its iterations: one coloured cell per iteration on the scale the edges
    // use (log, over the trail's own range), so a vanishing gradient fades from hot to cold.
    if (n.group) {
      const trail = n.group.gradTrail;
      const { logs, lo, hi } = trailScale(trail);
      const bar = Math.max(n.h * 0.16, 3 * px);
      const x0 = n.x + 6 * Math.min(1, px * 3), w = n.w - 12 * Math.min(1, px * 3);
      const cw = w / trail.length;
      for (let i = 0; i < trail.length; i++) {
        const l = logs[i];
        ctx.fillStyle = Number.isNaN(l) ? pal.off : pal.heat[Math.round((hi > lo ? (l - lo) / (hi - lo) : 0.5) * (HEAT_STEPS - 1))];
        ctx.fillRect(x0 + i * cw, n.y + n.h - bar - 3 * Math.min(1, px * 3), Math.max(cw, px), bar);
      }
    }
  }

  /** The node's record in screen space, as much of it as fits at this zoom (never below MIN_TEXT_PX). */
  private drawText(n: GraphNode): void {
    const { pal, view } = this;
    const k = view.k;
    const detail: Detail = detailFor(n.h, n.w, k);
    if (detail === 'box') return;
    const px = textPx(k);
    const lh = px * LINE;
    const sx = n.x * k + view.x, sy = n.y * k + view.y, sw = n.w * k;
    const left = sx + (n.kind === 'leaf' ? 9 : 6), right = sx + sw - (n.nonFinite ? 12 : 6);
    const width = right - left;
    let y = sy + 2 + px;
    if (n.kind === 'group') {
      const g = n.group!;
      this.text(n.title, left, y, px, `600 ${pal.sans}`, pal.text, width);
      if (detail === 'name') return;
      y += lh;
      const first = g.gradTrail.find((v) => Number.isFinite(v)), last = [...g.gradTrail].reverse().find((v) => Number.isFinite(v));
      const trail = first !== undefined && last !== undefined ? ` · grad ${formatNum(first, 2)} (first) … ${formatNum(last, 2)} (last)` : '';
      this.text(`${n.op}${trail}`, left, y, px, pal.sans, pal.dim, width);
      return;
    }
    if (n.note) {
      const titleW = this.text(n.title, left, y, px, `600 ${pal.sans}`, n.note.role === 'break' ? pal.warn : pal.text, detail === 'name' ? width : width * 0.62);
      if (detail === 'name') return;
      this.text(n.op, right, y, px, pal.sans, pal.dim, width - titleW - px, 'right');
      y += lh;
      this.text(n.note.role === 'break' ? 'came back as a constant' : `data ${formatValueShort(n.value)}`, left, y, px, pal.sans, n.note.role === 'break' ? pal.warn : pal.text, width);
      if (detail !== 'full') return;
      y += lh;
      this.text(n.note.role === 'break' ? 'no gradient past here' : 'grad — (no path back)', left, y, px, pal.sans, pal.dim, width);
      return;
    }
    // A reference to a leaf drawn elsewhere: its name, marked as a reference.
    if (n.ref !== undefined) {
      this.text(`↩ ${n.title}`, left, sy + (n.h * k + px * 0.7) / 2, px, `600 ${pal.sans}`, pal.text, width);
      return;
    }
    // Title (bold) and op on one line when both fit, the op right-aligned; otherwise the op below.
    const titleW = this.text(n.title, left, y, px, `600 ${pal.sans}`, pal.text, detail === 'name' ? width : width * 0.62);
    if (detail === 'name') return;
    this.text(n.op, right, y, px, pal.sans, pal.dim, width - titleW - px, 'right');
    const nullText = n.grad === null ? nullPhrase(n.nullReason?.kind) : undefined;
    if (detail === 'brief') {
      // A two-line card: the gradient (or why there is none), the most telling number.
      y += lh;
      if (n.grad === null) this.wrapText(nullText!, left, y, px, pal.warn, width, textRows(n.h, k) - 1);
      else if (n.grad) this.text(`grad ${formatValueShort(n.grad, 3, 2)}`, left, y, px, pal.mono, n.grad.nanCount || n.grad.infCount ? pal.error : pal.text, width);
      else this.text(`data ${formatValueShort(n.value, 3, 2)}`, left, y, px, pal.mono, n.nonFinite ? pal.error : pal.dim, width);
      return;
    }
    const ctx = this.ctx;
    ctx.strokeStyle = pal.border;
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(sx + 4, y + px * 0.45);
    ctx.lineTo(sx + sw - 4, y + px * 0.45);
    ctx.stroke();
    y += lh + 2;
    this.text(`shape ${formatShape(n.value.shape)}${n.value.dtype !== 'float32' ? ` ${n.value.dtype}` : ''}${n.nonFinite ? '  NaN/Inf' : ''}`, left, y, px, pal.mono, pal.dim, width);
    y += lh;
    this.text(`data ${formatValueShort(n.value)}`, left, y, px, pal.mono, n.nonFinite ? pal.error : pal.text, width);
    y += lh;
    if (n.grad === null) this.text(nullText!, left, y, px, pal.sans, pal.warn, width);
    else if (n.grad) this.text(`grad ${formatValueShort(n.grad)}`, left, y, px, pal.mono, n.grad.nanCount || n.grad.infCount ? pal.error : pal.text, width);
    else this.text('grad —', left, y, px, pal.mono, pal.dim, width);
  }

  /** Text over up to `rows` lines, broken between words (the last line truncated if still too long). */
  private wrapText(s: string, x: number, y: number, px: number, color: string, width: number, rows: number): void {
    const { ctx, pal } = this;
    ctx.font = `${px}px ${pal.sans}`;
    const words = s.split(' ');
    let line = '';
    for (let i = 0; i < words.length; i++) {
      const next = line ? `${line} ${words[i]}` : words[i];
      if (rows > 1 && line && ctx.measureText(next).width > width) {
        this.text(line, x, y, px, pal.sans, color, width);
        y += px * LINE;
        rows--;
        line = words[i];
      } else line = next;
    }
    this.text(line, x, y, px, pal.sans, color, width);
  }

  private hit(clientX: number, clientY: number): number | undefined {
    const r = this.canvas.getBoundingClientRect();
    const gx = (clientX - r.left - this.view.x) / this.view.k;
    const gy = (clientY - r.top - this.view.y) / this.view.k;
    if (!this.graph) return undefined;
    const under = this.nodesIn({ x: gx, y: gy, w: 0, h: 0 });
    // The last drawn (on top) of the nodes under the point.
    return under.length ? under[under.length - 1] : undefined;
  }

  private bindPointer(): void {
    let drag: { x: number; y: number; vx: number; vy: number; moved: boolean } | undefined;
    /** The node under the last click's pointerup, before selecting it changed anything (see dblclick). */
    let upHit: number | undefined;
    this.canvas.addEventListener('pointerdown', (e) => {
      upHit = undefined;
      this.canvas.focus();
      this.canvas.setPointerCapture(e.pointerId);
      drag = { x: e.clientX, y: e.clientY, vx: this.view.x, vy: this.view.y, moved: false };
    });
    this.canvas.addEventListener('pointermove', (e) => {
      if (!drag) {
        this.canvas.style.cursor = this.hit(e.clientX, e.clientY) !== undefined ? 'pointer' : 'grab';
        return;
      }
      const dx = e.clientX - drag.x, dy = e.clientY - drag.y;
      if (!drag.moved && Math.hypot(dx, dy) < 4) return;
      drag.moved = true;
      this.fitted = false;
      this.canvas.style.cursor = 'grabbing';
      this.view.x = drag.vx + dx;
      this.view.y = drag.vy + dy;
      this.requestDraw();
    });
    this.canvas.addEventListener('pointerup', (e) => {
      const d = drag;
      drag = undefined;
      if (d && !d.moved) {
        const i = this.hit(e.clientX, e.clientY);
        upHit = i;
        this.setSelected(i);
        this.cb.onSelect(i, 'click');
        if (i !== undefined && this.graph?.nodes[i].kind !== 'group') this.cb.onReveal(i);
      }
    });
    // A double click opens the node its first click hit. That click selects it, and in a narrow pane
    // the inspector that opens can re-fit the graph before the second click, moving the group from
    // under the pointer: what is under it at the dblclick may be another node, or none.
    let firstClick: number | undefined;
    this.canvas.addEventListener('click', (e) => {
      if (e.detail <= 1) firstClick = upHit;
    });
    this.canvas.addEventListener('dblclick', (e) => {
      const i = firstClick ?? this.hit(e.clientX, e.clientY);
      const grp = i !== undefined ? this.graph?.nodes[i]?.group : undefined;
      if (grp) this.cb.onExpand?.(grp.key);
    });
    this.canvas.addEventListener('wheel', (e) => {
      e.preventDefault();
      const r = this.canvas.getBoundingClientRect();
      this.zoomBy(Math.exp(-e.deltaY * (e.deltaMode ? 0.05 : 0.0018)), e.clientX - r.left, e.clientY - r.top);
    }, { passive: false });
  }

  private onKey(e: KeyboardEvent): void {
    const g = this.graph;
    if (!g || !g.nodes.length) return;
    const cur = this.selected !== undefined ? g.nodes[this.selected] : undefined;
    const lr = this.dir === 'LR';
    let next: number | undefined;
    // ← an input, → a consumer (along the flow, whichever way it is drawn); ↑ ↓ the neighbours in
    // the same rank (a column left to right, a row top to bottom).
    switch (e.key) {
      case 'ArrowLeft': next = cur ? cur.inputs[0] : 0; break;
      case 'ArrowRight': next = cur ? cur.consumers[0] : 0; break;
      case 'ArrowUp':
      case 'ArrowDown': {
        if (!cur) { next = 0; break; }
        const dir = e.key === 'ArrowUp' ? -1 : 1;
        let best: number | undefined, bestD = Infinity;
        for (const n of g.nodes) {
          const d = (lr ? n.y - cur.y : n.x - cur.x) * dir;
          if ((lr ? Math.abs(n.x - cur.x) > n.w / 2 : Math.abs(n.y - cur.y) > n.h / 2) || d <= 0) continue;
          if (d < bestD) { bestD = d; best = n.index; }
        }
        next = best;
        break;
      }
      case 'Home': next = 0; break;
      case 'End': next = g.nodes.length - 1; break;
      case 'Enter':
        if (cur?.group) this.cb.onExpand?.(cur.group.key);
        else if (cur) this.cb.onReveal(cur.index);
        e.preventDefault();
        return;
      case '+': case '=': this.zoomBy(1.25); e.preventDefault(); return;
      case '-': this.zoomBy(0.8); e.preventDefault(); return;
      case '0': this.fit(); e.preventDefault(); return;
      default: return;
    }
    e.preventDefault();
    if (next === undefined) return;
    this.setSelected(next);
    this.centerOn(next, false);
    this.cb.onSelect(next, 'key');
  }
}

const trailScales = new WeakMap<number[], { logs: Float64Array; lo: number; hi: number }>();
/** A group's gradient trail on a log scale and its range, worked out once per group, not per frame. */
function trailScale(trail: number[]): { logs: Float64Array; lo: number; hi: number } {
  let s = trailScales.get(trail);
  if (!s) {
    const logs = Float64Array.from(trail, (v) => (v > 0 && Number.isFinite(v) ? Math.log10(v) : NaN));
    // A loop, not Math.min(...logs): a trail of 100,000 iterations overflows the stack.
    let lo = Infinity, hi = -Infinity;
    for (const l of logs) {
      if (Number.isNaN(l)) continue;
      lo = Math.min(lo, l);
      hi = Math.max(hi, l);
    }
    trailScales.set(trail, (s = { logs, lo, hi }));
  }
  return s;
}

/** The smallest node height among these (the detail check for the whole frame). */
function NODE_H_MIN(nodes: GraphNode[]): number {
  let m = Infinity;
  for (let i = 0; i < nodes.length; i++) if (nodes[i].h < m) m = nodes[i].h;
  return Number.isFinite(m) ? Math.max(m, 0) : 0;
}

function describe(n: GraphNode): string {
  if (n.group) return `${n.title}, folded: ${n.op}, line ${n.pos?.line ?? '?'}; Enter opens it`;
  if (n.note) return `${n.title}, ${n.op}: ${n.note.message}`;
  const grad = n.grad === null ? `gradient null, ${n.nullReason?.message ?? ''}` : n.grad ? `gradient ${formatValueShort(n.grad)}` : 'no gradient on this path';
  return `${n.title}, ${n.op}, shape ${formatShape(n.value.shape)}, value ${formatValueShort(n.value)}, ${grad}${n.pos ? `, line ${n.pos.line}` : ''}${n.nonFinite ? ', contains NaN or Inf' : ''}`;
}

function roundRect(ctx: CanvasRenderingContext2D, x: number, y: number, w: number, h: number, r: number): void {
  ctx.beginPath();
  ctx.roundRect(x, y, w, h, r);
}

function fitText(ctx: CanvasRenderingContext2D, s: string, max: number): string {
  if (max <= 0) return '';
  if (ctx.measureText(s).width <= max) return s;
  let lo = 0, hi = s.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (ctx.measureText(s.slice(0, mid) + '…').width <= max) lo = mid;
    else hi = mid - 1;
  }
  return s.slice(0, lo) + '…';
}

