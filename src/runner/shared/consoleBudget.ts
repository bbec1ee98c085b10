/**
 * The console's budget, so a program's output cannot grow the trace, the host's memory or the
 * terminal without bound: lines, bytes per line and bytes in total. The run thread applies it
 * where it captures console calls (nothing past the budget is formatted or posted) and counts what
 * it drops in shared memory, which the host reads when the run ends, however it ends (a thread
 * stopped at its time limit sends no last message). Host and run thread both import this.
 */
import { clipText, utf8Length } from '../../format/text';

export const CONSOLE_LIMITS = {
  /** Lines kept in a trace. */
  lines: 5000,
  /** UTF-8 bytes of one line; longer lines are cut, saying how many bytes were cut. */
  lineBytes: 16 * 1024,
  /** UTF-8 bytes of all lines together. */
  bytes: 1024 * 1024,
} as const;

/** Host: the shared counter of dropped lines, passed to the run thread in its workerData. */
export function newDropCounter(): SharedArrayBuffer {
  return new SharedArrayBuffer(4);
}

/** Host: how many console lines the run thread dropped. */
export function droppedLines(counter: SharedArrayBuffer): number {
  return Atomics.load(new Int32Array(counter), 0);
}

/** The note a trace ends its console with when lines were dropped (every mode shows it). */
export function droppedNote(dropped: number): string {
  const { lines, bytes } = CONSOLE_LIMITS;
  return `… ${dropped} console line${dropped === 1 ? '' : 's'} dropped (the limit is ${lines} lines and ${bytes / 1048576} MB)`;
}

/** Run thread: admits console lines while the budget lasts. */
export class ConsoleBudget {
  private lines = 0;
  private bytes = 0;
  private readonly dropped: Int32Array;

  constructor(counter: SharedArrayBuffer | undefined) {
    this.dropped = new Int32Array(counter ?? new SharedArrayBuffer(4));
  }

  /** The line's text, cut to the per-line limit, or undefined (counted as dropped) once the budget is spent. */
  admit(format: () => string): string | undefined {
    if (this.lines >= CONSOLE_LIMITS.lines || this.bytes >= CONSOLE_LIMITS.bytes) return this.drop();
    const text = clipText(format(), CONSOLE_LIMITS.lineBytes);
    const size = utf8Length(text) + 1;
    if (this.bytes + size > CONSOLE_LIMITS.bytes) {
      // From here on every line is dropped, so the output keeps its order with one gap at the end.
      this.bytes = CONSOLE_LIMITS.bytes;
      return this.drop();
    }
    this.lines++;
    this.bytes += size;
    return text;
  }

  private drop(): undefined {
    Atomics.add(this.dropped, 0, 1);
    return undefined;
  }
}
