// Finds every test/e2e/*.e2e.ts, runs their tests one after another against code-server in Chromium,
// and reports. Each test gets its own code-server (fresh user data), a fresh browser context, a fresh
// copy of its workspace and so a new extension host; the browser is shared.
// Loaded by scripts/test.mjs through tsx; see docs/development.md.
import fs from 'node:fs';
import path from 'node:path';
import type { BrowserContext } from 'playwright-core';
// Types only: scripts/test.mjs passes the session and helpers in (a value import of an .mjs from this
// CommonJS-compiled file would be a require(esm) cycle with test.mjs).
import type { CodeServer, HostSession, copyWorkspace } from '../../scripts/codeServer.mjs';
import { E2E, type E2ETest } from './harness';
import { loadFactor } from '../loadScaledTimeouts';

export interface E2EResult {
  passed: number;
  failed: number;
  failures: { name: string; error: string }[];
}

export interface E2ERunOptions {
  root: string;
  copyWorkspace: typeof copyWorkspace;
  /** Only tests whose "file › name" contains this (case-insensitive). */
  grep?: string;
  /** Builds the .vsix when a test needs it; returns its path. */
  vsix: () => Promise<string>;
  print?: (line: string) => void;
}


interface Loaded {
  file: string;
  test: E2ETest;
}

function discover(root: string): Loaded[] {
  const dir = path.join(root, 'test', 'e2e');
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.e2e.ts')).sort();
  const out: Loaded[] = [];
  for (const f of files) {
    // require: scripts/test.mjs loads this harness through tsx's CommonJS hook.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(path.join(dir, f)) as { tests?: E2ETest[]; default?: { tests?: E2ETest[] } };
    const tests = mod.tests ?? mod.default?.tests;
    if (!Array.isArray(tests) || tests.length === 0) throw new Error(`test/e2e/${f} exports no tests (expected: export const tests: E2ETest[])`);
    for (const test of tests) out.push({ file: f.replace(/\.e2e\.ts$/, ''), test });
  }
  return out;
}

const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60);

export async function runE2E(session: HostSession, opts: E2ERunOptions): Promise<E2EResult> {
  const { root, copyWorkspace } = opts;
  const print = opts.print ?? ((l: string) => console.log(l));
  const artifactsRoot = path.join(root, 'test-artifacts', 'e2e');
  let all = discover(root);
  if (opts.grep) all = all.filter((l) => `${l.file} › ${l.test.name}`.toLowerCase().includes(opts.grep!.toLowerCase()));

  const result: E2EResult = { passed: 0, failed: 0, failures: [] };
  const browser = all.length ? await session.browser() : undefined;
  for (const { file, test } of all) {
    const title = `${file} › ${test.name}`;
    const started = Date.now();
    const artifactsDir = path.join(artifactsRoot, `${slug(file)}--${slug(test.name)}`);
    fs.rmSync(artifactsDir, { recursive: true, force: true });
    const logs: string[] = [];
    let t: E2E | undefined;
    let server: CodeServer | undefined;
    let ws: ReturnType<typeof copyWorkspace> | undefined;
    let context: BrowserContext | undefined;
    try {
      ws = copyWorkspace(test.workspace ?? 'basic');
      context = await browser!.newContext({ viewport: { width: 1400, height: 900 } });
      const vsix = test.extension === 'vsix' ? await opts.vsix() : undefined;
      // A server per test (about a second to start): user settings and extension state never leak between tests.
      server = test.standalone ? undefined : await session.freshServer({ workspaceTrust: test.trust !== 'disabled', installExtensions: vsix ? [vsix] : [] });
      const page = await context.newPage();
      await page.exposeFunction('codeAutomationLog', (type: string, args: unknown) => {
        const text = (Array.isArray(args) ? args : [args]).map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ');
        logs.push(`${type}: ${text}`);
      });
      const workspaceDir = ws.dir;
      t = new E2E({ page, workspaceDir, artifactsDir, logs, vsix });
      const body = async () => {
        if (server) {
          await page.goto(server.url({ folder: workspaceDir, ...(test.extension === 'vsix' ? {} : { extensionDevelopmentPath: root }) }));
          await t!.ready();
          if ((test.trust ?? 'trusted') === 'trusted') await t!.trustWorkspace();
        }
        await test.run(t!);
      };
      const timeoutMs = Math.round((test.timeoutMs ?? 120_000) * loadFactor());
      let timer: NodeJS.Timeout | undefined;
      const running = body();
      running.catch(() => {}); // after a timeout it fails as the context closes; already reported
      await Promise.race([
        running,
        new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs / 1000} s`)), timeoutMs); }),
      ]).finally(() => clearTimeout(timer));
      result.passed++;
      print(`  ✓ ${title} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    } catch (e) {
      result.failed++;
      // Playwright's call logs carry terminal colour codes; the report is plain text.
      const error = (e instanceof Error ? (e.stack ?? e.message) : String(e)).replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'), '');
      result.failures.push({ name: title, error });
      print(`  ✗ ${title} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
      for (const l of error.split('\n').slice(0, 8)) print(`      ${l}`);
      if (t) {
        const shot = await t.screenshot('failure').catch(() => undefined);
        if (shot) print(`      screenshot: ${path.relative(root, shot)}`);
        for (const l of t.extensionLogs().slice(-15)) print(`      host ${l.slice(0, 300)}`);
      }
    } finally {
      await context?.close().catch(() => {});
      await server?.stop().catch(() => {});
      ws?.remove();
    }
  }
  return result;
}
