/**
 * The panel's bundle in a plain Chromium page, outside VS Code: for the drawing benchmarks
 * (bench/panelDraw.bench.ts) and quick looks while styling. The page defines a few --vscode-*
 * variables as VS Code's default themes do; the end-to-end tests use the real workbench instead.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { HostToPanel } from '../../src/protocol/panel';
import type { Trace } from '../../src/protocol/trace';

const root = path.resolve(__dirname, '../..');

const common = {
  '--vscode-font-family': 'system-ui, "Segoe UI", Ubuntu, sans-serif',
  '--vscode-font-size': '13px',
  '--vscode-editor-font-family': '"DejaVu Sans Mono", Menlo, Consolas, monospace',
  '--vscode-editor-font-size': '12px',
};
export const THEMES: Record<'dark' | 'light' | 'hcDark', Record<string, string>> = {
  dark: {
    ...common,
    '--vscode-foreground': '#cccccc', '--vscode-editor-foreground': '#cccccc', '--vscode-editor-background': '#1f1f1f',
    '--vscode-editorWidget-background': '#202020', '--vscode-editorWidget-border': '#454545', '--vscode-panel-border': '#2b2b2b',
    '--vscode-descriptionForeground': '#9d9d9d', '--vscode-focusBorder': '#0078d4', '--vscode-errorForeground': '#f85149',
    '--vscode-editorWarning-foreground': '#cca700', '--vscode-disabledForeground': '#6e7681', '--vscode-textLink-foreground': '#4daafc',
    '--vscode-charts-blue': '#3794ff', '--vscode-charts-green': '#89d185', '--vscode-charts-yellow': '#cca700', '--vscode-charts-orange': '#d18616',
    '--vscode-charts-red': '#f14c4c', '--vscode-charts-purple': '#b180d7', '--vscode-badge-background': '#616161', '--vscode-badge-foreground': '#f8f8f8',
    '--vscode-button-secondaryBackground': '#313131', '--vscode-button-secondaryForeground': '#cccccc', '--vscode-input-background': '#313131',
    '--vscode-input-foreground': '#cccccc', '--vscode-input-border': '#3c3c3c', '--vscode-sideBar-background': '#181818',
    '--vscode-editor-findMatchHighlightBackground': 'rgba(234, 92, 0, 0.33)', '--vscode-panelTitle-activeBorder': '#0078d4',
    '--vscode-testing-iconPassed': '#73c991', '--vscode-dropdown-background': '#313131', '--vscode-dropdown-foreground': '#cccccc',
  },
  light: {
    ...common,
    '--vscode-foreground': '#3b3b3b', '--vscode-editor-foreground': '#3b3b3b', '--vscode-editor-background': '#ffffff',
    '--vscode-editorWidget-background': '#f8f8f8', '--vscode-editorWidget-border': '#c8c8c8', '--vscode-panel-border': '#e5e5e5',
    '--vscode-descriptionForeground': '#717171', '--vscode-focusBorder': '#005fb8', '--vscode-errorForeground': '#f85149',
    '--vscode-editorWarning-foreground': '#bf8803', '--vscode-disabledForeground': '#8b949e', '--vscode-textLink-foreground': '#005fb8',
    '--vscode-charts-blue': '#1a85ff', '--vscode-charts-green': '#388a34', '--vscode-charts-yellow': '#bf8803', '--vscode-charts-orange': '#d18616',
    '--vscode-charts-red': '#e51400', '--vscode-charts-purple': '#652d90', '--vscode-badge-background': '#cccccc', '--vscode-badge-foreground': '#3b3b3b',
    '--vscode-button-secondaryBackground': '#e5e5e5', '--vscode-button-secondaryForeground': '#3b3b3b', '--vscode-input-background': '#ffffff',
    '--vscode-input-foreground': '#3b3b3b', '--vscode-input-border': '#cecece', '--vscode-sideBar-background': '#f8f8f8',
    '--vscode-editor-findMatchHighlightBackground': 'rgba(234, 92, 0, 0.33)', '--vscode-panelTitle-activeBorder': '#005fb8',
    '--vscode-testing-iconPassed': '#388a34', '--vscode-dropdown-background': '#ffffff', '--vscode-dropdown-foreground': '#3b3b3b',
  },
  // Dark High Contrast: borders instead of fills, the orange active border as focus.
  hcDark: {
    ...common,
    '--vscode-foreground': '#ffffff', '--vscode-editor-foreground': '#ffffff', '--vscode-editor-background': '#000000',
    '--vscode-editorWidget-background': '#0c141f', '--vscode-editorWidget-border': '#6fc3df', '--vscode-panel-border': '#6fc3df',
    '--vscode-contrastBorder': '#6fc3df', '--vscode-contrastActiveBorder': '#f38518',
    '--vscode-descriptionForeground': '#ffffffb3', '--vscode-focusBorder': '#f38518', '--vscode-errorForeground': '#f48771',
    '--vscode-editorWarning-foreground': '#ffd370', '--vscode-disabledForeground': '#a5a5a5', '--vscode-textLink-foreground': '#21a6ff',
    '--vscode-charts-blue': '#3794ff', '--vscode-charts-green': '#89d185', '--vscode-charts-yellow': '#ffd370',
    '--vscode-charts-red': '#f48771', '--vscode-charts-purple': '#b180d7', '--vscode-badge-background': '#000000', '--vscode-badge-foreground': '#ffffff',
    '--vscode-button-secondaryBackground': '#000000', '--vscode-button-secondaryForeground': '#ffffff', '--vscode-button-border': '#6fc3df',
    '--vscode-input-background': '#000000', '--vscode-input-foreground': '#ffffff', '--vscode-input-border': '#6fc3df', '--vscode-sideBar-background': '#000000',
    '--vscode-editor-findMatchHighlightBackground': 'rgba(0, 0, 0, 0)', '--vscode-editor-findMatchBorder': '#f38518',
    '--vscode-testing-iconPassed': '#73c991', '--vscode-dropdown-background': '#000000', '--vscode-dropdown-foreground': '#ffffff',
    '--vscode-inputOption-activeBorder': '#6fc3df',
  },
};

/** The body class VS Code gives each theme kind. */
const THEME_CLASS: Record<keyof typeof THEMES, string> = { dark: 'vscode-dark', light: 'vscode-light', hcDark: 'vscode-high-contrast' };

