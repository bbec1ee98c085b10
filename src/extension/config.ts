import * as vscode from 'vscode';
import { clampSetting, SETTING_RANGES } from '../protocol/settings';

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
  /** A run is stopped after this many milliseconds (rounded and clamped to package.json's range). */
  readonly timeoutMs: number;
  /** The worker's heap limit, in megabytes (rounded and clamped to package.json's range). */
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
    // settings.json is not checked against package.json's minimum/maximum: a hand-written 0.4 or 3e9 arrives as is.
    // Rounded and clamped to the declared range; the defaults are package.json's (src/protocol/settings.ts).
    timeoutMs: clampSetting(c.get<unknown>('timeoutMs'), SETTING_RANGES.timeoutMs),
    memoryMb: clampSetting(c.get<unknown>('memoryMb'), SETTING_RANGES.memoryMb),
  };
}

export function affects(e: vscode.ConfigurationChangeEvent, id: SettingId): boolean {
  return e.affectsConfiguration(id);
}
