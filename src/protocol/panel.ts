/**
 * The host ↔ panel protocol: imported by src/extension/panel/* and webview/*. Types only.
 *
 * Host → panel messages are past tense (something happened on the host); panel → host messages are
 * imperative (the user asked for something). Each end dispatches with a `switch` ending in
 * `assertNever`, so a message added here and not handled fails to compile. The host checks every
 * PanelToHost message at runtime with `isPanelToHost` (panelValidate.ts) before using it.
 */
import type { InspectAnswer, InspectQuery } from '../engine/inspect';
import type { TraceRest } from './panelParts';
import type { SourcePos, Trace } from './trace';

export type { InspectAnswer, InspectQuery, TraceRest };

/** The run a panel shows: the latest Trace of one scratch file. */
export interface PanelRun {
  /** `vscode.Uri.toString()` of the scratch file. */
  uri: string;
  /** Document version the run used. */
  version: number;
  trace: Trace;
}

/**
 * When a run from Compute Gradients began and when its trace reached the host (wall clock, ms since
 * the epoch): with `sentAt` and the page's own clock, the breakdown of command → panel drawn.
 */
export interface RunTiming {
  commandAt: number;
  tracedAt: number;
}

//#region to panel
/** Host → panel. */
export type HostToPanel =
  /**
   * The document the panel follows has a new run (or none yet: `run` is null). Render it; replaces all
   * previous data. With `rest`, the run is large and `run.trace` is its first part (panelParts.ts):
   * the tapes `pendingTapes` are stubs, curves and console are empty, and `didLoadRunRest` follows.
   */
  | { type: 'didLoadRun'; uri: string | null; fileName: string; run: PanelRun | null; sentAt: number; rest?: { pendingTapes: number[] }; timing?: RunTiming }
  /** The rest of the run `didLoadRun` began (`uri`, `startedAt` name it): fill it in, keeping the view and selection. */
  | { type: 'didLoadRunRest'; uri: string; startedAt: string; sentAt: number; rest: TraceRest }
  /** The cursor moved in the editor: highlight the nodes recorded at this 1-based line (0 clears). */
  | { type: 'didMoveCursor'; uri: string; line: number }
  /** `gradtape.showInGraph` asked for a node: select it, switch to the graph and centre it. */
  | { type: 'didRequestNode'; nodeId: number }
  /** The engine's answer to `inspect` request `requestId` (or why there is none). */
  | { type: 'didInspect'; requestId: number; result: { ok: true; answer: InspectAnswer } | { ok: false; error: string } };
//#endregion

//#region from panel
/** Panel → host. */
export type PanelToHost =
  /** The panel's script has loaded and listens: send the latest run. Sent once per page load. */
  | { type: 'ready' }
  /** Reveal this position in the editor (a node's line, a console `file:line`). `file` absent means the scratch file. */
  | { type: 'revealSource'; pos: SourcePos }
  /**
   * The panel drew the run it was sent (`sentAt` echoed from didLoadRun); the host logs run-to-panel
   * time. `part`: 'first' when it drew a run's first part (the rest to come), 'rest' when it filled in the rest.
   */
  | { type: 'reportRendered'; sentAt: number; drawMs: number; nodes: number; part?: 'first' | 'rest' }
  /** The panel's own script failed: the host logs it to the GradTape output channel. */
  | { type: 'reportError'; message: string }
  /**
   * Ask the engine about gradient call `gradientId` of the run the panel shows (`uri`, `startedAt`
   * name it; null for tapes without one: the derivative text alone): a node's derivative, chain-rule step and finite-difference check, or the backward
   * walkthrough with forward mode. `tapeIds`: the tapes drawn with it (their values are used too).
   * The runner replays the recorded nodes through the real ops and the host answers `didInspect`.
   */
  | { type: 'inspect'; requestId: number; uri: string; startedAt: string; gradientId: number | null; tapeIds: number[]; query: InspectQuery };
//#endregion

/** Kept by the webview in `vscode.setState`, read back by the panel serializer after a window reload. */
export interface PanelPersistedState {
  uri?: string;
  tab?: string;
  selectedNode?: number;
  step?: number;
  smoothing?: number;
  logScale?: boolean;
  /** The graph's minimap is turned on (the default) or off. */
  minimap?: boolean;
  /** The last run shown, when small: after a window reload the host has no runs until the next one. */
  run?: PanelRun;
}

export { assertNever } from '../format/assertNever';
