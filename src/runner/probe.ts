/**
 * The run thread's current position, readable by the host while the thread is busy.
 *
 * A script stuck in a loop sends nothing (the heartbeat rides on ops), so the probes of the
 * instrumented bundle (src/runner/instrument.ts) write the current call index into shared memory,
 * and the run thread writes, once after instrumenting, the `.grad.ts` line and column of each index.
 * On a time limit or cancellation the host reads where the script is without a message.
 *
 * Layout (Int32Array): [0] the current index (-1: none yet), then line, column per index; 0 where
 * the position is in another file or unknown. Host and run thread both import this; it has no
 * dependency, so the host's bundle stays free of the engine.
 */
import type { RunWorkerData } from '../protocol/worker';
import type { SourcePos } from '../protocol/trace';

/** Indexes beyond this many call sites are not shared (their positions stay known to the run thread). */
export const SHARED_POSITIONS = 65_536;

/** RunWorkerData plus the shared probe (a SharedArrayBuffer shares rather than copies through workerData). */
export interface RunThreadData extends RunWorkerData {
  probe?: SharedArrayBuffer;
}

export function newProbeBuffer(): SharedArrayBuffer {
  const buf = new SharedArrayBuffer(4 * (1 + 2 * SHARED_POSITIONS));
  new Int32Array(buf)[0] = -1;
  return buf;
}

/** Run thread: the array the probes write the index into, with the positions filled in. */
export function probeSlots(buf: SharedArrayBuffer | undefined, positions: readonly (SourcePos | undefined)[]): Int32Array {
  const slots = buf ? new Int32Array(buf) : new Int32Array(1);
  slots[0] = -1;
  const n = Math.min(positions.length, (slots.length - 1) >> 1);
  for (let i = 0; i < n; i++) {
    const p = positions[i];
    if (p && !p.file) {
      slots[1 + 2 * i] = p.line;
      slots[2 + 2 * i] = p.column;
    }
  }
  return slots;
}

/** Host: the position of the run thread's latest call, when it is in the scratch file. */
export function currentPosition(buf: SharedArrayBuffer): SourcePos | undefined {
  const slots = new Int32Array(buf);
  const i = Atomics.load(slots, 0);
  if (i < 0 || 2 + 2 * i >= slots.length) return undefined;
  const line = Atomics.load(slots, 1 + 2 * i);
  return line > 0 ? { line, column: Atomics.load(slots, 2 + 2 * i) } : undefined;
}
