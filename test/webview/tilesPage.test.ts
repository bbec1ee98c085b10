// Middle zoom on a graph above 20,000 nodes, in the built panel (dist/webview.js) in Chromium: between
// the overview picture's resolution and legible text, frames copy tiles of finer pictures. Checks that
// tiles are drawn, kept (panning back draws none), and that the picture matches drawing node by node.
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
const frames = (page: Page) => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));

/** The graph canvas's pixels (RGBA) under view v, with tiles or node by node. */
async function pixels(page: Page, v: V, tiling: boolean): Promise<number[]> {
  await page.evaluate(({ v, tiling }) => {
    const g = (globalThis as unknown as { gradtapeGraph: G }).gradtapeGraph;
    g.tiling = tiling;
    g.setView(v);
  }, { v, tiling });
  // Until no tile is still to come: two frames in a row draw none.
  let last = -1;
  for (let i = 0; i < 200; i++) {
    await frames(page);
    const n = await tiles(page);
    if (n === last) break;
    last = n;
  }
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

  for (const theme of ['dark', 'light'] as const) {
    it(`draws tiles once, keeps them, and they read as the nodes drawn one by one (${theme})`, async () => {
      const page = await openPanel(browser, theme, { width: 1280, height: 800 });
      await page.evaluate(async (url) => {
        const x = new XMLHttpRequest();
        x.open('GET', url);
        await new Promise((r) => { x.onload = r; x.send(); });
        window.postMessage(JSON.parse(x.responseText), '*');
      }, `file://${file}`);
      await page.waitForFunction(() => document.body.dataset.graphOverview, undefined, { timeout: 240_000 });
      const start = await page.evaluate(() => {
        const g = (globalThis as unknown as { gradtapeGraph: G }).gradtapeGraph;
        const b = g.drawnBounds(), p = g.paneSize, k = g.overview!.scale * 2.5;
        return { k, x: p.width / 2 - (b.x + b.w / 2) * k, y: p.height / 2 - (b.y + b.h / 2) * k };
      });
      assert.equal(await tiles(page), 0, 'no tile before a frame at middle zoom');
      const tiled = await pixels(page, start, true);
      const drawn = await tiles(page);
      assert.ok(drawn > 0, 'the frame at middle zoom drew tiles');
      await page.screenshot({ path: path.join(artifacts, `tiles-${theme}.png`) });
      // Pan away and back: the tiles of the first view are kept, none drawn again.
      await pixels(page, { ...start, x: start.x - 400 }, true);
      const afterPan = await tiles(page);
      await pixels(page, start, true);
      assert.equal(await tiles(page), afterPan, 'panning back draws no tile again');
      // The same view drawn node by node: the pictures differ only by resampling (tiles are drawn at up to √2× the frame's scale).
      const plain = await pixels(page, start, false);
      await page.screenshot({ path: path.join(artifacts, `tiles-${theme}-node-by-node.png`) });
      assert.equal(plain.length, tiled.length);
      let diff = 0, lit = 0;
      const bg = plain.slice(0, 3);
      for (let i = 0; i < plain.length; i += 4) {
        diff += Math.abs(plain[i] - tiled[i]) + Math.abs(plain[i + 1] - tiled[i + 1]) + Math.abs(plain[i + 2] - tiled[i + 2]);
        if (Math.abs(plain[i] - bg[0]) + Math.abs(plain[i + 1] - bg[1]) + Math.abs(plain[i + 2] - bg[2]) > 30) lit++;
      }
      const pixelsN = plain.length / 4;
      assert.ok(lit > pixelsN * 0.05, `the view shows the graph (${lit} of ${pixelsN} pixels differ from the background)`);
      const mean = diff / pixelsN / 3;
      assert.ok(mean < 20, `tiles and node-by-node drawing agree: mean difference ${mean.toFixed(1)} of 255`);
      await page.close();
    });
  }
});
