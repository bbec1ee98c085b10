/** Keras's activations by name (`activation: "relu"`), mapped to the engine's ops. */
import { describeValue } from '../errors';
import * as ops from '../ops/index';
import type { Tensor } from '../tensor';
import { snakeCase } from './initializers';

export type ActivationFn = (x: Tensor) => Tensor;
export type ActivationIdentifier = string | ActivationFn | null | undefined;

const linear: ActivationFn = (x) => x;

/**
 * Keras 3's softmax and sigmoid activations keep their input on the output (`_keras_logits`); the
 * cross-entropy losses then compute from those logits, unclipped (losses.ts, `logitsOf`).
 */
export function keepLogits(output: Tensor, logits: Tensor): Tensor {
  (output as { _kerasLogits?: Tensor })._kerasLogits = logits;
  return output;
}

/** Keras 3's activations.py, by its registry names (snake_case; camelCase is accepted too). */
const BY_NAME: Record<string, ActivationFn> = {
  linear,
  relu: (x) => ops.relu(x),
  relu6: (x) => ops.relu6(x),
  sigmoid: (x) => keepLogits(ops.sigmoid(x), x),
  tanh: (x) => ops.tanh(x),
  softmax: (x) => keepLogits(ops.softmax(x, -1), x),
  log_softmax: (x) => ops.logSoftmax(x, -1),
  // Keras 3's gelu: approximate=False.
  gelu: (x) => ops.gelu(x, false),
  elu: (x) => ops.elu(x),
  selu: (x) => ops.selu(x),
  silu: (x) => ops.silu(x),
  swish: (x) => ops.silu(x),
  softplus: (x) => ops.softplus(x),
  softsign: (x) => ops.softsign(x),
  exponential: (x) => ops.exp(x),
  // Keras 3's leaky_relu: negative_slope=0.2.
  leaky_relu: (x) => ops.leakyRelu(x, 0.2),
};

/** Keras's `activations.get`: none is linear; a name in either spelling; a function as given. */
export function getActivation(identifier: ActivationIdentifier): ActivationFn {
  if (identifier === null || identifier === undefined) return linear;
  if (typeof identifier === 'function') return identifier;
  if (typeof identifier === 'string') {
    const fn = BY_NAME[snakeCase(identifier)];
    if (fn) return fn;
  }
  throw new TypeError(`Could not interpret activation function identifier: ${typeof identifier === 'string' ? identifier : describeValue(identifier)}`);
}

/** True when the activation adds no op (the summary and the frame need not show one). */
export function isLinear(fn: ActivationFn): boolean {
  return fn === linear;
}
