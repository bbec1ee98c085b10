// The minimap in the built panel (dist/webview.js) in Chromium, outside VS Code (browserPage.ts):
// hidden while the graph fits, shown when zoomed in; dragging it, clicking it and its arrow keys move
// the view; panning redraws only the rectangle; the toggle turns it off, also while it is hidden
// because the graph fits, and says why it is hidden. Screenshots go to
// test-artifacts/ (dark, light and dark high-contrast themes). Needs a build first (node scripts/build.mjs).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launch, loadRun, openPanel } from './browserPage';
import { largeTrace } from './fixtures/traceBuilder';

const artifacts = path.resolve(__dirname, '../../test-artifacts');
type V = { x: number; y: number; k: number };

const view = (page: Page): Promise<V> => page.evaluate(() => (globalThis as unknown as { gradtapeGraph: { currentView: V } }).gradtapeGraph.currentView);
const overviews = (page: Page): Promise<number> => page.evaluate(() => (globalThis as unknown as { gradtapeMinimap: { overviews: number } }).gradtapeMinimap.overviews);
const frames = (page: Page) => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
/** The viewport rectangle's centre on the page. */
async function rectCentre(page: Page): Promise<{ x: number; y: number }> {
  const box = (await page.locator('canvas.minimap').boundingBox())!;
  const [x, y, w, h] = (await page.locator('canvas.minimap').getAttribute('data-rect'))!.split(' ').map(Number);
  return { x: box.x + x + w / 2, y: box.y + y + h / 2 };
}

