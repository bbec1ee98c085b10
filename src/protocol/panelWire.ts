/**
 * Host → panel messages as they cross the webview channel. A run with many rows (tapes, gradient
 * calls, layer calls, nodes, leaves, adjoints, calls' targets and sources, curve points) travels
 * with them packed into typed arrays (traceWire.ts): `run.trace` (or the rest) with its `tapes` and
 * `gradients` empty, no `scopes`, its curves without points, and `rows` beside. An inspector's
 * answer (`didInspect`) always goes with its lists of numbers (a node's values, adjoints,
 * contributions, tangents) as Float64Arrays where the HostToPanel type has Num lists. The host encodes
 * every message it posts (panelSession.ts), the page decodes every message it receives
 * (webview/messaging.ts) and drops what is not well-formed; both ends then speak {@link HostToPanel}.
 */
import type { ChainStep, ChainTerm, WalkStep } from '../engine/inspect';
import type { HostToPanel, InspectAnswer } from './panel';
import type { Curve, Num, TraceGradient, TraceScope, TraceTape } from './trace';
import { checkPackedRows, numbersOf, numsOf, PACK_MIN_ROWS, packRows, rowCount, unpackRows, type PackedRows } from './traceWire';

type LoadRun = Extract<HostToPanel, { type: 'didLoadRun' }>;
type LoadRest = Extract<HostToPanel, { type: 'didLoadRunRest' }>;

/** What postMessage carries: a HostToPanel, its run's rows packed when there are many (and how long packing took, for the figures). */
export type HostToPanelWire = Exclude<HostToPanel, LoadRun | LoadRest> | (LoadRun & Packed) | (LoadRest & Packed);
interface Packed {
  rows?: PackedRows;
  packMs?: number;
}

const HOST_TO_PANEL_TYPES: readonly string[] = ['didLoadRun', 'didLoadRunRest', 'didMoveCursor', 'didRequestNode', 'didInspect'] satisfies HostToPanel['type'][];

/** The curves without their points, everything packed, and how long that took; undefined below `minRows`. */
function pack(tapes: TraceTape[], gradients: TraceGradient[], curves: Curve[], scopes: TraceScope[] | undefined, minRows: number): { curves: Curve[]; rows: PackedRows; packMs: number } | undefined {
  if (rowCount(tapes, gradients, curves, scopes) < minRows) return undefined;
  const t0 = performance.now();
  const rows = packRows(tapes, gradients, curves, scopes);
  return { curves: curves.map((c) => ({ ...c, points: [] })), rows, packMs: performance.now() - t0 };
}

/** decodeFromHost's reason for what is not a message of this protocol (the page sees others' messages too: those are ignored, not reported). */
export const NOT_HOST = 'not a host message';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

type Inspected = Extract<HostToPanel, { type: 'didInspect' }>;

/**
 * The answer with every list of numbers in it put through `f`: a chain step's upstream adjoint and
 * its terms' contributions, a walkthrough's accumulated and recorded adjoints, and the forward-mode
 * tangents. Copies only the objects on the way; throws when the answer is not shaped as one.
 */
function mapAnswerLists(answer: InspectAnswer, f: (list: unknown) => unknown): InspectAnswer {
  const list = <T>(v: unknown, what: string): T[] => {
    if (!Array.isArray(v)) throw new Error(`no ${what} list`);
    return v as T[];
  };
  const step = <S extends ChainStep>(s: S): S => {
    if (!isObj(s)) throw new Error('a step that is not an object');
    return { ...s, upstream: f(s.upstream), terms: list<ChainTerm>(s.terms, 'terms').map((t) => (isObj(t) ? { ...t, contribution: f(t.contribution) } : t)) };
  };
  if (!isObj(answer)) throw new Error('no answer');
  if (answer.kind === 'node') return answer.chain === undefined ? answer : { ...answer, chain: step(answer.chain) };
  if (answer.kind !== 'walk') throw new Error('an answer of no known kind');
  const steps = list<WalkStep>(answer.steps, 'steps').map((s) => ({ ...step(s), accumulated: list(s.accumulated, 'accumulated').map(f), recorded: list(s.recorded, 'recorded').map(f) }) as WalkStep);
  const jvp = answer.jvp;
  if (!isObj(jvp)) throw new Error('no jvp');
  return { ...answer, steps, jvp: jvp.ok ? { ...jvp, tangents: list<{ nodeId: number; values: Num[] }>(jvp.tangents, 'tangents').map((t) => ({ ...t, values: f(t.values) as Num[] })) } : jvp };
}

/** The inspector's answer with its lists of numbers as Float64Arrays (a node's values: never a JSON number each). */
function encodeInspected(msg: Inspected): Inspected {
  if (!msg.result.ok) return msg;
  return { ...msg, result: { ok: true, answer: mapAnswerLists(msg.result.answer, (v) => (v === null ? null : numbersOf(v as Num[]))) } };
}

