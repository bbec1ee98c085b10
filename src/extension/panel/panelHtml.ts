import * as vscode from 'vscode';
import { randomBytes } from 'crypto';

/**
 * The one place the panel's HTML is built (for the editor-side panel and the side-bar view alike).
 * Content security policy: nothing by default; scripts only with this page's nonce; styles, fonts and
 * images only from the extension's own files (webview.cspSource). Nothing is loaded from the network.
 */
export function panelHtml(webview: vscode.Webview, extensionUri: vscode.Uri, opts: { uri?: string; title: string; mode: 'panel' | 'view' }): string {
  // A fresh nonce per page from a CSPRNG (the samples' Math.random is guessable).
  const nonce = randomBytes(16).toString('hex');
  const asset = (...p: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...p)).toString();
  const csp = [
    "default-src 'none'",
    `style-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
    `img-src ${webview.cspSource} data:`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${asset('dist', 'webview.css')}">
<title>${escapeHtml(opts.title)}</title>
</head>
<body data-mode="${opts.mode}" data-uri="${escapeHtml(opts.uri ?? '')}">
<div id="app" role="application" aria-label="GradTape: gradients of ${escapeHtml(opts.title)}"></div>
<script nonce="${nonce}" src="${asset('dist', 'webview.js')}"></script>
</body>
</html>`;
}

/** The webview options every GradTape webview uses: scripts on, local files only from dist/ and media/. */
export function panelWebviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
