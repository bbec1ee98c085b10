import * as vscode from 'vscode';
import type { RunTiming } from '../protocol/panel';
import type { Trace } from '../protocol/trace';

/** One finished (or failed) run of a scratch file, as the providers and the panel see it. */
export interface Run {
  /** The document the run was made from (its text may have been unsaved). */
  uri: vscode.Uri;
  /** Document version the run used: providers ignore stale positions when the text changed since. */
  version: number;
  trace: Trace;
  /** Wall-clock stamps (ms since the epoch) of a run from the command: when it began and when its trace arrived. */
  timing?: RunTiming;
}

/**
 * The single source of truth: the latest run per document (cf. vscode-hexeditor's registry).
 * Hovers, decorations, diagnostics, CodeLens and the panel only read from here.
 */
export class RunStore implements vscode.Disposable {
  private readonly runs = new Map<string, Run>();
  private readonly changed = new vscode.EventEmitter<Run | { uri: vscode.Uri; cleared: true }>();
  /** Fires after a run is stored or a document's run is cleared. */
  readonly onDidChangeRun = this.changed.event;

  get(uri: vscode.Uri): Run | undefined {
    return this.runs.get(uri.toString());
  }

  set(run: Run): void {
    this.runs.set(run.uri.toString(), run);
    this.changed.fire(run);
  }

  clear(uri: vscode.Uri): void {
    if (this.runs.delete(uri.toString())) this.changed.fire({ uri, cleared: true });
  }

  all(): Run[] {
    return [...this.runs.values()];
  }

  dispose(): void {
    this.changed.dispose();
    this.runs.clear();
  }
}
