/**
 * Loss curves with uPlot: TensorBoard-style smoothing (EMA with debias) drawn over the faint raw
 * series, an optional log scale, a readout under the cursor, and a click selecting that step.
 */
import uPlot from 'uplot';
import type { Curve } from '../../src/protocol/trace';
import { formatNum, toNumber } from '../model/format';
import { smoothEma } from '../model/smoothing';
import { effectiveSmoothing, groupCurves, type CurveGroup } from '../model/steps';
import { h, themeColor, withAlpha } from '../dom';

/** Steps are whole numbers: ticks at 1, 2, 5, 10, 20, 50, … */
const STEP_INCRS = Array.from({ length: 24 }, (_, i) => [1, 2, 5][i % 3] * 10 ** Math.floor(i / 3));

export interface CurvesOptions {
  smoothing: number;
  logScale: boolean;
  step: number | undefined;
  /** A click on a point: select that training step; returns what was selected, to say so. */
  onSelectStep(step: number): string | undefined;
  onReveal(line: number): void;
}

interface Chart {
  curve: CurveGroup;
  plot: uPlot;
  xs: Float64Array;
  ys: number[];
  readout: HTMLElement;
}

export class CurvesView {
  readonly el = h('div', { class: 'curves' });
  private charts: Chart[] = [];
  private curves: CurveGroup[] = [];
  private readonly controls: HTMLElement;
  private readonly list = h('div', { class: 'curve-list' });
  private readonly smoothInput: HTMLInputElement;
  private readonly smoothLabel = h('output', { class: 'num' });
  private readonly logInput: HTMLInputElement;
  private readonly logNote = h('span', { class: 'dim' });
  private readonly smoothNote = h('span', { class: 'dim smooth-note' });
  /** Milliseconds the last full draw of all curves took. */
  lastDrawMs = 0;

  constructor(private opts: CurvesOptions) {
    this.smoothInput = h('input', { type: 'range', min: '0', max: '0.99', step: '0.01', value: String(opts.smoothing), 'aria-label': 'smoothing weight', oninput: () => this.setSmoothing(Number(this.smoothInput.value)) });
    this.logInput = h('input', { type: 'checkbox', checked: opts.logScale, 'aria-label': 'logarithmic y axis', onchange: () => { this.opts.logScale = this.logInput.checked; this.render(); } });
    this.controls = h('div', { class: 'curve-controls' },
      h('label', null, 'Smoothing ', this.smoothInput, ' ', this.smoothLabel), this.smoothNote,
      h('label', null, this.logInput, ' log scale'), this.logNote);
    this.smoothLabel.textContent = opts.smoothing.toFixed(2);
    this.el.append(this.controls, this.list);
    new ResizeObserver(() => this.resize()).observe(this.list);
  }

  get smoothing(): number {
    return this.opts.smoothing;
  }
  get logScale(): boolean {
    return this.opts.logScale;
  }

  setCurves(curves: Curve[]): void {
    this.curves = groupCurves(curves);
    this.render();
  }

  setStep(step: number | undefined): void {
    this.opts.step = step;
    for (const c of this.charts) c.plot.redraw(false, false);
  }

  private setSmoothing(w: number): void {
    this.opts.smoothing = w;
    this.smoothLabel.textContent = w.toFixed(2);
    for (const c of this.charts) c.plot.setData([c.xs, c.ys, smoothEma(c.ys, effectiveSmoothing(w, c.ys.length))] as unknown as uPlot.AlignedData);
    this.noteSmoothing();
    this.el.dispatchEvent(new CustomEvent('settings'));
  }

  /** Says when a series is too short for the chosen smoothing (it is smoothed less, or not at all). */
  private noteSmoothing(): void {
    const w = this.opts.smoothing;
    const short = this.charts.filter((c) => effectiveSmoothing(w, c.ys.length) < w);
    this.smoothNote.textContent = w > 0 && short.length
      ? short.length === this.charts.length && short.every((c) => effectiveSmoothing(w, c.ys.length) === 0)
        ? `not applied: ${short.length === 1 ? 'the series is' : 'the series are'} too short (${short.map((c) => c.ys.length).join(', ')} points)`
        : `less on short series: ${short.map((c) => `${c.curve.name} ${effectiveSmoothing(w, c.ys.length).toFixed(2)}`).join(', ')}`
      : '';
  }

