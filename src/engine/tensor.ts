/**
 * Tensor and Variable: typed-array storage (Float32Array for float32, Float64Array for float64,
 * Int32Array for int32, Uint8Array for bool), immutable values (a Variable swaps in a new array
 * on assign), a unique numeric `id`, and TensorFlow's repr.
 */
import type { SourcePos } from './debugTypes';
import { allocate, DTYPES, type DType, type TypedArray } from './dtype';
import { describeValue, InvalidArgumentError } from './errors';
import { formatNumpyRepr } from '../format/tensors';
import { observeCall, observer } from './observer';
import { sameShape, shapeText, shapeTuple, sizeOf } from './shape';

export type { DType, TypedArray } from './dtype';

/** A nested array of numbers or booleans, any depth. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- a recursive type needs an interface
export interface NestedArray extends ReadonlyArray<number | boolean | NestedArray> {}
/** Anything an op accepts where it takes a tensor: converted to a constant as TensorFlow does. */
export type TensorLike = Tensor | number | boolean | NestedArray | TypedArray;

/**
 * What the engine remembers about a tensor only while an observer is attached, so that a
 * `null` gradient can be explained (where a constant was made, which op made a value, where a
 * value was read out of the engine).
 */
export interface TensorDebug {
  /** Where the tensor was created (constant, variable, op call). */
  pos?: SourcePos;
  /** The op that produced it, with its inputs; absent for constants and variables. */
  origin?: {
    op: string;
    inputs: readonly Tensor[];
    pausedTapeIds?: number[];
    /**
     * Set on a gradient the backward pass summed from several contributions: `inputs` are the
     * terms t0, t1, … tn and the value is Add(…Add(Add(t0, t1), t2)…, tn); the partial sums
     * between are not kept (they would keep every contribution of a long tape alive).
     */
    runningSum?: true;
  };
  /** Where its value left the engine (arraySync / dataSync / numpy), and the id clock then. */
  readPos?: SourcePos;
  readClock?: number;
  readHow?: 'arraySync' | 'dataSync' | 'numpy';
  /** Made outside an op (tf.constant, tf.variable, fills, random): set with `pos` by noteCreated. */
  created?: 'constant' | 'variable';
  /**
   * Owned by the observer (the runner): the name the user's source gives this tensor. Kept on the
   * tensor, not in a map keyed by id, so it lives and dies with it.
   */
  name?: string;
  /** Owned by the observer: the trace shows this tensor in detail, so it wants its adjoints. */
  shown?: boolean;
}

let nextTensorId = 1;

/** The id the next tensor will get: a clock that orders tensor creation. */
export function tensorClock(): number {
  return nextTensorId;
}

export class Tensor {
  /** Unique within the process; the observer and traces key tensors by it. */
  readonly id: number;
  readonly shape: number[];
  readonly dtype: DType;
  readonly size: number;
  /** @internal Storage; a Variable replaces it on assign. Read with dataSync() or peekValues(). */
  data: TypedArray;
  /** @internal Only set while an observer is attached. */
  _debug: TensorDebug | undefined;
  /** @internal Backward-pass scratch (tape.ts): the pass's stamp and this tensor's adjoint. */
  _mark: number;
  _adj: Tensor | null;
  /**
   * @internal The `recording` of the tape that recorded the op that made this tensor (0: none).
   * A stamp instead of a set entry per op: on a long tape, adding every output's id to a Set
   * was half of recording's own cost.
   */
  _rec: number;

  /** @internal Use tf.constant and the ops; `data` is owned by the tensor from here on. */
  constructor(data: TypedArray, shape: number[], dtype: DType) {
    this.id = nextTensorId++;
    this.data = data;
    this.shape = shape;
    this.dtype = dtype;
    this.size = data.length;
    this._debug = undefined;
    this._mark = 0;
    this._adj = null;
    this._rec = 0;
  }

  get rank(): number {
    return this.shape.length;
  }

  /** Nested arrays (a number or boolean for rank 0). The value leaves the engine. */
  arraySync(): number | boolean | NestedArray {
    this.noteRead('arraySync');
    return toNested(this.data, this.shape, this.dtype);
  }

  /** Alias of arraySync (TensorFlow's `.numpy()`). */
  numpy(): number | boolean | NestedArray {
    this.noteRead('numpy');
    return toNested(this.data, this.shape, this.dtype);
  }

  /** A copy of the values in row-major order. The value leaves the engine. */
  dataSync(): TypedArray {
    this.noteRead('dataSync');
    return this.data.slice();
  }

