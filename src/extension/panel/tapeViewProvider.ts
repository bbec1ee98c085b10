import * as path from 'path';
import * as vscode from 'vscode';
import type { RunStore } from '../runStore';
import { panelHtml, panelWebviewOptions } from './panelHtml';
import { PanelSession, type InspectRun } from './panelSession';

/**
 * The same viewer as the editor panel, as a view in GradTape's side-bar container. It follows the
 * active scratch file. Views come and go (collapsed, moved, hidden): the provider keeps the document
 * it follows and replays the latest run to every new page (cf. hexeditor's DataInspectorView).
 */
export class TapeViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  static readonly viewType = 'gradtape.tapeView';
  session: PanelSession | undefined;
  private followed: vscode.Uri | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly store: RunStore,
    private readonly log: vscode.LogOutputChannel,
    private readonly inspect: InspectRun | undefined,
  ) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    this.session?.dispose();
    view.webview.options = panelWebviewOptions(this.extensionUri);
    const session = new PanelSession(view.webview, this.followed, this.store, this.log, this.inspect);
    this.session = session;
    view.webview.html = panelHtml(view.webview, this.extensionUri, {
      uri: this.followed?.toString(),
      title: this.followed ? path.basename(this.followed.fsPath) : 'no scratch file',
      mode: 'view',
    });
    view.onDidChangeVisibility(() => {
      if (!view.visible) session.markNotReady();
    });
    view.onDidDispose(() => {
      session.dispose();
      if (this.session === session) this.session = undefined;
    });
  }

  follow(uri: vscode.Uri): void {
    this.followed = uri;
    this.session?.setUri(uri);
  }

  dispose(): void {
    this.session?.dispose();
    this.session = undefined;
  }
}
