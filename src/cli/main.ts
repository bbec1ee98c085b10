/**
 * `gradtape run FILE [--json] [--timeout S] [--memory MB]` (package.json bin.gradtape → dist/cli.js).
 *
 * Prints the script's own output as it happens, then the report (src/cli/report.ts); `--json`
 * prints the Trace instead. Exit status: 0 the script ran, 1 the script failed, 2 usage error.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ConsoleLine } from '../protocol/trace';
import { DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT_MS, runScratch } from '../runner/host/scratchRun';
import { disposeBundlers } from '../runner/host/bundlerThread';
import { formatError, formatReport, setDisplayRoot } from './report';
import { reportExit, superviseRun } from './supervise';

const USAGE = `Usage: gradtape run FILE [--json] [--timeout S] [--memory MB]

Runs a .grad.ts scratch file with the gradtape engine and reports its tapes,
gradients and curves.

Options:
  --json          print the run's trace as JSON (schema: src/protocol/trace.ts)
  --timeout S     stop the script after S seconds (default ${DEFAULT_TIMEOUT_MS / 1000})
  --memory MB     memory limit of the script in MB (default ${DEFAULT_MEMORY_MB})
  -h, --help      show this help
  -v, --version   show the version

Exit status: 0 when the script ran, 1 when it failed, 2 for usage errors.`;

export interface CliArgs {
  file: string;
  json: boolean;
  timeoutMs?: number;
  memoryMb?: number;
}

export type Parsed = { kind: 'run'; args: CliArgs } | { kind: 'help' } | { kind: 'version' } | { kind: 'usage'; message: string };

export function parseArgs(argv: string[]): Parsed {
  if (argv.includes('-h') || argv.includes('--help')) return { kind: 'help' };
  if (argv.includes('-v') || argv.includes('--version')) return { kind: 'version' };
  const [command, ...rest] = argv;
  if (!command) return { kind: 'usage', message: 'missing command' };
  if (command !== 'run') return { kind: 'usage', message: `unknown command '${command}'` };
  let file: string | undefined;
  const args: Omit<CliArgs, 'file'> = { json: false };
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    const value = (): string | undefined => {
      const eq = a.indexOf('=');
      return eq >= 0 ? a.slice(eq + 1) : rest[++i];
    };
    const number = (name: string): number | string => {
      const v = value();
      const n = Number(v);
      return v === undefined || v === '' || !Number.isFinite(n) || n <= 0 ? `${name} needs a positive number` : n;
    };
    if (a === '--json') args.json = true;
    else if (a === '--timeout' || a.startsWith('--timeout=')) {
      const n = number('--timeout');
      if (typeof n === 'string') return { kind: 'usage', message: n };
      args.timeoutMs = Math.round(n * 1000);
    } else if (a === '--memory' || a.startsWith('--memory=')) {
      const n = number('--memory');
      if (typeof n === 'string') return { kind: 'usage', message: n };
      args.memoryMb = Math.round(n);
    } else if (a.startsWith('-')) return { kind: 'usage', message: `unknown option '${a}'` };
    else if (file === undefined) file = a;
    else return { kind: 'usage', message: `unexpected argument '${a}'` };
  }
  if (file === undefined) return { kind: 'usage', message: 'missing FILE' };
  return { kind: 'run', args: { ...args, file } };
}

function version(): string {
  for (const p of [path.join(__dirname, '..', 'package.json'), path.join(__dirname, '..', '..', 'package.json')]) {
    try {
      const pkg = JSON.parse(fs.readFileSync(p, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'gradtape' && pkg.version) return pkg.version;
    } catch {
      // try the next candidate
    }
  }
  return 'unknown';
}

export async function main(argv: string[]): Promise<number> {
  const parsed = parseArgs(argv);
  if (parsed.kind === 'help') {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  if (parsed.kind === 'version') {
    process.stdout.write(`gradtape ${version()}\n`);
    return 0;
  }
  if (parsed.kind === 'usage') {
    process.stderr.write(`gradtape: ${parsed.message}\n\n${USAGE}\n`);
    return 2;
  }
  const { args } = parsed;
  const file = path.resolve(args.file);
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
    process.stderr.write(`gradtape: no such file: ${args.file}\n`);
    return 2;
  }
  setDisplayRoot(process.cwd());
  const controller = new AbortController();
  const onSigint = (): void => controller.abort();
  process.on('SIGINT', onSigint); // again and again: a supervisor passes on the Ctrl-C its child got too
  const print = (line: ConsoleLine): void => {
    (line.level === 'error' || line.level === 'warn' ? process.stderr : process.stdout).write(line.text + '\n');
  };
  const trace = await runScratch({
    file,
    timeoutMs: args.timeoutMs,
    memoryMb: args.memoryMb,
    signal: controller.signal,
    // With --json, stdout carries the trace only (the console lines are inside it).
    onConsole: args.json ? undefined : print,
  });
  process.off('SIGINT', onSigint);
  await disposeBundlers();
  if (args.json) {
    await write(process.stdout, JSON.stringify(trace) + '\n');
    return trace.ok ? 0 : 1;
  }
  if (trace.ok || trace.tapes.length || trace.gradients.length) await write(process.stdout, '\n' + formatReport(trace) + '\n');
  if (trace.error) {
    const sourceOf = (f: string): string | undefined => {
      try {
        return fs.readFileSync(f, 'utf8');
      } catch {
        return undefined;
      }
    };
    await write(process.stderr, '\n' + formatError(trace, trace.error, sourceOf) + '\n');
    return 1;
  }
  return 0;
}

/** Writes and waits, so a large --json trace is not cut short by process.exit. */
function write(stream: NodeJS.WriteStream, text: string): Promise<void> {
  return new Promise((resolve) => {
    if (stream.write(text)) resolve();
    else stream.once('drain', () => resolve());
  });
}

if (require.main === module && !superviseRun(__filename, process.argv.slice(2))) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
      reportExit(code);
    },
    (e: unknown) => {
      process.stderr.write(`gradtape: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 1;
      reportExit(1);
    },
  );
}
