// Bad input in the editor: a sample of the corpus (test/corpus/cases.ts, `editor: true`) run with
// Compute Gradients in the real extension host, the editor answering a hover while a runaway run is
// being stopped, and commands that take a URI from outside refusing what is not a scratch file.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { RunOutcome } from '../../src/extension/runController';
import { CASES, DEFAULT_MS, type CorpusCase } from '../corpus/cases';
import { api, until } from './helpers';

/** Writes `text` into the test workspace under a fresh name and opens it. */
async function openNew(name: string, text: string | Uint8Array): Promise<vscode.TextEditor> {
  const folder = vscode.workspace.workspaceFolders![0].uri.fsPath;
  const file = path.join(folder, `${Date.now().toString(36)}-${name}`);
  fs.writeFileSync(file, text);
  return vscode.window.showTextDocument(vscode.Uri.file(file));
}

function compute(uri: vscode.Uri): Thenable<RunOutcome | undefined> {
  return vscode.commands.executeCommand<RunOutcome>('gradtape.computeGradients', uri);
}

/** The run limits a case's CLI options ask for, as the extension's settings. */
async function useLimits(c: CorpusCase | undefined): Promise<void> {
  const args = c?.args ?? [];
  const opt = (name: string): number | undefined => {
    const i = args.indexOf(name);
    return i >= 0 ? Number(args[i + 1]) : undefined;
  };
  const config = vscode.workspace.getConfiguration('gradtape');
  const timeout = opt('--timeout');
  const memory = opt('--memory');
  await config.update('timeoutMs', timeout === undefined ? undefined : timeout * 1000, vscode.ConfigurationTarget.Workspace);
  await config.update('memoryMb', memory, vscode.ConfigurationTarget.Workspace);
}

async function hoverText(uri: vscode.Uri, line: number, word: string): Promise<string> {
  const doc = await vscode.workspace.openTextDocument(uri);
  const col = doc.lineAt(line).text.indexOf(word);
  assert.ok(col >= 0, `${word} not on line ${line + 1}`);
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(line, col + 1));
  return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n---\n');
}

describe('hardening: bad input in the editor', function () {
  this.timeout(120_000);

  before(async function () {
    await api();
  });

  afterEach(async () => {
    await useLimits(undefined);
    await vscode.workspace.saveAll(false);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  const sample = CASES.filter((c) => c.editor);
  it('has a sample of the corpus', () => assert.ok(sample.length >= 5, `${sample.length}`));

  for (const c of sample) {
    it(`${c.name}: ${c.exit === 0 ? 'runs' : 'fails'} as through the CLI${c.line ? `, at line ${c.line}` : ''}`, async () => {
      await useLimits(c);
      const editor = await openNew(`${c.name}.grad.ts`, c.source!);
      const t0 = Date.now();
      const outcome = await compute(editor.document.uri);
      const ms = Date.now() - t0;
      const trace = outcome?.run?.trace;
      assert.ok(trace, `no run stored: ${JSON.stringify(outcome?.skipped)}`);
      if (c.exit === 0) assert.strictEqual(trace.ok, true, JSON.stringify(trace.error));
      else {
        assert.ok(trace.error, 'the run should have failed');
        assert.match(`${trace.error.name}: ${trace.error.message}`, c.message);
        if (c.line) assert.strictEqual(trace.error.pos?.line, c.line, JSON.stringify(trace.error));
      }
      assert.ok(ms <= (c.maxMs ?? DEFAULT_MS), `took ${ms} ms`);
    });
  }

  it('a hover answers at once while a runaway run is being stopped, and the run is stopped at its limit', async () => {
    // A finished run to hover over.
    const done = await openNew('hover.grad.ts', 'import * as tf from "gradtape";\nconst weights = tf.variable([[0.25], [0.15]]);\nconst tape = new tf.GradientTape();\nconst loss = tape.record(() => tf.reduceSum(tf.square(weights)));\ntape.gradient(loss, weights);\n');
    const first = await compute(done.document.uri);
    assert.ok(first?.run?.trace.ok, JSON.stringify(first?.run?.trace.error));
    // Once before the runaway starts: the first hover of a run also indexes its trace.
    assert.ok((await hoverText(done.document.uri, 1, 'weights')).includes('weights = [[0.25], [0.15]]'));

    await vscode.workspace.getConfiguration('gradtape').update('timeoutMs', 4000, vscode.ConfigurationTarget.Workspace);
    const runaway = await openNew('runaway.grad.ts', 'import { execSync } from "node:child_process";\nconsole.log(String(process.pid));\nlet i = 0;\nwhile (i < 3e9) i++;\nexecSync("sleep 45");\n');
    const t0 = Date.now();
    const running = compute(runaway.document.uri);
    const { statusBar } = await api();
    await until('the run to be under way', () => /GradTape: running/.test(statusBar.text));

    // While the worker spins (then sleeps in a native call), the extension host answers hovers.
    const latencies: number[] = [];
    while (Date.now() - t0 < 3000) {
      const h0 = Date.now();
      const md = await hoverText(done.document.uri, 1, 'weights');
      latencies.push(Date.now() - h0);
      assert.ok(md.includes('weights = [[0.25], [0.15]]'), md);
    }
    assert.ok(Math.max(...latencies) < 2500, `hover latencies ${latencies.join(', ')} ms`);

    const outcome = await running;
    const ms = Date.now() - t0;
    const error = outcome?.run?.trace.error;
    assert.strictEqual(error?.kind, 'timeout', JSON.stringify(error));
    // Reported at its 4 s limit, not when the native call returns 45 s later.
    assert.ok(ms < 20_000, `the run was reported after ${ms} ms`);
    // The run had a process of its own, and nothing of it is left in the extension host or beside it.
    const pid = Number(outcome?.run?.trace.console[0]?.text);
    assert.ok(pid > 0 && pid !== process.pid, `the run's pid ${pid}, the host's ${process.pid}`);
    await until(`the run's process ${pid} to be gone`, () => {
      try {
        process.kill(pid, 0);
        return false;
      } catch (e) {
        return (e as NodeJS.ErrnoException).code === 'ESRCH';
      }
    });
  });

  it('gradtape.showInGraph opens no panel for a document that is not a scratch file', async () => {
    const webviewTabs = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview).length;
    const before = webviewTabs();
    const folder = vscode.workspace.workspaceFolders![0].uri;
    for (const uri of [vscode.Uri.joinPath(folder, 'notes.ts').toString(), 'file:///etc/passwd', 'https://example.com/x.grad.ts']) {
      await vscode.commands.executeCommand('gradtape.showInGraph', { uri, nodeId: 1 });
    }
    assert.strictEqual(webviewTabs(), before);
    // A scratch file does get its panel (the refusal above is not a broken command).
    const editor = await openNew('panel.grad.ts', 'import * as tf from "gradtape";\ntf.constant(1);\n');
    await vscode.commands.executeCommand('gradtape.showInGraph', { uri: editor.document.uri.toString(), nodeId: 1 });
    await until('the panel to open', () => webviewTabs() > before);
  });
});
