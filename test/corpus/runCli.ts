// Runs one corpus case through the CLI as a person would (`node dist/cli.js run FILE …` in a child
// process) and measures it: wall time from spawn to exit, and the peak resident memory of every
// process of the command (the supervisor and its child, read from /proc while it runs).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { CorpusCase } from './cases';

export interface CaseResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
  /** Largest peak RSS (VmHWM) of any process of the command, in MB; undefined without /proc. */
  peakMb: number | undefined;
}

/** Output kept per stream: enough for every assertion, bounded for a case that floods. */
const KEEP_BYTES = 1 << 20;

/** The file a case runs: written to `dir` from its source. */
export function writeCase(c: CorpusCase, dir: string): string {
  const file = path.join(dir, c.fileName ?? `${c.name}.grad.ts`);
  if (c.source !== undefined) fs.writeFileSync(file, c.source);
  return file;
}

export function runCli(cli: string, c: CorpusCase, dir: string): Promise<CaseResult> {
  const file = writeCase(c, dir);
  const args = (c.args ?? ['run', '{file}']).map((a) => a.replace('{file}', path.basename(file)));
  const t0 = performance.now();
  const child = spawn(process.execPath, [cli, ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const out = { stdout: '', stderr: '' };
  const keep = (k: 'stdout' | 'stderr') => (d: Buffer) => {
    if (out[k].length < KEEP_BYTES) out[k] += d.toString('utf8');
  };
  child.stdout.on('data', keep('stdout'));
  child.stderr.on('data', keep('stderr'));
  const peak = new PeakRss(child.pid!);
  const sampler = setInterval(() => peak.sample(), 25);
  return new Promise((resolve) => {
    child.on('exit', () => peak.sample());
    child.on('close', (code, signal) => {
      clearInterval(sampler);
      resolve({ code, signal, ...out, ms: performance.now() - t0, peakMb: peak.mb });
    });
  });
}

/** Peak RSS of a process and its descendants, by polling /proc (Linux). */
class PeakRss {
  private peakKb = 0;
  private readonly supported = fs.existsSync('/proc/self/status');
  constructor(private readonly root: number) {}

  get mb(): number | undefined {
    return this.supported ? this.peakKb / 1024 : undefined;
  }

  sample(): void {
    if (!this.supported) return;
    for (const pid of this.tree(this.root, 0)) {
      try {
        const m = /^VmHWM:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
        if (m) this.peakKb = Math.max(this.peakKb, Number(m[1]));
      } catch {
        // the process has just exited
      }
    }
  }

  private tree(pid: number, depth: number): number[] {
    if (depth > 3) return [pid];
    let children: number[] = [];
    try {
      children = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(/\s+/).filter(Boolean).map(Number);
    } catch {
      // gone, or a kernel without the children file: the process alone
    }
    return [pid, ...children.flatMap((c) => this.tree(c, depth + 1))];
  }
}
