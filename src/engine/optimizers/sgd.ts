/**
 * Gradient descent with optional (Nesterov) momentum: `tf.keras.optimizers.SGD`.
 *   momentum = 0:  w = w - lr·g
 *   momentum > 0:  v = m·v - lr·g;  w = w + v
 *   nesterov:      v = m·v - lr·g;  w = w + m·v - lr·g
 * (Keras 3 `keras/src/optimizers/sgd.py`, `update_step`; the same rule as optimizer_v2 in TF 2.x.)
 */
import type { Variable } from '../tensor';
import { InvalidArgumentError } from '../errors';
import { Optimizer, type OptimizerOptions, type Round } from './optimizer';

export interface SGDOptions extends OptimizerOptions {
  momentum?: number;
  nesterov?: boolean;
}

export class SGD extends Optimizer {
  readonly momentum: number;
  readonly nesterov: boolean;

  constructor(options: SGDOptions = {}) {
    super(options, ['momentum', 'nesterov'], 0.01);
    const { momentum = 0, nesterov = false } = options;
    if (!(typeof momentum === 'number' && momentum >= 0 && momentum <= 1)) throw new InvalidArgumentError('`momentum` must be a float between [0, 1].');
    this.momentum = momentum;
    this.nesterov = nesterov;
  }

  protected override slotSpecs(): [string, number][] {
    return this.momentum !== 0 ? [['momentum', 0]] : [];
  }

  protected override updateStep(g: ArrayLike<number>, variable: Variable, lr: number, round: Round): void {
    const n = g.length;
    const update = variable.dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
    if (this.momentum === 0) {
      for (let i = 0; i < n; i++) update[i] = g[i] * lr; // rounded by the typed array
      variable.assignSub(this.delta(variable, update));
      return;
    }
    const m = round(this.momentum);
    const v = this.slotsOf(variable).momentum;
    for (let i = 0; i < n; i++) {
      const gl = round(g[i] * lr);
      v[i] = round(v[i] * m) - gl; // the slot array rounds the difference
      update[i] = this.nesterov ? round(v[i] * m) - gl : v[i];
    }
    variable.assignAdd(this.delta(variable, update));
  }
}
