/**
 * The tape as a graph, drawn on one canvas so that 10,000 nodes pan and zoom smoothly: only what is
 * in view is drawn, edges are stroked in one path per colour, and below a zoom threshold nodes are
 * drawn as plain boxes without text. Colours come from the theme's --vscode-* variables.
 */
import type { Graph, GraphNode } from '../model/graphModel';
import { formatBytes, formatShape, formatValueShort } from '../model/format';
import { bounds } from '../model/layout';
import { themeColor } from '../dom';

interface Palette {
  bg: string; fill: string; border: string; text: string; dim: string; focus: string; match: string; matchBorder: string;
  error: string; warn: string; heat: string[]; off: string; variable: string; constant: string; tensor: string; tape: string[];
  mono: string; sans: string;
}

function readPalette(): Palette {
  const c = (n: string, f: string) => themeColor(n, f);
  return {
    bg: c('--vscode-editor-background', '#1e1e1e'),
    fill: c('--vscode-editorWidget-background', '#252526'),
    border: c('--vscode-editorWidget-border', c('--vscode-panel-border', '#454545')),
    text: c('--vscode-editor-foreground', '#cccccc'),
    dim: c('--vscode-descriptionForeground', '#9d9d9d'),
    focus: c('--vscode-focusBorder', '#007fd4'),
    match: c('--vscode-editor-findMatchHighlightBackground', 'rgba(234,92,0,0.33)'),
    matchBorder: c('--vscode-editor-findMatchBorder', c('--vscode-focusBorder', '#007fd4')),
    error: c('--vscode-errorForeground', '#f48771'),
    warn: c('--vscode-editorWarning-foreground', '#cca700'),
    heat: ['--vscode-charts-blue', '--vscode-charts-green', '--vscode-charts-yellow', '--vscode-charts-orange', '--vscode-charts-red'].map((n, i) => c(n, ['#3794ff', '#89d185', '#cca700', '#d18616', '#f14c4c'][i])),
    off: c('--vscode-disabledForeground', '#6b6b6b'),
    variable: c('--vscode-charts-purple', '#b180d7'),
    constant: c('--vscode-disabledForeground', '#6b6b6b'),
    tensor: c('--vscode-charts-green', '#89d185'),
    tape: [c('--vscode-charts-blue', '#3794ff'), c('--vscode-charts-purple', '#b180d7'), c('--vscode-charts-orange', '#d18616')],
    mono: themeColor('--vscode-editor-font-family', 'monospace') || 'monospace',
    sans: themeColor('--vscode-font-family', 'sans-serif') || 'sans-serif',
  };
}

export interface GraphViewCallbacks {
  onSelect(index: number | undefined, how: 'click' | 'key' | 'search'): void;
  onReveal(index: number): void;
}

/** Nodes listed as text for screen readers; a larger graph is explored with search and the keyboard. */
const LIST_MAX_NODES = 400;

