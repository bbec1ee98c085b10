// The panel's commands in a real extension host: one panel that follows the active scratch file, opened
// beside the editor, pins that keep a panel on its file, and a malformed showInGraph argument refused
// without opening anything.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { revealInEditor } from '../../src/extension/panel/panelSession';

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

/** The open GradTape panels' tab titles (tabGroups updates a moment after a webview opens). */
function panelTabs(): string[] {
  return vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('gradtape.panel'))
    .map((t) => t.label);
}

describe('panel commands', () => {
  let doc: vscode.TextDocument;

  before(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)!.activate();
    const [file] = await vscode.workspace.findFiles('**/*.grad.ts');
    doc = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(doc);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('registers gradtape.showPanel and gradtape.showInGraph', async () => {
    const commands = await vscode.commands.getCommands(true);
    for (const id of ['gradtape.showPanel', 'gradtape.showInGraph']) assert.ok(commands.includes(id), `${id} is not registered`);
  });

  it('opens one panel, beside the editor, however often it is asked', async () => {
    const title = `Gradients: ${doc.uri.path.split('/').pop()}`;
    await vscode.commands.executeCommand('gradtape.showPanel', doc.uri);
    await until('the panel tab', () => panelTabs().includes(title));
    await vscode.commands.executeCommand('gradtape.showPanel', doc.uri);
    await vscode.commands.executeCommand('gradtape.showInGraph', { uri: doc.uri.toString(), nodeId: 1 });
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(panelTabs().filter((t) => t === title), [title]);
    const group = vscode.window.tabGroups.all.find((g) => g.tabs.some((t) => t.label === title))!;
    const editorGroup = vscode.window.tabGroups.all.find((g) => g.tabs.some((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === doc.uri.toString()))!;
    assert.notEqual(group.viewColumn, editorGroup.viewColumn, 'the panel opens beside the editor, not over it');
  });

  it('reveals a node\'s line in the editor that shows the file, never in the panel\'s own group', async () => {
    const title = `Gradients: ${doc.uri.path.split('/').pop()}`;
    await vscode.window.showTextDocument(doc, vscode.ViewColumn.One);
    await vscode.commands.executeCommand('gradtape.showPanel', doc.uri);
    await until('the panel tab', () => panelTabs().includes(title));
    const panelGroup = () => vscode.window.tabGroups.all.find((g) => g.tabs.some((t) => t.label === title))!;
    // The person clicked in the panel: its group is the active one.
    await vscode.commands.executeCommand('workbench.action.focusSecondEditorGroup');
    const lines = Math.min(doc.lineCount, 3);
    const editor = await revealInEditor(doc.uri, { line: lines, column: 2 }, panelGroup().viewColumn);
    assert.deepEqual(panelGroup().tabs.map((t) => t.label), [title], 'the panel\'s group holds only the panel');
    assert.notEqual(editor.viewColumn, panelGroup().viewColumn);
    assert.equal(editor.viewColumn, vscode.ViewColumn.One, 'the editor that already showed the file');
    assert.equal(editor.selection.active.line, lines - 1);
    assert.equal(editor.selection.active.character, 1);
    assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), doc.uri.toString());

    // The file shown nowhere (its editor closed): it opens outside the panel's group all the same.
    await vscode.window.showTextDocument(doc, vscode.ViewColumn.One);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    await until('the file closed', () => !vscode.window.visibleTextEditors.some((e) => e.document.uri.toString() === doc.uri.toString()) || undefined);
    const again = await revealInEditor(doc.uri, { line: 1, column: 1 }, panelGroup().viewColumn);
    assert.deepEqual(panelGroup().tabs.map((t) => t.label), [title]);
    assert.notEqual(again.viewColumn, panelGroup().viewColumn);
  });

  it('one panel follows the active scratch file; a pinned panel keeps its file', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await until('no panels', () => panelTabs().length === 0 || undefined);
    const files = (await vscode.workspace.findFiles('**/*.grad.ts')).sort((x, y) => x.path.localeCompare(y.path));
    const [a, b] = [files[0], files.find((f) => f.path.split('/').pop() !== files[0].path.split('/').pop())!];
    const name = (u: vscode.Uri) => u.path.split('/').pop()!;
    const tabsAre = (what: string, expected: string[]) =>
      until(what, () => JSON.stringify(panelTabs().sort()) === JSON.stringify([...expected].sort()) || undefined).catch((e: Error) => {
        throw new Error(`${e.message}; tabs: ${JSON.stringify(panelTabs())}`);
      });

    await vscode.window.showTextDocument(a, { viewColumn: vscode.ViewColumn.One });
    await vscode.commands.executeCommand('gradtape.showPanel', a);
    await tabsAre('the panel for a', [`Gradients: ${name(a)}`]);
    // Switching files moves the same panel along: still one tab.
    await vscode.window.showTextDocument(b, { viewColumn: vscode.ViewColumn.One });
    await tabsAre('the panel following b', [`Gradients: ${name(b)}`]);
    await vscode.commands.executeCommand('gradtape.showPanel', b);
    await tabsAre('still one panel', [`Gradients: ${name(b)}`]);

    // Pinned, it stays on b; the next file asked for gets a new following panel.
    await vscode.commands.executeCommand('gradtape.togglePanelPin', b);
    await tabsAre('b pinned', [`Gradients: ${name(b)} (pinned)`]);
    await vscode.window.showTextDocument(a, { viewColumn: vscode.ViewColumn.One });
    await vscode.commands.executeCommand('gradtape.showPanel', a);
    await tabsAre('a following, b pinned', [`Gradients: ${name(a)}`, `Gradients: ${name(b)} (pinned)`]);
    // b is shown in its pinned panel: the following panel stays on a, and no third tab opens.
    await vscode.window.showTextDocument(b, { viewColumn: vscode.ViewColumn.One });
    await vscode.commands.executeCommand('gradtape.showInGraph', { uri: b.toString(), nodeId: 1 });
    // Done when b's pinned panel is the one shown (it was behind a's); then no third tab may have opened.
    await until("b's pinned panel shown", () => vscode.window.tabGroups.all.some((g) => g.activeTab?.label === `Gradients: ${name(b)} (pinned)`) || undefined);
    await tabsAre('still a following, b pinned', [`Gradients: ${name(a)}`, `Gradients: ${name(b)} (pinned)`]);

    // Unpinned, b's panel follows again and replaces the other.
    await vscode.commands.executeCommand('gradtape.togglePanelPin', b.toString());
    await tabsAre('b following alone', [`Gradients: ${name(b)}`]);
  });

  it('refuses a malformed showInGraph argument without opening a panel', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await until('no panels', () => panelTabs().length === 0 || undefined);
    for (const bad of [undefined, 42, { uri: 7, nodeId: 1 }, { uri: doc.uri.toString(), nodeId: 'x' }, { uri: doc.uri.toString(), nodeId: 1.5 }]) {
      await vscode.commands.executeCommand('gradtape.showInGraph', bad);
    }
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(panelTabs(), []);
  });
});
