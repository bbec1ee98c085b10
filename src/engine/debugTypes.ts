/**
 * The types the engine reports to its observer with (src/engine/observer.ts): declared here, in
 * the engine, so the engine depends on nothing outside itself; the trace schema
 * (src/protocol/trace.ts) imports and re-exports them.
 */

/** A position in the user's `.grad.ts` file: 1-based line, 1-based column. */
export interface SourcePos {
  line: number;
  column: number;
  /** Absolute path of the file, when it is not the scratch file itself (a relative import). */
  file?: string;
}

/** Why a gradient is `null` (TensorFlow's None). */
export type NullReasonKind =
  | 'notWatched' // a tensor that was never watched (e.g. a constant without tape.watch)
  | 'constant' // the source is a constant created after the path was cut
  | 'notTrainable' // a Variable with trainable: false, not watched explicitly
  | 'integerDtype' // int32 / bool: no gradient, as TensorFlow
  | 'stopGradient' // the only paths run through tf.stopGradient
  | 'stopRecording' // the ops ran inside tape.stopRecording
  | 'reset' // tape.reset() dropped what was recorded
  | 'leftEngine' // the value left through arraySync/dataSync and came back as a new constant
  | 'noPath'; // the target does not depend on the source at all
