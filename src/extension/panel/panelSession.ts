import * as path from 'path';
import * as vscode from 'vscode';
import { assertNever, type HostToPanel, type InspectAnswer, type InspectQuery, type PanelToHost } from '../../protocol/panel';
import { traceRefersTo } from '../../protocol/fileRefs';
import { splitTrace } from '../../protocol/panelParts';
import { encodeForPanel } from '../../protocol/panelWire';
import { validatePanelToHost } from '../../protocol/panelValidate';
import type { SourcePos, Trace } from '../../protocol/trace';
import type { RunStore } from '../runStore';

/** Answers an inspector question about a run's trace: the runner's inspect thread replays the nodes (src/runner/host/inspectThread.ts). */
export type InspectRun = (trace: Trace, req: { gradientId: number | null; tapeIds: number[]; query: InspectQuery }) => Promise<InspectAnswer>;

/**
 * One webview showing the runs of one scratch file: the editor-side panel or the side-bar view.
 * Speaks the protocol: waits for `ready`, sends the latest run, replays it whenever the page was
 * recreated (a hidden webview is discarded and says `ready` again), checks every incoming message.
 */
export class PanelSession implements vscode.Disposable {
  private ready = false;
  private pendingNode: number | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    readonly webview: vscode.Webview,
    private docUri: vscode.Uri | undefined,
    private readonly store: RunStore,
    private readonly log: vscode.LogOutputChannel,
    /** The engine's answers for the inspector; absent, the panel is told there are none. */
    private readonly inspect: InspectRun | undefined,
    /** The editor column the webview itself sits in (the editor-side panel), which reveals must avoid. */
    private readonly ownColumn: () => vscode.ViewColumn | undefined = () => undefined,
  ) {
    this.disposables.push(webview.onDidReceiveMessage((m: unknown) => this.onMessage(m)));
  }

  get uri(): vscode.Uri | undefined {
    return this.docUri;
  }

  /** Follow another document (the side-bar view tracks the active scratch file). */
  setUri(uri: vscode.Uri | undefined): void {
    if (uri?.toString() === this.docUri?.toString()) return;
    this.docUri = uri;
    this.sendRun();
  }

  /** The page went away (hidden without retained context): wait for its next `ready`. */
  markNotReady(): void {
    this.ready = false;
  }

  /**
   * Sends the latest run. A large one goes in two parts (protocol/panelParts.ts): first the step the
   * panel opens on (its last) and the header, so the panel draws at once, then the rest.
   */
  sendRun(): void {
    if (!this.ready) return;
    const run = this.docUri ? this.store.get(this.docUri) : undefined;
    const sentAt = Date.now();
    const head: Extract<HostToPanel, { type: 'didLoadRun' }> = { type: 'didLoadRun', uri: this.docUri?.toString() ?? null, fileName: this.docUri ? path.basename(this.docUri.fsPath) : '', sentAt, run: null };
    if (!run) {
      this.post({ ...head, run: null });
      return;
    }
    const uri = run.uri.toString();
    if (run.timing) head.timing = run.timing;
    const t0 = performance.now();
    const parts = splitTrace(run.trace);
    const t1 = performance.now();
    if (!parts) this.post({ ...head, run: { uri, version: run.version, trace: run.trace } });
    else {
      this.post({ ...head, run: { uri, version: run.version, trace: parts.first }, rest: { pendingTapes: parts.pendingTapes } });
      this.post({ type: 'didLoadRunRest', uri, startedAt: run.trace.startedAt, sentAt, rest: parts.rest });
    }
    const timing = `split ${Math.round(t1 - t0)} ms, postMessage ${Math.round(performance.now() - t1)} ms${parts ? ' (two parts)' : ''}`;
    this.log.info(`sent the run: ${timing}`);
  }

  cursorMoved(uri: vscode.Uri, line: number): void {
    if (this.ready && uri.toString() === this.docUri?.toString()) this.post({ type: 'didMoveCursor', uri: uri.toString(), line });
  }

  requestNode(nodeId: number): void {
    if (this.ready) this.post({ type: 'didRequestNode', nodeId });
    else this.pendingNode = nodeId;
  }

  /** Every message goes through the wire codec: a large run's rows as typed arrays, not JSON per number. */
  private post(msg: HostToPanel): void {
    void this.webview.postMessage(encodeForPanel(msg));
  }

  private onMessage(raw: unknown): void {
    const checked = validatePanelToHost(raw);
    if (!checked.ok) {
      this.log.warn(`dropped a malformed message from the panel (${checked.reason})`);
      return;
    }
    const msg: PanelToHost = checked.msg;
    switch (msg.type) {
      case 'ready':
        this.ready = true;
        this.sendRun();
        if (this.pendingNode !== undefined) {
          this.post({ type: 'didRequestNode', nodeId: this.pendingNode });
          this.pendingNode = undefined;
        }
        break;
      case 'revealSource':
        void this.revealSource(msg.pos);
        break;
      case 'reportRendered': {
        const what = msg.part === 'first' ? 'run-to-panel (first part)' : msg.part === 'rest' ? 'run-to-panel (the rest filled in)' : 'run-to-panel';
        this.log.info(`${what} ${Date.now() - msg.sentAt} ms (draw ${msg.drawMs.toFixed(1)} ms, ${msg.nodes} nodes)`);
        console.log(`GradTape panel: ${what} ${Date.now() - msg.sentAt} ms (draw ${msg.drawMs.toFixed(1)} ms, ${msg.nodes} nodes)`);
        break;
      }
      case 'reportError':
        this.log.error(`panel script error: ${msg.message}`);
        console.error(`GradTape panel script error: ${msg.message}`); // also in Developer Tools and test logs
        break;
      case 'inspect':
        void this.answerInspect(msg);
        break;
      default:
        assertNever(msg);
    }
  }

  /** Asks the runner about the run the panel shows, and posts the answer (or why there is none) back. */
  private async answerInspect(msg: Extract<PanelToHost, { type: 'inspect' }>): Promise<void> {
    const reply = (result: Extract<HostToPanel, { type: 'didInspect' }>['result']) => this.post({ type: 'didInspect', requestId: msg.requestId, result });
    const run = this.docUri ? this.store.get(this.docUri) : undefined;
    if (!run || run.uri.toString() !== msg.uri || run.trace.startedAt !== msg.startedAt) {
      reply({ ok: false, error: 'the run shown is no longer held by the editor; run the file again' });
      return;
    }
    if (!this.inspect) {
      reply({ ok: false, error: 'no inspector is available' });
      return;
    }
    const t0 = performance.now();
    try {
      const answer = await this.inspect(run.trace, { gradientId: msg.gradientId, tapeIds: msg.tapeIds, query: msg.query });
      this.log.debug(`inspect ${msg.query.kind}: ${(performance.now() - t0).toFixed(1)} ms`);
      reply({ ok: true, answer });
    } catch (e) {
      this.log.warn(`inspect failed: ${e instanceof Error ? e.message : String(e)}`);
      reply({ ok: false, error: e instanceof Error ? e.message : String(e) });
    }
  }

  /** Opens the scratch file (or a file the trace itself names) at the position. Nothing else may be opened. */
  private async revealSource(pos: SourcePos): Promise<void> {
    const doc = this.docUri;
    if (!doc) return;
    let target = doc;
    if (pos.file && pos.file !== doc.fsPath) {
      const trace = this.store.get(doc)?.trace;
      if (!trace || !traceRefersTo(trace, pos)) {
        this.log.warn(`revealSource: ${pos.file}:${pos.line} is not a reference this run made; ignored`);
        return;
      }
      target = vscode.Uri.file(pos.file);
    }
    await revealInEditor(target, pos, this.ownColumn());
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    this.disposables.length = 0;
  }
}

