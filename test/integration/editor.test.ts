// The editor features through the vscode API, in a real extension host with the real runner:
// Compute Gradients, hovers, CodeLens, diagnostics, quick fixes, inline values, New Scratch File, run on save.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { RunOutcome } from '../../src/extension/runController';
import { api, EXTENSION_ID, until } from './helpers';

/** Copies a repo file (an example or a fixture) into the test workspace under a fresh name and opens it. */
async function openCopy(repoPath: string): Promise<vscode.TextEditor> {
  const root = vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath;
  const folder = vscode.workspace.workspaceFolders![0].uri.fsPath;
  const target = path.join(folder, `${Date.now().toString(36)}-${path.basename(repoPath)}`);
  fs.copyFileSync(path.join(root, repoPath), target);
  return vscode.window.showTextDocument(vscode.Uri.file(target));
}

async function compute(editor: vscode.TextEditor): Promise<RunOutcome> {
  const outcome = await vscode.commands.executeCommand<RunOutcome>('gradtape.computeGradients', editor.document.uri);
  assert.ok(outcome?.run, `the run was not stored: ${JSON.stringify(outcome?.skipped)}`);
  return outcome;
}

async function hoverText(uri: vscode.Uri, line: number, word: string, nth = 0): Promise<string> {
  const doc = await vscode.workspace.openTextDocument(uri);
  const text = doc.lineAt(line).text;
  let col = -1;
  for (let i = 0; i <= nth; i++) col = text.indexOf(word, col + 1);
  assert.ok(col >= 0, `${word} not on line ${line + 1}: ${text}`);
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(line, col + 1));
  return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n---\n');
}

function diagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'gradtape');
}

