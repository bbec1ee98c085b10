/**
 * The JavaScript side of the Python runtime's FFI: the module `_gradtape` that
 * src/python/runtime/tensorflow/__init__.py imports. Small helpers whose answer needs one crossing
 * where asking from Python would need several (what kind of value a JS object is, a tensor's text).
 *
 * Speed: a crossing that returns a JS object costs Pyodide a new proxy (3-4 µs), one that passes and
 * returns numbers about 1 µs. So the hot paths (operators, the module's functions) hold tensors as
 * handles: an index into `held` times 8, plus 4 for a Variable, plus the dtype's code (DTYPES), so
 * Python knows the dtype without asking. Python frees handles in batches (`release`) when its
 * wrappers die. The op's source position comes with the call (`state.at`, an index the Python side
 * registered with newPosition), so the recorder need not call back into Python for it.
 */
import * as engine from '../engine/index';
import { formatNumpyRepr, formatNumpyStr } from '../format/tensors';
import { peekValues, Tensor, Variable } from '../engine/tensor';
import type { DType } from '../engine/dtype';
import signatures from './generated/signatures.json';
import { formatShape as shapeTuple } from '../format/numbers';


/** The dtype's code in the low two bits of a handle (the Python side reads them in the same order). */
const DTYPES: Record<DType, number> = { float32: 0, float64: 1, int32: 2, bool: 3 };
/** The operators' ops, by the code tensorflow/__init__.py's `_OP` gives them. */
const BINARY = [engine.add, engine.subtract, engine.multiply, engine.divide, engine.pow, engine.matmul, engine.less, engine.greater, engine.lessEqual, engine.greaterEqual, engine.equal];
const UNARY = [engine.negative, engine.abs];

/** The position of the op a Python call is running (an index of newPosition), -1 when the call did not say. */
export interface BridgeState {
  at: number;
}

/** A Python object with the buffer protocol, as Pyodide hands it to JavaScript (a PyProxy). */
interface PyBufferOwner {
  getBuffer(type: 'f64'): { data: Float64Array; release(): void };
  copy?(): PyBufferOwner;
}

const isClass = (f: unknown): boolean => typeof f === 'function' && /^class\b/.test(Function.prototype.toString.call(f));

