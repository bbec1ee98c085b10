/**
 * Value summaries: what the trace keeps of a tensor (src/protocol/trace.ts ValueSummary).
 * One pass over the data, no allocation per element beyond the kept values.
 */
import { FIRST_VALUES, FULL_VALUES_LIMIT, type DType, type Num, type ValueSummary } from '../../protocol/trace';

/** The typed-array data of a tensor, as the engine's peekValues returns it. */
export type Values = ArrayLike<number>;

/** NaN and ±Infinity become strings, because JSON has no such numbers. */
export function num(x: number): Num {
  if (x === x && x !== Infinity && x !== -Infinity) return x;
  return x !== x ? 'NaN' : x > 0 ? 'Infinity' : '-Infinity';
}

/** Reads a Num back as a number (the one printer's toNumber). */
export { toNumber as fromNum } from '../../format/numbers';

/** min, max, mean, norm, nanCount, infCount of the last `stats()` call (one scratch array, no allocation). */
const scratch = new Float64Array(6);

/** Fills `scratch` with the numbers of a summary, in ValueSummary's order (NaN/±Infinity as themselves). */
function stats(data: Values): Float64Array {
  const size = data.length;
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let sumSq = 0;
  let nanCount = 0;
  let infCount = 0;
  for (let i = 0; i < size; i++) {
    const v = data[i];
    if (v !== v) {
      nanCount++;
      continue;
    }
    if (v === Infinity || v === -Infinity) infCount++;
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
    sumSq += v * v;
  }
  // Empty tensors, and all-NaN ones, have no min/max/mean.
  scratch[0] = size - nanCount > 0 ? min : NaN;
  scratch[1] = size - nanCount > 0 ? max : NaN;
  scratch[2] = size > 0 && nanCount === 0 ? sum / size : NaN;
  scratch[3] = nanCount === 0 ? Math.sqrt(sumSq) : NaN;
  scratch[4] = nanCount;
  scratch[5] = infCount;
  return scratch;
}

/** Summarises `data` (row-major, `shape`); keeps every value when `withValues` and size <= FULL_VALUES_LIMIT. */
export function summarize(shape: readonly number[], dtype: DType, data: Values, withValues: boolean): ValueSummary {
  const size = data.length;
  const st = stats(data);
  const first: Num[] = new Array(Math.min(FIRST_VALUES, size));
  for (let i = 0; i < first.length; i++) first[i] = num(data[i]);
  const s: ValueSummary = {
    shape: shape.slice(),
    dtype,
    size,
    min: num(st[0]),
    max: num(st[1]),
    mean: num(st[2]),
    norm: num(st[3]),
    nanCount: st[4],
    infCount: st[5],
    first,
  };
  if (withValues && size <= FULL_VALUES_LIMIT) {
    const values: Num[] = new Array(size);
    for (let i = 0; i < size; i++) values[i] = num(data[i]);
    s.values = values;
  }
  return s;
}

/**
 * What the rows of a row event (src/protocol/worker.ts) share of their summaries: shape, dtype, size,
 * and whether every value is kept (`values` present). The numbers are left out (zeros, empty lists):
 * each row carries its own, min(FIRST_VALUES, size) first values and, with `values`, all `size`.
 */
export function rowTemplate(shape: readonly number[], dtype: DType, size: number, withValues: boolean): ValueSummary {
  const s: ValueSummary = { shape: shape.slice(), dtype, size, min: 0, max: 0, mean: 0, norm: 0, nanCount: 0, infCount: 0, first: [] };
  if (withValues) s.values = [];
  return s;
}

/** Numbers in a row of a summary like `s` (a {@link rowTemplate}): min … infCount, the first values, then every value when kept. */
export const rowLength = (s: ValueSummary): number => 6 + Math.min(FIRST_VALUES, s.size) + (s.values ? s.size : 0);

/**
 * A growable column of numbers (a row event's `ints` or `nums`, src/protocol/worker.ts): appends
 * into a typed array, so a batch goes out as a copy of it, with no JS array to grow and convert.
 */
export class Column<T extends Float64Array | Int32Array> {
  length = 0;
  constructor(private buf: T) {}

  /** Room for `n` more values; returns the typed array to write at `length`. */
  reserve(n: number): T {
    if (this.length + n > this.buf.length) {
      const bigger = new (this.buf.constructor as new (n: number) => T)(Math.max(this.buf.length * 2, this.length + n));
      bigger.set(this.buf.subarray(0, this.length));
      this.buf = bigger;
    }
    return this.buf;
  }

  push(x: number): void {
    this.reserve(1)[this.length++] = x;
  }

  /** The values so far, as a typed array of their own; the column starts again empty. */
  take(): T {
    const out = this.buf.slice(0, this.length) as T;
    this.length = 0;
    return out;
  }
}

export const float64Column = (): Column<Float64Array> => new Column(new Float64Array(64));
export const int32Column = (): Column<Int32Array> => new Column(new Int32Array(32));

/**
 * A summary's numbers appended to `out` as a row of a `gradientRows`/`nodeRows`/`leafRows`/`adjointRows`
 * event (src/protocol/worker.ts): min, max, mean, norm, nanCount, infCount, the first values (as many
 * as `summarize` keeps), then every value when `withValues`.
 */
export function summarizeInto(data: Values, out: Column<Float64Array>, withValues = false): void {
  const st = stats(data);
  const n = Math.min(FIRST_VALUES, data.length);
  const buf = out.reserve(6 + n + (withValues ? data.length : 0));
  let k = out.length;
  for (let i = 0; i < 6; i++) buf[k++] = st[i];
  for (let i = 0; i < n; i++) buf[k++] = data[i];
  if (withValues) for (let i = 0; i < data.length; i++) buf[k++] = data[i];
  out.length = k;
}

/**
 * Does a float array hold NaN or ±Infinity? The recorder checks every op's output, so branch-free:
 * v * 0 is 0 for a finite v and NaN otherwise, and a NaN term makes the whole sum NaN.
 */
export function hasNonFinite(data: Float32Array | Float64Array): boolean {
  // Four sums: one would wait on each add in turn; four run side by side (half the time per element).
  let a0 = 0;
  let a1 = 0;
  let a2 = 0;
  let a3 = 0;
  const n = data.length;
  const m = n - (n & 3);
  let i = 0;
  for (; i < m; i += 4) {
    a0 += data[i] * 0;
    a1 += data[i + 1] * 0;
    a2 += data[i + 2] * 0;
    a3 += data[i + 3] * 0;
  }
  for (; i < n; i++) a0 += data[i] * 0;
  const acc = a0 + a1 + a2 + a3;
  return acc !== acc;
}

/** Bytes per element of a dtype, for TraceTape.bytes. */
export function bytesPerElement(dtype: DType): number {
  return dtype === 'float64' ? 8 : dtype === 'bool' ? 1 : 4;
}
