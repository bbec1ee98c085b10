/**
 * The one printer's tensors: numpy's array repr (what `print` and `toString` show inside
 * TensorFlow's `<tf.Tensor: ...>`), the same array on one line (the CLI, hovers, the panel), and
 * the summary line of a tensor too large to show. A leaf: imports only its own folder.
 */
import { elementFormatter, formatScalar, formatShape, toNumber, type DType, type Num } from './numbers';

type Data = ArrayLike<number>;

const LINE_WIDTH = 75;
const THRESHOLD = 1000;
const EDGE_ITEMS = 3;

/** The element indices numpy shows: all, or the first and last EDGE_ITEMS along each long axis. */
function shownIndices(n: number, summarize: boolean): number[] {
  if (!summarize || n <= 2 * EDGE_ITEMS) return Array.from({ length: n }, (_, i) => i);
  const out: number[] = [];
  for (let i = 0; i < EDGE_ITEMS; i++) out.push(i);
  for (let i = n - EDGE_ITEMS; i < n; i++) out.push(i);
  return out;
}

function collectShown(data: Data, shape: readonly number[], summarize: boolean): number[] {
  const out: number[] = [];
  const strides: number[] = [];
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = acc;
    acc *= shape[i];
  }
  const walk = (axis: number, offset: number): void => {
    if (axis === shape.length) {
      out.push(data[offset]);
      return;
    }
    for (const i of shownIndices(shape[axis], summarize)) walk(axis + 1, offset + i * strides[axis]);
  };
  walk(0, 0);
  return out;
}

/** numpy's `_formatArray`: nested brackets, rows wrapped at the line width. */
function formatArrayBody(
  data: Data,
  shape: readonly number[],
  fmt: (v: number) => string,
  lineWidth: number,
  prefix: string,
  summarize: boolean,
  sep = ', ',
): string {
  const strides: number[] = [];
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = acc;
    acc *= shape[i];
  }
  const recurse = (axis: number, offset: number, hanging: string, width: number): string => {
    if (axis === shape.length) return fmt(data[offset]);
    const nextHanging = hanging + ' ';
    const nextWidth = width - 1;
    const n = shape[axis];
    const showSummary = summarize && 2 * EDGE_ITEMS < n;
    const lead = showSummary ? EDGE_ITEMS : 0;
    const trail = showSummary ? EDGE_ITEMS : n;
    const axesLeft = shape.length - axis;
    let s = '';
    if (axesLeft === 1) {
      const elemWidth = width - 1;
      let line = hanging;
      const extend = (word: string): void => {
        let wrap = line.length + word.length > elemWidth;
        if (line.length <= hanging.length) wrap = false;
        if (wrap) {
          s += line.trimEnd() + '\n';
          line = hanging;
        }
        line += word;
      };
      for (let i = 0; i < lead; i++) {
        extend(recurse(axis + 1, offset + i * strides[axis], nextHanging, nextWidth));
        line += sep;
      }
      if (showSummary) {
        extend('...');
        line += sep;
      }
      for (let i = trail; i > 1; i--) {
        extend(recurse(axis + 1, offset + (n - i) * strides[axis], nextHanging, nextWidth));
        line += sep;
      }
      extend(recurse(axis + 1, offset + (n - 1) * strides[axis], nextHanging, nextWidth));
      s += line;
    } else {
      const lineSep = sep.trimEnd() + '\n'.repeat(axesLeft - 1);
      for (let i = 0; i < lead; i++) s += hanging + recurse(axis + 1, offset + i * strides[axis], nextHanging, nextWidth) + lineSep;
      if (showSummary) s += hanging + '...' + lineSep;
      for (let i = trail; i > 1; i--) s += hanging + recurse(axis + 1, offset + (n - i) * strides[axis], nextHanging, nextWidth) + lineSep;
      s += hanging + recurse(axis + 1, offset + (n - 1) * strides[axis], nextHanging, nextWidth);
    }
    return '[' + s.slice(hanging.length) + ']';
  };
  return recurse(0, 0, prefix, lineWidth);
}

/** `repr(np.asarray(values))`: `array([[-0.39999998],\n       [-0.79999995]], dtype=float32)`. */
export function formatNumpyRepr(data: Data, shape: readonly number[], dtype: DType): string {
  if (shape.length === 0) return formatScalar(data[0], dtype);
  let size = 1;
  for (const d of shape) size *= d;
  // numpy omits default dtypes (float64, bool), except for empty arrays.
  const skipDtype = (dtype === 'float64' || dtype === 'bool') && size > 0;
  const prefix = 'array(';
  const suffix = skipDtype ? ')' : ',';
  let body: string;
  if (size === 0) {
    body = shape.length === 1 ? '[]' : `[], shape=${formatShape(shape)}`;
  } else {
    const summarize = size > THRESHOLD;
    const fmt = elementFormatter(collectShown(data, shape, summarize), dtype);
    body = formatArrayBody(data, shape, fmt, LINE_WIDTH - suffix.length, ' '.repeat(prefix.length + 1), summarize);
  }
  const arr = prefix + body + suffix;
  if (skipDtype) return arr;
  const dtypeText = `dtype=${dtype})`;
  const lastLine = arr.length - (arr.lastIndexOf('\n') + 1);
  const spacer = lastLine + dtypeText.length + 1 > LINE_WIDTH ? '\n' + ' '.repeat(prefix.length) : ' ';
  return arr + spacer + dtypeText;
}

