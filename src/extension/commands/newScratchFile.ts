import * as path from 'path';
import * as os from 'os';
import * as vscode from 'vscode';

/** The seed article's first program: what a new scratch file starts with. */
export const SEED_EXAMPLE = `import * as tf from "gradtape";

const input = tf.constant([[1.0, 2.0]]);
const weights = tf.variable([[0.25], [0.15]]);
const yTrue = tf.constant(0.75);

const tape = new tf.GradientTape();
const loss = tape.record(() => {
  const output = tf.linalg.matmul(input, weights);
  // Loss: squared difference
  return tf.math.squaredDifference(yTrue, output);
});

const gradients = tape.gradient(loss, weights);
gradients.print(); // [[-0.39999998], [-0.79999995]]
`;

/**
 * GradTape: New Scratch File. Opens an unsaved `scratch-N.grad.ts` (an untitled document that already
 * has its path, so it is a scratch file at once and saving needs no dialog) holding the seed example.
 */
export async function newScratchFileCommand(): Promise<vscode.TextEditor> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const dir = folder?.scheme === 'file' ? folder.fsPath : os.tmpdir();
  const target = await freeName(dir);
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(target).with({ scheme: 'untitled' }));
  const editor = await vscode.window.showTextDocument(doc);
  if (doc.getText() === '') await editor.edit((b) => b.insert(new vscode.Position(0, 0), SEED_EXAMPLE));
  return editor;
}

async function freeName(dir: string): Promise<string> {
  const open = new Set(vscode.workspace.textDocuments.map((d) => d.uri.fsPath));
  for (let n = 1; ; n++) {
    const candidate = path.join(dir, n === 1 ? 'scratch.grad.ts' : `scratch-${n}.grad.ts`);
    if (open.has(candidate)) continue;
    try {
      await vscode.workspace.fs.stat(vscode.Uri.file(candidate));
    } catch {
      return candidate;
    }
  }
}
