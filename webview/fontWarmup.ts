/**
 * A hidden sample of the panel's text, laid out with the empty page at load. The first time a page
 * lays out text in a font (family, weight and size) the browser asks the system for it, and for a
 * fallback for each glyph the font lacks: ≈ 4 ms on Linux, paid inside the first run's draw when
 * that run's header, tape bar and inspector are the first such text. Laid out here, while the page
 * waits for the run, the lookups are done when it comes. A page test checks that every font the run
 * view's text uses is in this sample.
 */
import { h } from './dom';

/**
 * The sizes panel.css gives text, relative to the page's font: headings, chips, notes, a badge in a
 * heading (0.8 × 1.1). The editor's font is set at its own size (`.num`) or the page's (a source position).
 */
const SIZES = ['1.1em', '1em', '0.92em', '0.9em', '0.88em', '0.85em', '0.8em'];
const MONO_SIZES = ['', '1em'];
const WEIGHTS = ['400', '600', '700'];
/** The symbols the panel and the engine's derivative texts write, so their fallback fonts are found too. */
const GLYPHS = 'Ag 0.5e-3 ∂∇·×…→←↩−–—’“”✓✗◀▶≤≥≠≈±÷ᵀ²√σΣ∑⊙∞«»ö';

export function fontWarmup(): HTMLElement {
  const samples: HTMLElement[] = [];
  // Styles through the CSSOM: the page's content security policy refuses style attributes.
  const sample = (weight: string, size: string, mono: boolean) => {
    const s = h('span', mono ? { class: 'num' } : null, GLYPHS);
    s.style.fontWeight = weight;
    if (size) s.style.fontSize = size;
    samples.push(s);
  };
  for (const weight of WEIGHTS) {
    for (const size of SIZES) sample(weight, size, false);
    for (const size of MONO_SIZES) sample(weight, size, true);
  }
  return h('div', { class: 'font-warmup', 'aria-hidden': 'true' }, samples);
}
