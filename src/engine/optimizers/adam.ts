/**
 * Adam: `tf.keras.optimizers.Adam`, with TF's "epsilon hat" form (Keras 3
 * `keras/src/optimizers/adam.py` `update_step`, the same arithmetic as TF's ResourceApplyAdam kernel):
 *   t = iterations + 1
 *   α = lr·√(1 - β₂ᵗ) / (1 - β₁ᵗ)
 *   m ← m + (g - m)·(1 - β₁)        (= β₁m + (1-β₁)g)
 *   v ← v + (g² - v)·(1 - β₂)       (= β₂v + (1-β₂)g²)
 *   amsgrad: v̂ ← max(v̂, v), used for v below
 *   w ← w - α·m / (√v + ε)
 */
import type { Variable } from '../tensor';
import { Optimizer, type OptimizerOptions, type Round } from './optimizer';

export interface AdamOptions extends OptimizerOptions {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  amsgrad?: boolean;
}

const ADAM_OPTIONS = ['beta1', 'beta2', 'epsilon', 'amsgrad'];

export class Adam extends Optimizer {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly amsgrad: boolean;

  constructor(options: AdamOptions = {}) {
    super(options, ADAM_OPTIONS, 0.001);
    const { beta1 = 0.9, beta2 = 0.999, epsilon = 1e-7, amsgrad = false } = options;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
    this.amsgrad = amsgrad;
  }

  protected override slotSpecs(): [string, number][] {
    return this.amsgrad ? [['momentum', 0], ['velocity', 0], ['velocity_hat', 0]] : [['momentum', 0], ['velocity', 0]];
  }

  protected override updateStep(g: ArrayLike<number>, variable: Variable, lr: number, round: Round): void {
    const t = this.iterations + 1;
    const b1 = round(this.beta1);
    const b2 = round(this.beta2);
    const alpha = round(round(lr * round(Math.sqrt(round(1 - round(Math.pow(b2, t)))))) / round(1 - round(Math.pow(b1, t))));
    // Keras multiplies by the Python float (1 - beta), which the tensor op casts to the dtype.
    const oneMinusB1 = round(1 - this.beta1);
    const oneMinusB2 = round(1 - this.beta2);
    const eps = round(this.epsilon);
    const { momentum: m, velocity: v, velocity_hat: vHat } = this.slotsOf(variable);
    const n = g.length;
    const update = variable.dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const gi = g[i];
      m[i] = m[i] + round(round(gi - m[i]) * oneMinusB1);
      v[i] = v[i] + round(round(round(gi * gi) - v[i]) * oneMinusB2);
      let vi = v[i];
      if (vHat) vi = vHat[i] = Math.max(vHat[i], vi);
      update[i] = round(m[i] * alpha) / round(round(Math.sqrt(vi)) + eps);
    }
    variable.assignSub(this.delta(variable, update));
  }
}
