import * as vscode from 'vscode';
import type { DiagnosticCode, Trace, TraceDiagnostic } from '../../protocol/trace';
import { constantToVariableEdit, insertWatchEdit, persistentEdit, type TextEdit0 } from '../format/sourceEdits';
import type { RunStore } from '../runStore';
import { DIAGNOSTIC_SOURCE } from './runDiagnostics';
import { SCRATCH_SELECTOR } from './selector';

/** Quick fixes for tape misuse, keyed on the trace's diagnostic codes. */
export class QuickFixProvider implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };

  static register(store: RunStore): vscode.Disposable {
    return vscode.languages.registerCodeActionsProvider(SCRATCH_SELECTOR, new QuickFixProvider(store), QuickFixProvider.metadata);
  }

  constructor(private readonly store: RunStore) {}

  provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const run = this.store.get(doc.uri);
    if (!run) return [];
    const actions: vscode.CodeAction[] = [];
    for (const diag of context.diagnostics) {
      if (diag.source !== DIAGNOSTIC_SOURCE) continue;
      const found = findTraceDiagnostic(run.trace, diag);
      if (found) actions.push(...fixesFor(doc, run.trace, found, diag));
    }
    return actions;
  }
}

/** The trace entry behind a VS Code diagnostic: same code, same line. */
function findTraceDiagnostic(trace: Trace, diag: vscode.Diagnostic): TraceDiagnostic | undefined {
  const code = (typeof diag.code === 'object' ? diag.code.value : diag.code) as DiagnosticCode | undefined;
  return trace.diagnostics.find((d) => d.code === code && d.pos.line === diag.range.start.line + 1);
}

function fixesFor(doc: vscode.TextDocument, trace: Trace, d: TraceDiagnostic, diag: vscode.Diagnostic): vscode.CodeAction[] {
  const text = doc.getText();
  const tape = d.data?.tapeId !== undefined ? trace.tapes.find((t) => t.id === d.data!.tapeId) : undefined;
  const tapeLine = tape?.pos && !tape.pos.file ? tape.pos.line - 1 : findTapeLineAbove(doc, diag.range.start.line);
  const action = (title: string, edits: TextEdit0[] | undefined, preferred = false): vscode.CodeAction | undefined => {
    if (!edits) return undefined;
    const a = new vscode.CodeAction(title, vscode.CodeActionKind.QuickFix);
    a.diagnostics = [diag];
    a.isPreferred = preferred;
    a.edit = new vscode.WorkspaceEdit();
    for (const e of edits) a.edit.replace(doc.uri, new vscode.Range(e.range.start.line, e.range.start.character, e.range.end.line, e.range.end.character), e.newText);
    return a;
  };
  switch (d.code) {
    case 'unwatchedSource': {
      const source = d.data?.name ?? trace.gradients.flatMap((g) => g.sources).find((s) => s.tensorId === d.data?.tensorId)?.name;
      if (!source) return [];
      const tapeName = tape?.name ?? receiverAt(doc, diag.range.start.line) ?? 'tape';
      return [
        action(`Watch ${source} inside ${tapeName}.record: ${tapeName}.watch(${source})`, insertWatchEdit(text, tapeName, source, tapeLine ?? 0), true),
        action(`Make ${source} a tf.variable (tapes watch variables automatically)`, constantToVariableEdit(text, source)),
      ].filter((a): a is vscode.CodeAction => !!a);
    }
    case 'nonPersistentReuse': {
      if (tapeLine === undefined) return [];
      const a = action('Make the tape persistent: { persistent: true }', persistentEdit(text, tapeLine), true);
      return a ? [a] : [];
    }
    default:
      return [];
  }
}

/** The variable a `x.gradient(` call on this line is made on. */
function receiverAt(doc: vscode.TextDocument, line: number): string | undefined {
  return /([\w$]+)\.(?:gradient|jacobian|batchJacobian)\s*\(/.exec(doc.lineAt(line).text)?.[1];
}

function findTapeLineAbove(doc: vscode.TextDocument, line: number): number | undefined {
  for (let l = line; l >= 0; l--) if (/\bnew\s+(?:[\w$]+\.)*GradientTape\s*\(/.test(doc.lineAt(l).text)) return l;
  return undefined;
}
