/**
 * NumPy's array repr, as TensorFlow shows it in `<tf.Tensor: ..., numpy=array(...)>`.
 *
 * Follows numpy 1.x defaults (`np.get_printoptions()`): precision=8, floatmode='maxprec',
 * linewidth=75, threshold=1000, edgeitems=3, suppress=False. Float32 values print the shortest
 * digits that identify them as float32 (Dragon4 "unique"), cut to 8 digits after the point;
 * columns are padded as numpy pads them (`array([1.5 , 2.25])`), 2-D arrays put each row on
 * its own line, and scientific notation is used when the largest magnitude is >= 1e8, the
 * smallest non-zero is < 1e-4, or their ratio > 1000. Rank-0 values print as a numpy scalar's
 * repr (`0.75`, `6.0`).
 */
import type { DType } from './dtype';

type Data = ArrayLike<number>;

const PRECISION = 8;
const LINE_WIDTH = 75;
const THRESHOLD = 1000;
const EDGE_ITEMS = 3;

/** Decimal digits of |v| with the decimal point after `point` digits (may be <= 0 or > digits.length). */
interface Decimal {
  digits: string;
  point: number;
}

/** Parses `d.ddde±x` from toExponential into digits and point position. */
function parseExponential(s: string): Decimal {
  const e = s.indexOf('e');
  const mant = s.slice(0, e).replace('.', '');
  const exp = Number(s.slice(e + 1));
  return { digits: mant.replace(/0+$/, '') || '0', point: exp + 1 };
}

/**
 * |a| rounded to `sig` significant digits with Dragon4's rule: to nearest, ties to the even
 * digit (JavaScript's toExponential rounds ties up). A tie needs the exact binary value to end
 * in ...5 right after the cut; toExponential(100) shows every digit of such a value.
 */
function roundSig(a: number, sig: number): Decimal {
  const exact = a.toExponential(100);
  const e = exact.indexOf('e');
  const mant = exact.slice(0, e).replace('.', '');
  const exp = Number(exact.slice(e + 1));
  if (mant[sig] === '5' && /^0*$/.test(mant.slice(sig + 1)) && Number(mant[sig - 1]) % 2 === 0) {
    return { digits: mant.slice(0, sig).replace(/0+$/, '') || '0', point: exp + 1 };
  }
  return parseExponential(a.toExponential(sig - 1));
}

/**
 * The shortest decimal digits that read back as the same value: for float64 JavaScript's own
 * shortest round-trip; for float32, the fewest significant digits p whose nearest p-digit
 * decimal (or a neighbour, since the interval is lopsided at powers of two) rounds back.
 */
export function shortestDecimal(v: number, f32: boolean): Decimal {
  const a = Math.abs(v);
  if (a === 0) return { digits: '0', point: 1 };
  if (!f32) return parseExponential(a.toExponential());
  for (let p = 1; p <= 9; p++) {
    const r = roundSig(a, p);
    if (Math.fround(Number(`${r.digits}e${r.point - r.digits.length}`)) === a) return r;
    const s = a.toExponential(p - 1);
    const e = s.indexOf('e');
    const m = Number(s.slice(0, e).replace('.', ''));
    const exp = Number(s.slice(e + 1)) - (p - 1);
    let best: string | null = null;
    let bestErr = Infinity;
    for (const cand of [m - 1, m + 1]) {
      if (cand <= 0) continue;
      const c = `${cand}e${exp}`;
      const n = Number(c);
      if (Math.fround(n) === a && Math.abs(n - a) < bestErr) {
        best = c;
        bestErr = Math.abs(n - a);
      }
    }
    if (best) return parseExponential(Number(best).toExponential());
  }
  return parseExponential(a.toExponential(8));
}

/** Positional text split at the point, unique digits cut at `precision` fraction digits (trim='.'). */
function positionalParts(v: number, f32: boolean, precision: number | null): [string, string] {
  const neg = v < 0 || Object.is(v, -0);
  const d = shortestDecimal(v, f32);
  if (precision !== null && d.digits.length - d.point > precision) {
    // Too many digits: round the exact value at the cutoff, as Dragon4 does.
    const sig = Number(Math.abs(v).toExponential(100).split('e')[1]) + 1 + precision;
    if (sig <= 0) {
      const fixed = Math.abs(v).toFixed(precision);
      const [ip, fp] = fixed.split('.');
      return [(neg ? '-' : '') + ip, fp.replace(/0+$/, '')];
    }
    return decimalParts(roundSig(Math.abs(v), sig), neg);
  }
  return decimalParts(d, neg);
}

/** Splits digits at the point: [integer part with sign, fraction digits without trailing zeros]. */
function decimalParts(d: Decimal, neg: boolean): [string, string] {
  let ip: string;
  let fp: string;
  if (d.point <= 0) {
    ip = '0';
    fp = '0'.repeat(-d.point) + d.digits;
  } else if (d.point >= d.digits.length) {
    ip = d.digits + '0'.repeat(d.point - d.digits.length);
    fp = '';
  } else {
    ip = d.digits.slice(0, d.point);
    fp = d.digits.slice(d.point);
  }
  return [(neg ? '-' : '') + ip, fp.replace(/0+$/, '')];
}

