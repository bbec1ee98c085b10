// The TypeScript server plugin, in a real tsserver: a .grad.ts file gets types for "gradtape" (completions
// after `tf.`, no "Cannot find module"), another .ts file does not. The plugin is bundled into a temp
// extension folder laid out as in the .vsix (node_modules/gradtape-ts-plugin next to dist/types).
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as esbuild from 'esbuild';

const root = path.resolve(__dirname, '..', '..');

class TsServer {
  private readonly proc: ChildProcess;
  private seq = 0;
  private buf = Buffer.alloc(0);
  private readonly waiting = new Map<number, (body: unknown) => void>();

  constructor(probeLocation: string) {
    this.proc = spawn(process.execPath, [path.join(root, 'node_modules/typescript/lib/tsserver.js'), '--globalPlugins', 'gradtape-ts-plugin', '--pluginProbeLocations', probeLocation, '--disableAutomaticTypingAcquisition'], { stdio: ['pipe', 'pipe', 'ignore'] });
    this.proc.stdout!.on('data', (d: Buffer) => this.read(d));
  }

  private read(d: Buffer): void {
    this.buf = Buffer.concat([this.buf, d]);
    for (;;) {
      const text = this.buf.toString('latin1');
      const m = /Content-Length: (\d+)\r\n\r\n/.exec(text);
      if (!m) return;
      const start = m.index + m[0].length;
      const len = Number(m[1]);
      if (this.buf.length < start + len) return;
      const msg = JSON.parse(this.buf.subarray(start, start + len).toString('utf8')) as { type: string; request_seq: number; body: unknown };
      this.buf = this.buf.subarray(start + len);
      if (msg.type === 'response') this.waiting.get(msg.request_seq)?.(msg.body);
    }
  }

  request<T>(command: string, args: unknown): Promise<T> {
    const seq = ++this.seq;
    return new Promise((resolve) => {
      this.waiting.set(seq, (b) => resolve(b as T));
      this.proc.stdin!.write(`${JSON.stringify({ seq, type: 'request', command, arguments: args })}\n`);
    });
  }

  open(file: string, text: string): void {
    this.proc.stdin!.write(`${JSON.stringify({ seq: ++this.seq, type: 'request', command: 'open', arguments: { file, fileContent: text } })}\n`);
  }

  kill(): void {
    this.proc.kill();
  }
}

describe('TypeScript server plugin: types for "gradtape" in .grad.ts files', function () {
  this.timeout(60_000);
  let ext: string;
  let work: string;
  let server: TsServer;

  before(async () => {
    // The engine's declarations: built by scripts/build.mjs; emitted here when missing.
    if (!fs.existsSync(path.join(root, 'dist/types/engine/index.d.ts'))) {
      const { buildEditorExtras } = await import(path.join(root, 'scripts/editorBuild.mjs'));
      buildEditorExtras();
    }
    ext = fs.mkdtempSync(path.join(os.tmpdir(), 'gradtape-ext-'));
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'gradtape-user-'));
    await esbuild.build({ entryPoints: [path.join(root, 'src/tsPlugin/index.ts')], outfile: path.join(ext, 'node_modules/gradtape-ts-plugin/index.js'), bundle: true, platform: 'node', format: 'cjs', logLevel: 'silent' });
    fs.writeFileSync(path.join(ext, 'node_modules/gradtape-ts-plugin/package.json'), JSON.stringify({ name: 'gradtape-ts-plugin', main: 'index.js' }));
    fs.mkdirSync(path.join(ext, 'dist'));
    fs.symlinkSync(path.join(root, 'dist/types'), path.join(ext, 'dist/types'), 'dir');
    server = new TsServer(ext);
  });

  after(() => {
    server?.kill();
    fs.rmSync(ext, { recursive: true, force: true });
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('completes tf. with GradientTape and reports no missing module, writing nothing into the folder', async () => {
    const file = path.join(work, 'scratch.grad.ts');
    const text = 'import * as tf from "gradtape";\nconst w = tf.variable([[0.25], [0.15]]);\ntf.\n';
    fs.writeFileSync(file, text);
    server.open(file, text);
    const completions = await server.request<{ entries: { name: string }[] }>('completionInfo', { file, line: 3, offset: 4 });
    const names = completions.entries.map((e) => e.name);
    for (const name of ['GradientTape', 'variable', 'constant', 'matmul']) assert.ok(names.includes(name), `${name} missing from ${names.join(', ')}`);
    const diags = await server.request<{ text: string }[]>('semanticDiagnosticsSync', { file });
    assert.deepEqual(diags.map((d) => d.text), []);
    const quick = await server.request<{ displayString: string }>('quickinfo', { file, line: 2, offset: 7 });
    assert.match(quick.displayString, /Variable/);
    assert.deepEqual(fs.readdirSync(work), ['scratch.grad.ts']);
  });

  it('leaves other TypeScript files alone', async () => {
    const file = path.join(work, 'plain.ts');
    const text = 'import * as tf from "gradtape";\nexport const t = tf;\n';
    fs.writeFileSync(file, text);
    server.open(file, text);
    const diags = await server.request<{ text: string }[]>('semanticDiagnosticsSync', { file });
    assert.ok(diags.some((d) => /Cannot find module 'gradtape'/.test(d.text)), JSON.stringify(diags));
  });
});
