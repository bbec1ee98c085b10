// The panel in a real browser (Debian's Chromium through playwright-core): first draw of tapes of
// 100 / 1,000 / 10,000 / 100,000 nodes, pan and zoom frame times, the dagre pass, and a 100,000-point
// curve. Needs dist/webview.js (npm run build). Prints figures; asserts nothing. "first draw" is the panel's
// own time (message handled → first canvas frame drawn), "painted" until that frame is on screen.
// `npx tsx bench/panelDraw.bench.ts 10000 100000` measures only those sizes (`--frames`: one first draw each).
// From 10,000 nodes it also prints presented frames (drawing and rasterising) at middle zoom (between the
// overview picture and text) and fit-all; PANEL_SHOTS=dir saves a screenshot there.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { launch, loadRun, openPanel } from '../test/webview/browserPage';
import { largeTrace, longCurveTrace } from '../test/webview/fixtures/traceBuilder';
import type { HostToPanel } from '../src/protocol/panel';
import type { Trace } from '../src/protocol/trace';

/**
 * What the panel's first draw costs: its own time (`data-draw-ms`, message handled → first canvas
 * frame drawn), until that frame is painted, and the CPU time of the page's main-thread tasks over the
 * latter (Chromium's TaskDuration in thread ticks: less moved by other processes on a shared machine
 * than wall time; it includes reading the message and the bench's own calls, alike in any build).
 */
interface FirstDraw { draw: number; painted: number; cpu: number }

/**
 * Posts the message in globalThis.benchMsg as the host would and waits for the panel's first frame.
 * `painted` runs from the post (once the message is copied for the page: postMessage's own cost is
 * not the panel's) to a task after the next animation frame, so work the panel queues before that
 * frame is painted (a timer set during the draw) counts, as it delays what the person sees.
 */
async function postTimed(page: Page): Promise<FirstDraw> {
  const before = await page.evaluate(() => Number(document.body.dataset.rendered ?? 0));
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
  const taskMs = async () => 1000 * ((await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration')?.value ?? NaN);
  const cpu0 = await taskMs();
  const painted = await page.evaluate(() => new Promise<number>((resolve) => {
    let t0 = 0;
    // Registered after the panel's listener: runs once the panel has handled the message.
    window.addEventListener('message', () => requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - t0), 0)), { once: true });
    window.postMessage((globalThis as unknown as { benchMsg: unknown }).benchMsg, '*');
    t0 = performance.now();
  }));
  const cpu = (await taskMs()) - cpu0;
  await cdp.detach();
  await page.waitForFunction((n) => Number(document.body.dataset.rendered ?? 0) > n, before, { timeout: 300_000 });
  await page.evaluate(() => delete (globalThis as unknown as { benchMsg?: unknown }).benchMsg);
  return { draw: await page.evaluate(() => Number(document.body.dataset.drawMs)), painted, cpu };
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

type V = { x: number; y: number; k: number };
/** A change of view in one frame: a view, a pan by (dx, dy) screen px, a zoom about the centre, or fit-all. */
type Step = { view: V } | { pan: [number, number] } | { zoom: number } | { fit: true };
interface Frames { cost: number[]; gap: number[] }

/**
 * Presented frames: each step changes the view just before an animation frame, as a pointer event does,
 * and the next step comes as soon as that frame is produced, as in a drag (work the panel leaves for idle
 * time gets only what the frames leave). `gap`: from the start of a step's frame to the start of the next
 * frame, i.e. when the browser could begin another one: 16.7 ms when the frame made the display's next
 * refresh, more when its drawing, rasterising (also off the page's thread) or idle work held it up. `cost`:
 * the page's own part, from the frame's start to the first task after it was produced.
 */