/** Scientific text parts: [int digit with sign, fraction digits, exponent as number]. */
function scientificParts(v: number, f32: boolean, precision: number | null): [string, string, number] {
  const neg = v < 0 || Object.is(v, -0);
  const a = Math.abs(v);
  if (a === 0) return [neg ? '-0' : '0', '', 0];
  let d = shortestDecimal(v, f32);
  if (precision !== null && d.digits.length - 1 > precision) d = roundSig(a, precision + 1);
  const frac = d.digits.slice(1).replace(/0+$/, '');
  return [(neg ? '-' : '') + d.digits[0], frac, d.point - 1];
}

function expText(exp: number, digits: number): string {
  const s = String(Math.abs(exp)).padStart(digits, '0');
  return (exp < 0 ? 'e-' : 'e+') + s;
}

/** numpy's FloatingFormat for one array: decides the layout from all (shown) values. */
function floatFormatter(values: number[], f32: boolean): (v: number) => string {
  const finite = values.filter((v) => Number.isFinite(v));
  const nonZero = finite.filter((v) => v !== 0).map(Math.abs);
  let expFormat = false;
  if (nonZero.length) {
    const max = Math.max(...nonZero);
    const min = Math.min(...nonZero);
    expFormat = max >= 1e8 || min < 0.0001 || max / min > 1000;
  }
  let padLeft = 0;
  let padRight = 0;
  let format: (v: number) => string;
  if (finite.length === 0) {
    format = () => '';
  } else if (expFormat) {
    const parts = finite.map((v) => scientificParts(v, f32, PRECISION));
    const precision = Math.max(...parts.map((p) => p[1].length));
    const expSize = Math.max(2, ...parts.map((p) => String(Math.abs(p[2])).length));
    padLeft = Math.max(...parts.map((p) => p[0].length));
    padRight = expSize + 2 + precision;
    format = (v) => {
      let [ip, fp, e] = scientificParts(v, f32, PRECISION);
      if (fp.length < precision && v !== 0) {
        // numpy's min_digits: more digits of the exact value (rounded), not zeros.
        const d = roundSig(Math.abs(v), precision + 1);
        ip = (v < 0 ? '-' : '') + d.digits[0];
        fp = d.digits.slice(1).padEnd(precision, '0');
        e = d.point - 1;
      }
      return ip.padStart(padLeft) + '.' + fp.padEnd(precision, '0') + expText(e, expSize);
    };
  } else {
    const parts = finite.map((v) => positionalParts(v, f32, PRECISION));
    padLeft = Math.max(...parts.map((p) => p[0].length));
    padRight = Math.max(...parts.map((p) => p[1].length));
    format = (v) => {
      const [ip, fp] = positionalParts(v, f32, PRECISION);
      return ip.padStart(padLeft) + '.' + fp.padEnd(padRight);
    };
  }
  if (finite.length !== values.length) {
    const negInf = values.some((v) => v === -Infinity);
    const offset = padRight + 1;
    padLeft = Math.max(padLeft, 3 - offset, 3 + (negInf ? 1 : 0) - offset);
  }
  return (v) => {
    if (Number.isFinite(v)) return format(v);
    const text = Number.isNaN(v) ? 'nan' : v < 0 ? '-inf' : 'inf';
    return ' '.repeat(Math.max(0, padLeft + padRight + 1 - text.length)) + text;
  };
}

function elementFormatter(values: number[], dtype: DType): (v: number) => string {
  if (dtype === 'bool') return (v) => (v ? ' True' : 'False');
  if (dtype === 'int32') {
    const width = values.length ? Math.max(...values.map((v) => String(v).length)) : 0;
    return (v) => String(v).padStart(width);
  }
  return floatFormatter(values, dtype === 'float32');
}

/** numpy's scalar repr (numpy 1.x): `0.75`, `6.0`, `1e-05`, `True`, `3`. */
export function formatScalar(v: number, dtype: DType): string {
  if (dtype === 'bool') return v ? 'True' : 'False';
  if (dtype === 'int32') return String(v);
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v < 0 ? '-inf' : 'inf';
  const f32 = dtype === 'float32';
  const a = Math.abs(v);
  if (a < 1e16 && (a === 0 || a >= 1e-4)) {
    const [ip, fp] = positionalParts(v, f32, null);
    return `${ip}.${fp || '0'}`;
  }
  const [ip, fp, e] = scientificParts(v, f32, null);
  return `${ip}${fp ? '.' + fp : ''}${expText(e, 2)}`;
}

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
    body = shape.length === 1 ? '[]' : `[], shape=${shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`}`;
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
