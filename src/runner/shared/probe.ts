/**
 * The run thread's current position, readable by the host while the thread is busy.
 *
 * A script stuck in a loop sends nothing (the heartbeat rides on ops), so the probes of the
 * instrumented bundle (src/runner/shared/instrument.ts) write the current call index into shared memory,
 * and the run thread writes, once after instrumenting, the `.grad.ts` line and column of each index.
 * On a time limit or cancellation the host reads where the script is without a message.
 *
 * Layout (Int32Array): [0] the current index (-1: none yet), then per index its line, column and
 * file (an index into the bundle's `inputs`, 0 the scratch file); line 0 where the position is
 * unknown. Host and run thread both import this; it has no dependency, so the host's bundle stays
 * free of the engine.
 */
import type { RunWorkerData } from '../../protocol/worker';
import type { SourcePos } from '../../protocol/trace';

/** Indexes beyond this many call sites are not shared (their positions stay known to the run thread). */
export const SHARED_POSITIONS = 65_536;

/** RunWorkerData plus the shared probe (a SharedArrayBuffer shares rather than copies through workerData). */
export interface RunThreadData extends RunWorkerData {
  probe?: SharedArrayBuffer;
  /** The count of console lines the run thread dropped (src/runner/shared/consoleBudget.ts). */
  consoleDropped?: SharedArrayBuffer;
}

export function newProbeBuffer(): SharedArrayBuffer {
  const buf = new SharedArrayBuffer(4 * (1 + SLOT * SHARED_POSITIONS));
  new Int32Array(buf)[0] = -1;
  return buf;
}

/** Ints per call index: line, column, file. */
const SLOT = 3;

/** Run thread: the array the probes write the index into, with the positions filled in. */
export function probeSlots(buf: SharedArrayBuffer | undefined, positions: readonly (SourcePos | undefined)[], inputs: readonly string[]): Int32Array {
  const slots = buf ? new Int32Array(buf) : new Int32Array(1);
  slots[0] = -1;
  const n = Math.min(positions.length, Math.floor((slots.length - 1) / SLOT));
  for (let i = 0; i < n; i++) {
    const p = positions[i];
    const file = p?.file === undefined ? 0 : inputs.indexOf(p.file);
    if (p && file >= 0) {
      slots[1 + SLOT * i] = p.line;
      slots[2 + SLOT * i] = p.column;
      slots[3 + SLOT * i] = file;
    }
  }
  return slots;
}

/** Host: the position of the run thread's latest call (`inputs`: the bundle's, as the run thread had them). */
export function currentPosition(buf: SharedArrayBuffer, inputs: readonly string[]): SourcePos | undefined {
  const slots = new Int32Array(buf);
  const i = Atomics.load(slots, 0);
  if (i < 0 || 3 + SLOT * i >= slots.length) return undefined;
  const line = Atomics.load(slots, 1 + SLOT * i);
  if (line <= 0) return undefined;
  const pos: SourcePos = { line, column: Atomics.load(slots, 2 + SLOT * i) };
  const file = Atomics.load(slots, 3 + SLOT * i);
  if (file > 0 && inputs[file]) pos.file = inputs[file];
  return pos;
}