async function presented(page: Page, steps: Step[]): Promise<Frames> {
  // tsx names the inner functions with a helper the page lacks.
  await page.evaluate('globalThis.__name ??= (f) => f');
  return page.evaluate((steps) => new Promise<Frames>((resolve) => {
    const g = (globalThis as unknown as { gradtapeGraph: { currentView: V; setView(v: V): void; zoomBy(f: number): void; fit(): void } }).gradtapeGraph;
    const cost: number[] = [], gap: number[] = [];
    let i = 0, last = 0;
    const next = () => {
      // The last frame's gap: to the start of the frame after it.
      if (i === steps.length) return requestAnimationFrame((ts) => resolve({ cost, gap: [...gap, ts - last] }));
      const s = steps[i++];
      // Registered before the change, so it runs first in the frame that draws it.
      requestAnimationFrame((ts) => {
        const t0 = performance.now();
        if (last) gap.push(ts - last);
        last = ts;
        const ch = new MessageChannel();
        ch.port1.onmessage = () => {
          cost.push(performance.now() - t0);
          next();
        };
        ch.port2.postMessage(0);
      });
      const v = g.currentView;
      if ('view' in s) g.setView(s.view);
      else if ('pan' in s) g.setView({ k: v.k, x: v.x + s.pan[0], y: v.y + s.pan[1] });
      else if ('zoom' in s) g.zoomBy(s.zoom);
      else g.fit();
    };
    next();
  }), steps);
}

/**
 * Until the panel draws no more tiles (idle drawing done): none of the view's missing (where the panel
 * says so) and the count unchanged over two looks 0.2 s apart.
 */
async function settle(page: Page): Promise<void> {
  let last = -1;
  for (let i = 0; i < 300; i++) {
    const [n, pending] = await page.evaluate(() => new Promise<[number, string | undefined]>((r) => setTimeout(() => requestAnimationFrame(() => r([Number(document.body.dataset.graphTiles ?? 0), document.body.dataset.graphTilesPending])), 200)));
    if (n === last && (pending ?? '0') === '0') return;
    last = n;
  }
}

/** Zooms between the overview picture of a 100,000-node graph and legible text (brief cards show text from k ≈ 0.42). */
const MIDDLE_KS = [0.1, 0.16, 0.25, 0.36];

/**
 * Presented frames at middle zoom (the same zooms at every size, so 10,000 nodes are drawn node by node
 * where 100,000 copy tiles): at each zoom, jump to an unseen part and drag on (frames meeting first-seen
 * tiles), wait for idle drawing, wiggle in place (cached), zoom in and out by wheel-sized steps of 1.2
 * (crossing a tile level about every other step); then fit-all.
 */
