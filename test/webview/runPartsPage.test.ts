// A large run in two parts, in the built panel (dist/webview.js) in Chromium (browserPage.ts): the first
// part is drawn before the rest is sent; the rest fills in the step bar, curves and console without
// touching the view or the selection; a rest of another run is ignored. Needs a build first.
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import type { HostToPanel } from '../../src/protocol/panel';
import { splitTrace } from '../../src/protocol/panelParts';
import { launch, openPanel } from './browserPage';
import { longLoopTrace } from './fixtures/traceBuilder';

type V = { x: number; y: number; k: number };
const uri = 'file:///ws/example.grad.ts';
const view = (page: Page): Promise<V> => page.evaluate(() => (globalThis as unknown as { gradtapeGraph: { currentView: V } }).gradtapeGraph.currentView);
const data = (page: Page, k: string) => page.evaluate((key) => document.body.dataset[key], k);
const send = (page: Page, m: HostToPanel) => page.evaluate((json) => window.postMessage(JSON.parse(json), '*'), JSON.stringify(m));

describe('panel: a large run in two parts, in the browser', function () {
  this.timeout(180_000);
  let browser: Browser;
  before(async () => (browser = await launch()));
  after(async () => browser?.close());

  it('draws the first part at once and fills in the rest, keeping view and selection', async () => {
    const trace = longLoopTrace(2400);
    const parts = splitTrace(trace)!;
    assert.ok(parts);
    const page = await openPanel(browser, 'dark', { width: 1280, height: 800 });
    await send(page, { type: 'didLoadRun', uri, fileName: 'example.grad.ts', run: { uri, version: 1, trace: parts.first }, sentAt: Date.now(), rest: { pendingTapes: parts.pendingTapes } });
    await page.waitForFunction(() => document.body.dataset.rendered === '1');
    assert.equal(await data(page, 'complete'), undefined, 'the run is not complete yet');
    // The last step is drawn: the training tape's three ops and the tape outside the loop, with their leaves.
    assert.match(await page.locator('.steps .step-label').innerText(), /step 2399 of 0–2399/);
    assert.ok(Number(await data(page, 'nodes')) >= 8);
    await page.getByRole('tab', { name: 'Console' }).click();
    assert.match(await page.locator('.console-pane').innerText(), /on its way/);
    await page.getByRole('tab', { name: 'Graph' }).click();
    // The person selects a node and zooms in before the rest arrives.
    await page.locator('.node-list button', { hasText: /^loss, SquaredDifference/ }).first().evaluate((b: HTMLElement) => b.click());
    await page.getByRole('button', { name: 'zoom in' }).click();
    await page.getByRole('button', { name: 'zoom in' }).click();
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const before = await view(page);
    const heading = await page.locator('.inspector h2').innerText();
    assert.match(heading, /^loss/);

    // A rest that belongs to another run is dropped.
    await send(page, { type: 'didLoadRunRest', uri, startedAt: '1999-01-01T00:00:00.000Z', sentAt: Date.now(), rest: parts.rest });
    await send(page, { type: 'didLoadRunRest', uri, startedAt: trace.startedAt, sentAt: Date.now(), rest: parts.rest });
    await page.waitForFunction(() => document.body.dataset.complete === '1');
    assert.equal(await data(page, 'rendered'), '1', 'the first screen was not drawn again');
    assert.deepEqual(await view(page), before, 'the view stays where the person put it');
    assert.equal(await page.locator('.inspector h2').innerText(), heading, 'the selection stays');
    await page.getByRole('tab', { name: 'Console' }).click();
    assert.equal(await page.locator('.console-pane ol.console li').count(), 2400);
    await page.getByRole('tab', { name: 'Curves' }).click();
    await page.waitForSelector('.curve-card[data-points="2400"] canvas');
    // Steps before the last now have their graphs: step 5 draws its tape.
    await page.getByRole('tab', { name: 'Graph' }).click();
    await page.locator('.steps input[type=range]').fill('5');
    await page.waitForFunction(() => /step 5 of/.test(document.querySelector('.steps .step-label')?.textContent ?? ''));
    assert.match(await page.locator('.tapebar').innerText(), /step 5/);
    assert.ok(Number(await page.evaluate(() => document.body.dataset.drawnNodes)) >= 8);
    await page.close();
  });
});
