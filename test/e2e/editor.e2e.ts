// The editor end to end, as a person sees it: run the seed training example from the palette, hover
// `weights` and read the derivative, see a warning on a broken example and apply its quick fix, get
// completions for `tf.` with no setup, and be told why nothing runs in an untrusted workspace.
import assert from 'node:assert/strict';
import { renderedCount, until, type E2E, type E2ETest } from './harness';
import { scaled } from '../loadScaledTimeouts';

const RUN = 'GradTape: Compute Gradients';

/** The texts of the visible editor lines (Monaco reuses line elements, so not in document order). */
async function editorLines(t: E2E): Promise<string[]> {
  return (await t.page.locator('.editor-group-container.active .monaco-editor .view-line').allInnerTexts()).map((l) => l.replace(/\u00a0/g, ' '));
}

/** Runs Compute Gradients from the palette and waits for the status bar to show the finished run. */
async function computeFromPalette(t: E2E): Promise<string> {
  await t.runCommand(RUN);
  return until('the status bar to show the last run', async () => (await t.statusBarItems()).find((s) => /GradTape \d+ ms/.test(s)), 60_000);
}

export const tests: E2ETest[] = [
  {
    name: 'run the seed training loop from the palette, then hover weights to read ∂loss/∂weights',
    workspace: 'editor',
    timeoutMs: 150_000,
    async run(t) {
      await t.openFile('training.grad.ts');
      const status = await computeFromPalette(t);
      assert.match(status, /GradTape \d+ ms/);
      // Compute Gradients opens the panel beside the editor without taking focus; come back to the editor.
      await t.openFile('training.grad.ts');
      const lens = await until('the CodeLens over the tape', async () => {
        const texts = await t.page.locator('.editor-group-container.active .codelens-decoration').allInnerTexts();
        return texts.find((s) => /ops recorded/.test(s));
      }, 20_000);
      assert.match(lens, /\d+ ops recorded per step × 3 steps · ∂loss\/∂weights · Show graph/);
      // The panel Compute Gradients opened beside: the screenshots show it drawn, not still loading.
      await until('the panel beside to draw the run', async () => (await renderedCount(t, 'training.grad.ts')) > 0, 30_000, 250);
      await t.screenshot('training-after-run');
      const hover = await t.hover('weights', { nth: 1 });
      await t.screenshot('hover-weights');
      assert.match(hover, /weights · Variable · shape=\(2, 1\), dtype=float32 · step 2 of 0–2/);
      assert.match(hover, /∂loss\/∂weights = \[\[-?\d+\.\d*\], \[-?\d+\.\d*\]\]/);

      // Inline values are CSS ::after content on the line: read them as the browser renders them.
      await t.page.mouse.move(0, 0);
      await t.runCommand('View: Close Editors in Other Groups');
      const inline = await until('inline values after the line ends', async () => {
        const texts = await t.page.locator('.editor-group-container.active .monaco-editor .view-line span').evaluateAll((spans) =>
          spans.map((s) => getComputedStyle(s, '::after').content).filter((c) => c && c !== 'none' && c !== 'normal'));
        return texts.some((c) => c.includes('∂loss/∂weights')) && texts.some((c) => /loss = /.test(c)) ? texts : undefined;
      }, 10_000);
      assert.ok(inline.some((c) => /∂loss\/∂weights = \[\[.*\]\] \(step 2 of 0–2\)/.test(c)), inline.join(' | '));
      // Gutter marks: recorded lines (13 and 14) and unrecorded ones.
      const marks = await t.page.locator('.editor-group-container.active .monaco-editor div').evaluateAll((els) =>
        els.map((e) => /gutter(?:\/|%2F)(\w+)-(?:dark|light)\.svg/i.exec(getComputedStyle(e).backgroundImage)?.[1]).filter(Boolean));
      assert.deepEqual([...new Set(marks)].sort(), ['recorded', 'unrecorded'], `gutter marks: ${marks.join(', ')}`);
      assert.equal(marks.filter((m) => m === 'recorded').length, 2, 'lines 13 and 14 were recorded');
      await t.screenshot('inline-values-and-gutter');
    },
  },
  {
    name: 'a broken example shows a warning at the constant; the quick fix inserts tape.watch',
    workspace: 'editor',
    timeoutMs: 150_000,
    async run(t) {
      await t.openFile('unwatched.grad.ts');
      await computeFromPalette(t);
      await t.openFile('unwatched.grad.ts');
      const squiggle = t.page.locator('.editor-group-container.active .squiggly-warning');
      await squiggle.first().waitFor({ state: 'visible', timeout: scaled(20_000) });
      await t.screenshot('warning-squiggle');
      const hover = await t.hover('gradient', { nth: 0 });
      assert.match(hover, /∂loss\/∂weights = null/);
      assert.match(hover, /is null: .*constant that no tape watched/);
      await t.screenshot('null-gradient-hover');
      // Put the cursor on the squiggle and open the quick fixes (Ctrl+.).
      await t.page.mouse.move(0, 0);
      const box = (await squiggle.first().boundingBox())!;
      await t.page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
      // Ctrl+. again while the menu has not come: on a loaded machine the first press can land before
      // the click has put the editor's focus and cursor on the squiggle, and is then lost.
      const item = t.page.locator('.action-widget .monaco-list-row', { hasText: 'Watch weights inside tape.record' });
      await until('the quick-fix menu with "Watch weights inside tape.record"', async () => {
        if (await item.first().isVisible()) return true;
        await t.page.keyboard.press('Control+.');
        return item.first().waitFor({ state: 'visible', timeout: 3_000 }).then(() => true, () => false);
      }, 60_000);
      await t.screenshot('quick-fix-menu');
      await item.first().click();
      const watchLine = await until('tape.watch(weights) in the editor', async () => (await editorLines(t)).find((l) => /^\s+tape\.watch\(weights\);$/.test(l)), 10_000);
      assert.match(watchLine, /^ {2}tape\.watch\(weights\);$/);
      // The edit cleared the warning; the next run finds nothing to warn about.
      await until('the warning to clear', async () => (await squiggle.count()) === 0, 10_000);
      await computeFromPalette(t);
      await t.openFile('unwatched.grad.ts');
      await t.screenshot('after-quick-fix-and-rerun');
      assert.equal(await squiggle.count(), 0);
    },
  },
  {
    // Trust off: when a folder is trusted only after the window opened (the 'trusted' mode), the TypeScript
    // extension of this code-server keeps its restricted-mode language features in the page.
    name: 'types without setup: hovering tf.constant shows its declaration; completions after tf. list GradientTape',
    workspace: 'editor',
    trust: 'disabled',
    timeoutMs: 150_000,
    async run(t) {
      await t.openFile('types.grad.ts');
      // tsserver starts with the first TypeScript file; the hover answers once it has loaded the engine's types.
      const hover = await until('the TypeScript hover for constant', async () => {
        const text = await t.hover('constant', { timeoutMs: 10_000 }).catch(() => '');
        return /constant\(value/.test(text) ? text : undefined;
      }, 90_000, 1_000);
      await t.screenshot('typescript-hover-constant');
      assert.match(hover, /constant\(value: .*\): tf\.Tensor/s);

      // A new last line, then `tf.` as a person types it.
      await t.page.mouse.move(0, 0);
      await t.page.locator('.editor-group-container.active .monaco-editor .view-lines').first().click();
      await t.page.keyboard.press('Control+End');
      await t.page.keyboard.press('Enter');
      await t.page.keyboard.type('tf.', { delay: 100 });
      const suggest = t.page.locator('.editor-widget.suggest-widget.visible .monaco-list-row');
      const labels = await until('a completion list with GradientTape', async () => {
        const rows = await suggest.allInnerTexts();
        if (rows.some((r) => /GradientTape/.test(r))) return rows;
        await t.page.keyboard.press('Control+Space');
        return undefined;
      }, 30_000, 1_000);
      await t.screenshot('completions-after-tf');
      assert.ok(labels.some((r) => /GradientTape/.test(r)), labels.join(' | '));
      await t.page.keyboard.press('Escape');
    },
  },
  {
    name: 'from the .vsix: the TypeScript plugin ships inside it and types tf.constant',
    extension: 'vsix',
    workspace: 'editor',
    trust: 'disabled',
    timeoutMs: 150_000,
    async run(t) {
      await t.openFile('types.grad.ts');
      const hover = await until('the TypeScript hover for constant', async () => {
        const text = await t.hover('constant', { timeoutMs: 10_000 }).catch(() => '');
        return /constant\(value/.test(text) ? text : undefined;
      }, 90_000, 1_000);
      await t.screenshot('vsix-typescript-hover-constant');
      assert.match(hover, /constant\(value: .*\): tf\.Tensor/s);
    },
  },
  {
    name: 'a run longer than half a second shows a progress notification whose Cancel stops it',
    workspace: 'editor',
    trust: 'disabled',
    timeoutMs: 120_000,
    async run(t) {
      await t.openFile('slow.grad.ts');
      await t.runCommand(RUN);
      await until('the status bar to show the run', async () => (await t.statusBarItems()).some((s) => /GradTape: running/.test(s)), 10_000);
      // This headless page gets no toasts while it lacks window focus; the notification center lists the progress.
      await new Promise((r) => setTimeout(r, 700));
      await t.runCommand('Notifications: Show Notifications');
      await t.screenshot('notification-center');
      const item = t.page.locator('.notifications-center .notification-list-item', { hasText: 'GradTape: running slow.grad.ts' });
      await item.first().waitFor({ state: 'visible', timeout: scaled(10_000) });
      await t.screenshot('progress-notification');
      await item.locator('.monaco-button', { hasText: 'Cancel' }).first().click();
      const status = await until('the status bar to say cancelled', async () => (await t.statusBarItems()).find((s) => /GradTape: cancelled/.test(s)), 10_000);
      assert.match(status, /cancelled/);
      await item.first().waitFor({ state: 'hidden', timeout: scaled(10_000) });
      await t.screenshot('cancelled');
    },
  },
  {
    name: 'in an untrusted workspace nothing runs: the command says why and offers Manage Workspace Trust',
    workspace: 'editor',
    trust: 'untrusted',
    timeoutMs: 120_000,
    async run(t) {
      await t.openFile('training.grad.ts');
      await t.runCommand(RUN);
      // A modal dialog: the person asked for a run, so the reason is shown in front, not in the notification center.
      const dialog = t.page.locator('.monaco-dialog-box');
      await dialog.first().waitFor({ state: 'visible', timeout: scaled(20_000) });
      const text = await dialog.first().innerText();
      assert.match(text, /GradTape runs scratch files only in a trusted workspace/);
      assert.match(text, /executes the file's code/);
      const button = dialog.locator('.monaco-button', { hasText: 'Manage Workspace Trust' });
      await button.first().waitFor({ state: 'visible', timeout: scaled(5_000) });
      await t.screenshot('untrusted-refusal');
      assert.ok(!(await t.statusBarItems()).some((s) => /GradTape \d+ ms/.test(s)), 'no run finished');
      // Nothing ran, so no panel opened beside the editor (a run opens it, during or after).
      assert.equal(await t.page.locator('.tabs-container .tab', { hasText: 'Gradients: training.grad.ts' }).count(), 0, 'no GradTape panel');
      await button.first().click();
      await t.page.locator('.workspace-trust-editor').first().waitFor({ state: 'visible', timeout: scaled(15_000) });
      await t.screenshot('manage-workspace-trust');
    },
  },
];
