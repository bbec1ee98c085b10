/**
 * tf.data.Dataset: a lazy, re-iterable sequence of elements, as TensorFlow's `tf.data`.
 *
 * An element is a tensor, an array of elements (TF's tuple) or an object of elements (TF's dict).
 * Elements are made as new constants each time the dataset is iterated, never as recorded ops:
 * like TF's input pipelines, a dataset sits outside every tape, and a gradient with respect to
 * the tensor a dataset was built from is null (unconnected).
 */
import { Tensor, peekValues, type DType, type TypedArray } from '../tensor';
import { constant } from '../ops/index';
import { InvalidArgumentError } from '../errors';
import { Generator, nextGlobalSeed } from '../prng';
import { shapeText, sizeOf } from '../shape';

export type Element = Tensor | readonly Element[] | { readonly [key: string]: Element };

type Sliced<T> = T extends Tensor
  ? Tensor
  : T extends readonly Tensor[]
    ? { -readonly [K in keyof T]: Tensor }
    : T extends readonly unknown[]
      ? Tensor
      : T extends Float32Array | Float64Array | Int32Array | Uint8Array
        ? Tensor
        : { -readonly [K in keyof T]: Tensor };

/** What `map` yields for a function's result: numbers and number arrays become tensors, as TF converts map_func's outputs. */
type Converted<U> = U extends Tensor
  ? U
  : U extends number | boolean | TypedArray
    ? Tensor
    : U extends readonly Tensor[]
      ? { -readonly [K in keyof U]: Converted<U[K]> }
      : U extends readonly unknown[]
        ? Tensor
        : U extends object
          ? { -readonly [K in keyof U]: Converted<U[K]> }
          : U;

type Zipped<T> = { -readonly [K in keyof T]: T[K] extends Dataset<infer E> ? E : never };

/** An iterator factory: each call starts a fresh pass over the data (TF makes a new iterator per epoch). */
type Source<T> = () => Iterator<T>;

// ──── Structure helpers ────

function isTensor(x: unknown): x is Tensor {
  return x instanceof Tensor;
}

function isTypedArray(x: unknown): x is Float32Array | Float64Array | Int32Array | Uint8Array {
  return ArrayBuffer.isView(x) && !(x instanceof DataView);
}

/** True when a plain nested array is rectangular, i.e. could be one tensor. */
function isRectangular(x: unknown): boolean {
  if (!Array.isArray(x)) return typeof x === 'number' || typeof x === 'boolean';
  if (x.length === 0) return true;
  const shapeOf = (v: unknown): number[] | null => {
    if (!Array.isArray(v)) return typeof v === 'number' || typeof v === 'boolean' ? [] : null;
    if (v.length === 0) return [0];
    const inner = shapeOf(v[0]);
    if (inner === null) return null;
    for (let i = 1; i < v.length; i++) {
      const s = shapeOf(v[i]);
      if (s === null || s.length !== inner.length || s.some((d, k) => d !== inner[k])) return null;
    }
    return [v.length, ...inner];
  };
  return shapeOf(x) !== null;
}

/**
 * An array is TF's tuple when it holds tensors (or is ragged, so it cannot be one tensor);
 * a rectangular array of numbers is one tensor, as a Python list is in TensorFlow.
 */
function isTupleLike(x: unknown): x is readonly unknown[] {
  return Array.isArray(x) && (x.some(isTensor) || !isRectangular(x));
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && !isTensor(x) && !isTypedArray(x);
}

function toTensor(x: unknown): Tensor {
  if (isTensor(x)) return x;
  return constant(x as never);
}

/** Maps the leaves (tensors) of a structure, keeping its shape. */
function mapLeaves(x: unknown, f: (t: Tensor, path: string) => Tensor, path = ''): Element {
  if (isTupleLike(x)) return x.map((v, i) => mapLeaves(v, f, `${path}[${i}]`));
  if (isPlainObject(x)) {
    const out: Record<string, Element> = {};
    for (const k of Object.keys(x)) out[k] = mapLeaves(x[k], f, path ? `${path}.${k}` : k);
    return out;
  }
  return f(toTensor(x), path);
}

function leavesOf(e: Element): Tensor[] {
  if (isTensor(e)) return [e];
  if (Array.isArray(e)) return (e as Element[]).flatMap(leavesOf);
  return Object.keys(e).flatMap((k) => leavesOf((e as Record<string, Element>)[k]));
}

/** Rebuilds a structure like `template` from leaves taken in order. */
function rebuild(template: Element, leaves: Tensor[], at = { i: 0 }): Element {
  if (isTensor(template)) return leaves[at.i++];
  if (Array.isArray(template)) return (template as Element[]).map((t) => rebuild(t, leaves, at));
  const out: Record<string, Element> = {};
  for (const k of Object.keys(template)) out[k] = rebuild((template as Record<string, Element>)[k], leaves, at);
  return out;
}

