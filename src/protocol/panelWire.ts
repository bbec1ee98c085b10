/**
 * Host → panel messages as they cross the webview channel. A run with many rows (nodes, leaves,
 * adjoints, gradient calls' targets and sources, curve points) travels with its rows packed into
 * typed arrays (traceWire.ts): `run.trace` (or the rest's tapes, calls and curves) without them,
 * and `rows` beside. The host encodes every message it posts
 * (panelSession.ts), the page decodes every message it receives (webview/messaging.ts) and drops
 * what is not well-formed; both ends then speak {@link HostToPanel}.
 */
import type { HostToPanel } from './panel';
import type { Curve, TraceGradient, TraceTape } from './trace';
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

/** The tapes, calls and curves without their rows, the rows packed, and how long that took; undefined below `minRows`. */
function pack(tapes: TraceTape[], gradients: TraceGradient[], curves: Curve[], minRows: number): { tapes: TraceTape[]; gradients: TraceGradient[]; curves: Curve[]; rows: PackedRows; packMs: number } | undefined {
  if (rowCount(tapes, gradients, curves) < minRows) return undefined;
  const t0 = performance.now();
  const rows = packRows(tapes, gradients, curves);
  return {
    tapes: tapes.map((t) => ({ ...t, nodes: [], leaves: [] })),
    gradients: gradients.map((g) => ({ ...g, targets: [], sources: [], adjoints: [] })),
    curves: curves.map((c) => ({ ...c, points: [] })),
    rows,
    packMs: performance.now() - t0,
  };
}

/** The message as it goes on the wire: a run's (or its rest's) rows packed when there are at least `minRows`. */
export function encodeForPanel(msg: HostToPanel, minRows = PACK_MIN_ROWS): HostToPanelWire {
  if (msg.type === 'didLoadRun' && msg.run) {
    const p = pack(msg.run.trace.tapes, msg.run.trace.gradients, msg.run.trace.curves, minRows);
    if (!p) return msg;
    const { rows, packMs, tapes, gradients, curves } = p;
    return { ...msg, run: { ...msg.run, trace: { ...msg.run.trace, tapes, gradients, curves } }, rows, packMs };
  }
  if (msg.type === 'didLoadRunRest') {
    const p = pack(msg.rest.tapes, msg.rest.gradients, msg.rest.curves, minRows);
    if (!p) return msg;
    const { rows, packMs, tapes, gradients, curves } = p;
    return { ...msg, rest: { ...msg.rest, tapes, gradients, curves }, rows, packMs };
  }
  return msg;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The HostToPanel a received message stands for, its rows unpacked; or why it is dropped (not a
 * message of this protocol, or packed rows that are not well-formed for the tapes and calls beside them).
 */
export function decodeFromHost(raw: unknown): { ok: true; msg: HostToPanel; packMs?: number } | { ok: false; reason: string } {
  if (!isObj(raw) || typeof raw.type !== 'string' || !HOST_TO_PANEL_TYPES.includes(raw.type)) return { ok: false, reason: 'not a host message' };
  if (raw.rows === undefined) return { ok: true, msg: raw as HostToPanel };
  const { rows, packMs, ...rest } = raw as Obj & { rows: unknown; packMs?: unknown };
  const took = typeof packMs === 'number' ? { packMs } : {};
  const msg = rest as HostToPanel;
  const holder = msg.type === 'didLoadRun' ? msg.run?.trace : msg.type === 'didLoadRunRest' ? msg.rest : undefined;
  if (!isObj(holder) || !Array.isArray(holder.tapes) || !Array.isArray(holder.gradients) || !Array.isArray(holder.curves)) return { ok: false, reason: `${msg.type}: packed rows without tapes, gradient calls and curves` };
  const bad = checkPackedRows(rows, holder.tapes.length, holder.gradients.length, holder.curves.length);
  if (bad) return { ok: false, reason: `${msg.type}: ${bad}` };
  const whole = unpackRows(rows as PackedRows, holder.tapes, holder.gradients, holder.curves);
  if (msg.type === 'didLoadRun') return { ok: true, msg: { ...msg, run: { ...msg.run!, trace: { ...msg.run!.trace, ...whole } } }, ...took };
  if (msg.type === 'didLoadRunRest') return { ok: true, msg: { ...msg, rest: { ...msg.rest, ...whole } }, ...took };
  return { ok: false, reason: 'packed rows on a message that has none' };
}
