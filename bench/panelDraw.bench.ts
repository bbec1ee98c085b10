// The panel in a real browser (Debian's Chromium through playwright-core): first draw of tapes of
// 100 / 1,000 / 10,000 / 100,000 nodes, pan and zoom frame times, the dagre pass, and a 100,000-point
// curve. Needs dist/webview.js (npm run build). Prints figures; asserts nothing. "first draw" is the panel's
// own time (message handled → first canvas frame drawn), "painted" until that frame is on screen.
// `npx tsx bench/panelDraw.bench.ts 10000 100000` measures only those sizes. Above 20,000 nodes it also
// drags at middle zoom (between the overview picture and text); PANEL_SHOTS=dir saves a screenshot there.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { launch, loadRun, openPanel } from '../test/webview/browserPage';
import { largeTrace, longCurveTrace } from '../test/webview/fixtures/traceBuilder';
import type { HostToPanel } from '../src/protocol/panel';
import type { Trace } from '../src/protocol/trace';

/** What the panel's first draw costs: its own time (`data-draw-ms`, message handled → first canvas frame drawn) and until that frame is painted. */
interface FirstDraw { draw: number; painted: number }

/**
 * Posts the message in globalThis.benchMsg as the host would and waits for the panel's first frame.
 * `painted` runs from the post (once the message is copied for the page: postMessage's own cost is
 * not the panel's) to a task after the next animation frame, so work the panel queues before that
 * frame is painted (a timer set during the draw) counts, as it delays what the person sees.
 */
async function postTimed(page: Page): Promise<FirstDraw> {
  const before = await page.evaluate(() => Number(document.body.dataset.rendered ?? 0));
  const painted = await page.evaluate(() => new Promise<number>((resolve) => {
    let t0 = 0;
    // Registered after the panel's listener: runs once the panel has handled the message.
    window.addEventListener('message', () => requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - t0), 0)), { once: true });
    window.postMessage((globalThis as unknown as { benchMsg: unknown }).benchMsg, '*');
    t0 = performance.now();
  }));
  await page.waitForFunction((n) => Number(document.body.dataset.rendered ?? 0) > n, before, { timeout: 300_000 });
  await page.evaluate(() => delete (globalThis as unknown as { benchMsg?: unknown }).benchMsg);
  return { draw: await page.evaluate(() => Number(document.body.dataset.drawMs)), painted };
}

/** A run posted as the host would; its first draw. */
async function loadRunTimed(page: Page, trace: Trace): Promise<FirstDraw> {
  const msg: HostToPanel = { type: 'didLoadRun', uri: 'file:///ws/example.grad.ts', fileName: 'example.grad.ts', run: { uri: 'file:///ws/example.grad.ts', version: 1, trace }, sentAt: Date.now() };
  await page.evaluate((m) => ((globalThis as unknown as { benchMsg: unknown }).benchMsg = m), msg);
  return postTimed(page);
}

/**
 * loadRunTimed for a trace too large for page.evaluate's argument (100,000 nodes are 67 MB of JSON):
 * the page reads the message from a file, then it is posted as the host would.
 */
async function loadRunFromFile(page: Page, file: string): Promise<FirstDraw> {
  await page.evaluate(async (url) => {
    const x = new XMLHttpRequest();
    x.open('GET', url);
    await new Promise((r) => { x.onload = r; x.send(); });
    (globalThis as unknown as { benchMsg: unknown }).benchMsg = JSON.parse(x.responseText);
  }, `file://${file}`);
  return postTimed(page);
}

function messageFile(trace: Trace): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'gradtape-bench-')), 'run.json');
  const msg: HostToPanel = { type: 'didLoadRun', uri: 'file:///ws/example.grad.ts', fileName: 'example.grad.ts', run: { uri: 'file:///ws/example.grad.ts', version: 1, trace }, sentAt: Date.now() };
  fs.writeFileSync(file, JSON.stringify(msg));
  return file;
}

