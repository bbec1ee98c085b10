/**
 * Warnings for the trace (the engine's: tape misuse, dtype, …; and the recorder's own `nonFinite`):
 * one diagnostic per code and line (a loop would repeat it every step), with the related positions
 * the editor shows beside it (where the tape and the tensor were made).
 */
import type { EngineObserver } from '../../engine/observer';
import type { Tensor } from '../../engine/tensor';
import type { SourcePos } from '../../protocol/trace';
import { madeAt, nameOf, type RecorderHost, type TapeState } from './recordState';

export type WarningCode = Parameters<EngineObserver['warning']>[0]['code'] | 'nonFinite';
export interface WarningData {
  tapeId?: number;
  tensorId?: number;
  name?: string;
}

export class Warnings {
  /** `code:file:line` of each warning sent. */
  private readonly warned = new Set<string>();

  constructor(
    private readonly host: RecorderHost,
    private readonly tapes: ReadonlyMap<number, TapeState>,
  ) {}

  /** The engine's warning, at `pos` (its own, else where the run is). */
  fromEngine(e: Parameters<EngineObserver['warning']>[0], pos: SourcePos | undefined): void {
    const data: WarningData = {};
    if (e.tapeId !== undefined) data.tapeId = e.tapeId;
    if (e.tensorId !== undefined) {
      data.tensorId = e.tensorId;
      const name = e.tensor && nameOf(e.tensor);
      if (name !== undefined) data.name = name;
    }
    this.warn(e.code, e.message, pos, data, e.tensor);
  }

  /** One diagnostic per code and line; without a position, at line 1. */
  warn(code: WarningCode, message: string, pos: SourcePos | undefined, data: WarningData, tensor?: Tensor): void {
    const at = pos ?? { line: 1, column: 1 };
    const key = `${code}:${at.file ?? ''}:${at.line}`;
    if (this.warned.has(key)) return;
    this.warned.add(key);
    const related: { pos: SourcePos; message: string }[] = [];
    const tape = data.tapeId !== undefined ? this.tapes.get(data.tapeId)?.tape : undefined;
    if (tape?.pos) related.push({ pos: tape.pos, message: `the tape${tape.name ? ` '${tape.name}'` : ''} was created here` });
    const made = tensor ? madeAt(tensor) : undefined;
    if (made) related.push({ pos: made, message: `${data.name ?? 'the tensor'} was created here` });
    this.host.emit({
      kind: 'diagnostic',
      diagnostic: { severity: 'warning', code, message, pos: at, ...(related.length ? { related } : {}), ...(Object.keys(data).length ? { data } : {}) },
    });
  }
}
