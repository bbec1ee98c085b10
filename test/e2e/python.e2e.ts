// A .grad.py end to end, as a person sees it: the seed article's first program, verbatim, run with
// Compute Gradients from the palette; the panel draws its tape (nodes named after the Python
// variables, at their Python lines, with values and gradients), and hovering `weights` in the
// editor reads ∂loss/∂weights.
import assert from 'node:assert/strict';
import { panelFor, renderedCount, until, type E2E, type E2ETest } from './harness';

const FILE = 'squared.grad.py';

/**
 * Hovers `word` inside the editor line whose text is `line` and returns the hover's text. Python's
 * grammar leaves plain names unscoped, so a name shares its token span with its neighbours (the
 * harness's hover wants a span of its own): the word's box comes from a DOM Range over the text.
 */
async function hoverWord(t: E2E, line: string, word: string): Promise<string> {
  const lines = t.page.locator('.editor-group-container.active .monaco-editor .view-line');
  const box = await until(`the line ${line.trim()}`, async () =>
    lines.evaluateAll((els, [text, w]) => {
      const el = els.find((e) => (e.textContent ?? '').replace(/\u00a0/g, ' ').trimEnd() === text);
      if (!el) return undefined;
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const at = (n.textContent ?? '').replace(/\u00a0/g, ' ').indexOf(w);
        if (at < 0) continue;
        const r = document.createRange();
        r.setStart(n, at);
        r.setEnd(n, at + w.length);
        const b = r.getBoundingClientRect();
        return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
      }
      return undefined;
    }, [line, word] as const), 10_000);
  const hover = t.page.locator('.monaco-hover:not(.hidden)').filter({ hasText: /\S/ });
  return until(`a hover over ${word}`, async () => {
    await t.page.mouse.move(0, 0);
    await t.page.mouse.move(box.x, box.y);
    await hover.first().waitFor({ state: 'visible', timeout: 3_000 });
    return (await hover.first().innerText()).trim();
  }, 15_000, 300);
}

export const tests: E2ETest[] = [
  {
    name: 'a .grad.py: Compute Gradients draws its tape in the panel, and a hover reads ∂loss/∂weights',
    workspace: 'panel',
    timeoutMs: 240_000,
    async run(t) {
      await t.openFile(FILE);
      const before = await renderedCount(t, FILE);
      await t.runCommand('GradTape: Compute Gradients');
      // A cold Python worker loads Pyodide first (seconds, more on a loaded machine).
      await until(`the panel to draw the run of ${FILE}`, async () => (await renderedCount(t, FILE)) > before, 180_000, 250);
      const panel = (await panelFor(t, FILE))!;
      assert.ok(panel, 'the panel of the .grad.py');
      const nodes = await until('the graph\'s node list', async () => {
        const list = await panel.locator('.node-list button').allTextContents();
        return list.some((n) => /MatMul/.test(n)) ? list : undefined;
      }, 15_000);
      // The tape of lines 18-21: output = input·weights = 0.55, loss = (0.75 - 0.55)² = 0.04, ∂loss/∂output = -0.4.
      assert.match(nodes.find((n) => /MatMul/.test(n)) ?? '', /^output, MatMul, shape \(1, 1\), value 0\.55\d*, gradient -0\.4\d*, line 19$/, nodes.join(' | '));
      assert.match(nodes.find((n) => /SquaredDifference/.test(n)) ?? '', /^loss, SquaredDifference, shape \(1, 1\), value 0\.04\d*, gradient 1, line 21$/, nodes.join(' | '));
      assert.match(nodes.find((n) => n.startsWith('weights')) ?? '', /gradient \[-0\.4\d*, -0\.8\d*\]/, nodes.join(' | '));
      await t.screenshot('python-panel');

      // Back in the editor: the hover over `weights` on the tape's line reads the derivative.
      await t.page.keyboard.press('Control+1');
      await t.openFile(FILE);
      const hover = await hoverWord(t, '    output = tf.linalg.matmul(input, weights)', 'weights');
      await t.screenshot('python-hover-weights');
      assert.match(hover, /weights · Variable · shape=\(2, 1\), dtype=float32/);
      assert.match(hover, /∂loss\/∂weights = \[\[-0\.39999998\], \[-0\.79999995\]\]/);
    },
  },
];
