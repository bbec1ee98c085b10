/**
 * The one printer's numbers: numpy's spelling of a number, the same in `print`, the CLI, hovers and
 * the panel. This folder (src/format/) is a leaf: it imports nothing, so the engine, runner, CLI,
 * extension and webview may all use it.
 *
 * Follows numpy 1.x defaults (`np.get_printoptions()`): precision=8, floatmode='maxprec',
 * suppress=False. Float32 values print the shortest digits that identify them as float32
 * (Dragon4 "unique"), cut to 8 digits after the point; non-finite values are `nan`, `inf`, `-inf`.
 * An array shares one layout among its elements (numpy's FloatingFormat): scientific notation
 * when the largest magnitude is >= 1e8, the smallest non-zero is < 1e-4, or their ratio > 1000.
 */

/** The dtypes the engine has (structurally the engine's and the trace's DType). */
export type DType = 'float32' | 'float64' | 'int32' | 'bool';

/** A number as the trace carries it: JSON has no NaN/Infinity, so those travel as strings. */
export type Num = number | 'NaN' | 'Infinity' | '-Infinity';

/** A trace number as a JS number (`'NaN'` → NaN, ...). */
export function toNumber(v: Num): number {
  if (typeof v === 'number') return v;
  return v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : -Infinity;
}

/** numpy's spelling of a non-finite value: `nan`, `inf`, `-inf`. */
export function nonFiniteText(v: number): string {
  return Number.isNaN(v) ? 'nan' : v < 0 ? '-inf' : 'inf';
}

/** TensorFlow's shape text: `(2, 1)`, `()`, `(3,)`. */
export function formatShape(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

const PRECISION = 8;

/** Decimal digits of |v| with the decimal point after `point` digits (may be <= 0 or > digits.length). */
export interface Decimal {
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
    const text = nonFiniteText(v);
    return ' '.repeat(Math.max(0, padLeft + padRight + 1 - text.length)) + text;
  };
}

/**
 * numpy's element formatter for the values of one array (or the part of it numpy shows): every
 * element padded to the same width, as in `array([ 1.5 ,  2.25, -3.  ])`.
 */
export function elementFormatter(values: number[], dtype: DType): (v: number) => string {
  if (dtype === 'bool') return (v) => (v ? ' True' : 'False');
  if (dtype === 'int32') {
    const width = values.length ? Math.max(...values.map((v) => String(v).length)) : 0;
    return (v) => String(v).padStart(width);
  }
  return floatFormatter(values, dtype === 'float32');
}

/**
 * numpy's scalar repr (numpy 1.x): `0.75`, `6.0`, `1e-05`, `nan`, `True`, `3`. One number on its
 * own (a rank-0 tensor, a curve point, a min or max) prints this way everywhere.
 */
export function formatScalar(n: Num, dtype: DType = 'float32'): string {
  const v = toNumber(n);
  if (dtype === 'bool') return v ? 'True' : 'False';
  if (dtype === 'int32') return String(v);
  if (!Number.isFinite(v)) return nonFiniteText(v);
  const f32 = dtype === 'float32';
  const a = Math.abs(v);
  if (a < 1e16 && (a === 0 || a >= 1e-4)) {
    const [ip, fp] = positionalParts(v, f32, null);
    return `${ip}.${fp || '0'}`;
  }
  const [ip, fp, e] = scientificParts(v, f32, null);
  return `${ip}${fp ? '.' + fp : ''}${expText(e, 2)}`;
}