/**
 * The answer as the host meant it, or why not: every list of numbers a Float64Array (or null), the
 * rest shaped as an answer. A refused answer names its question (`requestId`), so the page can
 * fail that question rather than leave it waiting.
 */
function decodeInspected(msg: Inspected): { ok: true; msg: Inspected } | { ok: false; reason: string; requestId?: number } {
  const refuse = (reason: string) => ({ ok: false as const, reason: `didInspect: ${reason}`, ...(Number.isSafeInteger(msg.requestId) ? { requestId: msg.requestId } : {}) });
  if (!isObj(msg.result) || typeof msg.result.ok !== 'boolean') return refuse('no result');
  if (!msg.result.ok) return { ok: true, msg };
  const unpack = (v: unknown): Num[] | null => {
    if (v === null) return null;
    if (!(v instanceof Float64Array)) throw new Error('a list of numbers that is not a Float64Array');
    return numsOf(v);
  };
  try {
    return { ok: true, msg: { ...msg, result: { ok: true, answer: mapAnswerLists(msg.result.answer, unpack) } } };
  } catch (e) {
    return refuse((e as Error).message);
  }
}

/**
 * The message as it goes on the wire: a run's (or its rest's) tapes, calls, layer calls and rows
 * packed when there are at least `minRows`; an inspector's answer with its lists of numbers packed.
 */
export function encodeForPanel(msg: HostToPanel, minRows = PACK_MIN_ROWS): HostToPanelWire {
  if (msg.type === 'didInspect') return encodeInspected(msg);
  if (msg.type === 'didLoadRun' && msg.run) {
    const { scopes, ...trace } = msg.run.trace;
    const p = pack(trace.tapes, trace.gradients, trace.curves, scopes, minRows);
    if (!p) return msg;
    const { rows, packMs, curves } = p;
    return { ...msg, run: { ...msg.run, trace: { ...trace, tapes: [], gradients: [], curves } }, rows, packMs };
  }
  if (msg.type === 'didLoadRunRest') {
    const p = pack(msg.rest.tapes, msg.rest.gradients, msg.rest.curves, undefined, minRows);
    if (!p) return msg;
    const { rows, packMs, curves } = p;
    return { ...msg, rest: { ...msg.rest, tapes: [], gradients: [], curves }, rows, packMs };
  }
  return msg;
}


/**
 * The HostToPanel a received message stands for, its rows unpacked; or why it is dropped (not a
 * message of this protocol, or packed rows that are not well-formed for the curves beside them).
 */
export function decodeFromHost(raw: unknown): { ok: true; msg: HostToPanel; packMs?: number } | { ok: false; reason: string; requestId?: number } {
  if (!isObj(raw) || typeof raw.type !== 'string' || !HOST_TO_PANEL_TYPES.includes(raw.type)) return { ok: false, reason: NOT_HOST };
  if (raw.type === 'didInspect') return decodeInspected(raw as Inspected);
  if (raw.rows === undefined) return { ok: true, msg: raw as HostToPanel };
  const { rows, packMs, ...rest } = raw as Obj & { rows: unknown; packMs?: unknown };
  const took = typeof packMs === 'number' ? { packMs } : {};
  const msg = rest as HostToPanel;
  const holder = msg.type === 'didLoadRun' ? msg.run?.trace : msg.type === 'didLoadRunRest' ? msg.rest : undefined;
  if (!isObj(holder) || !Array.isArray(holder.curves)) return { ok: false, reason: `${msg.type}: packed rows without curves` };
  // The tapes and calls are in the rows alone: a message that has them twice is not one the host sent.
  if (!Array.isArray(holder.tapes) || holder.tapes.length > 0 || !Array.isArray(holder.gradients) || holder.gradients.length > 0 || 'scopes' in holder) return { ok: false, reason: `${msg.type}: tapes or calls beside packed rows` };
  const bad = checkPackedRows(rows, holder.curves.length);
  if (bad) return { ok: false, reason: `${msg.type}: ${bad}` };
  const { scopes, ...whole } = unpackRows(rows as PackedRows, holder.curves);
  if (msg.type === 'didLoadRun') return { ok: true, msg: { ...msg, run: { ...msg.run!, trace: { ...msg.run!.trace, ...whole, ...(scopes ? { scopes } : {}) } } }, ...took };
  if (msg.type === 'didLoadRunRest') {
    if (scopes) return { ok: false, reason: 'didLoadRunRest: layer calls in the rest' };
    return { ok: true, msg: { ...msg, rest: { ...msg.rest, ...whole } }, ...took };
  }
  return { ok: false, reason: 'packed rows on a message that has none' };
}
