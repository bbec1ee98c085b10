// The panel in a real browser (Debian's Chromium through playwright-core): first draw of tapes of
// 100 / 1,000 / 10,000 / 100,000 nodes, pan and zoom frame times, the dagre pass, and a 100,000-point
// curve. Needs dist/webview.js (npm run build). Prints figures; asserts nothing.
// `npx tsx bench/panelDraw.bench.ts 10000 100000` measures only those sizes.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { launch, loadRun, openPanel } from '../test/webview/browserPage';
import { largeTrace, longCurveTrace } from '../test/webview/fixtures/traceBuilder';
import type { HostToPanel } from '../src/protocol/panel';
import type { Trace } from '../src/protocol/trace';

/**
 * loadRun for a trace too large for page.evaluate's argument (100,000 nodes are 67 MB of JSON): the
 * page reads the message from a file, then it is posted as the host would. Returns the panel's draw time.
 */
async function loadRunFromFile(page: Page, file: string): Promise<number> {
  await page.evaluate(async (url) => {
    const x = new XMLHttpRequest();
    x.open('GET', url);
    await new Promise((r) => { x.onload = r; x.send(); });
    (globalThis as unknown as { benchMsg: unknown }).benchMsg = JSON.parse(x.responseText);
  }, `file://${file}`);
  const before = await page.evaluate(() => Number(document.body.dataset.rendered ?? 0));
  await page.evaluate(() => window.postMessage((globalThis as unknown as { benchMsg: unknown }).benchMsg, '*'));
  await page.waitForFunction((n) => Number(document.body.dataset.rendered ?? 0) > n, before, { timeout: 300_000 });
  await page.evaluate(() => delete (globalThis as unknown as { benchMsg?: unknown }).benchMsg);
  return page.evaluate(() => Number(document.body.dataset.drawMs));
}

function messageFile(trace: Trace): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'gradtape-bench-')), 'run.json');
  const msg: HostToPanel = { type: 'didLoadRun', uri: 'file:///ws/example.grad.ts', fileName: 'example.grad.ts', run: { uri: 'file:///ws/example.grad.ts', version: 1, trace }, sentAt: Date.now() };
  fs.writeFileSync(file, JSON.stringify(msg));
  return file;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))];

async function main() {
  if (!fs.existsSync(path.join(__dirname, '..', 'dist', 'webview.js'))) {
    console.log('panelDraw: dist/webview.js is missing; run `npm run build` first');
    return;
  }
  const browser = await launch();
  try {
    const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
    for (const n of sizes.length ? sizes : [100, 1000, 10000, 100000]) {
      const trace = largeTrace(n);
      const file = n > 20000 ? messageFile(trace) : undefined;
      const firsts: number[] = [];
      let frames: number[] = [];
      let elk = '';
      for (let rep = 0; rep < 3; rep++) {
        const page = await openPanel(browser, 'dark', { width: 1280, height: 800 });
        firsts.push(file ? await loadRunFromFile(page, file) : await loadRun(page, trace));
        if (rep === 0) {
          // Pan and zoom: wheel and drag like a person, read each frame's draw time.
          const canvas = (await page.locator('.graph canvas').boundingBox())!;
          const cx = canvas.x + canvas.width / 2, cy = canvas.y + canvas.height / 2;
          const read = async () => Number(await page.evaluate(() => document.body.dataset.graphFrameMs));
          frames = [];
          for (let i = 0; i < 12; i++) {
            await page.mouse.move(cx, cy);
            await page.mouse.wheel(0, i < 6 ? -240 : 240);
            await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
            frames.push(await read());
          }
          await page.mouse.move(cx, cy);
          await page.mouse.down();
          for (let i = 0; i < 12; i++) {
            await page.mouse.move(cx - i * 25, cy - i * 10);
            await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
            frames.push(await read());
          }
          await page.mouse.up();
          // Fit the whole graph in view: the worst case for drawing.
          await page.click('button[aria-label=fit]');
          await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
          frames.push(await read());
          if (n <= 120) {
            await page.waitForFunction(() => document.body.dataset.layoutMs, undefined, { timeout: 60_000 });
            elk = ` · dagre layout pass ${await page.evaluate(() => document.body.dataset.layoutMs)} ms (after the first frame)`;
          }
        }
        await page.close();
      }
      if (file) fs.rmSync(path.dirname(file), { recursive: true, force: true });
      console.log(`graph ${String(n).padStart(6)} nodes: first draw median ${median(firsts).toFixed(0)} ms (${firsts.map((x) => x.toFixed(0)).join(', ')}) · pan/zoom frame median ${median(frames).toFixed(1)} ms, p95 ${p95(frames).toFixed(1)} ms, fit-all ${frames[frames.length - 1].toFixed(1)} ms${elk}`);
    }
    if (sizes.length) return;
    const curveMs: number[] = [];
    for (let rep = 0; rep < 3; rep++) {
      const page = await openPanel(browser, 'dark', { width: 1280, height: 800 });
      await loadRun(page, longCurveTrace(100_000));
      await page.click('[role=tab]:has-text("Curves")');
      await page.waitForSelector('.curve-card[data-points="100000"] canvas');
      curveMs.push(Number(await page.evaluate(() => document.body.dataset.curvesMs)));
      await page.close();
    }
    console.log(`curve 100,000 points: drawn in median ${median(curveMs).toFixed(0)} ms (${curveMs.map((x) => x.toFixed(0)).join(', ')}) including smoothing`);
  } finally {
    await browser.close();
  }
}

void main();
