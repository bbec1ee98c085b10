/**
 * Why is a gradient null? Runs only while an observer is attached (it reads the creation
 * positions and op origins that tensors keep only then), after a gradient call found no
 * path from a source to the targets.
 */
import type { NullReasonKind, SourcePos } from './debugTypes';
import { isFloat } from './dtype';
import type { TapeNode } from './op';
import { Tensor, Variable } from './tensor';

export interface NullExplanation {
  kind: NullReasonKind;
  message: string;
  pos?: SourcePos;
}

export interface ExplainContext {
  tapeId: number;
  /** Whether the tape watches a tensor (RecordingTape.watches). */
  watches: (t: Tensor) => boolean;
  nodes: readonly TapeNode[];
  watchAccessedVariables: boolean;
  reset?: { pos?: SourcePos; ids: Set<number> };
}

/** How a message names a tensor: by variable name, else by the line that made it. */
function label(t: Tensor): string {
  const line = t._debug?.pos ? ` from line ${t._debug.pos.line}` : '';
  if (t instanceof Variable) return t.name === 'Variable:0' ? `the variable${line}` : `the variable '${t.name}'`;
  if (t._debug?.origin) return `the result of ${t._debug.origin.op}${line}`;
  return line ? `the tensor${line}` : `the tensor #${t.id}`;
}

function at(pos: SourcePos | undefined): string {
  return pos ? ` (line ${pos.line})` : '';
}

/** Every tensor the targets were computed from, following op origins. */
function ancestry(targets: readonly Tensor[]): Tensor[] {
  const seen = new Set<number>();
  const out: Tensor[] = [];
  const stack = [...targets];
  while (stack.length) {
    const t = stack.pop()!;
    if (seen.has(t.id)) continue;
    seen.add(t.id);
    out.push(t);
    const origin = t._debug?.origin;
    // A loop, not push(...inputs): a running sum may have more terms than a call takes arguments.
    if (origin) for (const i of origin.inputs) stack.push(i);
  }
  return out;
}

export function explainNull(source: Tensor, targets: readonly Tensor[], ctx: ExplainContext): NullExplanation {
  const created = source._debug?.pos;
  const name = label(source);
  if (!isFloat(source.dtype)) {
    return { kind: 'integerDtype', message: `${name} has dtype ${source.dtype}: integer and bool tensors carry no gradient, as in TensorFlow.`, pos: created };
  }
  const ancestors = ancestry(targets);
  const readBefore = (clock: number): Tensor | undefined =>
    [...ancestors, ...ctx.nodes.map((n) => n.output)].find((t) => t._debug?.readClock !== undefined && t._debug.readClock <= clock);

  const depends = new Map<number, boolean>();
  const dependsOnSource = (t: Tensor): boolean => {
    if (t.id === source.id) return true;
    const known = depends.get(t.id);
    if (known !== undefined) return known;
    depends.set(t.id, false);
    const r = (t._debug?.origin?.inputs ?? []).some(dependsOnSource);
    depends.set(t.id, r);
    return r;
  };
  const pausedUse = (): NullExplanation | undefined => {
    for (const a of ancestors) {
      const origin = a._debug?.origin;
      if (origin?.pausedTapeIds?.includes(ctx.tapeId) && dependsOnSource(a)) {
        return { kind: 'stopRecording', message: `The ops that use ${name} ran inside tape.stopRecording${at(a._debug?.pos)}, so the tape did not record them.`, pos: a._debug?.pos };
      }
    }
    return undefined;
  };

  if (!ctx.watches(source)) {
    if (ctx.reset?.ids.has(source.id)) {
      return { kind: 'reset', message: `${name} was watched, but tape.reset()${at(ctx.reset.pos)} dropped everything recorded before it.`, pos: ctx.reset.pos };
    }
    if (source instanceof Variable) {
      if (!source.trainable) {
        return { kind: 'notTrainable', message: `${name} has trainable: false, so the tape does not watch it automatically; call tape.watch on it inside record.`, pos: created };
      }
      const paused = ctx.watchAccessedVariables ? pausedUse() : undefined;
      if (paused) return paused;
      const why = ctx.watchAccessedVariables ? 'was not read inside tape.record' : 'is not watched: the tape has watchAccessedVariables: false and tape.watch was not called on it';
      return { kind: 'notWatched', message: `${name} ${why}.`, pos: created };
    }
    const read = readBefore(source.id);
    if (read) {
      return {
        kind: 'constant',
        message: `${name} is a new constant, made after a value left the engine${at(read._debug?.readPos)}; the tape cannot connect it to what it recorded.`,
        pos: created ?? read._debug?.readPos,
      };
    }
    return { kind: 'notWatched', message: `${name} is a constant that no tape watched; call tape.watch on it inside record.`, pos: created };
  }

  // Watched, yet no path: find what cut it.
  for (const a of ancestors) {
    const origin = a._debug?.origin;
    if (origin?.op === 'StopGradient' && dependsOnSource(origin.inputs[0])) {
      return { kind: 'stopGradient', message: `The only paths from ${name} to the target run through tf.stopGradient${at(a._debug?.pos)}.`, pos: a._debug?.pos };
    }
  }
  const paused = pausedUse();
  if (paused) return paused;
  // Tensors derived from the source on this tape; was one of them read out of the engine?
  const derived = new Set<number>([source.id]);
  for (const n of ctx.nodes) if (n.inputs.some((x) => derived.has(x.id))) derived.add(n.output.id);
  const readOuts = [source, ...ctx.nodes.map((n) => n.output)].filter((t) => derived.has(t.id) && t._debug?.readClock !== undefined);
  for (const r of readOuts) {
    const clock = r._debug!.readClock!;
    const comeback = ancestors.find((t) => !t._debug?.origin && !(t instanceof Variable) && t.id >= clock);
    if (comeback) {
      const readPos = r._debug?.readPos;
      const backPos = comeback._debug?.pos;
      const back = backPos && (!readPos || backPos.line !== readPos.line) ? at(backPos) : '';
      return {
        kind: 'leftEngine',
        message: `A value computed from ${name} left the engine through ${r._debug?.readHow ?? 'arraySync'}()${at(readPos)} and came back as a new constant${back}; the tape cannot follow it.`,
        pos: readPos,
      };
    }
  }
  for (const a of ancestors) {
    if (a.id !== source.id && !ctx.watches(a) && a._debug?.origin && dependsOnSource(a)) {
      return { kind: 'noPath', message: `The ops that use ${name} ran outside tape.record${at(a._debug?.pos)}, so the tape did not record them.`, pos: a._debug?.pos };
    }
  }
  return { kind: 'noPath', message: `The target does not depend on ${name}.`, pos: created };
}
