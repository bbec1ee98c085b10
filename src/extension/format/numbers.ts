// Number and tensor text for hovers, inline values and CodeLens. No vscode import: unit-tested in plain Node.
import type { DType, Num, ValueSummary } from '../../protocol/trace';

/** Elements a hover prints in full; larger tensors get a summary line plus the first values. */
export const HOVER_ELEMENTS = 32;
/** Elements an inline value (after the line end) prints in full. */
export const INLINE_ELEMENTS = 6;

/** numpy's spelling of non-finite values. */
function nonFinite(n: Num): string | undefined {
  if (n === 'NaN') return 'nan';
  if (n === 'Infinity') return 'inf';
  if (n === '-Infinity') return '-inf';
  if (typeof n === 'number' && !Number.isFinite(n)) return Number.isNaN(n) ? 'nan' : n > 0 ? 'inf' : '-inf';
  return undefined;
}

function toNumber(n: Num): number {
  return typeof n === 'number' ? n : Number(n);
}

/**
 * One number as numpy prints it with precision=8, floatmode='maxprec': the fewest digits after
 * the point (at most 8) that still identify the float32 (or float64) value; integers in float
 * tensors end in '.' as numpy's `1.`. Scientific notation for very large or very small magnitudes.
 */
export function formatNumber(n: Num, dtype: DType = 'float32'): string {
  const special = nonFinite(n);
  if (special) return special;
  const v = toNumber(n);
  if (dtype === 'int32') return String(Math.trunc(v));
  if (dtype === 'bool') return v ? 'True' : 'False';
  const same = dtype === 'float32' ? (x: number) => Math.fround(x) === Math.fround(v) : (x: number) => x === v;
  const abs = Math.abs(v);
  if (abs !== 0 && (abs >= 1e16 || abs < 1e-4)) {
    for (let d = 0; d <= 8; d++) {
      const s = v.toExponential(d);
      if (same(Number(s))) return s.replace(/e([+-])(\d)$/, 'e$10$2');
    }
    return v.toExponential(8).replace(/e([+-])(\d)$/, 'e$10$2');
  }
  for (let d = 0; d <= 8; d++) {
    const s = v.toFixed(d);
    if (same(Number(s))) return d === 0 ? `${s === '-0' ? '-0' : s}.` : s;
  }
  return v.toFixed(8).replace(/0+$/, '');
}

/** Nested-array text for a row-major list of values: `[[-0.39999998], [-0.79999995]]`. */
export function formatNested(values: readonly Num[], shape: readonly number[], dtype: DType): string {
  if (shape.length === 0) return formatNumber(values[0] ?? 0, dtype);
  let i = 0;
  const level = (axis: number): string => {
    const parts: string[] = [];
    for (let k = 0; k < shape[axis]; k++) parts.push(axis === shape.length - 1 ? formatNumber(values[i++] ?? 0, dtype) : level(axis + 1));
    return `[${parts.join(', ')}]`;
  };
  return level(0);
}

/** `(2, 1)` as TensorFlow writes shapes; `()` for a scalar. */
export function formatShape(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

/**
 * A tensor's value: the numbers when there are at most `maxElements` of them, otherwise a summary
 * (`shape=(100, 10) min=… max=… mean=…` and the first values).
 */
export function formatValue(v: ValueSummary, maxElements = HOVER_ELEMENTS): string {
  if (v.size <= maxElements && (v.values || v.size <= v.first.length)) {
    return formatNested(v.values ?? v.first, v.shape, v.dtype);
  }
  return `${formatSummary(v)} first=[${v.first.map((n) => formatNumber(n, v.dtype)).join(', ')}, …]`;
}

/** `shape=(100, 10) min=-1.2 max=3.4 mean=0.5` plus NaN/Inf counts when there are any. */
export function formatSummary(v: ValueSummary): string {
  const f = (n: Num) => formatNumber(n, v.dtype === 'int32' || v.dtype === 'bool' ? 'float64' : v.dtype);
  let s = `shape=${formatShape(v.shape)} min=${f(v.min)} max=${f(v.max)} mean=${f(v.mean)}`;
  if (v.nanCount) s += ` nan×${v.nanCount}`;
  if (v.infCount) s += ` inf×${v.infCount}`;
  return s;
}

/** `shape=(2, 1), dtype=float32`, as in TensorFlow's repr. */
export function formatType(v: ValueSummary): string {
  return `shape=${formatShape(v.shape)}, dtype=${v.dtype}`;
}