/** `str(np.asarray(values))`: numpy's array2string with separator ' ' (`[[1. 2.]\n [3. 4.]]`), as Python's print shows arrays. */
export function formatNumpyStr(data: Data, shape: readonly number[], dtype: DType): string {
  if (shape.length === 0) return formatScalar(data[0], dtype);
  let size = 1;
  for (const d of shape) size *= d;
  if (size === 0) return '[]';
  const summarize = size > THRESHOLD;
  const fmt = elementFormatter(collectShown(data, shape, summarize), dtype);
  return formatArrayBody(data, shape, fmt, LINE_WIDTH, ' ', summarize, ' ');
}

/**
 * The array on one line, as numpy's repr writes its elements (`[[-0.39999998], [-0.79999995]]`,
 * `[1., 2.5]`, `[nan, inf]`): the elements of formatNumpyRepr's body with numpy's column padding
 * and line breaks left out. A rank-0 value prints as a numpy scalar (`0.75`).
 */
export function formatArray(values: ArrayLike<Num>, shape: readonly number[], dtype: DType): string {
  if (shape.length === 0) return formatScalar(values[0] ?? 0, dtype);
  const text = formatElements(values, dtype);
  let i = 0;
  const level = (axis: number): string => {
    const parts: string[] = [];
    for (let k = 0; k < shape[axis]; k++) parts.push(axis === shape.length - 1 ? (text[i++] ?? '0') : level(axis + 1));
    return `[${parts.join(', ')}]`;
  };
  return level(0);
}

/** Each value as numpy writes it inside one array (shared layout, padding left out): `1.`, `2.5`, `nan`. */
export function formatElements(values: ArrayLike<Num>, dtype: DType): string[] {
  const data: number[] = [];
  for (let i = 0; i < values.length; i++) data.push(toNumber(values[i]));
  const fmt = elementFormatter(data, dtype);
  return data.map((v) => fmt(v).trim());
}

/** The fields of a trace's ValueSummary the printer reads (structural: the leaf imports no types). */
export interface SummaryLike {
  shape: number[];
  dtype: DType;
  size: number;
  min: Num;
  max: Num;
  mean: Num;
  nanCount: number;
  infCount: number;
  first: Num[];
  values?: Num[];
}

/** Elements a tensor shows in full on one line; larger tensors get formatSummary and their first values. */
export const SHOWN_ELEMENTS = 32;

/** All of a summary's values, when the trace kept them (small tensors keep them in `first`). */
function allValues(v: SummaryLike): Num[] | undefined {
  if (v.values && v.values.length === v.size) return v.values;
  return v.first.length >= v.size ? v.first : undefined;
}

/**
 * A tensor's value on one line: formatArray when there are at most `maxElements` values and the
 * trace kept them all, else formatSummary and the first values (`… first=[0., 1., 2., …]`).
 */
export function formatValue(v: SummaryLike, maxElements = SHOWN_ELEMENTS): string {
  const all = allValues(v);
  if (all && v.size <= maxElements) return formatArray(all, v.shape, v.dtype);
  const shown = v.first.slice(0, Math.max(1, Math.min(v.first.length, maxElements)));
  const first = shown.length ? formatArray(shown, [shown.length], v.dtype).slice(1, -1) : '';
  return `${formatSummary(v)} first=[${first}${v.size > shown.length ? ', …' : ''}]`;
}

/** `shape=(100, 10) min=-1.2 max=3.4 mean=0.5`, plus `nan×k`/`inf×k` counts when there are any. */
export function formatSummary(v: SummaryLike): string {
  // An integer tensor's mean is not an integer: min, max and mean print as float64 scalars then.
  const dtype: DType = v.dtype === 'int32' || v.dtype === 'bool' ? 'float64' : v.dtype;
  const f = (n: Num): string => formatScalar(n, dtype);
  let s = `shape=${formatShape(v.shape)} min=${f(v.min)} max=${f(v.max)} mean=${f(v.mean)}`;
  if (v.nanCount) s += ` nan×${v.nanCount}`;
  if (v.infCount) s += ` inf×${v.infCount}`;
  return s;
}

/** `shape=(2, 1), dtype=float32`, as in TensorFlow's repr. */
export function formatType(v: { shape: readonly number[]; dtype: DType }): string {
  return `shape=${formatShape(v.shape)}, dtype=${v.dtype}`;
}