/** A component's value when the dataset was made (a Variable assigned later does not change it, as in TF). */
interface Snapshot {
  values: TypedArray;
  dtype: DType;
  rowShape: number[];
  rowSize: number;
}

function snapshot(t: Tensor): Snapshot {
  const rowShape = t.shape.slice(1);
  // Tensor storage is never written in place (a Variable swaps in a new array), so holding it is a snapshot.
  return { values: peekValues(t), dtype: t.dtype, rowShape, rowSize: sizeOf(rowShape) };
}

/** Row `i` along axis 0, as a new constant (not a recorded op). */
function sliceRow(c: Snapshot, i: number): Tensor {
  return constant(c.values.subarray(i * c.rowSize, (i + 1) * c.rowSize), c.dtype, c.rowShape); // constant copies
}

/** Stacks same-shape tensors along a new axis 0 into one new constant. */
function stackRows(ts: Tensor[], component: number): Tensor {
  const first = ts[0];
  const size = first.size;
  for (let k = 1; k < ts.length; k++) {
    const s = ts[k].shape;
    if (s.length !== first.shape.length || s.some((d, j) => d !== first.shape[j]) || ts[k].dtype !== first.dtype) {
      throw new InvalidArgumentError(
        `Cannot batch tensors with different shapes in component ${component}. First element had shape ${shapeText(first.shape)} and element ${k} had shape ${shapeText(s)}.`,
      );
    }
  }
  const firstValues = peekValues(first);
  const Ctor = firstValues.constructor as new (n: number) => typeof firstValues;
  const out = new Ctor(size * ts.length);
  for (let k = 0; k < ts.length; k++) out.set(peekValues(ts[k]) as never, k * size);
  return constant(out as never, first.dtype, [ts.length, ...first.shape]);
}

// ──── Dataset ────

export class Dataset<T = Element> implements Iterable<T> {
  private constructor(private readonly source: Source<T>) {}

  /**
   * `tf.data.Dataset.from_tensor_slices`: slices along the first axis. A tensor (or nested numbers)
   * gives tensor elements; an array of tensors `[x, y]` gives `[x_i, y_i]`; an object `{ x, y }`
   * gives `{ x: x_i, y: y_i }`. Every component must have the same first dimension.
   */
  static fromTensorSlices<const S>(data: S): Dataset<Sliced<S>> {
    const components: Tensor[] = [];
    const template = mapLeaves(data, (t, path) => {
      if (t.rank === 0) throw new InvalidArgumentError(`fromTensorSlices: component ${path || '0'} is a scalar; slicing needs rank >= 1`);
      components.push(t);
      return t;
    });
    const n = components[0]?.shape[0] ?? 0;
    for (const c of components) {
      if (c.shape[0] !== n) {
        throw new InvalidArgumentError(
          `Dimensions ${n} and ${c.shape[0]} are not compatible: all components must have the same size in their first dimension (shapes ${components.map((t) => shapeText(t.shape)).join(', ')})`,
        );
      }
    }
    const snapshots = components.map(snapshot);
    return new Dataset(function* () {
      for (let i = 0; i < n; i++) yield rebuild(template, snapshots.map((c) => sliceRow(c, i))) as Sliced<S>;
    });
  }

  /**
   * `tf.data.Dataset.zip`: element i is the structure of the datasets' i-th elements; stops at the
   * shortest. Takes an array or object of datasets, or (TF >= 2.13) datasets as separate arguments.
   */
  static zip<const D extends readonly Dataset<unknown>[] | { readonly [k: string]: Dataset<unknown> }>(datasets: D): Dataset<Zipped<D>>;
  static zip<const D extends readonly Dataset<unknown>[]>(...datasets: D): Dataset<Zipped<D>>;
  static zip(...args: unknown[]): Dataset<unknown> {
    const datasets = (args[0] instanceof Dataset ? args : args[0]) as readonly Dataset<unknown>[] | Record<string, Dataset<unknown>>;
    const entries = Array.isArray(datasets)
      ? (datasets as readonly Dataset<unknown>[]).map((d, i) => [i, d] as const)
      : Object.keys(datasets).map((k) => [k, (datasets as Record<string, Dataset<unknown>>)[k]] as const);
    const isArray = Array.isArray(datasets);
    return new Dataset(function* () {
      const its = entries.map(([, d]) => d[Symbol.iterator]());
      for (;;) {
        const parts: unknown[] = [];
        for (const it of its) {
          const r = it.next();
          if (r.done) return;
          parts.push(r.value);
        }
        if (isArray) yield parts;
        else {
          const out: Record<string, unknown> = {};
          entries.forEach(([k], j) => (out[k as string] = parts[j]));
          yield out;
        }
      }
    });
  }

  /** A dataset computed from this one: `gen` gets this dataset and yields the new elements. */
  private derive<U>(gen: (parent: Dataset<T>) => Iterator<U>): Dataset<U> {
    return new Dataset(() => gen(this));
  }

  [Symbol.iterator](): Iterator<T> {
    return this.source();
  }

