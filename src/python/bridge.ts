/**
 * The JavaScript side of the Python runtime's FFI: the module `_gradtape` that
 * src/python/runtime/tensorflow/__init__.py imports. Small helpers whose answer needs one crossing
 * where asking from Python would need several (what kind of value a JS object is, a tensor's text).
 */
import * as engine from '../engine/index';
import { formatNumpyRepr, formatNumpyStr } from '../format/tensors';
import { peekValues, Tensor, Variable } from '../engine/tensor';
import type { DType } from '../engine/dtype';
import signatures from './generated/signatures.json';

/** Shape as TF prints it: `()`, `(3,)`, `(2, 1)`. */
function shapeTuple(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

const isClass = (f: unknown): boolean => typeof f === 'function' && /^class\b/.test(Function.prototype.toString.call(f));

export function makeBridge(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
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
    floorOf: (t: Tensor): Tensor => engine.constant(Float32Array.from(peekValues(t), Math.floor), t.dtype, t.shape),
    ...extra,
  };
}
