// Post → first frame for large runs, the run posted whole (as before) and in two parts (first screen,
// then the rest: src/protocol/panelParts.ts). The traces come from the real runner (dist/cli.js) on
// test/workspaces/panel/big.grad.ts (10,000 ops on one tape) and long-loop.grad.ts (20,000 training
// steps, two curves, console). The "host" serialises each message as VS Code does (JSON) and the page
// parses it and dispatches it to the built panel (dist/webview.js) in Chromium. Prints figures; asserts nothing.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { HostToPanel } from '../src/protocol/panel';
import { splitTrace } from '../src/protocol/panelParts';
import type { Trace } from '../src/protocol/trace';
import { launch, openPanel } from '../test/webview/browserPage';

const root = path.resolve(__dirname, '..');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const uri = 'file:///ws/run.grad.ts';

function traceOf(file: string): Trace {
  const out = execFileSync(process.execPath, [path.join(root, 'dist', 'cli.js'), 'run', path.join(root, file), '--json', '--timeout', '600'], { maxBuffer: 1 << 30, encoding: 'utf8' });
  return JSON.parse(out) as Trace;
}

/** Posts the messages one after another as the host would; returns ms from the first post to the first frame, and to the whole run drawn. */
async function post(page: Page, msgs: HostToPanel[]): Promise<{ first: number; complete: number; chars: number[] }> {
  const t0 = Date.now();
  const chars: number[] = [];
  for (const m of msgs) {
    const s = JSON.stringify(m);
    chars.push(s.length);
    await page.evaluate((json) => window.postMessage(JSON.parse(json), '*'), s);
  }
  await page.waitForFunction(() => Number(document.body.dataset.complete ?? 0) > 0, undefined, { timeout: 300_000 });
  const [drawnAt, completeAt] = await page.evaluate(() => [Number(document.body.dataset.drawnAt), Number(document.body.dataset.completeAt)]);
  return { first: drawnAt - t0, complete: completeAt - t0, chars };
}

async function main() {
  if (!fs.existsSync(path.join(root, 'dist', 'webview.js')) || !fs.existsSync(path.join(root, 'dist', 'cli.js'))) {
    console.log('panelParts: dist/ is missing; run `node scripts/build.mjs` first');
    return;
  }
  const browser = await launch();
  try {
    for (const file of ['test/workspaces/panel/big.grad.ts', 'test/workspaces/panel/long-loop.grad.ts']) {
      const trace = traceOf(file);
      const parts = splitTrace(trace);
      const run = (t: Trace) => ({ uri, version: 1, trace: t });
      const whole: HostToPanel[] = [{ type: 'didLoadRun', uri, fileName: 'run.grad.ts', run: run(trace), sentAt: Date.now() }];
      const split: HostToPanel[] | undefined = parts && [
        { type: 'didLoadRun', uri, fileName: 'run.grad.ts', run: run(parts.first), sentAt: Date.now(), rest: { pendingTapes: parts.pendingTapes } },
        { type: 'didLoadRunRest', uri, startedAt: trace.startedAt, sentAt: Date.now(), rest: parts.rest },
      ];
      for (const [label, msgs] of [['whole', whole], ['in two parts', split]] as const) {
        if (!msgs) {
          console.log(`${path.basename(file)}: not split (the rest would be under the threshold): the run goes whole`);
          continue;
        }
        const runs: { first: number; complete: number; chars: number[] }[] = [];
        for (let rep = 0; rep < 3; rep++) {
          const page = await openPanel(browser, 'dark', { width: 1280, height: 800 });
          runs.push(await post(page, msgs));
          await page.close();
        }
        const mb = runs[0].chars.map((c) => (c / 1e6).toFixed(2)).join(' + ');
        console.log(`${path.basename(file)} ${label} (${mb} MB of JSON): post → first frame median ${median(runs.map((r) => r.first))} ms (${runs.map((r) => r.first).join(', ')}), → whole run drawn ${median(runs.map((r) => r.complete))} ms`);
      }
    }
  } finally {
    await browser.close();
  }
}

void main();