  /** TensorFlow's repr: `<tf.Tensor: shape=(2, 1), dtype=float32, numpy=\narray(...)>`. */
  toString(): string {
    return `<tf.Tensor: shape=${shapeTuple(this.shape)}, dtype=${this.dtype}, numpy=${numpyText(this)}>`;
  }

  /** Prints toString() to the console. */
  print(): void {
    console.log(this.toString());
  }

  /** Node's console.log and util.inspect use this (a registered symbol: no Node import needed). */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  private noteRead(how: 'arraySync' | 'dataSync' | 'numpy'): void {
    const obs = observer();
    if (!obs) return;
    const pos = obs.locate();
    const debug = (this._debug ??= {});
    debug.readPos = pos;
    debug.readClock = nextTensorId;
    debug.readHow = how;
    obs.valueRead({ tensor: this, how, pos });
  }
}

/** TensorFlow's `numpy_text`: a multi-line array starts on its own line. */
function numpyText(t: Tensor): string {
  const text = formatNumpyRepr(t.data, t.shape, t.dtype);
  return text.includes('\n') ? '\n' + text : text;
}

export interface VariableOptions {
  name?: string;
  trainable?: boolean;
  dtype?: DType;
  /** The variable's shape, checked against the initial value's (TensorFlow's `shape=`). */
  shape?: readonly number[];
}

/** A mutable tensor (tf.Variable). Trainable variables are watched when read inside record. */
export class Variable extends Tensor {
  /** TensorFlow's variable name, with the output index: `Variable:0`. */
  readonly name: string;
  readonly trainable: boolean;

  /** @internal Use tf.variable(initial, options). */
  constructor(data: TypedArray, shape: number[], dtype: DType, name: string, trainable: boolean) {
    super(data, shape, dtype);
    this.name = `${name}:0`;
    this.trainable = trainable;
  }

  /** The name without TensorFlow's output index (Keras 3's `variable.path`): `dense/kernel`. */
  get path(): string {
    return this.name.slice(0, -2);
  }

  override toString(): string {
    return `<tf.Variable '${this.name}' shape=${shapeTuple(this.shape)} dtype=${this.dtype}, numpy=${numpyText(this)}>`;
  }

  /** Replaces the value (same shape); returns the variable. */
  assign(value: TensorLike): this {
    return observeCall('assign', undefined, () => this.update(value, 'assign'));
  }

  /** value += delta, computed in double and rounded once per element. */
  assignAdd(delta: TensorLike): this {
    return observeCall('assignAdd', undefined, () => this.update(delta, 'assignAdd'));
  }

  /** value -= delta, computed in double and rounded once per element. */
  assignSub(delta: TensorLike): this {
    return observeCall('assignSub', undefined, () => this.update(delta, 'assignSub'));
  }

  private update(value: TensorLike, how: 'assign' | 'assignAdd' | 'assignSub'): this {
    const v = toTensor(value, this.dtype);
    if (!sameShape(v.shape, this.shape)) {
      // TensorFlow's texts: assign checks in Python (a ValueError there, shapes as tuples);
      // assign_add / assign_sub fail in the op (shapes as [2,1]).
      if (how === 'assign') {
        throw new InvalidArgumentError(
          `Cannot assign value to variable ' ${this.name}': Shape mismatch.The variable shape ${shapeTuple(this.shape)}, and the assigned value shape ${shapeTuple(v.shape)} are incompatible.`,
        );
      }
      throw new InvalidArgumentError(
        `Cannot update variable with shape ${shapeText(this.shape)} using a Tensor with shape ${shapeText(v.shape)}, shapes must be equal.`,
        how === 'assignAdd' ? 'AssignAddVariableOp' : 'AssignSubVariableOp',
      );
    }
    const next = allocate(this.dtype, this.size);
    const src = v.data;
    const cur = this.data;
    if (how === 'assign') next.set(src);
    else if (how === 'assignAdd') for (let i = 0; i < next.length; i++) next[i] = cur[i] + src[i];
    else for (let i = 0; i < next.length; i++) next[i] = cur[i] - src[i];
    // A new array, not an in-place write: tensors that shared the old storage keep their values.
    this.data = next;
    const obs = observer();
    if (obs) obs.variableAssigned({ variable: this, how, pos: obs.locate() });
    return this;
  }
}

/**
 * The values of `t` in row-major order, for observers: unlike dataSync() this never counts as
 * the value leaving the engine. The array is the tensor's own storage; do not write to it.
 */
