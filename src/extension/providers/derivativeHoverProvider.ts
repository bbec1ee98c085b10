import * as vscode from 'vscode';
import { ExternalCommandId } from '../commands/commandIds';
import { formatHover, resolveHover } from '../format/hover';
import { TraceIndex } from '../format/traceIndex';
import type { RunStore } from '../runStore';
import { SCRATCH_SELECTOR } from './selector';

/** Hovers over names and calls the last run recorded: value, every derivative through it, "Show in graph". */
export class DerivativeHoverProvider implements vscode.HoverProvider {
  static register(store: RunStore): vscode.Disposable {
    return vscode.languages.registerHoverProvider(SCRATCH_SELECTOR, new DerivativeHoverProvider(store));
  }

  constructor(private readonly store: RunStore) {}

  provideHover(doc: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const run = this.store.get(doc.uri);
    if (!run) return undefined;
    const range = doc.getWordRangeAtPosition(position);
    if (!range) return undefined;
    const index = TraceIndex.of(run.trace);
    const subject = resolveHover(index, {
      line: range.start.line + 1,
      startColumn: range.start.character + 1,
      endColumn: range.end.character + 1,
      word: doc.getText(range),
    });
    if (!subject) return undefined;
    let text = formatHover(index, subject, { docUri: doc.uri.toString() });
    if (doc.version !== run.version) text += '\n\n*From the last run; the file changed since.*';
    // Trust only the panel's reveal command: the rest of the text comes from user code.
    const md = new vscode.MarkdownString(text);
    md.isTrusted = { enabledCommands: [ExternalCommandId.ShowInGraph] };
    return new vscode.Hover(md, range);
  }
}