  /** Rebuilds every chart (curves changed, theme changed, log scale toggled). */
  render(): void {
    const t0 = performance.now();
    for (const c of this.charts) c.plot.destroy();
    this.charts = [];
    this.list.replaceChildren();
    if (!this.curves.length) {
      this.list.append(h('p', { class: 'dim empty' }, 'No curves: tf.summary.scalar(name, value) adds one, and so does every scalar target of tape.gradient.'));
      return;
    }
    const width = Math.max(240, this.list.clientWidth - 16);
    const anyNonPositive = this.curves.some((c) => c.points.some((p) => toNumber(p.value) <= 0));
    this.logNote.textContent = this.opts.logScale && anyNonPositive ? 'some values ≤ 0: those curves stay linear' : '';
    const color = themeColor('--vscode-charts-blue', '#3794ff');
    const axis = { stroke: themeColor('--vscode-descriptionForeground', '#999'), grid: { stroke: withAlpha(themeColor('--vscode-editorWidget-border', '#454545'), 0.6), width: 1 }, ticks: { stroke: themeColor('--vscode-editorWidget-border', '#454545'), width: 1 }, font: `11px ${themeColor('--vscode-font-family', 'sans-serif')}` };
    const focus = themeColor('--vscode-focusBorder', '#007fd4');
    for (const curve of this.curves) {
      const xs = Float64Array.from(curve.points, (p) => p.step);
      // One step numbering everywhere: TensorFlow's, from 0 (the scrubber says the same).
      const ys = curve.points.map((p) => toNumber(p.value));
      const log = this.opts.logScale && ys.every((y) => y > 0);
      const readout = h('div', { class: 'readout num', 'aria-live': 'polite' }, '\u00a0');
      const from = curve.kinds.map((k) => (k === 'target' ? 'gradient target' : 'tf.summary.scalar')).join(' and ');
      const pos = curve.curves.find((c) => c.pos)?.pos;
      const title = h('h3', null, curve.name, ' ', h('span', { class: 'dim' }, `${from} · ${curve.points.length} point${curve.points.length === 1 ? '' : 's'}`),
        pos ? h('button', { class: 'link', onclick: () => this.opts.onReveal(pos.line) }, `line ${pos.line}`) : null);
      const box = h('div', { class: 'chart', role: 'img', 'aria-label': `${curve.name}: ${curve.points.length} points, last ${formatNum(ys[ys.length - 1] ?? NaN)}` });
      const card = h('div', { class: 'curve-card', 'data-points': String(curve.points.length), 'data-kinds': curve.kinds.join(' ') }, title, box, readout);
      this.list.append(card);
      const opts = this.opts;
      const plot = new uPlot({
        width, height: 200,
        legend: { show: false },
        cursor: { drag: { x: false, y: false }, points: { size: 7 } },
        scales: { x: { time: false }, y: log ? { distr: 3 } : {} },
        axes: [{ ...axis, label: 'step (from 0)', labelSize: 18, labelFont: axis.font, incrs: STEP_INCRS, values: (_u, splits) => splits.map((v) => String(v)) }, { ...axis, size: 56, values: (_u, splits) => splits.map((v) => formatNum(v, 3)) }],
        series: [
          {},
          // High contrast: the raw series stays readable (a faint line disappears on black or white).
          { label: 'raw', stroke: withAlpha(color, highContrast() ? 0.75 : 0.3), width: 1, points: { show: curve.points.length <= 40, size: 5 } },
          { label: 'smoothed', stroke: color, width: 2, points: { show: false } },
        ],
        hooks: {
          setCursor: [(u) => {
            const i = u.cursor.idx;
            readout.textContent = i === null || i === undefined ? '\u00a0' : `step ${xs[i]}   value ${formatNum(ys[i], 7)}   smoothed ${formatNum((u.data[2][i] as number) ?? NaN, 7)}`;
          }],
          draw: [(u) => {
            if (opts.step === undefined) return;
            const x = u.valToPos(opts.step, 'x', true);
            if (!Number.isFinite(x)) return;
            const ctx = u.ctx;
            ctx.save();
            ctx.strokeStyle = focus;
            ctx.lineWidth = 1.5 * devicePixelRatio;
            ctx.setLineDash([4 * devicePixelRatio, 3 * devicePixelRatio]);
            ctx.beginPath();
            ctx.moveTo(x, u.bbox.top);
            ctx.lineTo(x, u.bbox.top + u.bbox.height);
            ctx.stroke();
            ctx.restore();
          }],
        },
      }, [xs, ys, smoothEma(ys, effectiveSmoothing(this.opts.smoothing, ys.length))] as unknown as uPlot.AlignedData, box);
      plot.over.addEventListener('click', () => {
        const i = plot.cursor.idx;
        if (i === null || i === undefined) return;
        const said = opts.onSelectStep(xs[i]);
        if (said) readout.textContent = said;
      });
      this.charts.push({ curve, plot, xs, ys, readout });
    }
    this.noteSmoothing();
    this.lastDrawMs = performance.now() - t0;
    document.body.dataset.curvesMs = this.lastDrawMs.toFixed(1);
  }

  private resize(): void {
    const width = Math.max(240, this.list.clientWidth - 16);
    for (const c of this.charts) if (Math.abs(c.plot.width - width) > 2) c.plot.setSize({ width, height: 200 });
  }
}

const highContrast = () => document.body.classList.contains('vscode-high-contrast') || document.body.classList.contains('vscode-high-contrast-light');
