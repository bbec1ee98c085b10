/**
 * Colour arithmetic for the panel: WCAG contrast ratios, nudging a theme colour until it reads on
 * the panel's background, and the gradient scale as a perceptual (OKLCH) ramp. Pure, tested under Node.
 *
 * Theme colours alone do not guarantee contrast: charts-orange is dark brown on Dark Modern's
 * background and testing-iconPassed is pale on Light Modern's. So every colour the panel draws text
 * or gradient edges with goes through ensureContrast against the actual background.
 */

export type RGB = [number, number, number];

/** WCAG AA: 4.5:1 for text. The gradient scale is held to the same bar (non-text needs only 3:1). */
export const AA_TEXT = 4.5;

/** Parses `#rgb`, `#rrggbb`, `#rrggbbaa` and `rgb()/rgba()`; a translucent colour is composited over `over`. */
export function parseColor(c: string, over: RGB = [0, 0, 0]): RGB | undefined {
  const s = c.trim().toLowerCase();
  let r: number, g: number, b: number, a = 1;
  const hex = /^#([0-9a-f]{3,8})$/.exec(s);
  if (hex) {
    let x = hex[1];
    if (x.length === 3 || x.length === 4) x = [...x].map((ch) => ch + ch).join('');
    if (x.length !== 6 && x.length !== 8) return undefined;
    r = parseInt(x.slice(0, 2), 16);
    g = parseInt(x.slice(2, 4), 16);
    b = parseInt(x.slice(4, 6), 16);
    if (x.length === 8) a = parseInt(x.slice(6, 8), 16) / 255;
  } else {
    const m = /^rgba?\(([^)]+)\)$/.exec(s);
    if (!m) return undefined;
    const parts = m[1].split(/[\s,/]+/).filter(Boolean).map(Number);
    if (parts.length < 3 || parts.some((p) => !Number.isFinite(p))) return undefined;
    [r, g, b] = parts;
    if (parts.length > 3) a = parts[3];
  }
  return [0, 1, 2].map((i) => [r, g, b][i] * a + over[i] * (1 - a)) as RGB;
}

export function toHex([r, g, b]: RGB): string {
  return `#${[r, g, b].map((v) => Math.round(Math.min(255, Math.max(0, v))).toString(16).padStart(2, '0')).join('')}`;
}

const lin = (v: number) => {
  const c = v / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
};
const unlin = (c: number) => 255 * (c <= 0.0031308 ? 12.92 * c : 1.055 * c ** (1 / 2.4) - 0.055);

/** WCAG relative luminance. */
export function luminance([r, g, b]: RGB): number {
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

/** WCAG contrast ratio, 1 … 21. */
export function contrastRatio(a: RGB, b: RGB): number {
  const la = luminance(a), lb = luminance(b);
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

/** OKLCH (Björn Ottosson's OKLab in polar form) → sRGB, clipped into gamut by reducing chroma. */
export function oklch(l: number, c: number, hDeg: number): RGB {
  for (let chroma = c; ; chroma *= 0.9) {
    const h = (hDeg * Math.PI) / 180;
    const a = chroma * Math.cos(h), b = chroma * Math.sin(h);
    const l_ = (l + 0.3963377774 * a + 0.2158037573 * b) ** 3;
    const m_ = (l - 0.1055613458 * a - 0.0638541728 * b) ** 3;
    const s_ = (l - 0.0894841775 * a - 1.291485548 * b) ** 3;
    const rl = 4.0767416621 * l_ - 3.3077115913 * m_ + 0.2309699292 * s_;
    const gl = -1.2684380046 * l_ + 2.6097574011 * m_ - 0.3413193965 * s_;
    const bl = -0.0041960863 * l_ - 0.7034186147 * m_ + 1.707614701 * s_;
    const inGamut = [rl, gl, bl].every((v) => v >= -1e-4 && v <= 1 + 1e-4);
    if (inGamut || chroma < 0.005) return [rl, gl, bl].map((v) => unlin(Math.min(1, Math.max(0, v)))) as RGB;
  }
}

/** sRGB → OKLCH. */
export function toOklch(rgb: RGB): [number, number, number] {
  const [r, g, b] = rgb.map(lin);
  const l = Math.cbrt(0.4122214708 * r + 0.5363015604 * g + 0.0514459929 * b);
  const m = Math.cbrt(0.2119034982 * r + 0.6806995451 * g + 0.1073969566 * b);
  const s = Math.cbrt(0.0883024619 * r + 0.2817188376 * g + 0.6299787005 * b);
  const L = 0.2104542553 * l + 0.793617785 * m - 0.0040720468 * s;
  const A = 1.9779984951 * l - 2.428592205 * m + 0.4505937099 * s;
  const B = 0.0259040371 * l + 0.7827717662 * m - 0.8086757660 * s;
  return [L, Math.hypot(A, B), ((Math.atan2(B, A) * 180) / Math.PI + 360) % 360];
}

/**
 * The colour, with its OKLCH lightness moved away from the background's just far enough to reach
 * `ratio` (hue and chroma kept, so a theme's green stays green). Unchanged when it already reads.
 */
export function ensureContrast(fg: string, bg: string, ratio = AA_TEXT): string {
  const b = parseColor(bg) ?? [30, 30, 30];
  const f = parseColor(fg, b);
  if (!f) return fg;
  if (contrastRatio(f, b) >= ratio) return fg;
  const [l, c, h] = toOklch(f);
  const darkBg = luminance(b) < 0.18;
  // Binary search on lightness between the colour's own and the far end (white or black).
  let lo = l, hi = darkBg ? 1 : 0;
  let best = toHex(darkBg ? [255, 255, 255] : [0, 0, 0]);
  for (let i = 0; i < 24; i++) {
    const mid = (lo + hi) / 2;
    const hex = toHex(oklch(mid, c, h));
    if (contrastRatio(parseColor(hex)!, b) >= ratio) {
      best = hex;
      hi = mid;
    } else lo = mid;
  }
  return best;
}

/**
 * The gradient scale (small → large): five hues from cool to hot (blue, teal, yellow-green, orange,
 * red) at one perceptual lightness per theme, each then held to AA contrast on the background. The
 * steps also differ in edge width, so the scale does not rest on colour alone.
 */
export const HEAT_STEPS = 5;
const HEAT_HUES = [255, 195, 120, 60, 25];

export function heatScale(bg: string): string[] {
  const b = parseColor(bg) ?? [30, 30, 30];
  const dark = luminance(b) < 0.18;
  return HEAT_HUES.map((hue, i) => {
    // Dark backgrounds: hotter is also brighter; light ones: hotter is also darker (more ink).
    const l = dark ? 0.7 + 0.04 * i : 0.5 - 0.03 * i;
    return ensureContrast(toHex(oklch(l, 0.16, hue)), toHex(b), AA_TEXT);
  });
}