  /** All elements, in order (a convenience; TF's `list(ds)`). */
  toArray(): T[] {
    return [...this];
  }

  /**
   * `Dataset.batch(batch_size, drop_remainder=False)`: stacks `n` consecutive elements component
   * by component along a new first axis; the last batch is smaller unless `dropRemainder`.
   */
  batch(n: number, { dropRemainder = false }: { dropRemainder?: boolean } = {}): Dataset<T> {
    if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`batch_size must be greater than zero, got ${n}`);
    return this.derive(function* (parent) {
      let pending: T[] = [];
      const flush = (): T => {
        const template = pending[0] as Element;
        const columns = pending.map((e) => leavesOf(e as Element));
        const stacked = columns[0].map((_, c) => stackRows(columns.map((col) => col[c]), c));
        pending = [];
        return rebuild(template, stacked) as T;
      };
      for (const e of parent) {
        pending.push(e);
        if (pending.length === n) yield flush();
      }
      if (pending.length > 0 && !dropRemainder) yield flush();
    });
  }

  /**
   * `Dataset.shuffle(buffer_size, seed, reshuffle_each_iteration=True)`, with TF's buffer semantics:
   * fill a buffer with the first `bufferSize` elements, then repeatedly emit a uniformly chosen
   * buffer slot and refill it with the next input element; when the input ends, drain the buffer
   * at random. `bufferSize >= size` gives a uniform permutation. With a seed the sequence of
   * orders is the same on every run; each new pass (epoch) uses the next order in that sequence.
   */
  shuffle(bufferSize: number, { seed, reshuffleEachIteration = true }: { seed?: number; reshuffleEachIteration?: boolean } = {}): Dataset<T> {
    if (!Number.isInteger(bufferSize) || bufferSize <= 0) throw new InvalidArgumentError(`buffer_size must be greater than zero, got ${bufferSize}`);
    const baseSeed = seed ?? nextGlobalSeed();
    let epoch = 0;
    return this.derive(function* (parent) {
      const gen = new Generator(baseSeed, reshuffleEachIteration ? epoch++ : 0);
      const it = parent[Symbol.iterator]();
      const buffer: T[] = [];
      let exhausted = false;
      const pull = (): boolean => {
        if (exhausted) return false;
        const r = it.next();
        if (r.done) {
          exhausted = true;
          return false;
        }
        buffer.push(r.value);
        return true;
      };
      while (buffer.length < bufferSize && pull());
      while (buffer.length > 0) {
        const i = gen.nextBelow(buffer.length);
        const out = buffer[i];
        // Refill the emptied slot from the input, or close the gap with the last slot.
        if (pull()) buffer[i] = buffer.pop()!;
        else {
          buffer[i] = buffer[buffer.length - 1];
          buffer.pop();
        }
        yield out;
      }
    });
  }

  /**
   * `Dataset.map(map_func)`. As in TF, a tuple element is spread into positional arguments
   * (`ds.map((x, y) => …)`), and that is how it is typed. At run time a one-parameter function
   * on a tuple gets the whole array instead (`ds.map(([x, y]) => …)` in plain JavaScript), which
   * TF would reject. (TypeScript cannot type both: overloads fix a callback's parameter types
   * from the first one.) Numbers and arrays in the result become tensors, as in TF.
   */
  map<U>(fn: (...args: T extends readonly unknown[] ? T : [T]) => U): Dataset<Converted<U>>;
  map<U>(fn: (...args: never[]) => U): Dataset<Converted<U>> {
    const f = fn as unknown as (...args: unknown[]) => U;
    return this.derive(function* (parent) {
      for (const e of parent) {
        const out = Array.isArray(e) && !(f.length === 1 && e.length !== 1) ? f(...(e as unknown[])) : f(e);
        yield mapLeaves(out, (t) => t) as Converted<U>;
      }
    });
  }

  /** `Dataset.take(count)`: the first `count` elements (all when count is -1). */
  take(count: number): Dataset<T> {
    return this.derive(function* (parent) {
      if (count === 0) return;
      let k = 0;
      for (const e of parent) {
        yield e;
        if (++k === count) return;
      }
    });
  }

  /** `Dataset.skip(count)`: all but the first `count` elements (none when count is -1). */
  skip(count: number): Dataset<T> {
    return this.derive(function* (parent) {
      if (count < 0) return;
      let k = 0;
      for (const e of parent) if (k++ >= count) yield e;
    });
  }

  /** `Dataset.repeat(count=None)`: the data `count` times; forever when count is omitted or -1. */
  repeat(count?: number): Dataset<T> {
    const times = count === undefined || count < 0 ? Infinity : count;
    return this.derive(function* (parent) {
      for (let r = 0; r < times; r++) {
        let any = false;
        for (const e of parent) {
          any = true;
          yield e;
        }
        // An empty dataset repeated forever is empty, not an endless loop (as TF).
        if (!any) return;
      }
    });
  }
}

export const data = { Dataset };
