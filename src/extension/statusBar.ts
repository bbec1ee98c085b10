import * as vscode from 'vscode';
import type { Trace } from '../protocol/trace';
import { CommandId, isScratchFile } from './commands/commandIds';
import { Disposable } from './dispose';
import { clockTime } from './format/clock';

type State =
  | { kind: 'running' }
  | { kind: 'done'; trace: Trace; at: Date }
  | { kind: 'cancelled' };

/** One status-bar item for the active scratch file: running, or the last run's result and time. */
export class StatusBar extends Disposable {
  private readonly item = this._register(vscode.window.createStatusBarItem('gradtape.status', vscode.StatusBarAlignment.Left, 50));
  private readonly states = new Map<string, State>();

  constructor() {
    super();
    this.item.name = 'GradTape';
    this._register(vscode.window.onDidChangeActiveTextEditor(() => this.render()));
    this.render();
  }

  running(uri: vscode.Uri): void {
    this.set(uri, { kind: 'running' });
  }
  finished(uri: vscode.Uri, trace: Trace): void {
    this.set(uri, { kind: 'done', trace, at: new Date() });
  }
  cancelled(uri: vscode.Uri): void {
    this.set(uri, { kind: 'cancelled' });
  }

  /** The text shown now (for tests). */
  get text(): string {
    return this.item.text;
  }

  private set(uri: vscode.Uri, s: State): void {
    this.states.set(uri.toString(), s);
    this.render();
  }

  private render(): void {
    const uri = vscode.window.activeTextEditor?.document.uri;
    if (!uri || !isScratchFile(uri)) {
      this.item.hide();
      return;
    }
    const s = this.states.get(uri.toString());
    this.item.backgroundColor = undefined;
    if (!s) {
      this.item.text = '$(play) GradTape';
      this.item.tooltip = 'Compute Gradients for this file';
      this.item.command = CommandId.ComputeGradients;
    } else if (s.kind === 'running') {
      this.item.text = '$(sync~spin) GradTape: running';
      this.item.tooltip = 'Click to cancel the run';
      this.item.command = CommandId.CancelRun;
    } else if (s.kind === 'cancelled') {
      this.item.text = '$(circle-slash) GradTape: cancelled';
      this.item.tooltip = 'Compute Gradients again';
      this.item.command = CommandId.ComputeGradients;
    } else {
      const { trace, at } = s;
      const time = `${Math.round(trace.durationMs)} ms`;
      this.item.text = trace.ok ? `$(pass) GradTape ${time}` : `$(error) GradTape: ${trace.error?.kind === 'timeout' ? 'timed out' : (trace.error?.name ?? 'failed')}`;
      if (!trace.ok) this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
      this.item.tooltip = [
        `Last run at ${clockTime(at)}, ${time}`,
        `${trace.stats.recordedOps} ops recorded on ${trace.stats.tapes} tape(s), ${trace.stats.gradientCalls} gradient call(s)`,
        trace.error ? `${trace.error.name}: ${trace.error.message}` : '',
        'Click to compute gradients again',
      ].filter(Boolean).join('\n');
      this.item.command = CommandId.ComputeGradients;
    }
    this.item.show();
  }
}
