// Keras at a glance in the panel (issue 13's "Done when": layers as frames): the iris example's MLP
// reads as three layer boxes titled as Keras names them, inside the model's frame, fitted, no text
// under 10 px; the Keras conv net opens its conv2d layer to its ops, and its feature maps show as a
// grid of images. Screenshots for a person to look at.
import assert from 'node:assert/strict';
import { until, type E2ETest } from './harness';
import { scaled } from '../loadScaledTimeouts';
import { assertLegible, runAndWaitForPanel, setTheme } from './panel.e2e';

export const tests: E2ETest[] = [
  {
    name: 'Keras glance: the iris MLP reads as dense (Dense), dense_1 (Dense), dense_2 (Dense) in a sequential frame, fitted, text at least 10 px; the conv net opens conv2d to feature-map images',
    workspace: 'panel',
    timeoutMs: 300_000,
    async run(t) {
      await setTheme(t, 'Dark Modern');
      await t.page.keyboard.press('Control+B'); // hide the side bar: more room for editor and panel
      await t.page.setViewportSize({ width: 1400, height: 900 });

      const iris = await runAndWaitForPanel(t, 'keras-iris.grad.ts');
      const d = await assertLegible(iris, 'keras-iris.grad.ts');
      const nodes = await iris.locator('.node-list button').allTextContents();
      for (const layer of ['dense (Dense)', 'dense_1 (Dense)', 'dense_2 (Dense)']) {
        assert.ok(nodes.some((n) => n.startsWith(`${layer}, folded: `)), `${layer} is one folded box: ${nodes.join(' | ')}`);
        assert.ok(d.texts.some((x) => x.text === layer), `${layer} is written on the canvas: ${d.texts.map((x) => x.text).join(' | ')}`);
      }
      assert.ok(d.texts.some((x) => x.text.startsWith('sequential (Sequential)')), `the model's frame is labelled: ${d.texts.map((x) => x.text).join(' | ')}`);
      // The layers' own ops are inside their boxes: the graph shows the inputs, three boxes and the loss.
      assert.deepEqual(nodes.filter((n) => /, (MatMul|Add|Relu), /.test(n)), [], 'no layer op drawn outside its box');
      assert.ok(nodes.length <= 9, `three layers read as a handful of boxes: ${nodes.join(' | ')}`);
      await t.screenshot('keras-iris-glance');

      await t.runCommand('View: Close All Editors');
      const conv = await runAndWaitForPanel(t, 'keras-conv.grad.ts');
      await assertLegible(conv, 'keras-conv.grad.ts');
      const layers = await conv.locator('.node-list button').allTextContents();
      for (const layer of ['conv2d (Conv2D)', 'max_pooling2d (MaxPooling2D)', 'flatten (Flatten)', 'dense (Dense)']) {
        assert.ok(layers.some((n) => n.startsWith(`${layer}, folded: `)), `${layer} is one folded box: ${layers.join(' | ')}`);
      }
      await t.screenshot('keras-conv-glance');
      // Double-click the conv2d box: its ops and weights are drawn in a frame titled by the layer.
      const box = conv.locator('.node-list button', { hasText: /^conv2d \(Conv2D\), folded: / });
      await conv.locator('.graph canvas').dblclick({ position: { x: Number(await box.getAttribute('data-cx')), y: Number(await box.getAttribute('data-cy')) } });
      const relu = conv.locator('.node-list button', { hasText: /, Relu, shape \(8, 8, 8, 8\)/ });
      await until('conv2d opened to its ops', async () => (await relu.count()) === 1, 15_000, 250);
      await conv.getByRole('button', { name: 'fit' }).click(); // the double-click also selected a node: the inspector took room
      const opened = await assertLegible(conv, 'keras-conv.grad.ts, conv2d opened');
      assert.ok(opened.texts.some((x) => x.text.startsWith('conv2d (')), `the opened layer's frame is labelled (shortened when fitted small): ${opened.texts.map((x) => x.text).join(' | ')}`);
      const after = await conv.locator('.node-list button').count();
      assert.ok(after > layers.length, `opening conv2d draws its ops and weights: ${layers.length} → ${after} nodes`);
      // Select the feature maps: the inspector draws them as images, one per example and channel.
      // Clicked where the Relu is drawn now, again if a later placement (the library's layout, which
      // replaces the first one a moment after opening; slow on a loaded machine) moved it meanwhile.
      const images = conv.locator('canvas.heatmap.images').first();
      await until('the Relu selected, its feature maps drawn as images', async () => {
        if (await images.isVisible()) return true;
        await conv.locator('.graph canvas').click({ position: { x: Number(await relu.getAttribute('data-cx')), y: Number(await relu.getAttribute('data-cy')) } });
        return images.waitFor({ state: 'visible', timeout: 2_000 }).then(() => true, () => false);
      }, scaled(30_000), 250);
      assert.match((await images.getAttribute('aria-label')) ?? '', /8/);
      await t.screenshot('keras-conv-feature-maps');
    },
  },
];
