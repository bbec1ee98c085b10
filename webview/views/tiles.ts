/**
 * Tiles of finer pictures for a huge graph at middle zoom (views/graphView.ts), composed as map viewers
 * do: a frame never waits for a tile. It copies the tiles of its level that exist; where one is missing,
 * the overview picture (a part of it) and the tiles of the neighbouring levels that exist stand in, and
 * the missing tile is drawn in idle time, in slices well under a frame, the view refreshed when it lands.
 * The ring of tiles around the view, ahead of the motion first, is drawn next, so a drag finds them.
 *
 * Levels: level L is drawn at the overview's scale × √2^L canvas pixels per graph unit (a tile is never
 * shrunk by more than √2 on screen); its tiles are TILE_PX square from the overview's corner, one pixel
 * more on each side so neighbours overlap rather than leave a seam. A tile is an ImageBitmap where the
 * browser has OffscreenCanvas: it is rasterised when made, in the idle slice, not when first copied.
 */
import type { Box } from '../model/viewport';

export const TILE_PX = 256;
export const TILE_STEP = Math.SQRT2;
/** Tiles kept (a quarter of a megabyte each), the least recently used dropped first. */
const TILES_MAX = 256;
/** An idle slice draws tiles for at most this long (a frame is 16.7 ms; its own work comes first). */
const SLICE_MS = 8;
/** A tile's cost before any was measured. */
const FIRST_GUESS_MS = 4;
/** An idle period this long means no frame is waiting (the browser's longest is 50 ms). */
const LONG_IDLE_MS = 40;
/**
 * A tile of the view waiting this long is drawn in the next idle time even if it is longer than the
 * slice (a slow machine, or a page that animates without pause, would otherwise never get one).
 */
const OVERDUE_MS = 150;

export type TileImage = ImageBitmap | HTMLCanvasElement;
/** Draws the graph's edges and boxes for the tile whose top-left corner is (gx, gy) in graph units, at `scale`. */
export type PaintTile = (scale: number, gx: number, gy: number) => TileImage;
/** The picture of the whole graph standing in for what no tile covers yet. */
export interface Backdrop { image: TileImage; scale: number; box: Box }

interface Want { level: number; tx: number; ty: number; visible: boolean }

const requestIdle: (cb: (d: { timeRemaining(): number }) => void) => number =
  typeof requestIdleCallback === 'function' ? (cb) => requestIdleCallback(cb) : (cb) => window.setTimeout(() => cb({ timeRemaining: () => SLICE_MS }), 0);
const cancelIdle: (h: number) => void = typeof cancelIdleCallback === 'function' ? (h) => cancelIdleCallback(h) : (h) => clearTimeout(h);

export class Tiles {
  private readonly tiles = new Map<string, TileImage>();
  /** Tiles to draw, the view's first, then the ring ahead of the motion: replaced by every frame. */
  private queue: Want[] = [];
  private idle: number | undefined;
  /** Running mean of a tile's drawing time (ms). */
  private tileMs = FIRST_GUESS_MS;
  private disposed = false;
  /** Since when the view's tiles have waited (the last tile drawn, or when they went missing). */
  private waiting = 0;
  /** Tiles drawn so far, and the view's tiles still missing after the last frame or slice (for the checks). */
  drawn = 0;
  pending = 0;

  /**
   * `landed`: a tile of the view was drawn (the view asks for a frame). `framePending`: a frame is
   * waiting, so the slices go back to the frames' idle time.
   */
  constructor(private readonly backdrop: Backdrop, private readonly paint: PaintTile, private readonly landed: () => void, private readonly framePending: () => boolean) {}

  /** The tile level for a frame at canvas scale `scale` (canvas px per graph unit): the next at or above it. */
  level(scale: number): number {
    // A little slack: the levels themselves are rounded.
    return Math.max(1, Math.ceil(Math.log(scale / this.backdrop.scale) / Math.log(TILE_STEP) - 1e-6));
  }

  private scaleOf(level: number): number {
    return this.backdrop.scale * TILE_STEP ** level;
  }

  /** Tile columns and rows of `level` overlapping the graph box `vb`, clipped to the graph. */
  private range(level: number, vb: Box): [number, number, number, number] {
    const o = this.backdrop.box, span = TILE_PX / this.scaleOf(level);
    return [
      Math.max(0, Math.floor((vb.x - o.x) / span)), Math.min(Math.ceil(o.w / span) - 1, Math.floor((vb.x + vb.w - o.x) / span)),
      Math.max(0, Math.floor((vb.y - o.y) / span)), Math.min(Math.ceil(o.h / span) - 1, Math.floor((vb.y + vb.h - o.y) / span)),
    ];
  }