export function makeBridge(extra: Record<string, unknown> = {}, state: BridgeState = { at: -1 }): Record<string, unknown> {
  const held: Tensor[] = [];
  const free: number[] = [];
  const handle = (t: Tensor): number => {
    const i = free.length > 0 ? (free.pop() as number) : held.length;
    held[i] = t;
    return i * 8 + (t instanceof Variable ? 4 : 0) + DTYPES[t.dtype];
  };
  // The operators' arguments (useArgs). A view into WebAssembly memory is emptied (detached) when
  // the memory grows; it is then taken again from its owner.
  let argsOwner: PyBufferOwner | undefined;
  let argsBuffer: { data: Float64Array; release(): void } | undefined;
  let args: Float64Array<ArrayBufferLike> = new Float64Array(0);
  const refreshArgs = (): Float64Array<ArrayBufferLike> => {
    argsBuffer?.release();
    argsBuffer = argsOwner?.getBuffer('f64');
    args = argsBuffer ? argsBuffer.data : new Float64Array(0);
    return args;
  };
  const unhandle = (v: unknown): unknown => (typeof v === 'number' ? held[v >> 3] : Array.isArray(v) ? v.map(unhandle) : v);
  return {
    handle,
    get: (h: number): Tensor => held[h >> 3],
    /** How many tensors Python holds handles to (tests: dead wrappers free theirs). */
    heldCount: (): number => held.length - free.length,
    release(hs: ArrayLike<number>): void {
      for (let i = 0; i < hs.length; i++) {
        const k = hs[i] >> 3;
        if (held[k] === undefined) continue;
        held[k] = undefined as unknown as Tensor;
        free.push(k);
      }
    },
    /**
     * The operators' arguments travel in `args`, a view of a Python `array.array('d')` in
     * WebAssembly memory that Python fills before a call with no arguments: each argument of a
     * crossing costs Pyodide about 0.25 µs, a store into the array about 0.1 µs. Read into locals
     * first thing, so an op that runs Python (a custom gradient) may reuse the array.
     */
    useArgs(owner: PyBufferOwner): void {
      argsOwner = owner.copy ? owner.copy() : owner;
      refreshArgs();
    },
    /**
     * An operator: `x * w` is bin() with args [code, hx, hw], code = (position + 1) × 64 + op × 4 +
     * lit; lit 1: b is a Python number in a's dtype, lit 2: a is one in b's.
     */
    bin(): number {
      const v = args.length === 0 ? refreshArgs() : args;
      const code = v[0];
      const a = v[1];
      const b = v[2];
      const prev = state.at;
      state.at = (code >> 6) - 1;
      try {
        const lit = code & 3;
        const x = lit === 2 ? engine.constant(a, held[b >> 3].dtype) : held[a >> 3];
        const y = lit === 1 ? engine.constant(b, x.dtype) : held[b >> 3];
        return handle(BINARY[(code >> 2) & 15](x, y));
      } finally {
        state.at = prev;
      }
    },
    /** A unary operator: args [code, ha], code = (position + 1) × 64 + op × 4. */
    un(): number {
      const v = args.length === 0 ? refreshArgs() : args;
      const code = v[0];
      const a = v[1];
      const prev = state.at;
      state.at = (code >> 6) - 1;
      try {
        return handle(UNARY[(code >> 2) & 15](held[a >> 3]));
      } finally {
        state.at = prev;
      }
    },
    /**
     * An engine function called from Python as f(pos, ...args): the arguments at `tensorAt` are
     * handles (or arrays of them), a returned Tensor comes back as a handle.
     */
    lift(fn: (...a: unknown[]) => unknown, tensorAt: ArrayLike<number>, returnsTensor: boolean): (at: number, ...args: unknown[]) => unknown {
      const at = Array.from(tensorAt);
      return (pos: number, ...args: unknown[]): unknown => {
        const prev = state.at;
        state.at = pos;
        try {
          for (const i of at) if (i < args.length) args[i] = unhandle(args[i]);
          const r = fn(...args);
          return returnsTensor && r instanceof Tensor ? handle(r) : r;
        } finally {
          state.at = prev;
        }
      };
    },
    // A plain copy: the bundled module object reads each export through a getter.
    engine: { ...engine },
    sigs: signatures,
    /** 0 null/undefined, 1 Tensor, 2 Variable, 3 array, 4 function, 5 object, 6 primitive. */
    kind(x: unknown): number {
      if (x === null || x === undefined) return 0;
      if (x instanceof Variable) return 2;
      if (x instanceof Tensor) return 1;
      if (Array.isArray(x)) return 3;
      if (typeof x === 'function') return 4;
      return typeof x === 'object' ? 5 : 6;
    },
    keys: (o: object): string[] => Object.keys(o),
    isClass,
    isInstance: (o: unknown, cls: new (...a: never[]) => unknown): boolean => o instanceof cls,
    className: (o: object): string => o.constructor?.name ?? 'Object',
    iterate: (o: Iterable<unknown>): unknown[] => [...o],
    /** TF's `str(t)`: `tf.Tensor(6.0, shape=(), dtype=float32)`; a multi-line array starts on its own line. */
    tensorStr(t: Tensor): string {
      const text = formatNumpyStr(peekValues(t), t.shape, t.dtype);
      return `tf.Tensor(${text.includes('\n') ? '\n' + text : text}, shape=${shapeTuple(t.shape)}, dtype=${t.dtype})`;
    },
    /** numpy's str or repr of values the Python numpy module holds. */
    arrayText(values: ArrayLike<number>, shape: number[], dtype: DType, repr: boolean): string {
      return repr ? formatNumpyRepr(values, shape, dtype) : formatNumpyStr(values, shape, dtype);
    },
    /**
     * An instance of a Keras class (`keras.Model`, `keras.layers.Layer`) whose `call` is a Python
     * method: a Python subclass (`class MyModel(tf.keras.Model)`) is this object plus Python's own
     * attributes, so the engine's `__call__` (build, name scopes, variable tracking) runs as for a
     * TypeScript subclass.
     */
    subclass(base: new (o: object) => object, call: (inputs: unknown, training: unknown) => unknown, options: object, build: ((shape: number[]) => void) | null, className: string): object {
      type Base = { call(i: unknown, o?: { training?: boolean }): unknown; build(shape: number[]): void };
      const Sub = class extends (base as new (o: object) => Base) {
        override call(inputs: unknown, opts?: { training?: boolean }): unknown {
          return call(inputs, opts?.training);
        }
        // The Python class's build(input_shape), inside the engine's wrapper (which marks the layer built).
        override build(shape: number[]): void {
          if (build) build(shape);
          else super.build(shape);
        }
      };
      // Keras's class name (kerasClassName): names (`linear`, `linear_1`) and summary() read the Python class's.
      Object.defineProperty(Sub, 'className', { value: className });
      return new Sub(options);
    },
    floorOf: (t: Tensor): Tensor => engine.constant(Float32Array.from(peekValues(t), Math.floor), t.dtype, t.shape),
    ...extra,
  };
}
