// Shared by the integration tests: the extension's API and waiting for a condition.
import * as vscode from 'vscode';
import type { GradTapeApi } from '../../src/extension/extension';

export const EXTENSION_ID = 'gradtape.gradtape';

export async function api(): Promise<GradTapeApi> {
  const ext = vscode.extensions.getExtension<GradTapeApi>(EXTENSION_ID)!;
  return ext.isActive ? ext.exports : ext.activate();
}

/** Polls `probe` every 50 ms until it gives a truthy value; fails after `timeoutMs`. */
export async function until<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