export function peekValues(t: Tensor): TypedArray {
  return t.data;
}

function toNested(data: TypedArray, shape: readonly number[], dtype: DType): number | boolean | NestedArray {
  const bool = dtype === 'bool';
  if (shape.length === 0) return bool ? data[0] !== 0 : data[0];
  return buildNested(data, shape, bool, 0, { offset: 0 });
}

// Module-level recursion (no closure per call: tsx's keepNames makes each closure cost a defineProperty).
function buildNested(data: TypedArray, shape: readonly number[], bool: boolean, axis: number, at: { offset: number }): NestedArray {
  const n = shape[axis];
  const out: (number | boolean | NestedArray)[] = new Array(n);
  if (axis === shape.length - 1) {
    const o = at.offset;
    for (let i = 0; i < n; i++) out[i] = bool ? data[o + i] !== 0 : data[o + i];
    at.offset += n;
  } else {
    for (let i = 0; i < n; i++) out[i] = buildNested(data, shape, bool, axis + 1, at);
  }
  return out;
}

function isTypedArray(v: unknown): v is TypedArray {
  return v instanceof Float32Array || v instanceof Float64Array || v instanceof Int32Array || v instanceof Uint8Array;
}

/** Shape of a rectangular nested array; throws for ragged input. */
function inferShape(value: number | boolean | NestedArray | TypedArray): number[] {
  const shape: number[] = [];
  let v: unknown = value;
  while (Array.isArray(v) || isTypedArray(v)) {
    shape.push((v as ArrayLike<unknown>).length);
    if ((v as ArrayLike<unknown>).length === 0) break;
    v = (v as ArrayLike<unknown>)[0];
  }
  return shape;
}

/** Writes the leaves of a rectangular nested array into `out`; returns the next index. */
function flatten(v: unknown, shape: readonly number[], axis: number, out: TypedArray, k: number): number {
  if (axis === shape.length) {
    if (typeof v === 'number') out[k] = v;
    else if (typeof v === 'boolean') out[k] = v ? 1 : 0;
    else if (Array.isArray(v) || isTypedArray(v)) throw new InvalidArgumentError(`Can't convert non-rectangular Python sequence to Tensor.`);
    else unsupported(v);
    return k + 1;
  }
  if (!(Array.isArray(v) || isTypedArray(v)) || (v as ArrayLike<unknown>).length !== shape[axis]) {
    if (!(Array.isArray(v) || isTypedArray(v) || typeof v === 'number' || typeof v === 'boolean')) unsupported(v);
    throw new InvalidArgumentError(`Can't convert non-rectangular Python sequence to Tensor.`);
  }
  const arr = v as ArrayLike<unknown>;
  for (let i = 0; i < arr.length; i++) k = flatten(arr[i], shape, axis + 1, out, k);
  return k;
}

/**
 * TF's text for a value that is no tensor, number, boolean or array (a string, null, {}, a BigInt),
 * with what was expected: the default message would blame a "non-rectangular sequence".
 */
function unsupported(v: unknown): never {
  const type = v === null ? 'null' : typeof v === 'object' ? ((v as object).constructor?.name ?? 'object') : typeof v;
  throw new InvalidArgumentError(
    `Attempt to convert a value (${describeValue(v)}) with an unsupported type (${type}) to a Tensor: expected a tensor, a number, a boolean, or nested arrays of them`,
  );
}

function firstLeaf(value: unknown): unknown {
  let v = value;
  while (Array.isArray(v)) {
    if (v.length === 0) return undefined;
    v = v[0];
  }
  return v;
}

function inferDtype(value: number | boolean | NestedArray | TypedArray): DType {
  if (value instanceof Float64Array) return 'float64';
  if (value instanceof Int32Array) return 'int32';
  if (value instanceof Uint8Array) return 'bool';
  if (value instanceof Float32Array) return 'float32';
  return typeof firstLeaf(value) === 'boolean' ? 'bool' : 'float32';
}

/**
 * Builds a tensor from JavaScript values, as tf.constant(value, dtype, shape): a number or
 * nested arrays, or flat values with `shape`; a single value with `shape` fills it.
 * JavaScript has no int/float split, so numbers become float32 unless `dtype` says otherwise.
 */
