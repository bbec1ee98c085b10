/**
 * Runtime check of messages from the webview. The webview is a browser page: whatever it posts is
 * untrusted input, so the host accepts only messages with exactly the shapes of {@link PanelToHost}.
 */
import type { InspectQuery, PanelToHost } from './panel';
import type { SourcePos } from './trace';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown, min = 0): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= 2 ** 31;
const isFiniteNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
/** Only the listed keys may be present: extra fields are a sign of a forged or stale message. */
const onlyKeys = (o: Obj, keys: string[]) => Object.keys(o).every((k) => keys.includes(k));

function isSourcePos(v: unknown): v is SourcePos {
  if (!isObj(v) || !onlyKeys(v, ['line', 'column', 'file'])) return false;
  if (!isInt(v.line, 1) || !isInt(v.column, 0)) return false;
  return v.file === undefined || (typeof v.file === 'string' && v.file.length > 0 && v.file.length < 4096);
}

const isIntList = (v: unknown): v is number[] => Array.isArray(v) && v.length <= 1000 && v.every((x) => isInt(x));
const isShortString = (v: unknown, max = 4096): v is string => typeof v === 'string' && v.length > 0 && v.length <= max;

function isInspectQuery(v: unknown): v is InspectQuery {
  if (!isObj(v)) return false;
  if (v.kind === 'node') return onlyKeys(v, ['kind', 'tensorId', 'nodeId']) && isInt(v.tensorId) && (v.nodeId === undefined || isInt(v.nodeId));
  if (v.kind === 'walk') return onlyKeys(v, ['kind', 'seed', 'element']) && isInt(v.seed) && isInt(v.element);
  return false;
}

/** Returns the message typed when it is well-formed, else a reason string (for the log). */
export function validatePanelToHost(msg: unknown): { ok: true; msg: PanelToHost } | { ok: false; reason: string } {
  if (!isObj(msg)) return { ok: false, reason: 'not an object' };
  switch (msg.type) {
    case 'ready':
      return onlyKeys(msg, ['type']) ? { ok: true, msg: { type: 'ready' } } : { ok: false, reason: 'ready: unexpected fields' };
    case 'revealSource':
      return onlyKeys(msg, ['type', 'pos']) && isSourcePos(msg.pos)
        ? { ok: true, msg: { type: 'revealSource', pos: msg.pos } }
        : { ok: false, reason: 'revealSource: bad pos' };
    case 'reportRendered':
      return onlyKeys(msg, ['type', 'sentAt', 'drawMs', 'nodes', 'part']) && isFiniteNum(msg.sentAt) && isFiniteNum(msg.drawMs) && msg.drawMs >= 0 && isInt(msg.nodes) &&
        (msg.part === undefined || msg.part === 'first' || msg.part === 'rest')
        ? { ok: true, msg: { type: 'reportRendered', sentAt: msg.sentAt, drawMs: msg.drawMs, nodes: msg.nodes, ...(msg.part ? { part: msg.part } : {}) } }
        : { ok: false, reason: 'reportRendered: bad fields' };
    case 'reportError':
      return onlyKeys(msg, ['type', 'message']) && typeof msg.message === 'string'
        ? { ok: true, msg: { type: 'reportError', message: msg.message.slice(0, 2000) } }
        : { ok: false, reason: 'reportError: bad message' };
    case 'inspect':
      return onlyKeys(msg, ['type', 'requestId', 'uri', 'startedAt', 'gradientId', 'tapeIds', 'query']) && isInt(msg.requestId) && isShortString(msg.uri) &&
        isShortString(msg.startedAt, 64) && (msg.gradientId === null || isInt(msg.gradientId)) && isIntList(msg.tapeIds) && isInspectQuery(msg.query)
        ? { ok: true, msg: { type: 'inspect', requestId: msg.requestId, uri: msg.uri, startedAt: msg.startedAt, gradientId: msg.gradientId, tapeIds: msg.tapeIds, query: msg.query } }
        : { ok: false, reason: 'inspect: bad fields' };
    default:
      return { ok: false, reason: `unknown type ${JSON.stringify(String(msg.type)).slice(0, 60)}` };
  }
}

export function isPanelToHost(msg: unknown): msg is PanelToHost {
  return validatePanelToHost(msg).ok;
}