describe('panel: minimap in the browser', function () {
  this.timeout(180_000);
  let browser: Browser;
  before(async () => {
    browser = await launch();
    fs.mkdirSync(artifacts, { recursive: true });
  });
  after(async () => browser?.close());

  for (const theme of ['dark', 'light', 'hcDark'] as const) {
    it(`moves the view when dragged, clicked or arrow-keyed (${theme})`, async () => {
      const page = await openPanel(browser, theme, { width: 1280, height: 800 });
      await loadRun(page, largeTrace(2000));
      await frames(page);
      assert.equal(await page.evaluate(() => document.body.dataset.minimap), 'hidden', 'the fitted graph needs no minimap');
      assert.equal(await page.locator('canvas.minimap').isVisible(), false);
      assert.equal(await overviews(page), 0, 'no overview is drawn for a minimap that is not shown');
      for (let i = 0; i < 6; i++) await page.getByRole('button', { name: 'zoom in' }).click();
      await page.waitForFunction(() => document.body.dataset.minimap === 'shown');
      const map = page.locator('canvas.minimap');
      assert.equal(await map.getAttribute('aria-roledescription'), 'minimap');
      assert.match((await map.getAttribute('aria-label'))!, /Minimap of the whole graph/);
      const drawn = await overviews(page);

      // Drag the rectangle 8 px right and 30 px up: the view follows by the same amount on the map.
      const before = await view(page);
      const c0 = await rectCentre(page);
      await page.mouse.move(c0.x, c0.y);
      await page.mouse.down();
      for (let i = 1; i <= 10; i++) await page.mouse.move(c0.x + 0.8 * i, c0.y - 3 * i);
      await page.mouse.up();
      await frames(page);
      const after = await view(page);
      assert.equal(after.k, before.k, 'a drag keeps the zoom');
      assert.ok(after.y > before.y + 100 && after.x < before.x, `the view moved up and right along the graph (${JSON.stringify(before)} → ${JSON.stringify(after)})`);
      const c1 = await rectCentre(page);
      assert.ok(Math.abs(c1.x - c0.x - 8) < 1.5 && Math.abs(c1.y - c0.y + 30) < 1.5, `the rectangle followed the pointer: ${c0.x},${c0.y} → ${c1.x},${c1.y}`);
      assert.equal(await overviews(page), drawn, 'moving the view redraws only the rectangle, not the overview');
      await page.screenshot({ path: path.join(artifacts, `minimap-${theme}.png`) });

      // A click elsewhere centres the view there.
      const box = (await map.boundingBox())!;
      await page.mouse.click(box.x + box.width * 0.15, box.y + box.height * 0.5);
      await frames(page);
      const c2 = await rectCentre(page);
      assert.ok(Math.abs(c2.x - (box.x + box.width * 0.15)) < 1.5, `centred on the click: ${c2.x} vs ${box.x + box.width * 0.15}`);

      // Keyboard: the minimap is focusable; → moves the view a quarter pane to the right.
      await map.focus();
      const k0 = await view(page);
      await page.keyboard.press('ArrowRight');
      await frames(page);
      const k1 = await view(page);
      const width = await page.evaluate(() => (globalThis as unknown as { gradtapeGraph: { paneSize: { width: number } } }).gradtapeGraph.paneSize.width);
      assert.ok(Math.abs(k0.x - k1.x - width / 4) < 0.5, `${k0.x} → ${k1.x}`);

      // The toggle turns it off (and says so), and on again.
      const toggle = page.getByRole('button', { name: 'minimap' });
      assert.equal(await toggle.getAttribute('aria-pressed'), 'true');
      await toggle.click();
      await frames(page);
      assert.equal(await toggle.getAttribute('aria-pressed'), 'false');
      assert.equal(await page.evaluate(() => document.body.dataset.minimap), 'off');
      assert.equal(await map.isVisible(), false);
      await toggle.click();
      await page.waitForFunction(() => document.body.dataset.minimap === 'shown');
      // Fit: everything in view again, and the minimap steps aside.
      await page.getByRole('button', { name: 'fit' }).click();
      await page.waitForFunction(() => document.body.dataset.minimap === 'hidden');
      await page.close();
    });
  }

  for (const theme of ['dark', 'light'] as const) {
    it(`its Map button stays usable when the minimap is hidden because the whole graph is in view (${theme})`, async () => {
      const page = await openPanel(browser, theme, { width: 1280, height: 800 });
      await loadRun(page, largeTrace(2000));
      await frames(page);
      const toggle = page.getByRole('button', { name: 'minimap' });
      const on = () => page.evaluate(() => (globalThis as unknown as { gradtapeMinimap: { on: boolean } }).gradtapeMinimap.on);
      // On, but the fitted graph needs no map: pressed (the setting is on), available, the tooltip says why it is not shown.
      assert.equal(await page.evaluate(() => document.body.dataset.minimap), 'hidden');
      assert.equal(await toggle.getAttribute('aria-pressed'), 'true', 'the setting is on');
      assert.equal(await toggle.getAttribute('aria-disabled'), null, 'the button is available');
      assert.match((await toggle.getAttribute('title'))!, /whole graph is in view/);
      assert.equal(await toggle.evaluate((b) => Number(getComputedStyle(b).opacity)), 1, 'not drawn dimmed');
      await page.locator('.graph-tools').screenshot({ path: path.join(artifacts, `minimap-button-hidden-${theme}.png`) });
      // A click turns the setting off, while the graph fits.
      await toggle.click();
      await frames(page);
      assert.equal(await on(), false, 'the click turned the minimap off');
      assert.equal(await page.evaluate(() => document.body.dataset.minimap), 'off');
      assert.equal(await toggle.getAttribute('aria-pressed'), 'false');
      assert.doesNotMatch((await toggle.getAttribute('title'))!, /whole graph/);
      // Zoomed in, it stays off.
      for (let i = 0; i < 6; i++) await page.getByRole('button', { name: 'zoom in' }).click();
      await frames(page);
      assert.equal(await page.evaluate(() => document.body.dataset.minimap), 'off');
      assert.equal(await page.locator('canvas.minimap').isVisible(), false);
      // Fitted again and turned on: pressed, hidden with its reason; zoomed in, it shows.
      await page.getByRole('button', { name: 'fit' }).click();
      await toggle.click();
      await frames(page);
      assert.equal(await on(), true);
      assert.equal(await toggle.getAttribute('aria-pressed'), 'true');
      assert.equal(await page.evaluate(() => document.body.dataset.minimap), 'hidden');
      assert.match((await toggle.getAttribute('title'))!, /whole graph is in view/);
      for (let i = 0; i < 6; i++) await page.getByRole('button', { name: 'zoom in' }).click();
      await page.waitForFunction(() => document.body.dataset.minimap === 'shown');
      await page.locator('canvas.minimap').waitFor({ state: 'visible' });
      assert.equal(await toggle.getAttribute('aria-pressed'), 'true');
      assert.doesNotMatch((await toggle.getAttribute('title'))!, /whole graph/);
      await page.locator('.graph-tools').screenshot({ path: path.join(artifacts, `minimap-button-shown-${theme}.png`) });
      await page.close();
    });
  }
});
