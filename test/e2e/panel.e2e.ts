// The panel end to end, in code-server and Chromium: run the seed training example, see its tape as a
// graph with values and gradients, the loss curve's three points, click a node to reveal its line
// (in the editor's group, never the panel's), read the finite-difference check; screenshots in dark,
// light and both high-contrast themes; a keyboard-only pass; the check through ops whose attributes
// the Trace lacks; and the drawing figures (run-to-panel, a 10,000-node tape, a 100,000-point curve)
// measured in the real webview.
import assert from 'node:assert/strict';
import type { FrameLocator } from 'playwright-core';
import { panelFor, renderedCount, until, type E2E, type E2ETest } from './harness';
import { scaled } from '../loadScaledTimeouts';
import { AA_TEXT, contrastRatio, parseColor } from '../../webview/model/contrast';
import { MIN_TEXT_PX, overlaps, type Box } from '../../webview/model/viewport';

const RUN = 'GradTape: Compute Gradients';

/** Runs Compute Gradients and waits until the panel has drawn a new run; returns the panel. */
export async function runAndWaitForPanel(t: E2E, file: string, timeoutMs = 90_000): Promise<FrameLocator> {
  // Into the editor (first group) first, as a person clicks the code: Quick Open opens a file in the
  // active group, which after a click in the panel would be the panel's own.
  await t.page.keyboard.press('Control+1');
  await openFileRetrying(t, file);
  const before = await renderedCount(t, file);
  await t.runCommand(RUN);
  // A run: a panel opened while the run goes on first draws "No run yet" (a render too, with no
  // command time stamped), then the run.
  const drewRun = async (): Promise<boolean> => {
    if ((await renderedCount(t, file)) <= before) return false;
    const body = (await panelFor(t, file))?.locator('body');
    return !!(await body?.getAttribute('data-command-at', { timeout: 1_000 }).catch(() => null));
  };
  await until(`the panel to draw the run of ${file}`, drewRun, timeoutMs, 250);
  return (await panelFor(t, file))!;
}

/**
 * Quick Open, tried again when another file came up (with many recently opened files Quick Open
 * sometimes takes Enter before its list has settled on the typed name).
 */
async function openFileRetrying(t: E2E, file: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await t.openFile(file);
      return;
    } catch (e) {
      if (attempt >= 3) throw e;
      await t.page.keyboard.press('Escape');
    }
  }
}

/**
 * Preferences: Color Theme, then pick the theme whose label matches `name` in the theme list (a
 * second quick pick). A pattern allows for labels that changed between VS Code versions
 * ("Default High Contrast" became "Dark High Contrast").
 */
export async function setTheme(t: E2E, name: string | RegExp, query = typeof name === 'string' ? name : 'High Contrast'): Promise<void> {
  const title = 'Preferences: Color Theme';
  const rows = await t.paletteItems(title);
  const row = rows.findIndex((r) => r === title || r.startsWith(`${title},`));
  assert.ok(row >= 0, `${title} in ${rows.join(' | ')}`);
  for (let i = 0; i < row; i++) await t.page.keyboard.press('ArrowDown');
  await t.page.keyboard.press('Enter');
  await until(`the theme list`, async () => (await t.quickInputRows()).some((r) => /Dark|Light/.test(r)), 10_000);
  await t.page.keyboard.type(query);
  const fits = (r: string) => (typeof name === 'string' ? r.startsWith(name) : name.test(r));
  const at = await until(`the theme list to offer ${name}`, async () => {
    const i = (await t.quickInputRows()).findIndex(fits);
    return i >= 0 ? i + 1 : undefined;
  }, 10_000);
  for (let i = 1; i < at; i++) await t.page.keyboard.press('ArrowDown');
  await t.page.keyboard.press('Enter');
  await t.quickInput.waitFor({ state: 'hidden', timeout: scaled(10_000) });
}

/** The tab labels of each editor group, left to right. */
async function groupTabs(t: E2E): Promise<string[][]> {
  return t.page.locator('.editor-group-container').evaluateAll((groups) =>
    groups.map((g) => [...g.querySelectorAll('.tabs-container .tab')].map((tab) => (tab.getAttribute('aria-label') ?? '').split(',')[0].trim())));
}

/** After a reveal: the panel's group holds the panel alone, and the file is open in another group. */
async function assertPanelGroupAlone(t: E2E, file: string): Promise<void> {
  const groups = await groupTabs(t);
  const panelTitle = `Gradients: ${file}`;
  const mine = groups.find((g) => g.includes(panelTitle));
  assert.deepEqual(mine, [panelTitle], `the panel's group holds only the panel: ${JSON.stringify(groups)}`);
  assert.ok(groups.some((g) => g !== mine && g.includes(file)), `${file} in another group: ${JSON.stringify(groups)}`);
}

/** What has the keyboard focus inside the panel: its accessible name (or text, or tag). */
async function focused(panel: FrameLocator): Promise<string> {
  return panel.locator('body').evaluate(() => {
    const a = document.activeElement as HTMLElement | null;
    if (!a || a === document.body) return 'body';
    return a.getAttribute('aria-label') || a.textContent?.trim() || a.tagName.toLowerCase();
  });
}

/** What the graph drew in its last frame, read from the page (GraphView exposes it for these checks). */
export interface Drawn {
  box: Box; width: number; height: number; k: number;
  texts: (Box & { px: number; text: string })[];
  heat: string[]; text: string; dim: string; warn: string; bg: string; ok: string | null; layout: string; nodes: number;
}

