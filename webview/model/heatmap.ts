/**
 * The inspector heatmap's colours: a diverging scale around 0 (blue for negative, orange for
 * positive), fading to the background at 0, so sign and size read at a glance. Pure.
 */
import { oklch, parseColor, toHex, type RGB } from './contrast';

/** The colour for x on a scale from −lim to lim, over background `bg`. */
export function heatmapColor(x: number, lim: number, bg: string): string {
  if (!Number.isFinite(x)) return '#e51400';
  const t = Math.max(-1, Math.min(1, x / (lim || 1)));
  const b = parseColor(bg) ?? [30, 30, 30];
  const end = oklch(0.62, 0.17, t < 0 ? 250 : 55);
  const a = Math.sqrt(Math.abs(t));
  return toHex([0, 1, 2].map((i) => b[i] + (end[i] - b[i]) * a) as RGB);
}
