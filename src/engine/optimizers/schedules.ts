/**
 * Learning-rate schedules (`tf.keras.optimizers.schedules`, Keras 3's
 * `keras/src/optimizers/schedules/learning_rate_schedule.py`). A schedule is callable with the
 * step and gives the rate; an optimizer given one as `learningRate` calls it with its `iterations`.
 */
import { Callable, type CallableOf } from '../keras/callable';
import { Tensor, peekValues } from '../tensor';
import { InvalidArgumentError } from '../errors';

/**
 * The base class: subclasses implement `__call__(step)`, returning a number or a scalar tensor
 * (Keras: "must override `__call__(self, step)`").
 */
export abstract class LearningRateSchedule extends Callable {
  abstract override __call__(step: number | Tensor): number | Tensor;
}

export interface ExponentialDecayOptions {
  staircase?: boolean;
  name?: string;
}

/**
 * `initialLearningRate · decayRate ^ (step / decaySteps)`, the exponent floored when `staircase`;
 * computed in float32, as Keras's (each quantity converted to the initial rate's float32 dtype).
 * Returns a float32 scalar tensor.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class ExponentialDecay extends LearningRateSchedule {
  readonly initialLearningRate: number;
  readonly decaySteps: number;
  readonly decayRate: number;
  readonly staircase: boolean;
  name: string;

  constructor(initialLearningRate: number, decaySteps: number, decayRate: number, { staircase = false, name = 'ExponentialDecay' }: ExponentialDecayOptions = {}) {
    super();
    this.initialLearningRate = initialLearningRate;
    this.decaySteps = decaySteps;
    this.decayRate = decayRate;
    this.staircase = staircase;
    this.name = name;
    if (!(decaySteps > 0)) throw new InvalidArgumentError(`Argument \`decay_steps\` must be > 0. Received: decay_steps=${decaySteps}`);
  }

  override __call__(step: number | Tensor): Tensor {
    const f = Math.fround;
    const s = step instanceof Tensor ? Number(peekValues(step)[0]) : step;
    let p = f(f(s) / f(this.decaySteps));
    if (this.staircase) p = Math.floor(p);
    const lr = f(f(this.initialLearningRate) * f(Math.pow(f(this.decayRate), p)));
    // An internal value (as the optimizer's deltas), so that every step adds nothing to the trace.
    return new Tensor(Float32Array.of(lr), [], 'float32');
  }
}
// The call signature (a class cannot declare one itself; see keras/callable.ts).
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface ExponentialDecay extends CallableOf<[step: number | Tensor], Tensor> {}
