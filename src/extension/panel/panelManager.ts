import * as path from 'path';
import * as vscode from 'vscode';
import type { PanelPersistedState } from '../../protocol/panel';
import { isGradDocument } from '../commands/commandIds';
import type { RunStore } from '../runStore';
import { panelHtml, panelWebviewOptions } from './panelHtml';
import { PanelSession, type InspectRun } from './panelSession';
import { TapeViewProvider } from './tapeViewProvider';

/** Command ids this module registers (package.json contributes them). */
export const PanelCommandId = {
  /** {@link PanelManager.show} for the active (or given) scratch file. */
  ShowPanel: 'gradtape.showPanel',
  /** Open the panel and select a node: args `{ uri: string, nodeId: number }`. */
  ShowInGraph: 'gradtape.showInGraph',
  /** Pin the active (or given file's) panel to its file, or unpin it so it follows the active file again. */
  TogglePin: 'gradtape.togglePanelPin',
  /** The title-bar buttons: one shows while the active panel follows (pin), the other while it is pinned. */
  Pin: 'gradtape.pinPanel',
  Unpin: 'gradtape.unpinPanel',
} as const;

/** Context key: the active GradTape panel is pinned (picks the title-bar button, `$(pin)` or `$(pinned)`). */
const PINNED_CONTEXT = 'gradtape.panelPinned';

/** A GradTape editor panel and the session that feeds it. */
export interface PanelEntry {
  panel: vscode.WebviewPanel;
  session: PanelSession;
}

const isScratch = (uri: vscode.Uri | undefined): uri is vscode.Uri => !!uri && /\.grad\.(?:ts|py)$/.test(uri.path);

/**
 * Owns every GradTape webview: one editor-side panel that follows the active scratch file, panels the
 * user pinned to a file (at most one per file), all restored after a window reload by the serializer,
 * and the side-bar view that also follows the active scratch file. One following panel instead of a tab
 * per file: seven scratch files no longer pile up seven tabs.
 */
export class PanelManager implements vscode.Disposable {
  static readonly viewType = 'gradtape.panel';
  /** The panel that follows the active scratch file. */
  private follower: PanelEntry | undefined;
  /** Pinned panels by document URI. */
  private readonly pinned = new Map<string, PanelEntry>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly view: TapeViewProvider;

  static register(context: vscode.ExtensionContext, store: RunStore, inspect?: InspectRun): PanelManager {
    const manager = new PanelManager(context.extensionUri, store, inspect);
    context.subscriptions.push(manager);
    return manager;
  }

