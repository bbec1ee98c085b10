/**
 * How a rank-3 or rank-4 tensor reads as images (issue "TensorFlow's whole autodiff surface": a conv
 * node's kernel and its gradient as a grid of small heatmaps, feature maps per channel). Pure: the
 * view (views/tensorTable.ts) draws the tiles this returns.
 *
 * - `maps`, TF's NHWC activations: [N, H, W, C] gives one H×W image per example and channel (examples
 *   as rows, channels as columns); [H, W, C] one per channel.
 * - `filters`, TF's HWIO conv kernels: [KH, KW, I, O] gives one KH×KW image per input and output
 *   channel (inputs as rows, outputs as columns); conv1d's [K, I, O] one 1×K strip each.
 */
export type ImageLayout = 'maps' | 'filters';

export interface ImageTile {
  /** Row and column of the tile in the grid. */
  row: number;
  col: number;
  /** `example 0, channel 3` or `in 0 → out 3`. */
  label: string;
  /** Pixel rows and columns. */
  height: number;
  width: number;
  /** Flat (row-major) index into the tensor's values of pixel (y, x). */
  index(y: number, x: number): number;
  /** The tensor's index of pixel (y, x), for the hover: `[0, 2, 5, 3]`. */
  coords(y: number, x: number): number[];
}

export interface ImageGrid {
  tiles: ImageTile[];
  rows: number;
  cols: number;
  /** Tiles not shown (beyond `maxTiles`). */
  hidden: number;
  /** What the grid shows, in words: `4 examples × 8 channels, 8 × 8 each`. */
  caption: string;
}

/** The grid for `shape`, or undefined when the tensor does not read as images (rank < 3, or tiny images). */
export function imageGrid(shape: readonly number[], layout: ImageLayout, maxTiles = 64): ImageGrid | undefined {
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const flat = (c: number[]): number => c.reduce((s, x, i) => s + x * strides[i], 0);
  let grid: { rows: number; cols: number; height: number; width: number; label(r: number, c: number): string; coords(r: number, c: number, y: number, x: number): number[]; rowWord: string; colWord: string };
  if (layout === 'maps' && shape.length === 4) {
    const [n, hh, ww, ch] = shape;
    grid = { rows: n, cols: ch, height: hh, width: ww, label: (r, c) => `example ${r}, channel ${c}`, coords: (r, c, y, x) => [r, y, x, c], rowWord: 'example', colWord: 'channel' };
  } else if (layout === 'maps' && shape.length === 3) {
    const [hh, ww, ch] = shape;
    grid = { rows: 1, cols: ch, height: hh, width: ww, label: (_r, c) => `channel ${c}`, coords: (_r, c, y, x) => [y, x, c], rowWord: '', colWord: 'channel' };
  } else if (layout === 'filters' && shape.length === 4) {
    const [kh, kw, ci, co] = shape;
    grid = { rows: ci, cols: co, height: kh, width: kw, label: (r, c) => `in ${r} → out ${c}`, coords: (r, c, y, x) => [y, x, r, c], rowWord: 'input channel', colWord: 'output channel' };
  } else if (layout === 'filters' && shape.length === 3) {
    const [k, ci, co] = shape;
    grid = { rows: ci, cols: co, height: 1, width: k, label: (r, c) => `in ${r} → out ${c}`, coords: (r, c, _y, x) => [x, r, c], rowWord: 'input channel', colWord: 'output channel' };
  } else return undefined;
  // An image of one pixel, or a single tile of a long strip, reads better as numbers.
  if (grid.height * grid.width < 4 || grid.rows * grid.cols === 0) return undefined;
  const cols = Math.min(grid.cols, maxTiles);
  const rows = Math.min(grid.rows, Math.max(1, Math.floor(maxTiles / cols)));
  const tiles: ImageTile[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const g = grid;
      tiles.push({ row: r, col: c, label: g.label(r, c), height: g.height, width: g.width, coords: (y, x) => g.coords(r, c, y, x), index: (y, x) => flat(g.coords(r, c, y, x)) });
    }
  }
  const plural = (k: number, w: string): string => `${k} ${w}${k === 1 ? '' : 's'}`;
  const what = grid.rowWord ? `${plural(grid.rows, grid.rowWord)} × ${plural(grid.cols, grid.colWord)}` : plural(grid.cols, grid.colWord);
  const hidden = grid.rows * grid.cols - tiles.length;
  return { tiles, rows, cols, hidden, caption: `${what}, ${grid.height} × ${grid.width} each${hidden ? ` (first ${tiles.length} shown)` : ''}` };
}

/**
 * Which layout suits a node: `filters` when it is fed to an op input named `filter` (the conv ops'
 * HWIO filter, by the names the engine's op definitions give their inputs) or is itself a filter's
 * gradient (a backprop op whose attributes give `filterSizes`), else `maps`. No table of ops: a new
 * conv op that names its input `filter` reads right as it is.
 */
export function layoutFor(attrs: Readonly<Record<string, unknown>> | undefined, consumerInputNames: readonly string[]): ImageLayout {
  if (attrs !== undefined && 'filterSizes' in attrs) return 'filters';
  return consumerInputNames.includes('filter') ? 'filters' : 'maps';
}
