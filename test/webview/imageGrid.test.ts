import { strict as assert } from 'node:assert';
import * as tf from '../../src/engine/ops/index';
import { imageGrid, layoutFor } from '../../webview/model/imageGrid';

describe('webview/imageGrid: rank-3 and rank-4 tensors as images', () => {
  it('NHWC feature maps: one H×W image per example and channel, pixels indexed as TF lays them out', () => {
    const g = imageGrid([2, 3, 4, 5], 'maps')!;
    assert.equal(g.tiles.length, 10);
    assert.equal(g.caption, '2 examples × 5 channels, 3 × 4 each');
    const t = g.tiles.find((x) => x.row === 1 && x.col === 3)!;
    assert.equal(t.label, 'example 1, channel 3');
    // [1, 2, 1, 3] in a [2, 3, 4, 5] tensor: ((1·3 + 2)·4 + 1)·5 + 3
    assert.deepEqual(t.coords(2, 1), [1, 2, 1, 3]);
    assert.equal(t.index(2, 1), ((1 * 3 + 2) * 4 + 1) * 5 + 3);
  });

  it('HWIO filters: one KH×KW image per input and output channel', () => {
    const g = imageGrid([3, 3, 2, 4], 'filters')!;
    assert.equal(g.rows, 2);
    assert.equal(g.cols, 4);
    assert.equal(g.caption, '2 input channels × 4 output channels, 3 × 3 each');
    const t = g.tiles[1 * 4 + 2];
    assert.equal(t.label, 'in 1 → out 2');
    assert.equal(t.index(0, 1), ((0 * 3 + 1) * 2 + 1) * 4 + 2);
  });

  it('caps the tiles and says how many are hidden', () => {
    const g = imageGrid([32, 8, 8, 16], 'maps', 64)!;
    assert.equal(g.tiles.length, 64);
    assert.equal(g.cols, 16);
    assert.equal(g.rows, 4);
    assert.equal(g.hidden, 32 * 16 - 64);
    assert.match(g.caption, /^32 examples × 16 channels, 8 × 8 each \(first 64 shown\)$/);
  });

  it('declines what reads better as numbers: rank 2, one-pixel images, empty tensors', () => {
    assert.equal(imageGrid([4, 4], 'maps'), undefined);
    assert.equal(imageGrid([8, 1, 1, 16], 'maps'), undefined);
    assert.equal(imageGrid([0, 8, 8, 3], 'maps'), undefined);
    assert.ok(imageGrid([5, 2, 3], 'filters'));
  });

  it('a tensor fed to an input named filter, or a filter gradient (attrs with filterSizes), reads as filters; anything else as maps', () => {
    assert.equal(layoutFor(undefined, ['filter']), 'filters');
    assert.equal(layoutFor(undefined, ['input']), 'maps');
    assert.equal(layoutFor({ filterSizes: [3, 3, 1, 8], padding: 'SAME' }, []), 'filters');
    assert.equal(layoutFor({ inputSizes: [1, 8, 8, 1] }, ['outBackprop', 'filter']), 'filters');
    assert.equal(layoutFor({ inputSizes: [1, 8, 8, 1] }, ['outBackprop']), 'maps');
    assert.equal(layoutFor({ ksize: [2, 2] }, ['input']), 'maps');
  });

  it('the conv ops name their filter inputs "filter" and their filter gradients carry filterSizes (what layoutFor reads)', () => {
    for (const op of [tf.Conv2D, tf.DepthwiseConv2dNative]) assert.equal(op.inputs[1], 'filter');
    for (const op of [tf.Conv2DBackpropInput, tf.DepthwiseConv2dNativeBackpropInput]) assert.equal(op.inputs[0], 'filter');
    for (const op of [tf.Conv2DBackpropFilter, tf.DepthwiseConv2dNativeBackpropFilter]) assert.ok(op.sample?.kind === 'cases' && op.sample.cases.every((c) => 'filterSizes' in (c.attrs as object)));
  });
});