/**
 * Middle zoom on a graph with an overview picture (above 20,000 nodes): between the picture's
 * resolution and legible text, at several zooms, drag across the graph and read every frame's time
 * (frames that draw tiles included). Returns the frame times, or nothing when there is no overview.
 */
async function middleZoom(page: Page, shot?: string): Promise<number[] | undefined> {
  await page.waitForFunction(() => document.body.dataset.graphOverview, undefined, { timeout: 300_000 });
  const ovScale = await page.evaluate(() => (globalThis as unknown as { gradtapeGraph: { overview?: { scale: number } } }).gradtapeGraph.overview?.scale);
  if (!ovScale) return undefined;
  const frames: number[] = [];
  const canvas = (await page.locator('.graph canvas').boundingBox())!;
  const cx = canvas.x + canvas.width / 2, cy = canvas.y + canvas.height / 2;
  const twoFrames = () => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  for (const f of [1.3, 2, 3, 4.5]) {
    // Centred on the middle of the graph at f × the picture's scale (the page's pixel ratio is 1).
    await page.evaluate((k) => {
      const g = (globalThis as unknown as { gradtapeGraph: { drawnBounds(): { x: number; y: number; w: number; h: number }; paneSize: { width: number; height: number }; setView(v: { x: number; y: number; k: number }): void } }).gradtapeGraph;
      const b = g.drawnBounds(), p = g.paneSize;
      g.setView({ k, x: p.width / 2 - (b.x + b.w / 2) * k, y: p.height / 2 - (b.y + b.h / 2) * k });
    }, ovScale * f);
    await twoFrames();
    frames.push(Number(await page.evaluate(() => document.body.dataset.graphFrameMs)));
    await page.mouse.move(cx, cy);
    await page.mouse.down();
    for (let i = 1; i <= 16; i++) {
      await page.mouse.move(cx - i * 30, cy - i * 20);
      await twoFrames();
      frames.push(Number(await page.evaluate(() => document.body.dataset.graphFrameMs)));
    }
    await page.mouse.up();
    if (shot && f === 2) await page.screenshot({ path: shot });
  }
  return frames;
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
      const paints: number[] = [];
      let frames: number[] = [];
      let elk = '';
      let middle = '';
      for (let rep = 0; rep < 3; rep++) {
        const page = await openPanel(browser, 'dark', { width: 1280, height: 800 });
        const first = file ? await loadRunFromFile(page, file) : await loadRunTimed(page, trace);
        firsts.push(first.draw);
        paints.push(first.painted);
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
          if (file) {
            const shot = process.env.PANEL_SHOTS ? path.join(process.env.PANEL_SHOTS, `middle-zoom-${n}.png`) : undefined;
            const mid = await middleZoom(page, shot);
            if (mid) middle = ` · middle zoom (1.3-4.5× the overview picture's scale, ${mid.length} frames while dragging) median ${median(mid).toFixed(1)} ms, p95 ${p95(mid).toFixed(1)} ms, max ${Math.max(...mid).toFixed(1)} ms, tiles drawn ${await page.evaluate(() => document.body.dataset.graphTiles ?? 0)}`;
          }
          if (n <= 120) {
            await page.waitForFunction(() => document.body.dataset.layoutMs, undefined, { timeout: 60_000 });
            elk = ` · dagre layout pass ${await page.evaluate(() => document.body.dataset.layoutMs)} ms (after the first frame)`;
          }
        }
        await page.close();
      }
      if (file) fs.rmSync(path.dirname(file), { recursive: true, force: true });
      console.log(`graph ${String(n).padStart(6)} nodes: first draw median ${median(firsts).toFixed(0)} ms (${firsts.map((x) => x.toFixed(0)).join(', ')}), painted ${median(paints).toFixed(0)} ms (${paints.map((x) => x.toFixed(0)).join(', ')}) · pan/zoom frame median ${median(frames).toFixed(1)} ms, p95 ${p95(frames).toFixed(1)} ms, fit-all ${frames[frames.length - 1].toFixed(1)} ms${middle}${elk}`);
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
