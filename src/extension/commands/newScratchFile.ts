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

/** The same program in TensorFlow's Python, for a `.grad.py` scratch file. */
export const SEED_EXAMPLE_PY = `import tensorflow as tf

input = tf.constant([[1.0, 2.0]])
weights = tf.Variable([[0.25], [0.15]])
y_true = tf.constant(0.75)

with tf.GradientTape() as tape:
    output = tf.linalg.matmul(input, weights)
    # Loss: squared difference
    loss = tf.math.squared_difference(y_true, output)

gradients = tape.gradient(loss, weights)
print(gradients)  # [[-0.39999998] [-0.79999995]]
`;

export type ScratchLanguage = 'typescript' | 'python';

/**
 * GradTape: New Scratch File. Asks Python or TypeScript (unless given), then opens an unsaved
 * `scratch-N.grad.ts` / `.grad.py` (an untitled document that already has its path, so it is a
 * scratch file at once and saving needs no dialog) holding the seed example.
 */
export async function newScratchFileCommand(language?: ScratchLanguage): Promise<vscode.TextEditor | undefined> {
  if (language !== 'typescript' && language !== 'python') {
    const pick = await vscode.window.showQuickPick(
      [
        { label: 'Python', description: '.grad.py: TensorFlow 2 Python as written', language: 'python' as const },
        { label: 'TypeScript', description: '.grad.ts: import * as tf from "gradtape"', language: 'typescript' as const },
      ],
      { title: 'GradTape: New Scratch File', placeHolder: 'Language of the scratch file' },
    );
    if (!pick) return undefined;
    language = pick.language;
  }
  const ext = language === 'python' ? 'py' : 'ts';
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const dir = folder?.scheme === 'file' ? folder.fsPath : os.tmpdir();
  const target = await freeName(dir, ext);
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(target).with({ scheme: 'untitled' }));
  const editor = await vscode.window.showTextDocument(doc);
  if (doc.getText() === '') await editor.edit((b) => b.insert(new vscode.Position(0, 0), ext === 'py' ? SEED_EXAMPLE_PY : SEED_EXAMPLE));
  return editor;
}

async function freeName(dir: string, ext: 'ts' | 'py'): Promise<string> {
  const open = new Set(vscode.workspace.textDocuments.map((d) => d.uri.fsPath));
  for (let n = 1; ; n++) {
    const candidate = path.join(dir, n === 1 ? `scratch.grad.${ext}` : `scratch-${n}.grad.${ext}`);
    if (open.has(candidate)) continue;
    try {
      await vscode.workspace.fs.stat(vscode.Uri.file(candidate));
    } catch {
      return candidate;
    }
  }
}