  /**
   * Composes the view box `vb` (graph units; `ctx` maps graph units to the canvas) at `level` from what
   * exists, and asks idle time for what is missing. `motion`: the view's last move (graph units), so the
   * ring ahead of it is drawn first. Draws nothing new itself.
   */
  compose(ctx: CanvasRenderingContext2D, level: number, vb: Box, motion: { x: number; y: number }): void {
    const o = this.backdrop.box;
    const span = TILE_PX / this.scaleOf(level);
    const [tx0, tx1, ty0, ty1] = this.range(level, vb);
    const ready: [TileImage, number, number][] = [];
    const missing: Want[] = [];
    for (let ty = ty0; ty <= ty1; ty++) {
      for (let tx = tx0; tx <= tx1; tx++) {
        const key = `${level} ${tx} ${ty}`;
        const tile = this.tiles.get(key);
        if (!tile) {
          missing.push({ level, tx, ty, visible: true });
          continue;
        }
        this.tiles.delete(key); // put back last: the most recently used
        this.tiles.set(key, tile);
        ready.push([tile, o.x + tx * span, o.y + ty * span]);
      }
    }
    // Copies of a tile shrunk by less than √2: the plain filter suffices (and costs least).
    ctx.imageSmoothingQuality = 'low';
    if (missing.length) this.standIn(ctx, level, vb, missing);
    for (const [tile, gx, gy] of ready) this.put(ctx, tile, gx, gy, span);
    if (missing.length && !this.pending) this.waiting = performance.now();
    this.pending = missing.length;
    document.body.dataset.graphTilesPending = String(this.pending);
    this.queue = missing.concat(this.ring(level, [tx0, tx1, ty0, ty1], motion));
    if (this.queue.length) this.schedule();
  }

  /**
   * What stands in for each missing tile: the tiles of one neighbouring level that cover it (the next
   * finer, then the next two coarser), else the overview picture; each copied only where the missing
   * tile is, so a frame copies about the view's area whatever is missing.
   */
  private standIn(ctx: CanvasRenderingContext2D, level: number, vb: Box, missing: Want[]): void {
    const b = this.backdrop, o = b.box;
    const span = TILE_PX / this.scaleOf(level);
    for (const m of missing) {
      // The missing tile's part of the view, in graph units.
      const x0 = Math.max(vb.x, o.x + m.tx * span), y0 = Math.max(vb.y, o.y + m.ty * span);
      const r = { x: x0, y: y0, w: Math.min(vb.x + vb.w, o.x + (m.tx + 1) * span) - x0, h: Math.min(vb.y + vb.h, o.y + (m.ty + 1) * span) - y0 };
      if (r.w <= 0 || r.h <= 0) continue;
      if (!this.cover(ctx, level + 1, r) && !this.cover(ctx, level - 1, r) && !this.cover(ctx, level - 2, r)) {
        ctx.drawImage(b.image, (r.x - o.x) * b.scale, (r.y - o.y) * b.scale, r.w * b.scale, r.h * b.scale, r.x, r.y, r.w, r.h);
      }
    }
  }

  /** Copies the part of `level`'s tiles inside `r` (graph units) when they all exist; false (nothing copied) otherwise. */
  private cover(ctx: CanvasRenderingContext2D, level: number, r: Box): boolean {
    if (level < 1) return false;
    const o = this.backdrop.box, s = this.scaleOf(level), span = TILE_PX / s;
    const [tx0, tx1, ty0, ty1] = this.range(level, r);
    const found: [TileImage, number, number][] = [];
    for (let ty = ty0; ty <= ty1; ty++) {
      for (let tx = tx0; tx <= tx1; tx++) {
        const tile = this.tiles.get(`${level} ${tx} ${ty}`);
        if (!tile) return false;
        found.push([tile, tx, ty]);
      }
    }
    for (const [tile, tx, ty] of found) {
      const gx = o.x + tx * span, gy = o.y + ty * span;
      const x0 = Math.max(r.x, gx), y0 = Math.max(r.y, gy), x1 = Math.min(r.x + r.w, gx + span), y1 = Math.min(r.y + r.h, gy + span);
      // The tile's own pixels start one in (its margin).
      if (x1 > x0 && y1 > y0) ctx.drawImage(tile, 1 + (x0 - gx) * s, 1 + (y0 - gy) * s, (x1 - x0) * s, (y1 - y0) * s, x0, y0, x1 - x0, y1 - y0);
    }
    return true;
  }

  private put(ctx: CanvasRenderingContext2D, tile: TileImage, gx: number, gy: number, span: number): void {
    const pad = span / TILE_PX;
    ctx.drawImage(tile, gx - pad, gy - pad, span + 2 * pad, span + 2 * pad);
  }