describe('editor: Compute Gradients and what it shows', function () {
  this.timeout(60_000);

  before(async function () {
    // The runner is a separate bundle loaded on the first run; a cold first run can take a few seconds.
    this.timeout(120_000);
    await api();
  });

  // Leave the window as we found it for the suites after this one: no editors, no panels, no extra groups.
  afterEach(async () => {
    await vscode.workspace.saveAll(false); // temp copies only; untitled documents are reverted by their test
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('runs the active file, stores its trace and shows the last run in the status bar', async () => {
    const editor = await openCopy('examples/01-squared-difference.grad.ts');
    const outcome = await compute(editor);
    assert.strictEqual(outcome.run!.trace.ok, true, JSON.stringify(outcome.run!.trace.error));
    assert.strictEqual(outcome.run!.version, editor.document.version);
    const { store, statusBar } = await api();
    assert.strictEqual(store.get(editor.document.uri), outcome.run);
    // Run from the palette, the outcome goes to the workbench as JSON: without the trace (8.7 MB for a 10,000-op tape).
    assert.deepStrictEqual(JSON.parse(JSON.stringify(outcome)), { run: { uri: JSON.parse(JSON.stringify(editor.document.uri)), version: editor.document.version, ok: true }, readyMs: outcome.readyMs });
    assert.match(statusBar.text, /^\$\(pass\) GradTape \d+ ms$/);
  });

  it('runs the unsaved text of the editor, not the file on disk', async () => {
    const editor = await openCopy('examples/01-squared-difference.grad.ts');
    await editor.edit((b) => b.replace(new vscode.Range(5, 0, 5, editor.document.lineAt(5).text.length), 'const weights = tf.variable([[0.5], [0.5]]);'));
    assert.ok(editor.document.isDirty);
    const outcome = await compute(editor);
    const g = outcome.run!.trace.gradients[0];
    // y - x·w = 0.75 - 1.5 = -0.75, so ∂loss/∂w = -2(-0.75)·x = [[1.5], [3]]
    assert.deepStrictEqual(g.sources[0].gradient?.values, [1.5, 3]);
  });

  it('hovering weights shows its value and ∂loss/∂weights from the trace', async () => {
    const editor = await openCopy('examples/01-squared-difference.grad.ts');
    await compute(editor);
    const md = await hoverText(editor.document.uri, 10, 'weights');
    assert.ok(md.includes('weights = [[0.25], [0.15]]'), md);
    assert.ok(md.includes('∂loss/∂weights = [[-0.39999998], [-0.79999995]]'), md);
    assert.ok(md.includes('command:gradtape.showInGraph') || md.includes('**weights** · Variable'), md);
  });

  it('a name with two gradient calls (a persistent tape asked twice) labels each derivative with its line', async () => {
    const editor = await openCopy('examples/02-watch-persistent.grad.ts');
    await compute(editor);
    const md = await hoverText(editor.document.uri, 12, 'output');
    assert.match(md, /∂loss\/∂output \(line 17\) = \[\[-0\.\d+\]\]/);
    assert.match(md, /∂loss\/∂output \(line 18\) = \[\[-0\.\d+\]\]/);
  });

  it('hovering tape.gradient shows the results; hovering matmul shows the op with a Show in graph link', async () => {
    const editor = await openCopy('examples/01-squared-difference.grad.ts');
    await compute(editor);
    const g = await hoverText(editor.document.uri, 15, 'gradient', 0);
    assert.ok(g.includes('**tape.gradient**'), g);
    assert.ok(g.includes('∂loss/∂weights = [[-0.39999998], [-0.79999995]]'), g);
    const op = await hoverText(editor.document.uri, 10, 'matmul');
    assert.match(op, /MatMul/);
    const link = /\(command:gradtape\.showInGraph\?([^)]+)\)/.exec(op);
    assert.ok(link, op);
    const args = JSON.parse(decodeURIComponent(link[1])) as { uri: string; nodeId: number };
    assert.strictEqual(args.uri, editor.document.uri.toString());
    assert.ok(Number.isInteger(args.nodeId));
  });

  it('in the training loop, a hover shows the last step and "step 2 of 0–2"', async () => {
    const editor = await openCopy('examples/03-training-loop.grad.ts');
    const outcome = await compute(editor);
    const md = await hoverText(editor.document.uri, 12, 'weights');
    assert.ok(md.includes('step 2 of 0–2'), md);
    const last = outcome.run!.trace.gradients.at(-1)!;
    assert.strictEqual(last.step, 2);
    assert.match(md, /∂loss\/∂weights = \[\[-?\d/);
  });

  it('puts one CodeLens per tape, over new tf.GradientTape', async () => {
    const editor = await openCopy('examples/01-squared-difference.grad.ts');
    const outcome = await compute(editor);
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', editor.document.uri);
    const ours = lenses.filter((l) => l.command?.title.includes('recorded'));
    const n = outcome.run!.trace.tapes[0].nodeCount;
    assert.deepStrictEqual(ours.map((l) => [l.range.start.line, l.command!.title]), [
      [8, `${n} ops recorded · ∂loss/∂weights · Show graph`],
    ]);
    assert.strictEqual(ours[0].command!.command, 'gradtape.showInGraph');
  });

  it('warns about an unwatched constant and fixes it with tape.watch inside the record block', async () => {
    const editor = await openCopy('test/fixtures/editor-unwatched.grad.ts');
    const outcome = await compute(editor);
    const uri = editor.document.uri;
    const warning = diagnostics(uri).find((d) => d.code === 'unwatchedSource');
    assert.ok(warning, JSON.stringify(diagnostics(uri)));
    assert.strictEqual(warning.severity, vscode.DiagnosticSeverity.Warning);
    // At the runner's position (where the constant was made), underlining the whole call there.
    const traced = outcome.run!.trace.diagnostics.find((d) => d.code === 'unwatchedSource')!;
    assert.strictEqual(warning.range.start.line, traced.pos.line - 1);
    assert.match(editor.document.getText(warning.range), /^[\w.]+\(.*\)$/);
    assert.ok(warning.relatedInformation?.some((r) => r.message.includes('tape')), 'related: where the tape was created');
    const hover = await hoverText(uri, 13, 'gradient', 1);
    assert.ok(hover.includes('∂loss/∂weights = null'), hover);
    assert.match(hover, /is null: .*\[line \d+\]\(/);

    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, warning.range);
    const titles = actions.map((a) => a.title);
    const watch = actions.find((a) => a.title.startsWith('Watch weights'));
    assert.ok(watch, titles.join(' | '));
    assert.ok(titles.some((t) => t.startsWith('Make weights a tf.variable')), titles.join(' | '));
    assert.ok(await vscode.workspace.applyEdit(watch.edit!));
    assert.strictEqual(editor.document.lineAt(9).text, '  tape.watch(weights);');
    // The file changed: its diagnostics are gone until the next run, which finds nothing to warn about.
    assert.deepStrictEqual(diagnostics(uri), []);
    const rerun = await compute(editor);
    assert.ok(rerun.run!.trace.gradients[0].sources[0].gradient, 'the gradient is no longer null');
    assert.strictEqual(diagnostics(uri).find((d) => d.code === 'unwatchedSource'), undefined);
  });

  it('offers tf.variable for the unwatched constant', async () => {
    const editor = await openCopy('test/fixtures/editor-unwatched.grad.ts');
    await compute(editor);
    const warning = await until('the warning', () => diagnostics(editor.document.uri).find((d) => d.code === 'unwatchedSource'));
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', editor.document.uri, warning.range);
    const toVariable = actions.find((a) => a.title.startsWith('Make weights a tf.variable'))!;
    assert.ok(await vscode.workspace.applyEdit(toVariable.edit!));
    assert.strictEqual(editor.document.lineAt(4).text, 'const weights = tf.variable([[0.25], [0.15]]);');
  });

  it('a second gradient on a non-persistent tape: error at the call, quick fix { persistent: true }', async () => {
    const editor = await openCopy('test/fixtures/editor-reuse.grad.ts');
    const outcome = await compute(editor);
    assert.strictEqual(outcome.run!.trace.ok, false);
    const uri = editor.document.uri;
    const reuse = diagnostics(uri).find((d) => d.code === 'nonPersistentReuse');
    assert.ok(reuse, JSON.stringify(diagnostics(uri).map((d) => [d.code, d.message, d.range.start.line])));
    assert.strictEqual(reuse.range.start.line, 8);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, reuse.range);
    const fix = actions.find((a) => a.title.startsWith('Make the tape persistent'));
    assert.ok(fix, actions.map((a) => a.title).join(' | '));
    assert.ok(await vscode.workspace.applyEdit(fix.edit!));
    assert.strictEqual(editor.document.lineAt(4).text, 'const tape = new tf.GradientTape({ persistent: true });');
    const rerun = await compute(editor);
    assert.strictEqual(rerun.run!.trace.ok, true, JSON.stringify(rerun.run!.trace.error));
  });

  it('an exception is an error diagnostic at its line and column', async () => {
    const editor = await openCopy('test/fixtures/editor-shape-error.grad.ts');
    const outcome = await compute(editor);
    assert.strictEqual(outcome.run!.trace.ok, false);
    const err = diagnostics(editor.document.uri).find((d) => d.severity === vscode.DiagnosticSeverity.Error);
    assert.ok(err, 'no error diagnostic');
    assert.strictEqual(err.code, 'error');
    assert.strictEqual(err.range.start.line, 5);
    assert.match(err.message, /InvalidArgumentError: Matrix size-incompatible/);
    assert.match(editor.document.getText(err.range), /matmul\(a, b\)$/);
  });

  it('New Scratch File opens an unsaved .grad.ts with the seed example that runs', async () => {
    const editor = await vscode.commands.executeCommand<vscode.TextEditor>('gradtape.newScratchFile', 'typescript');
    assert.strictEqual(editor.document.uri.scheme, 'untitled');
    assert.ok(editor.document.uri.path.endsWith('.grad.ts'), editor.document.uri.toString());
    assert.match(editor.document.getText(), /import \* as tf from "gradtape";[\s\S]*tape\.gradient\(loss, weights\)/);
    const outcome = await compute(editor);
    assert.deepStrictEqual(outcome.run!.trace.gradients[0].sources[0].gradient?.values?.map((v) => Number(v).toFixed(6)), ['-0.400000', '-0.800000']);
    // Hovers work in the unsaved file too.
    const line = editor.document.getText().split('\n').findIndex((l) => l.includes('tape.gradient(loss, weights)'));
    const md = await hoverText(editor.document.uri, line, 'weights');
    assert.ok(md.includes('∂loss/∂weights = [[-0.39999998], [-0.79999995]]'), md);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('Toggle Inline Values flips the setting', async () => {
    const config = () => vscode.workspace.getConfiguration('gradtape');
    const before = config().get<boolean>('inlineValues');
    assert.strictEqual(await vscode.commands.executeCommand('gradtape.toggleInlineValues'), !before);
    assert.strictEqual(config().get<boolean>('inlineValues'), !before);
    await vscode.commands.executeCommand('gradtape.toggleInlineValues');
    assert.strictEqual(config().get<boolean>('inlineValues'), before);
  });

  it('with runOnSave, saving runs the file again', async () => {
    const editor = await openCopy('examples/01-squared-difference.grad.ts');
    const { store } = await api();
    await vscode.workspace.getConfiguration('gradtape').update('runOnSave', true, vscode.ConfigurationTarget.Global);
    try {
      await editor.edit((b) => b.insert(new vscode.Position(editor.document.lineCount, 0), '\nconsole.log("saved");\n'));
      await editor.document.save();
      const run = await until('a run after saving', () => {
        const r = store.get(editor.document.uri);
        return r && r.version === editor.document.version && r;
      }, 30_000);
      assert.ok(run.trace.console.some((l) => l.text === 'saved'), JSON.stringify(run.trace.console));
    } finally {
      await vscode.workspace.getConfiguration('gradtape').update('runOnSave', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('a new run replaces the one in flight; Cancel Run stops a run and the status bar says so', async () => {
    const editor = await openCopy('test/fixtures/editor-slow.grad.ts');
    const { statusBar } = await api();
    const first = vscode.commands.executeCommand<RunOutcome>('gradtape.computeGradients', editor.document.uri);
    await until('the status bar to show the run', () => /running/.test(statusBar.text));
    const second = vscode.commands.executeCommand<RunOutcome>('gradtape.computeGradients', editor.document.uri);
    assert.strictEqual((await first)?.skipped, 'superseded');
    await until('the second run to start', () => /running/.test(statusBar.text));
    await vscode.commands.executeCommand('gradtape.cancelRun');
    const outcome = await second;
    assert.strictEqual(outcome?.skipped, 'cancelled');
    assert.match(statusBar.text, /cancelled/);
    assert.strictEqual((await api()).store.get(editor.document.uri), undefined, 'nothing stored for a cancelled run');
  });

  it('in a trusted workspace the command runs (the untrusted refusal is covered end to end)', async () => {
    assert.strictEqual(vscode.workspace.isTrusted, true);
    const editor = await openCopy('examples/01-squared-difference.grad.ts');
    const outcome = await vscode.commands.executeCommand<RunOutcome>('gradtape.computeGradients', editor.document.uri);
    assert.strictEqual(outcome?.skipped, undefined);
  });
});