async function drawn(frame: FrameLocator): Promise<Drawn> {
  return frame.locator('body').evaluate(() => {
    const g = (window as unknown as { gradtapeGraph: { screenBounds(): { box: Box; width: number; height: number; k: number }; textDrawn: Drawn['texts']; palette: Record<string, string | string[]> } }).gradtapeGraph;
    const ok = document.querySelector('.status.ok');
    return {
      ...g.screenBounds(), texts: g.textDrawn, heat: g.palette.heat as string[], text: g.palette.text as string, dim: g.palette.dim as string, warn: g.palette.warn as string,
      bg: getComputedStyle(document.body).getPropertyValue('--vscode-editor-background').trim(), ok: ok ? getComputedStyle(ok).color : null,
      layout: document.body.dataset.graphLayout ?? '', nodes: Number(document.body.dataset.nodes ?? 0),
    };
  });
}

/**
 * The graph reads at a glance: the fitted picture lies inside the canvas, no drawn text is smaller
 * than MIN_TEXT_PX, no two labels overlap, and the gradient scale and status colours meet AA on the
 * panel's background. Waits for the view to settle (dagre's layout replaces the first one), then checks.
 */
export async function assertLegible(frame: FrameLocator, what: string): Promise<Drawn> {
  const d = await until(`${what}: the fitted graph inside the canvas`, async () => {
    const x = await drawn(frame);
    const inside = x.width > 0 && x.box.x >= -0.5 && x.box.y >= -0.5 && x.box.x + x.box.w <= x.width + 0.5 && x.box.y + x.box.h <= x.height + 0.5;
    return inside && x.texts.length ? x : undefined;
  }, 15_000, 250);
  const small = d.texts.filter((t) => t.px < MIN_TEXT_PX);
  assert.deepEqual(small.map((t) => `${t.text} ${t.px}px`), [], `${what}: text below ${MIN_TEXT_PX} px`);
  const clash = overlaps(d.texts);
  assert.deepEqual(clash.map(([a, b]) => `${d.texts[a].text} / ${d.texts[b].text}`), [], `${what}: overlapping labels`);
  const bg = parseColor(d.bg)!;
  assert.ok(bg, `${what}: background ${d.bg}`);
  for (const c of [...d.heat, d.text, d.dim, d.warn, ...(d.ok ? [d.ok] : [])]) {
    const r = contrastRatio(parseColor(c, bg)!, bg);
    assert.ok(r >= AA_TEXT, `${what}: ${c} on ${d.bg} is ${r.toFixed(2)}:1`);
  }
  return d;
}

/** The programs the legibility test runs: the examples and the panel's fixtures (copies.json). */
const LEGIBLE_FILES = ['squared.grad.ts', 'watch.grad.ts', 'training.grad.ts', 'mlp.grad.ts', 'hessian.grad.ts', 'rnn.grad.ts', 'left-engine.grad.ts'];

/** The side-bar Tape view's frame once it has drawn a run of `file` (it follows the active file). */
async function sideBarView(t: E2E, file: string): Promise<FrameLocator> {
  return until(`the side-bar view to draw ${file}`, async () => {
    const outers = t.page.locator('iframe.webview.ready');
    for (let i = 0; i < (await outers.count()); i++) {
      const inner = outers.nth(i).contentFrame().locator('iframe#active-frame').contentFrame();
      const body = inner.locator('body[data-mode="view"]');
      if ((await body.count().catch(() => 0)) === 0) continue;
      const title = await inner.locator('header.top h1').innerText({ timeout: 1_000 }).catch(() => '');
      if (title === file && Number((await body.getAttribute('data-rendered', { timeout: 1_000 }).catch(() => null)) ?? 0) > 0) return inner;
    }
    return undefined;
  }, 30_000);
}

