/**
 * checkGrads: compares the tape's gradient with central finite differences in float64.
 * The function's output is contracted with a fixed random cotangent, so one scalar check
 * covers the whole vector-Jacobian product. Failure text follows autograd's test_util:
 * "Derivative (VJP) check of NAME failed with arg I:\nanalytic: …\nnumeric: …".
 */
import * as tf from '../../src/engine/index';
import { peekValues, Tensor } from '../../src/engine/tensor';

export interface CheckOptions {
  /** Finite-difference step (float64). */
  eps?: number;
  rtol?: number;
  atol?: number;
  /** Which inputs to differentiate (default: every float input). */
  wrt?: boolean[];
  name?: string;
}

/** A deterministic generator for cotangents and values (tests must be reproducible). */
export function lcg(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

function fmt(a: ArrayLike<number>): string {
  return `[${Array.from(a, (v) => v.toPrecision(8)).join(', ')}]`;
}

/** Contracts f's output with a fixed cotangent into a scalar. */
function contract(y: Tensor, cot: Tensor): Tensor {
  return tf.reduceSum(tf.multiply(tf.cast(y, 'float64'), cot));
}

export function checkGrads(f: (...xs: Tensor[]) => Tensor, inputs: Tensor[], options: CheckOptions = {}): void {
  const eps = options.eps ?? 1e-6;
  const rtol = options.rtol ?? 1e-5;
  const atol = options.atol ?? 1e-6;
  const name = options.name ?? (f.name || 'f');
  const wrt = inputs.map((x, i) => (options.wrt ? options.wrt[i] : x.dtype === 'float64'));
  const y0 = f(...inputs);
  const rand = lcg(y0.size * 7919 + inputs.length);
  const cot = tf.constant(Float64Array.from({ length: y0.size }, () => rand() * 2 - 1), 'float64', y0.shape);

  const tape = new tf.GradientTape({ persistent: true });
  const loss = tape.record(() => {
    inputs.forEach((x, i) => wrt[i] && tape.watch(x));
    return contract(f(...inputs), cot);
  });
  const analytic = inputs.map((x, i) => (wrt[i] ? tape.gradient(loss, x) : null));

  inputs.forEach((x, i) => {
    if (!wrt[i]) return;
    const base = peekValues(x);
    const numeric = new Float64Array(x.size);
    for (let k = 0; k < x.size; k++) {
      const at = (delta: number): number => {
        const data = Float64Array.from(base);
        data[k] += delta;
        const xs = inputs.slice();
        xs[i] = tf.constant(data, 'float64', x.shape);
        return peekValues(contract(f(...xs), cot))[0];
      };
      numeric[k] = (at(eps) - at(-eps)) / (2 * eps);
    }
    const g = analytic[i];
    const got = g ? Float64Array.from(peekValues(g)) : new Float64Array(x.size);
    const ok = got.length === numeric.length && got.every((v, k) => Math.abs(v - numeric[k]) <= atol + rtol * Math.abs(numeric[k]));
    const connected = g !== null || numeric.every((v) => Math.abs(v) <= atol);
    if (!ok || !connected) {
      throw new Error(
        `Derivative (VJP) check of ${name} failed with arg ${i} (shape [${x.shape}]):\n` +
          `analytic: ${g ? fmt(got) : 'null'}\nnumeric:  ${fmt(numeric)}\ninput:    ${fmt(base)}`,
      );
    }
  });
}

/** d/dx of f, as a function (for second-order checks with checkGrads). */
export function gradOf(f: (...xs: Tensor[]) => Tensor, index: number): (...xs: Tensor[]) => Tensor {
  const g = (...xs: Tensor[]): Tensor => {
    const tape = new tf.GradientTape();
    const y = tape.record(() => {
      tape.watch(xs[index]);
      return tf.reduceSum(f(...xs));
    });
    return tape.gradient(y, xs[index]) ?? tf.zerosLike(xs[index]);
  };
  Object.defineProperty(g, 'name', { value: `grad(${f.name || 'f'})` });
  return g;
}