  /** The missing tiles one tile around the view, those ahead of the motion first (those behind it not at all). */
  private ring(level: number, [tx0, tx1, ty0, ty1]: [number, number, number, number], motion: { x: number; y: number }): Want[] {
    const o = this.backdrop.box, span = TILE_PX / this.scaleOf(level);
    const nx = Math.ceil(o.w / span), ny = Math.ceil(o.h / span);
    const cx = (tx0 + tx1) / 2, cy = (ty0 + ty1) / 2;
    const out: [number, Want][] = [];
    for (let ty = ty0 - 1; ty <= ty1 + 1; ty++) {
      for (let tx = tx0 - 1; tx <= tx1 + 1; tx++) {
        if (tx >= tx0 && tx <= tx1 && ty >= ty0 && ty <= ty1) continue;
        if (tx < 0 || ty < 0 || tx >= nx || ty >= ny || this.tiles.has(`${level} ${tx} ${ty}`)) continue;
        const ahead = (tx - cx) * motion.x + (ty - cy) * motion.y;
        if (ahead < 0) continue;
        out.push([ahead, { level, tx, ty, visible: false }]);
      }
    }
    return out.sort((a, b) => b[0] - a[0]).map((w) => w[1]);
  }

  private schedule(): void {
    if (this.idle === undefined && this.next === undefined && !this.disposed) this.idle = requestIdle((d) => this.work(d.timeRemaining()));
  }

  /**
   * A slice again right after this one, in a task of its own: the page is idle (no frame waiting), and
   * the browser grants one idle callback per idle period (up to 50 ms) — a slice each would draw slowly.
   * Input and frames still come between slices.
   */
  private continueSoon(): void {
    if (this.next) return;
    this.next = new MessageChannel();
    this.next.port1.onmessage = () => {
      this.next = undefined;
      if (!this.disposed) this.work(LONG_IDLE_MS);
    };
    this.next.port2.postMessage(0);
  }
  private next: MessageChannel | undefined;

  /** One slice: tiles while it lasts (a tile is started only when it should fit), `room` ms at most. */
  private work(room: number): void {
    this.idle = undefined;
    if (this.disposed) return;
    const start = performance.now();
    const end = start + Math.min(room, SLICE_MS);
    let landedInView = false, n = 0;
    // A tile longer than a slice is still drawn when the page is otherwise idle, or the view's have waited long.
    const anyway = room >= LONG_IDLE_MS || (this.pending > 0 && start - this.waiting > OVERDUE_MS);
    while (this.queue.length) {
      if (performance.now() + this.tileMs > end && !(n === 0 && anyway)) break;
      const w = this.queue.shift()!;
      const key = `${w.level} ${w.tx} ${w.ty}`;
      if (this.tiles.has(key)) continue;
      const o = this.backdrop.box, span = TILE_PX / this.scaleOf(w.level);
      const t0 = performance.now();
      this.tiles.set(key, this.paint(this.scaleOf(w.level), o.x + w.tx * span, o.y + w.ty * span));
      this.tileMs = 0.7 * this.tileMs + 0.3 * (performance.now() - t0);
      this.drawn++;
      n++;
      this.waiting = performance.now();
      if (w.visible) {
        landedInView = true;
        this.pending--;
      }
    }
    while (this.tiles.size > TILES_MAX) {
      const [key, tile] = this.tiles.entries().next().value!;
      this.tiles.delete(key);
      if ('close' in tile) tile.close();
    }
    if (n) document.body.dataset.graphTiles = String(Number(document.body.dataset.graphTiles ?? 0) + n);
    document.body.dataset.graphTilesPending = String(this.pending);
    document.body.dataset.graphTileMs = this.tileMs.toFixed(1);
    // Decided before asking for the frame that shows the new tiles: that frame is quick, not a drag's.
    if (this.queue.length) {
      if (room >= LONG_IDLE_MS && !this.framePending()) this.continueSoon();
      else this.schedule();
    }
    if (landedInView) this.landed();
  }

  /** A frame drawn without tiles (zoomed out to the overview, or in to text): nothing more to draw for now. */
  stop(): void {
    this.queue = [];
    this.pending = 0;
    document.body.dataset.graphTilesPending = '0';
  }

  /** The graph moved or the theme changed: nothing here is drawn any more. */
  dispose(): void {
    this.disposed = true;
    if (this.idle !== undefined) cancelIdle(this.idle);
    this.idle = undefined;
    for (const t of this.tiles.values()) if ('close' in t) t.close();
    this.tiles.clear();
    this.queue = [];
  }
}