export const tests: E2ETest[] = [
  {
    name: 'the panel shows the seed training tape: nodes with values and gradients, 3 loss points, click reveals the line, finite differences agree',
    workspace: 'panel',
    timeoutMs: 240_000,
    async run(t) {
      await setTheme(t, 'Dark Modern');
      await t.page.keyboard.press('Control+B'); // hide the side bar: more room for editor and panel
      const panel = await runAndWaitForPanel(t, 'training.grad.ts');
      await until('the panel in the dark theme', async () => /vscode-dark/.test((await panel.locator('body').getAttribute('class')) ?? ''), 10_000);
      const body = panel.locator('body');
      // The page's content security policy, as panelHtml.ts builds it.
      const csp = (await panel.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content')) ?? '';
      assert.match(csp, /^default-src 'none'; /);
      assert.match(csp, /script-src 'nonce-[0-9a-f]{32}'$/, 'scripts only by nonce');
      assert.doesNotMatch(csp, /unsafe/);
      // Remote sources only as VS Code's own webview.cspSource (its resource CDN), nothing else.
      for (const src of csp.match(/https?:[^\s;]+/g) ?? []) assert.match(src, /^https:\/\/\*\.vscode-cdn\.net$/);
      // The graph (a canvas) has a text twin for screen readers: read the nodes from it.
      const nodes = await panel.locator('.node-list button').allTextContents();
      const matmul = nodes.find((n) => /MatMul/.test(n));
      const sqdiff = nodes.find((n) => /SquaredDifference/.test(n));
      assert.ok(matmul, `a MatMul node among ${nodes.join(' | ')}`);
      assert.ok(sqdiff, `a SquaredDifference node among ${nodes.join(' | ')}`);
      // The last step is shown: output = x·w = 1.0781, ∂loss/∂output = 1.3562; loss = 0.45982, ∂loss/∂loss = 1.
      assert.match(matmul, /^output, MatMul, shape \(1, 1\), value 1\.0781, gradient 1\.3562, line 13$/);
      assert.match(sqdiff, /^loss, SquaredDifference, shape \(1, 1\), value 0\.45982, gradient 1, line 14$/);
      assert.match(nodes.find((n) => n.startsWith('weights'))!, /gradient \[5\.4248, 2\.0343\]/);
      // The runner's names for the loop variable and the unrecorded reshape's result.
      assert.ok(nodes.some((n) => n.startsWith('y, Constant')), nodes.join(' | '));
      assert.ok(nodes.some((n) => n.startsWith('reshape(x), Tensor')), nodes.join(' | '));
      // Steps as TensorFlow numbers them, from 0, with the range: one numbering in the whole panel.
      assert.equal(await panel.locator('.steps .step-label').innerText(), 'step 2 of 0–2');
      assert.match(await panel.locator('.tapebar .chip').first().innerText(), /step 2 of 0–2/);
      await t.screenshot('panel-dark-graph');

      // Scrubbing to the first step shows its numbers.
      await panel.locator('.steps input[type=range]').fill('0');
      await until('step 0 in the graph', async () => (await panel.locator('.node-list button').allTextContents()).some((n) => /^output, MatMul, .* value 4\.25, gradient 7,/.test(n)), 10_000);
      assert.equal(await panel.locator('.steps .step-label').innerText(), 'step 0 of 0–2');
      assert.equal(await panel.locator('.steps input[type=range]').getAttribute('aria-valuetext'), 'step 0 of 0 to 2');

      // Clicking the MatMul node on the canvas selects it and reveals its line in the editor.
      const button = panel.locator('.node-list button', { hasText: 'MatMul' });
      const cx = Number(await button.getAttribute('data-cx'));
      const cy = Number(await button.getAttribute('data-cy'));
      await panel.locator('.graph canvas').click({ position: { x: cx, y: cy } });
      await until('the editor cursor on line 13', async () => (await t.statusBarItems()).find((s) => /Ln 13, Col \d+/.test(s)), 10_000);
      assert.equal(await t.activeTabTitle(), 'training.grad.ts');
      // Revealed in the editor that showed the file, not as a second tab over the panel.
      await assertPanelGroupAlone(t, 'training.grad.ts');
      // The cursor now sits on line 13: the panel highlights the nodes recorded there.
      await until('the MatMul node highlighted for the cursor line', async () => (await button.getAttribute('data-highlighted')) === 'true', 10_000);
      // The inspector: the op's derivative and a finite-difference check that agrees with autodiff.
      await panel.locator('.inspector h2', { hasText: 'output' }).waitFor({ timeout: scaled(10_000) });
      assert.match(await panel.locator('.inspector .math').innerText(), /∂L\/∂b = aᵀ · ∂L\/∂out/);
      const fd = panel.locator('.inspector [data-fd]');
      assert.equal(await fd.getAttribute('data-fd'), 'agrees', await fd.innerText());
      assert.match(await panel.locator('.inspector table.fd').innerText(), /7\s+7\s/);
      await t.screenshot('panel-dark-inspector');
      // The panel alone, inspector scrolled to the check: the picture for the README (docs/images/).
      await panel.locator('.side-pane').evaluate((pane) => {
        const chain = [...pane.querySelectorAll('section.insp')].find((x) => x.textContent?.startsWith('Local derivative'));
        if (chain) pane.scrollTop = (chain as HTMLElement).offsetTop - (pane as HTMLElement).offsetTop - 8;
      });
      await t.page.locator('iframe.webview.ready').first().screenshot({ path: `${t.artifactsDir}/panel-only-dark.png` });

      // The loss curve: one chart with three points.
      await panel.getByRole('tab', { name: 'Curves' }).click();
      await panel.locator('.curve-card[data-points="3"] canvas').first().waitFor({ timeout: scaled(10_000) });
      assert.equal(await panel.locator('.curve-card').count(), 1);
      // The readout under the cursor counts steps as TensorFlow does, from 0: the last point is step 2.
      const over = panel.locator('.curve-card .u-over').first();
      const ob = (await over.boundingBox())!;
      await over.hover({ position: { x: ob.width - 1, y: ob.height / 2 } });
      await until('the readout at the last point', async () => /^step 2 {3}value 0\.45981/.test(await panel.locator('.curve-card .readout').first().innerText()), 5_000);
      await t.screenshot('panel-dark-curves');
      await panel.getByRole('tab', { name: 'Backward pass' }).click();
      await panel.locator('.walk').getByText('✓ = recorded').first().waitFor({ timeout: scaled(10_000) });
      await t.screenshot('panel-dark-backward');
      await panel.getByRole('tab', { name: 'Graph' }).click();

      // Run again with the panel open: the warm run-to-panel time (host stores the run → panel drawn).
      const warm: number[] = [];
      for (let i = 0; i < 3; i++) {
        await runAndWaitForPanel(t, 'training.grad.ts');
        warm.push(Number(await body.getAttribute('data-run-to-panel-ms')));
      }
      console.log(`[panel figures] run-to-panel (seed training file, warm): ${warm.join(', ')} ms; panel draw ${await body.getAttribute('data-draw-ms')} ms`);

      await t.page.keyboard.press('Control+1'); // focus the editor group (the palette is not for the webview)
      await setTheme(t, 'Light Modern');
      await until('the panel to repaint in the light theme', async () => /vscode-light/.test((await body.getAttribute('class')) ?? ''), 10_000);
      await t.page.waitForTimeout(500);
      await panel.locator('.node-list button', { hasText: 'MatMul' }).dispatchEvent('click'); // the screen-reader list: not visible, so no mouse
      await assertPanelGroupAlone(t, 'training.grad.ts');
      await t.screenshot('panel-light-inspector');
      await panel.locator('.side-pane').evaluate((pane) => {
        const chain = [...pane.querySelectorAll('section.insp')].find((x) => x.textContent?.startsWith('Local derivative'));
        if (chain) pane.scrollTop = (chain as HTMLElement).offsetTop - (pane as HTMLElement).offsetTop - 8;
      });
      await t.page.locator('iframe.webview.ready').first().screenshot({ path: `${t.artifactsDir}/panel-only-light.png` });
      await panel.getByRole('tab', { name: 'Curves' }).click();
      await t.screenshot('panel-light-curves');
      await panel.getByRole('tab', { name: 'Graph' }).click();

      // The side-bar view shows the same viewer for the active scratch file.
      await t.page.keyboard.press('Control+1');
      await t.runCommand('GradTape: Focus on Tape View');
      const view = await until('the side-bar view to draw the run', async () => {
        const outers = t.page.locator('iframe.webview.ready');
        for (let i = 0; i < (await outers.count()); i++) {
          const inner = outers.nth(i).contentFrame().locator('iframe#active-frame').contentFrame();
          if (Number((await inner.locator('body[data-mode="view"]').getAttribute('data-rendered', { timeout: 1_000 }).catch(() => null)) ?? 0) > 0) return inner;
        }
        return undefined;
      }, 20_000);
      assert.ok((await view.locator('.node-list button').allTextContents()).some((n) => /^output, MatMul/.test(n)));
      await t.screenshot('panel-light-sidebar-view');

      // After a window reload the panel comes back (its serializer) and draws the file's run again.
      await t.page.reload();
      await t.ready();
      await until('the restored panel to draw', async () => (await renderedCount(t, 'training.grad.ts')) > 0, 60_000);
      const restored = (await panelFor(t, 'training.grad.ts'))!;
      // The extension host restarted with no runs; the panel kept its last (small) run and says so.
      assert.ok((await restored.locator('.node-list button').allTextContents()).some((n) => /^output, MatMul/.test(n)));
      assert.match(await restored.locator('header.top').innerText(), /from before the window reload/);
      await t.screenshot('panel-restored-after-reload');
    },
  },
  {
    name: 'high-contrast themes, and a keyboard-only pass: Tab through tabs, scrubber, graph and inspector; arrows move between nodes, Enter reveals, Escape clears search',
    workspace: 'panel',
    timeoutMs: 240_000,
    async run(t) {
      await setTheme(t, /^(Dark High Contrast|Default High Contrast)(?! Light)\b/);
      await t.page.keyboard.press('Control+B');
      const panel = await runAndWaitForPanel(t, 'training.grad.ts');
      const body = panel.locator('body');
      await until('the panel in the dark high-contrast theme', async () => {
        const c = (await body.getAttribute('class')) ?? '';
        return /vscode-high-contrast\b/.test(c) && !/vscode-high-contrast-light/.test(c);
      }, 10_000);

      // Keyboard only from here: Ctrl+2 puts the focus in the panel's group, the webview.
      await t.page.keyboard.press('Control+2');
      await until('the focus inside the panel', async () => (await panel.locator('body').evaluate(() => document.hasFocus())) || undefined, 10_000);
      const order: string[] = [];
      for (let i = 0; i < 14 && !/^Tape graph/.test(order[order.length - 1] ?? ''); i++) {
        await t.page.keyboard.press('Tab');
        order.push(await focused(panel));
      }
      // Tabs (one stop: the selected tab), the scrubber, the graph's tools, then the graph.
      const at = (label: string | RegExp) => order.findIndex((o) => (typeof label === 'string' ? o === label : label.test(o)));
      const stops = ['Graph', 'training step', 'fit', 'search nodes', /^Tape graph/];
      const idx = stops.map(at);
      assert.ok(idx.every((i) => i >= 0), `Tab order ${JSON.stringify(order)} lacks one of ${stops.join(', ')}`);
      assert.deepEqual([...idx].sort((a, b) => a - b), idx, `Tab order ${JSON.stringify(order)}`);
      assert.equal(order.filter((o) => /^(Backward pass|Curves|Console)$/.test(o)).length, 0, 'unselected tabs are reached with the arrow keys, not Tab');
      // On the graph, Home selects the first node; the next Tab stop is in its inspector, and back.
      await t.page.keyboard.press('Home');
      await until('weights selected', async () => (await panel.locator('.inspector h2').innerText()).startsWith('weights'), 5_000);
      await t.page.keyboard.press('Tab');
      assert.ok(await panel.locator('body').evaluate(() => !!document.activeElement?.closest('.inspector')), `after the graph, the inspector: ${await focused(panel)}`);
      await t.page.keyboard.press('Shift+Tab');
      assert.match(await focused(panel), /^Tape graph/);
      await t.page.keyboard.press('ArrowRight');
      await until('output selected', async () => (await panel.locator('.inspector h2').innerText()).startsWith('output'), 5_000);
      await t.page.keyboard.press('ArrowRight');
      await until('loss selected', async () => (await panel.locator('.inspector h2').innerText()).startsWith('loss'), 5_000);
      await t.page.keyboard.press('ArrowLeft');
      await until('an input of loss selected', async () => /^(y|output)\b/.test(await panel.locator('.inspector h2').innerText()), 5_000);
      await t.screenshot('panel-hc-dark-keyboard');
      // Enter reveals the node's line in the editor.
      // The node's own line, as its inspector links it (a loop variable's is the for-of line).
      const line = Number(/line (\d+)/.exec(await panel.locator('.inspector .insp-head').innerText())?.[1]);
      assert.ok(line > 0);
      await t.page.keyboard.press('Enter');
      await until(`the editor cursor on line ${line}`, async () => (await t.statusBarItems()).find((s) => new RegExp(`Ln ${line}, Col \\d+`).test(s)), 10_000);
      await assertPanelGroupAlone(t, 'training.grad.ts');
      // Back into the panel: the search (Shift+Tab from the graph), Enter finds, Escape clears.
      await t.page.keyboard.press('Control+2');
      await until('the focus back inside the panel', async () => (await panel.locator('body').evaluate(() => document.hasFocus())) || undefined, 10_000);
      // The focus comes back to where it was: the graph.
      await until('the focus back on the graph', async () => /^Tape graph/.test(await focused(panel)) || undefined, 5_000);
      for (let i = 0; i < 12 && (await focused(panel)) !== 'search nodes'; i++) await t.page.keyboard.press(/^Tape graph/.test(await focused(panel)) ? 'Shift+Tab' : 'Tab');
      assert.equal(await focused(panel), 'search nodes');
      await t.page.keyboard.type('loss');
      await until('one match', async () => (await panel.locator('.graph-tools .num').innerText()) === '1 found', 5_000);
      await t.page.keyboard.press('Enter');
      await until('loss selected by search', async () => (await panel.locator('.inspector h2').innerText()).startsWith('loss'), 5_000);
      await t.page.keyboard.press('Escape');
      await until('the search cleared', async () => (await panel.locator('input.search').inputValue()) === '' && (await panel.locator('.graph-tools .num').innerText()) === '', 5_000);
      assert.equal(await focused(panel), 'search nodes', 'Escape clears, the focus stays');
      // The tabs with the arrow keys.
      await t.page.keyboard.press('Shift+Tab');
      for (let i = 0; i < 8 && (await focused(panel)) !== 'Graph'; i++) await t.page.keyboard.press('Shift+Tab');
      assert.equal(await focused(panel), 'Graph');
      await t.page.keyboard.press('ArrowRight');
      await until('the Backward pass tab', async () => (await panel.getByRole('tab', { name: 'Backward pass' }).getAttribute('aria-selected')) === 'true', 5_000);
      assert.equal(await focused(panel), 'Backward pass');
      await t.page.keyboard.press('ArrowLeft');
      // The scrubber by keyboard: Tab from the tabs reaches ◀; stepping keeps the focus (the bar is
      // updated in place), and when ◀ runs out at step 1 the focus moves to the slider, whose arrows step.
      await t.page.keyboard.press('Tab');
      assert.equal(await focused(panel), 'previous step');
      await t.page.keyboard.press('Enter');
      await until('step 1', async () => (await panel.locator('.steps .step-label').innerText()) === 'step 1 of 0–2', 5_000);
      assert.equal(await focused(panel), 'previous step');
      await t.page.keyboard.press('Enter');
      await until('step 0', async () => (await panel.locator('.steps .step-label').innerText()) === 'step 0 of 0–2', 5_000);
      assert.equal(await focused(panel), 'training step');
      await t.page.keyboard.press('ArrowRight');
      await until('step 1 by the slider', async () => (await panel.locator('.steps .step-label').innerText()) === 'step 1 of 0–2', 5_000);
      assert.equal(await focused(panel), 'training step');
      await t.page.keyboard.press('End');
      await until('step 2 again', async () => (await panel.locator('.steps .step-label').innerText()) === 'step 2 of 0–2', 5_000);
      await panel.locator('.node-list button', { hasText: 'MatMul' }).dispatchEvent('click');
      await t.screenshot('panel-hc-dark-inspector');
      await t.page.locator('iframe.webview.ready').first().screenshot({ path: `${t.artifactsDir}/panel-only-hc-dark.png` });
      await panel.getByRole('tab', { name: 'Curves' }).dispatchEvent('click');
      await t.screenshot('panel-hc-dark-curves');
      await panel.getByRole('tab', { name: 'Graph' }).dispatchEvent('click');

      await t.page.keyboard.press('Control+1');
      await setTheme(t, /^(Light High Contrast|Default High Contrast Light)\b/);
      await until('the panel in the light high-contrast theme', async () => /vscode-high-contrast-light/.test((await body.getAttribute('class')) ?? ''), 10_000);
      await t.page.waitForTimeout(500);
      await t.screenshot('panel-hc-light-inspector');
      await t.page.locator('iframe.webview.ready').first().screenshot({ path: `${t.artifactsDir}/panel-only-hc-light.png` });
      await panel.getByRole('tab', { name: 'Curves' }).dispatchEvent('click');
      await t.screenshot('panel-hc-light-curves');

      // The finite-difference check through ops with attributes: the inspector shows them as the
      // trace recorded them, and the engine's check (replaying the real ops) agrees with autodiff.
      const shapes = await runAndWaitForPanel(t, 'shapes.grad.ts');
      await shapes.getByRole('tab', { name: 'Graph' }).dispatchEvent('click');
      const expected: [string, string | null][] = [
        ['joined', 'axis 1'], ['stacked', 'axis 1'], ['cut', 'begin [0, 1], size [2, 3]'], ['picked', 'axis 1'],
        ['tiled', 'multiples [2, 1]'], ['padded', 'paddings [[1, 0], [0, 2]]'], ['xent', null], ['bmm', 'transposeA false, transposeB false'],
      ];
      for (const [name, note] of expected) {
        await shapes.locator('.node-list button', { hasText: new RegExp(`^${name}, `) }).dispatchEvent('click');
        await until(`${name} in the inspector`, async () => (await shapes.locator('.inspector h2').innerText()).startsWith(name), 5_000);
        const fd = shapes.locator('.inspector [data-fd]');
        await fd.waitFor({ timeout: scaled(10_000) });
        if (note === null) assert.equal(await shapes.locator('.inspector [data-attrs]').count(), 0, `${name}: no attributes`);
        else assert.equal(await shapes.locator('.inspector [data-attrs]').getAttribute('data-attrs'), note, name);
        assert.equal(await fd.getAttribute('data-fd'), 'agrees', `${name}: ${await fd.innerText()}`);
      }
      await shapes.locator('.side-pane').evaluate((pane) => {
        const s = [...pane.querySelectorAll('section.insp')].find((x) => x.textContent?.startsWith('Local derivative'));
        if (s) pane.scrollTop = (s as HTMLElement).offsetTop - (pane as HTMLElement).offsetTop - 8;
      });
      await t.screenshot('panel-hc-light-recorded-attributes');
    },
  },
  {
    name: 'the panel draws a 10,000-node tape and a 100,000-point curve (figures for BENCHMARKS.md)',
    workspace: 'panel',
    timeoutMs: 400_000,
    async run(t) {
      const started = Date.now();
      const big = await runAndWaitForPanel(t, 'big.grad.ts', 240_000).catch((e) => {
        console.log(t.logs.filter((l) => /panel|gradtape/i.test(l)).slice(-20).join('\n'));
        throw e;
      });
      console.log(`[panel figures] big.grad.ts: command to panel drawn ${Date.now() - started} ms`);
      const nodes = Number(await big.locator('body').getAttribute('data-nodes'));
      assert.ok(nodes >= 10_000, `${nodes} nodes drawn`);
      const draw = Number(await big.locator('body').getAttribute('data-draw-ms'));
      // The loop inside the tape is drawn folded: one group, `2500 × (MatMul, Add, Tanh, Mul)`.
      assert.ok(Number(await big.locator('body').getAttribute('data-drawn-nodes')) < 10, 'folded');
      const group = big.locator('.node-list button', { hasText: /^2500 × / });
      await t.screenshot('panel-10000-nodes-folded');
      // Opened (select it, then the inspector's button), all 10,000 ops are drawn: the pan and zoom
      // figures are for those.
      await group.dispatchEvent('click');
      await big.getByRole('button', { name: 'open the group' }).click();
      await until('the group to open', async () => Number(await big.locator('body').getAttribute('data-drawn-nodes')) >= 10_000, 20_000);
      await big.getByRole('button', { name: 'fit' }).click();
      await t.screenshot('panel-10000-nodes');
      // Pan and zoom with the mouse; each frame's draw time is kept on the body.
      const canvas = big.locator('.graph canvas');
      const box = (await canvas.boundingBox())!;
      const frames: number[] = [];
      for (let i = 0; i < 10; i++) {
        await t.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
        await t.page.mouse.wheel(0, i < 5 ? -300 : 300);
        await t.page.waitForTimeout(60);
        frames.push(Number(await big.locator('body').getAttribute('data-graph-frame-ms')));
      }
      frames.sort((a, b) => a - b);
      console.log(`[panel figures] 10,000-node tape: first draw ${draw} ms in the webview; pan/zoom frames median ${frames[5]} ms, max ${frames[9]} ms`);

      const curve = await runAndWaitForPanel(t, 'curve.grad.ts', 120_000);
      await curve.getByRole('tab', { name: 'Curves' }).click();
      // The trace keeps a curve within its row budget (src/runner/host/rowBudget.ts): 100,000 steps
      // arrive thinned evenly, with the header saying how many points went.
      const card = curve.locator('.curve-card canvas').first();
      await card.waitFor({ timeout: scaled(20_000) });
      const points = Number(await curve.locator('.curve-card').first().getAttribute('data-points'));
      assert.ok(points > 1000 && points <= 4000, `${points} points kept`);
      assert.match(await curve.locator('body').innerText(), /\d+ curve points thinned to fit the trace/);
      const ms = Number(await curve.locator('body').getAttribute('data-curves-ms'));
      await t.screenshot('panel-100000-points');
      console.log(`[panel figures] 100,000-step curve (${points} points kept): drawn in ${ms} ms in the webview`);
      assert.ok(ms > 0);
    },
  },
  {
    name: 'a long training loop reaches the panel in two parts: the last step drawn first, then steps, curves and console (figures for BENCHMARKS.md)',
    workspace: 'panel',
    timeoutMs: 400_000,
    async run(t) {
      const started = Date.now();
      const panel = await runAndWaitForPanel(t, 'long-loop.grad.ts', 300_000);
      const first = Date.now() - started;
      const body = panel.locator('body');
      const attr = async (k: string) => Number(await body.getAttribute(k));
      assert.match(await panel.locator('.steps .step-label').innerText(), /^step 19999 of 0–19999$/);
      await until('the rest of the run', async () => (await attr('data-complete')) >= (await attr('data-rendered')), 120_000, 100);
      // It came in two parts: only a rest filled in sets the rest's draw time.
      assert.ok((await body.getAttribute('data-rest-ms')) !== null, 'the host sent the run in two parts');
      const whole = Date.now() - started;
      console.log(`[panel figures] long-loop.grad.ts: command to first screen ${first} ms, to whole run ${whole} ms (polled); ` +
        `host post to first frame ${await attr('data-run-to-panel-ms')} ms, draw ${await attr('data-draw-ms')} ms; rest filled in ${(await attr('data-complete-at')) - (await attr('data-drawn-at'))} ms after the first frame`);
      await panel.getByRole('tab', { name: 'Console' }).click();
      await until('the console lines', async () => (await panel.locator('.console-pane ol.console li').count()) >= 200, 10_000);
      await panel.getByRole('tab', { name: 'Curves' }).click();
      await panel.locator('.curve-card canvas').first().waitFor({ timeout: scaled(20_000) });
      assert.equal(await panel.locator('.curve-card').count() >= 2, true, 'loss and grad_norm');
      await t.screenshot('panel-long-loop-curves');
      await panel.getByRole('tab', { name: 'Graph' }).click();
    },
  },
  {
    name: 'graphs read at a glance: fitted, text at least 10 px, no overlapping labels, AA colours — examples, MLP with Adam, nested Hessian, 1,600-op RNN, a broken chain; panel and side bar, two sizes, dark and light',
    workspace: 'panel',
    timeoutMs: 900_000,
    async run(t) {
      for (const theme of ['Dark Modern', 'Light Modern'] as const) {
        const tag = theme.startsWith('Dark') ? 'dark' : 'light';
        await t.page.keyboard.press('Control+1');
        await setTheme(t, theme);
        for (const [w, h] of [[1400, 900], [1100, 700]]) {
          await t.page.setViewportSize({ width: w, height: h });
          for (const file of LEGIBLE_FILES) {
            // One editor and its panel at a time: a crowd of tabs makes Quick Open unreliable at the small size.
            await t.runCommand('View: Close All Editors');
            const panel = await runAndWaitForPanel(t, file);
            await until(`${file}: the ${tag} theme`, async () => new RegExp(`vscode-${tag}`).test((await panel.locator('body').getAttribute('class')) ?? ''), 10_000);
            const d = await assertLegible(panel, `${file} in the panel, ${tag}, ${w}×${h}`);
            const nodes = await panel.locator('.node-list button').allTextContents();
            if (file === 'mlp.grad.ts') {
              // all 13 nodes, logits and loss among them, on screen and named
              assert.equal(nodes.length, 13, nodes.join(' | '));
              for (const name of ['logits', 'loss', 'hidden', 'w1', 'b2']) {
                const b = panel.locator('.node-list button', { hasText: new RegExp(`^${name},`) }).first();
                const cx = Number(await b.getAttribute('data-cx')), cy = Number(await b.getAttribute('data-cy'));
                assert.ok(cx > 0 && cy > 0 && cx < d.width && cy < d.height, `${name} at ${cx},${cy} in ${d.width}×${d.height}`);
                assert.ok(d.texts.some((x) => x.text === name), `${name} is written on the canvas`);
              }
            }
            if (file === 'rnn.grad.ts') {
              assert.ok(nodes.some((n) => n.startsWith('400 × (Mul, Mul, Add, Tanh), folded: 1600 ops')), nodes.join(' | '));
              assert.ok(d.texts.some((x) => x.text === '400 × (Mul, Mul, Add, Tanh)'), 'the group is labelled on the canvas');
              assert.ok(nodes.length <= 6, `the 1,601-op tape is drawn as ${nodes.length} nodes`);
            }
            if (file === 'left-engine.grad.ts') {
              assert.ok(nodes.some((n) => /^chain broken, arraySync\(\) :8: .*left the engine through arraySync\(\)/.test(n)), nodes.join(' | '));
              // w says why in words (the whole phrase, or its start on a small node: zooming in shows the rest)
              assert.ok(d.texts.some((x) => /^no gradient: left/.test(x.text) || x.text === 'no gradient:'), 'the source says why, in words');
              assert.ok(nodes.some((n) => /^w, Variable, .*gradient null, A value computed from the variable/.test(n)), nodes.join(' | '));
            }
            if (file === 'hessian.grad.ts') assert.ok(d.texts.some((x) => /^outer · line/.test(x.text)) && d.texts.some((x) => /^inner · line/.test(x.text)), 'both frame labels drawn');
            await t.screenshot(`${tag}-${w}x${h}-${file.replace('.grad.ts', '')}`);
          }
        }
        await t.page.setViewportSize({ width: 1400, height: 900 });

        // The MLP's 160 steps: ticks at the steps that kept a graph; a click on a scalars-only step
        // of the (one) loss curve goes to the nearest kept step and says so.
        await t.runCommand('View: Close All Editors');
        const mlp = await runAndWaitForPanel(t, 'mlp.grad.ts');
        assert.equal(await mlp.locator('.steps .step-label').innerText(), 'step 159 of 0–159');
        const ticks = await mlp.locator('.step-marks span').count();
        assert.ok(ticks > 1 && ticks < 160, `${ticks} ticks`);
        await mlp.getByRole('tab', { name: 'Curves' }).click();
        assert.equal(await mlp.locator('.curve-card').count(), 1, 'the target loss and tf.summary.scalar("loss") are one chart');
        assert.match(await mlp.locator('.curve-card h3').innerText(), /gradient target and tf\.summary\.scalar · 160 points/);
        const over = mlp.locator('.u-over').first();
        const box = (await over.boundingBox())!;
        const kept = (await mlp.locator('.step-marks span').evaluateAll((s) => s.map((x) => Number((x as HTMLElement).dataset.step))));
        const target = [...Array(160).keys()].find((s) => !kept.includes(s) && s > 100)!;
        await over.click({ position: { x: (box.width * target) / 159, y: box.height / 2 } });
        const said = await until('the readout to say which step', async () => {
          const r = await mlp.locator('.curve-card .readout').innerText();
          return /selected|showing/.test(r) ? r : undefined;
        }, 5_000);
        assert.match(said, /kept scalars only: showing step \d+, the nearest with a graph/);
        const shown = Number(/showing step (\d+)/.exec(said)![1]);
        assert.ok(kept.includes(shown), `${shown} in ${kept.join(',')}`);
        assert.equal(await mlp.locator('.steps .step-label').innerText(), `step ${shown} of 0–159`);
        await t.screenshot(`${tag}-mlp-curve`);
        await mlp.getByRole('tab', { name: 'Graph' }).click();
        await assertLegible(mlp, `mlp at step ${shown}`);

        // The side bar, two heights: the view follows the active file and fits it, top to bottom.
        await t.page.keyboard.press('Control+1');
        await t.runCommand('GradTape: Focus on Tape View');
        for (const file of ['training.grad.ts', 'mlp.grad.ts', 'hessian.grad.ts', 'rnn.grad.ts']) {
          await t.page.setViewportSize({ width: 1400, height: 900 });
          await t.runCommand('View: Close All Editors');
          await openFileRetrying(t, file);
          const view = await sideBarView(t, file);
          for (const [w, h] of [[1400, 900], [1100, 700]]) {
            await t.page.setViewportSize({ width: w, height: h });
            const d = await assertLegible(view, `${file} in the side bar, ${tag}, ${w}×${h}`);
            if (file !== 'rnn.grad.ts') assert.match(d.layout, /^TB /, `${file}: top to bottom in the narrow side bar`);
            await t.screenshot(`${tag}-sidebar-${w}x${h}-${file.replace('.grad.ts', '')}`);
          }
        }
        await t.page.setViewportSize({ width: 1400, height: 900 });
        await t.page.keyboard.press('Control+B'); // close the side bar again
      }
    },
  },
  {
    name: 'graphs read at a glance in both high-contrast themes: fitted, text at least 10 px, no overlapping labels, AA colours; panel and side bar',
    workspace: 'panel',
    timeoutMs: 600_000,
    async run(t) {
      const themes = [
        { name: /^(Dark High Contrast|Default High Contrast)(?! Light)\b/, tag: 'hc-dark', cls: /vscode-high-contrast(?!-light)/ },
        { name: /^(Light High Contrast|Default High Contrast Light)\b/, tag: 'hc-light', cls: /vscode-high-contrast-light/ },
      ];
      for (const theme of themes) {
        await t.page.keyboard.press('Control+1');
        await setTheme(t, theme.name);
        for (const file of ['training.grad.ts', 'mlp.grad.ts', 'hessian.grad.ts', 'rnn.grad.ts', 'left-engine.grad.ts']) {
          await t.runCommand('View: Close All Editors');
          const panel = await runAndWaitForPanel(t, file);
          await until(`${file}: the ${theme.tag} theme`, async () => theme.cls.test((await panel.locator('body').getAttribute('class')) ?? ''), 10_000);
          await assertLegible(panel, `${file} in the panel, ${theme.tag}`);
          await t.screenshot(`${theme.tag}-${file.replace('.grad.ts', '')}`);
        }
        await t.page.keyboard.press('Control+1');
        await t.runCommand('GradTape: Focus on Tape View');
        for (const file of ['mlp.grad.ts', 'hessian.grad.ts']) {
          await t.runCommand('View: Close All Editors');
          await openFileRetrying(t, file);
          const view = await sideBarView(t, file);
          await assertLegible(view, `${file} in the side bar, ${theme.tag}`);
          await t.screenshot(`${theme.tag}-sidebar-${file.replace('.grad.ts', '')}`);
        }
        await t.page.keyboard.press('Control+B'); // close the side bar again
      }
    },
  },
  {
    name: "the pin button shows the panel's state; a double click opens a folded group in the narrow side bar",
    workspace: 'panel',
    timeoutMs: 300_000,
    async run(t) {
      const panel = await runAndWaitForPanel(t, 'rnn.grad.ts');
      // The panel's title bar: an outlined pin while it follows the active file, a filled one once pinned.
      const panelGroup = t.page.locator('.editor-group-container').filter({ has: t.page.locator('.tab.active', { hasText: 'Gradients: rnn.grad.ts' }) });
      await panel.locator('.graph canvas').click({ position: { x: 5, y: 5 } }); // the panel active: its buttons show
      const pin = panelGroup.locator('.editor-actions a.action-label[aria-label^="Pin the Gradients Panel"]');
      await pin.waitFor({ timeout: scaled(10_000) });
      assert.match((await pin.getAttribute('class')) ?? '', /codicon-pin(?!ned)/);
      await t.screenshot('pin-following');
      await pin.click();
      const unpin = panelGroup.locator('.editor-actions a.action-label[aria-label^="Unpin the Gradients Panel"]');
      await unpin.waitFor({ timeout: scaled(10_000) });
      assert.match((await unpin.getAttribute('class')) ?? '', /codicon-pinned/);
      await until('the tab to say pinned', async () => (await t.tabTitles()).includes('Gradients: rnn.grad.ts (pinned)'), 10_000);
      await t.screenshot('pin-pinned');
      await unpin.click();
      await pin.waitFor({ timeout: scaled(10_000) });
      await until('the tab to follow again', async () => (await t.tabTitles()).includes('Gradients: rnn.grad.ts'), 10_000);

      // The narrow side bar: a double click on the folded RNN group opens it, three times over.
      await t.page.keyboard.press('Control+1');
      await t.runCommand('GradTape: Focus on Tape View');
      await openFileRetrying(t, 'rnn.grad.ts');
      const view = await sideBarView(t, 'rnn.grad.ts');
      const body = view.locator('body');
      for (let round = 0; round < 3; round++) {
        await until('the group folded', async () => Number(await body.getAttribute('data-drawn-nodes')) < 10, 20_000);
        const group = view.locator('.node-list button', { hasText: /^400 × \(Mul, Mul, Add, Tanh\)/ }).first();
        const x = Number(await group.getAttribute('data-cx')), y = Number(await group.getAttribute('data-cy'));
        const canvas = view.locator('.graph canvas');
        const width = (await canvas.boundingBox())!.width;
        assert.ok(width < 400, `a narrow pane: ${width} px`);
        await canvas.dblclick({ position: { x, y } });
        await until(`round ${round}: the group opened by the double click`, async () => Number(await body.getAttribute('data-drawn-nodes')) >= 1600, 30_000);
        if (round === 0) await t.screenshot('sidebar-group-opened');
        // Fold it again (the tape bar's button).
        const fold = view.locator('button', { hasText: 'Fold repeats' });
        await fold.waitFor({ timeout: scaled(10_000) });
        await fold.click();
      }
    },
  },
];
