// Types for codeServer.mjs, so the TypeScript e2e harness (test/e2e) can use it under strict tsc.
import type { Browser } from 'playwright-core';

/** The repository root. */
export const root: string;

/** A failure the user can act on: printed as one line, never as a stack trace. */
export class HostError extends Error {}

export function isShuttingDown(): boolean;
export function onCleanup(sync: () => void, async?: () => Promise<void>): () => boolean;
export function makeTempDir(prefix: string): { dir: string; remove: () => void };
export function copyWorkspace(name: string): { dir: string; remove: () => void };
export function freePort(): Promise<number>;
export function portTaken(port: number): Promise<boolean>;

export interface WorkbenchUrlOptions {
  folder?: string;
  extensionDevelopmentPath?: string;
  extensionTestsPath?: string;
}
export function workbenchUrl(o: WorkbenchUrlOptions & { origin: string }): string;

export const quietSettings: Record<string, unknown>;
export const chromiumArgs: string[];

export interface StartOptions {
  port?: number;
  workspaceTrust?: boolean;
  installExtensions?: string[];
  settings?: Record<string, unknown>;
  log?: (line: string) => void;
}

export interface CodeServer {
  port: number;
  /** http://127.0.0.1:PORT */
  origin: string;
  runDir: string;
  pid: number;
  url(o?: WorkbenchUrlOptions): string;
  output(): string;
  stop(): Promise<void>;
}

export function startCodeServer(opts?: StartOptions): Promise<CodeServer>;
export function launchChromium(opts?: { headless?: boolean }): Promise<{ browser: Browser; close: () => Promise<void> }>;

export class HostSession {
  constructor(opts?: { log?: (line: string) => void });
  browser(): Promise<Browser>;
  /** Shared by every caller with the same options and tag. */
  server(opts?: { workspaceTrust?: boolean; installExtensions?: string[]; tag?: string }): Promise<CodeServer>;
  /** A server of its own (fresh user data); stop() it when done (close() stops it otherwise). */
  freshServer(opts?: { workspaceTrust?: boolean; installExtensions?: string[] }): Promise<CodeServer>;
  close(): Promise<void>;
}
