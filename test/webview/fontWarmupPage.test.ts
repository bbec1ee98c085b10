// The hidden font sample (webview/fontWarmup.ts), in the built panel (dist/webview.js) in Chromium
// (browserPage.ts): every font the run view's text is set in, and every symbol it writes, is laid
// out at load, so the first run's draw does not wait for the system's font lookups. Needs a build first.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { Trace } from '../../src/protocol/trace';
import { launch, loadRun, openPanel } from './browserPage';
import { largeTrace } from './fixtures/traceBuilder';

const fixture = (f: string): Trace => JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', f), 'utf8'));

interface Fonts { fonts: string[]; glyphs: string[] }

/** The fonts (style, weight, size, family) and non-ASCII characters of the text in `root`'s elements, shown or not. */
function textFonts(page: Page, selector: string, skip: string): Promise<Fonts> {
  return page.evaluate(([sel, not]) => {
    const fonts = new Set<string>(), glyphs = new Set<string>();
    for (const el of document.querySelectorAll(sel)) {
      if (not && el.closest(not)) continue;
      const text = [...el.childNodes].filter((c) => c.nodeType === Node.TEXT_NODE).map((c) => c.textContent ?? '').join('').trim();
      if (!text) continue;
      const s = getComputedStyle(el);
      fonts.add(`${s.fontStyle} ${s.fontWeight} ${s.fontSize} ${s.fontFamily}`);
      for (const ch of text) if (ch.charCodeAt(0) > 126) glyphs.add(ch);
    }
    return { fonts: [...fonts].sort(), glyphs: [...glyphs].sort() };
  }, [selector, skip]);
}

describe('panel: fonts looked up at load, in the browser', function () {
  this.timeout(120_000);
  let browser: Browser;
  before(async () => (browser = await launch()));
  after(async () => browser?.close());

  it('keeps the sample out of sight, out of the layout and out of the accessibility tree', async () => {
    const page = await openPanel(browser, 'dark');
    const box = await page.evaluate(() => {
      const el = document.querySelector('.font-warmup')!;
      const r = el.getBoundingClientRect(), s = getComputedStyle(el);
      return { w: r.width, h: r.height, visibility: s.visibility, position: s.position, hidden: el.getAttribute('aria-hidden'), samples: el.children.length };
    });
    assert.deepEqual(box, { w: 1, h: 1, visibility: 'hidden', position: 'absolute', hidden: 'true', samples: box.samples });
    assert.ok(box.samples >= 2, `${box.samples} samples`);
    await page.close();
  });

  const runs: [string, () => Trace][] = [
    ['the MLP trained with Adam (steps, curves, a selected node)', () => fixture('trace-mlp-adam.json')],
    ['the Hessian (nested tapes)', () => fixture('trace-hessian.json')],
    ['the RNN over 400 steps (a folded repeat)', () => fixture('trace-rnn-400.json')],
    ['a 1,000-op tape', () => largeTrace(1000)],
  ];
  // The editor panel, and the side bar (narrow: chips set smaller).
  for (const size of [{ width: 1280, height: 800 }, { width: 300, height: 820 }]) {
    for (const [name, trace] of runs) {
      it(`has sampled every font and symbol of ${name} (${size.width}×${size.height})`, async () => {
        const page = await openPanel(browser, 'light', size);
        await loadRun(page, trace());
        // The inspector of a selected node (its figures; the derivative's text needs the host).
        await page.locator('.node-list button').last().evaluate((b: HTMLElement) => b.click()).catch(() => undefined);
        const sample = await textFonts(page, '.font-warmup *', '');
        const run = await textFonts(page, '#app *', '.font-warmup');
        assert.ok(run.fonts.length >= 3, run.fonts.join('\n'));
        const fonts = run.fonts.filter((f) => !sample.fonts.includes(f));
        assert.deepEqual(fonts, [], `fonts the sample lacks (add their size or weight to fontWarmup.ts)`);
        const glyphs = run.glyphs.filter((g) => !sample.glyphs.includes(g));
        assert.deepEqual(glyphs, [], `symbols the sample lacks (add them to fontWarmup.ts's GLYPHS)`);
        await page.close();
      });
    }
  }
});
