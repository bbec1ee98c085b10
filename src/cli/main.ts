/**
 * `gradtape run FILE [--json] [--timeout S] [--memory MB]` (package.json bin.gradtape → dist/cli.js).
 *
 * Prints the script's own output as it happens, then the report (src/cli/report.ts); `--json`
 * prints the Trace instead. Exit status: 0 the script ran, 1 the script failed, 2 usage error.
 */
import fs from 'node:fs';
import path from 'node:path';
import { escapeControl } from '../format/text';
import { SETTING_RANGES } from '../protocol/settings';
import type { ConsoleLine } from '../protocol/trace';
import { DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT_MS, runScratch } from '../runner/host/scratchRun';
import { disposeBundlers } from '../runner/host/bundlerProcess';
import { formatError, reportLines, setDisplayRoot } from './report';
import { reportExit, superviseRun } from './supervise';

/** The options' ranges: the VS Code settings' (package.json), --timeout in seconds. */
const TIMEOUT_S = { min: SETTING_RANGES.timeoutMs.min / 1000, max: SETTING_RANGES.timeoutMs.max / 1000 };
const MEMORY_MB = SETTING_RANGES.memoryMb;

const USAGE = `Usage: gradtape run FILE [--json] [--timeout S] [--memory MB]

Runs a .grad.ts scratch file with the gradtape engine and reports its tapes,
gradients and curves.

Options:
  --json          print the run's trace as JSON (schema: src/protocol/trace.ts)
  --timeout S     stop the script after S seconds (${TIMEOUT_S.min} to ${TIMEOUT_S.max}, default ${DEFAULT_TIMEOUT_MS / 1000})
  --memory MB     memory limit of the script in MB (${MEMORY_MB.min} to ${MEMORY_MB.max}, default ${DEFAULT_MEMORY_MB})
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
  if (command !== 'run') return { kind: 'usage', message: `unknown command '${escapeControl(command)}'` };
  let file: string | undefined;
  const args: Omit<CliArgs, 'file'> = { json: false };
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    const value = (): string | undefined => {
      const eq = a.indexOf('=');
      return eq >= 0 ? a.slice(eq + 1) : rest[++i];
    };
    /**
     * A number in [min, max] after rounding to whole `unit`s ×`scale` (1 ms, 1 MB), else a usage message with
     * the range: 0.0001 s is 0 ms and 0.4 MB is 0 MB, out of range like 3000000 s (past setTimeout's limit).
     */
    const number = (name: string, range: { min: number; max: number }, unit: string, scale: number): number | string => {
      const v = value();
      const n = Math.round(Number(v) * scale);
      const ok = v !== undefined && v.trim() !== '' && Number.isFinite(n) && n >= range.min * scale && n <= range.max * scale;
      return ok ? n : `${name} needs a number of ${unit} from ${range.min} to ${range.max}${v === undefined ? '' : ` (got '${escapeControl(v)}')`}`;
    };
    if (a === '--json') args.json = true;
    else if (a === '--timeout' || a.startsWith('--timeout=')) {
      const n = number('--timeout', TIMEOUT_S, 'seconds', 1000);
      if (typeof n === 'string') return { kind: 'usage', message: n };
      args.timeoutMs = n;
    } else if (a === '--memory' || a.startsWith('--memory=')) {
      const n = number('--memory', MEMORY_MB, 'MB', 1);
      if (typeof n === 'string') return { kind: 'usage', message: n };
      args.memoryMb = n;
    } else if (a.startsWith('-')) return { kind: 'usage', message: `unknown option '${escapeControl(a)}'` };
    else if (file === undefined) file = a;
    else return { kind: 'usage', message: `unexpected argument '${escapeControl(a)}'` };
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
    process.stderr.write(`gradtape: no such file: ${escapeControl(args.file)}\n`);
    return 2;
  }
  setDisplayRoot(process.cwd());
  const controller = new AbortController();
  const onSigint = (): void => controller.abort();
  process.on('SIGINT', onSigint); // again and again: a supervisor passes on the Ctrl-C its child got too
  // A reader that goes away (`| head`) ends the run quietly: no EPIPE stack trace, no more output.
  const onClosed = (e: NodeJS.ErrnoException): void => {
    if (e.code !== 'EPIPE' && e.code !== 'ERR_STREAM_DESTROYED') throw e;
    closed = true;
    controller.abort();
  };
  process.stdout.on('error', onClosed);
  process.stderr.on('error', onClosed);
  let streamed = 0;
  const print = (line: ConsoleLine): void => {
    streamed++;
    if (closed) return;
    // The program's own bytes, shown rather than obeyed (ANSI escapes, \r, binary).
    (line.level === 'error' || line.level === 'warn' ? process.stderr : process.stdout).write(escapeControl(line.text) + '\n');
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
  if (closed) return 0;
  if (args.json) {
    await write(process.stdout, JSON.stringify(trace) + '\n');
    return trace.ok ? 0 : 1;
  }
  // Lines the trace holds beyond those printed as they came: the note of how many were dropped.
  for (const line of trace.console.slice(streamed)) await write(process.stderr, escapeControl(line.text) + '\n');
  if (trace.ok || trace.tapes.length || trace.gradients.length) {
    await write(process.stdout, '\n');
    // The report goes out as it is made, a chunk at a time (reportLines is a generator).
    let chunk = '';
    for (const line of reportLines(trace)) {
      chunk += line + '\n';
      if (chunk.length >= 16_384) {
        await write(process.stdout, chunk);
        chunk = '';
      }
    }
    await write(process.stdout, chunk);
  }
  if (trace.error) {
    const sourceOf = (f: string): string | undefined => {
      try {
        return fs.readFileSync(f, 'utf8');
      } catch {
        return undefined;
      }
    };
    await write(process.stderr, '\n' + formatError(trace, trace.error, sourceOf) + '\n');
    return closed ? 0 : 1;
  }
  return 0;
}

/** Set once stdout or stderr has no reader any more (EPIPE): nothing more is written. */
let closed = false;

/** Writes and waits, so a large --json trace is not cut short by process.exit; nothing once the reader is gone. */
function write(stream: NodeJS.WriteStream, text: string): Promise<void> {
  return new Promise((resolve) => {
    if (closed || stream.destroyed || !text) return resolve();
    const done = (): void => {
      stream.off('drain', done);
      stream.off('close', done);
      resolve();
    };
    if (stream.write(text)) resolve();
    else {
      stream.once('drain', done);
      stream.once('close', done);
    }
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