async function frameTimes(page: Page): Promise<Record<'cached' | 'firstSeen' | 'zoom' | 'fit', Frames>> {
  const out = { cached: { cost: [], gap: [] }, firstSeen: { cost: [], gap: [] }, zoom: { cost: [], gap: [] }, fit: { cost: [], gap: [] } } as Record<'cached' | 'firstSeen' | 'zoom' | 'fit', Frames>;
  const add = (to: Frames, f: Frames) => { to.cost.push(...f.cost); to.gap.push(...f.gap); };
  const { b, p } = await page.evaluate(() => {
    const g = (globalThis as unknown as { gradtapeGraph: { drawnBounds(): { x: number; y: number; w: number; h: number }; paneSize: { width: number; height: number } } }).gradtapeGraph;
    return { b: g.drawnBounds(), p: g.paneSize };
  });
  for (const [j, k] of MIDDLE_KS.entries()) {
    // A different stretch of the graph at each zoom (along its longer side), never seen at this zoom before.
    const f = 0.2 + 0.17 * j;
    const gx = b.w > b.h ? b.x + b.w * f : b.x + b.w / 2, gy = b.w > b.h ? b.y + b.h / 2 : b.y + b.h * f;
    const drag: Step[] = [{ view: { k, x: p.width / 2 - gx * k, y: p.height / 2 - gy * k } }];
    for (let i = 0; i < 40; i++) drag.push({ pan: [-12, -24] });
    add(out.firstSeen, await presented(page, drag));
    await settle(page);
    const wiggle: Step[] = [];
    for (let i = 0; i < 30; i++) wiggle.push({ pan: i % 10 < 5 ? [6, 4] : [-6, -4] });
    add(out.cached, await presented(page, wiggle));
    add(out.zoom, await presented(page, [1.2, 1.2, 1.2, 1 / 1.2, 1 / 1.2, 1 / 1.2, 1 / 1.2, 1 / 1.2, 1.2, 1.2].map((zoom) => ({ zoom }))));
    await settle(page);
  }
  for (let i = 0; i < 6; i++) add(out.fit, await presented(page, [{ pan: [40, 40] }, { fit: true }]).then((f) => ({ cost: f.cost.slice(1), gap: f.gap.slice(1) })));
  return out;
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
    // --frames: one first draw per size (the presented frames need one page).
    const framesOnly = process.argv.includes('--frames');
    for (const n of sizes.length ? sizes : [100, 1000, 10000, 100000]) {
      const trace = largeTrace(n);
      const file = n > 20000 ? messageFile(trace) : undefined;
      const firsts: number[] = [];
      const paints: number[] = [];
      const cpus: number[] = [];
      let frames: number[] = [];
      let elk = '';
      let middle = '';
      for (let rep = 0; rep < (framesOnly ? 1 : 3); rep++) {
        const page = await openPanel(browser, 'dark', { width: 1280, height: 800 });
        const first = file ? await loadRunFromFile(page, file) : await loadRunTimed(page, trace);
        firsts.push(first.draw);
        paints.push(first.painted);
        cpus.push(first.cpu);
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
          // A build from before the panel exposed gradtapeGraph (a3cc612, the first draw's baseline) has no presented frames to read.
          if (n >= 10000 && await page.evaluate(() => 'gradtapeGraph' in globalThis)) {
            // Above 20,000 nodes the middle zoom copies tiles of pictures drawn from the overview's.
            if (file) await page.waitForFunction(() => document.body.dataset.graphOverview, undefined, { timeout: 300_000 });
            const t = await frameTimes(page);
            const ms = (xs: number[]) => `${median(xs).toFixed(1)} / ${p95(xs).toFixed(1)} / ${Math.max(...xs).toFixed(1)}`;
            const stat = (f: Frames) => `${ms(f.gap)} (page ${ms(f.cost)}; ${f.gap.filter((x) => x < 20).length} of ${f.gap.length} in one refresh)`;
            middle = `\n  presented frames, start to next frame's start p50 / p95 / max ms (the page's own part), middle zoom k ${MIDDLE_KS.join(', ')}:\n    cached ${stat(t.cached)}\n    meeting first-seen tiles ${stat(t.firstSeen)}\n    zoom steps ×1.2 ${stat(t.zoom)}\n    fit-all ${stat(t.fit)}\n    tiles drawn ${await page.evaluate(() => document.body.dataset.graphTiles ?? 0)}`;
            if (process.env.PANEL_SHOTS) await page.screenshot({ path: path.join(process.env.PANEL_SHOTS, `middle-zoom-${n}.png`) });
          }
          if (n <= 120) {
            await page.waitForFunction(() => document.body.dataset.layoutMs, undefined, { timeout: 60_000 });
            elk = ` · dagre layout pass ${await page.evaluate(() => document.body.dataset.layoutMs)} ms (after the first frame)`;
          }
        }
        await page.close();
      }
      if (file) fs.rmSync(path.dirname(file), { recursive: true, force: true });
      console.log(`graph ${String(n).padStart(6)} nodes: first draw median ${median(firsts).toFixed(0)} ms (${firsts.map((x) => x.toFixed(0)).join(', ')}), painted ${median(paints).toFixed(0)} ms (${paints.map((x) => x.toFixed(0)).join(', ')}), task CPU ${median(cpus).toFixed(0)} ms (${cpus.map((x) => x.toFixed(0)).join(', ')}) · pan/zoom frame median ${median(frames).toFixed(1)} ms, p95 ${p95(frames).toFixed(1)} ms, fit-all ${frames[frames.length - 1].toFixed(1)} ms${middle}${elk}`);
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
