// The minimap's arithmetic (views/minimap.ts): graph ↔ minimap coordinates both ways, and when it shows.
import assert from 'node:assert/strict';
import { MINIMAP_MAX, MINIMAP_MIN_PANE, MINIMAP_MIN_SIDE, minimapShown, minimapTransform, viewCenteredAt, viewportRect } from '../../webview/views/minimap';
import { fitView, toScreen, type Box } from '../../webview/model/viewport';

const PANE = { width: 1000, height: 600 };
const close = (a: number, b: number, eps = 1e-9) => assert.ok(Math.abs(a - b) <= eps, `${a} ≠ ${b}`);

describe('panel: minimap', () => {
  it('keeps the graph’s proportions within its largest size and inside its own box', () => {
    for (const b of [{ x: 0, y: 0, w: 4000, h: 300 }, { x: -50, y: 20, w: 300, h: 3000 }, { x: 10, y: 10, w: 800, h: 600 }] as Box[]) {
      const t = minimapTransform(b, PANE);
      assert.ok(t.w <= MINIMAP_MAX.w && t.h <= MINIMAP_MAX.h, `${t.w}×${t.h}`);
      assert.ok(t.w >= MINIMAP_MIN_SIDE && t.h >= MINIMAP_MIN_SIDE);
      // The graph's corners land inside the minimap, centred: equal room left and right, top and bottom.
      const x0 = b.x * t.s + t.ox, x1 = (b.x + b.w) * t.s + t.ox, y0 = b.y * t.s + t.oy, y1 = (b.y + b.h) * t.s + t.oy;
      assert.ok(x0 >= 0 && y0 >= 0 && x1 <= t.w && y1 <= t.h);
      close(x0, t.w - x1, 1e-6);
      close(y0, t.h - y1, 1e-6);
      // One scale for both axes: the long side touches the largest size (less the padding).
      assert.ok(Math.abs(x1 - x0 - (t.w - 8)) < 1 || Math.abs(y1 - y0 - (t.h - 8)) < 1);
    }
    // A long chain gets a strip no thinner than the clickable minimum.
    const chain = minimapTransform({ x: 0, y: 0, w: 100_000, h: 80 }, PANE);
    assert.equal(chain.h, MINIMAP_MIN_SIDE);
    // A small pane gets a smaller minimap (a share of the pane).
    assert.ok(minimapTransform({ x: 0, y: 0, w: 4000, h: 3000 }, { width: 300, height: 480 }).w <= 300 * MINIMAP_MAX.share + 1);
  });

  it('maps the view to its rectangle and a point of the minimap back to a view centred there', () => {
    const b = { x: 0, y: 0, w: 5000, h: 2000 };
    const t = minimapTransform(b, PANE);
    const v = { x: -1234, y: -321, k: 0.8 };
    const r = viewportRect(v, PANE, t);
    // The rectangle is the pane's corners, taken back to graph units and on to the minimap.
    close(r.x, (1234 / 0.8) * t.s + t.ox);
    close(r.y, (321 / 0.8) * t.s + t.oy);
    close(r.w, (PANE.width / 0.8) * t.s);
    close(r.h, (PANE.height / 0.8) * t.s);
    // Centring on the rectangle's own centre gives the same view back (the two mappings are inverses).
    const back = viewCenteredAt(r.x + r.w / 2, r.y + r.h / 2, t, b, v.k, PANE);
    close(back.x, v.x, 1e-6);
    close(back.y, v.y, 1e-6);
    assert.equal(back.k, v.k);
    // Moving the point by d minimap pixels moves the view by d / s graph units (× k screen pixels), the other way.
    const moved = viewCenteredAt(r.x + r.w / 2 + 10, r.y + r.h / 2 - 4, t, b, v.k, PANE);
    close(moved.x - v.x, (-10 / t.s) * v.k, 1e-6);
    close(moved.y - v.y, (4 / t.s) * v.k, 1e-6);
    // Past the graph's edge the centre stops at the edge: the graph cannot be dragged out of sight.
    const far = viewCenteredAt(-500, t.h + 500, t, b, 2, PANE);
    close((PANE.width / 2 - far.x) / 2, b.x);
    close((PANE.height / 2 - far.y) / 2, b.y + b.h);
  });

  it('shows only when turned on, in a large enough pane, and when the graph does not fit the view', () => {
    const b = { x: 0, y: 0, w: 3000, h: 900 };
    const fitted = fitView(b, PANE.width, PANE.height);
    const s = toScreen(b, fitted);
    assert.ok(s.x >= 0 && s.x + s.w <= PANE.width, 'the fitted view shows all of it');
    assert.equal(minimapShown(b, fitted, PANE, true), false);
    const zoomed = { ...fitted, k: fitted.k * 3 };
    assert.equal(minimapShown(b, zoomed, PANE, true), true);
    // Panned so that part of the graph leaves the pane, at the fitted zoom: shown.
    assert.equal(minimapShown(b, { ...fitted, x: fitted.x + 200 }, PANE, true), true);
    assert.equal(minimapShown(b, zoomed, PANE, false), false, 'turned off');
    assert.equal(minimapShown(b, zoomed, { width: MINIMAP_MIN_PANE.w - 1, height: 600 }, true), false, 'pane too narrow');
    assert.equal(minimapShown({ x: 0, y: 0, w: 0, h: 0 }, zoomed, PANE, true), false, 'nothing drawn');
  });
});