  private constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly store: RunStore,
    private readonly inspect: InspectRun | undefined,
    private readonly log: vscode.LogOutputChannel = vscode.window.createOutputChannel('GradTape Panel', { log: true }),
  ) {
    this.view = new TapeViewProvider(extensionUri, store, log, inspect);
    this.disposables.push(
      log,
      this.view,
      vscode.window.registerWebviewViewProvider(TapeViewProvider.viewType, this.view),
      vscode.window.registerWebviewPanelSerializer(PanelManager.viewType, {
        deserializeWebviewPanel: async (panel, state: PanelPersistedState | undefined) => {
          const uri = typeof state?.uri === 'string' ? parseUri(state.uri) : undefined;
          if (!isGradDocument(uri)) {
            // Nothing to show: the page was saved before it knew its file, or its state names something else.
            if (state?.uri) log.warn(`panel state names ${JSON.stringify(state.uri).slice(0, 200)}, not a .grad.ts/.grad.py document; closed`);
            panel.dispose();
            return;
          }
          // The first page restored follows again; any others were pinned and stay on their files.
          this.adopt(uri, panel, !!this.follower);
        },
      }),
      vscode.commands.registerCommand(PanelCommandId.ShowPanel, (arg?: unknown) => {
        const uri = arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri;
        if (isScratch(uri)) this.show(uri);
        else void vscode.window.showInformationMessage('GradTape: open a .grad.ts or .grad.py file to see its gradients.');
      }),
      vscode.commands.registerCommand(PanelCommandId.ShowInGraph, (arg?: unknown) => {
        const a = arg as { uri?: unknown; nodeId?: unknown } | undefined;
        if (typeof a?.uri !== 'string' || typeof a.nodeId !== 'number' || !Number.isInteger(a.nodeId)) {
          log.warn(`gradtape.showInGraph: expected { uri: string, nodeId: number }, got ${JSON.stringify(arg)}`);
          return;
        }
        const uri = parseUri(a.uri);
        if (!isGradDocument(uri)) {
          log.warn(`gradtape.showInGraph: ${JSON.stringify(a.uri).slice(0, 200)} is not a .grad.ts/.grad.py document; ignored`);
          return;
        }
        this.show(uri).session.requestNode(a.nodeId);
      }),
      vscode.commands.registerCommand(PanelCommandId.TogglePin, (arg?: unknown) => {
        const entry = this.entryFor(arg);
        if (entry) this.togglePin(entry);
      }),
      vscode.commands.registerCommand(PanelCommandId.Pin, (arg?: unknown) => {
        const entry = this.entryFor(arg);
        if (entry && entry === this.follower) this.togglePin(entry);
      }),
      vscode.commands.registerCommand(PanelCommandId.Unpin, (arg?: unknown) => {
        const entry = this.entryFor(arg);
        if (entry && entry !== this.follower) this.togglePin(entry);
      }),
      store.onDidChangeRun((r) => {
        const key = r.uri.toString();
        this.pinned.get(key)?.session.sendRun();
        if (this.follower?.session.uri?.toString() === key) this.follower.session.sendRun();
        if (this.view.session?.uri?.toString() === r.uri.toString()) this.view.session.sendRun();
      }),
      vscode.window.onDidChangeTextEditorSelection((e) => {
        if (!isScratch(e.textEditor.document.uri)) return;
        const line = e.selections[0] ? e.selections[0].active.line + 1 : 0;
        // A session ignores the cursor of a file it does not show.
        this.pinned.get(e.textEditor.document.uri.toString())?.session.cursorMoved(e.textEditor.document.uri, line);
        this.follower?.session.cursorMoved(e.textEditor.document.uri, line);
        this.view.session?.cursorMoved(e.textEditor.document.uri, line);
      }),
      vscode.window.onDidChangeActiveTextEditor((e) => {
        if (!isScratch(e?.document.uri)) return;
        this.view.follow(e.document.uri);
        // A file with its own pinned panel is shown there; the following panel keeps what it shows.
        if (this.follower && !this.pinned.has(e.document.uri.toString())) this.retarget(this.follower, e.document.uri);
      }),
    );
    const active = vscode.window.activeTextEditor?.document.uri;
    if (isScratch(active)) this.view.follow(active);
  }

  /** The panel a pin command means: the given file's, else the active one, else the following one. */
  private entryFor(arg: unknown): PanelEntry | undefined {
    // The title-bar button passes the active editor's resource, which for a webview is not a scratch file.
    const uri = arg instanceof vscode.Uri ? arg : typeof arg === 'string' ? parseUri(arg) : undefined;
    const key = isGradDocument(uri) ? uri.toString() : undefined;
    const all = [...this.pinned.values(), ...(this.follower ? [this.follower] : [])];
    return key !== undefined ? all.find((e) => e.session.uri?.toString() === key) : (all.find((e) => e.panel.active) ?? this.follower);
  }

  /** The title bar's pin button follows the active panel's state. */
  private updatePinContext(): void {
    const all = [...this.pinned.values(), ...(this.follower ? [this.follower] : [])];
    const active = all.find((e) => e.panel.active);
    void vscode.commands.executeCommand('setContext', PINNED_CONTEXT, !!active && active !== this.follower);
  }

  /**
   * Shows a scratch file beside the editor: in its pinned panel if it has one, else in the following
   * panel (opened if needed). Returns the panel's entry.
   */
  show(docUri: vscode.Uri, opts?: { preserveFocus?: boolean }): PanelEntry {
    const existing = this.pinned.get(docUri.toString()) ?? this.follower;
    if (existing) {
      this.retarget(existing, docUri);
      if (!existing.panel.visible) existing.panel.reveal(existing.panel.viewColumn ?? vscode.ViewColumn.Beside, opts?.preserveFocus ?? true);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(
      PanelManager.viewType,
      titleFor(docUri, false),
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: opts?.preserveFocus ?? true },
      { ...panelWebviewOptions(this.extensionUri), enableFindWidget: false },
    );
    return this.adopt(docUri, panel, false);
  }

  private adopt(docUri: vscode.Uri, panel: vscode.WebviewPanel, pinned: boolean): PanelEntry {
    const key = docUri.toString();
    const replaced = pinned ? this.pinned.get(key) : this.follower;
    panel.webview.options = panelWebviewOptions(this.extensionUri);
    panel.title = titleFor(docUri, pinned);
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'gradtape.svg');
    const session = new PanelSession(panel.webview, docUri, this.store, this.log, this.inspect, () => panel.viewColumn);
    panel.webview.html = panelHtml(panel.webview, this.extensionUri, { uri: key, title: path.basename(docUri.fsPath), mode: 'panel' });
    const entry: PanelEntry = { panel, session };
    if (pinned) this.pinned.set(key, entry);
    else this.follower = entry;
    replaced?.panel.dispose();
    this.updatePinContext();
    panel.onDidChangeViewState(() => {
      // Without retained context a hidden page is discarded; its reload says `ready` again.
      if (!panel.visible) session.markNotReady();
      if (panel.active) this.updatePinContext();
    });
    panel.onDidDispose(() => {
      session.dispose();
      this.forget(entry);
    });
    return entry;
  }

  /** Points a panel at another file (the following panel only; a pinned panel shows its own file). */
  private retarget(entry: PanelEntry, docUri: vscode.Uri): void {
    if (entry !== this.follower || entry.session.uri?.toString() === docUri.toString()) return;
    entry.session.setUri(docUri);
    entry.panel.title = titleFor(docUri, false);
  }

  /**
   * Pinning keeps a panel on its file and lets the next file open a new following panel; unpinning makes
   * it the following panel again (closing the one that followed until then).
   */
  private togglePin(entry: PanelEntry): void {
    const uri = entry.session.uri;
    if (!uri) return;
    const key = uri.toString();
    if (entry === this.follower) {
      this.follower = undefined;
      const old = this.pinned.get(key);
      this.pinned.set(key, entry);
      old?.panel.dispose();
    } else {
      this.pinned.delete(key);
      const old = this.follower;
      this.follower = entry;
      old?.panel.dispose();
    }
    entry.panel.title = titleFor(uri, entry !== this.follower);
    this.updatePinContext();
  }

  private forget(entry: PanelEntry): void {
    if (this.follower === entry) this.follower = undefined;
    for (const [key, e] of this.pinned) if (e === entry) this.pinned.delete(key);
  }

  dispose(): void {
    for (const { panel } of [...this.pinned.values(), ...(this.follower ? [this.follower] : [])]) panel.dispose();
    this.pinned.clear();
    this.follower = undefined;
    for (const d of this.disposables) d.dispose();
    this.disposables.length = 0;
  }
}

/** `vscode.Uri.parse` throws on some strings (a scheme with bad characters); those are no document. */
function parseUri(s: string): vscode.Uri | undefined {
  try {
    return vscode.Uri.parse(s, true);
  } catch {
    return undefined;
  }
}

function titleFor(uri: vscode.Uri, pinned: boolean): string {
  return `Gradients: ${path.basename(uri.fsPath)}${pinned ? ' (pinned)' : ''}`;
}