export function standaloneHtml(theme: keyof typeof THEMES): string {
  const vars = Object.entries(THEMES[theme]).map(([k, v]) => `${k}: ${v};`).join(' ');
  const dist = path.join(root, 'dist');
  return `<!DOCTYPE html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="file://${dist}/webview.css">
<style>html { ${vars} }</style></head>
<body class="${THEME_CLASS[theme]}" data-mode="panel" data-uri="file:///ws/example.grad.ts"><div id="app"></div>
<script src="file://${dist}/webview.js"></script></body></html>`;
}

export async function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--allow-file-access-from-files'] });
}

export async function openPanel(browser: Browser, theme: keyof typeof THEMES = 'dark', size = { width: 1280, height: 800 }): Promise<Page> {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'gradtape-panel-')), 'panel.html');
  fs.writeFileSync(file, standaloneHtml(theme));
  const page = await browser.newPage({ viewport: size });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`file://${file}`);
  await page.waitForFunction(() => (globalThis as unknown as { posted?: { type: string }[] }).posted?.some((m) => m.type === 'ready'));
  if (errors.length) throw new Error(errors.join('\n'));
  return page;
}

/** Posts a run as the host would and waits until the panel has drawn it; returns the panel's draw time. */
export async function loadRun(page: Page, trace: Trace, fileName = 'example.grad.ts'): Promise<number> {
  const before = await page.evaluate(() => Number(document.body.dataset.rendered ?? 0));
  const msg: HostToPanel = { type: 'didLoadRun', uri: 'file:///ws/example.grad.ts', fileName, run: { uri: 'file:///ws/example.grad.ts', version: 1, trace }, sentAt: Date.now() };
  await page.evaluate((m) => window.postMessage(m, '*'), msg);
  await page.waitForFunction((n) => Number(document.body.dataset.rendered ?? 0) > n, before);
  return page.evaluate(() => Number(document.body.dataset.drawMs));
}
