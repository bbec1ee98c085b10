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
} as const;

const isScratch = (uri: vscode.Uri | undefined): uri is vscode.Uri => !!uri && /\.grad\.(?:ts|py)$/.test(uri.path);

/**
 * Owns every GradTape webview: one editor-side panel per scratch file (restored after a window
 * reload by its serializer) and the side-bar view that follows the active scratch file.
 */
export class PanelManager implements vscode.Disposable {
  static readonly viewType = 'gradtape.panel';
  private readonly panels = new Map<string, { panel: vscode.WebviewPanel; session: PanelSession }>();
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
          this.adopt(uri, panel);
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
        this.show(uri);
        this.panels.get(uri.toString())?.session.requestNode(a.nodeId);
      }),
      store.onDidChangeRun((r) => {
        this.panels.get(r.uri.toString())?.session.sendRun();
        if (this.view.session?.uri?.toString() === r.uri.toString()) this.view.session.sendRun();
      }),
      vscode.window.onDidChangeTextEditorSelection((e) => {
        if (!isScratch(e.textEditor.document.uri)) return;
        const line = e.selections[0] ? e.selections[0].active.line + 1 : 0;
        this.panels.get(e.textEditor.document.uri.toString())?.session.cursorMoved(e.textEditor.document.uri, line);
        this.view.session?.cursorMoved(e.textEditor.document.uri, line);
      }),
      vscode.window.onDidChangeActiveTextEditor((e) => {
        if (isScratch(e?.document.uri)) this.view.follow(e.document.uri);
      }),
    );
    const active = vscode.window.activeTextEditor?.document.uri;
    if (isScratch(active)) this.view.follow(active);
  }

  /** Opens (or reveals) the panel for a scratch file beside the editor. */
  show(docUri: vscode.Uri, opts?: { preserveFocus?: boolean }): void {
    const existing = this.panels.get(docUri.toString());
    if (existing) {
      if (!existing.panel.visible) existing.panel.reveal(existing.panel.viewColumn ?? vscode.ViewColumn.Beside, opts?.preserveFocus ?? true);
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      PanelManager.viewType,
      titleFor(docUri),
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: opts?.preserveFocus ?? true },
      { ...panelWebviewOptions(this.extensionUri), enableFindWidget: false },
    );
    this.adopt(docUri, panel);
  }

  private adopt(docUri: vscode.Uri, panel: vscode.WebviewPanel): void {
    const key = docUri.toString();
    this.panels.get(key)?.panel.dispose();
    panel.webview.options = panelWebviewOptions(this.extensionUri);
    panel.title = titleFor(docUri);
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'gradtape.svg');
    const session = new PanelSession(panel.webview, docUri, this.store, this.log, this.inspect, () => panel.viewColumn);
    panel.webview.html = panelHtml(panel.webview, this.extensionUri, { uri: key, title: path.basename(docUri.fsPath), mode: 'panel' });
    const entry = { panel, session };
    this.panels.set(key, entry);
    panel.onDidChangeViewState(() => {
      // Without retained context a hidden page is discarded; its reload says `ready` again.
      if (!panel.visible) session.markNotReady();
    });
    panel.onDidDispose(() => {
      session.dispose();
      if (this.panels.get(key) === entry) this.panels.delete(key);
    });
  }

  dispose(): void {
    for (const { panel } of this.panels.values()) panel.dispose();
    this.panels.clear();
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

function titleFor(uri: vscode.Uri): string {
  return `Gradients: ${path.basename(uri.fsPath)}`;
}
