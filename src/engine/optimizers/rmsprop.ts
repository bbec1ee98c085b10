/**
 * RMSprop: `tf.keras.optimizers.RMSprop` (Keras 3 `keras/src/optimizers/rmsprop.py` `update_step`):
 *   v ← ρ·v + (1 − ρ)·g²
 *   centered:  ḡ ← ρ·ḡ + (1 − ρ)·g;  d = v − ḡ² + ε        otherwise d = v + ε
 *   Δ = lr·g / √d
 *   momentum > 0:  m ← momentum·m + Δ;  w ← w − m            otherwise w ← w − Δ
 */
import type { Variable } from '../tensor';
import { Optimizer, type OptimizerOptions, type Round } from './optimizer';

export interface RMSpropOptions extends OptimizerOptions {
  rho?: number;
  momentum?: number;
  epsilon?: number;
  centered?: boolean;
}

export class RMSprop extends Optimizer {
  readonly rho: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly centered: boolean;

  constructor(options: RMSpropOptions = {}) {
    super(options, ['rho', 'momentum', 'epsilon', 'centered'], 0.001);
    const { rho = 0.9, momentum = 0, epsilon = 1e-7, centered = false } = options;
    this.rho = rho;
    this.momentum = momentum;
    this.epsilon = epsilon;
    this.centered = centered;
  }

  protected override slotSpecs(): [string, number][] {
    const specs: [string, number][] = [['velocity', 0]];
    if (this.momentum > 0) specs.push(['momentum', 0]);
    if (this.centered) specs.push(['average_gradient', 0]);
    return specs;
  }

  protected override updateStep(g: ArrayLike<number>, variable: Variable, lr: number, round: Round): void {
    const rho = round(this.rho);
    const oneMinusRho = round(1 - this.rho);
    const eps = round(this.epsilon);
    const mom = round(this.momentum);
    const { velocity: vel, momentum: m, average_gradient: avg } = this.slotsOf(variable);
    const n = g.length;
    const update = variable.dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const gi = g[i];
      vel[i] = round(rho * vel[i]) + round(oneMinusRho * round(gi * gi)); // the slot array rounds the sum
      let denominator: number;
      if (avg) {
        avg[i] = round(rho * avg[i]) + round(oneMinusRho * gi);
        denominator = round(round(vel[i] - round(avg[i] * avg[i])) + eps);
      } else {
        denominator = round(vel[i] + eps);
      }
      const increment = round(round(lr * gi) / round(Math.sqrt(denominator)));
      if (m) {
        m[i] = round(mom * m[i]) + increment;
        update[i] = m[i];
      } else {
        update[i] = increment;
      }
    }
    variable.assignSub(this.delta(variable, update));
  }
}
