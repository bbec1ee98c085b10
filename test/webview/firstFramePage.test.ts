// A new run's first frame, in the built panel (dist/webview.js) in Chromium (browserPage.ts): the graph
// pane is measured once, after the tape bar above it is filled in, so the first frame is laid out and
// fitted for the pane as it ends up, and no resize report draws it again. Needs a build first.
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import type { HostToPanel } from '../../src/protocol/panel';
import { launch, openPanel } from './browserPage';
import type { Box } from '../../webview/model/viewport';
import { largeTrace } from './fixtures/traceBuilder';

type V = { x: number; y: number; k: number };
interface Shown { frames: number; pane: { width: number; height: number }; rect: { width: number; height: number }; view: V; drawn: Box }

/** Posts a run and waits for its first screen and two more frames (a resize report would have drawn by then). */
async function show(page: Page, n: number, uri: string): Promise<Shown> {
  const sentAt = Date.now() + n;
  const m: HostToPanel = { type: 'didLoadRun', uri, fileName: 'example.grad.ts', run: { uri, version: 1, trace: largeTrace(n, uri.slice('file://'.length)) }, sentAt };
  const framesBefore = await page.evaluate(() => Number(document.body.dataset.graphFrames ?? 0));
  await page.evaluate((json) => window.postMessage(JSON.parse(json), '*'), JSON.stringify(m));
  // A run of another file starts the page's count of first screens again: its stamp tells this run's.
  await page.waitForFunction((t) => document.body.dataset.sentAt === String(t) && document.body.dataset.rendered === '1', sentAt);
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const shown = await page.evaluate(() => {
    const g = (globalThis as unknown as { gradtapeGraph: { paneSize: { width: number; height: number }; currentView: V; drawnBounds(): Box } }).gradtapeGraph;
    const r = document.querySelector('.graph')!.getBoundingClientRect();
    return { frames: Number(document.body.dataset.graphFrames ?? 0), pane: g.paneSize, rect: { width: r.width, height: r.height }, view: g.currentView, drawn: g.drawnBounds() };
  });
  return { ...shown, frames: shown.frames - framesBefore };
}

describe('panel: a new run’s first frame, in the browser', function () {
  this.timeout(120_000);
  let browser: Browser;
  before(async () => (browser = await launch()));
  after(async () => browser?.close());

  // The editor panel, and the side bar (narrow: the tape bar's chip wraps, the pane stacks above the inspector).
  for (const size of [{ width: 1280, height: 800 }, { width: 300, height: 820 }]) {
    it(`is drawn once, fitted to the pane below the filled tape bar (${size.width}×${size.height}), for a first and a next run`, async () => {
      const page = await openPanel(browser, 'dark', size);
      // 1,000 and 3,000 ops: above the size dagre lays out after the first frame (which would draw again).
      for (const [i, n] of [1000, 3000].entries()) {
        const s = await show(page, n, `file:///ws/run${i}.grad.ts`);
        assert.equal(s.frames, 1, `run ${i}: frames drawn`);
        assert.deepEqual(s.pane, s.rect, `run ${i}: the size the graph was laid out for is the pane's`);
        // Fitted: the drawing lies inside the pane and fills it along one side.
        const x0 = s.drawn.x * s.view.k + s.view.x, y0 = s.drawn.y * s.view.k + s.view.y;
        const x1 = x0 + s.drawn.w * s.view.k, y1 = y0 + s.drawn.h * s.view.k;
        assert.ok(x0 >= -0.5 && y0 >= -0.5 && x1 <= s.rect.width + 0.5 && y1 <= s.rect.height + 0.5, `run ${i}: [${x0}, ${y0}, ${x1}, ${y1}] inside ${JSON.stringify(s.rect)}`);
        assert.ok(x1 - x0 >= s.rect.width * 0.8 || y1 - y0 >= s.rect.height * 0.8, `run ${i}: fills the pane along one side`);
      }
      await page.close();
    });
  }
});