/** Below this zoom, text is unreadable: boxes only (and far cheaper to draw). */
const TEXT_ZOOM = 0.42;

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
  private tapeBoxes: { x: number; y: number; w: number; h: number; label: string; depth: number }[] = [];
  /** Milliseconds the last frame took to draw (for the benchmarks). */
  lastDrawMs = 0;

  constructor(private readonly cb: GraphViewCallbacks) {
    this.el = document.createElement('div');
    this.el.className = 'graph';
    this.canvas = document.createElement('canvas');
    this.canvas.tabIndex = 0;
    this.canvas.setAttribute('role', 'application');
    this.canvas.setAttribute('aria-roledescription', 'tape graph');
    this.canvas.setAttribute('aria-label', 'Tape graph. Arrow keys move between nodes: left to an input, right to a consumer, up and down within a column. Enter reveals the line. Plus and minus zoom, 0 fits.');
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
  }

  themeChanged(): void {
    this.pal = readPalette();
    this.requestDraw();
  }

  setGraph(graph: Graph, keepView: boolean): void {
    this.graph = graph;
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
    this.computeTapeBoxes();
    if (!keepView) this.fit();
    this.requestDraw();
  }

  /** Positions changed (a better layout arrived). */
  relayout(): void {
    this.computeTapeBoxes();
    this.fit();
    this.requestDraw();
  }

  setSelected(i: number | undefined, center = false): void {
    this.selected = i;
    if (i !== undefined && this.graph) {
      const n = this.graph.nodes[i];
      this.live.textContent = describe(n);
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
    this.walkFocus = i;
    if (i !== undefined) this.centerOn(i, false);
    this.requestDraw();
  }

  fit(): void {
    if (!this.graph || !this.width) return;
    const b = bounds(this.graph);
    const pad = 28;
    let k = Math.min((this.width - 2 * pad) / b.w, (this.height - 2 * pad) / b.h, 1.25);
    // A small graph in a narrow view (the side bar) stays readable: keep text zoom and let it pan.
    const readable = this.graph.nodes.length <= 40 && k < TEXT_ZOOM + 0.1;
    if (readable) k = TEXT_ZOOM + 0.1;
    const x = readable && b.w * k > this.width - 2 * pad ? pad - b.x * k : (this.width - b.w * k) / 2 - b.x * k;
    const y = readable && b.h * k > this.height - 2 * pad ? pad - b.y * k : (this.height - b.h * k) / 2 - b.y * k;
    this.view = { k, x, y };
    this.fitted = true;
    this.requestDraw();
  }

  zoomBy(f: number, cx = this.width / 2, cy = this.height / 2): void {
    this.fitted = false;
    const k = Math.min(Math.max(this.view.k * f, 0.01), 4);
    const r = k / this.view.k;
    this.view = { k, x: cx - (cx - this.view.x) * r, y: cy - (cy - this.view.y) * r };
    this.requestDraw();
  }

  centerOn(i: number, zoomIn = true): void {
    const n = this.graph?.nodes[i];
    if (!n) return;
    if (zoomIn && this.view.k < 0.8) this.view.k = 1;
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

  /** Reads the element's size now (before the first draw, without waiting for the observer). */
  measure(): void {
    this.resize();
  }

  private resize(): void {
    const r = this.el.getBoundingClientRect();
    if (!r.width || !r.height) return;
    const first = !this.width;
    this.width = r.width;
    this.height = r.height;
    const dpr = window.devicePixelRatio || 1;
    this.canvas.width = Math.round(r.width * dpr);
    this.canvas.height = Math.round(r.height * dpr);
    this.canvas.style.width = `${r.width}px`;
    this.canvas.style.height = `${r.height}px`;
    // The pane changes size when the inspector stacks below it or the panel is resized.
    if (first || this.fitted) this.fit();
    this.requestDraw();
  }

  private computeTapeBoxes(): void {
    this.tapeBoxes = [];
    const g = this.graph;
    if (!g) return;
    const many = g.tapes.length > 1;
    g.tapes.forEach((t) => {
      let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
      let depth = 0;
      const leafIds = new Set(t.leaves.map((l) => l.tensorId));
      for (const n of g.nodes) {
        const mine = n.kind === 'op' ? n.tapeIds.includes(t.id) : leafIds.has(n.tensorId) && n.consumers.some((c) => g.nodes[c].tapeIds.includes(t.id));
        if (!mine) continue;
        x0 = Math.min(x0, n.x); y0 = Math.min(y0, n.y); x1 = Math.max(x1, n.x + n.w); y1 = Math.max(y1, n.y + n.h);
        if (n.kind === 'op') depth = Math.max(depth, n.depth);
      }
      if (!Number.isFinite(x0) || (!many && t.parentId === undefined)) return;
      const pad = 14 - 5 * Math.min(depth, 2);
      const label = `${t.name ?? 'tape'}${t.pos ? ` · line ${t.pos.line}` : ''}${t.parentId !== undefined ? ' · nested' : ''} · ${t.nodeCount} ops · ${formatBytes(t.bytes)}`;
      this.tapeBoxes.push({ x: x0 - pad, y: y0 - pad - 14, w: x1 - x0 + 2 * pad, h: y1 - y0 + 2 * pad + 14, label, depth: t.parentId !== undefined ? 1 : 0 });
    });
  }

  private draw(): void {
    const t0 = performance.now();
    const { ctx, pal, view } = this;
    const dpr = window.devicePixelRatio || 1;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.fillStyle = pal.bg;
    ctx.fillRect(0, 0, this.width, this.height);
    const g = this.graph;
    if (!g) return;
    ctx.setTransform(dpr * view.k, 0, 0, dpr * view.k, dpr * view.x, dpr * view.y);
    // The visible rectangle in graph coordinates.
    const vx0 = -view.x / view.k, vy0 = -view.y / view.k;
    const vx1 = vx0 + this.width / view.k, vy1 = vy0 + this.height / view.k;
    const px = 1 / view.k; // one screen pixel in graph units
    const text = view.k >= TEXT_ZOOM;

    for (const b of this.tapeBoxes) {
      ctx.setLineDash([6 * px, 4 * px]);
      ctx.strokeStyle = pal.tape[b.depth % pal.tape.length];
      ctx.lineWidth = 1.2 * px;
      ctx.strokeRect(b.x, b.y, b.w, b.h);
      ctx.setLineDash([]);
      if (text) {
        ctx.fillStyle = pal.dim;
        ctx.font = `11px ${pal.sans}`;
        ctx.fillText(b.label, b.x + 6, b.y + 12);
      }
    }

    // Edges: one path per colour bucket, gradient magnitude → width and warmth.
    const buckets: Path2D[] = pal.heat.map(() => new Path2D());
    const off = new Path2D();
    const arrows: Path2D[] = pal.heat.map(() => new Path2D());
    const offArrows = new Path2D();
    for (const e of g.edges) {
      const a = g.nodes[e.from], b = g.nodes[e.to];
      const x0 = a.x + a.w, y0 = a.y + a.h / 2;
      const slot = b.inputs.length > 1 ? b.inputs.indexOf(e.from) : -1;
      const x1 = b.x, y1 = b.y + (slot < 0 ? b.h / 2 : 22 + (slot * (b.h - 30)) / Math.max(1, b.inputs.length - 1));
      if (Math.max(x0, x1) < vx0 || Math.min(x0, x1) > vx1 || Math.max(y0, y1) < vy0 || Math.min(y0, y1) > vy1) continue;
      const p = e.heat === undefined ? off : buckets[Math.min(4, Math.round(e.heat * 4))];
      p.moveTo(x0, y0);
      if (text) {
        const dx = Math.max(24, (x1 - x0) / 2);
        p.bezierCurveTo(x0 + dx, y0, x1 - dx, y1, x1 - 5, y1);
      } else p.lineTo(x1, y1); // curves are invisible at this size and cost more
      if (text) {
        const ar = e.heat === undefined ? offArrows : arrows[Math.min(4, Math.round(e.heat * 4))];
        ar.moveTo(x1, y1);
        ar.lineTo(x1 - 7, y1 - 4);
        ar.lineTo(x1 - 7, y1 + 4);
        ar.closePath();
      }
    }
    ctx.lineWidth = Math.max(1 * px, 1);
    ctx.setLineDash([4 * px, 3 * px]);
    ctx.strokeStyle = pal.off;
    ctx.stroke(off);
    ctx.setLineDash([]);
    ctx.fillStyle = pal.off;
    ctx.fill(offArrows);
    buckets.forEach((p, i) => {
      ctx.lineWidth = Math.max(1.2 + i * 1.4, px);
      ctx.strokeStyle = pal.heat[i];
      ctx.stroke(p);
      ctx.fillStyle = pal.heat[i];
      ctx.fill(arrows[i]);
    });

    // Nodes. Zoomed out, plain nodes are batched into one path per colour (10,000 nodes stay cheap);
    // selected, highlighted and nested ones are drawn one by one on top.
    if (text) ctx.textBaseline = 'alphabetic';
    if (text) {
      for (const n of g.nodes) {
        if (n.x > vx1 || n.x + n.w < vx0 || n.y > vy1 || n.y + n.h < vy0) continue;
        this.drawNode(n, text, px);
      }
    } else {
      const plain = new Path2D();
      const stripes = { Variable: new Path2D(), Constant: new Path2D(), Tensor: new Path2D() } as Record<string, Path2D>;
      const bad = new Path2D();
      const special: GraphNode[] = [];
      for (const n of g.nodes) {
        if (n.x > vx1 || n.x + n.w < vx0 || n.y > vy1 || n.y + n.h < vy0) continue;
        if (n.depth > 0 || n.index === this.selected || n.index === this.walkFocus || this.highlighted.has(n.index) || this.matches.has(n.index)) {
          special.push(n);
          continue;
        }
        plain.rect(n.x, n.y, n.w, n.h);
        if (n.kind === 'leaf') stripes[n.op]?.rect(n.x + 1, n.y + 4, 4, n.h - 8);
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
      for (const n of special) this.drawNode(n, false, px);
    }
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
  }

  private drawNode(n: GraphNode, text: boolean, px: number): void {
    const { ctx, pal } = this;
    const r = 5;
    // Nested tapes as layers: a node recorded by a nested tape sits on a stack of cards.
    for (let d = Math.min(n.depth, 3); d > 0; d--) {
      ctx.fillStyle = pal.fill;
      ctx.strokeStyle = pal.tape[d % pal.tape.length];
      ctx.lineWidth = px;
      roundRect(ctx, n.x + 4 * d, n.y - 4 * d, n.w, n.h, r);
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
    ctx.lineWidth = sel || walk ? Math.max(2.5, 2 * px) : Math.max(1, px);
    ctx.strokeStyle = sel ? pal.focus : walk ? pal.warn : n.nonFinite ? pal.error : hl ? pal.matchBorder : pal.border;
    ctx.stroke();
    // A stripe telling leaves apart: variables, constants, other tensors.
    if (n.kind === 'leaf') {
      ctx.fillStyle = n.op === 'Variable' ? pal.variable : n.op === 'Constant' ? pal.constant : pal.tensor;
      ctx.fillRect(n.x + 1, n.y + 4, 4, n.h - 8);
    }
    if (n.nonFinite) {
      ctx.fillStyle = pal.error;
      ctx.fillRect(n.x + n.w - 10, n.y + 4, 6, n.h - 8);
    }
    if (!text) return;
    const x = n.x + 10, right = n.x + n.w - (n.nonFinite ? 14 : 8);
    ctx.textAlign = 'left';
    ctx.fillStyle = pal.text;
    ctx.font = `600 12px ${pal.sans}`;
    const title = fitText(ctx, n.title, n.w * 0.55);
    ctx.fillText(title, x, n.y + 16);
    ctx.textAlign = 'right';
    ctx.fillStyle = pal.dim;
    ctx.font = `11px ${pal.sans}`;
    ctx.fillText(fitText(ctx, n.op, n.w - 24 - ctx.measureText(title).width), right, n.y + 16);
    ctx.strokeStyle = pal.border;
    ctx.lineWidth = px;
    ctx.beginPath();
    ctx.moveTo(n.x + 6, n.y + 23);
    ctx.lineTo(n.x + n.w - 6, n.y + 23);
    ctx.stroke();
    ctx.textAlign = 'left';
    ctx.font = `11px ${pal.mono}`;
    ctx.fillStyle = pal.dim;
    ctx.fillText(`shape ${formatShape(n.value.shape)}${n.value.dtype !== 'float32' ? ` ${n.value.dtype}` : ''}${n.nonFinite ? '  NaN/Inf' : ''}`, x, n.y + 38);
    ctx.fillStyle = n.nonFinite ? pal.error : pal.text;
    ctx.fillText(fitText(ctx, `data ${formatValueShort(n.value)}`, right - x), x, n.y + 53);
    if (n.grad === null) {
      ctx.fillStyle = pal.warn;
      ctx.fillText(fitText(ctx, `grad null: ${n.nullReason?.kind ?? 'no gradient'}`, right - x), x, n.y + 68);
    } else if (n.grad) {
      ctx.fillStyle = n.grad.nanCount || n.grad.infCount ? pal.error : pal.text;
      ctx.fillText(fitText(ctx, `grad ${formatValueShort(n.grad)}`, right - x), x, n.y + 68);
    } else {
      ctx.fillStyle = pal.dim;
      ctx.fillText('grad —', x, n.y + 68);
    }
  }

  private hit(clientX: number, clientY: number): number | undefined {
    const r = this.canvas.getBoundingClientRect();
    const gx = (clientX - r.left - this.view.x) / this.view.k;
    const gy = (clientY - r.top - this.view.y) / this.view.k;
    const nodes = this.graph?.nodes ?? [];
    for (let i = nodes.length - 1; i >= 0; i--) {
      const n = nodes[i];
      if (gx >= n.x && gx <= n.x + n.w && gy >= n.y && gy <= n.y + n.h) return i;
    }
    return undefined;
  }

  private bindPointer(): void {
    let drag: { x: number; y: number; vx: number; vy: number; moved: boolean } | undefined;
    this.canvas.addEventListener('pointerdown', (e) => {
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
        this.setSelected(i);
        this.cb.onSelect(i, 'click');
        if (i !== undefined) this.cb.onReveal(i);
      }
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
    let next: number | undefined;
    switch (e.key) {
      case 'ArrowLeft': next = cur ? cur.inputs[0] : 0; break;
      case 'ArrowRight': next = cur ? cur.consumers[0] : 0; break;
      case 'ArrowUp':
      case 'ArrowDown': {
        if (!cur) { next = 0; break; }
        // the nearest node above/below in the same column
        const dir = e.key === 'ArrowUp' ? -1 : 1;
        let best: number | undefined, bestD = Infinity;
        for (const n of g.nodes) {
          const dy = (n.y - cur.y) * dir;
          if (Math.abs(n.x - cur.x) > n.w / 2 || dy <= 0) continue;
          if (dy < bestD) { bestD = dy; best = n.index; }
        }
        next = best;
        break;
      }
      case 'Home': next = 0; break;
      case 'End': next = g.nodes.length - 1; break;
      case 'Enter': if (cur) this.cb.onReveal(cur.index); e.preventDefault(); return;
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

function describe(n: GraphNode): string {
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

