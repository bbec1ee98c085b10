/**
 * `gradtape run` as two processes, so a time limit ends the command whatever the script is blocked in.
 *
 * A run's worker thread stops at once when it runs JavaScript, but not while it is inside a blocking
 * native call (`execSync('sleep 45')`, a synchronous read of a FIFO): no thread can be interrupted
 * there, and a Node process does not exit before its worker threads have stopped. So the command
 * the user started (the supervisor) runs the CLI in a child process with the same stdio; the child
 * reports its exit status as soon as its output is written, and the supervisor exits with it, killing
 * the child if its threads are still not done a moment later.
 */
import { spawn } from 'node:child_process';

/** Set in the child's environment: the CLI there does the work and reports to its supervisor. */
const CHILD_ENV = 'GRADTAPE_CLI_SUPERVISED';
/** How long a child whose output is complete may take to exit on its own before it is killed. */
const EXIT_GRACE_MS = 250;

/** True in the child of a supervisor. */
export const isSupervised = (): boolean => process.env[CHILD_ENV] === '1' && typeof process.send === 'function';

/**
 * Runs `script argv` in a supervised child and exits with its status; returns false (doing nothing)
 * when this process is itself the child, or the command needs no run (help, usage errors).
 */
export function superviseRun(script: string, argv: string[]): boolean {
  if (isSupervised() || argv[0] !== 'run' || argv.includes('-h') || argv.includes('--help') || argv.includes('-v') || argv.includes('--version')) return false;
  const child = spawn(process.execPath, [...process.execArgv, script, ...argv], {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, [CHILD_ENV]: '1' },
  });
  let reported: number | undefined;
  let grace: NodeJS.Timeout | undefined;
  child.on('message', (m: unknown) => {
    const code = (m as { exitCode?: unknown } | null)?.exitCode;
    if (typeof code !== 'number') return;
    reported = code;
    grace = setTimeout(() => {
      child.kill('SIGKILL');
      process.exit(code);
    }, EXIT_GRACE_MS);
  });
  child.on('exit', (code, signal) => {
    if (grace) clearTimeout(grace);
    process.exit(reported ?? code ?? (signal === 'SIGINT' ? 130 : 1));
  });
  child.on('error', (e) => {
    process.stderr.write(`gradtape: cannot start the run: ${e.message}\n`);
    process.exit(1);
  });
  // Ctrl-C reaches the child with the terminal's process group; a signal sent to this process alone
  // is passed on. Either way the child ends the run and reports.
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      if (child.exitCode === null && child.signalCode === null) child.kill(sig);
    });
  }
  return true;
}

/** In the child: tells the supervisor the command is over (its output is written) with this status. */
export function reportExit(code: number): void {
  if (!isSupervised()) return;
  // Disconnected once sent: an open channel would keep this process alive.
  process.send!({ exitCode: code }, () => process.disconnect?.());
}
