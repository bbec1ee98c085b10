// The end-to-end harness's API: what an e2e test module exports, and the helpers each test receives.
// A test drives the workbench the way a person does (keyboard, palette, mouse), against code-server in
// Debian's Chromium. Add a file test/e2e/<area>.e2e.ts exporting `tests: E2ETest[]`; runner.ts finds it.
import fs from 'node:fs';
import path from 'node:path';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { loadFactor, scaled } from '../loadScaledTimeouts';

/**
 * How the workspace is trusted:
 * - 'trusted' (default): trust is on in the server and the test starts after trusting the folder in the UI;
 * - 'untrusted': trust is on and the folder stays in Restricted Mode;
 * - 'disabled': the server runs with --disable-workspace-trust (everything is trusted).
 */
export type TrustMode = 'trusted' | 'untrusted' | 'disabled';

export interface E2ETest {
  name: string;
  /** 'source' (default): loaded from this checkout via the payload; 'vsix': the packaged .vsix installed with --install-extension. */
  extension?: 'source' | 'vsix';
  trust?: TrustMode;
  /** A folder under test/workspaces/, copied to a temp folder for the test. Default 'basic'. */
  workspace?: string;
  /** Default 120 s. */
  timeoutMs?: number;
  /** No server and no navigation: the test gets a blank page and starts what it needs (e.g. npm start). */
  standalone?: boolean;
  run(t: E2E): Promise<void>;
}

export interface E2EOptions {
  page: Page;
  /** The temp copy of the workspace the workbench has open. */
  workspaceDir: string;
  /** Folder for this test's screenshots. */
  artifactsDir: string;
  /** Extension-host and workbench console lines (window.codeAutomationLog), newest last. */
  logs: string[];
  /** The installed .vsix, for tests with extension: 'vsix'. */
  vsix?: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls probe() until it returns a truthy value; throws `what` after timeoutMs. */
export async function until<T>(what: string, probe: () => Promise<T | undefined | null | false> | T | undefined | null | false, timeoutMs = 15_000, everyMs = 200): Promise<T> {
  // A safety net, not a measure: it grows with the load as mocha's limits do (test/loadScaledTimeouts.ts).
  timeoutMs = Math.round(timeoutMs * loadFactor());
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${String(lastError).split('\n')[0]})` : ''}`);
    }
    await sleep(everyMs);
  }
}

/** What a test receives: the page plus helpers that act like a person at the keyboard. */
export class E2E {
  readonly page: Page;
  readonly workspaceDir: string;
  readonly artifactsDir: string;
  readonly logs: string[];
  readonly vsix?: string;
  private shots = 0;

  constructor(o: E2EOptions) {
    this.page = o.page;
    this.workspaceDir = o.workspaceDir;
    this.artifactsDir = o.artifactsDir;
    this.logs = o.logs;
    this.vsix = o.vsix;
  }

  /** Waits until the workbench is laid out (the status bar exists once the parts are created). */
  async ready(timeoutMs = 60_000): Promise<void> {
    await this.page.waitForSelector('.monaco-workbench', { timeout: timeoutMs });
    await this.page.waitForSelector('.monaco-workbench .part.statusbar', { timeout: timeoutMs });
  }

  /** The quick input (palette / quick open) widget. */
  get quickInput(): Locator {
    return this.page.locator('.quick-input-widget');
  }

  private async closeQuickInput(): Promise<void> {
    if (await this.quickInput.isVisible()) await this.page.keyboard.press('Escape');
    await this.quickInput.waitFor({ state: 'hidden', timeout: scaled(5_000) }).catch(() => {});
  }

