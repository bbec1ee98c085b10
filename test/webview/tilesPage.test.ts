// Middle zoom on a graph above 20,000 nodes, in the built panel (dist/webview.js) in Chromium: between
// the overview picture's resolution and legible text, frames copy tiles of finer pictures. Checks that
// tiles are drawn, kept (panning back finds them all), and that the picture matches drawing node by node;
// and that a frame never draws a tile itself: missing ones come in idle time, the picture converging.
// Screenshots go to test-artifacts/ (dark and light). Needs a build first (node scripts/build.mjs).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launch, openPanel } from './browserPage';
import { largeTrace } from './fixtures/traceBuilder';

const artifacts = path.resolve(__dirname, '../../test-artifacts');
type V = { x: number; y: number; k: number };
interface G { overview?: { scale: number }; tiling: boolean; drawnBounds(): { x: number; y: number; w: number; h: number }; paneSize: { width: number; height: number }; setView(v: V): void; canvas: HTMLCanvasElement }

const tiles = (page: Page) => page.evaluate(() => Number(document.body.dataset.graphTiles ?? 0));
/** The view's tiles still missing after the last frame (or idle slice). */
const pending = (page: Page) => page.evaluate(() => Number(document.body.dataset.graphTilesPending ?? 0));
const frames = (page: Page) => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));

/** The graph canvas's pixels (RGBA) under view v, with tiles or node by node. */
async function pixels(page: Page, v: V, tiling: boolean): Promise<number[]> {
  await page.evaluate(({ v, tiling }) => {
    const g = (globalThis as unknown as { gradtapeGraph: G }).gradtapeGraph;
    g.tiling = tiling;
    g.setView(v);
  }, { v, tiling });
  // Until no tile of the view is still to come (they are drawn in idle time), then one more frame.
  await frames(page);
  await page.waitForFunction(() => document.body.dataset.graphTilesPending === '0', undefined, { timeout: 120_000 });
  await frames(page);
  return canvasPixels(page);
}

function canvasPixels(page: Page): Promise<number[]> {
  return page.evaluate(() => {
    const c = (globalThis as unknown as { gradtapeGraph: G }).gradtapeGraph.canvas;
    return Array.from(c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data);
  });
}

