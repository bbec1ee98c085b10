/**
 * Checks of non-tensor arguments, where the user passes them: a misspelled option or a string
 * where an integer belongs is an error naming the function and parameter, never silently ignored
 * (as Python rejects an unexpected keyword argument). Shapes and counts: `checkShape`/`checkCount`
 * in shape.ts.
 */
import { DTYPES, type DType } from './dtype';
import { describeValue } from './errors';

/**
 * An options object (Python's keyword arguments): undefined, or a plain object whose keys are all in
 * `allowed`. `fn` is the function as the user calls it: `matmul`, `GradientTape`.
 */
export function checkOptions(fn: string, options: unknown, allowed: readonly string[]): void {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`${fn}() expects an options object {${allowed.join(', ')}}, got ${describeValue(options)}`);
  }
  // for-in with an own-property check: the keys Object.keys gives, without an array per call.
  for (const key in options) {
    if (!Object.prototype.hasOwnProperty.call(options, key) || allowed.includes(key)) continue;
    const near = allowed.find((a) => a.toLowerCase() === key.toLowerCase().replace(/_/g, ''));
    const hint = near ? ` (did you mean '${near}'?)` : ` (it takes ${allowed.join(', ')})`;
    throw new TypeError(`${fn}() got an unexpected keyword argument '${key}'${hint}`);
  }
}

/** A boolean argument or option; undefined passes (the default applies). */
export function checkBool(fn: string, name: string, v: unknown): void {
  if (v !== undefined && typeof v !== 'boolean') throw new TypeError(`${fn}(${name}) expects a boolean, got ${describeValue(v)}`);
}

/** An integer argument (an axis, a count); undefined passes. */
export function checkInt(fn: string, name: string, v: unknown): void {
  if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v))) throw new TypeError(`${fn}(${name}) expects an integer, got ${describeValue(v)}`);
}

/** A finite or infinite number (not NaN); undefined passes. */
export function checkNumber(fn: string, name: string, v: unknown): void {
  if (v !== undefined && (typeof v !== 'number' || Number.isNaN(v))) throw new TypeError(`${fn}(${name}) expects a number, got ${describeValue(v)}`);
}

/** An array of integers (a permutation, begin/size, multiples), possibly negative. */
export function checkInts(fn: string, name: string, v: unknown): void {
  if (!Array.isArray(v) && !(v instanceof Int32Array)) throw new TypeError(`${fn}(${name}) expects an array of integers, got ${describeValue(v)}`);
  for (let i = 0; i < v.length; i++) {
    const d: unknown = v[i];
    if (typeof d !== 'number' || !Number.isInteger(d)) throw new TypeError(`${fn}(${name}) expects an array of integers, got ${describeValue(d)} at index ${i}`);
  }
}

/** More positional arguments than the function takes (Python's TypeError, which JS would drop). */
export function checkArity(fn: string, params: readonly string[], given: number): void {
  if (given > params.length) throw new TypeError(`${fn}() takes ${params.length} arguments (${params.join(', ')}), got ${given}`);
}


/** A dtype argument, in TF's words: `Cannot convert value "floatx" to a TensorFlow DType`. */
export function checkDtype(fn: string, v: unknown): void {
  if (v !== undefined && !DTYPES.includes(v as DType)) {
    throw new TypeError(`${fn}(dtype): Cannot convert value ${typeof v === 'string' ? JSON.stringify(v) : describeValue(v)} to a TensorFlow DType: expected one of ${DTYPES.join(', ')}`);
  }
}
