/** The typed channel to the extension host (cf. hexeditor's MessageHandler, without requests). */
import type { HostToPanel, PanelPersistedState, PanelToHost } from '../src/protocol/panel';

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

export function onMessage(handler: (msg: HostToPanel) => void): void {
  window.addEventListener('message', (e: MessageEvent) => {
    const m = e.data as HostToPanel | undefined;
    if (m && typeof m === 'object' && typeof m.type === 'string') handler(m);
  });
}

export function loadState(): PanelPersistedState {
  return api.getState() ?? {};
}

export function saveState(s: PanelPersistedState): void {
  api.setState(s);
}
