import * as vscode from 'vscode';
import { SECTION } from '../config';

/** GradTape: Toggle Inline Values. Flips `gradtape.inlineValues` where it is set (workspace, else user). */
export async function toggleInlineValuesCommand(): Promise<boolean> {
  const config = vscode.workspace.getConfiguration(SECTION);
  const next = !config.get<boolean>('inlineValues', true);
  const where = config.inspect<boolean>('inlineValues')?.workspaceValue !== undefined ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await config.update('inlineValues', next, where);
  return next;
}
