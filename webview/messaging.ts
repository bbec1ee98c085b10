/** The typed channel to the extension host (cf. hexeditor's MessageHandler, without requests). */
import type { HostToPanel, PanelPersistedState, PanelToHost } from '../src/protocol/panel';
import { decodeFromHost, NOT_HOST } from '../src/protocol/panelWire';

interface VsCodeApi {
  postMessage(msg: PanelToHost): void;
  getState(): PanelPersistedState | undefined;
  setState(s: PanelPersistedState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const api: VsCodeApi =
  typeof acquireVsCodeApi === 'function'
    ? acquireVsCodeApi()
    : // Outside VS Code (the standalone benchmark page): a stand-in that records what would be posted.
      { postMessage: (m) => ((globalThis as unknown as { posted?: PanelToHost[] }).posted ??= []).push(m), getState: () => undefined, setState: () => undefined };

export function post(msg: PanelToHost): void {
  api.postMessage(msg);
}

/** Each message from the host, decoded (a large run's rows and the inspector's lists of numbers arrive packed: src/protocol/panelWire.ts) and checked; what fails is reported, not handled. */
export function onMessage(handler: (msg: HostToPanel) => void): void {
  window.addEventListener('message', (e: MessageEvent) => {
    const m: unknown = e.data;
    // The page also sees messages that are not the host's (e.g. from VS Code's own frame): only a protocol message is ours.
    if (!m || typeof m !== 'object' || typeof (m as { type?: unknown }).type !== 'string') return;
    const t0 = performance.now();
    const decoded = decodeFromHost(m);
    if (decoded.ok && decoded.msg.type === 'didLoadRun') {
      // How long the host packed the run's rows and this page unpacked them (absent: it came unpacked): the e2e's breakdown reads these.
      const stamps = document.body.dataset;
      if (decoded.packMs === undefined) {
        delete stamps.packMs;
        delete stamps.unpackMs;
      } else {
        stamps.packMs = decoded.packMs.toFixed(1);
        stamps.unpackMs = (performance.now() - t0).toFixed(1);
      }
    }
    if (decoded.ok) handler(decoded.msg);
    else if (decoded.reason !== NOT_HOST) {
      post({ type: 'reportError', message: `dropped a malformed message from the host (${decoded.reason})` });
      // A refused answer still ends its question: the inspector shows why instead of waiting forever.
      if (decoded.requestId !== undefined) handler({ type: 'didInspect', requestId: decoded.requestId, result: { ok: false, error: `the answer could not be read (${decoded.reason})` } });
    }
  });
}

export function loadState(): PanelPersistedState {
  return api.getState() ?? {};
}

export function saveState(s: PanelPersistedState): void {
  api.setState(s);
}