export function tensorFromValues(
  value: number | boolean | NestedArray | TypedArray | Tensor,
  dtype?: DType,
  shape?: readonly number[],
): Tensor {
  checkDtypeAndShape(dtype, shape);
  if (typeof value !== 'number' && typeof value !== 'boolean' && !Array.isArray(value) && !isTypedArray(value) && !(value instanceof Tensor)) unsupported(value);
  if (value instanceof Tensor) {
    const dt = dtype ?? value.dtype;
    const data = allocate(dt, value.size);
    data.set(value.data);
    const t = new Tensor(data, value.shape.slice(), dt);
    return shape ? reshapeValues(t, shape) : t;
  }
  const dt = dtype ?? inferDtype(value);
  const inferred = inferShape(value);
  const n = sizeOf(inferred);
  const data = allocate(dt, n);
  if (isTypedArray(value)) data.set(value);
  else if (typeof value === 'number') data[0] = value;
  else if (typeof value === 'boolean') data[0] = value ? 1 : 0;
  else flatten(value, inferred, 0, data, 0);
  if (dt === 'int32' && !isTypedArray(value)) checkIntegers(value, data);
  if (dt === 'bool') for (let i = 0; i < data.length; i++) data[i] = data[i] ? 1 : 0;
  const t = new Tensor(data, inferred, dt);
  return shape ? reshapeValues(t, shape) : t;
}


/**
 * TensorFlow's order is constant(value, dtype, shape); tfjs's is tensor(values, shape, dtype). A swapped
 * call would otherwise fail deep inside with a JavaScript TypeError, so name the mistake, in TF's words.
 */
function checkDtypeAndShape(dtype: unknown, shape: unknown): void {
  if (dtype !== undefined && !DTYPES.includes(dtype as DType)) {
    throw new TypeError(`Cannot convert value ${JSON.stringify(dtype)} to a TensorFlow DType: expected one of float32, float64, int32, bool (the order is tf.constant(value, dtype, shape))`);
  }
  if (shape !== undefined && !(Array.isArray(shape) && shape.every((d) => Number.isInteger(d) && d >= 0))) {
    throw new TypeError(`Cannot convert ${JSON.stringify(shape)} to a shape: expected an array of non-negative integers (the order is tf.constant(value, dtype, shape))`);
  }
}

function checkIntegers(value: unknown, data: TypedArray): void {
  const src: number[] = [];
  collectNumbers(value, src);
  for (let i = 0; i < src.length; i++) {
    if (src[i] !== data[i]) throw new InvalidArgumentError(`Cannot convert ${JSON.stringify(value)} to EagerTensor of dtype int32`);
  }
}

function collectNumbers(v: unknown, out: number[]): void {
  if (Array.isArray(v)) for (const x of v) collectNumbers(x, out);
  else if (typeof v === 'number') out.push(v);
}

/** tf.constant's `shape`: fill from one value, or reshape when the sizes agree. */
function reshapeValues(t: Tensor, shape: readonly number[]): Tensor {
  const n = sizeOf(shape);
  if (t.size === n) return new Tensor(t.data, shape.slice(), t.dtype);
  if (t.size === 1) {
    const data = allocate(t.dtype, n);
    data.fill(t.data[0]);
    return new Tensor(data, shape.slice(), t.dtype);
  }
  throw new InvalidArgumentError(`Eager execution of tf.constant with unsupported shape. Tensor ${shapeTuple(t.shape)} (converted from ${t.size} values) has ${t.size} elements, but shape ${shapeTuple(shape)} needs ${n}.`);
}

/** Tells the observer (if any) about a tensor made outside an op; records its position. */
export function noteCreated(t: Tensor, kind: 'constant' | 'variable'): Tensor {
  const obs = observer();
  if (obs) {
    const pos = obs.locate();
    const debug = (t._debug ??= {});
    debug.pos = pos;
    debug.created = kind;
    obs.tensorCreated({ tensor: t, kind, pos });
  }
  return t;
}

/**
 * Converts an op argument to a tensor: tensors pass through; numbers and arrays become
 * constants of `dtype` (the other tensor argument's dtype, as TensorFlow converts Python
 * numbers; float32 when there is none).
 */
export function toTensor(x: TensorLike, dtype?: DType): Tensor {
  if (x instanceof Tensor) return x;
  if (typeof x === 'number' && (dtype === undefined || dtype === 'float32')) {
    const data = allocate('float32', 1);
    data[0] = x;
    return noteCreated(new Tensor(data, [], 'float32'), 'constant');
  }
  const dt = dtype ?? (typeof x === 'boolean' || typeof firstLeaf(x) === 'boolean' ? 'bool' : isTypedArray(x) ? undefined : 'float32');
  return noteCreated(tensorFromValues(x, dt), 'constant');
}
