/**
 * Host → panel messages as they cross the webview channel. A run with many rows (tapes, gradient
 * calls, layer calls, nodes, leaves, adjoints, calls' targets and sources, curve points) travels
 * with them packed into typed arrays (traceWire.ts): `run.trace` (or the rest) with its `tapes` and
 * `gradients` empty, no `scopes`, its curves without points, and `rows` beside. The host encodes
 * every message it posts (panelSession.ts), the page decodes every message it receives
 * (webview/messaging.ts) and drops what is not well-formed; both ends then speak {@link HostToPanel}.
 */
import type { HostToPanel } from './panel';
import type { Curve, TraceGradient, TraceScope, TraceTape } from './trace';
import { checkPackedRows, PACK_MIN_ROWS, packRows, rowCount, unpackRows, type PackedRows } from './traceWire';

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

/** The message as it goes on the wire: a run's (or its rest's) tapes, calls, layer calls and rows packed when there are at least `minRows`. */
export function encodeForPanel(msg: HostToPanel, minRows = PACK_MIN_ROWS): HostToPanelWire {
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

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The HostToPanel a received message stands for, its rows unpacked; or why it is dropped (not a
 * message of this protocol, or packed rows that are not well-formed for the curves beside them).
 */
export function decodeFromHost(raw: unknown): { ok: true; msg: HostToPanel; packMs?: number } | { ok: false; reason: string } {
  if (!isObj(raw) || typeof raw.type !== 'string' || !HOST_TO_PANEL_TYPES.includes(raw.type)) return { ok: false, reason: 'not a host message' };
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
