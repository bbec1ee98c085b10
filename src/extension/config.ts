import * as vscode from 'vscode';
import { DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT_MS } from '../protocol/settings';

/** GradTape's settings, typed once; each field mirrors `contributes.configuration` in package.json. */
export interface ExtensionConfig {
  /** Run a `.grad.ts` file again each time it is saved; a new run cancels the one in flight. */
  readonly runOnSave: boolean;
  /** Faint values after line ends: the gradient at each `tape.gradient` line, the loss where it is computed. */
  readonly inlineValues: boolean;
  /** Marks in the gutter for recorded, unrecorded and error lines. */
  readonly gutterMarks: boolean;
  /** CodeLens above `new tf.GradientTape(` and `tape.record(`. */
  readonly codeLens: boolean;
  /** A run is stopped after this many milliseconds. */
  readonly timeoutMs: number;
  /** The worker's heap limit, in megabytes. */
  readonly memoryMb: number;
}

/** Setting ids, checked by the compiler against {@link ExtensionConfig} (Error Lens's trick). */
export type SettingId = `gradtape.${keyof ExtensionConfig}`;

export const SECTION = 'gradtape';

export function readConfig(scope?: vscode.ConfigurationScope): ExtensionConfig {
  const c = vscode.workspace.getConfiguration(SECTION, scope);
  return {
    runOnSave: c.get<boolean>('runOnSave', false),
    inlineValues: c.get<boolean>('inlineValues', true),
    gutterMarks: c.get<boolean>('gutterMarks', true),
    codeLens: c.get<boolean>('codeLens', true),
    timeoutMs: c.get<number>('timeoutMs', DEFAULT_TIMEOUT_MS),
    memoryMb: c.get<number>('memoryMb', DEFAULT_MEMORY_MB),
  };
}

export function affects(e: vscode.ConfigurationChangeEvent, id: SettingId): boolean {
  return e.affectsConfiguration(id);
}
