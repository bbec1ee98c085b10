/**
 * Shapes and NumPy broadcasting: the only home of the broadcasting rules. Kernels use
 * `broadcastShape` to size their output; the tape uses `reductionAxes` to sum every
 * gradient back to its input's shape, in one place (see tape.ts `unbroadcast`).
 */
import { describeValue, InvalidArgumentError } from './errors';

export type Shape = readonly number[];

/** Number of elements of a shape (1 for a scalar). */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i];
  return n;
}

/** Row-major strides. */
export function stridesOf(shape: Shape): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

export function sameShape(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** `[2,3]`: TensorFlow's shape text inside error messages. */
export function shapeText(shape: Shape): string {
  return `[${shape.join(',')}]`;
}

/** `(2, 1)`, `(3,)`, `()`: TensorFlow's TensorShape text in reprs (the one printer's formatShape). */
export { formatShape as shapeTuple } from '../format/numbers';

/**
 * NumPy broadcasting: align trailing dimensions; each pair must be equal or contain a 1.
 * Throws TensorFlow's `Incompatible shapes: [2,3] vs. [4]`.
 */
export function broadcastShape(a: Shape, b: Shape, op?: string): number[] {
  if (sameShape(a, b)) return a as number[];
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = i < n - a.length ? 1 : a[i - (n - a.length)];
    const db = i < n - b.length ? 1 : b[i - (n - b.length)];
    if (da === db || db === 1) out[i] = da;
    else if (da === 1) out[i] = db;
    else throw new InvalidArgumentError(`Incompatible shapes: ${shapeText(a)} vs. ${shapeText(b)}`, op);
  }
  return out;
}

/**
 * The axes of `outShape` that broadcasting created or stretched relative to `inShape`:
 * summing a gradient of shape `outShape` over them (keepdims for the stretched ones)
 * and reshaping gives `inShape`. Empty when no reduction is needed.
 */
export function reductionAxes(inShape: Shape, outShape: Shape): number[] {
  const axes: number[] = [];
  const lead = outShape.length - inShape.length;
  for (let i = 0; i < outShape.length; i++) {
    if (i < lead) axes.push(i);
    else if (inShape[i - lead] === 1 && outShape[i] !== 1) axes.push(i);
  }
  return axes;
}

/** Normalises `axis` (number, list, negative, or undefined = all axes) to sorted unique axes. */
export function normalizeAxes(axis: number | readonly number[] | undefined | null, rank: number, op?: string): number[] {
  if (axis === undefined || axis === null) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof axis === 'number' ? [axis] : axis;
  if (!Array.isArray(list)) throw new TypeError(`axis expects an integer or an array of integers, got ${describeValue(axis)}`);
  const out: number[] = [];
  for (const a of list) {
    const r = normalizeAxis(a, rank, op);
    if (!out.includes(r)) out.push(r);
  }
  return out.sort((x, y) => x - y);
}

/** A single axis in [-rank, rank), made non-negative. */
export function normalizeAxis(axis: number, rank: number, op?: string): number {
  if (typeof axis !== 'number' || !Number.isInteger(axis)) throw new TypeError(`axis expects an integer, got ${describeValue(axis)}`);
  if (!Number.isInteger(axis) || axis < -Math.max(rank, 1) || axis >= Math.max(rank, 1)) {
    throw new InvalidArgumentError(`Invalid reduction dimension (${axis} for input with ${rank} dimension(s)`, op);
  }
  return axis < 0 ? axis + rank : axis;
}

/** The shape left after reducing `axes` (kept as 1s when keepdims). */
export function reducedShape(shape: Shape, axes: readonly number[], keepdims: boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < shape.length; i++) {
    if (axes.includes(i)) {
      if (keepdims) out.push(1);
    } else out.push(shape[i]);
  }
  return out;
}

/**
 * A shape argument as the user gave it, checked where it is passed: a non-negative integer or an
 * array of them (TF converts a shape to int32, so 2.5 or "a" is a TypeError, and rejects a
 * negative dimension). `what` names the function and parameter in the message: `zeros(shape)`.
 */
export function checkShape(shape: unknown, what: string): number[] {
  const dims = typeof shape === 'number' ? [shape] : shape;
  if (!Array.isArray(dims) && !(dims instanceof Int32Array)) {
    throw new TypeError(`${what} expects an array of non-negative integers, got ${describeValue(shape)}`);
  }
  for (let i = 0; i < dims.length; i++) {
    const d: unknown = dims[i];
    if (typeof d !== 'number' || !Number.isInteger(d)) {
      throw new TypeError(`${what} expects an array of non-negative integers, got ${describeValue(d)} at index ${i} of ${shapeArg(dims)}`);
    }
    if (d < 0) throw new InvalidArgumentError(`Dimension ${d} must be >= 0: ${what} expects an array of non-negative integers, got ${shapeArg(dims)}`);
  }
  return Array.from(dims as ArrayLike<number>);
}

function shapeArg(dims: ArrayLike<unknown>): string {
  return `[${Array.from(dims, (d) => (typeof d === 'string' ? JSON.stringify(d) : String(d))).join(', ')}]`;
}

/** A size argument (`eye(numRows)`, `linspace(num)`): a non-negative integer, checked where passed. */
export function checkCount(n: unknown, what: string): number {
  if (typeof n !== 'number' || !Number.isInteger(n)) throw new TypeError(`${what} expects a non-negative integer, got ${describeValue(n)}`);
  if (n < 0) throw new InvalidArgumentError(`${what} expects a non-negative integer, got ${n}`);
  return n;
}
