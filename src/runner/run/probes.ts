/**
 * The probes the instrumented bundle calls (src/runner/shared/instrument.ts): each call sets the
 * current position index `cur[0]`; for-of over an iterator names its elements from the loop's
 * pattern; a function's parameters name the unnamed tensors passed to it.
 */
import type { Tensor } from '../../engine/tensor';
import type { SourcePos } from '../../protocol/trace';
import type { Instrumented } from '../shared/instrument';
import type { Pattern } from './names';
import { forEachBound } from './naming';

export interface ProbeHost {
  /** The shared slot the current call index goes to (src/runner/shared/probe.ts). */
  cur: Int32Array;
  /** The memory guard, which counts calls (src/runner/run/memoryGuard.ts). */
  guard: { countCall(): void };
  inst: Instrumented | undefined;
  patternAt(pos: SourcePos | undefined): Pattern | undefined;
  /** The recorder's naming (Recorder.nameValue). */
  nameValue(value: unknown, pattern: Pattern): void;
  /** A name for a tensor made earlier: its node in the trace takes it too (Recorder.nameLate). */
  nameLate(t: Tensor, name: string): void;
  isTensor(x: unknown): x is Tensor;
  /**
   * A variable has its own name; any other tensor has one when the recorder gave it one (at its
   * creation, from a pattern, or from an earlier parameter): the engine's TensorDebug.name, which
   * the observer owns. The first name a tensor gets wins.
   */
  hasName(t: Tensor): boolean;
}

/** The probes in PROBE_PARAMS order: __gtP, __gtE, __gtI, __gtN, __gtV. */
export function userProbes(h: ProbeHost): [(id: number, v: unknown) => unknown, (id: number) => unknown[], (id: number, iterable: unknown) => unknown, (id: number, ...values: unknown[]) => void, (id: number, value: unknown) => unknown] {
  const { cur, inst, guard } = h;
  const EMPTY: unknown[] = [];
  const probeP = <T>(id: number, v: T): T => {
    cur[0] = id;
    guard.countCall();
    return v;
  };
  const probeE = (id: number): unknown[] => {
    cur[0] = id;
    guard.countCall();
    return EMPTY;
  };
  const probeI = (id: number, iterable: unknown): unknown => {
    const make = (iterable as { [Symbol.iterator]?: () => Iterator<unknown> } | null | undefined)?.[Symbol.iterator];
    if (typeof make !== 'function') return iterable; // the original TypeError, unchanged
    // Built-in collections run no ops while iterating: keep their fast paths.
    if (Array.isArray(iterable) || ArrayBuffer.isView(iterable) || typeof iterable === 'string' || iterable instanceof Map || iterable instanceof Set) return iterable;
    return {
      [Symbol.iterator](): Iterator<unknown> {
        const it = make.call(iterable);
        // `for (const [x, y] of dataset)`: the tensors of each element take the pattern's names.
        const pattern = inst ? h.patternAt(inst.positions[id]) : undefined;
        return {
          next(v?: unknown) {
            cur[0] = id;
            const r = it.next(v);
            if (pattern !== undefined && r && !r.done) h.nameValue(r.value, pattern);
            return r;
          },
          return(v?: unknown) {
            return typeof it.return === 'function' ? it.return(v) : { done: true, value: v };
          },
        };
      },
    };
  };
  const paramNames = inst?.params ?? [];
  // `function lossOf(w) { … }` called with an unnamed tensor: inside, that tensor is `w`.
  const probeN = (id: number, ...values: unknown[]): void => {
    guard.countCall(); // a callback that calls nothing (Array.from's) still reaches the memory check
    const names = paramNames[id];
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      const name = names[i];
      if (name !== null && h.isTensor(v) && !h.hasName(v)) h.nameLate(v, name);
    }
  };
  const bindings = inst?.bindings ?? [];
  // `const [xs, ys] = makeSet()`: the unnamed tensors of the value take the declaration's names.
  const probeV = (id: number, value: unknown): unknown => {
    forEachBound(value, bindings[id], h.isTensor, (t, name) => {
      if (!h.hasName(t)) h.nameLate(t, name);
    });
    return value;
  };
  return [probeP, probeE, probeI, probeN, probeV];
}
