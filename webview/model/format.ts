/**
 * Number and tensor formatting for the panel: pure functions, tested under Node. Tensors, shapes and
 * non-finite values come from the one printer (src/format/), so they read as in `print`, the CLI and hovers.
 */
import type { Num, ValueSummary } from '../../src/protocol/trace';
import { nonFiniteText, toNumber } from '../../src/format/numbers';

export { formatScalar, formatShape, toNumber } from '../../src/format/numbers';
export { formatArray, formatElements, formatSummary, formatValue } from '../../src/format/tensors';

/**
 * A number where space is short (a graph node, an axis tick): at most `digits` significant digits,
 * trailing zeros dropped; scientific notation outside [1e-4, 1e6); `-0` as `0`; non-finite as numpy
 * spells them everywhere (`nan`, `inf`, `-inf`).
 */
export function formatNum(v: Num | number, digits = 6): string {
  const x = toNumber(v);
  if (!Number.isFinite(x)) return nonFiniteText(x);
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e6 || a < 1e-4) {
    const [m, e] = x.toExponential(Math.max(digits - 1, 0)).split('e');
    return `${trimZeros(m)}e${e[0] === '-' ? '-' : '+'}${e.replace(/^[-+]/, '').padStart(2, '0')}`;
  }
  return trimZeros(x.toPrecision(digits));
}

function trimZeros(s: string): string {
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

/** Right-aligns a column of numbers on their decimal point (monospace display). */
export function alignColumn(cells: string[]): string[] {
  const split = cells.map((c) => {
    const i = c.search(/[.e]|nan|inf/); // decimal point, exponent, nan/inf
    return i < 0 ? [c, ''] : [c.slice(0, i), c.slice(i)];
  });
  const left = Math.max(0, ...split.map((s) => s[0].length));
  const right = Math.max(0, ...split.map((s) => s[1].length));
  return split.map(([l, r]) => l.padStart(left) + r.padEnd(right));
}

/** `1 op`, `2 ops`, `1 leaf`, `3 leaves`: a count with its noun (`plural` when not noun + s). */
export function counted(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${trimZeros((n / 1024).toFixed(1))} KB`;
  if (n < 1024 ** 3) return `${trimZeros((n / 1024 ** 2).toFixed(1))} MB`;
  return `${trimZeros((n / 1024 ** 3).toFixed(2))} GB`;
}

/** The short form a graph node shows: the scalar itself, else `[a, b, …]` with the first few. */
export function formatValueShort(v: ValueSummary, digits = 5, maxItems = 3): string {
  const vals = v.values ?? v.first;
  if (v.size === 1 && vals.length) return formatNum(vals[0], digits);
  const shown = vals.slice(0, maxItems).map((x) => formatNum(x, digits));
  return `[${shown.join(', ')}${v.size > maxItems ? ', …' : ''}]`;
}

export function hasNonFinite(v: ValueSummary | null | undefined): boolean {
  return !!v && (v.nanCount > 0 || v.infCount > 0);
}

