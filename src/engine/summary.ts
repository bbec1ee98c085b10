/**
 * tf.summary.scalar: a point on a named curve in the panel (TensorBoard's convention), delivered
 * through the observer's `summary` event. The run itself is the summary writer: with no observer
 * attached (a plain run) the point is simply not kept.
 *
 * Steps follow `tf.summary.scalar(name, data, step=None)`: an explicit `step` wins; otherwise the
 * default step of `tf.summary.experimental.set_step` is used when one was set. Where TensorFlow
 * would then raise ("No step set"), we count instead: the n-th point of a curve gets step n
 * (0, 1, 2, ...), so a loss logged once per loop iteration plots against the iteration.
 */
import { Tensor, peekValues } from './tensor';
import { InvalidArgumentError } from './errors';
import { observer } from './observer';

let defaultStep: number | null = null;
const nextStepByName = new Map<string, number>();

/** `tf.summary.experimental.set_step`: the step used when `scalar` is given none (null clears it). */
export function setStep(step: number | null): void {
  defaultStep = step;
}

/** `tf.summary.experimental.get_step`. */
export function getStep(): number | null {
  return defaultStep;
}

/** Forgets the per-name counters and the default step (a new run starts from step 0). */
export function resetSummaries(): void {
  defaultStep = null;
  nextStepByName.clear();
}

function scalarValue(name: string, value: Tensor | number): number {
  if (typeof value === 'number') return value;
  if (!(value instanceof Tensor)) throw new InvalidArgumentError(`summary.scalar('${name}'): data must be a number or a scalar tensor`);
  if (value.size !== 1) {
    throw new InvalidArgumentError(`summary.scalar('${name}'): data must be a scalar, got a tensor of shape [${value.shape.join(',')}]`);
  }
  // peekValues: logging a value is not the value leaving the engine.
  return Number(peekValues(value)[0]);
}

/** `tf.summary.scalar(name, data, step)`: returns true, as TF does when the summary is written. */
export function scalar(name: string, value: Tensor | number, { step }: { step?: number } = {}): boolean {
  const v = scalarValue(name, value);
  let s: number;
  if (step !== undefined) s = step;
  else if (defaultStep !== null) s = defaultStep;
  else s = nextStepByName.get(name) ?? 0;
  if (!Number.isFinite(s)) throw new InvalidArgumentError(`summary.scalar('${name}'): step must be a finite number, got ${s}`);
  nextStepByName.set(name, Math.floor(s) + 1);
  const o = observer();
  if (o) o.summary({ name, value: v, step: s, pos: o.locate() });
  return true;
}

export const experimental = { setStep, getStep };