  /** Labels currently listed by the quick input (row aria-labels, e.g. "GradTape: Compute Gradients, Control+Alt+G"). */
  async quickInputRows(): Promise<string[]> {
    return this.quickInput.locator('.quick-input-list .monaco-list-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('aria-label') ?? (r as HTMLElement).innerText));
  }

  /**
   * Opens the palette (F1), types `query` and returns the listed command labels. Right after the
   * workbench loads the palette can answer "No matching commands" while contributions register,
   * so this retries until some row label contains `expect` (default: the query) or the time is up;
   * then it returns whatever is listed (possibly nothing), leaving the palette open.
   */
  async paletteItems(query: string, opts: { expect?: string; timeoutMs?: number } = {}): Promise<string[]> {
    const want = (opts.expect ?? query).toLowerCase();
    const deadline = Date.now() + (opts.timeoutMs ?? 20_000);
    let rows: string[] = [];
    for (;;) {
      await this.closeQuickInput();
      await this.page.keyboard.press('F1');
      // Under load, or with focus just moved out of a webview, an F1 can be lost: press it again.
      const opened = await this.quickInput.waitFor({ state: 'visible', timeout: scaled(5_000) }).then(() => true, () => false);
      if (!opened) {
        if (Date.now() > deadline) throw new Error(`the command palette did not open for "${query}"`);
        await this.page.locator('.monaco-workbench').click({ position: { x: 5, y: 5 }, force: true }).catch(() => undefined);
        continue;
      }
      await this.page.keyboard.type(query);
      // The list filters as you type; give it a moment to settle, then read.
      const settle = Date.now() + 1_500;
      while (Date.now() < settle) {
        rows = await this.quickInputRows();
        if (rows.some((r) => r.toLowerCase().includes(want))) return rows;
        await sleep(150);
      }
      if (Date.now() > deadline) return rows;
    }
  }

  /** Runs a command the way a person does: F1, type its title, pick the exact row, Enter. */
  async runCommand(title: string, opts: { timeoutMs?: number } = {}): Promise<void> {
    const rows = await this.paletteItems(title, { timeoutMs: opts.timeoutMs });
    const row = rows.findIndex((r) => r === title || r.startsWith(`${title},`));
    if (row < 0) {
      await this.closeQuickInput();
      throw new Error(`command "${title}" is not in the palette; it lists: ${rows.join(' | ') || 'nothing'}`);
    }
    // Move the selection to that row (the first row is selected), then accept it.
    for (let i = 0; i < row; i++) await this.page.keyboard.press('ArrowDown');
    await this.page.keyboard.press('Enter');
    await this.quickInput.waitFor({ state: 'hidden', timeout: scaled(10_000) });
  }

  /** Opens a workspace file by its path relative to the workspace root, through Quick Open (Ctrl+P). */
  async openFile(relPath: string, opts: { timeoutMs?: number } = {}): Promise<void> {
    const base = path.basename(relPath);
    await until(`Quick Open to find ${relPath}`, async () => {
      await this.closeQuickInput();
      await this.page.keyboard.press('Control+P');
      await this.quickInput.waitFor({ state: 'visible', timeout: scaled(10_000) });
      await this.page.keyboard.type(relPath);
      // File search indexes the folder in the background at first: wait for our row.
      const found = await until('a row', async () => (await this.quickInputRows()).findIndex((r) => r.startsWith(`${base},`) || r.startsWith(`${base} `) || r === base) + 1, 2_000, 150).catch(() => 0);
      if (!found) return false;
      for (let i = 1; i < found; i++) await this.page.keyboard.press('ArrowDown');
      await this.page.keyboard.press('Enter');
      return true;
    }, opts.timeoutMs ?? 30_000, 300);
    // With several editor groups (a panel beside the editor), the file may be shown in a group that is not
    // the focused one, or a webview may take the focus back: accept any group showing it, then focus it.
    const shown = this.page.locator('.editor-group-container .tabs-container .tab.active').filter({ has: this.page.locator(`.label-name:text-is("${base}")`) });
    await until(`an editor tab showing ${base}`, async () => (await this.activeTabTitle()) === base || (await shown.count()) > 0, 10_000);
    if ((await this.activeTabTitle()) !== base) {
      await shown.first().click();
      await until(`${base} to be the active editor`, async () => (await this.activeTabTitle()) === base, 5_000);
    }
    await this.page.locator('.editor-group-container.active .monaco-editor .view-lines').first().waitFor({ state: 'visible' });
  }

  /** The title of the active editor tab in the active group, if any. */
  async activeTabTitle(): Promise<string | undefined> {
    const tab = this.page.locator('.editor-group-container.active .tabs-container .tab.active');
    if ((await tab.count()) === 0) return undefined;
    return (await tab.first().getAttribute('aria-label'))?.split(',')[0].trim();
  }

  /** Titles of all open editor tabs. */
  async tabTitles(): Promise<string[]> {
    return this.page.locator('.tabs-container .tab').evaluateAll((tabs) => tabs.map((t) => (t.getAttribute('aria-label') ?? '').split(',')[0].trim()));
  }

  /**
   * Hovers the `nth` occurrence of `word` in the visible editor text and returns the hover's text.
   * Monaco splits lines into token spans; we look for a span whose text is exactly the word.
   */
  async hover(word: string, opts: { nth?: number; timeoutMs?: number } = {}): Promise<string> {
    const span = this.page.locator('.monaco-editor .view-line span span', { hasText: new RegExp(`^\\s*${word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`) }).nth(opts.nth ?? 0);
    await span.waitFor({ state: 'visible', timeout: opts.timeoutMs ?? 10_000 });
    const hover = this.page.locator('.monaco-hover:not(.hidden)').filter({ hasText: /\S/ });
    return until(`a hover over "${word}"`, async () => {
      // Move away first so each attempt is a fresh hover.
      await this.page.mouse.move(0, 0);
      await span.hover();
      await hover.first().waitFor({ state: 'visible', timeout: 3_000 });
      return (await hover.first().innerText()).trim();
    }, opts.timeoutMs ?? 15_000, 300);
  }

  /** Texts of the notification toasts on screen. */
  async notifications(): Promise<string[]> {
    return this.page.locator('.notifications-toasts .notification-toast .notification-list-item-message').allInnerTexts();
  }

  /** Waits for a notification toast whose text matches and returns it. */
  async waitForNotification(pattern: RegExp, timeoutMs = 15_000): Promise<string> {
    return until(`a notification matching ${pattern}`, async () => (await this.notifications()).find((n) => pattern.test(n)), timeoutMs);
  }

  /** The status bar items' texts. */
  async statusBarItems(): Promise<string[]> {
    return this.page.locator('.part.statusbar .statusbar-item').allInnerTexts();
  }

  /** Webview content is two iframes deep; this is the inner document of the (first or titled) webview. */
  webview(opts: { title?: string } = {}): FrameLocator {
    const outer = opts.title ? this.page.locator(`iframe.webview.ready[title="${opts.title}"]`) : this.page.locator('iframe.webview.ready');
    return outer.first().contentFrame().locator('iframe#active-frame').contentFrame();
  }

  /** Trusts the open folder through the Workspace Trust editor, as a person would. */
  async trustWorkspace(): Promise<void> {
    await this.runCommand('Workspaces: Manage Workspace Trust');
    const button = this.page.locator('.workspace-trust-editor .workspace-trust-buttons-row a.monaco-button, .workspace-trust-editor .monaco-button', { hasText: /^Trust( Folder)?$/ });
    await button.first().click({ timeout: scaled(15_000) });
    await until('Restricted Mode to end', async () => !(await this.statusBarItems()).some((s) => /Restricted Mode/.test(s)), 15_000);
    // Close the trust editor so the test starts with an empty editor area.
    await this.page.keyboard.press('Control+W').catch(() => {});
  }

  /** Saves a screenshot as <artifactsDir>/NN-name.png and returns its path. Look at them. */
  async screenshot(name: string): Promise<string> {
    fs.mkdirSync(this.artifactsDir, { recursive: true });
    const file = path.join(this.artifactsDir, `${String(++this.shots).padStart(2, '0')}-${name.replace(/[^\w.-]+/g, '-')}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  /** Console lines from the extension host that mention `pattern` (default: gradtape). */
  extensionLogs(pattern = /gradtape/i): string[] {
    return this.logs.filter((l) => pattern.test(l));
  }
}

/** The panel of one scratch file: the webview whose page says it shows that file. */
export async function panelFor(t: E2E, file: string): Promise<FrameLocator | undefined> {
  const outers = t.page.locator('iframe.webview.ready');
  const n = await outers.count();
  for (let i = 0; i < n; i++) {
    const inner = outers.nth(i).contentFrame().locator('iframe#active-frame').contentFrame();
    if (await inner.locator(`body[data-mode="panel"][data-uri$="/${file}"]`).count().catch(() => 0)) return inner;
  }
  return undefined;
}

/** How many runs the panel of `file` has drawn (its body's data-rendered; 0 before the first, or without a panel). */
export async function renderedCount(t: E2E, file: string): Promise<number> {
  const panel = await panelFor(t, file);
  if (!panel) return 0;
  return Number((await panel.locator('body').getAttribute('data-rendered', { timeout: 1_000 }).catch(() => null)) ?? 0);
}

/** The entries of a zip file (a .vsix), read from its central directory: [name, uncompressed size]. */
export function listZip(file: string): { name: string; size: number }[] {
  const buf = fs.readFileSync(file);
  // The end-of-central-directory record sits in the last 64 KiB + 22 bytes.
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 65_557); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error(`${file} is not a zip file`);
  const entries: { name: string; size: number }[] = [];
  let p = buf.readUInt32LE(eocd + 16);
  for (let n = buf.readUInt16LE(eocd + 10); n > 0; n--) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error(`${file}: bad central directory entry`);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    entries.push({ name: buf.toString('utf8', p + 46, p + 46 + nameLen), size: buf.readUInt32LE(p + 24) });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}
