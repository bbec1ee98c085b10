// A .grad.py in a real extension host: Compute Gradients from the command runs it in the Python
// worker, a hover shows the derivative from its trace, and a syntax error is a diagnostic at its line.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { RunOutcome } from '../../src/extension/runController';
import { api, EXTENSION_ID } from './helpers';

async function openCopy(repoPath: string, text?: string): Promise<vscode.TextEditor> {
  const root = vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath;
  const folder = vscode.workspace.workspaceFolders![0].uri.fsPath;
  const target = path.join(folder, `${Date.now().toString(36)}-${path.basename(repoPath)}`);
  if (text === undefined) fs.copyFileSync(path.join(root, repoPath), target);
  else fs.writeFileSync(target, text);
  return vscode.window.showTextDocument(vscode.Uri.file(target));
}

describe('python: a .grad.py in the editor', function () {
  // Pyodide's first start takes seconds (more on a loaded machine).
  this.timeout(180_000);

  before(async () => {
    await api();
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('Compute Gradients runs it, and hovering weights shows ∂loss/∂weights', async () => {
    const editor = await openCopy('examples/01-squared-difference.grad.py');
    const outcome = await vscode.commands.executeCommand<RunOutcome>('gradtape.computeGradients', editor.document.uri);
    assert.ok(outcome?.run, `the run was not stored: ${JSON.stringify(outcome?.skipped)}`);
    assert.strictEqual(outcome.run.trace.ok, true, JSON.stringify(outcome.run.trace.error));
    const line = editor.document.getText().split('\n').findIndex((l) => l.startsWith('gradients = tape.gradient'));
    const col = editor.document.lineAt(line).text.lastIndexOf('weights');
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, new vscode.Position(line, col + 1));
    const md = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n---\n');
    assert.ok(md.includes('∂loss/∂weights = [[-0.39999998], [-0.79999995]]'), md);
    // Pyodide's start-up snapshot went to the extension's own storage (removed with it), not the home folder.
    const cache = process.env.GRADTAPE_CACHE_DIR ?? '';
    assert.ok(cache.includes(EXTENSION_ID) && path.basename(cache) === 'cache', `GRADTAPE_CACHE_DIR=${cache}`);
    assert.ok(fs.readdirSync(cache).some((f) => /^pyodide-snapshot-\w+\.bin$/.test(f)), `no snapshot in ${cache}`);
  });

  it('a syntax error is a diagnostic at its line', async () => {
    const editor = await openCopy('x.grad.py', 'import tensorflow as tf\nx = tf.constant(1.0\nprint(x)\n');
    const outcome = await vscode.commands.executeCommand<RunOutcome>('gradtape.computeGradients', editor.document.uri);
    assert.ok(outcome?.run, JSON.stringify(outcome?.skipped));
    assert.strictEqual(outcome.run.trace.error?.kind, 'syntax');
    const diags = vscode.languages.getDiagnostics(editor.document.uri).filter((d) => d.source === 'gradtape');
    assert.ok(diags.length > 0, 'no diagnostic');
    assert.strictEqual(diags[0].severity, vscode.DiagnosticSeverity.Error);
    assert.ok(diags[0].range.start.line <= 1, `at line ${diags[0].range.start.line + 1}`);
  });
});
