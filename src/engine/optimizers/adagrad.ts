/**
 * Adagrad: `tf.keras.optimizers.Adagrad` (Keras 3 `keras/src/optimizers/adagrad.py` `update_step`):
 *   a ← a + g²        (a starts at initialAccumulatorValue)
 *   w ← w − lr·g / √(a + ε)
 */
import type { Variable } from '../tensor';
import { Optimizer, type OptimizerOptions, type Round } from './optimizer';

export interface AdagradOptions extends OptimizerOptions {
  initialAccumulatorValue?: number;
  epsilon?: number;
}

export class Adagrad extends Optimizer {
  readonly initialAccumulatorValue: number;
  readonly epsilon: number;

  constructor(options: AdagradOptions = {}) {
    super(options, ['initialAccumulatorValue', 'epsilon'], 0.001);
    const { initialAccumulatorValue = 0.1, epsilon = 1e-7 } = options;
    this.initialAccumulatorValue = initialAccumulatorValue;
    this.epsilon = epsilon;
  }

  protected override slotSpecs(): [string, number][] {
    return [['accumulator', this.initialAccumulatorValue]]; // the typed array rounds it to the dtype
  }

  protected override updateStep(g: ArrayLike<number>, variable: Variable, lr: number, round: Round): void {
    const eps = round(this.epsilon);
    const acc = this.slotsOf(variable).accumulator;
    const n = g.length;
    const update = variable.dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const gi = g[i];
      acc[i] = acc[i] + round(gi * gi);
      update[i] = round(lr * gi) / round(Math.sqrt(round(acc[i] + eps)));
    }
    variable.assignSub(this.delta(variable, update));
  }
}
