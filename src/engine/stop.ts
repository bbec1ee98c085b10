/**
 * TensorFlow's thread-wide stop (`record.stop_recording`, TFE_Py_TapeSetStopOnThread): while a
 * stop is open nothing records, neither the tapes and accumulators that were recording when it
 * began nor any entered inside it. `tape.stopRecording` and a customGradient's `f` open one.
 * A tape or accumulator entered inside a stop joins it and starts recording when the stop ends,
 * if it is still entered then.
 */
import { activeAccumulators, pausedTapes, recordingTapes, type ForwardRecorder, type RecordingTape } from './op';

interface Stop {
  tapes: RecordingTape[];
  accumulators: ForwardRecorder[];
  /** Its tapes explain null gradients (ops run inside tape.stopRecording; not inside a customGradient's f). */
  explains: boolean;
}

/** Open stops, innermost last. */
const stops: Stop[] = [];

/** Stops recording on the thread; returns the function that ends the stop. */
export function stopRecordingAll(explains: boolean): () => void {
  const stop: Stop = { tapes: recordingTapes.splice(0), accumulators: activeAccumulators.splice(0), explains };
  if (explains) pausedTapes.push(...stop.tapes);
  stops.push(stop);
  return () => {
    stops.splice(stops.lastIndexOf(stop), 1);
    if (explains) for (const t of stop.tapes) removeFrom(pausedTapes, t);
    const tapes = stop.tapes.filter((t) => t.entered);
    const accumulators = stop.accumulators.filter((a) => a.entered);
    const outer = stops[stops.length - 1];
    if (outer) {
      for (const t of tapes) joinStop(outer, t);
      outer.accumulators.push(...accumulators);
    } else {
      // Nothing records inside a stop, so these are all that record now, in their order of entry.
      recordingTapes.unshift(...tapes);
      activeAccumulators.unshift(...accumulators);
    }
  };
}

/** A tape's `with` block begins: it records now, or when the open stops end. */
export function enterTape(tape: RecordingTape): void {
  const stop = stops[stops.length - 1];
  if (stop) joinStop(stop, tape);
  else recordingTapes.push(tape);
}

/** An accumulator's `with` block begins: it records now, or when the open stops end. */
export function enterAccumulator(acc: ForwardRecorder): void {
  const stop = stops[stops.length - 1];
  if (stop) stop.accumulators.push(acc);
  else activeAccumulators.push(acc);
}

/** A tape's `with` block ends (inside a stop too: the stop then leaves it out when it ends). */
export function exitTape(tape: RecordingTape): void {
  removeFrom(recordingTapes, tape);
  removeFrom(pausedTapes, tape);
}

function joinStop(stop: Stop, tape: RecordingTape): void {
  stop.tapes.push(tape);
  if (stop.explains) pausedTapes.push(tape);
}

function removeFrom<T>(list: T[], item: T): void {
  const i = list.indexOf(item);
  if (i >= 0) list.splice(i, 1);
}
