// The extension activates by itself in a workspace holding a .grad.ts file (activationEvents:
// workspaceContains) and registers its command. Runs in a real extension host (see index.ts).
import * as assert from 'assert';
import * as vscode from 'vscode';

const EXTENSION_ID = 'gradtape.gradtape';

async function until<T>(what: string, probe: () => T | undefined | false, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('activation', () => {
  it('the workspace is the fixture with a .grad.ts file', async () => {
    const found = await vscode.workspace.findFiles('**/*.grad.ts');
    assert.ok(found.length >= 1, `expected a .grad.ts file in ${vscode.workspace.workspaceFolders?.map((f) => f.uri.fsPath)}`);
  });

  it('activates without being asked, because the workspace contains a .grad.ts file', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} is not loaded`);
    // No activate() call here: activation must come from the workspaceContains event.
    await until('the extension to activate', () => ext.isActive);
  });

  it('registers gradtape.computeGradients', async () => {
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('gradtape.computeGradients'), 'gradtape.computeGradients is not registered');
  });

  it('declares workspaceContains:**/*.grad.ts activation and never activates eagerly at startup', () => {
    const events = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON.activationEvents as string[];
    assert.ok(events.includes('workspaceContains:**/*.grad.ts'), `activationEvents: ${events}`);
    assert.ok(!events.includes('*') && !events.includes('onStartupFinished'), `activationEvents: ${events}`);
  });

  it('declares the command in the manifest with its palette title', () => {
    const pkg = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as {
      contributes: { commands: { command: string; title: string; category: string }[] };
    };
    const cmd = pkg.contributes.commands.find((c) => c.command === 'gradtape.computeGradients');
    assert.deepStrictEqual(cmd && { title: cmd.title, category: cmd.category }, { title: 'Compute Gradients', category: 'GradTape' });
  });

  it('runs the command on an open .grad.ts editor without throwing', async () => {
    const [uri] = await vscode.workspace.findFiles('**/*.grad.ts', undefined, 1);
    const editor = await vscode.window.showTextDocument(uri);
    assert.ok(editor.document.fileName.endsWith('.grad.ts'));
    await vscode.commands.executeCommand('gradtape.computeGradients');
  });
});
