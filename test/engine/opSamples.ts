/**
 * Inputs for the registry-wide tests (allOps, forward mode over every op, both kernel paths): the
 * cases an op's `sample` describes, and tensors drawn for them away from the op's kinks.
 */
import * as tf from '../../src/engine/index';
import type { OpDef, SampleInput } from '../../src/engine/op';
import type { Tensor } from '../../src/engine/tensor';
import { BROADCAST_PAIRS, UNARY_SHAPES } from './shapeCombos';

export interface Case {
  inputs: SampleInput[];
  attrs: unknown;
}

/** The op's own cases, or for elementwise ops every shape given (scalars and broadcasting included). */
export function casesOf(op: OpDef<never>, unaryShapes: number[][] = UNARY_SHAPES, binaryPairs: [number[], number[]][] = BROADCAST_PAIRS): Case[] {
  const s = op.sample!;
  if (s.kind === 'unary') return unaryShapes.map((shape) => ({ inputs: [{ shape, lo: s.lo, hi: s.hi }], attrs: s.attrs }));
  if (s.kind === 'binary') {
    return binaryPairs.map(([a, b]) => ({
      inputs: [
        { shape: a, lo: s.lo?.[0], hi: s.hi?.[0] },
        { shape: b, lo: s.lo?.[1], hi: s.hi?.[1] },
      ],
      attrs: s.attrs,
    }));
  }
  return s.cases as Case[];
}

/** A tensor for `spec`: integers and bools as asked, floats in [lo, hi) at least `minGap` from every kink. */
export function draw(spec: SampleInput, rand: () => number, kinks: number[], minGap: number, dtype: 'float64' | 'float32' = 'float64'): Tensor {
  const n = spec.shape.reduce((p, d) => p * d, 1);
  if (spec.int !== undefined) return tf.constant(Int32Array.from({ length: n }, () => Math.floor(rand() * spec.int!)), 'int32', spec.shape);
  if (spec.bool) return tf.constant(Uint8Array.from({ length: n }, () => (rand() < 0.5 ? 1 : 0)), 'bool', spec.shape);
  const lo = spec.lo ?? -2;
  const hi = spec.hi ?? 2;
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (;;) {
      const v = lo + (hi - lo) * rand();
      if (lo === hi || kinks.every((k) => Math.abs(v - k) >= minGap)) {
        values[i] = v;
        break;
      }
    }
  }
  return tf.constant(dtype === 'float32' ? Float32Array.from(values) : values, dtype, spec.shape);
}
