// Types without setup, through the vscode API: in a .grad.ts file, the TypeScript extension (with our
// tsserver plugin) completes `tf.` from the engine's declarations and reports no missing module.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe('editor: types for "gradtape" without setup', function () {
  this.timeout(120_000);

  it('completes tf. with GradientTape, and nothing was written into the workspace', async () => {
    const folder = vscode.workspace.workspaceFolders![0].uri.fsPath;
    const before = fs.readdirSync(folder).sort();
    const file = path.join(folder, `types-${Date.now().toString(36)}.grad.ts`);
    fs.writeFileSync(file, 'import * as tf from "gradtape";\n\nconst x = tf.constant([1, 2, 3]);\ntf.\n');
    const doc = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(doc);
    const labels = await until('TypeScript completions after tf.', async () => {
      const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, new vscode.Position(3, 3), '.');
      const names = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
      return names.includes('GradientTape') ? names : undefined;
    }, 90_000);
    for (const name of ['variable', 'constant', 'matmul']) assert.ok(labels.includes(name), name);
    const errors = vscode.languages.getDiagnostics(doc.uri).filter((d) => /Cannot find module/.test(d.message));
    assert.deepStrictEqual(errors.map((d) => d.message), []);
    assert.deepStrictEqual(fs.readdirSync(folder).filter((f) => f !== path.basename(file)).sort(), before);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