/**
 * The editor column a reveal of `target` should use: where the document is already visible, else the
 * group that has it as a tab, else the column left of the panel — never the panel's own group (a
 * second tab there would cover the panel the person just clicked in).
 */
export function revealColumn(target: vscode.Uri, panelColumn: vscode.ViewColumn | undefined): vscode.ViewColumn {
  const key = target.toString();
  const visible = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === key && e.viewColumn !== undefined && e.viewColumn !== panelColumn);
  if (visible?.viewColumn !== undefined) return visible.viewColumn;
  const group = vscode.window.tabGroups.all.find(
    (g) => g.viewColumn !== panelColumn && g.tabs.some((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === key),
  );
  if (group) return group.viewColumn;
  if (panelColumn === undefined) return vscode.ViewColumn.One;
  return panelColumn > vscode.ViewColumn.One ? panelColumn - 1 : vscode.ViewColumn.Two;
}

/** Shows `target` in {@link revealColumn}'s group with the cursor at `pos` (1-based line and column). */
export async function revealInEditor(target: vscode.Uri, pos: SourcePos, panelColumn: vscode.ViewColumn | undefined): Promise<vscode.TextEditor> {
  const editor = await vscode.window.showTextDocument(target, { viewColumn: revealColumn(target, panelColumn), preserveFocus: false });
  const line = Math.min(Math.max(pos.line - 1, 0), editor.document.lineCount - 1);
  const p = new vscode.Position(line, Math.max(pos.column - 1, 0));
  editor.selection = new vscode.Selection(p, p);
  editor.revealRange(new vscode.Range(p, p), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  return editor;
}