describe('panel: middle zoom of a huge graph, from tiles', function () {
  this.timeout(300_000);
  let browser: Browser;
  let file: string;
  before(async () => {
    browser = await launch();
    fs.mkdirSync(artifacts, { recursive: true });
    // 25,000 nodes: above the overview picture's 20,000; too large a message for page.evaluate, so read from a file.
    file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'gradtape-tiles-')), 'run.json');
    fs.writeFileSync(file, JSON.stringify({ type: 'didLoadRun', uri: 'file:///ws/example.grad.ts', fileName: 'example.grad.ts', run: { uri: 'file:///ws/example.grad.ts', version: 1, trace: largeTrace(25_000) }, sentAt: Date.now() }));
  });
  after(async () => {
    await browser?.close();
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  });

  /** The panel with the 25,000-node graph, once its overview picture is drawn. */
  async function opened(theme: 'dark' | 'light'): Promise<Page> {
    const page = await openPanel(browser, theme, { width: 1280, height: 800 });
    await page.evaluate(async (url) => {
      const x = new XMLHttpRequest();
      x.open('GET', url);
      await new Promise((r) => { x.onload = r; x.send(); });
      window.postMessage(JSON.parse(x.responseText), '*');
    }, `file://${file}`);
    await page.waitForFunction(() => document.body.dataset.graphOverview, undefined, { timeout: 240_000 });
    return page;
  }

  /** A view at `f` × the overview picture's scale, centred at the fraction (fx, fy) of the graph's bounds. */
  const middleView = (page: Page, f: number, fx = 0.5, fy = 0.5): Promise<V> => page.evaluate(({ f, fx, fy }) => {
    const g = (globalThis as unknown as { gradtapeGraph: G }).gradtapeGraph;
    const b = g.drawnBounds(), p = g.paneSize, k = g.overview!.scale * f;
    return { k, x: p.width / 2 - (b.x + b.w * fx) * k, y: p.height / 2 - (b.y + b.h * fy) * k };
  }, { f, fx, fy });

  /** Asserts that a picture shows the graph: more than 5 % of its pixels differ from the background (its first pixel's colour). */
  function showsGraph(image: number[], what: string): void {
    let lit = 0;
    for (let i = 0; i < image.length; i += 4) if (Math.abs(image[i] - image[0]) + Math.abs(image[i + 1] - image[1]) + Math.abs(image[i + 2] - image[2]) > 30) lit++;
    assert.ok(lit > image.length / 4 * 0.05, `${what} shows the graph (${lit} of ${image.length / 4} pixels differ from the background)`);
  }

  /** Asserts that two pictures of the same view differ only by resampling, and that they show the graph. */
  function agree(plain: number[], tiled: number[], what: string): void {
    assert.equal(plain.length, tiled.length);
    showsGraph(plain, 'the view drawn node by node');
    let diff = 0;
    for (let i = 0; i < plain.length; i += 4) diff += Math.abs(plain[i] - tiled[i]) + Math.abs(plain[i + 1] - tiled[i + 1]) + Math.abs(plain[i + 2] - tiled[i + 2]);
    const pixelsN = plain.length / 4;
    const mean = diff / pixelsN / 3;
    assert.ok(mean < 20, `${what} and node-by-node drawing agree: mean difference ${mean.toFixed(1)} of 255`);
  }

  for (const theme of ['dark', 'light'] as const) {
    it(`draws tiles once, keeps them, and they read as the nodes drawn one by one (${theme})`, async () => {
      const page = await opened(theme);
      const start = await middleView(page, 2.5);
      assert.equal(await tiles(page), 0, 'no tile before a frame at middle zoom');
      const tiled = await pixels(page, start, true);
      const drawn = await tiles(page);
      assert.ok(drawn > 0, 'the frame at middle zoom drew tiles');
      await page.screenshot({ path: path.join(artifacts, `tiles-${theme}.png`) });
      // Pan away and back: the tiles of the first view are kept, the first frame back finds them all.
      await pixels(page, { ...start, x: start.x - 400 }, true);
      await page.evaluate((v) => (globalThis as unknown as { gradtapeGraph: G }).gradtapeGraph.setView(v), start);
      await frames(page);
      assert.equal(await pending(page), 0, 'panning back finds every tile of the view');
      // The same view drawn node by node: the pictures differ only by resampling (tiles are drawn at up to √2× the frame's scale).
      const plain = await pixels(page, start, false);
      await page.screenshot({ path: path.join(artifacts, `tiles-${theme}-node-by-node.png`) });
      agree(plain, tiled, 'tiles');
      await page.close();
    });
  }

  it('a frame with missing tiles draws none itself: the overview stands in, and the picture converges once idle', async () => {
    const page = await opened('dark');
    // Somewhere no frame has been: every tile of the view is missing.
    const v = await middleView(page, 3, 0.5, 0.3);
    const first = await page.evaluate((v) => new Promise<{ before: number; after: number; pending: number; image: number[] }>((resolve) => {
      const g = (globalThis as unknown as { gradtapeGraph: G }).gradtapeGraph;
      const before = Number(document.body.dataset.graphTiles ?? 0);
      g.setView(v);
      // Registered after the view's frame: runs in the same frame, right after its drawing, before any idle time.
      requestAnimationFrame(() => {
        const c = g.canvas;
        resolve({ before, after: Number(document.body.dataset.graphTiles ?? 0), pending: Number(document.body.dataset.graphTilesPending), image: Array.from(c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data) });
      });
    }), v);
    assert.ok(first.pending > 0, `the frame found tiles missing (${first.pending})`);
    assert.equal(first.after, first.before, 'the frame drew no tile itself');
    await page.screenshot({ path: path.join(artifacts, 'tiles-missing-first-frame.png') });
    // Once idle time has drawn them: tiles, and the same picture as node by node.
    const tiled = await pixels(page, v, true);
    assert.ok(await tiles(page) >= first.before + first.pending, 'the missing tiles were drawn in idle time');
    const plain = await pixels(page, v, false);
    agree(plain, tiled, 'tiles drawn in idle time');
    // The frame before them already showed the graph there (the overview standing in, blurred).
    showsGraph(first.image, 'the frame with missing tiles');
    await page.close();
  });
});
